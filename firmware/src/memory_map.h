#pragma once
// Where everything lives in SMOL-32 memory for one model and context length (docs/memory-map.md).
#include "model/src/model_config.h"

#include <cstdint>

namespace smol::firmware {

struct memory_plan {
    uint64_t descriptor = 0, layers = 0;       // the descriptor and its layer records
    uint64_t model = 0, model_bytes = 0;       // the converted model image, verbatim
    uint64_t rope_cos = 0, rope_sin = 0;       // (context, head_dim/2) f32 each
    uint64_t key_cache = 0, value_cache = 0;   // (layers, context, kv_dim) f32 each
    uint64_t kv_bytes = 0;                     // of one of the two caches
    uint64_t x = 0, xb = 0, q = 0, att = 0, hb = 0, hb2 = 0, scores = 0, logits = 0;
    uint64_t stack_bottom = 0;                 // the stack grows down from size - 16 to here
    uint64_t size = 0;                         // memory size: a multiple of 4 KiB, at most 4 GiB
};

inline constexpr uint64_t stack_bytes = 64 * 1024;

// Throws smol::error naming the sizes when the model and context do not fit the 32-bit address space.
memory_plan plan_memory(const model_config& config, uint64_t model_bytes, int32_t context);

}  // namespace smol::firmware
