#include "common/cpu_features.h"
#include "common/error.h"
#include "common/test_errors.h"
#include "engine/src/transformer.h"
#include "engine/src/kernel_table.h"
#include "engine/tests/test_models.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
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

// Continuous batching: sequences in their own slots, at different positions, advanced together by
// decode_step, give every step the logits a transformer running that sequence alone gives, bit for bit; a
// slot's cache is untouched by the other slots' steps. Sequences join and leave between steps.
TEST_P(transformer_schemes, batched_decode_equals_each_sequence_alone) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(false), GetParam());
    const size_t vocab = size_t(m.weights.config.vocab_size);
    constexpr int32_t n_seq = 5, context = 40;
    std::vector<std::vector<int32_t>> prompts;
    for (int32_t s = 0; s < n_seq; ++s) {
        std::vector<int32_t> p;
        for (int32_t i = 0; i <= s * 3; ++i) p.push_back((s * 17 + i * 5 + 1) % 97);
        prompts.push_back(p);
    }
    // Each sequence alone: its prompt, then 12 tokens fed back one at a time.
    auto next_token = [](int32_t s, int32_t step) { return (s * 11 + step * 7 + 3) % 97; };
    std::vector<std::vector<std::vector<float>>> alone(n_seq);
    for (int32_t s = 0; s < n_seq; ++s) {
        smol::transformer t(m.weights, context, 64, 2);
        std::vector<float> logits(vocab);
        t.eval(prompts[size_t(s)], 0, logits, false);
        alone[size_t(s)].push_back(logits);
        for (int32_t step = 0; step < 12; ++step) {
            const int32_t token = next_token(s, step);
            t.eval(std::span(&token, 1), int32_t(prompts[size_t(s)].size()) + step, logits, false);
            alone[size_t(s)].push_back(logits);
        }
    }
    // Together: sequence s joins at step s (prefilled into slot n_seq - 1 - s), so the batch grows and
    // shrinks; a finished sequence leaves its slot.
    smol::transformer t(m.weights, context, 64, 2, n_seq);
    std::vector<int32_t> done(n_seq, -1);  // decode steps taken, -1 before the prompt
    for (int32_t round = 0; round < n_seq + 12; ++round) {
        std::vector<smol::transformer::decode_row> rows;
        std::vector<int32_t> who;
        for (int32_t s = 0; s < n_seq; ++s) {
            const int32_t slot = n_seq - 1 - s;
            if (s == round) {
                std::vector<float> logits(vocab);
                t.eval_slot(slot, prompts[size_t(s)], 0, logits, false);
                ASSERT_EQ(logits, alone[size_t(s)][0]) << "prompt of sequence " << s;
                done[size_t(s)] = 0;
            } else if (done[size_t(s)] >= 0 && done[size_t(s)] < 12) {
                rows.push_back({slot, next_token(s, done[size_t(s)]), int32_t(prompts[size_t(s)].size()) + done[size_t(s)]});
                who.push_back(s);
            }
        }
        if (rows.empty()) continue;
        std::vector<float> logits(rows.size() * vocab);
        t.decode_step(rows, logits);
        for (size_t i = 0; i < rows.size(); ++i) {
            const int32_t s = who[i];
            ++done[size_t(s)];
            const std::vector<float> row(logits.begin() + long(i * vocab), logits.begin() + long((i + 1) * vocab));
            ASSERT_EQ(row, alone[size_t(s)][size_t(done[size_t(s)])]) << "sequence " << s << " step " << done[size_t(s)]
                                                                      << " in a batch of " << rows.size();
        }
    }
}

