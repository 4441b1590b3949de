// Validation of a model image: nothing in the bytes is trusted until checked against their length.
#include "common/error.h"
#include "model/src/byte_io.h"
#include "model/src/model_file.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace smol {

model_config read_model_image_config(std::span<const std::byte> b, const std::string& source) {
    model_config c;
    int32_t* sizes[8] = {&c.vocab_size, &c.hidden_size, &c.intermediate_size, &c.n_layers,
                         &c.n_heads,    &c.n_kv_heads,  &c.head_dim,          &c.max_position_embeddings};
    for (int i = 0; i < 8; ++i) *sizes[i] = load_field<int32_t>(b, header_field::config + 4 * i);
    c.rope_theta = load_field<float>(b, header_field::rope_theta);
    c.rms_norm_eps = load_field<float>(b, header_field::rms_norm_eps);
    uint32_t tied = load_field<uint32_t>(b, header_field::tied);
    if (tied > 1) fail("{}: header field tie_word_embeddings is {}, expected 0 or 1", source, tied);
    c.tie_word_embeddings = tied == 1;
    c.bos_token_id = load_field<int32_t>(b, header_field::bos);
    uint32_t eos_count = load_field<uint32_t>(b, header_field::eos_count);
    if (eos_count > static_cast<uint32_t>(model_file_max_eos))
        fail("{}: header field eos_count is {}, at most {}", source, eos_count, model_file_max_eos);
    for (uint32_t i = 0; i < eos_count; ++i) c.eos_token_ids.push_back(load_field<int32_t>(b, header_field::eos + 4 * i));
    c.validate(source);
    return c;
}

namespace {

tensor_entry read_entry(std::span<const std::byte> b, size_t at) {
    tensor_entry e{};
    e.kind = static_cast<tensor_kind>(load_field<uint32_t>(b, at));
    e.layer = load_field<uint32_t>(b, at + 4);
    e.dtype = static_cast<weight_dtype>(load_field<uint32_t>(b, at + 8));
    e.rows = load_field<uint32_t>(b, at + 12);
    e.cols = load_field<uint32_t>(b, at + 16);
    e.scale_count = load_field<uint32_t>(b, at + 20);
    e.data_offset = load_field<uint64_t>(b, at + 24);
    e.data_bytes = load_field<uint64_t>(b, at + 32);
    e.scales_offset = load_field<uint64_t>(b, at + 40);
    return e;
}

// The file must hold exactly the tensors its config and quant scheme imply, at exactly the planned places:
// one layout, so any deviation (truncation, edited offsets, overlap) is an error naming the field.
void check_entry(const tensor_entry& found, const tensor_entry& want, size_t index, const std::string& source) {
    std::string where = fmt::format("{}: tensor {} ({} of layer {})", source, index, tensor_kind_name(want.kind), want.layer);
    auto check = [&](const char* field, uint64_t got, uint64_t expected) {
        if (got != expected) fail("{}: field {} is {}, expected {}", where, field, got, expected);
    };
    check("kind", static_cast<uint64_t>(found.kind), static_cast<uint64_t>(want.kind));
    check("layer", found.layer, want.layer);
    check("dtype", static_cast<uint64_t>(found.dtype), static_cast<uint64_t>(want.dtype));
    check("rows", found.rows, want.rows);
    check("cols", found.cols, want.cols);
    check("scale_count", found.scale_count, want.scale_count);
    check("data_offset", found.data_offset, want.data_offset);
    check("data_bytes", found.data_bytes, want.data_bytes);
    check("scales_offset", found.scales_offset, want.scales_offset);
}

matrix_view make_matrix(const tensor_entry& e, std::span<const std::byte> b) {
    matrix_view m;
    m.dtype = e.dtype;
    m.rows = static_cast<int32_t>(e.rows);
    m.cols = static_cast<int32_t>(e.cols);
    switch (e.dtype) {
        case weight_dtype::f32: m.f32 = reinterpret_cast<const float*>(b.data() + e.data_offset); break;
        case weight_dtype::q8:
            m.q8 = reinterpret_cast<const int8_t*>(b.data() + e.data_offset);
            m.scales = reinterpret_cast<const float*>(b.data() + e.scales_offset);
            m.scale_count = static_cast<int32_t>(e.scale_count);
            break;
        case weight_dtype::q8_0:
        case weight_dtype::q4_0: m.blocks = b.data() + e.data_offset; break;
    }
    if (e.dtype != weight_dtype::f32) m.cache = std::make_shared<matrix_cache>();
    return m;
}

// Reserved fields and padding are zero (docs/model-format.md); anything else is a corrupt or foreign file,
// never silently ignored.
void check_zero(std::span<const std::byte> b, uint64_t from, uint64_t to, const char* what, const std::string& source) {
    for (uint64_t i = from; i < to && i < b.size(); ++i)
        if (b[i] != std::byte{0})
            fail("{}: byte {} ({}) is {:#04x}, expected 0", source, i, what, static_cast<unsigned>(b[i]));
}

void check_reserved_and_padding(std::span<const std::byte> b, const model_image_layout& layout, uint32_t eos_count,
                                const std::string& source) {
    check_zero(b, 20, 24, "reserved header field", source);
    check_zero(b, header_field::eos + 4 * eos_count, model_file_header_bytes, "unused eos slots and header padding", source);
    std::vector<std::pair<uint64_t, uint64_t>> blocks;
    for (const tensor_entry& e : layout.tensors) {
        blocks.emplace_back(e.data_offset, e.data_offset + e.data_bytes);
        if (e.scale_count > 0) blocks.emplace_back(e.scales_offset, e.scales_offset + 4 * uint64_t(e.scale_count));
    }
    std::sort(blocks.begin(), blocks.end());
    uint64_t end = model_file_header_bytes + layout.tensors.size() * model_file_entry_bytes;
    for (const auto& [begin, block_end] : blocks) {
        check_zero(b, end, begin, "alignment padding", source);
        end = std::max(end, block_end);
    }
    check_zero(b, end, b.size(), "alignment padding", source);
}

}  // namespace

