#pragma once
// Writing GGUF v3 files (docs/gguf.md): a generic builder of metadata and tensors, and the conversion of an
// HF checkpoint directory into a LLaMA GGUF that llama.cpp loads unchanged (`smol convert --to gguf`).
#include "model/src/gguf.h"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace smol {

class gguf_builder {
public:
    void add_u32(const std::string& key, uint32_t value);
    void add_i32(const std::string& key, int32_t value);
    void add_f32(const std::string& key, float value);
    void add_bool(const std::string& key, bool value);
    void add_string(const std::string& key, const std::string& value);
    void add_string_array(const std::string& key, const std::vector<std::string>& values);
    void add_i32_array(const std::string& key, const std::vector<int32_t>& values);
    // dims ne[0] first (a row's length); `data` is the tensor's bytes in `type`.
    void add_tensor(const std::string& name, std::vector<uint64_t> dims, ggml_type type, std::vector<std::byte> data);

    // The whole file: header, metadata, tensor infos, data at general.alignment (32) boundaries.
    std::vector<std::byte> bytes() const;

private:
    struct tensor {
        std::string name;
        std::vector<uint64_t> dims;
        ggml_type type;
        std::vector<std::byte> data;
    };
    std::vector<std::byte> metadata_;
    uint64_t key_count_ = 0;
    std::vector<tensor> tensors_;
};

// llama.cpp's reference block quantizers (quantize_row_q8_0_ref / quantize_row_q4_0_ref), values.size() a
// multiple of 32: Q8_0 d = max|x| / 127, q = round(x / d) (half away from zero); Q4_0 d = x_maxabs / -8,
// q = min(15, trunc(x / d + 8.5)); d is stored as float16.
std::vector<std::byte> quantize_q8_0(std::span<const float> values);
std::vector<std::byte> quantize_q4_0(std::span<const float> values);
std::vector<std::byte> encode_tensor(std::span<const float> values, ggml_type type);  // f32, f16, bf16, q8_0, q4_0

// --quant of `smol convert --to gguf`: f32 | f16 | bf16 | q8_0 | q4_0.
ggml_type parse_gguf_scheme(const std::string& name);

// Converts an HF checkpoint directory (config.json, safetensors, tokenizer.json, tokenizer_config.json) to a
// GGUF: 2-D weights in `scheme`, norms in F32 (as llama.cpp), Q/K rows permuted for llama.cpp's RoPE. As
// llama.cpp's converter, a Q8_0/Q4_0 tensor whose rows are no multiple of 32 is written as F16 instead.
std::vector<std::byte> hf_checkpoint_to_gguf(const std::string& hf_dir, ggml_type scheme);

}  // namespace smol
