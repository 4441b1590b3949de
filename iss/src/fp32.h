#pragma once
// SMOL-32 floating-point semantics (docs/isa.md, "Floating point"): IEEE-754 binary32, round to nearest
// even, subnormals kept (no flush), every NaN result is the canonical NaN 0x7fc00000. The
// transcendentals are fixed sequences of fp32 operations, so that hardware can reproduce them bit
// for bit. Values are passed as bit patterns (uint32_t) so that no host move can touch a NaN.
#include <bit>
#include <cstdint>

namespace smol::iss::fp {

inline constexpr uint32_t canonical_nan = 0x7fc00000u;

inline float to_f(uint32_t bits) { return std::bit_cast<float>(bits); }
inline uint32_t to_u(float value) { return std::bit_cast<uint32_t>(value); }
inline bool is_nan(uint32_t bits) { return (bits & 0x7fffffffu) > 0x7f800000u; }
// The result of every arithmetic instruction passes through this.
inline uint32_t canon(float value) {
    uint32_t bits = to_u(value);
    return is_nan(bits) ? canonical_nan : bits;
}

uint32_t add(uint32_t a, uint32_t b);
uint32_t sub(uint32_t a, uint32_t b);
uint32_t mul(uint32_t a, uint32_t b);
uint32_t div(uint32_t a, uint32_t b);
uint32_t fma(uint32_t a, uint32_t b, uint32_t c);  // a * b + c, one rounding
uint32_t min(uint32_t a, uint32_t b);              // NaN if either is NaN; -0 < +0
uint32_t max(uint32_t a, uint32_t b);
uint32_t sqrt(uint32_t a);                         // correctly rounded
uint32_t rsqrt(uint32_t a);                        // RN(1 / RN(sqrt(a)))
uint32_t recip(uint32_t a);                        // RN(1 / a)
uint32_t exp(uint32_t a);                          // algorithm in docs/isa.md
uint32_t silu(uint32_t a);                         // algorithm in docs/isa.md
uint32_t cvt_s_w(uint32_t a);                      // int32 -> fp32, RN
uint32_t cvt_w_s(uint32_t a);                      // fp32 -> int32, toward zero, saturating, NaN -> 0
bool eq(uint32_t a, uint32_t b);
bool lt(uint32_t a, uint32_t b);
bool le(uint32_t a, uint32_t b);

// Pairwise tree over 16 lanes: level k adds lane i and lane i + 16 / 2^k. `combine` is add, max or min.
template <typename Combine>
uint32_t tree16(const uint32_t* lanes, Combine combine) {
    uint32_t t[16];
    for (int i = 0; i < 16; ++i) t[i] = lanes[i];
    for (int half = 8; half >= 1; half /= 2)
        for (int i = 0; i < half; ++i) t[i] = combine(t[i], t[i + half]);
    return t[0];
}

// Exposed for docs and tests: the exp algorithm's constants.
namespace exp_constants {
inline constexpr uint32_t log2e = 0x3fb8aa3bu;      // 1.44269502
inline constexpr uint32_t ln2_hi = 0x3f317200u;     // 0.693145752
inline constexpr uint32_t ln2_lo = 0x35bfbe8eu;     // 1.42860677e-6
inline constexpr uint32_t round_magic = 0x4b400000u;  // 1.5 * 2^23
inline constexpr uint32_t c[7] = {0x3f800000u, 0x3f800000u, 0x3efffffeu, 0x3e2aaa49u,
                                  0x3d2aac79u, 0x3c091ceau, 0x3ab51224u};  // c0..c6
inline constexpr uint32_t overflow_above = 0x42b17217u;  // 88.7228317: larger x gives +inf
inline constexpr uint32_t zero_below = 0xc2d00000u;      // -104: smaller x gives +0
}  // namespace exp_constants

}  // namespace smol::iss::fp
