#pragma once
// bfloat16 / float16 <-> float32, bit-exact (round to nearest even, NaN kept quiet).
#include <bit>
#include <cmath>
#include <cstdint>

namespace smol {

inline float bf16_to_f32(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

inline uint16_t f32_to_bf16(float value) {
    uint32_t bits = std::bit_cast<uint32_t>(value);
    if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x0040u);  // quiet NaN
    uint32_t rounding = 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<uint16_t>((bits + rounding) >> 16);
}

inline float f16_to_f32(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | (mantissa << 13);
    } else if (exponent != 0) {
        bits = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        bits = sign;
    } else {  // subnormal half: normalise into a float32 normal
        int shift = std::countl_zero(mantissa) - 21;  // bring the leading 1 to bit 10
        mantissa = (mantissa << shift) & 0x3ffu;
        bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | (mantissa << 13);
    }
    return std::bit_cast<float>(bits);
}

// float32 -> float16, round to nearest even (as F16C's vcvtps2ph with rounding mode 0 and numpy's
// astype(float16)): overflow gives infinity, tiny values subnormals or zero, NaN stays a quiet NaN.
inline uint16_t f32_to_f16(float value) {
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return static_cast<uint16_t>(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    if (magnitude >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds past 65504
    if (magnitude < 0x38800000u) {  // below the smallest normal half (2^-14): a subnormal or zero
        if (magnitude < 0x33000000u) return sign;  // below half the smallest subnormal: zero
        const uint32_t exponent = magnitude >> 23;
        const uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126u - exponent;  // 14..24: value = mantissa * 2^(exponent - 150)
        uint32_t half = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
        if (rest > halfway || (rest == halfway && (half & 1u))) ++half;
        return static_cast<uint16_t>(sign | half);
    }
    uint32_t rounded = magnitude + 0xfffu + ((magnitude >> 13) & 1u);  // to nearest even at bit 13
    return static_cast<uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
}

}  // namespace smol
