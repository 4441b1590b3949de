#pragma once
// The model's blueprint, read from an HF config.json (LLaMA family) and carried in converted model files.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace smol {

struct model_config {
    int32_t vocab_size = 0;
    int32_t hidden_size = 0;        // dim
    int32_t intermediate_size = 0;  // MLP hidden dim
    int32_t n_layers = 0;
    int32_t n_heads = 0;
    int32_t n_kv_heads = 0;
    int32_t head_dim = 0;  // config "head_dim", else hidden_size / n_heads
    int32_t max_position_embeddings = 0;
    float rope_theta = 10000.0f;
    float rms_norm_eps = 1e-6f;
    bool tie_word_embeddings = false;
    int32_t bos_token_id = -1;           // -1: none given
    std::vector<int32_t> eos_token_ids;  // stop tokens; may be empty

    int32_t q_dim() const { return n_heads * head_dim; }
    int32_t kv_dim() const { return n_kv_heads * head_dim; }
    int64_t parameter_count() const;

    // Throws smol::error naming the field when a value is out of range or inconsistent.
    void validate(const std::string& source) const;
};

// A LLaMA geometry and the rest of a config as generated models have it (BOS 1, EOS 2): the one place tests
// and `smol make-model` presets spell a config out. head_dim 0 means hidden_size / n_heads.
struct llama_geometry {
    int32_t vocab_size, hidden_size, intermediate_size, n_layers, n_heads, n_kv_heads;
    int32_t head_dim = 0;
    int32_t max_position_embeddings = 64;
    bool tie_word_embeddings = true;
    float rope_theta = 10000.0f;
    float rms_norm_eps = 1e-5f;
};
model_config llama_config(const llama_geometry& g);

// Parses and validates an HF config.json. `source` (the file path) prefixes every message; an unsupported
// feature (rope_scaling, biases, another activation, ...) is refused by name.
model_config parse_hf_config(const nlohmann::json& json, const std::string& source);
model_config read_hf_config(const std::string& path);

// The inverse, for `smol make-model`: an HF-compatible config.json object.
nlohmann::json hf_config_to_json(const model_config& config);

}  // namespace smol
