#pragma once
// Picks the next token from logits: greedy (temperature 0), or temperature + top-k + top-p (nucleus)
// sampling from a seeded generator, reproducible across runs and machines.
#include <cstdint>
#include <span>
#include <vector>

namespace smol {

struct sampling_params {
    float temperature = 0.0f;  // 0: greedy
    int32_t top_k = 0;         // 0: no top-k cut
    float top_p = 1.0f;        // 1: no nucleus cut
    uint64_t seed = 0;

    void validate() const;  // throws smol::error naming the flag and its valid range
};

// xoshiro256** seeded through splitmix64: fixed output for a seed, unlike std distributions.
class random_generator {
public:
    explicit random_generator(uint64_t seed);
    uint64_t next();
    double uniform();  // [0, 1) with 53 random bits

private:
    uint64_t s_[4];
};

class sampler {
public:
    explicit sampler(const sampling_params& params);
    int32_t sample(std::span<const float> logits);

    static int32_t argmax(std::span<const float> logits);  // lowest id among equal maxima

private:
    sampling_params params_;
    random_generator rng_;
    std::vector<std::pair<float, int32_t>> candidates_;  // (probability, id), reused across calls
};

}  // namespace smol
