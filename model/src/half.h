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

}  // namespace smol

namespace smol {

// float32 -> float16, round to nearest even; overflow gives infinity, NaN stays a quiet NaN.
inline uint16_t f32_to_f16(float value) {
    const uint32_t bits = std::bit_cast<uint32_t>(value);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u) return sign | 0x7e00u;
    if (magnitude >= 0x477ff000u) return sign | 0x7c00u;  // 65520 and above round to infinity
    if (magnitude < 0x38800000u) {                          // below 2^-14: a subnormal half (or zero)
        const float scaled = std::bit_cast<float>(magnitude) * 16777216.0f;  // exact: a power-of-two scale
        return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(scaled)));
    }
    const uint32_t exponent = (magnitude >> 23) - 112u;
    const uint32_t mantissa = magnitude & 0x7fffffu;
    uint32_t half = (exponent << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) ++half;  // a carry into the exponent is correct
    return static_cast<uint16_t>(sign | half);
}

}  // namespace smol
