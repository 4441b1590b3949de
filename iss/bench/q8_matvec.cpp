// ISS speed benchmark: Q8 matrix-vector products the size of one SmolLM2-135M forward pass
// (30 layers of q/k/v/o/gate/up/down + the 49152 x 576 LM head = 134,479,872 MACs), as firmware:
// the inner loop is `q8macinc 64; loop`, the row loop reads the accumulator and stores the result.
// Usage: iss_bench_q8_matvec [--portable] [--rowwise] [--format q8_0|q4_0] [--runs N]
//   --portable  use the std::fma kernel instead of AVX2 (the two must give the same outputs)
//   --rowwise   one `q8macn` per row instead of the 64-wide inner loop
//   --format    llama.cpp blocks instead of int8: one `q8bmacn` / `q4bmacn` per row (docs/isa.md section 7)
#include "isa/generated/smol32_isa.h"
#include "iss/src/machine.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <cstring>
#include <string>
#include <vector>

namespace {
using smol::isa::opcode;

uint32_t enc(opcode op, std::vector<int64_t> ops) {
    auto bits = smol::isa::encode(op, ops);
    if (!bits) throw std::runtime_error(std::string("bench: cannot encode ") + std::string(smol::isa::describe(op).mnemonic));
    return *bits;
}

struct shape {
    uint32_t rows, cols;
};

std::vector<shape> smollm2_135m() {
    std::vector<shape> s;
    for (int layer = 0; layer < 30; ++layer)
        for (shape m : {shape{576, 576}, shape{192, 576}, shape{192, 576}, shape{576, 576}, shape{1536, 576},
                        shape{1536, 576}, shape{576, 1536}})
            s.push_back(m);
    s.push_back({49152, 576});
    return s;
}

constexpr uint32_t code_base = 0x1000, desc_base = 0x10000, act_base = 0x100000, out_base = 0x200000,
                   weight_base = 0x1000000;

// r1 scratch, r3 out ptr, r6 activations, r8 chunks, r9 rows, r10 inner count, r20 descriptor, r21 matrices
// block: q8bmacn or q4bmacn over each row's cols/32 blocks (rowwise implied), or halt for plain int8.
std::vector<uint32_t> firmware(uint32_t matrices, bool rowwise, opcode block) {
    const bool blocks = block != opcode::halt;
    std::vector<uint32_t> p;
    auto li = [&](unsigned r, uint32_t v) {
        p.push_back(enc(opcode::lui, {r, v >> 16}));
        p.push_back(enc(opcode::ori, {r, r, v & 0xffff}));
    };
    li(20, desc_base);
    li(21, matrices);
    li(22, weight_base);
    li(6, act_base);
    li(3, out_base);
    p.push_back(enc(opcode::qsetbase, {22}));
    p.push_back(enc(opcode::flui, {1, 0x3c00}));  // scale 2^-7
    p.push_back(enc(opcode::qsetscale, {1}));
    size_t mat = p.size();
    p.push_back(enc(opcode::lw, {9, 0, 20}));
    p.push_back(enc(opcode::lw, {8, 4, 20}));
    if (blocks) p.push_back(enc(opcode::srli, {8, 8, 5}));
    else if (!rowwise) p.push_back(enc(opcode::srli, {8, 8, 6}));
    li(3, out_base);
    size_t row = p.size();
    p.push_back(enc(opcode::fsetbase, {6}));
    p.push_back(enc(opcode::acczero, {}));
    if (blocks) {
        p.push_back(enc(block, {8}));
    } else if (rowwise) {
        p.push_back(enc(opcode::q8macn, {8}));
    } else {
        p.push_back(enc(opcode::add, {10, 8, 0}));
        size_t col = p.size();
        p.push_back(enc(opcode::q8macinc, {64}));
        p.push_back(enc(opcode::loop, {10, (int64_t(col) - int64_t(p.size())) * 4}));
    }
    p.push_back(enc(opcode::accread, {2}));
    p.push_back(enc(opcode::sf, {2, 0, 3}));
    p.push_back(enc(opcode::addi, {3, 3, 4}));
    p.push_back(enc(opcode::loop, {9, (int64_t(row) - int64_t(p.size())) * 4}));
    p.push_back(enc(opcode::addi, {20, 20, 8}));
    p.push_back(enc(opcode::loop, {21, (int64_t(mat) - int64_t(p.size())) * 4}));
    p.push_back(enc(opcode::halt, {}));
    return p;
}

}  // namespace

