// HF checkpoint directories: single-file and sharded checkpoints load, tied and untied; the tensor set must
// be exactly what config.json implies (docs/robustness.md item 6), and F16/BF16 convert to F32 exactly.
// Each test builds its checkpoint in a fresh temporary directory with write_safetensors.
#include "common/error.h"
#include "common/test_errors.h"
#include "model/src/hf_checkpoint.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>

namespace smol {
namespace {

namespace fs = std::filesystem;

using smol::testing::expect_error;

struct fixture_tensor {
    std::string name;
    st_dtype dtype;
    std::vector<uint64_t> shape;
    std::vector<std::byte> bytes;
};

// GQA (4 query heads on 2 KV heads) and head_dim * heads == hidden, small enough to write in microseconds.
model_config test_config(bool tied) {
    return llama_config({.vocab_size = 32, .hidden_size = 16, .intermediate_size = 24, .n_layers = 2, .n_heads = 4,
                         .n_kv_heads = 2, .tie_word_embeddings = tied});
}

// Distinct, exactly representable values per tensor, so a tensor read from the wrong place is noticed.
float value_at(size_t tensor_index, size_t i) { return float(int((tensor_index * 31 + i * 7) % 19) - 9) * 0.125f; }

fixture_tensor f32_tensor(const std::string& name, std::vector<uint64_t> shape, size_t tensor_index) {
    uint64_t count = 1;
    for (uint64_t d : shape) count *= d;
    std::vector<float> values(count);
    for (size_t i = 0; i < count; ++i) values[i] = value_at(tensor_index, i);
    std::vector<std::byte> bytes(count * 4);
    if (count) std::memcpy(bytes.data(), values.data(), bytes.size());
    return {name, st_dtype::F32, std::move(shape), std::move(bytes)};
}

template <typename T>
fixture_tensor raw_tensor(const std::string& name, st_dtype dtype, std::vector<uint64_t> shape, const std::vector<T>& values) {
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return {name, dtype, std::move(shape), std::move(bytes)};
}

std::vector<fixture_tensor> checkpoint_tensors(const model_config& c) {
    const uint64_t V = c.vocab_size, H = c.hidden_size, I = c.intermediate_size, Q = c.q_dim(), KV = c.kv_dim();
    std::vector<fixture_tensor> out;
    auto add = [&](const std::string& name, std::vector<uint64_t> shape) {
        out.push_back(f32_tensor(name, std::move(shape), out.size()));
    };
    add(hf_tensor_name_embed(), {V, H});
    for (int l = 0; l < c.n_layers; ++l) {
        add(hf_tensor_name_layer(l, "input_layernorm.weight"), {H});
        add(hf_tensor_name_layer(l, "self_attn.q_proj.weight"), {Q, H});
        add(hf_tensor_name_layer(l, "self_attn.k_proj.weight"), {KV, H});
        add(hf_tensor_name_layer(l, "self_attn.v_proj.weight"), {KV, H});
        add(hf_tensor_name_layer(l, "self_attn.o_proj.weight"), {H, Q});
        add(hf_tensor_name_layer(l, "post_attention_layernorm.weight"), {H});
        add(hf_tensor_name_layer(l, "mlp.gate_proj.weight"), {I, H});
        add(hf_tensor_name_layer(l, "mlp.up_proj.weight"), {I, H});
        add(hf_tensor_name_layer(l, "mlp.down_proj.weight"), {H, I});
    }
    add(hf_tensor_name_final_norm(), {H});
    if (!c.tie_word_embeddings) add(hf_tensor_name_lm_head(), {V, H});
    return out;
}

void remove_tensor(std::vector<fixture_tensor>& tensors, const std::string& name) {
    auto it = std::find_if(tensors.begin(), tensors.end(), [&](const fixture_tensor& t) { return t.name == name; });
    ASSERT_NE(it, tensors.end()) << name;
    tensors.erase(it);
}

void replace_tensor(std::vector<fixture_tensor>& tensors, fixture_tensor replacement) {
    remove_tensor(tensors, replacement.name);
    tensors.push_back(std::move(replacement));
}

class checkpoint_dir {
public:
    checkpoint_dir() {
        std::string pattern = (fs::temp_directory_path() / "smol-checkpoint-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~checkpoint_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string path() const { return path_.string(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

    void write_text(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }
    void write_config(const nlohmann::json& config) const { write_text("config.json", config.dump(2)); }

    void write_shard(const std::string& name, const std::vector<fixture_tensor>& tensors) const {
        std::vector<st_tensor_to_write> to_write;
        for (const fixture_tensor& t : tensors) to_write.push_back({t.name, t.dtype, t.shape, t.bytes});
        write_safetensors(file(name), to_write, {{"format", "pt"}});
    }

    // config.json plus model.safetensors.
    void write(const model_config& c, const std::vector<fixture_tensor>& tensors) const {
        write_config(hf_config_to_json(c));
        write_shard("model.safetensors", tensors);
    }

    // config.json plus two shards split at `split` and the index that names them (or `index` when given).
    void write_sharded(const model_config& c, const std::vector<fixture_tensor>& tensors, size_t split) const {
        write_config(hf_config_to_json(c));
        const std::string first = "model-00001-of-00002.safetensors", second = "model-00002-of-00002.safetensors";
        write_shard(first, {tensors.begin(), tensors.begin() + ptrdiff_t(split)});
        write_shard(second, {tensors.begin() + ptrdiff_t(split), tensors.end()});
        nlohmann::json map = nlohmann::json::object();
        for (size_t i = 0; i < tensors.size(); ++i) map[tensors[i].name] = i < split ? first : second;
        write_index(map);
    }

    void write_index(const nlohmann::json& weight_map) const {
        write_text("model.safetensors.index.json",
                   nlohmann::json{{"metadata", {{"total_size", 0}}}, {"weight_map", weight_map}}.dump(2));
    }

private:
    fs::path path_;
};

void expect_values(const hf_checkpoint& ck, const std::vector<fixture_tensor>& tensors) {
    for (size_t k = 0; k < tensors.size(); ++k) {
        const fixture_tensor& t = tensors[k];
        const std::vector<float> got = ck.read_f32(t.name);
        ASSERT_EQ(got.size() * 4, t.bytes.size()) << t.name;
        EXPECT_EQ(std::memcmp(got.data(), t.bytes.data(), t.bytes.size()), 0) << t.name;
        EXPECT_EQ(ck.tensor(t.name).shape, t.shape);
    }
}

// --- loading -----------------------------------------------------------------------------------------

TEST(hf_checkpoint, loads_untied_single_file) {
    checkpoint_dir dir;
    const model_config c = test_config(false);
    const std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    dir.write(c, tensors);
    const hf_checkpoint ck = hf_checkpoint::open(dir.path());
    EXPECT_EQ(ck.directory(), dir.path());
    EXPECT_EQ(ck.config().n_kv_heads, 2);
    EXPECT_FALSE(ck.config().tie_word_embeddings);
    expect_values(ck, tensors);
    EXPECT_EQ(ck.tensor("lm_head.weight").shape, (std::vector<uint64_t>{32, 16}));
}

TEST(hf_checkpoint, loads_tied_and_ignores_lm_head_there) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    dir.write(c, tensors);
    {
        const hf_checkpoint ck = hf_checkpoint::open(dir.path());
        EXPECT_TRUE(ck.config().tie_word_embeddings);
        expect_values(ck, tensors);
        expect_error([&] { ck.tensor("lm_head.weight"); }, {"lm_head.weight is not in the checkpoint"});
    }
    // Tied: a saved lm_head (any shape) is ignored, as transformers ignores it.
    checkpoint_dir with_head;
    tensors.push_back(f32_tensor("lm_head.weight", {3}, 99));
    with_head.write(c, tensors);
    const hf_checkpoint ck = hf_checkpoint::open(with_head.path());
    expect_error([&] { ck.read_f32("lm_head.weight"); }, {"lm_head.weight is not in the checkpoint"});
}

TEST(hf_checkpoint, ignores_legacy_rotary_inv_freq_buffers) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    tensors.push_back(f32_tensor("model.layers.0.self_attn.rotary_emb.inv_freq", {2}, 50));
    tensors.push_back(f32_tensor("model.layers.1.self_attn.rotary_emb.inv_freq", {2}, 51));
    dir.write(c, tensors);
    const hf_checkpoint ck = hf_checkpoint::open(dir.path());
    expect_error([&] { ck.tensor("model.layers.0.self_attn.rotary_emb.inv_freq"); }, {"not in the checkpoint"});
}

TEST(hf_checkpoint, loads_sharded_checkpoint) {
    checkpoint_dir dir;
    const model_config c = test_config(false);
    const std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    dir.write_sharded(c, tensors, tensors.size() / 2);
    const hf_checkpoint ck = hf_checkpoint::open(dir.path());
    expect_values(ck, tensors);
}

TEST(hf_checkpoint, converts_f16_and_bf16_exactly_and_keeps_f32_bits) {
    const std::vector<uint16_t> f16{0x0000, 0x8000, 0x0001, 0x8001, 0x0200, 0x03ff, 0x0400, 0x3c00,
                                    0x3c01, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x3555, 0x0155};
    const float inf = std::numeric_limits<float>::infinity();
    const std::vector<float> f16_want{0.0f, -0.0f, std::ldexp(1.0f, -24), -std::ldexp(1.0f, -24), std::ldexp(1.0f, -15),
                                      std::ldexp(1023.0f, -24), std::ldexp(1.0f, -14), 1.0f, 1.0f + std::ldexp(1.0f, -10),
                                      -2.0f, 65504.0f, inf, -inf, NAN, std::ldexp(1365.0f, -12), std::ldexp(341.0f, -24)};
    const std::vector<uint16_t> bf16{0x3f80, 0xbf80, 0x0001, 0x007f, 0x0080, 0x7f7f, 0x7f80, 0xff80,
                                     0x7fc0, 0x8000, 0x4049, 0x3e80, 0x4300, 0xc2f7, 0x0000, 0x3c00};
    const std::vector<float> bf16_want{1.0f, -1.0f, std::ldexp(1.0f, -133), std::ldexp(127.0f, -133), std::ldexp(1.0f, -126),
                                       std::ldexp(255.0f, 120), inf, -inf, NAN, -0.0f, 3.140625f, 0.25f, 128.0f, -123.5f,
                                       0.0f, 0.0078125f};
    std::vector<uint32_t> f32_bits(16);
    for (size_t i = 0; i < 16; ++i) f32_bits[i] = 0x3f800000u + uint32_t(i) * 0x01234567u;
    f32_bits[3] = 0x7fa00001u;  // a signalling NaN with payload: copied, never touched
    f32_bits[4] = 0x00000001u;  // the smallest float32 subnormal

    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    replace_tensor(tensors, raw_tensor("model.norm.weight", st_dtype::F16, {16}, f16));
    replace_tensor(tensors, raw_tensor("model.layers.0.input_layernorm.weight", st_dtype::BF16, {16}, bf16));
    replace_tensor(tensors, raw_tensor("model.layers.1.input_layernorm.weight", st_dtype::F32, {16}, f32_bits));
    dir.write(c, tensors);
    const hf_checkpoint ck = hf_checkpoint::open(dir.path());

    auto expect_exact = [](const std::vector<float>& got, const std::vector<float>& want, const char* what) {
        ASSERT_EQ(got.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i) {
            if (std::isnan(want[i])) {
                EXPECT_TRUE(std::isnan(got[i])) << what << " " << i;
            } else {
                EXPECT_EQ(std::bit_cast<uint32_t>(got[i]), std::bit_cast<uint32_t>(want[i])) << what << " " << i << ": " << got[i];
            }
        }
    };
    expect_exact(ck.read_f32("model.norm.weight"), f16_want, "F16");
    expect_exact(ck.read_f32("model.layers.0.input_layernorm.weight"), bf16_want, "BF16");
    const std::vector<float> f32 = ck.read_f32("model.layers.1.input_layernorm.weight");
    for (size_t i = 0; i < 16; ++i) EXPECT_EQ(std::bit_cast<uint32_t>(f32[i]), f32_bits[i]) << i;
}

// --- directory and shard errors ----------------------------------------------------------------------

TEST(hf_checkpoint_robustness, missing_directory_file_instead_or_missing_files) {
    checkpoint_dir dir;
    expect_error([&] { hf_checkpoint::open(dir.file("absent")); }, {"absent: no such directory"});
    dir.write_text("plain.txt", "x");
    expect_error([&] { hf_checkpoint::open(dir.file("plain.txt")); }, {"plain.txt: not a directory"});
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {dir.path(), "no config.json"});
    dir.write_config(hf_config_to_json(test_config(true)));
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"neither model.safetensors nor model.safetensors.index.json"});
}

