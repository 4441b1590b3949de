#pragma once
// The golden ISS as a firmware target, through the machine's public API only. ISS-only extras (per-pc
// profiling for `smol profile`, FLOP and MAC counters) are reached through machine().
#include "firmware/src/target.h"
#include "iss/src/machine.h"

namespace smol::firmware {

class iss_target final : public target {
public:
    explicit iss_target(uint64_t memory_bytes, iss::q8_mac_fn q8_kernel = iss::q8_mac_best())
        : m_(memory_bytes, q8_kernel) {}

    std::string_view name() const override { return "iss"; }
    uint64_t memory_size() const override { return m_.mem().size(); }
    void write_memory(uint64_t addr, std::span<const std::byte> bytes) override;
    void read_memory(uint64_t addr, std::span<std::byte> out) const override;
    void reset(uint32_t entry) override { m_.reset(entry); }
    target_result run(uint64_t max_instructions) override;
    void set_commit_hook(commit_hook hook) override { m_.set_commit_hook(std::move(hook)); }

    iss::machine& machine() { return m_; }
    const iss::machine& machine() const { return m_; }

private:
    mutable iss::machine m_;  // mutable: machine::mem() has no const overload
};

// `q8_kernel`: the host kernel the ISS runs Q8 MACs on (the AVX2 one where the CPU has it, or the portable
// one; the two agree bit for bit, which the comparison suite checks through the commit stream).
target_factory iss_target_factory(iss::q8_mac_fn q8_kernel = iss::q8_mac_best());

}  // namespace smol::firmware
