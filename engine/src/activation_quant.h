#pragma once
// The int8-activation numerics mode (docs/engine-performance.md, "int8 activations"): before a product
// with quantized weights (q8, q8r, q8_0, q4_0), each token's input row is cut into blocks of 32 values
// along the row and each block is quantized as llama.cpp quantizes activations for its Q8_0 dot products:
//   d = max|x| / 127 (float32), id = d ? 1 / d : 0, q = roundf(x * id) (half away from zero), |q| <= 127.
// The scale stays float32 (llama.cpp rounds it to float16; a float32 scale cannot overflow or flush to
// zero). The last block of a row whose length is not a multiple of 32 is shorter: its own max, its own
// scale. The int8 x int8 block dot products are exact integers; each is then scaled in float32.
// The default mode keeps float32 activations (every test of the verification chain relies on it).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace smol {

enum class activation_numerics { f32, int8, count };
const char* activation_numerics_name(activation_numerics mode);
std::optional<activation_numerics> parse_activation_numerics(std::string_view name);  // "f32" | "int8"

namespace kernels {

inline constexpr int32_t act_block = 32;
// A row's codes are padded with zeros to a multiple of 64 (two blocks, one 512-bit step of the widest
// kernel), so every kernel reads whole steps; the per-lane tables below are padded with zeros alike.
inline constexpr int32_t act_row_align = 64;
// One block of 32 codes fills eight int32 lanes of a dot-product kernel; its scale and code sum are stored
// once per lane so that a kernel loads them as a vector.
inline constexpr int32_t act_lanes_per_block = act_block / 4;

inline int64_t act_padded_cols(int64_t cols) { return (cols + act_row_align - 1) / act_row_align * act_row_align; }

// Quantized activations of n tokens (views into an owner's buffers).
struct int8_activations {
    const int8_t* codes = nullptr;      // (tokens, padded_cols) block codes, zero past cols
    const float* scales = nullptr;      // (tokens, padded_cols / 4) block b's d in lanes 8b..8b+7
    const int32_t* neg_sums = nullptr;  // (tokens, padded_cols / 4) -(sum of block b's codes), same lanes
    int32_t cols = 0;

    int64_t padded_cols() const { return act_padded_cols(cols); }
    const int8_t* token_codes(int32_t t) const { return codes + t * padded_cols(); }
    const float* token_scales(int32_t t) const { return scales + t * (padded_cols() / 4); }
    const int32_t* token_neg_sums(int32_t t) const { return neg_sums + t * (padded_cols() / 4); }
};

// The buffers for up to `max_tokens` rows of up to `max_cols` values.
class int8_activation_buffer {
public:
    int8_activation_buffer() = default;
    int8_activation_buffer(int32_t max_tokens, int32_t max_cols);

    // Quantizes rows [t_begin, t_end) of `in` ((tokens, cols) float32) into the buffer as tokens of `view(cols)`.
    void quantize(const float* in, int32_t cols, int32_t t_begin, int32_t t_end);
    int8_activations view(int32_t cols) const;

private:
    std::vector<int8_t> codes_;
    std::vector<float> scales_;
    std::vector<int32_t> neg_sums_;
};

// One row: codes (padded_cols), scales and neg_sums (padded_cols / 4 each).
void quantize_activation_row(const float* x, int32_t cols, int8_t* codes, float* scales, int32_t* neg_sums);

}  // namespace kernels

}  // namespace smol
