#include "firmware/src/firmware_backend.h"

#include "asm/disasm.h"
#include "common/error.h"
#include "firmware/src/descriptor.h"
#include "firmware/src/firmware_image.h"
#include "engine/src/rope_tables.h"
#include "model/src/model_file.h"

#include <cmath>

namespace smol::firmware {

namespace {

// Far above any forward pass (SmolLM2-135M at the last of 8192 positions needs ~0.2G): a runaway loop.
constexpr uint64_t max_instructions_per_forward = uint64_t{1} << 34;

uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }

// The geometry fields of the descriptor, with the config value each must equal (in the weights' config, the
// model image's header and the descriptor in target memory alike).
struct geometry_field {
    const char* name;
    uint32_t descriptor::*field;
    int32_t model_config::*config;
};
constexpr geometry_field geometry[] = {
    {"vocab_size", &descriptor::vocab, &model_config::vocab_size},
    {"hidden_size", &descriptor::hidden, &model_config::hidden_size},
    {"intermediate_size", &descriptor::inter, &model_config::intermediate_size},
    {"num_hidden_layers", &descriptor::n_layers, &model_config::n_layers},
    {"num_attention_heads", &descriptor::n_heads, &model_config::n_heads},
    {"num_key_value_heads", &descriptor::n_kv_heads, &model_config::n_kv_heads},
    {"head_dim", &descriptor::head_dim, &model_config::head_dim},
};

// Copies `bytes` to [addr, addr + size) of the target, refusing (with both sizes) what does not fit.
void load(target& t, std::span<const std::byte> bytes, uint64_t addr, const char* what) {
    if (addr > t.memory_size() || bytes.size() > t.memory_size() - addr)
        fail("{}: {} bytes at {:#x} do not fit the {} bytes of {} memory", what, bytes.size(), addr, t.memory_size(),
             t.name());
    t.write_memory(addr, bytes);
}

template <typename T>
void store(target& t, uint64_t addr, const T& value) {
    t.write_memory(addr, std::as_bytes(std::span(&value, 1)));
}

const char* halt_code_name(uint32_t code) {
    return code == uint32_t(halt_code::bad_descriptor) ? "bad descriptor"
           : code == uint32_t(halt_code::bad_token)    ? "token id out of range"
           : code == uint32_t(halt_code::bad_position) ? "position out of range"
                                                       : "unknown";
}

}  // namespace

bool firmware_runs(quant_scheme scheme) {
    return scheme == quant_scheme::f32 || scheme == quant_scheme::q8 || scheme == quant_scheme::q8r ||
           scheme == quant_scheme::q8_0 || scheme == quant_scheme::q4_0;
}

firmware_backend::firmware_backend(const model_weights& weights, std::span<const std::byte> image,
                                   int32_t context_length, const target_factory& make_target)
    : w_(weights), image_(image), context_(context_length) {
    const model_config& c = w_.config;
    if (!firmware_runs(w_.quant))
        fail("the firmware runs f32, q8, q8r, q8_0 or q4_0 weights; this model holds {} weights",
             quant_scheme_name(w_.quant));
    if (context_length < 1 || context_length > c.max_position_embeddings)
        fail("context length {} is out of range 1..{} (max_position_embeddings)", context_length, c.max_position_embeddings);
    if (image_.size() < model_file_header_bytes)
        fail("model/descriptor mismatch: the model image is {} bytes, shorter than its header", image_.size());
    const model_config in_image = read_model_image_config(image_, "model image");
    for (const geometry_field& g : geometry)
        if (in_image.*g.config != c.*g.config)
            fail("model/descriptor mismatch: the model image says {} {}, the model config {}", g.name,
                 in_image.*g.config, c.*g.config);
    plan_ = plan_memory(c, image_.size(), context_length);
    target_ = make_target(plan_.size);
    load(*target_, std::as_bytes(firmware_code()), code_base, "firmware");
    load(*target_, image_, plan_.model, "model image");
    rope_tables rope = make_rope_tables(c, context_length);
    load(*target_, std::as_bytes(std::span(rope.cos)), plan_.rope_cos, "RoPE cos table");
    load(*target_, std::as_bytes(std::span(rope.sin)), plan_.rope_sin, "RoPE sin table");
    write_descriptor();
    entry_ = symbol_address("forward");
}

