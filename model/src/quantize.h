#pragma once
// The weight quantizers, bit-identical to reference/smol_reference/quant.py (docs/model-format.md).
//
// Per tensor / per row INT8 (q8, q8r):
//   scale = float32(max|w|) / 127.0f   (float32 division; 0 when every weight is 0)
//   q     = round_half_to_even(w / scale), clamped to [-127, 127]   (float32 division)
//   w'    = float32(q) * scale
//
// Blocks of 32 weights along a row with a float16 scale, llama.cpp's Q8_0 and Q4_0 (layout and rounding,
// so a GGUF tensor of either type is these bytes):
//   q8_0: d = max|w| / 127, id = d ? 1/d : 0 (float32), q = round_half_away(w * id), stored d = fp16(d)
//   q4_0: m = the w of largest |w| (the first one), d = m / -8, id = d ? 1/d : 0,
//         q = min(15, trunc(w * id + 8.5)), stored d = fp16(d); the weight is (q - 8) * d
//   w' = float32(code) * float32(fp16 d), exact in float32 (an 8-bit code times an 11-bit significand).
#include <cstddef>
#include <cstdint>
#include <span>

namespace smol {

float q8_scale(std::span<const float> values);
void q8_quantize(std::span<const float> values, float scale, std::span<int8_t> out);

inline constexpr int32_t quant_block_size = 32;

struct block_q8_0 {
    uint16_t d;      // float16 scale
    int8_t qs[32];   // weight j of the block is qs[j] * d
};
static_assert(sizeof(block_q8_0) == 34, "llama.cpp's block_q8_0 is 34 bytes");

struct block_q4_0 {
    uint16_t d;      // float16 scale
    uint8_t qs[16];  // weight j < 16 is (qs[j] & 15) - 8 times d, weight j + 16 is (qs[j] >> 4) - 8 times d
};
static_assert(sizeof(block_q4_0) == 18, "llama.cpp's block_q4_0 is 18 bytes");

// values.size() must be a multiple of quant_block_size; out holds values.size() / 32 blocks.
void q8_0_quantize(std::span<const float> values, std::span<block_q8_0> out);
void q4_0_quantize(std::span<const float> values, std::span<block_q4_0> out);
void q8_0_dequantize(std::span<const block_q8_0> blocks, std::span<float> out);
void q4_0_dequantize(std::span<const block_q4_0> blocks, std::span<float> out);

}  // namespace smol
