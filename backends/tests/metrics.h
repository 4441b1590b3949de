#pragma once
// Shared by the firmware tests: run the same tokens through the C++ engine and the ISS back end and
// measure how far the logits are apart.
#include "engine/src/backend.h"
#include "engine/src/generate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace smol::firmware::testing {

inline std::vector<float> all_logits(inference_backend& b, const std::vector<int32_t>& tokens) {
    std::vector<float> out(tokens.size() * size_t(b.config().vocab_size));
    b.eval(tokens, 0, out, true);
    return out;
}

inline std::vector<int32_t> top_k(const float* logits, size_t vocab, size_t k) {
    std::vector<int32_t> ids(vocab);
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + long(k), ids.end(),
                      [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
    ids.resize(k);
    return ids;
}

struct logit_difference {
    double max_abs_diff = 0;   // max |iss - engine| over every position and id
    double max_abs_logit = 0;  // max |engine|
    int top5_mismatches = 0;   // positions whose top-5 ids (in order) differ
};

inline logit_difference compare_logits(const std::vector<float>& engine, const std::vector<float>& iss, size_t vocab) {
    logit_difference d;
    for (size_t i = 0; i < engine.size(); ++i) {
        d.max_abs_diff = std::max(d.max_abs_diff, double(std::fabs(engine[i] - iss[i])));
        d.max_abs_logit = std::max(d.max_abs_logit, double(std::fabs(engine[i])));
    }
    for (size_t p = 0; p < engine.size() / vocab; ++p)
        if (top_k(&engine[p * vocab], vocab, 5) != top_k(&iss[p * vocab], vocab, 5)) ++d.top5_mismatches;
    return d;
}

// Greedy continuation through the shared generation loop.
inline std::vector<int32_t> greedy(inference_backend& b, const std::vector<int32_t>& prompt, int32_t n) {
    sampler s(sampling_params{});
    std::vector<int32_t> out;
    generation_request req;
    req.prompt = prompt;
    req.max_new_tokens = n;
    generate(b, req, s, [&](int32_t id) {
        out.push_back(id);
        return true;
    });
    return out;
}

}  // namespace smol::firmware::testing
