#pragma once
// The model descriptor: the one place the firmware learns a model's geometry and where everything lives
// (docs/memory-map.md). The host fills it; the firmware reads it. The assembler sees the same offsets
// through a generated include (firmware/tools/embed_firmware.cpp writes `.equ D_<NAME>, offset`), so the
// layout is written once, here.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace smol::firmware {

inline constexpr uint32_t descriptor_magic = 0x5746534d;  // "MSFW" little-endian
// Fixed addresses of the memory map: code from 0, the descriptor right after the code region.
inline constexpr uint32_t code_base = 0;
inline constexpr uint32_t code_limit = 0x10000;       // firmware code must fit below this
inline constexpr uint32_t descriptor_addr = 0x10000;  // = code_limit

// Per layer: tensor addresses (int8 data and f32 scales, or f32 data; norms f32), all absolute byte addresses.
struct layer_record {
    uint32_t attn_norm;
    uint32_t wq, wq_scales;
    uint32_t wk, wk_scales;
    uint32_t wv, wv_scales;
    uint32_t wo, wo_scales;
    uint32_t ffn_norm;
    uint32_t w_gate, w_gate_scales;
    uint32_t w_up, w_up_scales;
    uint32_t w_down, w_down_scales;
};

// Every field is a 32-bit word the firmware reads (the host re-checks magic and the geometry before each run): integers, fp32 bit patterns, or absolute byte addresses.
struct descriptor {
    uint32_t magic;
    // Geometry.
    uint32_t hidden, inter, n_layers, n_heads, n_kv_heads, head_dim, vocab, context;
    uint32_t q_dim, kv_dim, group;        // n_heads*head_dim, n_kv_heads*head_dim, n_heads/n_kv_heads
    float eps, attn_scale;                // rms_norm_eps, 1/sqrt(head_dim)
    uint32_t scale_stride;                // 0 (q8: one scale per tensor) or 4 (q8r, q8_0, q4_0: one per row) bytes per row
    // Mailbox: the host writes token and position before each forward pass.
    uint32_t token, pos;
    // Buffers.
    uint32_t embed, embed_scales, final_norm, lm_head, lm_head_scales;
    uint32_t rope_cos, rope_sin;          // (context, head_dim/2) f32 each
    uint32_t key_cache, value_cache;      // (layers, context, kv_dim) f32 each
    uint32_t kv_layer_bytes;              // context * kv_dim * 4
    uint32_t x, xb, q, att, hb, hb2, scores, logits;
    uint32_t layers;                      // address of n_layers layer_records
    uint32_t weight_kind;                 // weight_kind_*: which matvec/embed kernels run
};

// The matrices' element type (descriptor::weight_kind); f32 matrices have no scales (their fields are 0).
// With q8_0 / q4_0 the matrices are llama.cpp blocks with no scales field, except those whose rows are not
// whole blocks: int8 with row scales (docs/model-format.md), told apart by a non-zero scales address.
inline constexpr uint32_t weight_kind_int8 = 0;
inline constexpr uint32_t weight_kind_f32 = 1;
inline constexpr uint32_t weight_kind_q8_0 = 2;
inline constexpr uint32_t weight_kind_q4_0 = 3;

struct field {
    std::string_view name;
    uint32_t offset;
};

#define SMOL_D(f) field{#f, uint32_t(offsetof(descriptor, f))}
inline constexpr std::array descriptor_fields = {
    SMOL_D(magic), SMOL_D(hidden), SMOL_D(inter), SMOL_D(n_layers), SMOL_D(n_heads),
    SMOL_D(n_kv_heads), SMOL_D(head_dim), SMOL_D(vocab), SMOL_D(context), SMOL_D(q_dim), SMOL_D(kv_dim),
    SMOL_D(group), SMOL_D(eps), SMOL_D(attn_scale), SMOL_D(scale_stride),
    SMOL_D(token), SMOL_D(pos), SMOL_D(embed), SMOL_D(embed_scales), SMOL_D(final_norm), SMOL_D(lm_head),
    SMOL_D(lm_head_scales), SMOL_D(rope_cos), SMOL_D(rope_sin), SMOL_D(key_cache), SMOL_D(value_cache),
    SMOL_D(kv_layer_bytes), SMOL_D(x), SMOL_D(xb), SMOL_D(q), SMOL_D(att), SMOL_D(hb), SMOL_D(hb2),
    SMOL_D(scores), SMOL_D(logits), SMOL_D(layers), SMOL_D(weight_kind)};
#undef SMOL_D

#define SMOL_L(f) field{#f, uint32_t(offsetof(layer_record, f))}
inline constexpr std::array layer_fields = {
    SMOL_L(attn_norm), SMOL_L(wq), SMOL_L(wq_scales), SMOL_L(wk), SMOL_L(wk_scales), SMOL_L(wv),
    SMOL_L(wv_scales), SMOL_L(wo), SMOL_L(wo_scales), SMOL_L(ffn_norm), SMOL_L(w_gate), SMOL_L(w_gate_scales),
    SMOL_L(w_up), SMOL_L(w_up_scales), SMOL_L(w_down), SMOL_L(w_down_scales)};
#undef SMOL_L

// Halt codes the firmware leaves in r10 (0 = logits written).
enum class halt_code : uint32_t { ok = 0, bad_descriptor = 1, bad_token = 2, bad_position = 3 };

}  // namespace smol::firmware
