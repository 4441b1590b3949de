#include "common/error.h"
#include "common/test_errors.h"
#include "engine/src/kernels.h"
#include "engine/tests/test_models.h"

#include <fmt/format.h>

#include <cstring>
#include <gtest/gtest.h>

namespace {

using smol::quant_scheme;
using smol::weight_dtype;

std::string error_of(std::span<const std::byte> bytes) {
    return smol::testing::error_of([&] { smol::view_model_image(bytes, "m.smol"); });
}

std::vector<std::byte> copy_of(const smol::testing::image_model& m) {
    return {m.image.data(), m.image.data() + m.image.size()};
}

TEST(model_file, views_point_at_aligned_tensors_of_config_shapes) {
    for (quant_scheme q : {quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r}) {
        auto c = smol::testing::small_config(false);
        auto m = smol::testing::random_image_model(c, q);
        EXPECT_EQ(m.weights.quant, q);
        EXPECT_EQ(m.weights.layers.size(), 2u);
        EXPECT_EQ(m.weights.lm_head.rows, c.vocab_size);
        EXPECT_EQ(m.weights.layers[1].wk.rows, c.kv_dim());
        const void* data = q == quant_scheme::f32 ? static_cast<const void*>(m.weights.layers[1].w_down.f32)
                                                  : static_cast<const void*>(m.weights.layers[1].w_down.q8);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % smol::model_file_alignment, 0u);
        EXPECT_EQ(m.weights.embed.scale_count, q == quant_scheme::q8 ? 1 : q == quant_scheme::q8r ? c.vocab_size : 0);
    }
}

// docs/model-format.md: under q8_0 / q4_0, tensors with rows of whole 32-weight blocks are blocks (their
// scales inside), others int8 with a scale per row; norms stay f32. small_config's intermediate size is 48,
// so w_down (48 columns) falls back while everything 32 columns wide is blocked.
TEST(model_file, block_schemes_store_whole_block_rows_as_blocks_and_others_as_q8r) {
    auto c = smol::testing::small_config(false);
    for (quant_scheme q : {quant_scheme::q8_0, quant_scheme::q4_0}) {
        const auto block_dtype = q == quant_scheme::q8_0 ? weight_dtype::q8_0 : weight_dtype::q4_0;
        const uint64_t block_bytes = q == quant_scheme::q8_0 ? 34 : 18;
        for (const smol::tensor_entry& e : smol::plan_model_image(c, q).tensors) {
            const std::string where = fmt::format("{} {} of layer {}", smol::quant_scheme_name(q), smol::tensor_kind_name(e.kind), e.layer);
            if (e.rows == 1) {
                EXPECT_EQ(e.dtype, weight_dtype::f32) << where;
            } else if (e.cols % 32 == 0) {
                EXPECT_EQ(e.dtype, block_dtype) << where;
                EXPECT_EQ(e.scale_count, 0u) << where;
                EXPECT_EQ(e.data_bytes, uint64_t{e.rows} * e.cols / 32 * block_bytes) << where;
            } else {
                EXPECT_EQ(e.kind, smol::tensor_kind::w_down) << where;
                EXPECT_EQ(e.dtype, weight_dtype::q8) << where;
                EXPECT_EQ(e.scale_count, e.rows) << where;
            }
        }
        auto m = smol::testing::random_image_model(c, q);
        EXPECT_EQ(m.weights.quant, q);
        EXPECT_EQ(m.weights.layers[0].wq.dtype, block_dtype);
        EXPECT_EQ(m.weights.layers[0].w_down.dtype, weight_dtype::q8);
        // A block row's dequantized weights are within half a step of the float32 ones, plus what rounding the
        // scale to float16 adds (127 or 8 codes times 2^-11 of a step); in q4_0 the largest weight of the other
        // sign than the block's extreme one is clamped from code 16 to 15, a whole step.
        auto f = smol::testing::random_image_model(c, quant_scheme::f32);
        const auto& wf = f.weights.layers[1].w_up;
        const auto& wb = m.weights.layers[1].w_up;
        std::vector<float> row(size_t(wb.cols));
        for (int32_t r = 0; r < wb.rows; ++r) {
            smol::kernels::dequantize_row(row.data(), wb, r);
            for (int32_t j0 = 0; j0 < wb.cols; j0 += 32) {
                float amax = 0.0f;
                for (int32_t j = j0; j < j0 + 32; ++j) amax = std::max(amax, std::fabs(wf.f32[r * wf.cols + j]));
                const float step = q == quant_scheme::q8_0 ? amax / 127.0f : amax / 8.0f;
                const float bound = q == quant_scheme::q8_0 ? 0.57f * step : 1.01f * step;
                for (int32_t j = j0; j < j0 + 32; ++j)
                    ASSERT_LE(std::fabs(row[size_t(j)] - wf.f32[r * wf.cols + j]), bound + 1e-7f)
                        << smol::quant_scheme_name(q) << " r " << r << " j " << j;
            }
        }
    }
}

