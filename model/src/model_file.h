#pragma once
// The smol32 model image (docs/model-format.md): a fixed header with the config, a tensor directory, and
// 64-byte-aligned tensors. `smol convert` writes it to a file; loading an HF directory builds the same image
// in memory, so one parser and one set of views serve both. It is also the source of the ISS memory image.
#include "common/mapped_file.h"
#include "model/src/model_weights.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace smol {

inline constexpr char model_file_magic[8] = {'S', 'M', 'O', 'L', '3', '2', 'M', 'F'};
inline constexpr uint32_t model_file_version = 1;
inline constexpr size_t model_file_alignment = 64;
inline constexpr size_t model_file_header_bytes = 128;
inline constexpr size_t model_file_entry_bytes = 48;
inline constexpr int model_file_max_eos = 8;

// Byte offsets of the header fields (docs/model-format.md).
namespace header_field {
inline constexpr size_t magic = 0, version = 8, quant = 12, tensor_count = 16, file_bytes = 24;
inline constexpr size_t config = 32;  // 8 int32: vocab, hidden, intermediate, layers, heads, kv heads, head_dim, max_pos
inline constexpr size_t rope_theta = 64, rms_norm_eps = 68, tied = 72, bos = 76, eos_count = 80;
inline constexpr size_t eos = 84;  // model_file_max_eos int32
}  // namespace header_field
static_assert(header_field::eos + 4 * model_file_max_eos <= model_file_header_bytes);

enum class tensor_kind : uint32_t {
    embed = 0,
    attn_norm,
    wq,
    wk,
    wv,
    wo,
    ffn_norm,
    w_gate,
    w_up,
    w_down,
    final_norm,
    lm_head,
    count
};
const char* tensor_kind_name(tensor_kind kind);

// One tensor of the image: where it is and what it holds.
struct tensor_entry {
    tensor_kind kind;
    uint32_t layer;  // 0 for tensors outside the layers
    weight_dtype dtype;
    uint32_t rows;
    uint32_t cols;  // 1-D tensors (norms) have rows == 1
    uint32_t scale_count;
    uint64_t data_offset;
    uint64_t data_bytes;
    uint64_t scales_offset;
};

// How a tensor of `cols` columns is stored under a scheme (docs/model-format.md): norms are f32; under q8_0
// and q4_0 a tensor whose rows are not a multiple of 32 long is int8 with a scale per row (as q8r).
weight_dtype tensor_dtype(quant_scheme quant, tensor_kind kind, uint32_t cols);

// The tensors a config implies, in image order, with offsets assigned.
struct model_image_layout {
    std::vector<tensor_entry> tensors;
    uint64_t total_bytes = 0;
};
model_image_layout plan_model_image(const model_config& config, quant_scheme quant);

// Produces the float32 values (row-major) of one tensor, e.g. read from an HF checkpoint.
using tensor_source = std::function<std::vector<float>(const tensor_entry&)>;

// Optionally supplies a tensor already in its image form: fills the entry's data bytes and returns true (e.g.
// a GGUF file's Q8_0 blocks for a q8_0 image), or returns false to have `tensor_source` give its values.
using stored_tensor_source = std::function<bool(const tensor_entry&, std::span<std::byte> data)>;

// Fills `out` (layout.total_bytes long, zeroed) with header, directory and converted/quantized tensors.
void build_model_image(const model_config& config, quant_scheme quant, const model_image_layout& layout,
                       const tensor_source& source, std::span<std::byte> out, const stored_tensor_source& stored = {});

// The config in an image's header (at least model_file_header_bytes long), validated; nothing else is checked.
model_config read_model_image_config(std::span<const std::byte> header, const std::string& source);

// Validates an image (every field, offset and size, against the bytes' length) and returns views into it.
model_weights view_model_image(std::span<const std::byte> bytes, const std::string& source);

}  // namespace smol
