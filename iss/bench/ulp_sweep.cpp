// Exhaustive accuracy sweep of the SMOL-32 transcendentals over all 2^32 fp32 inputs (a benchmark, not a
// test: about a minute per function on one core). For each function it reports
//   max_ulp_cr   the largest distance, in representable fp32 steps, from the correctly rounded result
//   max_ulp      the largest |result - exact| / ulp(exact) (ulp of fp32 at the exact value, >= 2^-149)
//   wrong        how many inputs differ from the correctly rounded result
// The correctly rounded reference is computed in double; where the double value is too close to an
// fp32 rounding boundary to decide, it is recomputed in long double (and counted as undecided if that
// is still too close). NaN inputs must give the canonical NaN.
// Usage: iss_bench_ulp_sweep [--fn exp|silu|rsqrt|recip|sqrt] [--step N] [--threads N (default 2)]
#include "iss/src/fp32.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace {
namespace fp = smol::iss::fp;

struct function {
    const char* name;
    uint32_t (*iss)(uint32_t);
    double (*ref)(double);
    long double (*ref_long)(long double);
    int slack;  // error bound of ref in double ulps
};

const function functions[] = {
    {"exp", fp::exp, [](double x) { return std::exp(x); }, [](long double x) { return std::exp(x); }, 1},
    // silu(-inf) is the limit -0 (x e^x -> 0), not the NaN that -inf / inf gives.
    {"silu", fp::silu, [](double x) { return std::isinf(x) && x < 0 ? -0.0 : x / (1.0 + std::exp(-x)); },
     [](long double x) { return std::isinf(x) && x < 0 ? -0.0L : x / (1.0L + std::exp(-x)); }, 4},
    {"rsqrt", fp::rsqrt, [](double x) { return 1.0 / std::sqrt(x); },
     [](long double x) { return 1.0L / std::sqrt(x); }, 2},
    {"recip", fp::recip, [](double x) { return 1.0 / x; }, [](long double x) { return 1.0L / x; }, 1},
    {"sqrt", fp::sqrt, [](double x) { return std::sqrt(x); }, [](long double x) { return std::sqrt(x); }, 1},
};

// fp32 values in one integer order: adjacent floats differ by 1.
int64_t ordered(uint32_t bits) {
    return (bits & 0x80000000u) ? -static_cast<int64_t>(bits & 0x7fffffffu) : static_cast<int64_t>(bits);
}

template <typename T>
bool robust_round(T exact, int slack, T step_down, T step_up, float& out) {
    out = static_cast<float>(exact);
    if (std::isinf(exact)) return true;
    if (exact == 0) return true;  // an exact zero of the reference (its sign is the result's)
    float a = static_cast<float>(exact - slack * step_down);
    float b = static_cast<float>(exact + slack * step_up);
    return a == b;  // both neighbours of the reference round to the same fp32 value
}

double ulp_of(double v) {
    double a = std::fabs(v);
    if (a < 0x1p-126) return 0x1p-149;
    if (std::isinf(a)) return std::ldexp(1.0, 104);
    int e;
    std::frexp(a, &e);
    return std::ldexp(1.0, e - 24);
}

struct sweep_stats {
    int64_t max_cr = 0;
    double max_ulp = 0;
    uint64_t wrong = 0, undecided = 0, bad_nan = 0;
    uint32_t worst = 0;
    void merge(const sweep_stats& o) {
        if (o.max_cr > max_cr || (o.max_cr == max_cr && o.max_ulp > max_ulp)) worst = o.worst;
        max_cr = std::max(max_cr, o.max_cr);
        max_ulp = std::max(max_ulp, o.max_ulp);
        wrong += o.wrong;
        undecided += o.undecided;
        bad_nan += o.bad_nan;
    }
    void record(uint32_t in, int64_t d, double e) {
        ++wrong;
        if (d > max_cr || (d == max_cr && e > max_ulp)) worst = in;
        max_cr = std::max(max_cr, d);
        max_ulp = std::max(max_ulp, e);
    }
};

