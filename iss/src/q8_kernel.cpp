#include "iss/src/q8_kernel.h"

#include "common/cpu_features.h"
#include "iss/src/fp32.h"

#include <cmath>
#include <cstring>

namespace smol::iss {

void q8_mac_portable(float* acc, const int8_t* w, const uint8_t* a, uint64_t n) {
    for (uint64_t j = 0; j < n; ++j) {
        float x;
        std::memcpy(&x, a + 4 * j, 4);
        acc[j % 16] = std::fma(static_cast<float>(w[j]), x, acc[j % 16]);
    }
    // NaN is sticky through fma, so canonicalising once per instruction equals doing it every step.
    for (int l = 0; l < 16; ++l)
        if (std::isnan(acc[l])) acc[l] = fp::to_f(fp::canonical_nan);
}

uint32_t half_to_fp32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000u) << 16, e = (h >> 10) & 31u, m = h & 0x3ffu;
    if (e == 31) return m ? fp::canonical_nan : sign | 0x7f800000u;
    if (e != 0) return sign | ((e + 127 - 15) << 23) | (m << 13);
    if (m == 0) return sign;
    // Subnormal m * 2^-24: normalise the 10-bit fraction (shift its top bit to the implicit position).
    int shift = 0;
    uint32_t mm = m;
    while (!(mm & 0x400u)) {
        mm <<= 1;
        ++shift;
    }
    return sign | (uint32_t(127 - 15 + 1 - shift) << 23) | ((mm & 0x3ffu) << 13);
}

namespace {

// Code k (0..31) of one block, already minus 8 for q4_0.
int32_t block_code(const uint8_t* qs, uint64_t k, block_format f) {
    if (f == block_format::q8_0) return static_cast<int8_t>(qs[k]);
    return int32_t(k < 16 ? qs[k] & 15u : qs[k - 16] >> 4) - 8;
}

}  // namespace

void qb_mac_portable(float* acc, const uint8_t* blocks, const uint8_t* a, uint64_t n, block_format f) {
    for (uint64_t b = 0; b < n; ++b) {
        const uint8_t* blk = blocks + b * block_bytes(f);
        const float d = fp::to_f(half_to_fp32(uint16_t(blk[0] | (blk[1] << 8))));
        for (uint64_t k = 0; k < block_elements; ++k) {
            float x;
            std::memcpy(&x, a + 4 * (b * block_elements + k), 4);
            const float w = static_cast<float>(block_code(blk + 2, k, f)) * d;  // exact: 8 x 11 significant bits
            acc[k % 16] = std::fma(w, x, acc[k % 16]);
        }
    }
    for (int l = 0; l < 16; ++l)
        if (std::isnan(acc[l])) acc[l] = fp::to_f(fp::canonical_nan);
}

bool cpu_has_avx2_fma() { return cpu_supports(simd_level::avx2); }

// The engine's tier choice (SMOL_SIMD, --simd) steers the ISS too: any tier above portable has AVX2.
q8_mac_fn q8_mac_best() { return active_simd() == simd_level::portable ? q8_mac_portable : q8_mac_avx2; }

qb_mac_fn qb_mac_for(q8_mac_fn q8) { return q8 == q8_mac_portable ? qb_mac_portable : qb_mac_avx2; }

}  // namespace smol::iss