int main(int argc, char** argv) {
    bool portable = false, rowwise = false;
    std::string format = "int8";
    int runs = 3;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--portable") portable = true;
        else if (a == "--rowwise") rowwise = true;
        else if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        else if (a == "--format" && i + 1 < argc) format = argv[++i];
        else {
            fmt::print(stderr, "usage: iss_bench_q8_matvec [--portable] [--rowwise] [--format q8_0|q4_0] [--runs N]\n");
            return 2;
        }
    }
    if (format != "int8" && format != "q8_0" && format != "q4_0") {
        fmt::print(stderr, "bench: --format {} is not q8_0 or q4_0\n", format);
        return 2;
    }
    const opcode block = format == "q8_0" ? opcode::q8bmacn : format == "q4_0" ? opcode::q4bmacn : opcode::halt;
    const uint64_t block_bytes = format == "q8_0" ? 34 : 18;
    auto shapes = smollm2_135m();
    uint64_t macs = 0, weight_bytes = 0;
    for (shape s : shapes) macs += uint64_t{s.rows} * s.cols;
    weight_bytes = block == opcode::halt ? macs : macs / 32 * block_bytes;

    smol::iss::machine m(smol::iss::default_mem_size,
                         portable ? smol::iss::q8_mac_portable : smol::iss::q8_mac_best());
    auto code = firmware(static_cast<uint32_t>(shapes.size()), rowwise, block);
    m.mem().write(code_base, code.data(), code.size() * 4);
    std::vector<uint32_t> desc;
    for (shape s : shapes) desc.insert(desc.end(), {s.rows, s.cols});
    m.mem().write(desc_base, desc.data(), desc.size() * 4);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    auto next = [&] { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; };
    for (uint64_t i = 0; i < weight_bytes; i += 8) {
        uint64_t v = next();
        std::memcpy(m.mem().data() + weight_base + i, &v, 8);
    }
    if (block != opcode::halt)  // every block scale a normal half in 2^-10 .. 2^-7 (random bytes could be inf/NaN)
        for (uint64_t b = 0; b < weight_bytes; b += block_bytes) {
            const uint16_t h = static_cast<uint16_t>(0x1400 + next() % 0x0c00);
            std::memcpy(m.mem().data() + weight_base + b, &h, 2);
        }
    for (uint32_t i = 0; i < 1536; ++i) {
        float a = static_cast<float>(static_cast<int64_t>(next() % 2001) - 1000) / 1000.0f;
        std::memcpy(m.mem().data() + act_base + 4 * i, &a, 4);
    }

    auto cpu_now = [] {
        timespec ts;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return ts.tv_sec + ts.tv_nsec * 1e-9;
    };
    double best = 1e9, best_cpu = 1e9;
    uint64_t instret = 0;
    for (int r = 0; r < runs; ++r) {
        m.reset(code_base);
        auto t0 = std::chrono::steady_clock::now();
        double c0 = cpu_now();
        auto result = m.run(UINT64_MAX);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        best_cpu = std::min(best_cpu, cpu_now() - c0);
        if (result.reason != smol::iss::stop_reason::halted) {
            fmt::print(stderr, "bench: program did not halt (pc {:#x}, trap {})\n", result.pc,
                       smol::iss::trap_name(result.trap));
            return 1;
        }
        best = std::min(best, s);
        instret = m.stats().instret;
    }
    uint32_t checksum = 0;
    for (uint32_t i = 0; i < 49152; ++i) checksum = checksum * 31 + m.mem().read32(out_base + 4 * i);
    fmt::print("{} matvec, SmolLM2-135M forward pass: {} matrices, {} MACs, {} weight bytes, kernel {}, loop {}\n", format,
               shapes.size(), m.stats().macs, weight_bytes,
               portable ? "portable" : (smol::iss::cpu_has_avx2_fma() ? "avx2" : "portable"),
               block != opcode::halt ? std::string(smol::isa::describe(block).mnemonic) + " per row"
               : rowwise             ? std::string("q8macn per row")
                                     : std::string("q8macinc 64 + loop"));
    fmt::print("best of {}: {} instructions, output checksum {:08x}\n", runs, instret, checksum);
    fmt::print("  wall       {:.4f} s   {:.1f} MIPS   {:.3g} MAC/s\n", best, instret / best / 1e6, m.stats().macs / best);
    fmt::print("  thread CPU {:.4f} s   {:.1f} MIPS   {:.3g} MAC/s   (the figure that matters on a shared machine)\n",
               best_cpu, instret / best_cpu / 1e6, m.stats().macs / best_cpu);
    return 0;
}
