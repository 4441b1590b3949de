#include "engine/src/make_model.h"

#include "common/error.h"
#include "common/output_file.h"
#include "model/src/half.h"
#include "model/src/hf_checkpoint.h"
#include "model/src/safetensors.h"
#include "engine/tokenizer/tokenizer.h"
#include "engine/tokenizer/tokenizer_assets.h"
#include "engine/src/sampler.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace smol {

namespace {

struct preset {
    const char* name;
    model_config config;
};

const preset presets[] = {
    // Small enough that a whole forward pass is microseconds, yet with GQA (4 query heads on 2 KV heads).
    {"tiny", llama_config({.vocab_size = 8192, .hidden_size = 64, .intermediate_size = 176, .n_layers = 3, .n_heads = 4,
                           .n_kv_heads = 2, .max_position_embeddings = 512, .rope_theta = 100000.0f})},
    // The exact geometry of HuggingFaceTB/SmolLM2-135M-Instruct.
    {"smollm2-135m", llama_config({.vocab_size = 49152, .hidden_size = 576, .intermediate_size = 1536, .n_layers = 30,
                                   .n_heads = 9, .n_kv_heads = 3, .max_position_embeddings = 8192,
                                   .rope_theta = 100000.0f})},
};

uint64_t name_hash(const std::string& name) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
    for (unsigned char ch : name) h = (h ^ ch) * 0x100000001b3ull;
    return h;
}

// Approximately normal, from four uniforms (Irwin-Hall): pure integer and float arithmetic, so the same
// seed gives the same weights on every machine and libm.
float standard_normal(random_generator& rng) {
    double sum = rng.uniform() + rng.uniform() + rng.uniform() + rng.uniform();
    return static_cast<float>((sum - 2.0) * 1.7320508075688772);
}

// Weight statistics. The residual stream starts at rms sigma_embed; each of the 2L residual branches adds
// about 2 * sigma_embed / sqrt(L), so the stream stays within a few sigma_embed at any depth. Query and key
// scales give attention scores a std of about 1.4. A few rows of every matrix are outliers, as
// in trained checkpoints, which is what makes per-tensor INT8 lose accuracy (x3..x6; x1.2..x1.5 for
// embedding rows, whose tied logits would otherwise win for every input).
struct weight_statistics {
    const model_config& c;
    float sigma_embed() const { return 3.0f / std::sqrt(float(c.hidden_size)); }
    float branch() const { return 2.0f * sigma_embed() / std::sqrt(float(c.n_layers)); }
};

struct outlier_rows {
    float fraction;  // of the rows, at least one
    float min_factor, max_factor;
};

std::vector<float> random_matrix(random_generator& rng, int64_t rows, int64_t cols, float sigma, outlier_rows outlier) {
    std::vector<float> w(static_cast<size_t>(rows * cols));
    for (float& v : w) v = sigma * standard_normal(rng);
    const int64_t outliers = std::max<int64_t>(1, int64_t(std::llround(outlier.fraction * double(rows))));
    for (int64_t k = 0; k < outliers; ++k) {
        const auto row = int64_t(rng.next() % uint64_t(rows));
        const float factor = outlier.min_factor + (outlier.max_factor - outlier.min_factor) * float(rng.uniform());
        for (int64_t j = 0; j < cols; ++j) w[size_t(row * cols + j)] *= factor;
    }
    return w;
}

std::vector<float> random_norm(random_generator& rng, int64_t size) {
    std::vector<float> w(static_cast<size_t>(size));
    for (float& v : w) v = 1.0f + 0.1f * standard_normal(rng);
    return w;
}

struct named_tensor {
    std::string name;
    std::vector<uint64_t> shape;
    std::vector<uint16_t> bf16;
};

named_tensor make_tensor(const std::string& name, std::vector<uint64_t> shape, const std::vector<float>& values) {
    named_tensor t{name, std::move(shape), std::vector<uint16_t>(values.size())};
    for (size_t i = 0; i < values.size(); ++i) t.bf16[i] = f32_to_bf16(values[i]);
    return t;
}

