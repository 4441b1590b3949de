#include "common/error.h"
#include "engine/src/sampler.h"

#include <cmath>
#include <gtest/gtest.h>
#include <map>

namespace {

TEST(sampler, greedy_takes_the_lowest_id_among_equal_maxima) {
    smol::sampler s({});
    std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
    EXPECT_EQ(s.sample(logits), 1);
}

TEST(sampler, same_seed_same_tokens_other_seed_other_tokens) {
    std::vector<float> logits(50);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = std::sin(float(i));
    auto run = [&](uint64_t seed) {
        smol::sampler s({1.0f, 0, 1.0f, seed});
        std::vector<int32_t> out;
        for (int i = 0; i < 64; ++i) out.push_back(s.sample(logits));
        return out;
    };
    EXPECT_EQ(run(42), run(42));
    EXPECT_NE(run(42), run(43));
}

TEST(sampler, top_k_one_and_tiny_top_p_are_greedy) {
    std::vector<float> logits = {0.1f, 0.3f, 3.0f, 0.2f};
    smol::sampler k1({2.0f, 1, 1.0f, 5});
    smol::sampler p_small({2.0f, 0, 1e-6f, 5});
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(k1.sample(logits), 2);
        EXPECT_EQ(p_small.sample(logits), 2);
    }
}

// Frequencies follow softmax(logits / T) restricted to the nucleus: with p = 0.75 over probabilities
// 0.5, 0.3, 0.2 (T = 1), only ids 0 and 1 remain, in ratio 5:3.
TEST(sampler, nucleus_keeps_the_smallest_prefix_and_renormalises) {
    std::vector<float> logits = {std::log(0.5f), std::log(0.3f), std::log(0.2f)};
    smol::sampler s({1.0f, 0, 0.75f, 9});
    std::map<int32_t, int> counts;
    const int n = 40000;
    for (int i = 0; i < n; ++i) ++counts[s.sample(logits)];
    EXPECT_EQ(counts[2], 0);
    EXPECT_NEAR(double(counts[0]) / n, 0.625, 0.01);
    EXPECT_NEAR(double(counts[1]) / n, 0.375, 0.01);
}

TEST(sampler, temperature_sharpens_the_distribution) {
    std::vector<float> logits = {0.0f, 1.0f};
    smol::sampler s({0.5f, 0, 1.0f, 3});
    int ones = 0;
    const int n = 40000;
    for (int i = 0; i < n; ++i) ones += s.sample(logits) == 1;
    const double expected = 1.0 / (1.0 + std::exp(-2.0));  // softmax of {0, 2}
    EXPECT_NEAR(double(ones) / n, expected, 0.01);
}

TEST(sampler, rejects_out_of_range_parameters_naming_the_flag) {
    auto message = [](smol::sampling_params p) {
        try {
            p.validate();
        } catch (const smol::error& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(message({-1.0f, 0, 1.0f, 0}).find("--temp"), std::string::npos);
    EXPECT_NE(message({std::nanf(""), 0, 1.0f, 0}).find("--temp"), std::string::npos);
    EXPECT_NE(message({1.0f, -1, 1.0f, 0}).find("--top-k"), std::string::npos);
    EXPECT_NE(message({1.0f, 0, 0.0f, 0}).find("--top-p"), std::string::npos);
    EXPECT_NE(message({1.0f, 0, 1.5f, 0}).find("--top-p"), std::string::npos);
    EXPECT_EQ(message({0.7f, 40, 0.9f, 0}), "");
}

}  // namespace