sweep_stats sweep(const function& fn, uint64_t lo, uint64_t hi, uint64_t step) {
    sweep_stats st;
    for (uint64_t i = lo; i < hi; i += step) {
        uint32_t in = static_cast<uint32_t>(i);
        uint32_t got = fn.iss(in);
        float x = std::bit_cast<float>(in);
        if (fn.iss == fp::silu && std::fabs(x) < 0x1p-40f && x != 0) {
            // silu(x) = x/2 + x^2/4 - ...: just above x/2, beyond what long double resolves. x/2 is
            // either exact or a midpoint between subnormals, which then rounds up (toward +inf).
            float half = x / 2;
            if (static_cast<double>(half) < static_cast<double>(x) / 2) half = std::nextafter(half, 1.0f);
            if (std::bit_cast<uint32_t>(half) != got) {
                int64_t d = ordered(got) - ordered(std::bit_cast<uint32_t>(half));
                st.record(in, d < 0 ? -d : d, 1.0);
            }
            continue;
        }
        double exact = fn.ref(static_cast<double>(x));
        if (std::isnan(exact)) {
            if (got != fp::canonical_nan) ++st.bad_nan;
            continue;
        }
        float cr;
        double ulp_d = std::fabs(exact) * 0x1p-52 + 0x1p-1074;
        if (!robust_round(exact, fn.slack, ulp_d, ulp_d, cr)) {
            long double el = fn.ref_long(static_cast<long double>(x));
            long double ulp_l = std::fabs(el) * 0x1p-63L + 0x1p-16445L;
            if (!robust_round(el, 2 * fn.slack, ulp_l, ulp_l, cr)) ++st.undecided;
            exact = static_cast<double>(el);
        }
        uint32_t want = std::bit_cast<uint32_t>(cr);
        if (got == want) continue;
        int64_t d = ordered(got) - ordered(want);
        if (d < 0) d = -d;
        if (fp::is_nan(got)) d = INT64_MAX;
        float g = std::bit_cast<float>(got);
        double e = std::isinf(exact) ? (g == exact ? 0.0 : 1e30) : std::fabs(static_cast<double>(g) - exact) / ulp_of(exact);
        st.record(in, d, e);
    }
    return st;
}

}  // namespace

int main(int argc, char** argv) {
    std::string only;
    uint64_t step = 1;
    unsigned threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--fn") only = argv[i + 1];
        else if (a == "--step") step = std::stoull(argv[i + 1]);
        else if (a == "--threads") threads = std::max(1u, static_cast<unsigned>(std::stoul(argv[i + 1])));
    }
    fmt::print("{:<6} {:>12} {:>10} {:>12} {:>10} {:>8}  worst input\n", "fn", "max_ulp_cr", "max_ulp", "wrong",
               "undecided", "seconds");
    for (const function& fn : functions) {
        if (!only.empty() && only != fn.name) continue;
        auto t0 = std::chrono::steady_clock::now();
        std::vector<sweep_stats> parts(threads);
        std::vector<std::thread> pool;
        const uint64_t total = uint64_t{1} << 32;
        for (unsigned t = 0; t < threads; ++t) {
            uint64_t lo = total / threads * t, hi = t + 1 == threads ? total : total / threads * (t + 1);
            lo = (lo + step - 1) / step * step;  // keep the same sample grid whatever the thread count
            pool.emplace_back([&, t, lo, hi] { parts[t] = sweep(fn, lo, hi, step); });
        }
        for (auto& th : pool) th.join();
        sweep_stats all;
        for (const sweep_stats& p : parts) all.merge(p);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        fmt::print("{:<6} {:>12} {:>10.3f} {:>12} {:>10} {:>8.1f}  {:#010x} ({:g}){}\n", fn.name, all.max_cr,
                   all.max_ulp, all.wrong, all.undecided, s, all.worst, std::bit_cast<float>(all.worst),
                   all.bad_nan ? fmt::format("  NON-CANONICAL NaN: {}", all.bad_nan) : "");
        std::fflush(stdout);
    }
    return 0;
}