// The scheduler of `smol serve` runs prompt chunks of newly admitted sequences in the same forward pass as
// the others' decode tokens (transformer::step): every chunk's last logits, and every later step, are those
// of the sequence alone, bit for bit, whether the pass has more than 16 tokens (the prefill kernels) or not.
// (The amx tier's exception is below.)
TEST_P(transformer_schemes, step_of_prompt_chunks_and_decode_tokens_equals_each_sequence_alone) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(false), GetParam());
    // The amx tier runs quantized passes of 16 tokens or more on AMX tiles, another float32 order than its
    // one-token path (docs/engine-performance.md): there the bound engine-vs-reference holds, not identity, which
    // is why `smol serve` runs the avx512 kernels on such a CPU unless amx is asked for (docs/serve.md).
    const bool two_orders = smol::kernels::active_kernels().level == smol::simd_level::amx && GetParam() != quant_scheme::f32;
    const size_t vocab = size_t(m.weights.config.vocab_size);
    constexpr int32_t context = 40, decode_steps = 5;
    const std::vector<std::vector<int32_t>> prompts = {
        {5, 17, 3, 96, 40, 40, 0, 61, 22, 9, 88, 1, 7, 7, 30, 2, 64, 11, 50, 4}, {12, 1, 80, 33, 6, 19, 2}, {45}};
    auto next_token = [](size_t s, int32_t step) { return int32_t(s * 13 + size_t(step) * 5 + 2) % 97; };
    // Alone: every prompt position's logits, then the decode steps'.
    std::vector<std::vector<std::vector<float>>> alone(prompts.size());
    for (size_t s = 0; s < prompts.size(); ++s) {
        smol::transformer t(m.weights, context, 64, 2);
        const size_t n = prompts[s].size();
        std::vector<float> logits(n * vocab), step(vocab);
        t.eval(prompts[s], 0, logits, true);
        for (size_t i = 0; i < n; ++i) alone[s].emplace_back(logits.begin() + long(i * vocab), logits.begin() + long((i + 1) * vocab));
        for (int32_t d = 0; d < decode_steps; ++d) {
            const int32_t token = next_token(s, d);
            t.eval(std::span(&token, 1), int32_t(n) + d, step, false);
            alone[s].push_back(step);
        }
    }
    // Together, in slots 2, 0, 1: pass 0 has sequence 0's first 12 prompt tokens and all of sequence 1's (19
    // tokens); pass 1 the rest of sequence 0's prompt, sequence 1's first decode token and sequence 2's prompt
    // (10); then all decode.
    const std::vector<int32_t> slot = {2, 0, 1};
    smol::transformer t(m.weights, context, 64, 2, 3);
    std::vector<int32_t> pos(prompts.size(), 0), decoded(prompts.size(), -1);
    std::vector<std::vector<int32_t>> pending(prompts.size());
    auto prompt_part = [&](size_t s, int32_t end) { return std::span(prompts[s].data() + pos[s], size_t(end - pos[s])); };
    for (int32_t pass = 0; pass < 2 + decode_steps; ++pass) {
        std::vector<smol::transformer::chunk> chunks;
        std::vector<size_t> who;
        for (size_t s = 0; s < prompts.size(); ++s) {
            const auto n = int32_t(prompts[s].size());
            if (decoded[s] >= 0 && decoded[s] < decode_steps) {
                pending[s] = {next_token(s, decoded[s])};
                chunks.push_back({slot[s], pending[s], n + decoded[s]});
            } else if (pos[s] < n && (s < 2 || pass >= 1)) {
                const int32_t end = s == 0 && pass == 0 ? 12 : n;
                chunks.push_back({slot[s], prompt_part(s, end), pos[s]});
            } else {
                continue;
            }
            who.push_back(s);
        }
        if (chunks.empty()) continue;
        std::vector<float> logits(chunks.size() * vocab);
        t.step(chunks, logits);
        for (size_t i = 0; i < chunks.size(); ++i) {
            const size_t s = who[i];
            const std::vector<float> row(logits.begin() + long(i * vocab), logits.begin() + long((i + 1) * vocab));
            size_t at = 0;  // index into alone[s]
            if (decoded[s] >= 0) {
                at = prompts[s].size() + size_t(decoded[s]++);
            } else {
                pos[s] += int32_t(chunks[i].tokens.size());
                at = size_t(pos[s]) - 1;
                if (size_t(pos[s]) == prompts[s].size()) decoded[s] = 0;
            }
            const std::string where = fmt::format("sequence {} pass {} of {} chunks", s, pass, chunks.size());
            if (!two_orders) {
                ASSERT_EQ(row, alone[s][at]) << where;
                continue;
            }
            float largest = 0.0f;
            for (float v : alone[s][at]) largest = std::max(largest, std::fabs(v));
            for (size_t v = 0; v < vocab; ++v) ASSERT_NEAR(row[v], alone[s][at][v], 1e-4f * largest) << where << " logit " << v;
        }
    }
    for (size_t s = 0; s < prompts.size(); ++s) EXPECT_EQ(decoded[s], decode_steps) << "sequence " << s;
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

TEST(transformer, decode_step_refuses_bad_rows_naming_them) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    smol::transformer t(m.weights, 8, 4, 1, 3);
    auto step_error = [&](std::vector<smol::transformer::decode_row> rows) {
        std::vector<float> logits(rows.size() * size_t(t.config().vocab_size));
        return smol::testing::error_of([&] { t.decode_step(rows, logits); });
    };
    EXPECT_EQ(step_error({{0, 1, 0}, {3, 1, 0}}), "decode row 1: KV-cache slot 3 is out of range 0..2");
    EXPECT_EQ(step_error({{1, 1, 0}, {1, 2, 0}}), "decode row 1: slot 1 is already decode row 0");
    EXPECT_EQ(step_error({{2, 1, 8}}), "decode row 0: context full: position 8 does not fit the context length 8");
    EXPECT_EQ(step_error({{0, 97, 0}}), "decode row 0: invalid token id 97 (vocab size 97)");
    EXPECT_EQ(step_error({}), "no tokens to evaluate");
    auto chunks_error = [&](std::vector<smol::transformer::chunk> chunks) {
        std::vector<float> logits(chunks.size() * size_t(t.config().vocab_size));
        return smol::testing::error_of([&] { t.step(chunks, logits); });
    };
    const std::vector<int32_t> three = {1, 2, 3}, none;
    EXPECT_EQ(chunks_error({{0, three, 0}, {1, none, 0}}), "chunk 1: no tokens to evaluate");
    EXPECT_EQ(chunks_error({{2, three, 6}}), "chunk 0: context full: positions 6..8 do not fit the context length 8");
    EXPECT_EQ(chunks_error({{0, three, 0}, {0, three, 3}}), "chunk 1: slot 0 is already chunk 0");
    EXPECT_EQ(chunks_error({{0, three, 0}, {1, three, 0}}), "a step of 6 tokens exceeds the batch size 4");
    std::vector<float> logits(size_t(t.config().vocab_size));
    const std::vector<int32_t> one = {1};
    EXPECT_EQ(smol::testing::error_of([&] { t.eval_slot(3, one, 0, logits, false); }), "KV-cache slot 3 is out of range 0..2");
}

TEST(transformer, rejects_context_beyond_the_model_maximum) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    EXPECT_THROW(smol::transformer(m.weights, 65), smol::error);
    EXPECT_THROW(smol::transformer(m.weights, 0), smol::error);
}

}  // namespace
