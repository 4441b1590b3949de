// HF LlamaConfig <-> model_config. Defaults are LlamaConfig's, so a config.json that loads in transformers
// means the same thing here; anything that would change the maths and that we do not implement is refused.
#include "model/src/model_config.h"

#include "common/error.h"
#include "common/mapped_file.h"
#include "common/strict_json.h"
#include "model/src/json_excerpt.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace smol {

namespace {

// Caps keep every later size product (vocab * hidden, layers * weights) far inside 64 bits and every
// per-row dimension inside int32.
constexpr int64_t max_dim = int64_t(1) << 20;
constexpr int64_t max_vocab = int64_t(1) << 24;
constexpr int64_t max_layers = 1024;
constexpr int64_t max_positions = int64_t(1) << 24;

// Parsed non-negative integers are stored unsigned, integers built in code signed: accept both, never floats.
bool is_positive_integer(const nlohmann::json& value) {
    if (value.is_number_unsigned()) return value.get<uint64_t>() > 0;
    return value.is_number_integer() && value.get<int64_t>() > 0;
}

class config_reader {
public:
    config_reader(const nlohmann::json& json, const std::string& source) : json_(json), source_(source) {}

    // nullptr when absent; `null_is_absent` follows LlamaConfig, which treats None as "use the default"
    // for some keys only.
    const nlohmann::json* find(const char* key, bool null_is_absent = false) const {
        auto it = json_.find(key);
        if (it == json_.end() || (null_is_absent && it->is_null())) return nullptr;
        return &*it;
    }

    int32_t size(const char* key, int64_t cap) const {
        const nlohmann::json* value = find(key);
        if (!value) fail("{}: missing required key \"{}\"", source_, key);
        return size_value(key, *value, cap);
    }

    int32_t size_or(const char* key, int64_t cap, int32_t fallback, bool null_is_absent = false) const {
        const nlohmann::json* value = find(key, null_is_absent);
        return value ? size_value(key, *value, cap) : fallback;
    }

    float positive_number_or(const char* key, float fallback) const {
        const nlohmann::json* value = find(key);
        if (!value) return fallback;
        if (!value->is_number() || !(value->get<double>() > 0.0))
            fail("{}: \"{}\" must be a positive number, found {}", source_, key, json_excerpt(*value));
        return static_cast<float>(value->get<double>());  // range (0, inf) after rounding: validate() checks
    }

    bool flag_or(const char* key, bool fallback) const {
        const nlohmann::json* value = find(key);
        if (!value) return fallback;
        if (!value->is_boolean()) fail("{}: \"{}\" must be true or false, found {}", source_, key, json_excerpt(*value));
        return value->get<bool>();
    }

    int32_t token_id(const char* key, const nlohmann::json& value) const {
        const bool zero = value.is_number_integer() && !value.is_number_float() && value.get<int64_t>() == 0;
        if (!(zero || is_positive_integer(value)) || value.get<uint64_t>() >= uint64_t(max_vocab))
            fail("{}: \"{}\" must be a token id (non-negative integer, or a list of them), found {}", source_, key,
                 json_excerpt(value));
        return static_cast<int32_t>(value.get<uint64_t>());
    }

    void refuse_if_set(const char* key, const char* why) const {
        if (flag_or(key, false)) fail("{}: \"{}\" is true: {} are unsupported", source_, key, why);
    }

private:
    int32_t size_value(const char* key, const nlohmann::json& value, int64_t cap) const {
        if (!is_positive_integer(value))
            fail("{}: \"{}\" must be a positive integer, found {}", source_, key, json_excerpt(value));
        if (value.get<uint64_t>() > uint64_t(cap))
            fail("{}: \"{}\" is {}, above the supported maximum {}", source_, key, json_excerpt(value), cap);
        return static_cast<int32_t>(value.get<uint64_t>());
    }

