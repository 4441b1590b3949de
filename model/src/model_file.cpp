#include "model/src/model_file.h"

#include "common/error.h"
#include "model/src/byte_io.h"
#include "model/src/quantize.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace smol {

static_assert(static_cast<int>(tensor_kind::count) == 12, "update tensor_kind_names");

namespace {

const char* const tensor_kind_names[] = {"embed", "attn_norm", "wq",    "wk",     "wv",         "wo",
                                         "ffn_norm", "w_gate", "w_up", "w_down", "final_norm", "lm_head"};

bool is_norm(tensor_kind kind) {
    return kind == tensor_kind::attn_norm || kind == tensor_kind::ffn_norm || kind == tensor_kind::final_norm;
}

uint64_t align_up(uint64_t value) { return (value + model_file_alignment - 1) / model_file_alignment * model_file_alignment; }


// The shape a config gives each tensor kind.
void tensor_shape(const model_config& c, tensor_kind kind, uint32_t& rows, uint32_t& cols) {
    auto u = [](int32_t v) { return static_cast<uint32_t>(v); };
    switch (kind) {
        case tensor_kind::embed:
        case tensor_kind::lm_head: rows = u(c.vocab_size); cols = u(c.hidden_size); return;
        case tensor_kind::attn_norm:
        case tensor_kind::ffn_norm:
        case tensor_kind::final_norm: rows = 1; cols = u(c.hidden_size); return;
        case tensor_kind::wq: rows = u(c.q_dim()); cols = u(c.hidden_size); return;
        case tensor_kind::wk:
        case tensor_kind::wv: rows = u(c.kv_dim()); cols = u(c.hidden_size); return;
        case tensor_kind::wo: rows = u(c.hidden_size); cols = u(c.q_dim()); return;
        case tensor_kind::w_gate:
        case tensor_kind::w_up: rows = u(c.intermediate_size); cols = u(c.hidden_size); return;
        case tensor_kind::w_down: rows = u(c.hidden_size); cols = u(c.intermediate_size); return;
        case tensor_kind::count: break;
    }
    fail("internal error: tensor kind {}", static_cast<uint32_t>(kind));
}

uint64_t tensor_row_bytes(weight_dtype dtype, uint32_t cols) {
    switch (dtype) {
        case weight_dtype::f32: return uint64_t{cols} * 4;
        case weight_dtype::q8: return cols;
        case weight_dtype::q8_0: return uint64_t{cols} / quant_block_size * sizeof(block_q8_0);
        case weight_dtype::q4_0: return uint64_t{cols} / quant_block_size * sizeof(block_q4_0);
    }
    fail("internal error: dtype {}", static_cast<uint32_t>(dtype));
}

// The (kind, layer) sequence of an image, without offsets.
std::vector<tensor_entry> expected_tensors(const model_config& c, quant_scheme quant) {
    std::vector<tensor_entry> list;
    auto add = [&](tensor_kind kind, uint32_t layer) {
        tensor_entry e{};
        e.kind = kind;
        e.layer = layer;
        tensor_shape(c, kind, e.rows, e.cols);
        e.dtype = tensor_dtype(quant, kind, e.cols);
        switch (e.dtype) {
            case weight_dtype::f32: e.scale_count = 0; break;
            case weight_dtype::q8: e.scale_count = quant == quant_scheme::q8 ? 1 : e.rows; break;  // q8r or fallback
            case weight_dtype::q8_0:
            case weight_dtype::q4_0: e.scale_count = 0; break;  // the scales are inside the blocks
        }
        e.data_bytes = uint64_t{e.rows} * tensor_row_bytes(e.dtype, e.cols);
        list.push_back(e);
    };
    add(tensor_kind::embed, 0);
    const tensor_kind per_layer[] = {tensor_kind::attn_norm, tensor_kind::wq,     tensor_kind::wk,
                                     tensor_kind::wv,        tensor_kind::wo,     tensor_kind::ffn_norm,
                                     tensor_kind::w_gate,    tensor_kind::w_up,   tensor_kind::w_down};
    for (int32_t layer = 0; layer < c.n_layers; ++layer)
        for (tensor_kind kind : per_layer) add(kind, static_cast<uint32_t>(layer));
    add(tensor_kind::final_norm, 0);
    if (!c.tie_word_embeddings) add(tensor_kind::lm_head, 0);
    return list;
}

void write_header(const model_config& c, quant_scheme quant, const model_image_layout& layout,
                  std::span<std::byte> out) {
    if (c.eos_token_ids.size() > static_cast<size_t>(model_file_max_eos))
        fail("config has {} eos token ids; a model file holds at most {}", c.eos_token_ids.size(), model_file_max_eos);
    std::memcpy(out.data(), model_file_magic, sizeof model_file_magic);
    store_field<uint32_t>(out, header_field::version, model_file_version);
    store_field<uint32_t>(out, header_field::quant, static_cast<uint32_t>(quant));
    store_field<uint32_t>(out, header_field::tensor_count, static_cast<uint32_t>(layout.tensors.size()));
    store_field<uint64_t>(out, header_field::file_bytes, layout.total_bytes);
    const int32_t sizes[8] = {c.vocab_size, c.hidden_size, c.intermediate_size, c.n_layers,
                              c.n_heads,    c.n_kv_heads,  c.head_dim,          c.max_position_embeddings};
    for (int i = 0; i < 8; ++i) store_field<int32_t>(out, header_field::config + 4 * i, sizes[i]);
    store_field<float>(out, header_field::rope_theta, c.rope_theta);
    store_field<float>(out, header_field::rms_norm_eps, c.rms_norm_eps);
    store_field<uint32_t>(out, header_field::tied, c.tie_word_embeddings ? 1 : 0);
    store_field<int32_t>(out, header_field::bos, c.bos_token_id);
    store_field<uint32_t>(out, header_field::eos_count, static_cast<uint32_t>(c.eos_token_ids.size()));
    for (size_t i = 0; i < c.eos_token_ids.size(); ++i) store_field<int32_t>(out, header_field::eos + 4 * i, c.eos_token_ids[i]);

    size_t at = model_file_header_bytes;
    for (const tensor_entry& e : layout.tensors) {
        store_field<uint32_t>(out, at + 0, static_cast<uint32_t>(e.kind));
        store_field<uint32_t>(out, at + 4, e.layer);
        store_field<uint32_t>(out, at + 8, static_cast<uint32_t>(e.dtype));
        store_field<uint32_t>(out, at + 12, e.rows);
        store_field<uint32_t>(out, at + 16, e.cols);
        store_field<uint32_t>(out, at + 20, e.scale_count);
        store_field<uint64_t>(out, at + 24, e.data_offset);
        store_field<uint64_t>(out, at + 32, e.data_bytes);
        store_field<uint64_t>(out, at + 40, e.scales_offset);
        at += model_file_entry_bytes;
    }
}

void store_tensor(const tensor_entry& e, std::span<const float> values, std::span<std::byte> out) {
    std::byte* data = out.data() + e.data_offset;
    switch (e.dtype) {
        case weight_dtype::f32: std::memcpy(data, values.data(), e.data_bytes); return;
        case weight_dtype::q8: break;
        case weight_dtype::q8_0:
            q8_0_quantize(values, {reinterpret_cast<block_q8_0*>(data), e.data_bytes / sizeof(block_q8_0)});
            return;
        case weight_dtype::q4_0:
            q4_0_quantize(values, {reinterpret_cast<block_q4_0*>(data), e.data_bytes / sizeof(block_q4_0)});
            return;
    }
    auto* q = reinterpret_cast<int8_t*>(out.data() + e.data_offset);
    auto* scales = reinterpret_cast<float*>(out.data() + e.scales_offset);
    size_t chunk = e.scale_count == 1 ? values.size() : e.cols;  // per tensor, or per row
    for (uint32_t s = 0; s < e.scale_count; ++s) {
        auto part = values.subspan(s * chunk, chunk);
        scales[s] = q8_scale(part);
        q8_quantize(part, scales[s], std::span<int8_t>(q + s * chunk, chunk));
    }
}

}  // namespace

