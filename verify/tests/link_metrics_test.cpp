// The link metrics of `smol verify` on hand-made layer results: which positions are compared, how a NaN,
// a -0.0 and a top-k-only child count, and how bounds over several links add up.
#include "verify/src/link_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace smol::verify;

layer_result full(std::vector<float> logits, size_t vocab, std::vector<int32_t> stream) {
    layer_result r;
    r.vocab = vocab;
    r.logits = std::move(logits);
    r.stream = std::move(stream);
    return r;
}

constexpr bound relative_1e4{bound_form::relative, 1e-4, ""};
constexpr bound exact{bound_form::bit_identical, 0, ""};

TEST(link_metrics, positions_stop_where_the_streams_part) {
    // Prompt of 2, 3 greedy tokens: positions 0..3. The streams part at token 1: positions 0..2 compare.
    const layer_result a = full({0, 1, 1, 0, 0, 1, 5, 5}, 2, {1, 0, 1});
    const layer_result b = full({0, 1, 1, 0, 0.5, 1, -9, 9}, 2, {1, 1, 0});
    const link_metrics m = compare_layers(a, b, 2);
    EXPECT_EQ(m.positions, 3u);
    ASSERT_TRUE(m.first_stream_difference);
    EXPECT_EQ(*m.first_stream_difference, 1u);
    EXPECT_DOUBLE_EQ(m.max_abs, 0.5);  // position 3 (14 apart) is not compared
    EXPECT_EQ(m.worst_position, 2);
    EXPECT_FALSE(holds({relative_1e4}, m));  // the streams differ
}

TEST(link_metrics, a_nan_is_an_infinite_difference) {
    const layer_result a = full({0, 1, 2, 3}, 2, {1});
    const layer_result b = full({0, 1, NAN, 3}, 2, {1});
    const link_metrics m = compare_layers(a, b, 2);
    EXPECT_TRUE(std::isinf(m.max_abs));
    EXPECT_FALSE(holds({relative_1e4}, m));
}

TEST(link_metrics, bit_identical_means_the_same_bits) {
    const layer_result a = full({0.0f, 1, 2, 3}, 2, {1});
    const layer_result b = full({-0.0f, 1, 2, 3}, 2, {1});
    const link_metrics m = compare_layers(a, b, 2);
    EXPECT_EQ(m.max_abs, 0.0);
    EXPECT_FALSE(m.bits_identical);
    EXPECT_FALSE(holds({exact}, m));
    EXPECT_TRUE(holds({relative_1e4}, m));
    EXPECT_TRUE(holds({exact}, compare_layers(a, a, 2)));
}

TEST(link_metrics, relative_bounds_scale_with_the_parent_logits_and_add_up) {
    const layer_result a = full({0, 100, -200, 3}, 2, {0});
    const layer_result b = full({0, 100.015f, -200, 3}, 2, {0});
    const link_metrics m = compare_layers(a, b, 2);
    EXPECT_DOUBLE_EQ(m.max_parent_logit, 200);
    EXPECT_NEAR(absolute_bound({relative_1e4}, m), 0.02, 1e-12);
    EXPECT_TRUE(holds({relative_1e4}, m));
    const layer_result c = full({0, 100.03f, -200, 3}, 2, {0});
    EXPECT_FALSE(holds({relative_1e4}, compare_layers(a, c, 2)));
    EXPECT_TRUE(holds({relative_1e4, relative_1e4, exact}, compare_layers(a, c, 2)));  // two links' worth
}

TEST(link_metrics, top_k_children_compare_logits_relative_to_the_top_token) {
    const layer_result a = full({1, 3, 2, 5, 4, 0}, 3, {1, 1});  // prompt 1, 2 tokens: positions 0, 1
    layer_result b;
    b.stream = {1, 1};
    // Log-probabilities a constant away from the logits at position 0; at position 1 id 1 is 0.25 below the
    // top where the logits say 1.0 below.
    b.top = {{{1, -1.0f}, {2, -2.0f}, {0, -3.0f}}, {{0, -0.75f}, {1, -1.0f}}};
    const link_metrics m = compare_layers(a, b, 1);
    EXPECT_EQ(m.positions, 2u);
    EXPECT_NEAR(m.per_position[0], 0.0, 1e-6);
    EXPECT_NEAR(m.max_abs, 0.75, 1e-6);
    EXPECT_EQ(m.top1_agree, 2);
    EXPECT_EQ(m.top5_agree, 1);  // position 1 lists only two ids
}

}  // namespace
