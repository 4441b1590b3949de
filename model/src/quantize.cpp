#include "model/src/quantize.h"

#include "model/src/half.h"

#include <algorithm>
#include <cmath>

namespace smol {

float q8_scale(std::span<const float> values) {
    float max_abs = 0.0f;
    for (float v : values) max_abs = std::max(max_abs, std::fabs(v));
    return max_abs / 127.0f;
}

void q8_quantize(std::span<const float> values, float scale, std::span<int8_t> out) {
    for (size_t i = 0; i < values.size(); ++i) {
        if (scale == 0.0f) {
            out[i] = 0;
            continue;
        }
        // nearbyint rounds half to even in the default rounding mode, as torch.round does.
        float q = std::nearbyint(values[i] / scale);
        out[i] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
    }
}

void q8_0_quantize(std::span<const float> values, std::span<block_q8_0> out) {
    for (size_t b = 0; b < out.size(); ++b) {
        const float* x = values.data() + b * quant_block_size;
        float max_abs = 0.0f;
        for (int32_t j = 0; j < quant_block_size; ++j) max_abs = std::max(max_abs, std::fabs(x[j]));
        const float d = max_abs / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out[b].d = f32_to_f16(d);
        // roundf: half away from zero, as llama.cpp's reference quantizer; |x * id| <= 127 needs no clamp.
        for (int32_t j = 0; j < quant_block_size; ++j) out[b].qs[j] = static_cast<int8_t>(std::round(x[j] * id));
    }
}

void q4_0_quantize(std::span<const float> values, std::span<block_q4_0> out) {
    constexpr int32_t half = quant_block_size / 2;
    for (size_t b = 0; b < out.size(); ++b) {
        const float* x = values.data() + b * quant_block_size;
        float max_abs = 0.0f, max = 0.0f;  // the signed weight of largest magnitude, first one on ties
        for (int32_t j = 0; j < quant_block_size; ++j)
            if (max_abs < std::fabs(x[j])) {
                max_abs = std::fabs(x[j]);
                max = x[j];
            }
        const float d = max / -8.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        out[b].d = f32_to_f16(d);
        // x * id + 8.5 lies in [0.5, 16.5]: truncation toward zero is floor, 16 is clamped to 15.
        auto code = [&](float v) { return static_cast<uint8_t>(std::min(15, static_cast<int>(v * id + 8.5f))); };
        for (int32_t j = 0; j < half; ++j) out[b].qs[j] = static_cast<uint8_t>(code(x[j]) | (code(x[j + half]) << 4));
    }
}

void q8_0_dequantize(std::span<const block_q8_0> blocks, std::span<float> out) {
    for (size_t b = 0; b < blocks.size(); ++b) {
        const float d = f16_to_f32(blocks[b].d);
        for (int32_t j = 0; j < quant_block_size; ++j) out[b * quant_block_size + j] = static_cast<float>(blocks[b].qs[j]) * d;
    }
}

void q4_0_dequantize(std::span<const block_q4_0> blocks, std::span<float> out) {
    constexpr int32_t half = quant_block_size / 2;
    for (size_t b = 0; b < blocks.size(); ++b) {
        const float d = f16_to_f32(blocks[b].d);
        float* o = out.data() + b * quant_block_size;
        for (int32_t j = 0; j < half; ++j) {
            o[j] = static_cast<float>((blocks[b].qs[j] & 15) - 8) * d;
            o[j + half] = static_cast<float>((blocks[b].qs[j] >> 4) - 8) * d;
        }
    }
}

}  // namespace smol
