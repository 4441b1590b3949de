#pragma once
// The Verilated SMOL-32 core (rtl/smol_core.v) behind the operations a firmware host needs: write and
// read memory, reset(entry), run(limit), a commit hook. The target owns main memory and models the
// memory port of docs/rtl.md: a configurable read latency and a bandwidth in bytes per cycle.
#include "iss/src/machine.h"
#include "iss/src/trace.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace smol::rtl {

struct memory_timing {
    unsigned latency = 1;           // cycles from an accepted read request to its response (>= 1)
    unsigned bytes_per_cycle = 16;  // port bandwidth: one 16-byte line every 16 / bytes_per_cycle cycles
};

enum class stop_reason : uint8_t { halted, trapped, instruction_limit, cycle_limit };

struct run_result {
    stop_reason reason = stop_reason::instruction_limit;
    uint32_t pc = 0;    // of the last retired (or the trapping) instruction
    uint32_t bits = 0;
    iss::trap_kind trap = iss::trap_kind::none;
    uint32_t trap_addr = 0;
};

struct run_counters {
    uint64_t cycles = 0;
    uint64_t instret = 0;     // retired, the trapping one not counted (as the ISS)
    uint64_t mem_reads = 0;   // line requests
    uint64_t mem_writes = 0;
};

// Cycles by what they waited for, from the core's stall_o (docs/rtl.md "Stall causes"); the cycles not
// counted here issued or did useful work. Since the last reset().
struct rtl_stall_counts {
    uint64_t memory = 0;      // waiting for the memory port: fetch miss, load/store lines, weights, activations
    uint64_t dependency = 0;  // waiting for an earlier instruction's result
    uint64_t multicycle = 0;  // a multi-cycle unit stepping: fp lane loop, reduction tree, divide, sequencers
};

class rtl_target {
public:
    rtl_target(uint64_t mem_size, memory_timing timing = {});
    ~rtl_target();
    rtl_target(const rtl_target&) = delete;
    rtl_target& operator=(const rtl_target&) = delete;

    uint64_t mem_size() const;
    void write_memory(uint64_t addr, const void* src, uint64_t n);
    void read_memory(uint64_t addr, void* dst, uint64_t n) const;
    iss::memory& memory();

    // Architectural reset of the core with pc = entry (memory is kept).
    void reset(uint32_t entry);
    // Run until halt, a trap, `max_instructions` more retirements, or `max_cycles` more cycles.
    run_result run(uint64_t max_instructions, uint64_t max_cycles = UINT64_MAX);
    // Called with every retirement's commit record (also the trapping instruction's).
    void set_commit_hook(std::function<void(const iss::commit_record&)> hook);

    const run_counters& counters() const;
    const rtl_stall_counts& stall_counts() const;
    // x10 as last written by a retired instruction (the halt code of self-checking programs).
    uint32_t x10() const;
    // Dump an FST waveform of cycles [from, from + count), counted from the last reset (Verilator --trace-fst);
    // false when this build of the model has no tracing. The file is complete when the target is destroyed.
    bool open_wave(const std::string& path, uint64_t from, uint64_t count);

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

}  // namespace smol::rtl
