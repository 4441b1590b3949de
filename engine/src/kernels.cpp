#include "engine/src/kernels.h"

#include "engine/src/cpu_features.h"
#include "engine/src/kernels_simd.h"

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

namespace portable {

float dot_f32(const float* a, const float* b, int32_t n) {
    float acc[lanes] = {};
    int32_t j = 0;
    for (; j + lanes <= n; j += lanes)
        for (int32_t k = 0; k < lanes; ++k) acc[k] += a[j + k] * b[j + k];
    for (; j < n; ++j) acc[j % lanes] += a[j] * b[j];
    return reduce_lanes(acc);
}

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    (void)scratch;  // reads int8 rows in place
    const int64_t cols = w.cols;
    for (int32_t r = row_begin; r < row_end; ++r) {
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

void axpy(float* y, float a, const float* x, int32_t n) {
    for (int32_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale) {
    for (int32_t s = 0; s < count; ++s) scores[s] = dot_f32(q, keys + s * stride, head_dim) * scale;
}

void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim) {
    std::fill_n(out, head_dim, 0.0f);
    for (int32_t s = 0; s < count; ++s) axpy(out, weights[s], values + s * stride, head_dim);
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

}  // namespace portable

// x86-64 builds carry both paths; elsewhere only the portable one exists.
#if defined(__x86_64__)
#define SMOL_DISPATCH(call) (active_simd() == simd_level::avx2 ? avx2::call : portable::call)
#else
#define SMOL_DISPATCH(call) (portable::call)
#endif

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    SMOL_DISPATCH(matmul_rows(out, in, n_tokens, w, row_begin, row_end, scratch));
}

int64_t matmul_scratch_floats(int64_t cols) { return prefill_panel_rows * cols; }

float dot_f32(const float* a, const float* b, int32_t n) { return SMOL_DISPATCH(dot_f32(a, b, n)); }

void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale) {
    SMOL_DISPATCH(attention_scores(scores, q, keys, stride, count, head_dim, scale));
}

void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim) {
    SMOL_DISPATCH(attention_values(out, weights, values, stride, count, head_dim));
}

void softmax(float* x, int32_t size) { SMOL_DISPATCH(softmax(x, size)); }

void silu_mul(float* gate, const float* up, int32_t size) { SMOL_DISPATCH(silu_mul(gate, up, size)); }

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
