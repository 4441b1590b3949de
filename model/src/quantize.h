#pragma once
// Symmetric INT8 quantization, bit-identical to reference/smol_reference/quant.py:
//   scale = float32(max|w|) / 127.0f   (float32 division; 0 when every weight is 0)
//   q     = round_half_to_even(w / scale), clamped to [-127, 127]   (float32 division)
//   w'    = float32(q) * scale
#include <cstdint>
#include <span>

namespace smol {

float q8_scale(std::span<const float> values);
void q8_quantize(std::span<const float> values, float scale, std::span<int8_t> out);

}  // namespace smol
