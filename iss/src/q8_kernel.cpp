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

bool cpu_has_avx2_fma() { return cpu_supports(simd_level::avx2); }

// The engine's tier choice (SMOL_SIMD, --simd) steers the ISS too: any tier above portable has AVX2.
q8_mac_fn q8_mac_best() { return active_simd() == simd_level::portable ? q8_mac_portable : q8_mac_avx2; }

}  // namespace smol::iss
