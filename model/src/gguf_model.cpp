#include "model/src/gguf_model.h"

#include "common/error.h"
#include "model/src/byte_io.h"
#include "model/src/half.h"
#include "model/src/quantize.h"

#include <nlohmann/json.hpp>

#include <climits>
#include <cstring>
#include <optional>
#include <unordered_map>

namespace smol {

namespace {

using json = nlohmann::ordered_json;

int32_t config_int(const gguf_file& f, std::string_view key) {
    const uint64_t v = f.require_uint(key);
    if (v > uint64_t(INT32_MAX)) fail("{}: metadata '{}' = {} is out of range", f.source(), key, v);
    return int32_t(v);
}

int32_t optional_id(const gguf_file& f, std::string_view key) {
    return f.find(key) ? config_int(f, key) : -1;
}

const std::vector<gguf_value>& typed_array(const gguf_file& f, std::string_view key, gguf_type element) {
    const gguf_value& v = f.require(key);
    if (!v.is_array_of(element))
        fail("{}: metadata '{}' at offset {} must be an array of {}, not a {}{}", f.source(), key, v.offset,
             gguf_type_name(element), gguf_type_name(v.type),
             v.type == gguf_type::array ? fmt::format(" of {}", gguf_type_name(v.element_type)) : "");
    return v.array();
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF): tokenizer.json text must be.
bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const auto c = uint8_t(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        uint32_t cp = n == 1 ? c : c & (0x7f >> n);
        for (size_t k = 1; k < n; ++k) {
            const auto t = uint8_t(s[i + k]);
            if ((t >> 6) != 2) return false;
            cp = cp << 6 | (t & 0x3f);
        }
        static constexpr uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n;
    }
    return true;
}

}  // namespace

std::string gguf_pre_tokenizer_spec(const std::string& pre, const std::string& source) {
    const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}};
    if (pre == "smollm")
        return json{{"type", "Sequence"},
                    {"pretokenizers", json::array({json{{"type", "Digits"}, {"individual_digits", true}}, byte_level})}}
            .dump();
    if (pre == "gpt-2") return byte_level.dump();
    // llama.cpp's "default" (also what it assumes when the key is absent) first splits off runs of punctuation
    // and of digits, which no HF GPT-2 tokenizer does: refused rather than tokenized differently.
    fail("{}: tokenizer.ggml.pre '{}' is not supported (supported: smollm, gpt-2)", source, pre);
}

std::string gguf_tensor_name(tensor_kind kind, uint32_t layer) {
    auto blk = [&](const char* name) { return fmt::format("blk.{}.{}.weight", layer, name); };
    switch (kind) {
        case tensor_kind::embed: return "token_embd.weight";
        case tensor_kind::attn_norm: return blk("attn_norm");
        case tensor_kind::wq: return blk("attn_q");
        case tensor_kind::wk: return blk("attn_k");
        case tensor_kind::wv: return blk("attn_v");
        case tensor_kind::wo: return blk("attn_output");
        case tensor_kind::ffn_norm: return blk("ffn_norm");
        case tensor_kind::w_gate: return blk("ffn_gate");
        case tensor_kind::w_up: return blk("ffn_up");
        case tensor_kind::w_down: return blk("ffn_down");
        case tensor_kind::final_norm: return "output_norm.weight";
        case tensor_kind::lm_head: return "output.weight";
        case tensor_kind::count: break;
    }
    fail("internal error: tensor kind {}", uint32_t(kind));
}