TEST(model_file, tied_model_uses_embedding_as_lm_head) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(true), quant_scheme::q8r);
    EXPECT_EQ(m.weights.lm_head.q8, m.weights.embed.q8);
}

TEST(model_file, q8_dequantizes_within_half_a_step) {
    auto c = smol::testing::small_config();
    auto f = smol::testing::random_image_model(c, quant_scheme::f32);
    auto q = smol::testing::random_image_model(c, quant_scheme::q8r);
    const auto& wf = f.weights.layers[0].wq;
    const auto& wq = q.weights.layers[0].wq;
    for (int32_t r = 0; r < wf.rows; ++r)
        for (int32_t j = 0; j < wf.cols; ++j)
            EXPECT_LE(std::fabs(wf.f32[r * wf.cols + j] - wq.q8[r * wq.cols + j] * wq.scale(r)), 0.5f * wq.scale(r) * 1.0001f);
}

TEST(model_file, rejects_bad_magic_and_version) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::q8);
    auto bytes = copy_of(m);
    bytes[0] = std::byte{'X'};
    EXPECT_NE(error_of(bytes).find("bad magic"), std::string::npos);
    bytes = copy_of(m);
    bytes[smol::header_field::version] = std::byte{9};
    EXPECT_NE(error_of(bytes).find("version 9 is not supported"), std::string::npos) << error_of(bytes);
}

TEST(model_file, rejects_truncation_by_one_byte_and_by_half) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    auto bytes = copy_of(m);
    EXPECT_NE(error_of(std::span(bytes).first(bytes.size() - 1)).find("truncated"), std::string::npos);
    EXPECT_NE(error_of(std::span(bytes).first(bytes.size() / 2)).find("truncated"), std::string::npos);
    EXPECT_NE(error_of(std::span(bytes).first(100)).find("too short"), std::string::npos);
}

TEST(model_file, rejects_an_edited_tensor_offset_naming_the_field) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::q8r);
    auto bytes = copy_of(m);
    const size_t entry = smol::model_file_header_bytes + 3 * smol::model_file_entry_bytes;  // layer 0 wq... (index 3)
    uint64_t offset;
    std::memcpy(&offset, bytes.data() + entry + 24, 8);
    offset += 64;
    std::memcpy(bytes.data() + entry + 24, &offset, 8);
    std::string message = error_of(bytes);
    EXPECT_NE(message.find("field data_offset"), std::string::npos) << message;
    EXPECT_NE(message.find("tensor 3"), std::string::npos) << message;
}

TEST(model_file, rejects_inconsistent_config) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    auto bytes = copy_of(m);
    int32_t kv_heads = 3;  // 4 heads are not a multiple of 3 KV heads
    std::memcpy(bytes.data() + smol::header_field::config + 20, &kv_heads, 4);
    EXPECT_FALSE(error_of(bytes).empty());
}

}  // namespace
