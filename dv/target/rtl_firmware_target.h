#pragma once
// The Verilated SMOL-32 core (rtl_target.h) as a firmware target (firmware/src/target.h), as iss_target is
// for the ISS: the firmware host, `--backend rtl` and the comparison suite run it unchanged. RTL-only extras
// (cycle counters, waves) are reached through core().
#include "dv/target/rtl_target.h"
#include "firmware/src/target.h"

#include <cstdint>
#include <string>

namespace smol::rtl {

struct rtl_run_options {
    memory_timing timing;
    // Cycles one run() may take before it is refused as a runaway (smol::error naming --max-cycles). The
    // default is far above any forward pass (SmolLM2-135M at position 8191 needs well under 2^32).
    uint64_t max_cycles = uint64_t{1} << 36;
    // A progress line on stderr for runs longer than a few seconds (rtl_progress.h); empty: none.
    std::string progress_label = "rtl";
};

class rtl_firmware_target final : public firmware::target {
public:
    rtl_firmware_target(uint64_t memory_bytes, const rtl_run_options& options);

    std::string_view name() const override { return "rtl"; }
    uint64_t memory_size() const override { return core_.mem_size(); }
    void write_memory(uint64_t addr, std::span<const std::byte> bytes) override;
    void read_memory(uint64_t addr, std::span<std::byte> out) const override;
    void reset(uint32_t entry) override { core_.reset(entry); }
    // Throws smol::error when the run exceeds max_cycles (no target_stop says "cycles").
    firmware::target_result run(uint64_t max_instructions) override;
    void set_commit_hook(firmware::commit_hook hook) override { core_.set_commit_hook(std::move(hook)); }

    const rtl_run_options& options() const { return options_; }
    rtl_target& core() { return core_; }
    const rtl_target& core() const { return core_; }
    // Cycles of the last run() (its counters, read before the next reset()).
    uint64_t last_run_cycles() const { return last_cycles_; }

private:
    rtl_target core_;
    rtl_run_options options_;
    uint64_t last_cycles_ = 0;
};

firmware::target_factory rtl_target_factory(const rtl_run_options& options);

}  // namespace smol::rtl
