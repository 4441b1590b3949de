#pragma once
// What `smol bench` measures besides the forward pass itself: the machine's memory read bandwidth, the
// bytes of weights a decode step reads (which, divided by the bandwidth, bound decode speed), peak RSS.
#include "model/src/model_weights.h"
#include "engine/src/thread_pool.h"

#include <cstdint>

namespace smol {

// Weight bytes one decode step reads: every layer matrix, its scales and norms, the LM head, one
// embedding row (the embedding is read whole only as a tied LM head).
int64_t decode_weight_bytes(const model_weights& w);

// Bytes of the matrices' kernel-made copies (matrix_cache: the amx tier's tile panels) made so far, each
// shared cache (a tied LM head's is the embedding's) once.
int64_t matrix_cache_bytes(const model_weights& w);

// Bytes of the KV cache of a transformer holding `context` positions.
int64_t kv_cache_bytes(const model_config& c, int32_t context);

// Streaming read bandwidth in bytes/s of a `buffer_bytes` buffer read by the threads of `pool`: the best of
// `repetitions` passes after one warm-up pass (other processes only ever slow a pass down, and the bound it
// gives must not be lower than what decode reaches). From DRAM when the buffer is well beyond the
// last-level cache (twice it or more), from the caches when it fits in them.
double memory_read_bandwidth(thread_pool& pool, int64_t buffer_bytes, int32_t repetitions);

// The size of the largest (last-level) CPU cache in bytes, from /sys (else sysconf); 0 when unknown.
int64_t last_level_cache_bytes();

// The process's peak resident set size so far, in bytes.
int64_t peak_rss_bytes();

}  // namespace smol
