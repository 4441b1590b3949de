// The ISS back end on the full SmolLM2-135M geometry (random weights): logits of a short prompt and a
// greedy continuation against the C++ engine, both INT8 schemes. Labels firmware and slow.
#include "engine/src/make_model.h"
#include "engine/src/transformer.h"
#include "engine/tests/test_models.h"
#include "firmware/src/iss_backend.h"
#include "firmware/tests/compare.h"

#include <gtest/gtest.h>

namespace {

using smol::quant_scheme;
using namespace smol::firmware::testing;

class smollm2_135m : public ::testing::TestWithParam<quant_scheme> {};

TEST_P(smollm2_135m, logits_and_greedy_match_engine) {
    auto m = smol::testing::random_image_model(smol::make_model_preset("smollm2-135m"), GetParam(), 3);
    smol::transformer engine(m.weights, 32);
    smol::firmware::iss_backend iss(m.weights, {m.image.data(), m.image.size()}, 32);
    const std::vector<int32_t> prompt = {1, 4093, 28, 17, 30000, 49151};
    auto want = all_logits(engine, prompt);
    auto got = all_logits(iss, prompt);
    logit_difference d = compare_logits(want, got, size_t(m.weights.config.vocab_size));
    std::printf("%s: max|dlogit| %.3g, max|logit| %.3g, ratio %.3g, top-5 mismatches %d, %llu instructions at pos %zu\n",
                smol::quant_scheme_name(GetParam()), d.max_abs_diff, d.max_abs_logit, d.max_abs_diff / d.max_abs_logit,
                d.top5_mismatches, static_cast<unsigned long long>(iss.last_stats().instret), prompt.size() - 1);
    EXPECT_LE(d.max_abs_diff, 1e-4 * d.max_abs_logit);
    EXPECT_EQ(d.top5_mismatches, 0);
    EXPECT_EQ(greedy(iss, prompt, 4), greedy(engine, prompt, 4));
    // The instruction budget of the issue: <= 10M dynamic instructions per token at position 0.
    iss.forward(prompt[0], 0);
    std::printf("%llu instructions at position 0\n", static_cast<unsigned long long>(iss.last_stats().instret));
    EXPECT_LE(iss.last_stats().instret, 10'000'000u);
}

INSTANTIATE_TEST_SUITE_P(all, smollm2_135m, ::testing::Values(quant_scheme::q8, quant_scheme::q8r),
                         [](const auto& p) { return std::string(smol::quant_scheme_name(p.param)); });

}  // namespace