model_config gguf_model_config(const gguf_file& f) {
    const std::string arch = f.require_string("general.architecture");
    if (arch != "llama") fail("{}: general.architecture is '{}'; only 'llama' is supported", f.source(), arch);
    if (const gguf_value* s = f.find("llama.rope.scaling.type"); s && !(s->type == gguf_type::string && s->string() == "none"))
        fail("{}: metadata 'llama.rope.scaling.type' at offset {}: rope scaling is not supported", f.source(), s->offset);
    model_config c;
    c.hidden_size = config_int(f, "llama.embedding_length");
    c.intermediate_size = config_int(f, "llama.feed_forward_length");
    c.n_layers = config_int(f, "llama.block_count");
    c.n_heads = config_int(f, "llama.attention.head_count");
    c.n_kv_heads = f.find("llama.attention.head_count_kv") ? config_int(f, "llama.attention.head_count_kv") : c.n_heads;
    c.max_position_embeddings = config_int(f, "llama.context_length");
    c.head_dim = f.find("llama.attention.key_length") ? config_int(f, "llama.attention.key_length")
                 : c.n_heads > 0                      ? c.hidden_size / c.n_heads
                                                      : 0;
    if (f.find("llama.rope.dimension_count") && config_int(f, "llama.rope.dimension_count") != c.head_dim)
        fail("{}: llama.rope.dimension_count {} differs from the head size {} (partial rotary is not supported)",
             f.source(), config_int(f, "llama.rope.dimension_count"), c.head_dim);
    if (f.find("llama.attention.value_length") && config_int(f, "llama.attention.value_length") != c.head_dim)
        fail("{}: llama.attention.value_length differs from key_length", f.source());
    c.rope_theta = f.find("llama.rope.freq_base") ? float(f.require_float("llama.rope.freq_base")) : 10000.0f;
    c.rms_norm_eps = float(f.require_float("llama.attention.layer_norm_rms_epsilon"));
    const gguf_tensor_info* embed = f.find_tensor("token_embd.weight");
    if (!embed) fail("{}: tensor 'token_embd.weight' is missing", f.source());
    if (f.find("llama.vocab_size")) c.vocab_size = config_int(f, "llama.vocab_size");
    else if (embed->dims.size() == 2 && embed->dims[1] <= uint64_t(INT32_MAX)) c.vocab_size = int32_t(embed->dims[1]);
    c.tie_word_embeddings = f.find_tensor("output.weight") == nullptr;
    c.bos_token_id = optional_id(f, "tokenizer.ggml.bos_token_id");
    if (int32_t eos = optional_id(f, "tokenizer.ggml.eos_token_id"); eos >= 0) c.eos_token_ids.push_back(eos);
    if (int32_t eot = optional_id(f, "tokenizer.ggml.eot_token_id"); eot >= 0 && (c.eos_token_ids.empty() || eot != c.eos_token_ids[0]))
        c.eos_token_ids.push_back(eot);
    c.validate(f.source());
    for (int32_t id : c.eos_token_ids)
        if (id >= c.vocab_size) fail("{}: tokenizer.ggml.eos_token_id {} is outside the vocabulary ({})", f.source(), id, c.vocab_size);
    if (c.bos_token_id >= c.vocab_size)
        fail("{}: tokenizer.ggml.bos_token_id {} is outside the vocabulary ({})", f.source(), c.bos_token_id, c.vocab_size);

    // Every tensor must be one the config implies: an unknown one would be silently ignored otherwise.
    const model_image_layout layout = plan_model_image(c, quant_scheme::f32);
    std::unordered_map<std::string, bool> expected;
    for (const tensor_entry& e : layout.tensors) expected[gguf_tensor_name(e.kind, e.layer)] = true;
    for (const gguf_tensor_info& t : f.tensors())
        if (!expected.count(t.name))
            fail("{}: tensor '{}' (info at offset {}) is not part of a {}-layer LLaMA model", f.source(), t.name,
                 t.info_offset, c.n_layers);
    return c;
}

size_t qk_gguf_row(size_t hf_row, size_t head_rows) {
    const size_t half = head_rows / 2, head = hf_row / head_rows, j = hf_row % head_rows;
    return head * head_rows + 2 * (j % half) + j / half;
}

