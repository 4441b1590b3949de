#pragma once
// The numerical building blocks of the forward pass, on float32 activations. Their results follow HF
// LlamaForCausalLM's float32 numerics (docs/smollm2.md), up to summation order.
// matmul, dot_f32, attention_*, softmax and silu_mul run the active SIMD tier's kernels
// (common/cpu_features.h, kernel_table.h).
#include "engine/src/activation_quant.h"
#include "model/src/model_weights.h"

#include <cstdint>

namespace smol::kernels {

// out[t, r] = sum_j W[r, j] * in[t, j] for t < n_tokens and row_begin <= r < row_end (out rows are w.rows
// floats apart): each weight row is read once for all tokens. Threads split the rows between them.
// scratch: matmul_scratch_floats(w.cols) floats of the calling thread's own (int8 prefill widens panels of
// rows into it), owned by the caller so that no kernel allocates.
void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch);
int64_t matmul_scratch_floats(int64_t cols);

// The int8-activation product (activation_quant.h): out[t, r] = row scale * sum over blocks b of
// float32(int dot of block b) * (d_x[t, b] * d_w[r, b]), for q8 (d_w = 1, then the row's scale), q8_0 and
// q4_0 weights (d_w the block's float16 scale; q4_0 codes minus 8). Not for f32 weights.
void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                      int32_t row_end);
// "vnni", "avx2" or "portable": the integer dot product the active tier's int8 kernel uses.
const char* int8_kernel_name();

// out = x * rsqrt(mean(x^2) + eps) * weight, over `size` values.
void rmsnorm(float* out, const float* x, const float* weight, int32_t size, float eps);

// Rotates each head's halves (rotate_half convention) with the cos/sin of one position.
void rope(float* x, int32_t n_heads, int32_t head_dim, const float* cos, const float* sin);

// In-place numerically stable softmax.
void softmax(float* x, int32_t size);

// gate[i] = silu(gate[i]) * up[i]
void silu_mul(float* gate, const float* up, int32_t size);

// Copies row `token` of an embedding matrix to `out`, dequantizing int8 rows.
void embedding_row(float* out, const matrix_view& embed, int32_t token);
// Row `row` of any matrix as float32: the weights the kernels multiply by (a q8 row times its scale; q8_0 and
// q4_0 codes times their block's scale, which is exact).
void dequantize_row(float* out, const matrix_view& w, int32_t row);

float dot_f32(const float* a, const float* b, int32_t n);

// One head's attention over `count` cached positions, `stride` floats apart:
// scores[s] = scale * dot(q, keys + s * stride), s < count.
void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale);
// out[i] = sum_s weights[s] * values[s * stride + i], i < head_dim.
void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim);

}  // namespace smol::kernels