void firmware_backend::write_descriptor() {
    const model_config& c = w_.config;
    // Every tensor is addressed where it sits in the model image, which is in memory verbatim.
    auto at = [&](const void* p, const char* what, int32_t layer) -> uint32_t {
        const auto* b = static_cast<const std::byte*>(p);
        if (!p || b < image_.data() || b >= image_.data() + image_.size())
            fail("model/descriptor mismatch: tensor {} of layer {} is not inside the model image", what, layer);
        return u32(plan_.model + uint64_t(b - image_.data()));
    };
    descriptor d{};
    d.magic = descriptor_magic;
    for (const geometry_field& g : geometry) d.*g.field = u32(c.*g.config);
    d.context = u32(context_);
    d.q_dim = u32(c.q_dim());
    d.kv_dim = u32(c.kv_dim());
    d.group = u32(c.n_heads / c.n_kv_heads);
    d.eps = c.rms_norm_eps;
    d.attn_scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));  // as the engine computes it
    const bool f32 = w_.quant == quant_scheme::f32;
    const bool blocks = w_.quant == quant_scheme::q8_0 || w_.quant == quant_scheme::q4_0;
    // q8_0/q4_0 tensors whose rows are not whole blocks are int8 with one scale per row, as in q8r.
    d.scale_stride = w_.quant == quant_scheme::q8r || blocks ? 4 : 0;
    d.weight_kind = f32                              ? weight_kind_f32
                    : w_.quant == quant_scheme::q8_0 ? weight_kind_q8_0
                    : w_.quant == quant_scheme::q4_0 ? weight_kind_q4_0
                                                     : weight_kind_int8;
    const weight_dtype block_dtype = w_.quant == quant_scheme::q4_0 ? weight_dtype::q4_0 : weight_dtype::q8_0;
    // A matrix's data and scales (none for f32 and block tensors), checked to be of the kind the descriptor
    // says: the block kernels take a zero scales address for blocks and a non-zero one for int8 rows.
    auto matrix = [&](const matrix_view& m, const char* what, int32_t layer, uint32_t& data, uint32_t& scales) {
        if (blocks && m.dtype == block_dtype) {
            data = at(m.blocks, what, layer);
            scales = 0;
            return;
        }
        const bool int8_per_row = blocks && m.dtype == weight_dtype::q8 && m.scale_count == m.rows;
        if (m.dtype != (f32 ? weight_dtype::f32 : weight_dtype::q8) || (blocks && !int8_per_row))
            fail("model/descriptor mismatch: tensor {} of layer {} is not {}", what, layer,
                 f32 ? "f32" : blocks ? fmt::format("{} blocks or int8 with row scales", quant_scheme_name(w_.quant)) : "int8");
        data = f32 ? at(m.f32, what, layer) : at(m.q8, what, layer);
        scales = f32 ? 0 : at(m.scales, what, layer);
    };
    matrix(w_.embed, "embed", 0, d.embed, d.embed_scales);
    d.final_norm = at(w_.final_norm, "final_norm", 0);
    matrix(w_.lm_head, "lm_head", 0, d.lm_head, d.lm_head_scales);
    d.rope_cos = u32(plan_.rope_cos);
    d.rope_sin = u32(plan_.rope_sin);
    d.key_cache = u32(plan_.key_cache);
    d.value_cache = u32(plan_.value_cache);
    d.kv_layer_bytes = u32(uint64_t(context_) * uint64_t(c.kv_dim()) * sizeof(float));
    d.x = u32(plan_.x);
    d.xb = u32(plan_.xb);
    d.q = u32(plan_.q);
    d.att = u32(plan_.att);
    d.hb = u32(plan_.hb);
    d.hb2 = u32(plan_.hb2);
    d.scores = u32(plan_.scores);
    d.logits = u32(plan_.logits);
    d.layers = u32(plan_.layers);
    store(*target_, plan_.descriptor, d);
    if (w_.layers.size() != size_t(c.n_layers))
        fail("model/descriptor mismatch: {} layers of weights, num_hidden_layers {}", w_.layers.size(), c.n_layers);
    for (int32_t i = 0; i < c.n_layers; ++i) {
        const layer_weights& l = w_.layers[size_t(i)];
        layer_record r{};
        r.attn_norm = at(l.attn_norm, "attn_norm", i);
        matrix(l.wq, "wq", i, r.wq, r.wq_scales);
        matrix(l.wk, "wk", i, r.wk, r.wk_scales);
        matrix(l.wv, "wv", i, r.wv, r.wv_scales);
        matrix(l.wo, "wo", i, r.wo, r.wo_scales);
        r.ffn_norm = at(l.ffn_norm, "ffn_norm", i);
        matrix(l.w_gate, "w_gate", i, r.w_gate, r.w_gate_scales);
        matrix(l.w_up, "w_up", i, r.w_up, r.w_up_scales);
        matrix(l.w_down, "w_down", i, r.w_down, r.w_down_scales);
        store(*target_, plan_.layers + uint64_t(i) * sizeof r, r);
    }
}

