#pragma once
// Lockstep co-simulation (Ibex style): the ISS steps one instruction per retirement of the RTL core and
// the two commit records (docs/trace.md) are compared; the first mismatch stops the run.
#include "dv/target/rtl_target.h"
#include "iss/src/machine.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace smol::cosim {

enum class outcome : uint8_t { halted, trapped, mismatch, instruction_limit, cycle_limit };

struct lockstep_options {
    uint64_t max_instructions = UINT64_MAX;
    uint64_t max_cycles = UINT64_MAX;
    std::FILE* log = nullptr;  // the RTL's commit log (format_commit lines)
};

struct lockstep_result {
    outcome how = outcome::instruction_limit;
    uint64_t instructions = 0;  // records compared
    uint64_t cycles = 0;
    std::string report;         // the mismatch: instruction number, pc, disassembly, both records
};

// Both sides must hold the same memory image and have been reset to the same entry.
lockstep_result run_lockstep(iss::machine& iss, rtl::rtl_target& rtl, const lockstep_options& opts);

}  // namespace smol::cosim
