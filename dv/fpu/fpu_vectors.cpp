// fpu_vectors: writes test vectors for the Icarus testbench tb_fp_vectors.v, six hex words a line:
// a b c, then the ISS's add(a, b), mul(a, b) and fma(a, b, c). Directed special pairs, then random triples.
//   fpu_vectors --out vectors.hex --random 2000 --seed 1
// With --op, vectors of one operation, four hex words a line: a b c and the ISS's result (all of that
// operation's directed cases, then its random stream), for the gate-level runs (silicon/gates/).
//   fpu_vectors --op cvt_w_s --out vectors.hex --random 2000 --seed 1 [--directed-stride 10]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "dv/fpu/fpu_cases.h"
#include "dv/fpu/fpu_ops.h"

int main(int argc, char** argv) {
    using namespace smol::dv::fpu;
    CLI::App app{"Write add/mul/fma test vectors computed by the ISS"};
    std::string out_path;
    uint64_t random_count = 2000;
    uint64_t seed = 1;
    std::string op_name;
    size_t stride = 1;
    app.add_option("--out", out_path, "output file")->required();
    app.add_option("--op", op_name, "one operation: a b c result per line");
    app.add_option("--directed-stride", stride, "with --op: every Nth directed case (gate-level runs of the "
                   "large units)")->check(CLI::PositiveNumber);
    app.add_option("--random", random_count, "random triples after the directed ones");
    app.add_option("--seed", seed, "seed of the random stream");
    CLI11_PARSE(app, argc, argv);

    std::FILE* out = std::fopen(out_path.c_str(), "w");
    if (!out) {
        std::fprintf(stderr, "fpu_vectors: cannot write %s\n", out_path.c_str());
        return 1;
    }
    uint64_t count = 0;
    if (!op_name.empty()) {
        auto op = fpu_op_by_name(op_name);
        if (!op) {
            std::fprintf(stderr, "fpu_vectors: unknown --op '%s'\n", op_name.c_str());
            std::fclose(out);
            return 2;
        }
        auto emit_op = [&](const fpu_operands& x) {
            std::fprintf(out, "%08x %08x %08x %08x\n", x.a, x.b, x.c, fpu_golden(*op, x.a, x.b, x.c));
            ++count;
        };
        auto directed = fpu_directed_cases(*op);
        for (size_t i = 0; i < directed.size(); i += stride) emit_op(directed[i]);
        fpu_random op_rng(seed * 0x100000001b3ull + static_cast<uint64_t>(*op));  // fpu_check's stream
        for (uint64_t i = 0; i < random_count; ++i) emit_op(op_rng.next(*op));
        if (std::fclose(out) != 0) {
            std::fprintf(stderr, "fpu_vectors: error writing %s\n", out_path.c_str());
            return 1;
        }
        std::printf("%llu\n", static_cast<unsigned long long>(count));
        return 0;
    }
    auto emit = [&](const fpu_operands& x) {
        std::fprintf(out, "%08x %08x %08x %08x %08x %08x\n", x.a, x.b, x.c, fpu_golden(fpu_op::add, x.a, x.b, 0),
                     fpu_golden(fpu_op::mul, x.a, x.b, 0), fpu_golden(fpu_op::fma, x.a, x.b, x.c));
        ++count;
    };
    // Every 10th directed fma triple (they cycle through the addend list, so all special pairs appear).
    auto directed = fpu_directed_cases(fpu_op::fma);
    for (size_t i = 0; i < directed.size(); i += 10) emit(directed[i]);
    fpu_random rng(seed);
    for (uint64_t i = 0; i < random_count; ++i) emit(rng.next(fpu_op::fma));
    if (std::fclose(out) != 0) {
        std::fprintf(stderr, "fpu_vectors: error writing %s\n", out_path.c_str());
        return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(count));
    return 0;
}
