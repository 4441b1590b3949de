// config.json parsing (docs/robustness.md item 6): LlamaConfig defaults, every required key and type named
// when wrong, unsupported features refused by name, and hf_config_to_json round-tripping.
#include "common/error.h"
#include "common/test_errors.h"
#include "model/src/model_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>

namespace smol {
namespace {

using nlohmann::json;

using smol::testing::expect_error;

// The required keys only; every other value comes from LlamaConfig's defaults.
json minimal_config() {
    return {{"hidden_size", 64}, {"intermediate_size", 96}, {"num_hidden_layers", 3}, {"num_attention_heads", 4},
            {"vocab_size", 100}};
}

void expect_config_error(const json& config, std::initializer_list<std::string_view> parts) {
    expect_error([&] { parse_hf_config(config, "config.json"); }, parts);
}

json with(json config, const char* key, json value) {
    config[key] = std::move(value);
    return config;
}

TEST(model_config, minimal_config_takes_llama_defaults) {
    const model_config c = parse_hf_config(minimal_config(), "config.json");
    EXPECT_EQ(c.hidden_size, 64);
    EXPECT_EQ(c.intermediate_size, 96);
    EXPECT_EQ(c.n_layers, 3);
    EXPECT_EQ(c.n_heads, 4);
    EXPECT_EQ(c.vocab_size, 100);
    EXPECT_EQ(c.n_kv_heads, 4);
    EXPECT_EQ(c.head_dim, 16);
    EXPECT_EQ(c.max_position_embeddings, 2048);
    EXPECT_EQ(c.rope_theta, 10000.0f);
    EXPECT_EQ(c.rms_norm_eps, 1e-6f);
    EXPECT_FALSE(c.tie_word_embeddings);
    EXPECT_EQ(c.bos_token_id, -1);
    EXPECT_TRUE(c.eos_token_ids.empty());
}

// The SmolLM2-135M config.json as published (docs/smollm2.md), unknown keys included, and its published
// parameter count.
TEST(model_config, published_smollm2_config_parses) {
    const json j = json::parse(R"({ "architectures": ["LlamaForCausalLM"], "model_type": "llama",
  "hidden_size": 576, "intermediate_size": 1536, "num_hidden_layers": 30,
  "num_attention_heads": 9, "num_key_value_heads": 3, "max_position_embeddings": 8192,
  "rope_theta": 100000, "rope_scaling": null, "rms_norm_eps": 1e-05, "hidden_act": "silu",
  "attention_bias": false, "mlp_bias": false, "tie_word_embeddings": true, "vocab_size": 49152,
  "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2, "torch_dtype": "bfloat16",
  "attention_dropout": 0.0, "initializer_range": 0.041666666666666664, "is_llama_config": true,
  "pretraining_tp": 1, "rope_interleaved": false, "use_cache": true, "transformers_version": "4.42.3" })");
    const model_config c = parse_hf_config(j, "config.json");
    EXPECT_EQ(c.head_dim, 64);
    EXPECT_EQ(c.q_dim(), 576);
    EXPECT_EQ(c.kv_dim(), 192);
    EXPECT_EQ(c.rope_theta, 100000.0f);
    EXPECT_EQ(c.rms_norm_eps, 1e-5f);
    EXPECT_TRUE(c.tie_word_embeddings);
    EXPECT_EQ(c.bos_token_id, 1);
    EXPECT_EQ(c.eos_token_ids, std::vector<int32_t>{2});
    EXPECT_EQ(c.parameter_count(), 134515008);
}

TEST(model_config, parameter_count_counts_untied_head) {
    model_config c = parse_hf_config(with(with(minimal_config(), "num_key_value_heads", 2), "tie_word_embeddings", true),
                                     "config.json");
    // embed 100*64; per layer q,o 64*64 each, k,v 32*64 each, gate,up,down 96*64 each, two norms; final norm.
    const int64_t per_layer = 2 * 64 * 64 + 2 * 32 * 64 + 3 * 96 * 64 + 2 * 64;
    EXPECT_EQ(c.parameter_count(), 100 * 64 + 3 * per_layer + 64);
    c.tie_word_embeddings = false;
    EXPECT_EQ(c.parameter_count(), 2 * 100 * 64 + 3 * per_layer + 64);
}

TEST(model_config, explicit_head_dim_and_null_optionals) {
    json j = minimal_config();
    j["hidden_size"] = 60;  // not a multiple of 4 heads: fine when head_dim is given
    j["head_dim"] = 16;
    j["num_key_value_heads"] = nullptr;
    j["bos_token_id"] = nullptr;
    j["eos_token_id"] = json::array({0, 2, 7});
    j["rope_scaling"] = nullptr;
    j["architectures"] = {"Whatever", "LlamaForCausalLM"};
    const model_config c = parse_hf_config(j, "config.json");
    EXPECT_EQ(c.head_dim, 16);
    EXPECT_EQ(c.q_dim(), 64);
    EXPECT_EQ(c.n_kv_heads, 4);
    EXPECT_EQ(c.bos_token_id, -1);
    EXPECT_EQ(c.eos_token_ids, (std::vector<int32_t>{0, 2, 7}));
    // head_dim null means "derive it", as in LlamaConfig.
    EXPECT_EQ(parse_hf_config(with(minimal_config(), "head_dim", nullptr), "config.json").head_dim, 16);
}

TEST(model_config, round_trip_through_hf_json) {
    model_config c = parse_hf_config(minimal_config(), "x");
    c.n_kv_heads = 2;
    c.rope_theta = 100000.0f;
    c.rms_norm_eps = 1e-5f;
    c.tie_word_embeddings = true;
    c.bos_token_id = 1;
    c.eos_token_ids = {2, 3};
    const json j = hf_config_to_json(c);
    EXPECT_EQ(j.at("model_type"), "llama");
    EXPECT_EQ(j.at("architectures"), json::array({"LlamaForCausalLM"}));
    EXPECT_EQ(j.at("hidden_act"), "silu");
    EXPECT_EQ(j.at("torch_dtype"), "bfloat16");
    EXPECT_TRUE(j.at("rope_scaling").is_null());
    EXPECT_EQ(j.at("attention_bias"), false);
    EXPECT_EQ(j.at("mlp_bias"), false);
    EXPECT_EQ(j.at("head_dim"), 16);
    EXPECT_EQ(j.at("rms_norm_eps").get<double>(), 1e-5) << "written as the shortest decimal of the float";
    EXPECT_NE(j.dump().find("\"rms_norm_eps\":1e-05"), std::string::npos) << j.dump();

    const model_config back = parse_hf_config(json::parse(j.dump()), "config.json");
    EXPECT_EQ(back.vocab_size, c.vocab_size);
    EXPECT_EQ(back.hidden_size, c.hidden_size);
    EXPECT_EQ(back.intermediate_size, c.intermediate_size);
    EXPECT_EQ(back.n_layers, c.n_layers);
    EXPECT_EQ(back.n_heads, c.n_heads);
    EXPECT_EQ(back.n_kv_heads, c.n_kv_heads);
    EXPECT_EQ(back.head_dim, c.head_dim);
    EXPECT_EQ(back.max_position_embeddings, c.max_position_embeddings);
    EXPECT_EQ(back.rope_theta, c.rope_theta);
    EXPECT_EQ(back.rms_norm_eps, c.rms_norm_eps);
    EXPECT_EQ(back.tie_word_embeddings, c.tie_word_embeddings);
    EXPECT_EQ(back.bos_token_id, c.bos_token_id);
    EXPECT_EQ(back.eos_token_ids, c.eos_token_ids);

    c.bos_token_id = -1;
    c.eos_token_ids.clear();
    const json none = hf_config_to_json(c);
    EXPECT_TRUE(none.at("bos_token_id").is_null());
    EXPECT_TRUE(none.at("eos_token_id").is_null());
}

// --- robustness item 6 -------------------------------------------------------------------------------

TEST(model_config_robustness, missing_required_key_named) {
    for (const char* key : {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size"}) {
        json j = minimal_config();
        j.erase(key);
        expect_config_error(j, {"config.json", fmt::format("missing required key \"{}\"", key)});
    }
}

TEST(model_config_robustness, wrong_type_names_key_expected_and_found) {
    expect_config_error(with(minimal_config(), "num_attention_heads", 9.5),
                        {"config.json: \"num_attention_heads\" must be a positive integer, found 9.5"});
    expect_config_error(with(minimal_config(), "hidden_size", "64"), {"\"hidden_size\" must be a positive integer, found \"64\""});
    expect_config_error(with(minimal_config(), "vocab_size", -5), {"\"vocab_size\" must be a positive integer, found -5"});
    expect_config_error(with(minimal_config(), "num_hidden_layers", 0), {"\"num_hidden_layers\" must be a positive integer, found 0"});
    expect_config_error(with(minimal_config(), "intermediate_size", nullptr), {"\"intermediate_size\" must be a positive integer, found null"});
    expect_config_error(with(minimal_config(), "num_key_value_heads", 1.0), {"\"num_key_value_heads\" must be a positive integer"});
    expect_config_error(with(minimal_config(), "max_position_embeddings", true), {"\"max_position_embeddings\" must be a positive integer"});
    expect_config_error(with(minimal_config(), "rope_theta", "1e4"), {"\"rope_theta\" must be a positive number, found \"1e4\""});
    expect_config_error(with(minimal_config(), "rms_norm_eps", 0), {"\"rms_norm_eps\" must be a positive number, found 0"});
    expect_config_error(with(minimal_config(), "rms_norm_eps", -1e-5), {"\"rms_norm_eps\" must be a positive number"});
    expect_config_error(with(minimal_config(), "tie_word_embeddings", 1), {"\"tie_word_embeddings\" must be true or false, found 1"});
    expect_config_error(with(minimal_config(), "bos_token_id", -1), {"\"bos_token_id\" must be a token id", "found -1"});
    expect_config_error(with(minimal_config(), "eos_token_id", json::array({2, "x"})), {"\"eos_token_id\" must be a token id", "found \"x\""});
    expect_error([] { parse_hf_config(json::array(), "config.json"); }, {"config.json: config must be a JSON object, found array"});
}

TEST(model_config_robustness, hidden_not_divisible_by_heads) {
    expect_config_error(with(minimal_config(), "num_attention_heads", 7),
                        {"hidden_size 64 is not divisible by num_attention_heads 7"});
}

TEST(model_config_robustness, inconsistent_heads_and_odd_head_dim) {
    expect_config_error(with(minimal_config(), "num_key_value_heads", 3),
                        {"num_attention_heads 4 is not a multiple of num_key_value_heads 3"});
    expect_config_error(with(minimal_config(), "head_dim", 15), {"head_dim 15 must be even"});
    expect_config_error(with(minimal_config(), "rms_norm_eps", 1e-60), {"rms_norm_eps 0 must be positive"});  // underflows float
    expect_config_error(with(minimal_config(), "rope_theta", 1e300), {"rope_theta inf must be positive and finite"});
    expect_config_error(with(minimal_config(), "bos_token_id", 100), {"bos_token_id 100 is outside the vocabulary (vocab_size 100)"});
    expect_config_error(with(minimal_config(), "eos_token_id", 100), {"eos_token_id 100 is outside the vocabulary"});
}

TEST(model_config_robustness, sizes_above_caps_refused_so_products_cannot_overflow) {
    expect_config_error(with(minimal_config(), "hidden_size", 1 << 21), {"\"hidden_size\" is 2097152, above the supported maximum 1048576"});
    expect_config_error(with(minimal_config(), "vocab_size", int64_t(1) << 40), {"\"vocab_size\" is 1099511627776, above the supported maximum"});
    expect_config_error(with(minimal_config(), "num_hidden_layers", 5000), {"\"num_hidden_layers\" is 5000, above the supported maximum 1024"});
    expect_config_error(with(minimal_config(), "intermediate_size", json::parse("18446744073709551615")),
                        {"\"intermediate_size\" is 18446744073709551615, above the supported maximum"});
    expect_config_error(with(minimal_config(), "intermediate_size", 1e30), {"\"intermediate_size\" must be a positive integer"});
    // Each size below its cap, but heads * head_dim is not.
    expect_config_error(with(with(minimal_config(), "head_dim", 1 << 20), "num_attention_heads", 1 << 10),
                        {"num_attention_heads * head_dim is 1073741824"});
}

TEST(model_config_robustness, unsupported_features_refused_by_name) {
    expect_config_error(with(minimal_config(), "rope_scaling", json{{"type", "linear"}, {"factor", 2.0}}),
                        {"\"rope_scaling\" is {\"factor\":2.0,\"type\":\"linear\"}", "unsupported"});
    expect_config_error(with(minimal_config(), "attention_bias", true), {"\"attention_bias\" is true", "unsupported"});
    expect_config_error(with(minimal_config(), "mlp_bias", true), {"\"mlp_bias\" is true", "unsupported"});
    expect_config_error(with(minimal_config(), "rope_interleaved", true), {"\"rope_interleaved\" is true", "unsupported"});
    expect_config_error(with(minimal_config(), "attention_bias", "no"), {"\"attention_bias\" must be true or false"});
    expect_config_error(with(minimal_config(), "pretraining_tp", 2), {"\"pretraining_tp\" is 2, only 1 is supported"});
    expect_config_error(with(minimal_config(), "hidden_act", "gelu"), {"\"hidden_act\" is \"gelu\", only \"silu\""});
    expect_config_error(with(minimal_config(), "model_type", "mistral"), {"\"model_type\" is \"mistral\", only \"llama\""});
    expect_config_error(with(minimal_config(), "architectures", json::array({"MistralForCausalLM"})),
                        {"\"architectures\" is [\"MistralForCausalLM\"]", "LlamaForCausalLM"});
    expect_config_error(with(minimal_config(), "architectures", "LlamaForCausalLM"), {"\"architectures\" is \"LlamaForCausalLM\""});
    // The same keys at their supported values are accepted.
    json ok = minimal_config();
    for (const char* key : {"attention_bias", "mlp_bias", "rope_interleaved"}) ok[key] = false;
    ok["pretraining_tp"] = 1;
    ok["hidden_act"] = "silu";
    ok["model_type"] = "llama";
    EXPECT_NO_THROW(parse_hf_config(ok, "config.json"));
}

TEST(model_config_robustness, deeply_nested_value_quoted_briefly) {
    // Parsed in place: copying a json value recurses too, so the test must not copy it either.
    const size_t depth = 300'000;
    const std::string nested = std::string(depth, '[') + std::string(depth, ']');
    std::string text = minimal_config().dump();
    text.pop_back();
    const json scaling = json::parse(text + ",\"rope_scaling\":" + nested + "}");
    expect_config_error(scaling, {"\"rope_scaling\" is an array of 1 entries"});
    const json heads = json::parse("{\"hidden_size\":" + nested + "}");
    expect_config_error(heads, {"\"hidden_size\" must be a positive integer, found an array"});
}

TEST(model_config_robustness, validate_refuses_unset_or_out_of_range_fields) {
    expect_error([] { model_config{}.validate("model.bin"); }, {"model.bin: vocab_size is 0, expected 1..16777216"});
    model_config c = parse_hf_config(minimal_config(), "x");
    c.max_position_embeddings = -1;
    expect_error([&] { c.validate("model.bin"); }, {"model.bin: max_position_embeddings is -1"});
}

TEST(model_config_robustness, read_hf_config_file_errors) {
    namespace fs = std::filesystem;
    std::string pattern = (fs::temp_directory_path() / "smol-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    const fs::path dir = pattern;
    auto write = [&](const char* name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return (dir / name).string();
    };
    const std::string duplicate = write("dup.json", R"({"hidden_size": 64, "hidden_size": 32})");
    expect_error([&] { read_hf_config(duplicate); }, {"dup.json", "duplicate key \"hidden_size\""});
    const std::string bad_utf8 = write("utf8.json", "{\"model_type\": \"ll\xff\"}");
    expect_error([&] { read_hf_config(bad_utf8); }, {"utf8.json", "invalid JSON"});
    const std::string empty = write("empty.json", "");
    expect_error([&] { read_hf_config(empty); }, {"empty.json", "invalid JSON"});
    const std::string good = write("config.json", minimal_config().dump());
    EXPECT_EQ(read_hf_config(good).hidden_size, 64);
    expect_error([&] { read_hf_config((dir / "absent.json").string()); }, {"absent.json", "cannot open"});
    fs::remove_all(dir);
}

}  // namespace
}  // namespace smol