namespace {

// Moves whole rows of `row_bytes` bytes: to GGUF order (HF row r lands on row qk_gguf_row(r)) or back.
void permute_rows(std::span<const std::byte> in, std::span<std::byte> out, size_t row_bytes, size_t heads, bool to_gguf) {
    const size_t rows = in.size() / row_bytes, head_rows = rows / heads;
    for (size_t r = 0; r < rows; ++r) {
        const size_t g = qk_gguf_row(r, head_rows);
        std::memcpy(out.data() + (to_gguf ? g : r) * row_bytes, in.data() + (to_gguf ? r : g) * row_bytes, row_bytes);
    }
}

void permute_float_rows(std::vector<float>& rows, int32_t heads, int32_t cols, bool to_gguf) {
    std::vector<float> out(rows.size());
    permute_rows(std::as_bytes(std::span(rows)), std::as_writable_bytes(std::span(out)), size_t(cols) * sizeof(float),
                 size_t(heads), to_gguf);
    rows = std::move(out);
}

// The heads whose rows llama.cpp permutes in a tensor (0: not permuted).
int32_t permuted_heads(const model_config& c, tensor_kind kind) {
    return kind == tensor_kind::wq ? c.n_heads : kind == tensor_kind::wk ? c.n_kv_heads : 0;
}

// The file's tensor for an image entry, its name and dims checked against the config.
const gguf_tensor_info& checked_tensor(const gguf_file& f, const tensor_entry& e) {
    const std::string name = gguf_tensor_name(e.kind, e.layer);
    const gguf_tensor_info* t = f.find_tensor(name);
    if (!t) fail("{}: tensor '{}' is missing", f.source(), name);
    const bool vector = e.rows == 1 && (e.kind == tensor_kind::attn_norm || e.kind == tensor_kind::ffn_norm ||
                                        e.kind == tensor_kind::final_norm);
    const std::vector<uint64_t> want = vector ? std::vector<uint64_t>{e.cols} : std::vector<uint64_t>{e.cols, e.rows};
    if (t->dims != want)
        fail("{}: tensor '{}' (info at offset {}) has dims [{}], expected [{}]", f.source(), name, t->info_offset,
             fmt::join(t->dims, ", "), fmt::join(want, ", "));
    return *t;
}

// Blocks copied out of the file first: GGUF puts tensor data at any general.alignment, so the bytes need not
// be aligned for block_q8_0 / block_q4_0.
template <typename block>
std::vector<float> dequantize(std::span<const std::byte> data, size_t values,
                              void (*dequantize_blocks)(std::span<const block>, std::span<float>)) {
    std::vector<block> blocks(values / quant_block_size);
    std::memcpy(blocks.data(), data.data(), blocks.size() * sizeof(block));
    std::vector<float> out(values);
    dequantize_blocks(blocks, out);
    return out;
}

// The GGUF type an image dtype is stored as byte for byte, if any.
std::optional<ggml_type> same_bytes_type(weight_dtype dtype) {
    if (dtype == weight_dtype::q8_0) return ggml_type::q8_0;
    if (dtype == weight_dtype::q4_0) return ggml_type::q4_0;
    return std::nullopt;
}

}  // namespace

void permute_qk_rows_to_gguf(std::vector<float>& rows, int32_t heads, int32_t cols) {
    permute_float_rows(rows, heads, cols, true);
}

void unpermute_qk_rows_from_gguf(std::vector<float>& rows, int32_t heads, int32_t cols) {
    permute_float_rows(rows, heads, cols, false);
}

