#pragma once
// The two implementations behind the kernels.h entry points that have a SIMD version: `portable` (plain
// C++, any CPU) and `avx2` (AVX2 + FMA, only called when active_simd() says the CPU has them).
// Internal to the engine; the tests and benchmarks call both directly to compare them. axpy (y += a * x)
// serves the attention kernels.
#include "model/src/model_weights.h"

#include <cstdint>

namespace smol::kernels {

// Weight rows per panel of the AVX2 int8 prefill, which widens a panel into the caller's scratch.
inline constexpr int32_t prefill_panel_rows = 4;

namespace portable {
void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch);
float dot_f32(const float* a, const float* b, int32_t n);
void axpy(float* y, float a, const float* x, int32_t n);
void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale);
void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim);
void softmax(float* x, int32_t size);
void silu_mul(float* gate, const float* up, int32_t size);
}  // namespace portable

namespace avx2 {
void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch);
float dot_f32(const float* a, const float* b, int32_t n);
void axpy(float* y, float a, const float* x, int32_t n);
void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale);
void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim);
void softmax(float* x, int32_t size);
void silu_mul(float* gate, const float* up, int32_t size);
}  // namespace avx2

}  // namespace smol::kernels