TEST(hf_checkpoint_robustness, config_errors_name_the_file) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    dir.write(c, checkpoint_tensors(c));
    nlohmann::json config = hf_config_to_json(c);
    config["rope_scaling"] = {{"rope_type", "llama3"}};
    dir.write_config(config);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {dir.file("config.json"), "\"rope_scaling\"", "unsupported"});
    config = hf_config_to_json(c);
    config.erase("vocab_size");
    dir.write_config(config);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {dir.file("config.json"), "missing required key \"vocab_size\""});
}

TEST(hf_checkpoint_robustness, truncated_weights_file_refused) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    dir.write(c, checkpoint_tensors(c));
    const std::string path = dir.file("model.safetensors");
    fs::resize_file(path, fs::file_size(path) - 1);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"model.safetensors", "past the data region", "truncated"});
    fs::resize_file(path, fs::file_size(path) / 2);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"model.safetensors", "truncated"});
}

TEST(hf_checkpoint_robustness, shard_names_must_be_plain_file_names) {
    const model_config c = test_config(true);
    const std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    for (const char* shard : {"../model.safetensors", "sub/model.safetensors", "/etc/passwd", "..", ""}) {
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        nlohmann::json map = nlohmann::json::object();
        for (const fixture_tensor& t : tensors) map[t.name] = shard;
        dir.write_index(map);
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {"model.safetensors.index.json", fmt::format("shard \"{}\" is not a plain file name", shard)});
    }
}

