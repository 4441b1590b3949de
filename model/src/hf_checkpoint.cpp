// Opening an HF checkpoint directory: find the shards, prove they agree with the index, then prove the
// tensor set is exactly what config.json implies, so the engine never meets a missing or misshapen weight.
#include "model/src/hf_checkpoint.h"

#include "common/error.h"
#include "common/mapped_file.h"
#include "common/strict_json.h"
#include "model/src/json_excerpt.h"
#include "model/src/half.h"
#include "model/src/model_file.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <set>

namespace smol {

namespace fs = std::filesystem;

std::string hf_tensor_name_embed() { return "model.embed_tokens.weight"; }
std::string hf_tensor_name_final_norm() { return "model.norm.weight"; }
std::string hf_tensor_name_lm_head() { return "lm_head.weight"; }
std::string hf_tensor_name_layer(int layer, const char* suffix) { return fmt::format("model.layers.{}.{}", layer, suffix); }

namespace {

using tensor_map = std::map<std::string, const st_tensor*, std::less<>>;

// One dimension of an expected shape and the config keys it comes from, e.g. "hidden_size 64".
struct expected_dim {
    std::string because;
    int64_t value;
};

// A tensor the config implies, with the config keys that imply its shape (quoted in errors).
struct expected_tensor {
    std::string name;
    std::vector<expected_dim> dims;
    bool in_layer;
};

std::vector<expected_tensor> expected_tensors(const model_config& c) {
    auto dim = [](std::string because, int64_t value) { return expected_dim{std::move(because), value}; };
    const expected_dim vocab = dim(fmt::format("vocab_size {}", c.vocab_size), c.vocab_size),
                       hidden = dim(fmt::format("hidden_size {}", c.hidden_size), c.hidden_size),
                       inter = dim(fmt::format("intermediate_size {}", c.intermediate_size), c.intermediate_size),
                       q = dim(fmt::format("num_attention_heads {} * head_dim {}", c.n_heads, c.head_dim), c.q_dim()),
                       kv = dim(fmt::format("num_key_value_heads {} * head_dim {}", c.n_kv_heads, c.head_dim), c.kv_dim());
    std::vector<expected_tensor> out;
    out.push_back({hf_tensor_name_embed(), {vocab, hidden}, false});
    for (int layer = 0; layer < c.n_layers; ++layer) {
        auto add = [&](const char* suffix, std::vector<expected_dim> dims) {
            out.push_back({hf_tensor_name_layer(layer, suffix), std::move(dims), true});
        };
        add("input_layernorm.weight", {hidden});
        add("self_attn.q_proj.weight", {q, hidden});
        add("self_attn.k_proj.weight", {kv, hidden});
        add("self_attn.v_proj.weight", {kv, hidden});
        add("self_attn.o_proj.weight", {hidden, q});
        add("post_attention_layernorm.weight", {hidden});
        add("mlp.gate_proj.weight", {inter, hidden});
        add("mlp.up_proj.weight", {inter, hidden});
        add("mlp.down_proj.weight", {hidden, inter});
    }
    out.push_back({hf_tensor_name_final_norm(), {hidden}, false});
    if (!c.tie_word_embeddings) out.push_back({hf_tensor_name_lm_head(), {vocab, hidden}, false});
    return out;
}

void check_expected(const expected_tensor& e, const tensor_map& tensors, const model_config& c, const std::string& dir) {
    auto it = tensors.find(e.name);
    if (it == tensors.end()) {
        if (e.in_layer) fail("{}: {} missing (config has num_hidden_layers {})", dir, e.name, c.n_layers);
        if (e.name == hf_tensor_name_lm_head()) fail("{}: {} missing (config has tie_word_embeddings false)", dir, e.name);
        fail("{}: {} missing", dir, e.name);
    }
    const st_tensor& t = *it->second;
    if (t.dtype != st_dtype::F32 && t.dtype != st_dtype::F16 && t.dtype != st_dtype::BF16)
        fail("{}: {} has dtype {}; only F32, F16 and BF16 are supported", dir, e.name, st_dtype_name(t.dtype));
    std::vector<uint64_t> want;
    std::vector<std::string> keys;
    for (const expected_dim& d : e.dims) {
        want.push_back(uint64_t(d.value));
        if (std::find(keys.begin(), keys.end(), d.because) == keys.end()) keys.push_back(d.because);
    }
    if (t.shape != want)
        fail("{}: {} has shape [{}] but config {} {} [{}]", dir, e.name, fmt::join(t.shape, ", "), fmt::join(keys, ", "),
             keys.size() == 1 ? "implies" : "imply", fmt::join(want, ", "));
}

// The layer index in "model.layers.{i}.rest", with `rest` set; -1 when the name has no such prefix.
int64_t layer_of(std::string_view name, std::string_view& rest) {
    constexpr std::string_view prefix = "model.layers.";
    if (!name.starts_with(prefix)) return -1;
    name.remove_prefix(prefix.size());
    size_t digits = 0;
    while (digits < name.size() && digits < 9 && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits == 0 || digits == name.size() || name[digits] != '.') return -1;
    rest = name.substr(digits + 1);
    return std::stoll(std::string(name.substr(0, digits)));
}

// Tensors the config does not imply: biases and anything unknown are errors; the rotary inv_freq buffers
// old transformers versions saved (recomputed from rope_theta anyway) and a tied model's lm_head are dropped.
void drop_or_refuse_extras(tensor_map& tensors, const std::vector<expected_tensor>& expected, const model_config& c,
                           const std::string& dir) {
    std::set<std::string_view> wanted;
    for (const expected_tensor& e : expected) wanted.insert(e.name);
    for (auto it = tensors.begin(); it != tensors.end();) {
        const std::string& name = it->first;
        std::string_view rest;
        const int64_t layer = layer_of(name, rest);
        if (wanted.contains(name)) {
            ++it;
        } else if (name.ends_with(".bias")) {
            fail("{}: tensor {}: biases are unsupported", dir, name);
        } else if ((layer >= 0 && rest == "self_attn.rotary_emb.inv_freq") ||
                   (c.tie_word_embeddings && name == hf_tensor_name_lm_head())) {
            it = tensors.erase(it);
        } else if (layer >= c.n_layers) {
            fail("{}: unexpected tensor {} (config has num_hidden_layers {})", dir, name, c.n_layers);
        } else {
            fail("{}: unexpected tensor {}", dir, name);
        }
    }
}

// Shard names come from an untrusted index: only plain names in the checkpoint directory itself.
void check_shard_name(const std::string& shard, const std::string& tensor, const std::string& index_path) {
    if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
        shard.find('\0') != std::string::npos || shard.find("..") != std::string::npos)
        fail("{}: weight_map entry \"{}\": shard \"{}\" is not a plain file name in the checkpoint directory",
             index_path, tensor, shard);
}

std::map<std::string, std::string> read_weight_map(const std::string& index_path) {
    mapped_file file(index_path);
    const std::string_view text(reinterpret_cast<const char*>(file.bytes().data()), file.size());
    const nlohmann::json index = parse_strict_json(text, index_path);
    if (!index.is_object()) fail("{}: must be a JSON object, found {}", index_path, index.type_name());
    auto map = index.find("weight_map");
    if (map == index.end()) fail("{}: missing key \"weight_map\"", index_path);
    if (!map->is_object()) fail("{}: \"weight_map\" must be an object, found {}", index_path, map->type_name());
    std::map<std::string, std::string> out;
    for (const auto& [tensor, shard] : map->items()) {
        if (!shard.is_string())
            fail("{}: weight_map entry \"{}\" must be a shard file name, found {}", index_path, tensor, json_excerpt(shard));
        check_shard_name(shard.get<std::string>(), tensor, index_path);
        out.emplace(tensor, shard.get<std::string>());
    }
    return out;
}

// Opens every shard the index names (each once) and checks that the shards hold exactly the tensors the
// index assigns to them: a tensor in two shards or in the wrong one is ambiguous, never "first one wins".
void open_sharded(const std::string& dir, const std::string& index_path, std::vector<safetensors_file>& shards,
                  tensor_map& tensors) {
    const std::map<std::string, std::string> weight_map = read_weight_map(index_path);
    std::vector<std::string> shard_names;
    for (const auto& [tensor, shard] : weight_map)
        if (std::find(shard_names.begin(), shard_names.end(), shard) == shard_names.end()) shard_names.push_back(shard);
    shards.reserve(shard_names.size());
    for (const std::string& shard : shard_names) shards.push_back(safetensors_file::open(dir + "/" + shard));

    std::map<std::string_view, size_t> holder;
    for (size_t i = 0; i < shards.size(); ++i)
        for (const st_tensor& t : shards[i].tensors())
            if (auto [it, fresh] = holder.emplace(t.name, i); !fresh)
                fail("{}: tensor {} is in two shards, {} and {}", dir, t.name, shard_names[it->second], shard_names[i]);
    for (size_t i = 0; i < shards.size(); ++i) {
        for (const st_tensor& t : shards[i].tensors()) {
            auto it = weight_map.find(t.name);
            if (it == weight_map.end())
                fail("{}: tensor {} is not in the weight_map of {}", shards[i].source(), t.name, index_path);
            if (it->second != shard_names[i])
                fail("{}: tensor {} is here but {} places it in {}", shards[i].source(), t.name, index_path, it->second);
            tensors.emplace(t.name, &t);
        }
    }
    for (const auto& [tensor, shard] : weight_map)
        if (!tensors.contains(tensor))
            fail("{}: weight_map places {} in {}, which does not contain it", index_path, tensor, shard);
}

}  // namespace

