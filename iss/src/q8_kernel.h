#pragma once
// The Q8 MAC step (docs/isa.md, "Q8 MAC unit"): element j of an instruction goes to accumulator lane
// j mod 16, lane = fma(fp32(w[j]), a[j], lane), elements in increasing j. Two implementations that must
// agree bit for bit: portable (std::fma) and AVX2+FMA (two 8-lane registers, same order per lane).
#include <cstdint>

namespace smol::iss {

// acc: 16 fp32 lanes; w: n int8 weights; a: n fp32 activations (any alignment).
using q8_mac_fn = void (*)(float* acc, const int8_t* w, const uint8_t* a, uint64_t n);

void q8_mac_portable(float* acc, const int8_t* w, const uint8_t* a, uint64_t n);
void q8_mac_avx2(float* acc, const int8_t* w, const uint8_t* a, uint64_t n);  // needs avx2+fma

bool cpu_has_avx2_fma();  // common/cpu_features.h's avx2 tier
// The AVX2 kernel unless the active kernel tier (common/cpu_features.h: SMOL_SIMD, --simd) is portable.
q8_mac_fn q8_mac_best();

}  // namespace smol::iss
