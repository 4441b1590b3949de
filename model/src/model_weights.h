#pragma once
// Read-only views of a model's weights, pointing into one model image (docs/model-format.md): a mmapped
// converted file, or the same layout built in memory from an HF checkpoint.
#include "model/src/model_config.h"

#include <cstdint>
#include <vector>

namespace smol {

enum class quant_scheme : uint32_t {
    f32 = 0,  // float32 weights
    q8 = 1,   // int8, one symmetric scale per tensor (the original system's scheme)
    q8r = 2,  // int8, one symmetric scale per output row
};
const char* quant_scheme_name(quant_scheme scheme);
quant_scheme parse_quant_scheme(const std::string& name);  // "f32" | "q8" | "q8r", else smol::error

enum class weight_dtype : uint32_t { f32 = 0, q8 = 1 };

// A [rows, cols] row-major matrix; a q8 row r is `q8 + r * cols` times `scale(r)`.
struct matrix_view {
    weight_dtype dtype = weight_dtype::f32;
    int32_t rows = 0;
    int32_t cols = 0;
    const float* f32 = nullptr;     // (rows, cols) when dtype == f32
    const int8_t* q8 = nullptr;     // (rows, cols) when dtype == q8
    const float* scales = nullptr;  // (1) or (rows) when dtype == q8
    int32_t scale_count = 0;

    float scale(int32_t row) const { return scales[scale_count == 1 ? 0 : row]; }
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
