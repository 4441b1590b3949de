#include "iss/tests/iss_test_util.h"

#include "asm/assembler.h"
#include "common/error.h"

#include <bit>
#include <vector>

namespace smol::iss::test {

uint32_t enc(isa::opcode op, std::initializer_list<int64_t> operands) {
    std::vector<int64_t> ops(operands);
    auto bits = isa::encode(op, ops);
    if (!bits) fail("test encoding of {} failed", isa::describe(op).mnemonic);
    return *bits;
}

uint32_t f32(float v) { return std::bit_cast<uint32_t>(v); }
float as_f(uint32_t bits) { return std::bit_cast<float>(bits); }

run_result run_one(machine& m, uint32_t bits, uint32_t pc) {
    m.mem().write32(pc, bits);
    m.flush_code_cache();
    m.state().pc = pc;
    return m.run(1);
}

program_run assemble_and_run(const std::string& path, uint64_t max_instructions) {
    auto assembled = smol::assembler::assemble_file(path);
    if (!assembled.ok()) fail("{}: does not assemble: {}", path, assembled.errors.front().text());
    const auto& prog = assembled.prog;
    machine m(uint64_t{16} << 20);
    m.mem().write(prog.base, prog.image.data(), prog.image.size());
    uint32_t entry = prog.base;
    for (const auto& s : prog.symbols)
        if (s.name == "main") entry = s.address;
    m.reset(entry);
    program_run r;
    r.result = m.run(max_instructions);
    r.instret = m.stats().instret;
    r.r10 = m.state().x[10];
    for (size_t i = 0; i < isa::opcode_count; ++i) r.executed[i] = m.stats().per_opcode[i].count;
    return r;
}

}  // namespace smol::iss::test