// The descriptor in ISS memory must still describe this model (it is plain memory a program could overwrite).
void firmware_backend::check_descriptor() const {
    descriptor d{};
    target_->read_memory(plan_.descriptor, std::as_writable_bytes(std::span(&d, 1)));
    if (d.magic != descriptor_magic)
        fail("model/descriptor mismatch: descriptor at {:#x} has magic {:#010x}, expected {:#010x}", plan_.descriptor,
             d.magic, descriptor_magic);
    for (const geometry_field& g : geometry)
        if (d.*g.field != u32(w_.config.*g.config))
            fail("model/descriptor mismatch: descriptor field {} is {}, the model has {}", g.name, d.*g.field,
                 w_.config.*g.config);
    if (d.context != u32(context_))
        fail("model/descriptor mismatch: descriptor context is {}, the back end has {}", d.context, context_);
}

void firmware_backend::forward(int32_t token, int32_t pos) {
    const model_config& c = w_.config;
    if (token < 0 || token >= c.vocab_size) fail("invalid token id {} (vocab size {})", token, c.vocab_size);
    if (pos < 0 || pos >= context_)
        fail("context full: position {} does not fit the context length {}", pos, context_);
    check_descriptor();
    target_->write32(plan_.descriptor + offsetof(descriptor, token), u32(token));
    target_->write32(plan_.descriptor + offsetof(descriptor, pos), u32(pos));
    target_->reset(entry_);
    const target_result r = last_run_ = target_->run(max_instructions_per_forward);
    switch (r.reason) {
    case target_stop::halted:
        if (r.halt_value != uint32_t(halt_code::ok))
            fail("firmware stopped with code {} ({}) on token {} at position {}", r.halt_value, halt_code_name(r.halt_value),
                 token, pos);
        return;
    case target_stop::trapped:
        fail("firmware trap {} in {} (pc {:#010x}, bits {:#010x}: {}), address {:#010x}, on token {} at position {}",
             iss::trap_name(r.trap), locate(r.pc), r.pc, r.bits, disasm::format_instruction(r.bits, r.pc), r.trap_addr,
             token, pos);
    case target_stop::limit:
        fail("firmware did not halt within {} instructions (pc {:#010x} in {}) on token {} at position {}",
             max_instructions_per_forward, r.pc, locate(r.pc), token, pos);
    }
}

void firmware_backend::read_logits(std::span<float> out) const {
    if (out.size() != size_t(w_.config.vocab_size)) fail("internal error: logits buffer holds {} floats", out.size());
    target_->read_memory(plan_.logits, std::as_writable_bytes(out));
}

void firmware_backend::eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) {
    const model_config& c = w_.config;
    const auto n = static_cast<int64_t>(tokens.size());
    check_eval_request(tokens, start_pos, logits.size(), all_logits);
    const size_t vocab = size_t(c.vocab_size);
    for (int64_t i = 0; i < n; ++i) {
        forward(tokens[size_t(i)], static_cast<int32_t>(start_pos + i));
        if (all_logits) read_logits(logits.subspan(size_t(i) * vocab, vocab));
        else if (i == n - 1) read_logits(logits);
    }
}

}  // namespace smol::firmware
