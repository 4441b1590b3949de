// The instruction budget of the firmware on the full SmolLM2-135M geometry (random weights): at most 10M
// dynamic instructions per token at position 0, the INT8 and block schemes. Labels firmware and slow. (Its logits and
// greedy continuation against the engine: backend_ops.iss.smollm2_135m.*, backends/tests.)
#include "engine/src/make_model.h"
#include "engine/tests/test_models.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"

#include <gtest/gtest.h>

namespace {

using smol::quant_scheme;

class smollm2_135m : public ::testing::TestWithParam<quant_scheme> {};

TEST_P(smollm2_135m, instructions_per_token_at_position_0) {
    auto m = smol::testing::random_image_model(smol::make_model_preset("smollm2-135m"), GetParam(), 3);
    smol::firmware::firmware_backend iss(m.weights, {m.image.data(), m.image.size()}, 32,
                                         smol::firmware::iss_target_factory());
    iss.forward(1, 0);
    std::printf("%s: %llu instructions at position 0\n", smol::quant_scheme_name(GetParam()),
                static_cast<unsigned long long>(iss.last_run().retired));
    EXPECT_GT(iss.last_run().retired, 0u);
    EXPECT_LE(iss.last_run().retired, 10'000'000u);
}

INSTANTIATE_TEST_SUITE_P(all, smollm2_135m, ::testing::Values(quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0,
                                                                  quant_scheme::q4_0),
                         [](const auto& p) { return std::string(smol::quant_scheme_name(p.param)); });

}  // namespace