std::vector<named_tensor> random_weights(const model_config& c, uint64_t seed) {
    weight_statistics stats{c};
    const int64_t H = c.hidden_size, I = c.intermediate_size, Q = c.q_dim(), KV = c.kv_dim(), V = c.vocab_size;
    const float qk_sigma = 1.2f / std::sqrt(float(H));
    std::vector<named_tensor> out;
    auto rng_for = [&](const std::string& name) { return random_generator(seed ^ name_hash(name)); };
    // Trained checkpoints have a few rows well above the rest; too strong ones would make a few hidden
    // channels dominate the final norm and every prompt predict the same token.
    const outlier_rows linear{0.01f, 3.0f, 6.0f}, embedding{0.002f, 1.2f, 1.5f};
    auto matrix = [&](const std::string& name, int64_t rows, int64_t cols, float sigma, outlier_rows outliers) {
        random_generator rng = rng_for(name);
        out.push_back(make_tensor(name, {uint64_t(rows), uint64_t(cols)}, random_matrix(rng, rows, cols, sigma, outliers)));
    };
    auto norm = [&](const std::string& name) {
        random_generator rng = rng_for(name);
        out.push_back(make_tensor(name, {uint64_t(H)}, random_norm(rng, H)));
    };
    matrix(hf_tensor_name_embed(), V, H, stats.sigma_embed(), embedding);
    for (int layer = 0; layer < c.n_layers; ++layer) {
        auto name = [&](const char* suffix) { return hf_tensor_name_layer(layer, suffix); };
        norm(name("input_layernorm.weight"));
        matrix(name("self_attn.q_proj.weight"), Q, H, qk_sigma, linear);
        matrix(name("self_attn.k_proj.weight"), KV, H, qk_sigma, linear);
        matrix(name("self_attn.v_proj.weight"), KV, H, 1.0f / std::sqrt(float(H)), linear);
        matrix(name("self_attn.o_proj.weight"), H, Q, stats.branch() / std::sqrt(float(Q)), linear);
        norm(name("post_attention_layernorm.weight"));
        matrix(name("mlp.gate_proj.weight"), I, H, 1.0f / std::sqrt(float(H)), linear);
        matrix(name("mlp.up_proj.weight"), I, H, 1.0f / std::sqrt(float(H)), linear);
        matrix(name("mlp.down_proj.weight"), H, I, stats.branch() / (0.6f * std::sqrt(float(I))), linear);
    }
    norm(hf_tensor_name_final_norm());
    if (!c.tie_word_embeddings) matrix(hf_tensor_name_lm_head(), V, H, stats.sigma_embed(), embedding);
    return out;
}

void write_json(const std::string& path, const nlohmann::json& json) {
    std::string text = json.dump(2) + "\n";
    output_file out(path);
    out.write(text.data(), text.size());
    out.commit();
}

nlohmann::json generation_config(const model_config& c) {
    nlohmann::json j;
    j["_from_model_config"] = true;
    if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
    if (c.eos_token_ids.size() == 1) j["eos_token_id"] = c.eos_token_ids[0];
    else if (!c.eos_token_ids.empty()) j["eos_token_id"] = c.eos_token_ids;
    if (!c.eos_token_ids.empty()) j["pad_token_id"] = c.eos_token_ids[0];
    return j;
}

}  // namespace

std::vector<std::string> make_model_preset_names() {
    std::vector<std::string> names;
    for (const preset& p : presets) names.emplace_back(p.name);
    return names;
}

model_config make_model_preset(const std::string& name) {
    for (const preset& p : presets)
        if (name == p.name) return p.config;
    std::string valid;
    for (const preset& p : presets) valid += std::string(valid.empty() ? "" : ", ") + p.name;
    fail("unknown preset '{}' (valid presets: {})", name, valid);
}

void make_model(const model_config& config, uint64_t seed, const std::string& out_dir) {
    namespace fs = std::filesystem;
    config.validate("make-model");
    std::error_code ec;
    if (fs::exists(out_dir, ec) && !fs::is_directory(out_dir, ec)) fail("{}: exists and is not a directory", out_dir);
    if (fs::is_directory(out_dir, ec) && !fs::is_empty(out_dir, ec))
        fail("{}: directory is not empty; refusing to overwrite a model (choose a new --out)", out_dir);
    fs::create_directories(out_dir, ec);
    if (ec) fail("{}: cannot create directory: {}", out_dir, ec.message());

    std::vector<named_tensor> tensors = random_weights(config, seed);
    std::vector<st_tensor_to_write> to_write;
    for (const named_tensor& t : tensors)
        to_write.push_back({t.name, st_dtype::BF16, t.shape, std::as_bytes(std::span(t.bf16))});
    write_safetensors(out_dir + "/model.safetensors", to_write, {{"format", "pt"}});
    write_json(out_dir + "/config.json", hf_config_to_json(config));
    write_json(out_dir + "/generation_config.json", generation_config(config));
    write_tokenizer_files(out_dir);
    const int32_t tokenizer_size = load_tokenizer_for_model(out_dir).size();
    if (tokenizer_size > config.vocab_size)
        fail("make-model: the tokenizer has {} tokens but the model's vocab_size is {}", tokenizer_size, config.vocab_size);
}

}  // namespace smol