TEST(hf_checkpoint_robustness, index_must_agree_with_shards) {
    const model_config c = test_config(true);
    const std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    const std::string first = "model-00001-of-00002.safetensors", second = "model-00002-of-00002.safetensors";
    auto index_for = [&](size_t split) {
        nlohmann::json map = nlohmann::json::object();
        for (size_t i = 0; i < tensors.size(); ++i) map[tensors[i].name] = i < split ? first : second;
        return map;
    };
    {  // the index names the wrong shard for a tensor
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        dir.write_index(index_for(4));
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {second, "tensor " + tensors[3].name + " is here but", "places it in " + first});
    }
    {  // a tensor in a shard but not in the map
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        nlohmann::json map = index_for(3);
        map.erase(tensors[5].name);
        dir.write_index(map);
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {"tensor " + tensors[5].name + " is not in the weight_map"});
    }
    {  // in the map but not in its shard
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        nlohmann::json map = index_for(3);
        map["model.layers.9.mlp.up_proj.weight"] = second;
        dir.write_index(map);
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {"weight_map places model.layers.9.mlp.up_proj.weight in " + second + ", which does not contain it"});
    }
    {  // in two shards
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        std::vector<fixture_tensor> second_shard(tensors.begin() + 2, tensors.end());  // tensors[2] twice
        dir.write_shard(second, second_shard);
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {"tensor " + tensors[2].name + " is in two shards", first, second});
    }
    {  // a shard the map names is missing
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        fs::remove(dir.file(second));
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {second, "cannot open"});
    }
    {  // malformed index
        checkpoint_dir dir;
        dir.write_sharded(c, tensors, 3);
        dir.write_text("model.safetensors.index.json", R"({"metadata": {}})");
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {"model.safetensors.index.json", "missing key \"weight_map\""});
        dir.write_text("model.safetensors.index.json", R"({"weight_map": {"a": 1}})");
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {"weight_map entry \"a\" must be a shard file name, found 1"});
        dir.write_text("model.safetensors.index.json", R"({"weight_map": {"a": "x", "a": "y"}})");
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {"duplicate key \"a\""});
    }
}