model_weights view_model_image(std::span<const std::byte> b, const std::string& source) {
    if (b.size() < model_file_header_bytes)
        fail("{}: {} bytes is too short for a smol32 model file (header is {} bytes)", source, b.size(),
             model_file_header_bytes);
    if (std::memcmp(b.data(), model_file_magic, sizeof model_file_magic) != 0)
        fail("{}: not a smol32 model file (bad magic)", source);
    uint32_t version = load_field<uint32_t>(b, header_field::version);
    if (version != model_file_version)
        fail("{}: model file version {} is not supported (this build reads version {})", source, version,
             model_file_version);
    uint32_t quant_value = load_field<uint32_t>(b, header_field::quant);
    if (quant_value >= quant_scheme_count)
        fail("{}: header field quant is {}, expected 0..{}", source, quant_value, quant_scheme_count - 1);
    auto quant = static_cast<quant_scheme>(quant_value);
    uint64_t file_bytes = load_field<uint64_t>(b, header_field::file_bytes);
    if (file_bytes != b.size())
        fail("{}: file is {} bytes but its header says {} (truncated or padded)", source, b.size(), file_bytes);
    model_config config = read_model_image_config(b, source);

    model_image_layout layout = plan_model_image(config, quant);
    uint32_t tensor_count = load_field<uint32_t>(b, header_field::tensor_count);
    if (tensor_count != layout.tensors.size())
        fail("{}: header field tensor_count is {}, the config implies {}", source, tensor_count, layout.tensors.size());
    if (layout.total_bytes != b.size())
        fail("{}: file is {} bytes, the config and quant scheme imply {}", source, b.size(), layout.total_bytes);
    for (size_t i = 0; i < layout.tensors.size(); ++i)
        check_entry(read_entry(b, model_file_header_bytes + i * model_file_entry_bytes), layout.tensors[i], i, source);
    check_reserved_and_padding(b, layout, uint32_t(config.eos_token_ids.size()), source);

    model_weights w;
    w.config = config;
    w.quant = quant;
    w.layers.resize(static_cast<size_t>(config.n_layers));
    for (const tensor_entry& e : layout.tensors) {
        const float* vector = reinterpret_cast<const float*>(b.data() + e.data_offset);
        layer_weights& l = w.layers[e.layer < w.layers.size() ? e.layer : 0];
        switch (e.kind) {
            case tensor_kind::embed: w.embed = make_matrix(e, b); break;
            case tensor_kind::attn_norm: l.attn_norm = vector; break;
            case tensor_kind::wq: l.wq = make_matrix(e, b); break;
            case tensor_kind::wk: l.wk = make_matrix(e, b); break;
            case tensor_kind::wv: l.wv = make_matrix(e, b); break;
            case tensor_kind::wo: l.wo = make_matrix(e, b); break;
            case tensor_kind::ffn_norm: l.ffn_norm = vector; break;
            case tensor_kind::w_gate: l.w_gate = make_matrix(e, b); break;
            case tensor_kind::w_up: l.w_up = make_matrix(e, b); break;
            case tensor_kind::w_down: l.w_down = make_matrix(e, b); break;
            case tensor_kind::final_norm: w.final_norm = vector; break;
            case tensor_kind::lm_head: w.lm_head = make_matrix(e, b); break;
            case tensor_kind::count: break;
        }
    }
    if (config.tie_word_embeddings) w.lm_head = w.embed;
    return w;
}

}  // namespace smol
