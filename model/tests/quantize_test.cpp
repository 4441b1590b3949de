#include "model/src/quantize.h"

#include "model/src/half.h"

#include <algorithm>

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

namespace {

std::vector<float> block_of(std::initializer_list<float> head, float fill = 0.0f) {
    std::vector<float> v(32, fill);
    std::copy(head.begin(), head.end(), v.begin());
    return v;
}

// max|x| = 127 makes d exactly 1 (and fp16(1) = 1), so x * id is x and the .5 cases are exact ties:
// llama.cpp's roundf rounds them away from zero (not to even as q8/q8r do).
TEST(quantize_q8_0, rounds_half_away_from_zero_with_a_float16_scale) {
    auto x = block_of({127.0f, 0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 126.5f, 0.49f});
    smol::block_q8_0 b{};
    smol::q8_0_quantize(x, {&b, 1});
    EXPECT_EQ(b.d, smol::f32_to_f16(1.0f));
    const int8_t want[] = {127, 1, 2, 3, -1, -3, 127, 0};
    for (int j = 0; j < 8; ++j) EXPECT_EQ(b.qs[j], want[j]) << "j " << j;
    for (int j = 8; j < 32; ++j) EXPECT_EQ(b.qs[j], 0);
    std::vector<float> back(32);
    smol::q8_0_dequantize({&b, 1}, back);
    EXPECT_EQ(back[3], 3.0f);
}

TEST(quantize_q8_0, zero_block_has_zero_scale_and_codes) {
    std::vector<float> x(64, 0.0f);
    smol::block_q8_0 b[2];
    smol::q8_0_quantize(x, b);
    for (const auto& block : b) {
        EXPECT_EQ(block.d, 0);
        for (int8_t q : block.qs) EXPECT_EQ(q, 0);
    }
}

// The first weight of largest magnitude sets d = m / -8: with m = -8, d = 1 and code = trunc(x + 8.5),
// clamped to 15; byte j packs weights j (low nibble) and j + 16 (high nibble).
TEST(quantize_q4_0, scale_from_the_signed_extreme_and_nibble_packing) {
    auto x = block_of({-8.0f, 7.5f, 0.0f, 0.49f, 0.5f, -0.5f, 8.0f, 3.2f});
    x[16] = 1.0f;
    x[17] = -7.9f;
    smol::block_q4_0 b{};
    smol::q4_0_quantize(x, {&b, 1});
    EXPECT_EQ(b.d, smol::f32_to_f16(1.0f));
    auto code = [](float v) { return std::min(15, int(v + 8.5f)); };
    for (int j = 0; j < 16; ++j) {
        EXPECT_EQ(b.qs[j] & 15, code(x[size_t(j)])) << "j " << j;
        EXPECT_EQ(b.qs[j] >> 4, code(x[size_t(j) + 16])) << "j " << j + 16;
    }
    EXPECT_EQ(b.qs[0] & 15, 0);   // -8
    EXPECT_EQ(b.qs[1] & 15, 15);  // 7.5 + 8.5 = 16, clamped
    EXPECT_EQ(b.qs[6] & 15, 15);  // +8: the other sign than the extreme, clamped
    EXPECT_EQ(b.qs[0] >> 4, 9);   // 1.0
    std::vector<float> back(32);
    smol::q4_0_dequantize({&b, 1}, back);
    EXPECT_EQ(back[0], -8.0f);
    EXPECT_EQ(back[6], 7.0f);
    EXPECT_EQ(back[16], 1.0f);
}

TEST(quantize_q4_0, ties_in_magnitude_keep_the_first_weight) {
    auto x = block_of({8.0f, -8.0f});
    smol::block_q4_0 b{};
    smol::q4_0_quantize(x, {&b, 1});
    EXPECT_EQ(b.d, smol::f32_to_f16(-1.0f));  // m = +8, the first
    EXPECT_EQ(b.qs[0] & 15, 0);   // 8 * -1 + 8.5
    EXPECT_EQ(b.qs[1] & 15, 15);  // -8 * -1 + 8.5 = 16.5, clamped
}

TEST(half, f32_to_f16_rounds_to_nearest_even) {
    EXPECT_EQ(smol::f32_to_f16(1.0f), 0x3c00);
    EXPECT_EQ(smol::f32_to_f16(-2.0f), 0xc000);
    EXPECT_EQ(smol::f32_to_f16(65504.0f), 0x7bff);
    EXPECT_EQ(smol::f32_to_f16(65520.0f), 0x7c00);           // halfway past the largest: to infinity
    EXPECT_EQ(smol::f32_to_f16(1.0f + 0x1p-11f), 0x3c00);     // tie: to even
    EXPECT_EQ(smol::f32_to_f16(1.0f + 3 * 0x1p-11f), 0x3c02); // tie: to even (up)
    EXPECT_EQ(smol::f32_to_f16(0x1p-24f), 0x0001);            // smallest subnormal
    EXPECT_EQ(smol::f32_to_f16(0x1p-25f), 0x0000);            // its half: a tie, to even (zero)
    for (uint16_t h : {uint16_t(0x0001), uint16_t(0x03ff), uint16_t(0x0400), uint16_t(0x3555), uint16_t(0xfbff)})
        EXPECT_EQ(smol::f32_to_f16(smol::f16_to_f32(h)), h) << h;
}

}  // namespace
