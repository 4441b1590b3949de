// fpu_sweep: every one of the 2^32 inputs of a unary operation through its unit, against the ISS.
// Not a CI test (hours for the multi-cycle units); results and run times go to docs/rtl-fpu.md.
//   fpu_sweep --op sqrt --threads 2 [--from 0 --to 0xffffffff]
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dv/fpu/fpu_dut.h"
#include "dv/fpu/fpu_ops.h"

namespace {

using namespace smol::dv::fpu;

struct sweep_state {
    fpu_op op;
    uint64_t from, to;  // inclusive range of inputs
    std::atomic<uint64_t> next_chunk{0};
    std::atomic<uint64_t> done{0};
    std::atomic<uint64_t> wrong{0};
    std::mutex print_mutex;
    std::string error;
};

constexpr uint64_t chunk = 1 << 16;

void sweep_worker(sweep_state& s) {
    try {
        fpu_dut dut;
        for (;;) {
            uint64_t begin = s.from + s.next_chunk.fetch_add(1) * chunk;
            if (begin > s.to) return;
            uint64_t end = std::min(begin + chunk - 1, s.to);
            uint64_t wrong = 0;
            for (uint64_t x = begin; x <= end; ++x) {
                uint32_t a = static_cast<uint32_t>(x);
                uint32_t want = fpu_golden(s.op, a, 0, 0);
                uint32_t got = dut.run(s.op, a, 0, 0);
                if (got == want) continue;
                ++wrong;
                if (s.wrong.load() + wrong <= 10) {
                    std::lock_guard lock(s.print_mutex);
                    std::printf("MISMATCH %s a=0x%08x rtl=0x%08x iss=0x%08x\n", fpu_info(s.op).name.data(), a, got,
                                want);
                }
            }
            s.wrong += wrong;
            s.done += end - begin + 1;
        }
    } catch (const std::exception& e) {
        std::lock_guard lock(s.print_mutex);
        s.error = e.what();
        s.next_chunk = ~0ull >> 17;  // stop the other workers
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Exhaustive sweep of a unary FP unit against the ISS"};
    std::string name;
    unsigned threads = 1;
    uint64_t from = 0, to = 0xffffffffu;
    app.add_option("--op", name, "sqrt, recip, rsqrt, exp, silu, cvt_s_w, cvt_w_s, transc_sqrt")->required();
    app.add_option("--threads", threads, "worker threads")->check(CLI::Range(1u, 64u));
    app.add_option("--from", from, "first input (default 0)")->check(CLI::Range(0ull, 0xffffffffull));
    app.add_option("--to", to, "last input (default 0xffffffff)")->check(CLI::Range(0ull, 0xffffffffull));
    CLI11_PARSE(app, argc, argv);

    auto op = fpu_op_by_name(name);
    if (!op || fpu_info(*op).arity != 1) {
        std::fprintf(stderr, "fpu_sweep: --op '%s' is not a unary operation\n", name.c_str());
        return 2;
    }
    if (from > to) {
        std::fprintf(stderr, "fpu_sweep: --from 0x%llx is above --to 0x%llx\n", static_cast<unsigned long long>(from),
                     static_cast<unsigned long long>(to));
        return 2;
    }
    sweep_state s;
    s.op = *op;
    s.from = from;
    s.to = to;
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(sweep_worker, std::ref(s));
    for (auto& t : pool) t.join();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!s.error.empty()) {
        std::fprintf(stderr, "fpu_sweep: %s\n", s.error.c_str());
        return 1;
    }
    std::printf("%s inputs 0x%08llx..0x%08llx: %llu checked, %llu wrong, %.0f s with %u threads\n", name.c_str(),
                static_cast<unsigned long long>(from), static_cast<unsigned long long>(to),
                static_cast<unsigned long long>(s.done.load()), static_cast<unsigned long long>(s.wrong.load()),
                seconds, threads);
    return s.wrong == 0 ? 0 : 1;
}
