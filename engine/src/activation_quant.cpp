#include "engine/src/activation_quant.h"

#include "engine/src/kernel_table.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace smol {

namespace {
constexpr std::array<const char*, size_t(activation_numerics::count)> names = {"f32", "int8"};
}

const char* activation_numerics_name(activation_numerics mode) {
    const auto i = size_t(mode);
    return i < names.size() ? names[i] : "unknown";
}

std::optional<activation_numerics> parse_activation_numerics(std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i)
        if (name == names[i]) return activation_numerics(i);
    return std::nullopt;
}

namespace kernels {

void quantize_activation_row(const float* x, int32_t cols, int8_t* codes, float* scales, int32_t* neg_sums) {
    const int64_t padded = act_padded_cols(cols);
    for (int64_t b0 = 0; b0 < padded; b0 += act_block) {
        const int64_t n = std::clamp<int64_t>(cols - b0, 0, act_block);
        float max_abs = 0.0f;
        for (int64_t j = 0; j < n; ++j) max_abs = std::max(max_abs, std::fabs(x[b0 + j]));
        const float d = max_abs / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        int32_t sum = 0;
        // roundf (half away from zero, as llama.cpp's reference Q8_0 quantizer) written so that the compiler
        // vectorizes it: |v| <= 127, so truncation to int is exact, and so is v - trunc(v).
        for (int64_t j = 0; j < n; ++j) {
            const float v = x[b0 + j] * id;
            const auto t = static_cast<int32_t>(v);
            const float fraction = v - static_cast<float>(t);
            const int32_t q = t + (fraction >= 0.5f ? 1 : 0) - (fraction <= -0.5f ? 1 : 0);
            codes[b0 + j] = static_cast<int8_t>(q);
            sum += q;
        }
        std::fill(codes + b0 + n, codes + b0 + act_block, int8_t{0});
        const int64_t lane0 = b0 / act_block * act_lanes_per_block;
        std::fill_n(scales + lane0, act_lanes_per_block, d);
        std::fill_n(neg_sums + lane0, act_lanes_per_block, -sum);
    }
}

int8_activation_buffer::int8_activation_buffer(int32_t max_tokens, int32_t max_cols)
    : codes_(size_t(max_tokens) * size_t(act_padded_cols(max_cols))),
      scales_(codes_.size() / 4),
      neg_sums_(codes_.size() / 4) {}

void int8_activation_buffer::quantize(const float* in, int32_t cols, int32_t t_begin, int32_t t_end) {
    const int64_t padded = act_padded_cols(cols);
    const auto quantize_row = active_kernels().quantize_row;
    for (int32_t t = t_begin; t < t_end; ++t)
        quantize_row(in + int64_t(t) * cols, cols, codes_.data() + t * padded, scales_.data() + t * (padded / 4),
                     neg_sums_.data() + t * (padded / 4));
}

int8_activations int8_activation_buffer::view(int32_t cols) const {
    return {codes_.data(), scales_.data(), neg_sums_.data(), cols};
}

}  // namespace kernels

}  // namespace smol
