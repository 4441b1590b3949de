// The active tier's kernels (SMOL_SIMD, as the CTest names say: avx2.*, avx512.*, amx.*) against the portable
// ones on random data and awkward sizes (columns not a multiple of eight or sixteen, single rows, row ranges
// that do not start at zero), for every weight type. In the portable.* run they have nothing to compare
// against and say so by skipping.
#include "common/cpu_features.h"
#include "model/src/half.h"
#include "engine/src/kernel_table.h"
#include "engine/src/kernels.h"
#include "model/src/quantize.h"
#include "engine/src/sampler.h"
#include "engine/tests/random_matrix.h"

#include "common/error.h"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>
#include <cmath>
#include <gtest/gtest.h>
#include <vector>

namespace {

using smol::matrix_view;
using smol::weight_dtype;
using smol::testing::make_matrix;

std::vector<float> random_vector(size_t n, uint64_t seed) {
    smol::random_generator rng(seed);
    std::vector<float> v(n);
    for (float& x : v) x = float(rng.uniform() * 2.0 - 1.0);
    return v;
}

class simd_kernels : public ::testing::Test {
protected:
    void SetUp() override {
        if (smol::active_simd() == smol::simd_level::portable)
            GTEST_SKIP() << "the portable tier is the baseline the other tiers are compared with";
    }
    const smol::kernels::kernel_table& simd = smol::kernels::active_kernels();
    const smol::kernels::kernel_table& portable = smol::kernels::portable_kernels();
    // The caller-owned panel space the int8 prefill kernel needs for `cols`-wide rows.
    float* scratch(int32_t cols) {
        scratch_.assign(size_t(smol::kernels::matmul_scratch_floats(cols)), 0.0f);
        return scratch_.data();
    }
    std::vector<float> scratch_;
};

// Sum of |w| over a row: with activations in [-1, 1], it bounds the sum of absolute products.
float row_magnitude(const matrix_view& w, int32_t r) {
    std::vector<float> row(size_t(w.cols));
    smol::kernels::dequantize_row(row.data(), w, r);
    float sum = 0.0f;
    for (float x : row) sum += std::fabs(x);
    return sum;
}

// Sums of up to a few thousand products of magnitude <= 1: rounding differences stay far below 1e-5
// relative to the sum of absolute products.
void expect_close(float simd, float portable, float magnitude, const std::string& where) {
    EXPECT_NEAR(simd, portable, 1e-5f * std::max(1.0f, magnitude)) << where;
}

TEST_F(simd_kernels, matmul_matches_portable_on_awkward_shapes) {
    const int32_t shapes[][2] = {{1, 1}, {1, 7}, {3, 8}, {9, 9}, {17, 31}, {8, 64}, {13, 100}, {33, 576}, {5, 1537},
                                 {19, 32}, {27, 160}};
    for (auto [rows, cols] : shapes) {
        for (weight_dtype dtype : {weight_dtype::f32, weight_dtype::q8, weight_dtype::q8_0, weight_dtype::q4_0}) {
            const bool blocked = dtype == weight_dtype::q8_0 || dtype == weight_dtype::q4_0;
            if (blocked && cols % smol::quant_block_size != 0) continue;  // block rows are whole blocks
            for (bool per_row : {false, true}) {
                if (dtype != weight_dtype::q8 && per_row) continue;
                auto m = make_matrix(rows, cols, dtype, per_row, uint64_t(rows * 1000 + cols));
                for (int32_t n_tokens : {1, 2, 3, 4, 7, 70}) {
                    auto in = random_vector(size_t(n_tokens) * cols, 99);
                    // Row ranges not starting at zero, as a thread's share of the rows.
                    for (auto [begin, end] : {std::pair{0, rows}, std::pair{rows / 3, rows}, std::pair{0, (rows + 1) / 2}}) {
                        std::vector<float> simd_out(size_t(n_tokens) * rows, -7.0f), portable_out(simd_out);
                        simd.matmul_rows(simd_out.data(), in.data(), n_tokens, m.view, begin, end, scratch(cols));
                        portable.matmul_rows(portable_out.data(), in.data(), n_tokens, m.view, begin, end, scratch(cols));
                        for (int32_t t = 0; t < n_tokens; ++t)
                            for (int32_t r = 0; r < rows; ++r) {
                                const size_t i = size_t(t) * rows + r;
                                if (r < begin || r >= end) {
                                    ASSERT_EQ(simd_out[i], -7.0f) << "wrote outside its rows";
                                    continue;
                                }
                                expect_close(simd_out[i], portable_out[i], row_magnitude(m.view, r),
                                             fmt::format("{}x{} dtype {} tokens {} r {} t {}", rows, cols, int(dtype), n_tokens, r, t));
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
    for (auto [dtype, cols] : {std::pair{weight_dtype::q8, 77}, {weight_dtype::f32, 77}, {weight_dtype::q8_0, 96},
                               {weight_dtype::q4_0, 96}}) {
        auto m = make_matrix(37, cols, dtype, true, 5);
        const int32_t n_tokens = 11;
        auto in = random_vector(size_t(n_tokens) * cols, 6);
        std::vector<float> batch(size_t(n_tokens) * 37);
        simd.matmul_rows(batch.data(), in.data(), n_tokens, m.view, 0, 37, scratch(cols));
        for (int32_t t = 0; t < n_tokens; ++t) {
            std::vector<float> one(37);
            simd.matmul_rows(one.data(), in.data() + size_t(t) * cols, 1, m.view, 0, 13, scratch(cols));
            simd.matmul_rows(one.data(), in.data() + size_t(t) * cols, 1, m.view, 13, 37, scratch(cols));
            for (int32_t r = 0; r < 37; ++r)
                ASSERT_EQ(one[size_t(r)], batch[size_t(t) * 37 + r]) << "dtype " << int(dtype) << " t " << t << " r " << r;
        }
    }
}

TEST_F(simd_kernels, dot_and_axpy_match_portable) {
    for (int32_t n : {1, 5, 8, 9, 16, 63, 64, 65, 576}) {
        auto a = random_vector(size_t(n), 1), b = random_vector(size_t(n), 2);
        expect_close(simd.dot_f32(a.data(), b.data(), n),
                     portable.dot_f32(a.data(), b.data(), n), float(n), fmt::format("dot n {}", n));
        auto y1 = random_vector(size_t(n), 3), y2 = y1;
        simd.axpy(y1.data(), 0.37f, a.data(), n);
        portable.axpy(y2.data(), 0.37f, a.data(), n);
        for (int32_t i = 0; i < n; ++i) EXPECT_NEAR(y1[size_t(i)], y2[size_t(i)], 1e-6f) << "axpy n " << n << " i " << i;
    }
}

TEST_F(simd_kernels, attention_kernels_match_portable) {
    for (int32_t head_dim : {8, 12, 64, 72}) {
        const int64_t stride = 3 * head_dim + 5;  // a head inside a wider cache row
        for (int32_t count : {1, 7, 8, 9, 33, 130}) {
            auto q = random_vector(size_t(head_dim), 1), cache = random_vector(size_t(count) * size_t(stride), 2);
            std::vector<float> simd_out(static_cast<size_t>(count)), portable_out(static_cast<size_t>(count));
            simd.attention_scores(simd_out.data(), q.data(), cache.data(), stride, count, head_dim, 0.125f);
            portable.attention_scores(portable_out.data(), q.data(), cache.data(), stride, count, head_dim, 0.125f);
            for (int32_t s = 0; s < count; ++s)
                expect_close(simd_out[size_t(s)], portable_out[size_t(s)], float(head_dim), fmt::format("scores d {} count {} s {}", head_dim, count, s));
            // A position's score does not depend on how many positions are visible (decode vs prefill).
            std::vector<float> fewer(static_cast<size_t>(count));
            simd.attention_scores(fewer.data(), q.data(), cache.data(), stride, count - count / 2, head_dim, 0.125f);
            for (int32_t s = 0; s < count - count / 2; ++s) ASSERT_EQ(fewer[size_t(s)], simd_out[size_t(s)]);
            auto weights = random_vector(size_t(count), 3);
            std::vector<float> out_simd(size_t(head_dim), -1.0f), out_portable(size_t(head_dim), -2.0f);
            simd.attention_values(out_simd.data(), weights.data(), cache.data(), stride, count, head_dim);
            portable.attention_values(out_portable.data(), weights.data(), cache.data(), stride, count, head_dim);
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
        simd.softmax(a.data(), n);
        portable.softmax(b.data(), n);
        for (int32_t i = 0; i < n; ++i) EXPECT_NEAR(a[size_t(i)], b[size_t(i)], 1e-6f * std::max(1.0f, b[size_t(i)])) << "softmax n " << n;
        auto up = random_vector(size_t(n), 5);
        auto g1 = x, g2 = x;
        simd.silu_mul(g1.data(), up.data(), n);
        portable.silu_mul(g2.data(), up.data(), n);
        for (int32_t i = 0; i < n; ++i)
            EXPECT_NEAR(g1[size_t(i)], g2[size_t(i)], 1e-6f * std::max(1.0f, std::fabs(g2[size_t(i)]))) << "silu n " << n << " x " << x[size_t(i)];
    }
}

TEST(cpu_features, tiers_are_ordered_and_named) {
    EXPECT_TRUE(smol::cpu_supports(smol::simd_level::portable));
    // A tier implies the ones below it, and the best one is supported.
    if (smol::cpu_supports(smol::simd_level::avx512)) {
        EXPECT_TRUE(smol::cpu_supports(smol::simd_level::avx2));
    }
    if (smol::cpu_supports(smol::simd_level::amx)) {
        EXPECT_TRUE(smol::cpu_supports(smol::simd_level::avx512));
        EXPECT_TRUE(smol::cpu_has_avx512_vnni());
    }
    EXPECT_TRUE(smol::cpu_supports(smol::best_simd()));
    for (int i = 0; i < int(smol::simd_level::count); ++i) {
        const auto level = static_cast<smol::simd_level>(i);
        EXPECT_EQ(smol::parse_simd_level(smol::simd_level_name(level)), level);
        if (smol::cpu_supports(level)) {
            EXPECT_EQ(smol::kernels::kernels_for(level).level, level);
        }
    }
    EXPECT_FALSE(smol::parse_simd_level("avx512vnni").has_value());
}

TEST(cpu_features, active_tier_is_the_one_smol_simd_names) {
    const char* env = std::getenv("SMOL_SIMD");
    const smol::simd_level want = env ? *smol::parse_simd_level(env) : smol::best_simd();
    EXPECT_EQ(smol::active_simd(), want);
    EXPECT_EQ(smol::kernels::active_kernels().level, want);
}

TEST(cpu_features, set_simd_switches_tiers_and_refuses_missing_ones) {
    const smol::simd_level before = smol::active_simd();
    smol::set_simd(smol::simd_level::portable);
    EXPECT_EQ(smol::kernels::active_kernels().level, smol::simd_level::portable);
    if (!smol::cpu_supports(smol::simd_level::avx512)) {
        try {
            smol::set_simd(smol::simd_level::avx512);
            ADD_FAILURE() << "set_simd(avx512) accepted on a CPU without AVX-512";
        } catch (const smol::error& e) {
            EXPECT_NE(std::string(e.what()).find("lacks"), std::string::npos) << e.what();
        }
    }
    if (!smol::cpu_supports(smol::simd_level::amx)) {  // AMX needs CPUID bits and Linux's grant of the tile state
        try {
            smol::set_simd(smol::simd_level::amx);
            ADD_FAILURE() << "set_simd(amx) accepted where " << smol::simd_unavailable_reason(smol::simd_level::amx);
        } catch (const smol::error& e) {
            EXPECT_NE(std::string(e.what()).find(smol::simd_unavailable_reason(smol::simd_level::amx)), std::string::npos)
                << e.what();
        }
    }
    smol::set_simd(before);
    EXPECT_EQ(smol::active_simd(), before);
}

// Batched decode (transformer::decode_step) relies on it: a token's outputs are the same bits whether it is
// multiplied alone or with others, in every tier (the portable one too) and for every weight type.
// The one exception (docs/engine-performance.md): the amx tier runs quantized batches of 16 tokens or more on
// AMX-BF16 tiles, another float32 summation order than its one-token path; there they agree within the bound
// the tiers are held to against the portable kernels, and the avx512 tier keeps the identity.
TEST(matmul_rows, each_token_is_computed_the_same_way_whatever_the_batch) {
    const smol::kernels::kernel_table& k = smol::kernels::active_kernels();
    const bool two_orders = k.level == smol::simd_level::amx;
    for (auto [rows, cols] : {std::pair{37, 64}, std::pair{16, 576}, std::pair{9, 100}}) {
        for (weight_dtype dtype : {weight_dtype::f32, weight_dtype::q8, weight_dtype::q8_0, weight_dtype::q4_0}) {
            if (dtype != weight_dtype::f32 && dtype != weight_dtype::q8 && cols % smol::quant_block_size != 0) continue;
            auto m = make_matrix(rows, cols, dtype, true, uint64_t(rows * 31 + cols));
            std::vector<float> scratch(size_t(smol::kernels::matmul_scratch_floats(cols)));
            for (int32_t n_tokens : {2, 3, 5, 6, 7, 8, 13, 32}) {
                auto in = random_vector(size_t(n_tokens) * cols, 5);
                std::vector<float> batched(size_t(n_tokens) * rows);
                k.matmul_rows(batched.data(), in.data(), n_tokens, m.view, 0, rows, scratch.data());
                for (int32_t t = 0; t < n_tokens; ++t) {
                    std::vector<float> alone(static_cast<size_t>(rows));
                    k.matmul_rows(alone.data(), in.data() + size_t(t) * cols, 1, m.view, 0, rows, scratch.data());
                    for (int32_t r = 0; r < rows; ++r) {
                        const std::string where = fmt::format("{}x{} dtype {} token {} of {} row {}", rows, cols, int(dtype), t, n_tokens, r);
                        if (two_orders && dtype != weight_dtype::f32 && n_tokens >= 16) {
                            // The amx tier's AMX-BF16 prefill and its one-token (avx512) path: two float32 orders.
                            expect_close(batched[size_t(t) * rows + r], alone[size_t(r)], row_magnitude(m.view, r), where);
                            continue;
                        }
                        ASSERT_EQ(batched[size_t(t) * rows + r], alone[size_t(r)]) << where;
                    }
                }
            }
        }
    }
}

}  // namespace
