#pragma once
// Read-only views of a model's weights, pointing into one model image (docs/model-format.md): a mmapped
// converted file, or the same layout built in memory from an HF checkpoint.
#include "model/src/model_config.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace smol {

enum class quant_scheme : uint32_t {
    f32 = 0,  // float32 weights
    q8 = 1,   // int8, one symmetric scale per tensor (the original system's scheme)
    q8r = 2,  // int8, one symmetric scale per output row
    q8_0 = 3, // blocks of 32 int8 weights + a float16 scale (llama.cpp Q8_0)
    q4_0 = 4, // blocks of 32 4-bit weights + a float16 scale (llama.cpp Q4_0)
};
inline constexpr uint32_t quant_scheme_count = 5;
const char* quant_scheme_name(quant_scheme scheme);
// "f32" | "q8" | "q8r" | "q8_0" | "q4_0", else smol::error
quant_scheme parse_quant_scheme(const std::string& name);
bool is_block_scheme(quant_scheme scheme);  // q8_0, q4_0

// q8: int8 with scales beside the data; q8_0 / q4_0: rows of 32-weight blocks with their scales inside
// (block_q8_0 / block_q4_0, model/src/quantize.h).
enum class weight_dtype : uint32_t { f32 = 0, q8 = 1, q8_0 = 2, q4_0 = 3 };
inline constexpr uint32_t weight_dtype_count = 4;

// A kernel tier's copy of one matrix in its own layout (the amx tier's tile panels, kernels_amx.cpp), made
// once, by the first call that needs it (std::call_once: concurrent callers wait for it), and freed with the
// last view of the matrix. The views of a model image share one per matrix (make_matrix); a view without
// one (nullptr: views built by hand, as in the kernel tests) is repacked on every call.
struct matrix_cache {
    std::once_flag once;
    std::shared_ptr<const void> data;
    int64_t bytes = 0;  // data's size, once made (smol bench counts it in its memory budget)
};

// A [rows, cols] row-major matrix. A q8 row r is `q8 + r * cols` times `scale(r)`; a q8_0 / q4_0 row r is
// the cols / 32 blocks from `blocks + r * row_bytes()`.
struct matrix_view {
    weight_dtype dtype = weight_dtype::f32;
    int32_t rows = 0;
    int32_t cols = 0;
    const float* f32 = nullptr;     // (rows, cols) when dtype == f32
    const int8_t* q8 = nullptr;     // (rows, cols) when dtype == q8
    const float* scales = nullptr;  // (1) or (rows) when dtype == q8
    int32_t scale_count = 0;
    const std::byte* blocks = nullptr;  // (rows, cols / 32) blocks when dtype == q8_0 or q4_0
    std::shared_ptr<matrix_cache> cache;  // quantized matrices of a model image; see matrix_cache

    float scale(int32_t row) const { return scales[scale_count == 1 ? 0 : row]; }
    int64_t row_bytes() const;  // bytes of one row of weights (not counting q8 scales)
};

struct layer_weights {
    const float* attn_norm = nullptr;  // (hidden)
    matrix_view wq, wk, wv, wo;        // (q_dim, hidden) (kv_dim, hidden) (kv_dim, hidden) (hidden, q_dim)
    const float* ffn_norm = nullptr;   // (hidden)
    matrix_view w_gate, w_up, w_down;  // (inter, hidden) (inter, hidden) (hidden, inter)
};

struct model_weights {
    model_config config;
    quant_scheme quant = quant_scheme::f32;
    matrix_view embed;  // (vocab, hidden)
    std::vector<layer_weights> layers;
    const float* final_norm = nullptr;  // (hidden)
    matrix_view lm_head;                // (vocab, hidden); the embedding itself when tied
};

}  // namespace smol
