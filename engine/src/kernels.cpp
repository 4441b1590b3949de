#include "engine/src/kernels.h"

#include "engine/src/kernel_table.h"
#include "model/src/half.h"
#include "model/src/quantize.h"

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

void dequantize_row(float* out, const matrix_view& w, int32_t row) {
    const int64_t cols = w.cols;
    switch (w.dtype) {
        case weight_dtype::f32: std::copy_n(w.f32 + row * cols, cols, out); return;
        case weight_dtype::q8: {
            const float scale = w.scale(row);
            for (int64_t j = 0; j < cols; ++j) out[j] = static_cast<float>(w.q8[row * cols + j]) * scale;
            return;
        }
        case weight_dtype::q8_0:
            q8_0_dequantize({reinterpret_cast<const block_q8_0*>(w.blocks + row * w.row_bytes()), size_t(cols / quant_block_size)},
                            {out, size_t(cols)});
            return;
        case weight_dtype::q4_0:
            q4_0_dequantize({reinterpret_cast<const block_q4_0*>(w.blocks + row * w.row_bytes()), size_t(cols / quant_block_size)},
                            {out, size_t(cols)});
            return;
    }
}

// The portable tier (its functions reached only through its table).
namespace portable {

float dot_f32(const float* a, const float* b, int32_t n) {
    float acc[lanes] = {};
    int32_t j = 0;
    for (; j + lanes <= n; j += lanes)
        for (int32_t k = 0; k < lanes; ++k) acc[k] += a[j + k] * b[j + k];
    for (; j < n; ++j) acc[j % lanes] += a[j] * b[j];
    return reduce_lanes(acc);
}

// f32 and q8 rows are read in place; a q8_0 / q4_0 row is dequantized (exactly) into the scratch first.
void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    const int64_t cols = w.cols;
    for (int32_t r = row_begin; r < row_end; ++r) {
        if (w.dtype == weight_dtype::q8) {
            const int8_t* row = w.q8 + r * cols;
            float scale = w.scale(r);
            for (int32_t t = 0; t < n_tokens; ++t)
                out[t * int64_t{w.rows} + r] = dot_q8(row, in + t * cols, w.cols) * scale;
            continue;
        }
        const float* row = w.f32 + r * cols;
        if (w.dtype != weight_dtype::f32) {
            dequantize_row(scratch, w, r);
            row = scratch;
        }
        for (int32_t t = 0; t < n_tokens; ++t) out[t * int64_t{w.rows} + r] = dot_f32(row, in + t * cols, w.cols);
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

// Block b of row r as 32 integer weights (q8: the row's codes, fewer in a last partial block) and its scale
// (1 for q8, whose scale is the row's).
int32_t weight_block(const matrix_view& w, int32_t r, int64_t b, int32_t* codes, float* scale) {
    const int64_t k = b * act_block;
    if (w.dtype == weight_dtype::q8) {
        const int32_t n = int32_t(std::min<int64_t>(act_block, w.cols - k));
        for (int32_t j = 0; j < n; ++j) codes[j] = w.q8[r * int64_t{w.cols} + k + j];
        *scale = 1.0f;
        return n;
    }
    const std::byte* row = w.blocks + r * w.row_bytes();
    if (w.dtype == weight_dtype::q8_0) {
        const auto& block = reinterpret_cast<const block_q8_0*>(row)[b];
        for (int32_t j = 0; j < act_block; ++j) codes[j] = block.qs[j];
        *scale = f16_to_f32(block.d);
    } else {
        const auto& block = reinterpret_cast<const block_q4_0*>(row)[b];
        for (int32_t j = 0; j < act_block / 2; ++j) {
            codes[j] = (block.qs[j] & 15) - 8;
            codes[j + act_block / 2] = (block.qs[j] >> 4) - 8;
        }
        *scale = f16_to_f32(block.d);
    }
    return act_block;
}

void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                      int32_t row_end) {
    const int64_t blocks = (int64_t{w.cols} + act_block - 1) / act_block;
    for (int32_t r = row_begin; r < row_end; ++r) {
        const float row_scale = w.dtype == weight_dtype::q8 ? w.scale(r) : 1.0f;
        for (int32_t t = 0; t < n_tokens; ++t) {
            const int8_t* x = in.token_codes(t);
            const float* dx = in.token_scales(t);
            float acc = 0.0f;
            for (int64_t b = 0; b < blocks; ++b) {
                int32_t codes[act_block];
                float dw = 0.0f;
                const int32_t n = weight_block(w, r, b, codes, &dw);
                int32_t dot = 0;  // exact: |dot| <= 32 * 127 * 128
                for (int32_t j = 0; j < n; ++j) dot += codes[j] * x[b * act_block + j];
                acc += static_cast<float>(dot) * (dx[b * act_lanes_per_block] * dw);
            }
            out[t * int64_t{w.rows} + r] = acc * row_scale;
        }
    }
}

}  // namespace portable

const kernel_table& portable_kernels() {
    static constexpr kernel_table table{simd_level::portable,      portable::matmul_rows, portable::dot_f32,
                                        portable::axpy,            portable::attention_scores,
                                        portable::attention_values, portable::softmax,   portable::silu_mul,
                                        portable::matmul_rows_int8, "portable"};
    return table;
}

const kernel_table& kernels_for(simd_level level) {
#if defined(__x86_64__)
    if (level == simd_level::amx) return amx_kernels();
    if (level == simd_level::avx512) return avx512_kernels();
    if (level == simd_level::avx2) return avx2_kernels();
#endif
    (void)level;
    return portable_kernels();
}

const kernel_table& active_kernels() { return kernels_for(active_simd()); }

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    active_kernels().matmul_rows(out, in, n_tokens, w, row_begin, row_end, scratch);
}

int64_t matmul_scratch_floats(int64_t cols) { return prefill_panel_rows_max * cols; }

void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                      int32_t row_end) {
    active_kernels().matmul_rows_int8(out, in, n_tokens, w, row_begin, row_end);
}

const char* int8_kernel_name() { return active_kernels().int8_kernel; }

float dot_f32(const float* a, const float* b, int32_t n) { return active_kernels().dot_f32(a, b, n); }

void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale) {
    active_kernels().attention_scores(scores, q, keys, stride, count, head_dim, scale);
}

void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim) {
    active_kernels().attention_values(out, weights, values, stride, count, head_dim);
}

void softmax(float* x, int32_t size) { active_kernels().softmax(x, size); }

void silu_mul(float* gate, const float* up, int32_t size) { active_kernels().silu_mul(gate, up, size); }

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

void embedding_row(float* out, const matrix_view& embed, int32_t token) { dequantize_row(out, embed, token); }

}  // namespace smol::kernels
