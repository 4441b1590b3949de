#include "engine/src/generate.h"

#include "common/error.h"

#include <algorithm>
#include <chrono>

namespace smol {

const char* stop_reason_name(stop_reason reason) {
    switch (reason) {
        case stop_reason::length: return "length";
        case stop_reason::stop_token: return "stop token";
        case stop_reason::context_full: return "context full";
        case stop_reason::interrupted: return "interrupted";
    }
    return "unknown";
}

generation_stats generate(inference_backend& backend, const generation_request& request, sampler& sampler,
                          const std::function<bool(int32_t)>& on_token) {
    using clock = std::chrono::steady_clock;
    if (request.prompt.empty()) fail("empty prompt: at least one token is needed to start generation");
    if (request.max_new_tokens < 0) fail("-n {} is out of range: expected >= 0", request.max_new_tokens);
    generation_stats stats;
    stats.prompt_tokens = static_cast<int32_t>(request.prompt.size());
    std::vector<float> logits(size_t(backend.config().vocab_size));

    auto start = clock::now();
    backend.eval(request.prompt, request.start_pos, logits, false);
    stats.prompt_seconds = std::chrono::duration<double>(clock::now() - start).count();

    int32_t pos = request.start_pos + stats.prompt_tokens;
    start = clock::now();
    for (int32_t i = 0; i < request.max_new_tokens; ++i) {
        const int32_t token = sampler.sample(logits);
        ++stats.generated_tokens;
        if (!on_token(token)) {
            stats.reason = stop_reason::interrupted;
            break;
        }
        if (std::find(request.stop_tokens.begin(), request.stop_tokens.end(), token) != request.stop_tokens.end()) {
            stats.reason = stop_reason::stop_token;
            break;
        }
        if (i + 1 == request.max_new_tokens) break;
        if (pos >= backend.context_length()) {
            stats.reason = stop_reason::context_full;
            break;
        }
        backend.eval(std::span(&token, 1), pos++, logits, false);
    }
    stats.generate_seconds = std::chrono::duration<double>(clock::now() - start).count();
    return stats;
}

}  // namespace smol
