#include "dv/cosim/random_program.h"

#include "common/error.h"
#include "isa/generated/smol32_isa.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <random>

namespace smol::cosim {

namespace {

using isa::field;
using isa::opcode;

constexpr uint64_t mem_size = uint64_t{1} << 20;
constexpr uint32_t code_base = 0x1000;
constexpr uint32_t data_base = 0x10000;      // 64 KiB pool: fp values, int8 weights, store targets
constexpr uint32_t data_size = 0x10000;
constexpr uint32_t edge_size = 256;          // the last bytes of memory
constexpr uint32_t edge_base = uint32_t(mem_size - edge_size);

// Registers with a fixed role, never a random destination.
constexpr unsigned r_data = 20, r_edge = 21, r_act = 22, r_count = 16, r_ptr = 17, r_tmp = 18, r_vl = 19;
constexpr unsigned writable_x = 15;  // random destinations are r1..r15

class generator {
public:
    explicit generator(uint64_t seed) : rng_(seed) {}

    random_program build(unsigned length) {
        random_program p;
        p.mem_size = mem_size;
        p.entry = code_base;
        prologue();
        for (unsigned i = 0; i < length; ++i) body_step();
        p.ending = ending();
        std::vector<uint8_t> code(code_.size() * 4);
        std::memcpy(code.data(), code_.data(), code.size());
        if (code.size() > data_base - code_base) fail("internal error: random program of {} bytes overflows its code region", code.size());
        p.regions.push_back({code_base, std::move(code)});
        p.regions.push_back({data_base, pool(data_size)});
        p.regions.push_back({edge_base, pool(edge_size)});
        return p;
    }

private:
    std::mt19937_64 rng_;
    std::vector<uint32_t> code_;

