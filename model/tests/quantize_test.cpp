#include "model/src/quantize.h"

#include <gtest/gtest.h>
#include <vector>

namespace {

TEST(quantize, scale_is_max_abs_over_127_in_float32) {
    std::vector<float> w = {0.5f, -1.27f, 0.0f};
    EXPECT_EQ(smol::q8_scale(w), 1.27f / 127.0f);
}

TEST(quantize, rounds_half_to_even_and_clamps) {
    std::vector<float> w = {2.5f, 3.5f, -2.5f, 127.0f, -127.0f, 0.49f};
    std::vector<int8_t> q(w.size());
    smol::q8_quantize(w, 1.0f, q);
    EXPECT_EQ(q, (std::vector<int8_t>{2, 4, -2, 127, -127, 0}));
}

TEST(quantize, all_zero_tensor_has_zero_scale_and_zero_codes) {
    std::vector<float> w(5, 0.0f);
    std::vector<int8_t> q(w.size(), 9);
    const float scale = smol::q8_scale(w);
    smol::q8_quantize(w, scale, q);
    EXPECT_EQ(scale, 0.0f);
    EXPECT_EQ(q, std::vector<int8_t>(5, 0));
}

}  // namespace