hf_checkpoint hf_checkpoint::open(const std::string& directory) {
    std::error_code ec;
    const fs::file_status status = fs::status(directory, ec);
    if (!fs::exists(status))
        fail("{}: no such directory (expected an HF checkpoint: config.json and model.safetensors)", directory);
    if (!fs::is_directory(status))
        fail("{}: not a directory (expected an HF checkpoint: config.json and model.safetensors)", directory);
    const std::string config_path = directory + "/config.json";
    if (!fs::exists(config_path, ec)) fail("{}: no config.json in the checkpoint directory", directory);

    hf_checkpoint checkpoint;
    checkpoint.directory_ = directory;
    checkpoint.config_ = read_hf_config(config_path);
    const std::string single = directory + "/model.safetensors", index = directory + "/model.safetensors.index.json";
    if (fs::exists(single, ec)) {
        checkpoint.shards_.push_back(safetensors_file::open(single));
        for (const st_tensor& t : checkpoint.shards_.back().tensors()) checkpoint.tensors_.emplace(t.name, &t);
    } else if (fs::exists(index, ec)) {
        open_sharded(directory, index, checkpoint.shards_, checkpoint.tensors_);
    } else {
        fail("{}: neither model.safetensors nor model.safetensors.index.json is present", directory);
    }

    const std::vector<expected_tensor> expected = expected_tensors(checkpoint.config_);
    drop_or_refuse_extras(checkpoint.tensors_, expected, checkpoint.config_, directory);
    for (const expected_tensor& e : expected) check_expected(e, checkpoint.tensors_, checkpoint.config_, directory);
    return checkpoint;
}

