#include "engine/src/kernels.h"

#include <algorithm>
#include <cmath>

namespace smol::kernels {

namespace {

// Eight interleaved partial sums, added pairwise at the end: a fixed order the compiler can vectorise.
constexpr int32_t lanes = 8;

float reduce_lanes(const float* acc) {
    return ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
}

float dot_q8(const int8_t* w, const float* x, int32_t n) {
    float acc[lanes] = {};
    int32_t j = 0;
    for (; j + lanes <= n; j += lanes)
        for (int32_t k = 0; k < lanes; ++k) acc[k] += static_cast<float>(w[j + k]) * x[j + k];
    for (; j < n; ++j) acc[j % lanes] += static_cast<float>(w[j]) * x[j];
    return reduce_lanes(acc);
}

}  // namespace

float dot_f32(const float* a, const float* b, int32_t n) {
    float acc[lanes] = {};
    int32_t j = 0;
    for (; j + lanes <= n; j += lanes)
        for (int32_t k = 0; k < lanes; ++k) acc[k] += a[j + k] * b[j + k];
    for (; j < n; ++j) acc[j % lanes] += a[j] * b[j];
    return reduce_lanes(acc);
}

void matmul(float* out, const float* in, int32_t n_tokens, const matrix_view& w) {
    const int64_t cols = w.cols;
    for (int32_t r = 0; r < w.rows; ++r) {
        if (w.dtype == weight_dtype::f32) {
            const float* row = w.f32 + r * cols;
            for (int32_t t = 0; t < n_tokens; ++t) out[t * int64_t{w.rows} + r] = dot_f32(row, in + t * cols, w.cols);
        } else {
            const int8_t* row = w.q8 + r * cols;
            float scale = w.scale(r);
            for (int32_t t = 0; t < n_tokens; ++t)
                out[t * int64_t{w.rows} + r] = dot_q8(row, in + t * cols, w.cols) * scale;
        }
    }
}

void rmsnorm(float* out, const float* x, const float* weight, int32_t size, float eps) {
    double sum_squares = 0.0;
    for (int32_t i = 0; i < size; ++i) sum_squares += double{x[i]} * x[i];
    float mean = static_cast<float>(sum_squares / size);
    float inv_rms = 1.0f / std::sqrt(mean + eps);
    for (int32_t i = 0; i < size; ++i) out[i] = weight[i] * (x[i] * inv_rms);
}

void rope(float* x, int32_t n_heads, int32_t head_dim, const float* cos, const float* sin) {
    const int32_t half = head_dim / 2;
    for (int32_t h = 0; h < n_heads; ++h) {
        float* v = x + h * head_dim;
        for (int32_t i = 0; i < half; ++i) {
            float a = v[i], b = v[i + half];
            v[i] = a * cos[i] - b * sin[i];
            v[i + half] = b * cos[i] + a * sin[i];
        }
    }
}

void softmax(float* x, int32_t size) {
    float max = *std::max_element(x, x + size);
    float sum = 0.0f;
    for (int32_t i = 0; i < size; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += x[i];
    }
    for (int32_t i = 0; i < size; ++i) x[i] /= sum;
}

void silu_mul(float* gate, const float* up, int32_t size) {
    for (int32_t i = 0; i < size; ++i) {
        float g = gate[i];
        gate[i] = g / (1.0f + std::exp(-g)) * up[i];
    }
}

void embedding_row(float* out, const matrix_view& embed, int32_t token) {
    const int64_t offset = int64_t{token} * embed.cols;
    if (embed.dtype == weight_dtype::f32) {
        std::copy_n(embed.f32 + offset, embed.cols, out);
        return;
    }
    float scale = embed.scale(token);
    for (int32_t j = 0; j < embed.cols; ++j) out[j] = static_cast<float>(embed.q8[offset + j]) * scale;
}

}  // namespace smol::kernels
