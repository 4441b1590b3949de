#include "engine/src/sampler.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>

namespace smol {

void sampling_params::validate() const {
    if (!(temperature >= 0.0f) || !std::isfinite(temperature))
        fail("--temp {} is out of range: expected a finite value >= 0 (0 = greedy)", temperature);
    if (top_k < 0) fail("--top-k {} is out of range: expected >= 0 (0 = off)", top_k);
    if (!(top_p > 0.0f && top_p <= 1.0f)) fail("--top-p {} is out of range: expected a value in (0, 1]", top_p);
}

namespace {
uint64_t splitmix64(uint64_t& state) {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}
uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

random_generator::random_generator(uint64_t seed) {
    for (uint64_t& word : s_) word = splitmix64(seed);
}

uint64_t random_generator::next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double random_generator::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

sampler::sampler(const sampling_params& params) : params_(params), rng_(params.seed) { params_.validate(); }

int32_t sampler::argmax(std::span<const float> logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

int32_t sampler::sample(std::span<const float> logits) {
    if (params_.temperature == 0.0f) return argmax(logits);
    // Unnormalised softmax of logits / temperature; sampling scales the target by the kept mass instead.
    const float max_logit = *std::max_element(logits.begin(), logits.end());
    candidates_.resize(logits.size());
    for (size_t i = 0; i < logits.size(); ++i) {
        double p = std::exp((double{logits[i]} - max_logit) / params_.temperature);
        candidates_[i] = {static_cast<float>(p), static_cast<int32_t>(i)};
    }
    // Most probable first; equal probabilities by id, so the order never depends on the sort algorithm.
    auto by_probability = [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; };
    size_t keep = candidates_.size();
    if (params_.top_k > 0 && size_t(params_.top_k) < keep) {
        keep = size_t(params_.top_k);
        std::partial_sort(candidates_.begin(), candidates_.begin() + keep, candidates_.end(), by_probability);
    } else {
        std::sort(candidates_.begin(), candidates_.end(), by_probability);
    }
    double kept_mass = 0.0;
    for (size_t i = 0; i < keep; ++i) kept_mass += candidates_[i].first;
    if (params_.top_p < 1.0f) {
        // The smallest prefix whose probability reaches top_p of what top-k kept (renormalised, as HF does).
        const double threshold = params_.top_p * kept_mass;
        double cumulative = 0.0;
        for (size_t i = 0; i < keep; ++i) {
            cumulative += candidates_[i].first;
            if (cumulative >= threshold) {
                keep = i + 1;
                kept_mass = cumulative;
                break;
            }
        }
    }
    double target = rng_.uniform() * kept_mass;
    double cumulative = 0.0;
    for (size_t i = 0; i < keep; ++i) {
        cumulative += candidates_[i].first;
        if (target < cumulative) return candidates_[i].second;
    }
    return candidates_[keep - 1].second;
}

}  // namespace smol
