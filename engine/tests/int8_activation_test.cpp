// The int8-activation mode (engine/src/activation_quant.h): the activation quantizer's rounding, scales,
// partial blocks and padding; and the active tier's int8 kernel (SMOL_SIMD: portable.*, avx2.*, avx512.*, amx.*)
// against the product computed here in double precision from the same codes and scales, for q8 (per
// tensor and per row), q8_0 and q4_0 weights on awkward shapes and row ranges (rows, tokens and columns
// that are not multiples of the AMX tiles' 16 rows, 16 tokens and 32-code blocks).
#include "common/cpu_features.h"
#include "engine/src/activation_quant.h"
#include "engine/src/kernel_table.h"
#include "engine/src/kernels.h"
#include "engine/src/sampler.h"
#include "engine/src/transformer.h"
#include "engine/tests/random_matrix.h"
#include "engine/tests/test_models.h"
#include "model/src/quantize.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <vector>

namespace {

using smol::matrix_view;
using smol::weight_dtype;
namespace k = smol::kernels;

struct quantized_row {
    std::vector<int8_t> codes;
    std::vector<float> scales;
    std::vector<int32_t> neg_sums;
};

// The active tier's quantizer (the avx512 and amx tiers have their own), or the portable one.
quantized_row quantize(const std::vector<float>& x, bool portable = false) {
    const auto cols = int32_t(x.size());
    quantized_row q{std::vector<int8_t>(size_t(k::act_padded_cols(cols)), int8_t{99}),
                    std::vector<float>(size_t(k::act_padded_cols(cols) / 4), -1.0f),
                    std::vector<int32_t>(size_t(k::act_padded_cols(cols) / 4), 12345)};
    const auto quantize_row = portable ? k::quantize_activation_row : k::active_kernels().quantize_row;
    quantize_row(x.data(), cols, q.codes.data(), q.scales.data(), q.neg_sums.data());
    return q;
}

TEST(activation_quant, every_tier_gives_the_portable_codes_scales_and_sums) {
    smol::random_generator rng(11);
    for (int32_t cols : {1, 5, 16, 17, 31, 32, 33, 48, 100, 576, 1537}) {
        for (double magnitude : {1e-30, 1e-3, 1.0, 4.0, 1e20}) {
            std::vector<float> x(static_cast<size_t>(cols));
            for (float& v : x) v = float((rng.uniform() * 2.0 - 1.0) * magnitude);
            // Exact halves: up to magnitude 4 the first block's max is 127, so there x * id = x.
            if (cols >= 8) x[0] = 127.0f, x[1] = 2.5f, x[2] = -2.5f, x[3] = 0.5f, x[4] = -0.5f, x[5] = -126.5f;
            const quantized_row tier = quantize(x), portable = quantize(x, true);
            EXPECT_EQ(tier.codes, portable.codes) << "cols " << cols << " magnitude " << magnitude;
            EXPECT_EQ(tier.scales, portable.scales) << "cols " << cols << " magnitude " << magnitude;
            EXPECT_EQ(tier.neg_sums, portable.neg_sums) << "cols " << cols << " magnitude " << magnitude;
        }
    }
}

TEST(activation_quant, rounds_half_away_from_zero_with_the_block_max_at_127) {
    // max|x| = 127 gives d = 1 and id = 1 exactly, so x * id is x: the halves show the rounding.
    std::vector<float> x(32, 0.0f);
    x[0] = 127.0f, x[1] = 2.5f, x[2] = -2.5f, x[3] = 0.5f, x[4] = -0.5f, x[5] = 3.49f, x[6] = -126.5f;
    const quantized_row q = quantize(x);
    EXPECT_EQ(q.scales[0], 1.0f);
    const int expect[] = {127, 3, -3, 1, -1, 3, -127};
    for (int j = 0; j < 7; ++j) EXPECT_EQ(q.codes[size_t(j)], expect[j]) << "x = " << x[size_t(j)];
}

TEST(activation_quant, blocks_partial_blocks_padding_and_sums) {
    smol::random_generator rng(3);
    for (int32_t cols : {1, 7, 31, 32, 33, 64, 100, 576, 1537}) {
        std::vector<float> x(static_cast<size_t>(cols));
        for (float& v : x) v = float(rng.uniform() * 8.0 - 4.0);
        if (cols >= 64) std::fill(x.begin() + 32, x.begin() + 64, 0.0f);  // an all-zero block: scale 0, codes 0
        const quantized_row q = quantize(x);
        const int64_t padded = k::act_padded_cols(cols);
        ASSERT_EQ(padded % k::act_row_align, 0);
        for (int64_t b0 = 0; b0 < padded; b0 += k::act_block) {
            const int64_t n = std::clamp<int64_t>(cols - b0, 0, k::act_block);
            const int64_t lane0 = b0 / 4;
            float max_abs = 0.0f;
            for (int64_t j = 0; j < n; ++j) max_abs = std::max(max_abs, std::fabs(x[size_t(b0 + j)]));
            const float d = q.scales[size_t(lane0)];
            EXPECT_EQ(d, max_abs / 127.0f) << "cols " << cols << " block " << b0 / 32;
            int32_t sum = 0, max_code = 0;
            for (int64_t j = 0; j < k::act_block; ++j) {
                const int8_t c = q.codes[size_t(b0 + j)];
                if (j >= n) {
                    ASSERT_EQ(c, 0) << "padding past the row";
                    continue;
                }
                sum += c;
                max_code = std::max(max_code, std::abs(int(c)));
                EXPECT_LE(std::fabs(float(c) * d - x[size_t(b0 + j)]), 0.5f * d * (1.0f + 1e-6f)) << "cols " << cols << " j " << b0 + j;
            }
            EXPECT_EQ(max_code, n > 0 && max_abs > 0.0f ? 127 : 0) << "the block max maps to +-127";
            for (int64_t l = 0; l < k::act_lanes_per_block; ++l) {
                EXPECT_EQ(q.scales[size_t(lane0 + l)], d);
                EXPECT_EQ(q.neg_sums[size_t(lane0 + l)], -sum);
            }
        }
    }
}

// sum_j (code_x[j] * d_x[block]) * w[j] in double: w from dequantize_row (a q8 row unscaled, then times its
// scale; block codes times their scale, exact). Also returns the sum of the absolute products.
std::pair<double, double> exact_product(const matrix_view& w, int32_t r, const k::int8_activations& x, int32_t t) {
    std::vector<float> row(size_t(w.cols));
    k::dequantize_row(row.data(), w, r);
    double sum = 0.0, magnitude = 0.0;
    for (int32_t j = 0; j < w.cols; ++j) {
        const double v = double(x.token_codes(t)[j]) * double(x.token_scales(t)[j / 32 * 8]) * double(row[size_t(j)]);
        sum += v;
        magnitude += std::fabs(v);
    }
    return {sum, magnitude};
}

TEST(int8_kernels, match_the_exact_product_on_awkward_shapes) {
    const k::kernel_table& kernels = k::active_kernels();
    std::printf("tier %s, int8 kernel %s\n", smol::simd_level_name(kernels.level), kernels.int8_kernel);
    const int32_t shapes[][2] = {{1, 7}, {3, 32}, {9, 33}, {17, 64}, {8, 96}, {13, 100}, {33, 576}, {5, 1537}, {27, 160}, {40, 1536}};
    for (auto [rows, cols] : shapes)
        for (weight_dtype dtype : {weight_dtype::q8, weight_dtype::q8_0, weight_dtype::q4_0})
            for (bool per_row : {false, true}) {
                const bool blocked = dtype != weight_dtype::q8;
                if ((blocked && cols % smol::quant_block_size != 0) || (blocked && per_row)) continue;
                const auto m = smol::testing::make_matrix(rows, cols, dtype, per_row, uint64_t(rows * 1000 + cols));
                for (int32_t n_tokens : {1, 2, 3, 5, 9, 16, 17, 40}) {
                    smol::random_generator rng{static_cast<uint64_t>(n_tokens)};
                    std::vector<float> in(size_t(n_tokens) * size_t(cols));
                    for (float& v : in) v = float(rng.uniform() * 6.0 - 3.0);
                    k::int8_activation_buffer buffer(n_tokens, cols);
                    buffer.quantize(in.data(), cols, 0, n_tokens);
                    const k::int8_activations x = buffer.view(cols);
                    for (auto [begin, end] : {std::pair{0, rows}, std::pair{rows / 3, rows}, std::pair{0, (rows + 1) / 2}}) {
                        std::vector<float> out(size_t(n_tokens) * size_t(rows), -7.0f);
                        kernels.matmul_rows_int8(out.data(), x, n_tokens, m.view, begin, end);
                        for (int32_t t = 0; t < n_tokens; ++t)
                            for (int32_t r = 0; r < rows; ++r) {
                                const float got = out[size_t(t) * size_t(rows) + size_t(r)];
                                if (r < begin || r >= end) {
                                    ASSERT_EQ(got, -7.0f) << "wrote outside its rows";
                                    continue;
                                }
                                const auto [want, magnitude] = exact_product(m.view, r, x, t);
                                // float32 sums of at most 49 block products: far below 1e-5 of the magnitude.
                                EXPECT_NEAR(got, want, 1e-5 * std::max(1e-3, magnitude))
                                    << fmt::format("{}x{} dtype {} per_row {} tokens {} r {} t {}", rows, cols, int(dtype),
                                                   per_row, n_tokens, r, t);
                            }
                    }
                }
            }
}

// A token's outputs must not depend on the rows computed with it, the other tokens of its batch or how
// threads split the rows: equal bits in every tier for batches the same kernel runs. The amx tier runs its
// tiles from 16 tokens and the VNNI kernel below that, two float32 orders of the same exact block sums: there
// a token alone and in a batch of 16 or more agree to float32 rounding (docs/engine-performance.md).
TEST(int8_kernels, each_token_is_computed_the_same_way_whatever_the_batch) {
    const k::kernel_table& kernels = k::active_kernels();
    const bool two_orders = kernels.level == smol::simd_level::amx;
    for (weight_dtype dtype : {weight_dtype::q8, weight_dtype::q8_0, weight_dtype::q4_0}) {
        const int32_t rows = 37, cols = dtype == weight_dtype::q8 ? 203 : 288;
        const auto m = smol::testing::make_matrix(rows, cols, dtype, dtype == weight_dtype::q8, 77);
        const int32_t n_tokens = 35;
        smol::random_generator rng{5};
        std::vector<float> in(size_t(n_tokens) * size_t(cols));
        for (float& v : in) v = float(rng.uniform() * 6.0 - 3.0);
        k::int8_activation_buffer all(n_tokens, cols);
        all.quantize(in.data(), cols, 0, n_tokens);
        std::vector<float> batch(size_t(n_tokens) * size_t(rows));
        kernels.matmul_rows_int8(batch.data(), all.view(cols), n_tokens, m.view, 0, rows);
        // Rows split at 5 and 21 (not multiples of a tile), as threads might split them.
        std::vector<float> split(batch.size());
        for (auto [begin, end] : {std::pair{0, 5}, std::pair{5, 21}, std::pair{21, rows}})
            kernels.matmul_rows_int8(split.data(), all.view(cols), n_tokens, m.view, begin, end);
        EXPECT_EQ(split, batch) << "dtype " << int(dtype);
        // The last 18 tokens as a batch of their own (a batch of 16 or more, starting at another token).
        k::int8_activation_buffer tail(18, cols);
        tail.quantize(in.data() + size_t(n_tokens - 18) * size_t(cols), cols, 0, 18);
        std::vector<float> tail_out(size_t(18) * size_t(rows));
        kernels.matmul_rows_int8(tail_out.data(), tail.view(cols), 18, m.view, 0, rows);
        EXPECT_TRUE(std::equal(tail_out.begin(), tail_out.end(), batch.begin() + long(n_tokens - 18) * rows)) << "dtype " << int(dtype);
        for (int32_t t : {0, 16, 34}) {
            k::int8_activation_buffer one(1, cols);
            one.quantize(in.data() + size_t(t) * size_t(cols), cols, 0, 1);
            std::vector<float> alone(static_cast<size_t>(rows));
            kernels.matmul_rows_int8(alone.data(), one.view(cols), 1, m.view, 0, rows);
            for (int32_t r = 0; r < rows; ++r) {
                const float want = batch[size_t(t) * size_t(rows) + size_t(r)];
                if (!two_orders) {
                    ASSERT_EQ(alone[size_t(r)], want) << fmt::format("dtype {} token {} row {}", int(dtype), t, r);
                    continue;
                }
                const auto [exact, magnitude] = exact_product(m.view, r, one.view(cols), 0);
                (void)exact;
                // Two float32 sums of at most 9 block products: each within 1e-5 of the magnitude of the exact one.
                ASSERT_NEAR(alone[size_t(r)], want, 2e-5 * std::max(1e-3, magnitude))
                    << fmt::format("dtype {} token {} row {}", int(dtype), t, r);
            }
        }
    }
}

// A matrix with a cache (model_weights.h's matrix_cache, as the views of a loaded model have) is repacked
// once and must give the same bits as one repacked per call, in both numerics modes and for row ranges that
// do not start on a 16-row panel; in the amx tier a prefill fills the cache, in the others nothing does.
TEST(int8_kernels, a_cached_matrix_gives_the_same_bits_as_one_repacked_per_call) {
    const k::kernel_table& kernels = k::active_kernels();
    for (weight_dtype dtype : {weight_dtype::q8, weight_dtype::q8_0, weight_dtype::q4_0}) {
        const int32_t rows = 45, cols = dtype == weight_dtype::q8 ? 203 : 288, n_tokens = 35;
        const auto m = smol::testing::make_matrix(rows, cols, dtype, dtype == weight_dtype::q8, 91);
        matrix_view cached = m.view;
        cached.cache = std::make_shared<smol::matrix_cache>();
        smol::random_generator rng{8};
        std::vector<float> in(size_t(n_tokens) * size_t(cols));
        for (float& v : in) v = float(rng.uniform() * 6.0 - 3.0);
        k::int8_activation_buffer codes(n_tokens, cols);
        codes.quantize(in.data(), cols, 0, n_tokens);
        std::vector<float> scratch(size_t(k::matmul_scratch_floats(cols)));
        for (bool int8 : {true, false}) {
            std::vector<float> want(size_t(n_tokens) * size_t(rows), -7.0f), got(want.size(), -7.0f);
            for (auto [begin, end] : {std::pair{0, 8}, std::pair{8, 40}, std::pair{40, rows}}) {
                if (int8) {
                    kernels.matmul_rows_int8(want.data(), codes.view(cols), n_tokens, m.view, begin, end);
                    kernels.matmul_rows_int8(got.data(), codes.view(cols), n_tokens, cached, begin, end);
                } else {
                    kernels.matmul_rows(want.data(), in.data(), n_tokens, m.view, begin, end, scratch.data());
                    kernels.matmul_rows(got.data(), in.data(), n_tokens, cached, begin, end, scratch.data());
                }
            }
            EXPECT_EQ(got, want) << "dtype " << int(dtype) << " int8 " << int8;
            EXPECT_EQ(std::count(got.begin(), got.end(), -7.0f), 0) << "rows left unwritten";
        }
        EXPECT_EQ(cached.cache->data != nullptr, kernels.level == smol::simd_level::amx) << "dtype " << int(dtype);
    }
}

// The int8 mode changes the logits by about the activations' quantization error: more than the float32
// mode's summation rounding, far less than the logits themselves (the bound against the reference is
// reference/tests/test_engine_compare.py's); with f32 weights it changes nothing.
TEST(int8_kernels, transformer_in_int8_mode_stays_near_the_f32_mode) {
    // hidden 32, intermediate 48: down_proj's rows are not whole blocks (q8r under q8_0 / q4_0).
    for (smol::quant_scheme quant : {smol::quant_scheme::f32, smol::quant_scheme::q8, smol::quant_scheme::q8_0,
                                     smol::quant_scheme::q4_0}) {
        auto model = smol::testing::random_image_model(smol::testing::small_config(false), quant);
        const smol::model_weights& w = model.weights;
        const std::vector<int32_t> ids = {1, 5, 9, 2, 7, 3, 11, 4};
        std::vector<float> exact(ids.size() * size_t(w.config.vocab_size)), int8(exact.size());
        smol::transformer(w, 16, 8, 1, 1, smol::activation_numerics::f32).eval(ids, 0, exact, true);
        smol::transformer(w, 16, 8, 2, 1, smol::activation_numerics::int8).eval(ids, 0, int8, true);
        float max_logit = 0.0f, max_diff = 0.0f;
        for (size_t i = 0; i < exact.size(); ++i) {
            max_logit = std::max(max_logit, std::fabs(exact[i]));
            max_diff = std::max(max_diff, std::fabs(exact[i] - int8[i]));
        }
        std::printf("%s: int8 vs f32 activations max|dlogit| %.3e of max|logit| %.3e\n", smol::quant_scheme_name(quant),
                    double(max_diff), double(max_logit));
        if (quant == smol::quant_scheme::f32) EXPECT_EQ(max_diff, 0.0f) << "f32 weights keep float32 activations";
        else {
            EXPECT_GT(max_diff, 0.0f) << "int8 mode did not change the quantized products";
            EXPECT_LT(max_diff, 0.05f * max_logit);
        }
    }
}

}  // namespace
