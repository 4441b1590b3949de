#pragma once
// A layer behind the back-end interface (engine, ISS, RTL, gates): the prompt, then n greedy tokens.
#include "engine/src/backend.h"
#include "verify/src/layer_result.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace smol::verify {

// Called after each forward pass of a layer evaluated token by token: (positions done, positions in all).
using progress_fn = std::function<void(size_t done, size_t total)>;

// `one_call_prefill`: the prompt in one eval call (the engine's batched prefill, as `smol logits` and
// `generate` run it); otherwise one call per position, so long layers can report progress and the firmware
// layers their instructions per forward pass.
layer_result run_backend_layer(inference_backend& backend, std::span<const int32_t> prompt, int32_t n,
                               bool one_call_prefill, const progress_fn& progress);

}  // namespace smol::verify
