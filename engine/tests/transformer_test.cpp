#include "common/error.h"
#include "common/test_errors.h"
#include "engine/src/transformer.h"
#include "engine/tests/test_models.h"

#include <cmath>
#include <gtest/gtest.h>

namespace {

using smol::quant_scheme;

const std::vector<int32_t> prompt = {5, 17, 3, 96, 40, 40, 0, 61, 22, 9, 88, 1};

std::vector<float> logits_all_at_once(const smol::model_weights& w, int32_t batch) {
    smol::transformer t(w, 32, batch);
    std::vector<float> logits(prompt.size() * size_t(w.config.vocab_size));
    t.eval(prompt, 0, logits, true);
    return logits;
}

class transformer_schemes : public ::testing::TestWithParam<quant_scheme> {};

// Prefill in one batch, in odd-sized batches, and token-by-token decode must agree: they share the KV cache
// layout and kernels, so any difference is a bug in positions, masking or cache indexing.
TEST_P(transformer_schemes, prefill_batches_and_decode_agree) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(false), GetParam());
    const size_t vocab = size_t(m.weights.config.vocab_size);
    auto whole = logits_all_at_once(m.weights, 64);
    auto chunked = logits_all_at_once(m.weights, 5);
    smol::transformer decode(m.weights, 32, 64);
    std::vector<float> step(vocab);
    for (size_t i = 0; i < prompt.size(); ++i) {
        decode.eval(std::span(&prompt[i], 1), int32_t(i), step, false);
        for (size_t v = 0; v < vocab; ++v) {
            ASSERT_NEAR(step[v], whole[i * vocab + v], 1e-5f) << "position " << i << " id " << v;
            ASSERT_NEAR(chunked[i * vocab + v], whole[i * vocab + v], 1e-5f) << "position " << i << " id " << v;
        }
    }
    for (float x : whole) ASSERT_TRUE(std::isfinite(x));
}

TEST_P(transformer_schemes, last_logits_equal_last_row_of_all_logits) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), GetParam());
    const size_t vocab = size_t(m.weights.config.vocab_size);
    auto whole = logits_all_at_once(m.weights, 4);
    smol::transformer t(m.weights, 32, 4);
    std::vector<float> last(vocab);
    t.eval(prompt, 0, last, false);
    for (size_t v = 0; v < vocab; ++v) EXPECT_EQ(last[v], whole[(prompt.size() - 1) * vocab + v]);
}

// Rows and heads are split between threads, but every value is computed the same way: equal, not close.
TEST_P(transformer_schemes, one_and_two_threads_give_the_same_logits) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(false), GetParam());
    const size_t vocab = size_t(m.weights.config.vocab_size);
    std::vector<std::vector<float>> results;
    for (int32_t threads : {1, 2, 3}) {
        smol::transformer t(m.weights, 32, 64, threads);
        std::vector<float> logits(prompt.size() * vocab), step(vocab);
        t.eval(prompt, 0, logits, true);
        t.eval(std::span(&prompt[0], 1), int32_t(prompt.size()), step, false);  // one decode step
        logits.insert(logits.end(), step.begin(), step.end());
        results.push_back(logits);
    }
    EXPECT_EQ(results[0], results[1]);
    EXPECT_EQ(results[0], results[2]);
}

INSTANTIATE_TEST_SUITE_P(all, transformer_schemes,
                         ::testing::Values(quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0,
                                           quant_scheme::q4_0),
                         [](const auto& param_info) { return std::string(smol::quant_scheme_name(param_info.param)); });

std::string eval_error(smol::transformer& t, std::vector<int32_t> ids, int32_t pos) {
    std::vector<float> logits(size_t(t.config().vocab_size));
    return smol::testing::error_of([&] { t.eval(ids, pos, logits, false); });
}

TEST(transformer, rejects_out_of_range_token_ids_naming_them) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    smol::transformer t(m.weights, 16);
    EXPECT_EQ(eval_error(t, {3, -1}, 0), "invalid token id -1 (vocab size 97)");
    EXPECT_EQ(eval_error(t, {97}, 0), "invalid token id 97 (vocab size 97)");
    EXPECT_EQ(eval_error(t, {INT32_MAX}, 0), "invalid token id 2147483647 (vocab size 97)");
}

TEST(transformer, rejects_positions_past_the_context) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    smol::transformer t(m.weights, 8);
    EXPECT_EQ(eval_error(t, std::vector<int32_t>(9, 1), 0), "context full: positions 0..8 do not fit the context length 8");
    EXPECT_EQ(eval_error(t, {1}, 8), "context full: positions 8..8 do not fit the context length 8");
    EXPECT_EQ(eval_error(t, {}, 0), "no tokens to evaluate");
}

TEST(transformer, rejects_context_beyond_the_model_maximum) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    EXPECT_THROW(smol::transformer(m.weights, 65), smol::error);
    EXPECT_THROW(smol::transformer(m.weights, 0), smol::error);
}

}  // namespace
