#pragma once
// The named metrics of the comparison suite (backend_ops_test.cpp): how far a back end's logits are from
// its reference's, and whether the top-k ids and the greedy stream are the same.
#include "engine/src/backend.h"
#include "engine/src/generate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <vector>

namespace smol::testing {

// Evaluates `tokens` from position 0 in the calls `splits` marks (each split is the first position of a
// call; {0} is one call), with every position's logits: [tokens.size(), vocab].
inline std::vector<float> logits_in_calls(inference_backend& b, std::span<const int32_t> tokens,
                                          std::span<const int32_t> splits) {
    const size_t vocab = size_t(b.config().vocab_size);
    std::vector<float> out(tokens.size() * vocab);
    for (size_t i = 0; i < splits.size(); ++i) {
        const size_t begin = size_t(splits[i]), end = i + 1 < splits.size() ? size_t(splits[i + 1]) : tokens.size();
        b.eval(tokens.subspan(begin, end - begin), int32_t(begin), std::span(out).subspan(begin * vocab, (end - begin) * vocab),
               true);
    }
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
    double max_abs_diff = 0;   // max |got - want| over every position and id
    double max_abs_logit = 0;  // max |want|
    int top_k_mismatches = 0;  // positions whose top-k ids (in order) differ
    double relative() const { return max_abs_logit > 0 ? max_abs_diff / max_abs_logit : max_abs_diff; }
};

inline logit_difference compare_logits(const std::vector<float>& want, const std::vector<float>& got, size_t vocab,
                                       size_t k) {
    logit_difference d;
    for (size_t i = 0; i < want.size(); ++i) {
        d.max_abs_diff = std::max(d.max_abs_diff, double(std::fabs(want[i] - got[i])));
        d.max_abs_logit = std::max(d.max_abs_logit, double(std::fabs(want[i])));
    }
    for (size_t p = 0; p < want.size() / vocab; ++p)
        if (top_k(&want[p * vocab], vocab, k) != top_k(&got[p * vocab], vocab, k)) ++d.top_k_mismatches;
    return d;
}

// Greedy continuation through the shared generation loop (no stop tokens: always n tokens).
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

}  // namespace smol::testing
