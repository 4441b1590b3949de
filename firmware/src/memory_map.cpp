#include "firmware/src/memory_map.h"

#include "common/error.h"
#include "firmware/src/descriptor.h"

namespace smol::firmware {

namespace {

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// Hands out consecutive regions, each aligned to 64 bytes (a cache line; tensors keep their alignment).
struct allocator {
    uint64_t next;
    uint64_t take(uint64_t bytes, uint64_t alignment = 64) {
        uint64_t at = align_up(next, alignment);
        next = at + bytes;
        return at;
    }
};

}  // namespace

memory_plan plan_memory(const model_config& c, uint64_t model_bytes, int32_t context) {
    if (context < 1) fail("context length {} must be at least 1", context);
    const uint64_t ctx = uint64_t(context), f = sizeof(float);
    memory_plan p;
    allocator a{descriptor_addr};
    p.descriptor = a.take(sizeof(descriptor));
    p.layers = a.take(sizeof(layer_record) * uint64_t(c.n_layers));
    p.model = a.take(model_bytes, 4096);
    p.model_bytes = model_bytes;
    const uint64_t half = uint64_t(c.head_dim / 2);
    p.rope_cos = a.take(ctx * half * f);
    p.rope_sin = a.take(ctx * half * f);
    p.kv_bytes = uint64_t(c.n_layers) * ctx * uint64_t(c.kv_dim()) * f;
    p.key_cache = a.take(p.kv_bytes, 4096);
    p.value_cache = a.take(p.kv_bytes, 4096);
    p.x = a.take(uint64_t(c.hidden_size) * f);
    p.xb = a.take(uint64_t(c.hidden_size) * f);
    p.q = a.take(uint64_t(c.q_dim()) * f);
    p.att = a.take(uint64_t(c.q_dim()) * f);
    p.hb = a.take(uint64_t(c.intermediate_size) * f);
    p.hb2 = a.take(uint64_t(c.intermediate_size) * f);
    p.scores = a.take(ctx * f);
    p.logits = a.take(uint64_t(c.vocab_size) * f);
    p.stack_bottom = a.take(stack_bytes, 4096);
    p.size = align_up(a.next, 4096);
    constexpr uint64_t limit = uint64_t{1} << 32;
    if (p.size > limit)
        fail("the model ({} bytes) with a context of {} positions (KV cache {} bytes) needs {} bytes of SMOL-32 memory, "
             "more than the 32-bit address space ({} bytes); use a shorter context",
             model_bytes, context, 2 * p.kv_bytes, p.size, limit);
    return p;
}

}  // namespace smol::firmware
