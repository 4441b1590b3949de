#pragma once
// Seeded random SMOL-32 programs for co-simulation: every opcode with random operands, back-to-back
// dependencies, loads/stores and Q8 accesses at the end of memory, vl edge values, and an ending that is
// either `halt` or one instruction raising one of the trap classes of docs/isa.md §8.
#include <cstdint>
#include <vector>

namespace smol::cosim {

struct random_program {
    uint64_t mem_size = 0;
    uint32_t entry = 0;
    // Regions to copy into memory before reset (code, data pool, the last page).
    struct region {
        uint32_t addr;
        std::vector<uint8_t> bytes;
    };
    std::vector<region> regions;
    int ending = 0;  // which ending was drawn (0 = halt), for statistics
};

inline constexpr int random_program_endings = 14;

random_program make_random_program(uint64_t seed, unsigned length);

}  // namespace smol::cosim
