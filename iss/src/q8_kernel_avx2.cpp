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

}  // namespace smol::iss
#else
namespace smol::iss {
void q8_mac_avx2(float* acc, const int8_t* w, const uint8_t* a, uint64_t n) { q8_mac_portable(acc, w, a, n); }
}  // namespace smol::iss
#endif