weight_dtype tensor_dtype(quant_scheme quant, tensor_kind kind, uint32_t cols) {
    if (quant == quant_scheme::f32 || is_norm(kind)) return weight_dtype::f32;
    if (!is_block_scheme(quant)) return weight_dtype::q8;
    // Blocks never straddle rows (nor does GGUF allow a partial one): rows of another length fall back to
    // int8 with one scale per row, the q8r scheme.
    if (cols % quant_block_size != 0) return weight_dtype::q8;
    return quant == quant_scheme::q8_0 ? weight_dtype::q8_0 : weight_dtype::q4_0;
}

const char* tensor_kind_name(tensor_kind kind) {
    auto i = static_cast<size_t>(kind);
    return i < std::size(tensor_kind_names) ? tensor_kind_names[i] : "unknown";
}

model_image_layout plan_model_image(const model_config& config, quant_scheme quant) {
    model_image_layout layout;
    layout.tensors = expected_tensors(config, quant);
    uint64_t at = align_up(model_file_header_bytes + layout.tensors.size() * model_file_entry_bytes);
    for (tensor_entry& e : layout.tensors) {
        e.data_offset = at;
        at = align_up(at + e.data_bytes);
        if (e.scale_count > 0) {
            e.scales_offset = at;
            at = align_up(at + uint64_t{e.scale_count} * 4);
        }
    }
    layout.total_bytes = at;
    return layout;
}

void build_model_image(const model_config& config, quant_scheme quant, const model_image_layout& layout,
                       const tensor_source& source, std::span<std::byte> out, const stored_tensor_source& stored) {
    if (out.size() != layout.total_bytes) fail("internal error: image buffer size {} != {}", out.size(), layout.total_bytes);
    write_header(config, quant, layout, out);
    for (const tensor_entry& e : layout.tensors) {
        if (stored && e.scale_count == 0 && stored(e, out.subspan(e.data_offset, e.data_bytes))) continue;
        std::vector<float> values = source(e);
        if (values.size() != uint64_t{e.rows} * e.cols)
            fail("tensor {} (layer {}): got {} values, expected {}", tensor_kind_name(e.kind), e.layer,
                 values.size(), uint64_t{e.rows} * e.cols);
        store_tensor(e, values, out);
    }
}

}  // namespace smol