const st_tensor& hf_checkpoint::tensor(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) fail("{}: tensor {} is not in the checkpoint", directory_, name);
    return *it->second;
}

std::vector<float> hf_checkpoint::read_f32(const std::string& name) const {
    const st_tensor& t = tensor(name);
    const size_t count = t.element_count();  // bounded by the bytes present: checked when parsed
    std::vector<float> out(count);
    if (count == 0) return out;
    const std::byte* in = t.data.data();
    auto half_at = [&](size_t i) {
        uint16_t bits;
        std::memcpy(&bits, in + 2 * i, 2);
        return bits;
    };
    switch (t.dtype) {
        case st_dtype::F32: std::memcpy(out.data(), in, count * sizeof(float)); break;
        case st_dtype::F16:
            for (size_t i = 0; i < count; ++i) out[i] = f16_to_f32(half_at(i));
            break;
        case st_dtype::BF16:
            for (size_t i = 0; i < count; ++i) out[i] = bf16_to_f32(half_at(i));
            break;
        default: fail("{}: {} has dtype {}, cannot convert to F32", directory_, name, st_dtype_name(t.dtype));
    }
    return out;
}

std::string hf_tensor_name(const tensor_entry& e) {
    int layer = static_cast<int>(e.layer);
    switch (e.kind) {
        case tensor_kind::embed: return hf_tensor_name_embed();
        case tensor_kind::attn_norm: return hf_tensor_name_layer(layer, "input_layernorm.weight");
        case tensor_kind::wq: return hf_tensor_name_layer(layer, "self_attn.q_proj.weight");
        case tensor_kind::wk: return hf_tensor_name_layer(layer, "self_attn.k_proj.weight");
        case tensor_kind::wv: return hf_tensor_name_layer(layer, "self_attn.v_proj.weight");
        case tensor_kind::wo: return hf_tensor_name_layer(layer, "self_attn.o_proj.weight");
        case tensor_kind::ffn_norm: return hf_tensor_name_layer(layer, "post_attention_layernorm.weight");
        case tensor_kind::w_gate: return hf_tensor_name_layer(layer, "mlp.gate_proj.weight");
        case tensor_kind::w_up: return hf_tensor_name_layer(layer, "mlp.up_proj.weight");
        case tensor_kind::w_down: return hf_tensor_name_layer(layer, "mlp.down_proj.weight");
        case tensor_kind::final_norm: return hf_tensor_name_final_norm();
        case tensor_kind::lm_head: return hf_tensor_name_lm_head();
        case tensor_kind::count: break;
    }
    fail("internal error: tensor kind {}", static_cast<uint32_t>(e.kind));
}

}  // namespace smol