std::vector<float> gguf_read_tensor(const gguf_file& f, const model_config& c, const tensor_entry& e) {
    const gguf_tensor_info& t = checked_tensor(f, e);
    const size_t n = size_t(t.element_count());
    const std::span<const std::byte> d = t.data;
    std::vector<float> out;
    switch (t.type) {
        case ggml_type::f32:
            out.resize(n);
            std::memcpy(out.data(), d.data(), n * sizeof(float));
            break;
        case ggml_type::f16:
            out.resize(n);
            for (size_t i = 0; i < n; ++i) out[i] = f16_to_f32(load_field<uint16_t>(d, 2 * i));
            break;
        case ggml_type::bf16:
            out.resize(n);
            for (size_t i = 0; i < n; ++i) out[i] = bf16_to_f32(load_field<uint16_t>(d, 2 * i));
            break;
        case ggml_type::q8_0: out = dequantize<block_q8_0>(d, n, q8_0_dequantize); break;
        case ggml_type::q4_0: out = dequantize<block_q4_0>(d, n, q4_0_dequantize); break;
    }
    if (const int32_t heads = permuted_heads(c, e.kind)) unpermute_qk_rows_from_gguf(out, heads, int32_t(e.cols));
    return out;
}

bool gguf_copy_stored_tensor(const gguf_file& f, const model_config& c, const tensor_entry& e, std::span<std::byte> out) {
    const gguf_tensor_info& t = checked_tensor(f, e);
    if (same_bytes_type(e.dtype) != t.type) return false;
    if (out.size() != t.data.size() || out.size() != e.data_bytes)
        fail("internal error: tensor '{}' is {} bytes in the file, {} in the image", t.name, t.data.size(), out.size());
    // Each block starts with its float16 scale; the float path would find a non-finite one as a weight.
    const size_t block_bytes = t.type == ggml_type::q8_0 ? sizeof(block_q8_0) : sizeof(block_q4_0);
    for (size_t at = 0; at < t.data.size(); at += block_bytes)
        if ((load_field<uint16_t>(t.data, at) & 0x7c00) == 0x7c00)
            fail("{}: tensor '{}' block {} (offset {}) has a scale that is not finite", f.source(), t.name,
                 at / block_bytes, f.data_offset() + t.relative_offset + at);
    if (const int32_t heads = permuted_heads(c, e.kind)) permute_rows(t.data, out, out.size() / e.rows, size_t(heads), false);
    else std::memcpy(out.data(), t.data.data(), out.size());
    return true;
}

quant_scheme gguf_default_scheme(const gguf_file& f) {
    bool all_q8_0 = true, all_q4_0 = true, any = false;
    for (const gguf_tensor_info& t : f.tensors()) {
        if (t.dims.size() != 2 || t.dims[0] % ggml_block_elements != 0) continue;  // norms; rows of no whole blocks
        any = true;
        all_q8_0 = all_q8_0 && t.type == ggml_type::q8_0;
        all_q4_0 = all_q4_0 && t.type == ggml_type::q4_0;
    }
    return !any ? quant_scheme::f32 : all_q8_0 ? quant_scheme::q8_0 : all_q4_0 ? quant_scheme::q4_0 : quant_scheme::f32;
}

