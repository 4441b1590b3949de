#pragma once
// The generation loop, written once over any back end: prefill the prompt, then sample and decode one token
// at a time until -n tokens, a stop token, or the end of the context.
#include "engine/src/backend.h"
#include "engine/src/sampler.h"

#include <functional>
#include <span>
#include <vector>

namespace smol {

enum class stop_reason { length, stop_token, context_full, interrupted };
const char* stop_reason_name(stop_reason reason);

struct generation_stats {
    int32_t prompt_tokens = 0;
    int32_t generated_tokens = 0;
    double prompt_seconds = 0.0;
    double generate_seconds = 0.0;
    stop_reason reason = stop_reason::length;
};

struct generation_request {
    std::span<const int32_t> prompt;
    int32_t start_pos = 0;  // positions before it are already in the back end's cache (chat turns)
    int32_t max_new_tokens = 0;
    std::vector<int32_t> stop_tokens;  // generated, reported, then generation stops
};

// Calls on_token for each generated token as soon as it is sampled; returning false stops generation
// (stop_reason::interrupted). The tokens evaluated into the back end's cache are prompt + generated tokens,
// less the last one sampled (it is only evaluated when generation goes on).
generation_stats generate(inference_backend& backend, const generation_request& request, sampler& sampler,
                          const std::function<bool(int32_t)>& on_token);

}  // namespace smol
