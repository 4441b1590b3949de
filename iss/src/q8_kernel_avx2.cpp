// AVX2+FMA Q8 MAC step, compiled for the host only through the target attribute; chosen at run time.
#include "iss/src/q8_kernel.h"

#include "iss/src/fp32.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <cmath>
#include <cstring>

namespace smol::iss {

__attribute__((target("avx2,fma"))) void q8_mac_avx2(float* acc, const int8_t* w, const uint8_t* a,
                                                     uint64_t n) {
    float* lanes = acc;
    __m256 lo = _mm256_loadu_ps(lanes);
    __m256 hi = _mm256_loadu_ps(lanes + 8);
    uint64_t j = 0;
    // Two independent chains per 16 elements; each lane still sees its elements in increasing order.
    for (; j + 16 <= n; j += 16) {
        __m128i wb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + j));
        __m256 w_lo = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(wb));
        __m256 w_hi = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(wb, 8)));
        lo = _mm256_fmadd_ps(w_lo, _mm256_loadu_ps(reinterpret_cast<const float*>(a + 4 * j)), lo);
        hi = _mm256_fmadd_ps(w_hi, _mm256_loadu_ps(reinterpret_cast<const float*>(a + 4 * j + 32)), hi);
    }
    // NaN lanes become the canonical NaN (sticky through fma, so once per instruction suffices).
    const __m256 qnan = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(fp::canonical_nan)));
    lo = _mm256_blendv_ps(lo, qnan, _mm256_cmp_ps(lo, lo, _CMP_UNORD_Q));
    hi = _mm256_blendv_ps(hi, qnan, _mm256_cmp_ps(hi, hi, _CMP_UNORD_Q));
    _mm256_storeu_ps(lanes, lo);
    _mm256_storeu_ps(lanes + 8, hi);
    if (j < n) {  // tail of a count that is not a multiple of 16: lanes 0.. in order
        for (uint64_t k = j; k < n; ++k) {
            float x;
            std::memcpy(&x, a + 4 * k, 4);
            lanes[k % 16] = std::fma(static_cast<float>(w[k]), x, lanes[k % 16]);
        }
        for (int l = 0; l < 16; ++l)
            if (std::isnan(acc[l])) acc[l] = fp::to_f(fp::canonical_nan);
    }
}

// The 8 low int8 codes of c as fp32 weights code * d (exact).
__attribute__((target("avx2,fma"))) static inline __m256 block_weights8(__m128i c, __m256 d) {
    return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(c)), d);
}

// Block-scaled MACs: per block, the 32 codes as fp32 times the widened scale (exact), then the four groups
// of 8 elements in order 0-7, 8-15, 16-23, 24-31 into lanes lo, hi, lo, hi: each lane sees element k, then
// k + 16, then the next block's, as the portable kernel does.
__attribute__((target("avx2,fma"))) void qb_mac_avx2(float* acc, const uint8_t* blocks, const uint8_t* a,
                                                     uint64_t n, block_format f) {
    __m256 lo = _mm256_loadu_ps(acc);
    __m256 hi = _mm256_loadu_ps(acc + 8);
    const uint64_t stride = block_bytes(f);
    const __m128i low_nibbles = _mm_set1_epi8(15), eight = _mm_set1_epi8(8);
    for (uint64_t b = 0; b < n; ++b) {
        const uint8_t* blk = blocks + b * stride;
        const __m256 d = _mm256_set1_ps(fp::to_f(half_to_fp32(uint16_t(blk[0] | (blk[1] << 8)))));
        __m128i c0, c1;  // codes 0..15 and 16..31 as int8
        if (f == block_format::q8_0) {
            c0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 2));
            c1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 18));
        } else {
            const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blk + 2));
            c0 = _mm_sub_epi8(_mm_and_si128(q, low_nibbles), eight);
            c1 = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(q, 4), low_nibbles), eight);
        }
        const float* x = reinterpret_cast<const float*>(a + 4 * b * block_elements);
        lo = _mm256_fmadd_ps(block_weights8(c0, d), _mm256_loadu_ps(x), lo);
        hi = _mm256_fmadd_ps(block_weights8(_mm_srli_si128(c0, 8), d), _mm256_loadu_ps(x + 8), hi);
        lo = _mm256_fmadd_ps(block_weights8(c1, d), _mm256_loadu_ps(x + 16), lo);
        hi = _mm256_fmadd_ps(block_weights8(_mm_srli_si128(c1, 8), d), _mm256_loadu_ps(x + 24), hi);
    }
    const __m256 qnan = _mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(fp::canonical_nan)));
    lo = _mm256_blendv_ps(lo, qnan, _mm256_cmp_ps(lo, lo, _CMP_UNORD_Q));
    hi = _mm256_blendv_ps(hi, qnan, _mm256_cmp_ps(hi, hi, _CMP_UNORD_Q));
    _mm256_storeu_ps(acc, lo);
    _mm256_storeu_ps(acc + 8, hi);
}

}  // namespace smol::iss
#else
namespace smol::iss {
void q8_mac_avx2(float* acc, const int8_t* w, const uint8_t* a, uint64_t n) { q8_mac_portable(acc, w, a, n); }
void qb_mac_avx2(float* acc, const uint8_t* blocks, const uint8_t* a, uint64_t n, block_format f) {
    qb_mac_portable(acc, blocks, a, n, f);
}
}  // namespace smol::iss
#endif
