#pragma once
// Helpers for the ISS tests: encode through the generated table, run one instruction or a program.
#include "isa/generated/smol32_isa.h"
#include "iss/src/machine.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace smol::iss::test {

uint32_t enc(isa::opcode op, std::initializer_list<int64_t> operands);
uint32_t f32(float v);
float as_f(uint32_t bits);

// Places one instruction at `pc` and runs it (state set up by the caller is kept).
run_result run_one(machine& m, uint32_t bits, uint32_t pc = 0x1000);

struct program_run {
    run_result result;
    uint64_t instret = 0;
    uint32_t r10 = 0;
    std::array<uint64_t, isa::opcode_count> executed{};  // retired instructions per opcode (stats().per_opcode)
};
// Assembles a source file with the project assembler and runs it from its base (or `main`).
program_run assemble_and_run(const std::string& path, uint64_t max_instructions = 10'000'000);

}  // namespace smol::iss::test