    const nlohmann::json& json_;
    const std::string& source_;
};

// Features that change the computation and that the engine does not implement: refused by name rather
// than silently computing something else.
void refuse_unsupported(const config_reader& r, const std::string& source) {
    if (const nlohmann::json* v = r.find("model_type"); v && *v != "llama")
        fail("{}: \"model_type\" is {}, only \"llama\" is supported", source, json_excerpt(*v));
    if (const nlohmann::json* v = r.find("architectures", true)) {
        bool llama = false;
        if (v->is_array())
            for (const nlohmann::json& name : *v) llama = llama || (name.is_string() && name.get_ref<const std::string&>() == "LlamaForCausalLM");
        if (!llama) fail("{}: \"architectures\" is {}, expected a list containing \"LlamaForCausalLM\"", source, json_excerpt(*v));
    }
    if (const nlohmann::json* v = r.find("rope_scaling"); v && !v->is_null())
        fail("{}: \"rope_scaling\" is {}: RoPE scaling is unsupported (only null)", source, json_excerpt(*v));
    if (const nlohmann::json* v = r.find("hidden_act"); v && *v != "silu")
        fail("{}: \"hidden_act\" is {}, only \"silu\" is supported", source, json_excerpt(*v));
    if (const nlohmann::json* v = r.find("pretraining_tp"); v && *v != 1)
        fail("{}: \"pretraining_tp\" is {}, only 1 is supported", source, json_excerpt(*v));
    r.refuse_if_set("attention_bias", "attention biases");
    r.refuse_if_set("mlp_bias", "MLP biases");
    r.refuse_if_set("rope_interleaved", "interleaved RoPE layouts");
}

void read_special_tokens(const config_reader& r, model_config& c) {
    if (const nlohmann::json* bos = r.find("bos_token_id", true)) c.bos_token_id = r.token_id("bos_token_id", *bos);
    if (const nlohmann::json* eos = r.find("eos_token_id", true)) {
        if (eos->is_array()) {
            for (const nlohmann::json& id : *eos) c.eos_token_ids.push_back(r.token_id("eos_token_id", id));
        } else {
            c.eos_token_ids.push_back(r.token_id("eos_token_id", *eos));
        }
    }
}

// The shortest decimal that reads back as `value`, so 1e-5f is written as 1e-05, not 9.99999974737875e-06.
double shortest_double(float value) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    double result = value;
    if (ec == std::errc()) std::from_chars(buffer, end, result);
    return result;
}

void check_size(const std::string& source, const char* key, int64_t value, int64_t cap) {
    if (value <= 0 || value > cap) fail("{}: {} is {}, expected 1..{}", source, key, value, cap);
}

}  // namespace

model_config llama_config(const llama_geometry& g) {
    model_config c;
    c.vocab_size = g.vocab_size;
    c.hidden_size = g.hidden_size;
    c.intermediate_size = g.intermediate_size;
    c.n_layers = g.n_layers;
    c.n_heads = g.n_heads;
    c.n_kv_heads = g.n_kv_heads;
    c.head_dim = g.head_dim != 0 ? g.head_dim : g.hidden_size / g.n_heads;
    c.max_position_embeddings = g.max_position_embeddings;
    c.rope_theta = g.rope_theta;
    c.rms_norm_eps = g.rms_norm_eps;
    c.tie_word_embeddings = g.tie_word_embeddings;
    c.bos_token_id = 1;
    c.eos_token_ids = {2};
    return c;
}

int64_t model_config::parameter_count() const {
    const int64_t h = hidden_size, v = vocab_size;
    const int64_t attention = 2 * h * int64_t(q_dim()) + 2 * h * int64_t(kv_dim());  // q, o; k, v
    const int64_t mlp = 3 * h * int64_t(intermediate_size);                           // gate, up, down
    const int64_t layer = attention + mlp + 2 * h;                                    // + two norms
    return v * h * (tie_word_embeddings ? 1 : 2) + int64_t(n_layers) * layer + h;
}

