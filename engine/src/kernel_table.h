#pragma once
// One table of kernel functions per SIMD tier (common/cpu_features.h): `portable` (plain C++, any CPU),
// `avx2` (AVX2 + FMA + F16C), `avx512` (AVX-512 F/BW/VL/DQ; its matrix kernels are its own, the rest
// are the avx2 ones; its int8-activation kernel is the VNNI one when CPUID reports AVX512-VNNI, else avx2's)
// and `amx` (the avx512 table with AMX-INT8 tiles for the int8-activation prefill, kernels_amx.cpp). The kernels.h entry points call the active tier's table; the tests and benchmarks
// take each table directly to compare the tiers. Internal to the engine.
#include "common/cpu_features.h"
#include "engine/src/activation_quant.h"
#include "model/src/model_weights.h"

#include <cstdint>

namespace smol::kernels {

struct kernel_table {
    simd_level level;
    // See kernels.h. scratch: matmul_scratch_floats(w.cols) floats.
    void (*matmul_rows)(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                        int32_t row_end, float* scratch);
    float (*dot_f32)(const float* a, const float* b, int32_t n);
    void (*axpy)(float* y, float a, const float* x, int32_t n);  // y += a * x
    void (*attention_scores)(float* scores, const float* q, const float* keys, int64_t stride, int32_t count,
                             int32_t head_dim, float scale);
    void (*attention_values)(float* out, const float* weights, const float* values, int64_t stride, int32_t count,
                             int32_t head_dim);
    void (*softmax)(float* x, int32_t size);
    void (*silu_mul)(float* gate, const float* up, int32_t size);
    // See kernels.h: int8 activations times q8 / q8_0 / q4_0 weights.
    void (*matmul_rows_int8)(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w,
                             int32_t row_begin, int32_t row_end);
    const char* int8_kernel;  // which integer dot product it uses, for --version and bench
    // How a prefill (more than 16 tokens) splits each matrix's rows between threads (transformer.cpp): about
    // this many ranges per thread (thread_pool's default: many small ones balance a busy machine), each a
    // multiple of this many rows (the avx2 decode kernel's block). The amx tier takes one range per thread
    // on its 16-row tile panels: each of its calls splits every token's activations into bf16 terms and
    // repacks its panels, which smaller ranges would repeat, and a panel two ranges share is computed twice.
    int32_t prefill_chunks_per_thread = 8;
    int32_t prefill_row_align = 8;
    // One token's int8 activation codes, scales and sums (activation_quant.h): the same in every tier.
    void (*quantize_row)(const float* x, int32_t cols, int8_t* codes, float* scales,
                         int32_t* neg_sums) = quantize_activation_row;
};

// Weight rows a tier's int8 / block prefill widens at a time into the caller's scratch (the widest tier's).
inline constexpr int32_t prefill_panel_rows_max = 8;

const kernel_table& portable_kernels();
// Only for a tier the CPU supports (cpu_supports); on other architectures only portable exists.
const kernel_table& avx2_kernels();
const kernel_table& avx512_kernels();
const kernel_table& amx_kernels();

// The int8-activation kernels the avx512 table chooses between (kernels_avx2.cpp, kernels_avx512_vnni.cpp).
namespace avx2 {
void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                      int32_t row_end);
}
namespace avx512_vnni {
void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& w, int32_t row_begin,
                      int32_t row_end);
}

const kernel_table& kernels_for(simd_level level);
const kernel_table& active_kernels();  // kernels_for(active_simd())

}  // namespace smol::kernels
