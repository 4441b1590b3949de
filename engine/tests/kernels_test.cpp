// The AVX2 kernels against the portable ones on random data and awkward sizes (columns not a multiple of
// eight, single rows, row ranges that do not start at zero). Skipped where the CPU has no AVX2.
#include "engine/src/cpu_features.h"
#include "engine/src/kernels.h"
#include "engine/src/kernels_simd.h"
#include "engine/src/sampler.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <cmath>
#include <gtest/gtest.h>
#include <vector>

namespace {

using smol::matrix_view;
using smol::weight_dtype;

struct random_matrix {
    std::vector<float> f32;
    std::vector<int8_t> q8;
    std::vector<float> scales;
    matrix_view view;
};

random_matrix make_matrix(int32_t rows, int32_t cols, weight_dtype dtype, bool per_row, uint64_t seed) {
    smol::random_generator rng(seed);
    random_matrix m;
    m.view.dtype = dtype;
    m.view.rows = rows;
    m.view.cols = cols;
    const size_t n = size_t(rows) * size_t(cols);
    if (dtype == weight_dtype::f32) {
        m.f32.resize(n);
        for (float& x : m.f32) x = float(rng.uniform() - 0.5);
        m.view.f32 = m.f32.data();
    } else {
        m.q8.resize(n);
        for (int8_t& x : m.q8) x = static_cast<int8_t>(int(rng.uniform() * 255.0) - 127);
        m.scales.resize(per_row ? size_t(rows) : 1);
        for (float& s : m.scales) s = 0.001f + 0.01f * float(rng.uniform());
        m.view.q8 = m.q8.data();
        m.view.scales = m.scales.data();
        m.view.scale_count = int32_t(m.scales.size());
    }
    return m;
}

std::vector<float> random_vector(size_t n, uint64_t seed) {
    smol::random_generator rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = float(rng.uniform() * 2.0 - 1.0);
    return v;
}

class simd_kernels : public ::testing::Test {
protected:
    void SetUp() override {
        if (!smol::cpu_has_avx2_fma()) GTEST_SKIP() << "no AVX2/FMA on this CPU";
    }
    // The caller-owned panel space the int8 prefill kernel needs for `cols`-wide rows.
    float* scratch(int32_t cols) {
        scratch_.assign(size_t(smol::kernels::matmul_scratch_floats(cols)), 0.0f);
        return scratch_.data();
    }
    std::vector<float> scratch_;
};

// Sums of up to a few thousand products of magnitude <= 1: rounding differences stay far below 1e-5
// relative to the sum of absolute products.
void expect_close(float simd, float portable, float magnitude, const std::string& where) {
    EXPECT_NEAR(simd, portable, 1e-5f * std::max(1.0f, magnitude)) << where;
}

TEST_F(simd_kernels, matmul_matches_portable_on_awkward_shapes) {
    const int32_t shapes[][2] = {{1, 1}, {1, 7}, {3, 8}, {9, 9}, {17, 31}, {8, 64}, {13, 100}, {33, 576}, {5, 1537}};
    for (auto [rows, cols] : shapes) {
        for (weight_dtype dtype : {weight_dtype::f32, weight_dtype::q8}) {
            for (bool per_row : {false, true}) {
                if (dtype == weight_dtype::f32 && per_row) continue;
                auto m = make_matrix(rows, cols, dtype, per_row, uint64_t(rows * 1000 + cols));
                for (int32_t n_tokens : {1, 2, 3, 4, 7, 70}) {
                    auto in = random_vector(size_t(n_tokens) * cols, 99);
                    // Row ranges not starting at zero, as a thread's share of the rows.
                    for (auto [begin, end] : {std::pair{0, rows}, std::pair{rows / 3, rows}, std::pair{0, (rows + 1) / 2}}) {
                        std::vector<float> simd(size_t(n_tokens) * rows, -7.0f), portable(simd);
                        smol::kernels::avx2::matmul_rows(simd.data(), in.data(), n_tokens, m.view, begin, end, scratch(cols));
                        smol::kernels::portable::matmul_rows(portable.data(), in.data(), n_tokens, m.view, begin, end, nullptr);
                        for (int32_t t = 0; t < n_tokens; ++t)
                            for (int32_t r = 0; r < rows; ++r) {
                                const size_t i = size_t(t) * rows + r;
                                if (r < begin || r >= end) {
                                    ASSERT_EQ(simd[i], -7.0f) << "wrote outside its rows";
                                    continue;
                                }
                                const float scale = dtype == weight_dtype::f32 ? 1.0f : m.view.scale(r);
                                expect_close(simd[i], portable[i], float(cols) * scale * (dtype == weight_dtype::f32 ? 0.5f : 127.0f),
                                             fmt::format("{}x{} tokens {} r {} t {}", rows, cols, n_tokens, r, t));
                            }
                    }
                }
            }
        }
    }
}

// Each (row, token) is summed the same way by every block shape: a token's result does not depend on the
// batch it came in, nor on the rows computed with it.
TEST_F(simd_kernels, matmul_results_do_not_depend_on_batch_or_row_split) {
    auto m = make_matrix(37, 77, weight_dtype::q8, true, 5);
    const int32_t n_tokens = 11;
    auto in = random_vector(size_t(n_tokens) * 77, 6);
    std::vector<float> batch(size_t(n_tokens) * 37);
    smol::kernels::avx2::matmul_rows(batch.data(), in.data(), n_tokens, m.view, 0, 37, scratch(77));
    for (int32_t t = 0; t < n_tokens; ++t) {
        std::vector<float> one(37);
        smol::kernels::avx2::matmul_rows(one.data(), in.data() + size_t(t) * 77, 1, m.view, 0, 13, scratch(77));
        smol::kernels::avx2::matmul_rows(one.data(), in.data() + size_t(t) * 77, 1, m.view, 13, 37, scratch(77));
        for (int32_t r = 0; r < 37; ++r) ASSERT_EQ(one[size_t(r)], batch[size_t(t) * 37 + r]) << "t " << t << " r " << r;
    }
}

TEST_F(simd_kernels, dot_and_axpy_match_portable) {
    for (int32_t n : {1, 5, 8, 9, 16, 63, 64, 65, 576}) {
        auto a = random_vector(size_t(n), 1), b = random_vector(size_t(n), 2);
        expect_close(smol::kernels::avx2::dot_f32(a.data(), b.data(), n),
                     smol::kernels::portable::dot_f32(a.data(), b.data(), n), float(n), fmt::format("dot n {}", n));
        auto y1 = random_vector(size_t(n), 3), y2 = y1;
        smol::kernels::avx2::axpy(y1.data(), 0.37f, a.data(), n);
        smol::kernels::portable::axpy(y2.data(), 0.37f, a.data(), n);
        for (int32_t i = 0; i < n; ++i) EXPECT_NEAR(y1[size_t(i)], y2[size_t(i)], 1e-6f) << "axpy n " << n << " i " << i;
    }
}

TEST_F(simd_kernels, attention_kernels_match_portable) {
    for (int32_t head_dim : {8, 12, 64, 72}) {
        const int64_t stride = 3 * head_dim + 5;  // a head inside a wider cache row
        for (int32_t count : {1, 7, 8, 9, 33, 130}) {
            auto q = random_vector(size_t(head_dim), 1), cache = random_vector(size_t(count) * size_t(stride), 2);
            std::vector<float> simd(static_cast<size_t>(count)), portable(static_cast<size_t>(count));
            smol::kernels::avx2::attention_scores(simd.data(), q.data(), cache.data(), stride, count, head_dim, 0.125f);
            smol::kernels::portable::attention_scores(portable.data(), q.data(), cache.data(), stride, count, head_dim, 0.125f);
            for (int32_t s = 0; s < count; ++s)
                expect_close(simd[size_t(s)], portable[size_t(s)], float(head_dim), fmt::format("scores d {} count {} s {}", head_dim, count, s));
            // A position's score does not depend on how many positions are visible (decode vs prefill).
            std::vector<float> fewer(static_cast<size_t>(count));
            smol::kernels::avx2::attention_scores(fewer.data(), q.data(), cache.data(), stride, count - count / 2, head_dim, 0.125f);
            for (int32_t s = 0; s < count - count / 2; ++s) ASSERT_EQ(fewer[size_t(s)], simd[size_t(s)]);
            auto weights = random_vector(size_t(count), 3);
            std::vector<float> out_simd(size_t(head_dim), -1.0f), out_portable(size_t(head_dim), -2.0f);
            smol::kernels::avx2::attention_values(out_simd.data(), weights.data(), cache.data(), stride, count, head_dim);
            smol::kernels::portable::attention_values(out_portable.data(), weights.data(), cache.data(), stride, count, head_dim);
            for (int32_t i = 0; i < head_dim; ++i)
                expect_close(out_simd[size_t(i)], out_portable[size_t(i)], float(count), fmt::format("values d {} count {} i {}", head_dim, count, i));
        }
    }
}

TEST_F(simd_kernels, softmax_and_silu_match_portable) {
    for (int32_t n : {1, 5, 8, 13, 64, 100, 1536}) {
        auto x = random_vector(size_t(n), 4);
        for (float& v : x) v *= 30.0f;  // logits-like spread, some far below the max
        auto a = x, b = x;
        smol::kernels::avx2::softmax(a.data(), n);
        smol::kernels::portable::softmax(b.data(), n);
        for (int32_t i = 0; i < n; ++i) EXPECT_NEAR(a[size_t(i)], b[size_t(i)], 1e-6f * std::max(1.0f, b[size_t(i)])) << "softmax n " << n;
        auto up = random_vector(size_t(n), 5);
        auto g1 = x, g2 = x;
        smol::kernels::avx2::silu_mul(g1.data(), up.data(), n);
        smol::kernels::portable::silu_mul(g2.data(), up.data(), n);
        for (int32_t i = 0; i < n; ++i)
            EXPECT_NEAR(g1[size_t(i)], g2[size_t(i)], 1e-6f * std::max(1.0f, std::fabs(g2[size_t(i)]))) << "silu n " << n << " x " << x[size_t(i)];
    }
}

TEST(cpu_features, forcing_portable_switches_the_active_path) {
    smol::force_portable_kernels(true);
    EXPECT_EQ(smol::active_simd(), smol::simd_level::portable);
    smol::force_portable_kernels(false);
    EXPECT_EQ(smol::active_simd() == smol::simd_level::avx2,
              smol::cpu_has_avx2_fma() && std::getenv("SMOL_SIMD") == nullptr);
}

}  // namespace
