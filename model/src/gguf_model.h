#pragma once
// A LLaMA model held in a GGUF file (docs/gguf.md): its config from the `llama.*` metadata, its weights in
// HF's layout (llama.cpp's Q/K row permutation undone) either as float32 (F16/BF16 widened, Q8_0/Q4_0
// dequantized) or, when the image stores a tensor in the file's own block type, as the file's bytes; and its
// tokenizer and chat template from `tokenizer.*`, rebuilt as the tokenizer.json HF would have.
#include "model/src/gguf.h"
#include "model/src/model_config.h"
#include "model/src/model_file.h"

#include <string>
#include <vector>

namespace smol {

// GGUF tensor names of the LLaMA architecture (llama.cpp's convert_hf_to_gguf.py spells them so).
std::string gguf_tensor_name(tensor_kind kind, uint32_t layer);

// The config of a `general.architecture = llama` file; refuses other architectures and rope scaling.
model_config gguf_model_config(const gguf_file& file);

// One tensor, shape-checked against the config, as HF float32 values ([out, in] row-major, Q/K unpermuted).
std::vector<float> gguf_read_tensor(const gguf_file& file, const model_config& config, const tensor_entry& entry);

// When the image stores `entry` as the file stores it (q8_0 from Q8_0, q4_0 from Q4_0), copies the file's
// blocks into `out` (the entry's data, data_bytes long) byte for byte, rows in HF order, and returns true;
// otherwise writes nothing and returns false (the tensor then goes through gguf_read_tensor).
bool gguf_copy_stored_tensor(const gguf_file& file, const model_config& config, const tensor_entry& entry,
                             std::span<std::byte> out);

// The scheme a GGUF file loads with when no --quant is given: q8_0 when every 2-D weight whose rows are whole
// 32-weight blocks is Q8_0, q4_0 when every one is Q4_0, else f32. So a Q8_0 file runs on its own bytes.
quant_scheme gguf_default_scheme(const gguf_file& file);

// llama.cpp's Q/K permutation (convert_hf_to_gguf.py LlamaModel.permute): within each head of head_dim rows,
// GGUF row 2i + t is HF row t * head_dim / 2 + i (t = 0, 1), interleaving the two rotary halves so
// llama.cpp's RoPE rotates adjacent pairs. qk_gguf_row gives the GGUF row of an HF row; the two functions
// below move the rows of `heads` heads of `cols`-wide float rows one way or the other.
size_t qk_gguf_row(size_t hf_row, size_t head_rows);
void permute_qk_rows_to_gguf(std::vector<float>& rows, int32_t heads, int32_t cols);
void unpermute_qk_rows_from_gguf(std::vector<float>& rows, int32_t heads, int32_t cols);

// The tokenizer.json text equivalent to the file's `tokenizer.ggml.*` (model gpt2; pre-tokenizer smollm or
// gpt-2). Control tokens become special added tokens, user-defined ones non-special added tokens.
std::string gguf_tokenizer_json(const gguf_file& file);
// The tokenizer.json "pre_tokenizer" (JSON text) of a tokenizer.ggml.pre name, as llama.cpp spells them:
// smollm or gpt-2.
std::string gguf_pre_tokenizer_spec(const std::string& pre, const std::string& source);

// `tokenizer.chat_template` and the text of the bos/eos tokens it is rendered with ("" when absent).
struct gguf_chat_template {
    std::string source, bos_token, eos_token;
};
gguf_chat_template gguf_chat_template_of(const gguf_file& file);

// Token types of `tokenizer.ggml.token_type` (llama.cpp's llama_token_type).
enum class gguf_token_type : int32_t { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

}  // namespace smol
