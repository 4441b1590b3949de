// SMOL-32 fp32 semantics. Built with -ffp-contract=off: every line below is one rounded IEEE operation
// (or one fused multiply-add where std::fma is written), exactly as docs/isa.md specifies.
#include "iss/src/fp32.h"

#include <cmath>

namespace smol::iss::fp {
namespace {

float pow2(int e) { return to_f(static_cast<uint32_t>(e + 127) << 23); }  // e in -126..127

// x * 2^n with one rounding: split n so that both factors are normal; the first product is exact.
float scale2(float v, int n) {
    int e1 = n >> 1;  // floor(n / 2)
    int e2 = n - e1;
    return (v * pow2(e1)) * pow2(e2);
}

struct exp_parts {
    float p;  // e^r, r = x - n ln2 in about [-ln2/2, ln2/2]
    int n;
};

// Range reduction and polynomial shared by exp and silu (docs/isa.md, "exp").
exp_parts exp_reduce(float x) {
    using namespace exp_constants;
    float t = x * to_f(log2e);
    float k = (t + to_f(round_magic)) - to_f(round_magic);  // nearest integer, ties to even
    float r = std::fma(-k, to_f(ln2_hi), x);
    r = std::fma(-k, to_f(ln2_lo), r);
    float p = to_f(c[6]);
    for (int i = 5; i >= 0; --i) p = std::fma(p, r, to_f(c[i]));
    return {p, static_cast<int>(k)};
}

}  // namespace

uint32_t add(uint32_t a, uint32_t b) { return canon(to_f(a) + to_f(b)); }
uint32_t sub(uint32_t a, uint32_t b) { return canon(to_f(a) - to_f(b)); }
uint32_t mul(uint32_t a, uint32_t b) { return canon(to_f(a) * to_f(b)); }
uint32_t div(uint32_t a, uint32_t b) { return canon(to_f(a) / to_f(b)); }
uint32_t fma(uint32_t a, uint32_t b, uint32_t c) { return canon(std::fma(to_f(a), to_f(b), to_f(c))); }

uint32_t min(uint32_t a, uint32_t b) {
    if (is_nan(a) || is_nan(b)) return canonical_nan;
    float x = to_f(a), y = to_f(b);
    if (x < y) return a;
    if (y < x) return b;
    return a | b;  // equal: only ±0 differ in bits, and min(-0, +0) = -0
}

uint32_t max(uint32_t a, uint32_t b) {
    if (is_nan(a) || is_nan(b)) return canonical_nan;
    float x = to_f(a), y = to_f(b);
    if (x > y) return a;
    if (y > x) return b;
    return a & b;  // max(-0, +0) = +0
}

uint32_t sqrt(uint32_t a) { return canon(std::sqrt(to_f(a))); }

uint32_t rsqrt(uint32_t a) {
    float s = std::sqrt(to_f(a));
    return canon(1.0f / s);
}

uint32_t recip(uint32_t a) { return canon(1.0f / to_f(a)); }

uint32_t exp(uint32_t a) {
    using namespace exp_constants;
    if (is_nan(a)) return canonical_nan;
    float x = to_f(a);
    if (x > to_f(overflow_above)) return 0x7f800000u;
    if (x < to_f(zero_below)) return 0;
    exp_parts e = exp_reduce(x);
    return canon(scale2(e.p, e.n));
}

uint32_t silu(uint32_t a) {
    if (is_nan(a)) return canonical_nan;
    float x = to_f(a);
    if (x >= 0.0f) {  // includes -0 and +inf
        float d = 1.0f + to_f(exp(a ^ 0x80000000u));
        return canon(x / d);
    }
    if (x < -120.0f) return 0x80000000u;  // |silu(x)| < 2^-150 rounds to -0
    // x * e^x / (1 + e^x) with e^x = p * 2^n kept split, so the small result is rounded only once.
    exp_parts e = exp_reduce(x);
    float d = 1.0f + scale2(e.p, e.n);
    float q = (x * e.p) / d;
    return canon(scale2(q, e.n));
}

uint32_t cvt_s_w(uint32_t a) { return to_u(static_cast<float>(static_cast<int32_t>(a))); }

uint32_t cvt_w_s(uint32_t a) {
    if (is_nan(a)) return 0;
    float x = to_f(a);
    if (x >= 2147483648.0f) return 0x7fffffffu;
    if (x < -2147483648.0f) return 0x80000000u;
    return static_cast<uint32_t>(static_cast<int32_t>(x));
}

bool eq(uint32_t a, uint32_t b) { return to_f(a) == to_f(b); }
bool lt(uint32_t a, uint32_t b) { return to_f(a) < to_f(b); }
bool le(uint32_t a, uint32_t b) { return to_f(a) <= to_f(b); }

}  // namespace smol::iss::fp
