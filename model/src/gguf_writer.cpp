#include "model/src/gguf_writer.h"
#include "model/src/quantize.h"

#include "common/error.h"
#include "common/strict_json.h"
#include "model/src/gguf_model.h"
#include "model/src/half.h"
#include "model/src/hf_checkpoint.h"
#include "model/src/model_file.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace smol {

namespace {

template <typename T>
void put(std::vector<std::byte>& out, T value) {
    const size_t at = out.size();
    out.resize(at + sizeof value);
    std::memcpy(out.data() + at, &value, sizeof value);
}

void put_string(std::vector<std::byte>& out, const std::string& s) {
    put<uint64_t>(out, s.size());
    const size_t at = out.size();
    out.resize(at + s.size());
    std::memcpy(out.data() + at, s.data(), s.size());
}

void put_key(std::vector<std::byte>& out, const std::string& key, gguf_type type) {
    put_string(out, key);
    put<uint32_t>(out, uint32_t(type));
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("{}: cannot open", path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// general.file_type (llama_ftype) of a scheme.
uint32_t file_type_of(ggml_type scheme) {
    switch (scheme) {
        case ggml_type::f32: return 0;
        case ggml_type::f16: return 1;
        case ggml_type::q4_0: return 2;
        case ggml_type::q8_0: return 7;
        case ggml_type::bf16: return 32;
    }
    return 0;
}

void add_tokenizer(gguf_builder& b, const std::string& dir, const model_config& c) {
    const std::string tok_path = dir + "/tokenizer.json";
    const nlohmann::json tok = parse_strict_json(read_text(tok_path), tok_path);
    const nlohmann::json& model = tok.at("model");
    if (model.value("type", "") != "BPE") fail("{}: model.type must be BPE", tok_path);
    std::vector<std::string> tokens;
    for (auto it = model.at("vocab").begin(); it != model.at("vocab").end(); ++it) {
        const int64_t id = it.value().get<int64_t>();
        if (id < 0 || id > 1 << 24) fail("{}: model.vocab[\"{}\"] = {} is out of range", tok_path, it.key(), id);
        if (size_t(id) >= tokens.size()) tokens.resize(size_t(id) + 1);
        tokens[size_t(id)] = it.key();
    }
    std::vector<int32_t> types(tokens.size(), int32_t(gguf_token_type::normal));
    for (const auto& a : tok.at("added_tokens")) {
        const int64_t id = a.at("id").get<int64_t>();
        if (id < 0 || id > 1 << 24) fail("{}: added token id {} is out of range", tok_path, id);
        if (size_t(id) >= tokens.size()) tokens.resize(size_t(id) + 1), types.resize(tokens.size(), 1);
        tokens[size_t(id)] = a.at("content").get<std::string>();
        types[size_t(id)] = int32_t(a.value("special", false) ? gguf_token_type::control : gguf_token_type::user_defined);
    }
    // As llama.cpp's converter: the vocabulary covers every embedding row, holes and the tail as [PAD{i}].
    if (tokens.size() > size_t(c.vocab_size))
        fail("{}: the tokenizer has {} tokens but the model's vocab_size is {}", tok_path, tokens.size(), c.vocab_size);
    tokens.resize(size_t(c.vocab_size));
    types.resize(tokens.size(), int32_t(gguf_token_type::unused));
    for (size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].empty()) tokens[i] = fmt::format("[PAD{}]", i), types[i] = int32_t(gguf_token_type::unused);
    std::vector<std::string> merges;
    for (const auto& m : model.at("merges"))
        merges.push_back(m.is_string() ? m.get<std::string>()
                                       : m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());
    std::string pre;
    for (const char* name : {"smollm", "gpt-2"})
        if (nlohmann::json::parse(gguf_pre_tokenizer_spec(name, tok_path)) == tok.at("pre_tokenizer")) pre = name;
    if (pre.empty())
        fail("{}: its pre_tokenizer is neither SmolLM2's nor GPT-2's, so no tokenizer.ggml.pre names it", tok_path);
    b.add_string("tokenizer.ggml.model", "gpt2");
    b.add_string("tokenizer.ggml.pre", pre);
    b.add_string_array("tokenizer.ggml.tokens", tokens);
    b.add_i32_array("tokenizer.ggml.token_type", types);
    b.add_string_array("tokenizer.ggml.merges", merges);
    if (c.bos_token_id >= 0) b.add_u32("tokenizer.ggml.bos_token_id", uint32_t(c.bos_token_id));
    if (!c.eos_token_ids.empty()) b.add_u32("tokenizer.ggml.eos_token_id", uint32_t(c.eos_token_ids[0]));
    if (c.eos_token_ids.size() > 1) b.add_u32("tokenizer.ggml.eot_token_id", uint32_t(c.eos_token_ids[1]));
    b.add_bool("tokenizer.ggml.add_bos_token", false);  // SmolLM2's tokenizer.json adds no BOS

    const std::string cfg_path = dir + "/tokenizer_config.json";
    if (std::filesystem::exists(cfg_path)) {
        const nlohmann::json cfg = parse_strict_json(read_text(cfg_path), cfg_path);
        if (auto t = cfg.find("chat_template"); t != cfg.end() && t->is_string())
            b.add_string("tokenizer.chat_template", t->get<std::string>());
    }
}

}  // namespace

void gguf_builder::add_u32(const std::string& key, uint32_t value) {
    put_key(metadata_, key, gguf_type::u32), put(metadata_, value), ++key_count_;
}
void gguf_builder::add_i32(const std::string& key, int32_t value) {
    put_key(metadata_, key, gguf_type::i32), put(metadata_, value), ++key_count_;
}
void gguf_builder::add_f32(const std::string& key, float value) {
    put_key(metadata_, key, gguf_type::f32), put(metadata_, value), ++key_count_;
}
void gguf_builder::add_bool(const std::string& key, bool value) {
    put_key(metadata_, key, gguf_type::boolean), put<uint8_t>(metadata_, value ? 1 : 0), ++key_count_;
}
void gguf_builder::add_string(const std::string& key, const std::string& value) {
    put_key(metadata_, key, gguf_type::string), put_string(metadata_, value), ++key_count_;
}
void gguf_builder::add_string_array(const std::string& key, const std::vector<std::string>& values) {
    put_key(metadata_, key, gguf_type::array);
    put<uint32_t>(metadata_, uint32_t(gguf_type::string));
    put<uint64_t>(metadata_, values.size());
    for (const std::string& v : values) put_string(metadata_, v);
    ++key_count_;
}
void gguf_builder::add_i32_array(const std::string& key, const std::vector<int32_t>& values) {
    put_key(metadata_, key, gguf_type::array);
    put<uint32_t>(metadata_, uint32_t(gguf_type::i32));
    put<uint64_t>(metadata_, values.size());
    for (int32_t v : values) put(metadata_, v);
    ++key_count_;
}
void gguf_builder::add_tensor(const std::string& name, std::vector<uint64_t> dims, ggml_type type,
                              std::vector<std::byte> data) {
    tensors_.push_back({name, std::move(dims), type, std::move(data)});
}

std::vector<std::byte> gguf_builder::bytes() const {
    const uint64_t align = gguf_default_alignment;
    auto aligned = [&](uint64_t v) { return (v + align - 1) / align * align; };
    std::vector<std::byte> out;
    put<uint32_t>(out, gguf_magic);
    put<uint32_t>(out, 3);
    put<uint64_t>(out, tensors_.size());
    put<uint64_t>(out, key_count_);
    out.insert(out.end(), metadata_.begin(), metadata_.end());
    uint64_t offset = 0;
    for (const tensor& t : tensors_) {
        put_string(out, t.name);
        put<uint32_t>(out, uint32_t(t.dims.size()));
        for (uint64_t d : t.dims) put(out, d);
        put<uint32_t>(out, uint32_t(t.type));
        put<uint64_t>(out, offset);
        offset = aligned(offset + t.data.size());
    }
    const size_t data_start = aligned(out.size());
    out.resize(data_start + offset);
    offset = 0;
    for (const tensor& t : tensors_) {
        std::memcpy(out.data() + data_start + offset, t.data.data(), t.data.size());
        offset = aligned(offset + t.data.size());
    }
    return out;
}

// The engine's own block quantizers (model/src/quantize.h): llama.cpp's layout and rounding.
std::vector<std::byte> quantize_q8_0(std::span<const float> x) {
    std::vector<std::byte> out(x.size() / quant_block_size * sizeof(block_q8_0));
    q8_0_quantize(x, {reinterpret_cast<block_q8_0*>(out.data()), out.size() / sizeof(block_q8_0)});
    return out;
}

std::vector<std::byte> quantize_q4_0(std::span<const float> x) {
    std::vector<std::byte> out(x.size() / quant_block_size * sizeof(block_q4_0));
    q4_0_quantize(x, {reinterpret_cast<block_q4_0*>(out.data()), out.size() / sizeof(block_q4_0)});
    return out;
}

std::vector<std::byte> encode_tensor(std::span<const float> values, ggml_type type) {
    std::vector<std::byte> out;
    switch (type) {
        case ggml_type::f32:
            out.resize(values.size() * 4);
            std::memcpy(out.data(), values.data(), out.size());
            return out;
        case ggml_type::f16:
        case ggml_type::bf16:
            out.resize(values.size() * 2);
            for (size_t i = 0; i < values.size(); ++i) {
                const uint16_t h = type == ggml_type::f16 ? f32_to_f16(values[i]) : f32_to_bf16(values[i]);
                std::memcpy(&out[2 * i], &h, 2);
            }
            return out;
        case ggml_type::q8_0: return quantize_q8_0(values);
        case ggml_type::q4_0: return quantize_q4_0(values);
    }
    fail("internal error: ggml type {}", uint32_t(type));
}

ggml_type parse_gguf_scheme(const std::string& name) {
    if (name == "f32") return ggml_type::f32;
    if (name == "f16") return ggml_type::f16;
    if (name == "bf16") return ggml_type::bf16;
    if (name == "q8_0") return ggml_type::q8_0;
    if (name == "q4_0") return ggml_type::q4_0;
    fail("--quant {} is not a GGUF scheme (f32, f16, bf16, q8_0, q4_0)", name);
}

std::vector<std::byte> hf_checkpoint_to_gguf(const std::string& hf_dir, ggml_type scheme) {
    const hf_checkpoint checkpoint = hf_checkpoint::open(hf_dir);
    const model_config& c = checkpoint.config();
    gguf_builder b;
    b.add_string("general.architecture", "llama");
    b.add_string("general.name", std::filesystem::path(hf_dir).filename().string());
    b.add_u32("general.alignment", gguf_default_alignment);
    b.add_u32("general.file_type", file_type_of(scheme));
    if (scheme == ggml_type::q8_0 || scheme == ggml_type::q4_0) b.add_u32("general.quantization_version", 2);
    b.add_u32("llama.vocab_size", uint32_t(c.vocab_size));
    b.add_u32("llama.context_length", uint32_t(c.max_position_embeddings));
    b.add_u32("llama.embedding_length", uint32_t(c.hidden_size));
    b.add_u32("llama.feed_forward_length", uint32_t(c.intermediate_size));
    b.add_u32("llama.block_count", uint32_t(c.n_layers));
    b.add_u32("llama.attention.head_count", uint32_t(c.n_heads));
    b.add_u32("llama.attention.head_count_kv", uint32_t(c.n_kv_heads));
    b.add_u32("llama.attention.key_length", uint32_t(c.head_dim));
    b.add_u32("llama.attention.value_length", uint32_t(c.head_dim));
    b.add_u32("llama.rope.dimension_count", uint32_t(c.head_dim));
    b.add_f32("llama.rope.freq_base", c.rope_theta);
    b.add_f32("llama.attention.layer_norm_rms_epsilon", c.rms_norm_eps);
    add_tokenizer(b, hf_dir, c);

    for (const tensor_entry& e : plan_model_image(c, quant_scheme::f32).tensors) {
        std::vector<float> values = checkpoint.read_f32(hf_tensor_name(e));
        const bool norm = e.kind == tensor_kind::attn_norm || e.kind == tensor_kind::ffn_norm ||
                          e.kind == tensor_kind::final_norm;
        if (e.kind == tensor_kind::wq) permute_qk_rows_to_gguf(values, c.n_heads, int32_t(e.cols));
        if (e.kind == tensor_kind::wk) permute_qk_rows_to_gguf(values, c.n_kv_heads, int32_t(e.cols));
        ggml_type type = norm ? ggml_type::f32 : scheme;
        // As llama.cpp's converter: a row length that is no multiple of the block falls back to F16.
        if ((type == ggml_type::q8_0 || type == ggml_type::q4_0) && e.cols % ggml_block_elements != 0)
            type = ggml_type::f16;
        std::vector<uint64_t> dims = norm ? std::vector<uint64_t>{e.cols} : std::vector<uint64_t>{e.cols, e.rows};
        b.add_tensor(gguf_tensor_name(e.kind, e.layer), std::move(dims), type, encode_tensor(values, type));
    }
    return b.bytes();
}

}  // namespace smol