void model_config::validate(const std::string& source) const {
    check_size(source, "vocab_size", vocab_size, max_vocab);
    check_size(source, "hidden_size", hidden_size, max_dim);
    check_size(source, "intermediate_size", intermediate_size, max_dim);
    check_size(source, "num_hidden_layers", n_layers, max_layers);
    check_size(source, "num_attention_heads", n_heads, max_dim);
    check_size(source, "num_key_value_heads", n_kv_heads, max_dim);
    check_size(source, "head_dim", head_dim, max_dim);
    check_size(source, "max_position_embeddings", max_position_embeddings, max_positions);
    check_size(source, "num_attention_heads * head_dim", int64_t(n_heads) * head_dim, max_dim);
    check_size(source, "num_key_value_heads * head_dim", int64_t(n_kv_heads) * head_dim, max_dim);
    if (n_heads % n_kv_heads != 0)
        fail("{}: num_attention_heads {} is not a multiple of num_key_value_heads {}", source, n_heads, n_kv_heads);
    if (head_dim % 2 != 0) fail("{}: head_dim {} must be even (RoPE rotates pairs)", source, head_dim);
    if (!(rope_theta > 0.0f) || !std::isfinite(rope_theta))
        fail("{}: rope_theta {} must be positive and finite", source, rope_theta);
    if (!(rms_norm_eps > 0.0f) || !std::isfinite(rms_norm_eps))
        fail("{}: rms_norm_eps {} must be positive and finite", source, rms_norm_eps);
    if (bos_token_id < -1 || bos_token_id >= vocab_size)
        fail("{}: bos_token_id {} is outside the vocabulary (vocab_size {})", source, bos_token_id, vocab_size);
    for (int32_t id : eos_token_ids)
        if (id < 0 || id >= vocab_size)
            fail("{}: eos_token_id {} is outside the vocabulary (vocab_size {})", source, id, vocab_size);
}

model_config parse_hf_config(const nlohmann::json& json, const std::string& source) {
    if (!json.is_object()) fail("{}: config must be a JSON object, found {}", source, json.type_name());
    config_reader r(json, source);
    refuse_unsupported(r, source);

    model_config c;
    c.hidden_size = r.size("hidden_size", max_dim);
    c.intermediate_size = r.size("intermediate_size", max_dim);
    c.n_layers = r.size("num_hidden_layers", max_layers);
    c.n_heads = r.size("num_attention_heads", max_dim);
    c.vocab_size = r.size("vocab_size", max_vocab);
    c.n_kv_heads = r.size_or("num_key_value_heads", max_dim, c.n_heads, true);
    if (r.find("head_dim", true)) {
        c.head_dim = r.size("head_dim", max_dim);
    } else {
        if (c.hidden_size % c.n_heads != 0)
            fail("{}: hidden_size {} is not divisible by num_attention_heads {} (and there is no \"head_dim\")", source,
                 c.hidden_size, c.n_heads);
        c.head_dim = c.hidden_size / c.n_heads;
    }
    c.max_position_embeddings = r.size_or("max_position_embeddings", max_positions, 2048);
    c.rope_theta = r.positive_number_or("rope_theta", 10000.0f);
    c.rms_norm_eps = r.positive_number_or("rms_norm_eps", 1e-6f);
    c.tie_word_embeddings = r.flag_or("tie_word_embeddings", false);
    read_special_tokens(r, c);
    c.validate(source);
    return c;
}

model_config read_hf_config(const std::string& path) {
    mapped_file file(path);
    std::string_view text(reinterpret_cast<const char*>(file.bytes().data()), file.size());
    return parse_hf_config(parse_strict_json(text, path), path);
}

nlohmann::json hf_config_to_json(const model_config& c) {
    nlohmann::json j;
    j["architectures"] = {"LlamaForCausalLM"};
    j["model_type"] = "llama";
    j["vocab_size"] = c.vocab_size;
    j["hidden_size"] = c.hidden_size;
    j["intermediate_size"] = c.intermediate_size;
    j["num_hidden_layers"] = c.n_layers;
    j["num_attention_heads"] = c.n_heads;
    j["num_key_value_heads"] = c.n_kv_heads;
    j["head_dim"] = c.head_dim;
    j["max_position_embeddings"] = c.max_position_embeddings;
    j["rope_theta"] = shortest_double(c.rope_theta);
    j["rms_norm_eps"] = shortest_double(c.rms_norm_eps);
    j["rope_scaling"] = nullptr;
    j["tie_word_embeddings"] = c.tie_word_embeddings;
    j["hidden_act"] = "silu";
    j["attention_bias"] = false;
    j["mlp_bias"] = false;
    j["pretraining_tp"] = 1;
    j["torch_dtype"] = "bfloat16";
    j["bos_token_id"] = c.bos_token_id >= 0 ? nlohmann::json(c.bos_token_id) : nlohmann::json(nullptr);
    if (c.eos_token_ids.empty()) j["eos_token_id"] = nullptr;
    else if (c.eos_token_ids.size() == 1) j["eos_token_id"] = c.eos_token_ids[0];
    else j["eos_token_id"] = c.eos_token_ids;
    return j;
}

}  // namespace smol