std::string gguf_tokenizer_json(const gguf_file& f) {
    const std::string model = f.require_string("tokenizer.ggml.model");
    if (model != "gpt2")
        fail("{}: tokenizer.ggml.model is '{}'; only 'gpt2' (byte-level BPE) is supported", f.source(), model);
    const std::string pre = f.find("tokenizer.ggml.pre") ? f.require_string("tokenizer.ggml.pre") : "default";  // llama.cpp's
    const auto& tokens = typed_array(f, "tokenizer.ggml.tokens", gguf_type::string);
    const auto& merges = typed_array(f, "tokenizer.ggml.merges", gguf_type::string);
    std::vector<int32_t> types(tokens.size(), int32_t(gguf_token_type::normal));
    if (f.find("tokenizer.ggml.token_type")) {
        const auto& tt = typed_array(f, "tokenizer.ggml.token_type", gguf_type::i32);
        if (tt.size() != tokens.size())
            fail("{}: metadata 'tokenizer.ggml.token_type' at offset {} has {} entries but tokenizer.ggml.tokens has {}",
                 f.source(), f.require("tokenizer.ggml.token_type").offset, tt.size(), tokens.size());
        for (size_t i = 0; i < tt.size(); ++i) {
            const int64_t v = std::get<int64_t>(tt[i].data);
            if (v < 1 || v > 6)
                fail("{}: tokenizer.ggml.token_type[{}] at offset {} is {}, not a token type (1..6)", f.source(), i,
                     tt[i].offset, v);
            types[i] = int32_t(v);
        }
    }
    if (const gguf_value* scores = f.find("tokenizer.ggml.scores")) {
        if (!scores->is_array_of(gguf_type::f32) || scores->array().size() != tokens.size())
            fail("{}: metadata 'tokenizer.ggml.scores' at offset {} must be {} float32 values", f.source(),
                 scores->offset, tokens.size());
    }
    if (tokens.size() > size_t(INT32_MAX)) fail("{}: too many tokens", f.source());

    json vocab = json::object();
    json added = json::array();
    std::unordered_map<std::string, size_t> seen;
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& text = tokens[i].string();
        if (text.empty()) fail("{}: tokenizer.ggml.tokens[{}] at offset {} is empty", f.source(), i, tokens[i].offset);
        if (!valid_utf8(text))
            fail("{}: tokenizer.ggml.tokens[{}] at offset {} is not valid UTF-8", f.source(), i, tokens[i].offset);
        if (auto [it, fresh] = seen.emplace(text, i); !fresh)
            fail("{}: tokenizer.ggml.tokens[{}] at offset {} repeats token {} ('{}')", f.source(), i, tokens[i].offset,
                 it->second, text);
        vocab[text] = i;
        const auto type = gguf_token_type(types[i]);
        if (type == gguf_token_type::control || type == gguf_token_type::user_defined)
            added.push_back({{"id", i}, {"content", text}, {"single_word", false}, {"lstrip", false}, {"rstrip", false},
                             {"normalized", type == gguf_token_type::user_defined}, {"special", type == gguf_token_type::control}});
    }
    json merge_list = json::array();
    for (size_t i = 0; i < merges.size(); ++i) {
        const std::string& m = merges[i].string();
        if (!valid_utf8(m))
            fail("{}: tokenizer.ggml.merges[{}] at offset {} is not valid UTF-8", f.source(), i, merges[i].offset);
        const size_t space = m.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == m.size() || m.find(' ', space + 1) != std::string::npos)
            fail("{}: tokenizer.ggml.merges[{}] at offset {} is '{}', not two tokens separated by one space",
                 f.source(), i, merges[i].offset, m);
        merge_list.push_back(m);
    }
    const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}};
    const json spec = {
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens", added},
        {"normalizer", nullptr},
        {"pre_tokenizer", json::parse(gguf_pre_tokenizer_spec(pre, f.source()))},
        {"post_processor", byte_level},
        {"decoder", byte_level},
        {"model",
         {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", nullptr}, {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr}, {"fuse_unk", false}, {"byte_fallback", false}, {"ignore_merges", false},
          {"vocab", vocab}, {"merges", merge_list}}},
    };
    return spec.dump();
}

gguf_chat_template gguf_chat_template_of(const gguf_file& f) {
    gguf_chat_template t;
    t.source = f.require_string("tokenizer.chat_template");
    const auto& tokens = typed_array(f, "tokenizer.ggml.tokens", gguf_type::string);
    auto text_of = [&](const char* key) -> std::string {
        const int32_t id = optional_id(f, key);
        if (id < 0) return "";
        if (size_t(id) >= tokens.size()) fail("{}: {} {} is not a token ({} tokens)", f.source(), key, id, tokens.size());
        return tokens[size_t(id)].string();
    };
    t.bos_token = text_of("tokenizer.ggml.bos_token_id");
    t.eos_token = text_of("tokenizer.ggml.eos_token_id");
    return t;
}

}  // namespace smol
