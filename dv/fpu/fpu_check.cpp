// fpu_check: each FP unit against the ISS's fp32 function, on the directed cases and on a seeded random
// stream. Prints the first mismatches with their operands and exits 1 if there are any.
//   fpu_check --op fma --random 10000000 --seed 1
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "dv/fpu/fpu_cases.h"
#include "dv/fpu/fpu_dut.h"
#include "dv/fpu/fpu_ops.h"

namespace {

using namespace smol::dv::fpu;

struct tally {
    uint64_t checked = 0;
    uint64_t wrong = 0;
};

void check(fpu_dut& dut, fpu_op op, const fpu_operands& x, const char* source, tally& t) {
    uint32_t want = fpu_golden(op, x.a, x.b, x.c);
    uint32_t got = dut.run(op, x.a, x.b, x.c);
    ++t.checked;
    if (got == want) return;
    if (++t.wrong <= 10)
        std::printf("MISMATCH %s %s a=0x%08x b=0x%08x c=0x%08x rtl=0x%08x iss=0x%08x\n", fpu_info(op).name.data(),
                    source, x.a, x.b, x.c, got, want);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Compare the FP units (Verilator) against the ISS's fp32 functions"};
    std::vector<std::string> names;
    uint64_t random_count = 1000000;
    uint64_t seed = 1;
    app.add_option("--op", names, "operation(s) to check (default: all)");
    app.add_option("--random", random_count, "random operands per operation");
    app.add_option("--seed", seed, "seed of the random stream");
    CLI11_PARSE(app, argc, argv);

    std::vector<fpu_op> ops;
    for (const std::string& name : names) {
        auto op = fpu_op_by_name(name);
        if (!op) {
            std::fprintf(stderr, "fpu_check: unknown --op '%s'\n", name.c_str());
            return 2;
        }
        ops.push_back(*op);
    }
    if (ops.empty())
        for (const auto& info : fpu_ops()) ops.push_back(info.op);

    try {
        fpu_dut dut;
        bool ok = true;
        for (fpu_op op : ops) {
            auto start = std::chrono::steady_clock::now();
            tally directed, random;
            for (const fpu_operands& x : fpu_directed_cases(op)) check(dut, op, x, "directed", directed);
            fpu_random rng(seed * 0x100000001b3ull + static_cast<uint64_t>(op));
            for (uint64_t i = 0; i < random_count; ++i) check(dut, op, rng.next(op), "random", random);
            double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::printf("%-12s directed %8llu wrong %llu   random %10llu wrong %llu   (seed %llu, %.1f s)\n",
                        fpu_info(op).name.data(), static_cast<unsigned long long>(directed.checked),
                        static_cast<unsigned long long>(directed.wrong),
                        static_cast<unsigned long long>(random.checked),
                        static_cast<unsigned long long>(random.wrong), static_cast<unsigned long long>(seed),
                        seconds);
            ok = ok && directed.wrong == 0 && random.wrong == 0;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "fpu_check: %s\n", e.what());
        return 1;
    }
}