// --- tensor set against the config (robustness item 6) ----------------------------------------------

TEST(hf_checkpoint_robustness, missing_layer_tensor_named) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    remove_tensor(tensors, "model.layers.1.mlp.up_proj.weight");
    dir.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(dir.path()); },
                 {"model.layers.1.mlp.up_proj.weight missing (config has num_hidden_layers 2)"});
}

TEST(hf_checkpoint_robustness, whole_layer_missing_or_extra) {
    const model_config c = test_config(true);
    model_config three = c;
    three.n_layers = 3;
    {  // config says 3 layers, the weights have 2
        checkpoint_dir dir;
        dir.write(c, checkpoint_tensors(c));
        dir.write_config(hf_config_to_json(three));
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {"model.layers.2.input_layernorm.weight missing (config has num_hidden_layers 3)"});
    }
    {  // config says 2 layers, the weights have 3
        checkpoint_dir dir;
        dir.write(three, checkpoint_tensors(three));
        dir.write_config(hf_config_to_json(c));
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {"unexpected tensor model.layers.2.", "(config has num_hidden_layers 2)"});
    }
}

TEST(hf_checkpoint_robustness, missing_lm_head_when_untied_and_missing_norm) {
    checkpoint_dir dir;
    const model_config c = test_config(false);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    remove_tensor(tensors, "lm_head.weight");
    dir.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"lm_head.weight missing (config has tie_word_embeddings false)"});
    checkpoint_dir no_norm;
    tensors = checkpoint_tensors(c);
    remove_tensor(tensors, "model.norm.weight");
    no_norm.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(no_norm.path()); }, {"model.norm.weight missing"});
}