    uint32_t u32() { return static_cast<uint32_t>(rng_()); }
    unsigned below(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    bool chance(unsigned percent) { return below(100) < percent; }
    uint32_t pc() const { return code_base + 4 * static_cast<uint32_t>(code_.size()); }

    void emit(opcode op, std::initializer_list<int64_t> ops) {
        std::vector<int64_t> v(ops);
        auto bits = isa::encode(op, v);
        if (!bits) fail("internal error: random program could not encode {}", isa::describe(op).mnemonic);
        code_.push_back(*bits);
    }
    void li(unsigned r, uint32_t value) {
        emit(opcode::lui, {r, value >> 16});
        emit(opcode::ori, {r, r, value & 0xffffu});
    }

    // fp32 bit patterns that exercise the corners: zeros, subnormals, extremes, infinities, NaNs.
    uint32_t interesting_float() {
        static constexpr std::array<uint32_t, 16> special = {
            0x00000000u, 0x80000000u, 0x00000001u, 0x807fffffu, 0x00800000u, 0x7f7fffffu, 0xff7fffffu,
            0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00001u, 0x7f800001u, 0x3f800000u, 0xbf800000u,
            0x42b17218u, 0xc2d00000u};
        unsigned k = below(100);
        if (k < 12) return special[below(special.size())];
        if (k < 72) {  // a moderate normal number: exponents 2^-20 .. 2^20
            uint32_t e = 127 - 20 + below(41);
            return (u32() & 0x807fffffu) | (e << 23);
        }
        return u32();
    }
    uint32_t interesting_int() {
        static constexpr std::array<uint32_t, 8> special = {0u, 1u, 0xffffffffu, 0x80000000u, 0x7fffffffu, 2u, 31u, 32u};
        return chance(40) ? special[below(special.size())] : chance(50) ? u32() : (u32() & 0xffu);
    }

    std::vector<uint8_t> pool(uint32_t size) {
        std::vector<uint8_t> b(size);
        for (uint32_t i = 0; i < size; i += 4) {
            uint32_t w = interesting_float();
            std::memcpy(b.data() + i, &w, 4);
        }
        return b;
    }

    void prologue() {
        li(r_data, data_base);
        li(r_edge, edge_base);
        li(r_act, data_base + 0x8000);
        for (unsigned r = 1; r <= writable_x; ++r) li(r, interesting_int());
        for (unsigned f = 1; f < 32; ++f) emit(opcode::lf, {f, int64_t(4 * below(4096)), r_data});
        for (unsigned v = 0; v < 8; ++v) emit(opcode::lv, {v, int64_t(64 * below(512)), r_data});
    }

    int64_t xdst() { return chance(3) ? 0 : 1 + below(writable_x); }
    int64_t xsrc() { return chance(70) ? 1 + below(writable_x) : below(32); }

    // Operand values for an op whose operands are all plain registers and immediates.
    std::vector<int64_t> plain_operands(opcode op) {
        const isa::instr_desc& d = isa::describe(op);
        std::vector<int64_t> v;
        for (unsigned i = 0; i < d.operand_count; ++i) {
            field f = d.operands[i];
            switch (f) {
            case field::rd: v.push_back(xdst()); break;
            case field::rs1: case field::rs2: case field::brs1: case field::brs2: case field::rt: v.push_back(xsrc()); break;
            case field::fd: case field::ft: case field::fs1: case field::fs2: case field::fs3: v.push_back(below(32)); break;
            case field::vd: case field::vt: case field::vs1: case field::vs2: v.push_back(below(8)); break;
            case field::simm16: v.push_back(int64_t(int16_t(u32()))); break;
            case field::uimm16: v.push_back(u32() & 0xffffu); break;
            case field::shamt: v.push_back(below(32)); break;
            case field::lane: v.push_back(below(16)); break;
            case field::qn: v.push_back(16 << below(3)); break;
            default: fail("internal error: random operand for field {}", isa::describe(f).name);
            }
        }
        return v;
    }

    void set_vl(uint32_t n) {
        li(r_vl, n);
        emit(opcode::setvl, {xdst(), r_vl});
    }
    void random_vl() {
        static constexpr std::array<uint32_t, 9> edge = {0u, 1u, 2u, 15u, 16u, 17u, 0xffffffffu, 0x80000000u, 7u};
        set_vl(chance(70) ? edge[below(edge.size())] : below(40));
    }

    void memory_op(opcode op) {
        unsigned size = 4;
        if (op == opcode::lb || op == opcode::lbu || op == opcode::sb) size = 1;
        const bool vec = op == opcode::lv || op == opcode::sv || op == opcode::lvinc || op == opcode::svinc;
        if (vec) size = 64;
        const bool edge = chance(25);
        const unsigned room = edge ? edge_size : 0x7fc0u;
        int64_t off = int64_t(below((room - size) / (size == 1 ? 1 : 4) + 1)) * (size == 1 ? 1 : 4);
        if (edge && chance(50)) off = room - size;  // flush against the end of memory
        const unsigned base = edge ? r_edge : chance(50) ? r_data : r_act;
        const unsigned reg_kind_dst = below(32);
        if (op == opcode::lvinc || op == opcode::svinc) {
            emit(opcode::addi, {r_ptr, base, off});
            emit(op, {below(8), r_ptr});
            return;
        }
        switch (op) {
        case opcode::lw: case opcode::lb: case opcode::lbu: emit(op, {xdst(), off, base}); break;
        case opcode::lf: emit(op, {reg_kind_dst, off, base}); break;
        case opcode::sw: case opcode::sb: emit(op, {xsrc(), off, base}); break;
        case opcode::sf: emit(op, {reg_kind_dst, off, base}); break;
        case opcode::lv: case opcode::sv: emit(op, {below(8), off, base}); break;
        default: fail("internal error: not a memory op");
        }
    }

    // Weight and activation pointers inside the pool or against the end of memory, then the Q8 op.
    void q8_op(opcode op) {
        const bool edge = chance(20);
        uint32_t n = 16u << below(3);
        if (op == opcode::q8macn) {
            static constexpr std::array<uint32_t, 10> counts = {0u, 1u, 5u, 15u, 16u, 17u, 31u, 33u, 64u, 100u};
            n = chance(80) ? counts[below(counts.size())] : below(300);
        }
        if (op == opcode::vq8mul || op == opcode::vq8mac) n = 16;
        if (edge) {
            if (n > 200) n = 64;
            emit(opcode::addi, {r_tmp, r_edge, int64_t(edge_size - n - below(4))});
        } else {
            emit(opcode::addi, {r_tmp, r_data, int64_t(below(0x4000))});
        }
        emit(opcode::qsetbase, {r_tmp});
        if (op == opcode::q8mac || op == opcode::q8macinc || op == opcode::q8macn) {
            emit(opcode::addi, {r_tmp, r_act, int64_t(4 * below(0x1000))});
            emit(opcode::fsetbase, {r_tmp});
        }
        switch (op) {
        case opcode::q8mac: case opcode::q8macinc: emit(op, {int64_t(n)}); break;
        case opcode::q8macn: li(r_count, n); emit(op, {r_count}); break;
        case opcode::vq8mul: emit(op, {below(8)}); break;
        case opcode::vq8mac: emit(op, {below(8), below(32)}); break;
        default: fail("internal error: not a q8 op");
        }
    }

    // 1..5 back-to-back q8row (docs/isa.md section 7, "Row MACs") of one count, as the matvec kernel runs
    // them: each reads the previous row's sum out beside its own stream. Counts 0..2 groups retire before
    // the core's readout is done (it waits), longer ones hide it; against the end of memory the last rows
    // fault with the earlier ones retired.
    void q8_rows() {
        static constexpr std::array<uint32_t, 10> counts = {0u, 1u, 5u, 16u, 17u, 31u, 32u, 33u, 48u, 100u};
        const uint32_t n = chance(80) ? counts[below(counts.size())] : below(300);
        const unsigned rows = 1 + below(5);
        if (chance(20)) {
            emit(opcode::addi, {r_tmp, r_edge, int64_t(edge_size - std::min(n, 48u) * (1 + below(rows)) - below(4))});
        } else {
            emit(opcode::addi, {r_tmp, r_data, int64_t(below(0x4000))});
        }
        emit(opcode::qsetbase, {r_tmp});
        emit(opcode::addi, {r_tmp, r_act, int64_t(4 * below(0x1000))});
        emit(opcode::fsetbase, {r_tmp});
        li(r_count, n);
        for (unsigned i = 0; i < rows; ++i) emit(opcode::q8row, {below(8), r_count, below(16)});
    }

    // A block-scaled MAC (docs/isa.md section 7) over pool bytes, so the fp16 scales take every class
    // (zeros, subnormals, infinities, NaNs). Counts past 64 blocks (2048 activations) take a second chunk
    // of the core's activation buffer; weights flush against the end of memory take the last line.
    void block_op(opcode op) {
        const uint32_t bytes = op == opcode::q8bmacn ? 34 : 18;
        static constexpr std::array<uint32_t, 8> counts = {0u, 1u, 1u, 2u, 3u, 5u, 64u, 65u};
        uint32_t n = chance(85) ? counts[below(counts.size())] : below(70);
        if (chance(20)) {
            n = below(7);
            emit(opcode::addi, {r_tmp, r_edge, int64_t(edge_size - bytes * n - below(4))});
        } else {
            emit(opcode::addi, {r_tmp, r_data, int64_t(below(0x4000))});
        }
        emit(opcode::qsetbase, {r_tmp});
        emit(opcode::addi, {r_tmp, r_act, int64_t(4 * below(0x1000))});
        emit(opcode::fsetbase, {r_tmp});
        li(r_count, n);
        emit(op, {r_count});
    }

    // One straight-line instruction of any kind that needs no set-up (no control flow, no memory).
    void simple_step() {
        for (;;) {
            auto op = static_cast<opcode>(below(isa::opcode_count));
            if (needs_setup(op) || op == opcode::halt) continue;
            auto v = plain_operands(op);
            auto bits = isa::encode(op, v);
            if (!bits) fail("internal error: random program could not encode {}", isa::describe(op).mnemonic);
            code_.push_back(*bits);
            return;
        }
    }
    static bool needs_setup(opcode op) {
        switch (op) {
        case opcode::lw: case opcode::lb: case opcode::lbu: case opcode::lf: case opcode::sw: case opcode::sb:
        case opcode::sf: case opcode::lv: case opcode::sv: case opcode::lvinc: case opcode::svinc:
        case opcode::beq: case opcode::bne: case opcode::blt: case opcode::bge: case opcode::bltu: case opcode::bgeu:
        case opcode::loop: case opcode::jal: case opcode::jalr: case opcode::q8mac: case opcode::q8macinc:
        case opcode::q8macn: case opcode::vq8mul: case opcode::vq8mac: case opcode::qsetbase: case opcode::fsetbase:
        case opcode::setvl: case opcode::q8bmacn: case opcode::q4bmacn: case opcode::q8row:
            return true;
        default: return false;
        }
    }

    void body_step() {
        unsigned k = below(100);
        if (k < 50) return simple_step();
        if (k < 62) {
            static constexpr std::array<opcode, 11> mem = {opcode::lw, opcode::lb, opcode::lbu, opcode::lf, opcode::sw,
                                                           opcode::sb, opcode::sf, opcode::lv, opcode::sv, opcode::lvinc,
                                                           opcode::svinc};
            return memory_op(mem[below(mem.size())]);
        }
        if (k < 68) {
            static constexpr std::array<opcode, 8> q8 = {opcode::q8mac,  opcode::q8macinc, opcode::q8macn,
                                                         opcode::vq8mul, opcode::vq8mac,   opcode::q8bmacn,
                                                         opcode::q4bmacn, opcode::q8row};
            opcode op = q8[below(q8.size())];
            if (op == opcode::q8row) return q8_rows();
            return op == opcode::q8bmacn || op == opcode::q4bmacn ? block_op(op) : q8_op(op);
        }
        if (k < 72) return random_vl();
        if (k < 80) {  // a forward branch over 0..3 simple instructions
            static constexpr std::array<opcode, 6> br = {opcode::beq, opcode::bne, opcode::blt, opcode::bge,
                                                         opcode::bltu, opcode::bgeu};
            unsigned skip = below(4);
            emit(br[below(br.size())], {xsrc(), xsrc(), int64_t(4 * (skip + 1))});
            for (unsigned i = 0; i < skip; ++i) simple_step();
            return;
        }
        if (k < 84) {  // loop over 1..4 simple instructions, 1..4 times
            unsigned body = 1 + below(4);
            li(r_count, 1 + below(4));
            uint32_t top = pc();
            for (unsigned i = 0; i < body; ++i) simple_step();
            emit(opcode::loop, {r_count, int64_t(top) - int64_t(pc())});
            return;
        }
        if (k < 87) {  // jal forward
            unsigned skip = below(3);
            emit(opcode::jal, {xdst(), int64_t(4 * (skip + 1))});
            for (unsigned i = 0; i < skip; ++i) simple_step();
            return;
        }
        if (k < 90) {  // jalr forward through auipc
            unsigned skip = below(3);
            emit(opcode::auipc, {r_tmp, 0});
            emit(opcode::jalr, {xdst(), int64_t(4 * (skip + 2)), r_tmp});
            for (unsigned i = 0; i < skip; ++i) simple_step();
            return;
        }
        // back-to-back dependency chains through one register
        unsigned r = 1 + below(writable_x);
        for (int i = 0; i < 4; ++i) emit(chance(50) ? opcode::add : opcode::mul, {r, r, int64_t(1 + below(writable_x))});
        unsigned f = 1 + below(31);
        for (int i = 0; i < 3; ++i) emit(chance(50) ? opcode::fadd : opcode::fmul, {f, f, int64_t(1 + below(31))});
    }

    // 0 halt; 1.. one trap class each (docs/isa.md §8).
    int ending() {
        int e = chance(55) ? 0 : 1 + int(below(random_program_endings - 1));
        switch (e) {
        case 0: break;
        case 1: code_.push_back(chance(50) ? 0x00000000u : 0xffffffffu); break;  // illegal
        case 2: emit(opcode::q8mac, {16}); code_.back() |= 3u; break;           // reserved qn: illegal
        case 3: emit(opcode::lw, {1, 2, r_data}); break;                          // load-misaligned
        case 4: emit(opcode::lw, {1, int64_t(edge_size), r_edge}); break;         // load-fault at the end
        case 5: emit(opcode::sf, {1, 6, r_data}); break;                          // store-misaligned
        case 6: set_vl(16); emit(opcode::sv, {0, int64_t(edge_size - 60), r_edge}); break;  // store-fault
        case 7: emit(opcode::auipc, {r_tmp, 0}); emit(opcode::jalr, {1, 6, r_tmp}); break;  // fetch-misaligned
        case 8: li(r_tmp, uint32_t(mem_size)); emit(opcode::jalr, {0, 0, r_tmp}); break;  // fetch-fault
        case 9:  // Q8 activations misaligned
            emit(opcode::addi, {r_tmp, r_act, 2}); emit(opcode::fsetbase, {r_tmp}); emit(opcode::q8mac, {16});
            break;
        case 10:  // Q8 weights running past the end
            emit(opcode::addi, {r_tmp, r_edge, int64_t(edge_size - 15)}); emit(opcode::qsetbase, {r_tmp});
            emit(opcode::q8macinc, {16});
            break;
        case 11: set_vl(16); emit(opcode::lv, {3, int64_t(edge_size - 16), r_edge}); break;  // vector load-fault
        case 12:  // two q8_0 blocks whose last weight byte lies past the end of memory
            emit(opcode::addi, {r_tmp, r_edge, int64_t(edge_size - 67)}); emit(opcode::qsetbase, {r_tmp});
            li(r_count, 2); emit(opcode::q8bmacn, {r_count});
            break;
        case 13:  // q4_0 activations misaligned (the weights are inside)
            emit(opcode::qsetbase, {r_data});
            emit(opcode::addi, {r_tmp, r_act, 1}); emit(opcode::fsetbase, {r_tmp});
            li(r_count, 1); emit(opcode::q4bmacn, {r_count});
            break;
        default: break;
        }
        emit(opcode::halt, {});
        return e;
    }
};

}  // namespace

random_program make_random_program(uint64_t seed, unsigned length) { return generator(seed).build(length); }

}  // namespace smol::cosim
