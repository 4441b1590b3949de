// fp32 semantics against independent expectations: exact hand values, and the transcendentals against
// double-precision libm on a sample (the exhaustive sweep is iss/bench/ulp_sweep.cpp).
#include "iss/src/fp32.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdlib>
#include <random>

namespace {
namespace fp = smol::iss::fp;

uint32_t u(float v) { return std::bit_cast<uint32_t>(v); }

// Distance in ulps between an fp32 result and an exact (double) value.
double ulp_error(uint32_t got, double exact) {
    float g = std::bit_cast<float>(got);
    if (std::isinf(g) && std::isinf(static_cast<float>(exact)) && (g > 0) == (exact > 0)) return 0;
    if (std::isinf(exact) || std::isinf(g)) return 1e9;
    double ax = std::fabs(exact);
    int e;
    std::frexp(ax < 0x1p-126 ? 0x1p-126 : ax, &e);
    double ulp = std::ldexp(1.0, e - 24);
    return std::fabs(g - exact) / ulp;
}

TEST(fp32, exact_special_values) {
    EXPECT_EQ(fp::exp(u(0.0f)), 0x3f800000u);
    EXPECT_EQ(fp::exp(u(-0.0f)), 0x3f800000u);
    EXPECT_EQ(fp::exp(0x7f800000u), 0x7f800000u);  // +inf
    EXPECT_EQ(fp::exp(0xff800000u), 0u);           // -inf
    EXPECT_EQ(fp::exp(u(89.0f)), 0x7f800000u);
    EXPECT_EQ(fp::exp(u(-105.0f)), 0u);
    EXPECT_EQ(fp::exp(0x7fc00001u), 0x7fc00000u);
    EXPECT_EQ(fp::silu(0x7f800000u), 0x7f800000u);
    EXPECT_EQ(fp::silu(0xff800000u), 0x80000000u);  // -inf -> -0
    EXPECT_EQ(fp::silu(u(-0.0f)), 0x80000000u);
    EXPECT_EQ(fp::silu(u(100.0f)), u(100.0f));
    EXPECT_EQ(fp::rsqrt(u(0.0f)), 0x7f800000u);
    EXPECT_EQ(fp::rsqrt(u(-0.0f)), 0xff800000u);
    EXPECT_EQ(fp::rsqrt(u(-1.0f)), 0x7fc00000u);
    EXPECT_EQ(fp::rsqrt(0x7f800000u), 0u);
    EXPECT_EQ(fp::rsqrt(u(0.25f)), u(2.0f));
    EXPECT_EQ(fp::recip(u(0.0f)), 0x7f800000u);
    EXPECT_EQ(fp::recip(u(-4.0f)), u(-0.25f));
    EXPECT_EQ(fp::sqrt(u(2.0f)), 0x3fb504f3u);  // sqrt(2) = 1.41421354 correctly rounded
    EXPECT_EQ(fp::sqrt(u(-0.0f)), 0x80000000u);
    EXPECT_EQ(fp::div(u(1.0f), u(0.0f)), 0x7f800000u);
    EXPECT_EQ(fp::div(u(0.0f), u(0.0f)), 0x7fc00000u);
    EXPECT_EQ(fp::mul(0x7f800000u, 0u), 0x7fc00000u);
    EXPECT_EQ(fp::fma(u(2.0f), u(3.0f), u(1.0f)), u(7.0f));
    // fma rounds once: (1 + 2^-23)^2 - 1 keeps the 2^-46 term that a separate multiply would lose
    EXPECT_EQ(fp::fma(0x3f800001u, 0x3f800001u, u(-1.0f)), u(0x1p-22f + 0x1p-46f));
    EXPECT_EQ(fp::add(0x00000001u, 0x00000001u), 0x00000002u);  // subnormal arithmetic
    EXPECT_EQ(fp::cvt_w_s(u(-0.99f)), 0u);
    EXPECT_EQ(fp::cvt_w_s(u(-2147483648.0f)), 0x80000000u);
}

TEST(fp32, transcendentals_close_to_libm_on_a_sample) {
    std::mt19937 rng(7);
    double worst_exp = 0, worst_silu = 0, worst_rsqrt = 0;
    for (int i = 0; i < 200000; ++i) {
        float x = std::ldexp(static_cast<float>(rng()) / 4294967296.0f * 2 - 1, static_cast<int>(rng() % 8));
        worst_exp = std::max(worst_exp, ulp_error(fp::exp(u(x)), std::exp(static_cast<double>(x))));
        double xd = x;
        worst_silu = std::max(worst_silu, ulp_error(fp::silu(u(x)), xd / (1.0 + std::exp(-xd))));
        float p = std::fabs(x) + 1e-3f;
        worst_rsqrt = std::max(worst_rsqrt, ulp_error(fp::rsqrt(u(p)), 1.0 / std::sqrt(static_cast<double>(p))));
    }
    EXPECT_LT(worst_exp, 2.0);
    EXPECT_LT(worst_silu, 4.0);
    EXPECT_LT(worst_rsqrt, 1.5);
    // exp into the subnormal range: e^-100 = 3.72e-44 is subnormal; error measured in subnormal ulps
    for (float x = -103.9f; x < -87.0f; x += 0.01f)
        EXPECT_LT(ulp_error(fp::exp(u(x)), std::exp(static_cast<double>(x))), 1.0) << x;
    for (float x = -110.0f; x < -80.0f; x += 0.01f)
        EXPECT_LT(ulp_error(fp::silu(u(x)), x * std::exp(static_cast<double>(x)) / (1 + std::exp(static_cast<double>(x)))), 4.0) << x;
}

TEST(fp32, host_flush_to_zero_mode_does_not_leak_into_results) {
    // The ISS forces IEEE mode around run(); fp32 helpers used directly rely on the default MXCSR.
    EXPECT_EQ(fp::mul(0x00800000u, 0x3f000000u), 0x00400000u);
}

}  // namespace