TEST(hf_checkpoint_robustness, vocab_disagrees_with_embedding_rows) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    replace_tensor(tensors, f32_tensor("model.embed_tokens.weight", {30, 16}, 0));
    dir.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(dir.path()); },
                 {"model.embed_tokens.weight has shape [30, 16] but config vocab_size 32, hidden_size 16 imply [32, 16]"});
}

TEST(hf_checkpoint_robustness, wrong_projection_shapes_name_the_config_keys) {
    const model_config c = test_config(false);
    struct bad_shape {
        const char* name;
        std::vector<uint64_t> shape;
        const char* message;
    };
    const bad_shape cases[] = {
        {"model.layers.0.self_attn.k_proj.weight", {16, 16},
         "model.layers.0.self_attn.k_proj.weight has shape [16, 16] but config num_key_value_heads 2 * head_dim 4, "
         "hidden_size 16 imply [8, 16]"},
        {"model.layers.1.self_attn.o_proj.weight", {16, 8},
         "has shape [16, 8] but config hidden_size 16, num_attention_heads 4 * head_dim 4 imply [16, 16]"},
        {"model.layers.0.mlp.down_proj.weight", {24, 16}, "but config hidden_size 16, intermediate_size 24 imply [16, 24]"},
        {"model.layers.0.input_layernorm.weight", {16, 1}, "has shape [16, 1] but config hidden_size 16 implies [16]"},
        {"lm_head.weight", {16, 32}, "lm_head.weight has shape [16, 32] but config vocab_size 32, hidden_size 16 imply [32, 16]"},
    };
    for (const bad_shape& bad : cases) {
        checkpoint_dir dir;
        std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
        replace_tensor(tensors, f32_tensor(bad.name, bad.shape, 7));
        dir.write(c, tensors);
        expect_error([&] { hf_checkpoint::open(dir.path()); }, {bad.message});
    }
}

TEST(hf_checkpoint_robustness, biases_refused) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    tensors.push_back(f32_tensor("model.layers.0.self_attn.q_proj.bias", {16}, 40));
    dir.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"model.layers.0.self_attn.q_proj.bias", "biases are unsupported"});
}

TEST(hf_checkpoint_robustness, unexpected_tensor_named) {
    checkpoint_dir dir;
    const model_config c = test_config(true);
    std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
    tensors.push_back(f32_tensor("model.layers.0.self_attn.q_norm.weight", {4}, 41));
    dir.write(c, tensors);
    expect_error([&] { hf_checkpoint::open(dir.path()); }, {"unexpected tensor model.layers.0.self_attn.q_norm.weight"});
}

TEST(hf_checkpoint_robustness, unsupported_dtype_named) {
    for (st_dtype dtype : {st_dtype::I32, st_dtype::F64, st_dtype::F8_E4M3}) {
        checkpoint_dir dir;
        const model_config c = test_config(true);
        std::vector<fixture_tensor> tensors = checkpoint_tensors(c);
        const std::vector<std::byte> bytes(16 * st_dtype_size(dtype));
        replace_tensor(tensors, {"model.norm.weight", dtype, {16}, bytes});
        dir.write(c, tensors);
        expect_error([&] { hf_checkpoint::open(dir.path()); },
                     {fmt::format("model.norm.weight has dtype {}; only F32, F16 and BF16 are supported", st_dtype_name(dtype))});
    }
}

TEST(hf_checkpoint, tensor_names) {
    EXPECT_EQ(hf_tensor_name_embed(), "model.embed_tokens.weight");
    EXPECT_EQ(hf_tensor_name_final_norm(), "model.norm.weight");
    EXPECT_EQ(hf_tensor_name_lm_head(), "lm_head.weight");
    EXPECT_EQ(hf_tensor_name_layer(12, "mlp.up_proj.weight"), "model.layers.12.mlp.up_proj.weight");
}

}  // namespace
}  // namespace smol
