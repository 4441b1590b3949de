#pragma once
// The SMOL-32 golden ISS: architectural state, checked memory, decode-once cache and one execute
// function per instruction (docs/isa.md; semantics in iss/src/exec_*.cpp, dispatched by the table). Every result is bit-exact with the spec; the Verilog core is
// built to match this model, instruction by instruction, through the commit log (iss/src/trace.h).
#include "isa/generated/smol32_isa.h"
#include "iss/src/q8_kernel.h"
#include "iss/src/trace.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace smol::iss {

inline constexpr uint64_t default_mem_size = uint64_t{256} << 20;
inline constexpr uint64_t max_mem_size = uint64_t{1} << 32;
inline constexpr unsigned vector_lanes = 16;
inline constexpr unsigned code_page_shift = 12;  // the decode cache and the pc profile work in 4 KiB pages
inline constexpr unsigned code_page_words = 1u << (code_page_shift - 2);

// Byte-addressed little-endian memory [0, size); size is a multiple of 4 KiB, at most 4 GiB. Pages
// are committed lazily by the host OS, so a 4 GiB machine costs only what the program touches.
class memory {
public:
    explicit memory(uint64_t size);
    ~memory();
    memory(const memory&) = delete;
    memory& operator=(const memory&) = delete;

    uint64_t size() const { return size_; }
    uint8_t* data() { return data_; }
    const uint8_t* data() const { return data_; }
    bool contains(uint64_t addr, uint64_t n) const { return addr <= size_ && n <= size_ - addr; }
    // Host access for loaders and tests (throws smol::error when out of range).
    void write(uint64_t addr, const void* src, uint64_t n);
    void read(uint64_t addr, void* dst, uint64_t n) const;
    uint32_t read32(uint64_t addr) const;
    void write32(uint64_t addr, uint32_t value);

private:
    uint8_t* data_ = nullptr;
    uint64_t size_ = 0;
};

struct q8_unit {
    std::array<float, 16> acc{};  // 16 fp32 lanes
    uint32_t scale = 0x3f800000u;  // fp32 bits; 1.0 at reset
    uint32_t wptr = 0;             // int8 weight pointer
    uint32_t aptr = 0;             // fp32 activation pointer
};

struct arch_state {
    uint32_t pc = 0;
    std::array<uint32_t, 32> x{};  // x[0] stays 0
    std::array<uint32_t, 32> f{};  // fp32 bit patterns; f[0] stays +0.0
    std::array<std::array<uint32_t, vector_lanes>, 8> v{};
    uint32_t vl = vector_lanes;
    q8_unit q8;
};

enum class stop_reason : uint8_t { halted, trapped, limit };

struct run_result {
    stop_reason reason = stop_reason::limit;
    uint32_t pc = 0;    // the halt, trapping or next instruction
    uint32_t bits = 0;  // its encoding (0 when it could not be fetched)
    trap_kind trap = trap_kind::none;
    uint32_t trap_addr = 0;
};

struct op_counters {
    uint64_t count = 0;
    uint64_t macs = 0;
    uint64_t flops = 0;
};

struct run_stats {
    uint64_t instret = 0;  // retired instructions (a trapping one is not counted)
    uint64_t macs = 0;     // Q8 multiply-accumulates (q8mac*, vq8*)
    uint64_t flops = 0;    // fp32 operations, fma = 2 (docs/isa.md, "Profiler")
    std::array<op_counters, isa::opcode_count> per_opcode{};
};

struct core;

class machine {
public:
    explicit machine(uint64_t mem_size = default_mem_size, q8_mac_fn q8_kernel = q8_mac_best());
    ~machine();

    memory& mem() { return mem_; }
    arch_state& state();
    const arch_state& state() const;
    const run_stats& stats() const { return stats_; }

    // Architectural reset: all registers 0, x2 (sp) = memory size - 16, vl = 16, q8 scale 1.0.
    void reset(uint32_t entry);
    // Drop decoded instructions; needed after host writes to memory that hold code (reset() does it).
    void flush_code_cache();
    // Run until halt, trap, or `max_instructions` more instructions have retired.
    run_result run(uint64_t max_instructions);

    // Called for every executed instruction (also the trapping one) while set; slows the ISS down.
    void set_commit_hook(std::function<void(const commit_record&)> hook);
    // Per-pc counters for the profiler (off by default).
    void enable_pc_profile(bool on);
    // Every pc with a non-zero count, in increasing order.
    template <typename Fn>
    void for_each_pc_counter(Fn&& fn) const {
        for (size_t page = 0; page < pc_counts_.size(); ++page)
            if (pc_counts_[page])
                for (unsigned i = 0; i < code_page_words; ++i)
                    if ((*pc_counts_[page])[i].count)
                        fn(static_cast<uint32_t>((page << code_page_shift) + 4 * i), (*pc_counts_[page])[i]);
    }

private:
    const isa::operands* fetch(uint32_t pc);
    template <bool Observe>
    run_result run_loop(uint64_t max_instructions);

    memory mem_;
    std::unique_ptr<core> core_;  // state, code cache, commit record (iss/src/hart.h)
    run_stats stats_;
    std::function<void(const commit_record&)> hook_;
    bool pc_profile_ = false;
    std::vector<std::unique_ptr<std::array<op_counters, code_page_words>>> pc_counts_;
};

}  // namespace smol::iss
