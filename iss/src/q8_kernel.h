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

// The block-scaled MACs (docs/isa.md, "Block-scaled MACs"): n llama.cpp blocks at `blocks` (q8_0: 34 bytes,
// fp16 d then 32 int8 codes; q4_0: 18 bytes, fp16 d then 16 bytes of nibbles, low = elements 0..15, high =
// 16..31, code = nibble - 8) times 32n fp32 activations; element k of a block goes to lane k mod 16,
// lane = fma(code * fp32(d), a, lane) where the product is exact. Portable and AVX2 agree bit for bit.
enum class block_format { q8_0, q4_0 };
inline constexpr uint64_t block_elements = 32;
inline constexpr uint64_t block_bytes(block_format f) { return f == block_format::q8_0 ? 34 : 18; }
using qb_mac_fn = void (*)(float* acc, const uint8_t* blocks, const uint8_t* a, uint64_t n, block_format f);

void qb_mac_portable(float* acc, const uint8_t* blocks, const uint8_t* a, uint64_t n, block_format f);
void qb_mac_avx2(float* acc, const uint8_t* blocks, const uint8_t* a, uint64_t n, block_format f);  // avx2+fma
// IEEE binary16 -> binary32, exact (subnormals become normal fp32 values); a NaN becomes the canonical NaN.
uint32_t half_to_fp32(uint16_t h);

bool cpu_has_avx2_fma();  // common/cpu_features.h's avx2 tier
// The AVX2 kernel unless the active kernel tier (common/cpu_features.h: SMOL_SIMD, --simd) is portable.
q8_mac_fn q8_mac_best();
// The block kernel of the same tier as a machine's Q8 kernel (portable with portable, AVX2 otherwise), so
// that a machine built with q8_mac_portable (tests, the fuzzer's reference) runs portable code throughout.
qb_mac_fn qb_mac_for(q8_mac_fn q8);

}  // namespace smol::iss
