#pragma once
// Profiler report: per-opcode and per-symbol counts of instructions, MACs and FLOPs.
#include "iss/src/machine.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smol::iss {

struct symbol {
    uint32_t address;
    std::string name;
};

// Per-opcode table always; per-symbol table when `symbols` is non-empty and the machine ran with
// enable_pc_profile(true). An instruction belongs to the nearest symbol at or below its pc.
std::string format_profile(const machine& m, std::vector<symbol> symbols, double seconds);

}  // namespace smol::iss
