// The ISS back end against the C++ engine on the same converted weights (issue 5, verification).
#include "common/error.h"
#include "engine/src/make_model.h"
#include "model/src/model_loader.h"
#include "engine/src/transformer.h"
#include "engine/tests/test_models.h"
#include "firmware/src/descriptor.h"
#include "firmware/src/firmware_image.h"
#include "firmware/src/iss_backend.h"
#include "firmware/src/memory_map.h"
#include "firmware/tests/compare.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using smol::quant_scheme;
using namespace smol::firmware;
using namespace smol::firmware::testing;

// A 20-token prompt (issue: >= 16) with repeats, so attention sees equal keys.
const std::vector<int32_t> prompt = {1, 504, 33, 7001, 12, 12, 950, 4, 8000, 61, 2222, 17, 3, 96, 40, 40, 0, 615, 22, 9};

// `smol make-model --preset tiny` written once per process, then loaded in each scheme.
const std::string& tiny_dir() {
    static const std::string dir = [] {
        auto d = std::filesystem::temp_directory_path() / ("smol-fw-tiny-" + std::to_string(::getpid()));
        std::filesystem::remove_all(d);
        smol::make_model(smol::make_model_preset("tiny"), 11, d.string());
        return d.string();
    }();
    return dir;
}

struct cleanup {
    ~cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("smol-fw-tiny-" + std::to_string(::getpid())), ec);
    }
} remove_tiny_at_exit;

void expect_close(const logit_difference& d, const char* what) {
    std::printf("%s: max|dlogit| %.3g, max|logit| %.3g, ratio %.3g, top-5 mismatches %d\n", what, d.max_abs_diff,
                d.max_abs_logit, d.max_abs_diff / d.max_abs_logit, d.top5_mismatches);
    EXPECT_LE(d.max_abs_diff, 1e-4 * d.max_abs_logit) << what;
    EXPECT_EQ(d.top5_mismatches, 0) << what;
}

class tiny_schemes : public ::testing::TestWithParam<quant_scheme> {};

TEST_P(tiny_schemes, logits_match_engine_at_every_position) {
    smol::loaded_model m = smol::load_model(tiny_dir(), GetParam());
    smol::transformer engine(m.weights(), 64);
    iss_backend iss(m.weights(), m.image(), 64);
    auto want = all_logits(engine, prompt);
    auto got = all_logits(iss, prompt);
    expect_close(compare_logits(want, got, size_t(m.config().vocab_size)), smol::quant_scheme_name(GetParam()));
}

TEST_P(tiny_schemes, greedy_continuation_matches_engine) {
    smol::loaded_model m = smol::load_model(tiny_dir(), GetParam());
    smol::transformer engine(m.weights(), 64);
    iss_backend iss(m.weights(), m.image(), 64);
    auto want = greedy(engine, prompt, 32);
    auto got = greedy(iss, prompt, 32);
    ASSERT_EQ(want.size(), 32u);
    EXPECT_EQ(got, want);
}

// Decoding one token at a time after a cached prefix gives the same logits as one eval of everything:
// the KV cache persists in ISS memory across eval calls, and start_pos may rewind.
TEST_P(tiny_schemes, cache_persists_across_eval_calls) {
    smol::loaded_model m = smol::load_model(tiny_dir(), GetParam());
    iss_backend iss(m.weights(), m.image(), 32);
    const size_t vocab = size_t(m.config().vocab_size);
    auto whole = all_logits(iss, prompt);
    std::vector<float> last(vocab);
    iss.eval(std::span(prompt).first(10), 0, last, false);
    iss.eval(std::span(prompt).subspan(10), 10, last, false);
    EXPECT_EQ(last, std::vector<float>(whole.end() - long(vocab), whole.end()));
    iss.eval(std::span(prompt).subspan(5), 5, last, false);  // rewind: positions 5.. are recomputed
    EXPECT_EQ(last, std::vector<float>(whole.end() - long(vocab), whole.end()));
}

INSTANTIATE_TEST_SUITE_P(tiny, tiny_schemes, ::testing::Values(quant_scheme::q8, quant_scheme::q8r),
                         [](const auto& p) { return std::string(smol::quant_scheme_name(p.param)); });

// Other LLaMA geometries from one firmware image: nothing is hard-coded.
struct geometry_case {
    const char* name;
    smol::model_config config;
};

smol::model_config geometry(int32_t vocab, int32_t hidden, int32_t inter, int32_t layers, int32_t heads,
                            int32_t kv_heads, int32_t head_dim, bool tied) {
    smol::model_config c = smol::testing::small_config(tied);
    c.vocab_size = vocab;
    c.hidden_size = hidden;
    c.intermediate_size = inter;
    c.n_layers = layers;
    c.n_heads = heads;
    c.n_kv_heads = kv_heads;
    c.head_dim = head_dim;
    c.max_position_embeddings = 64;
    return c;
}

class geometries : public ::testing::TestWithParam<std::tuple<geometry_case, quant_scheme>> {};

TEST_P(geometries, logits_match_engine) {
    const auto& [g, scheme] = GetParam();
    auto m = smol::testing::random_image_model(g.config, scheme, 5);
    smol::transformer engine(m.weights, 32);
    iss_backend iss(m.weights, {m.image.data(), m.image.size()}, 32);
    std::vector<int32_t> ids;
    for (int32_t t : prompt) ids.push_back(t % g.config.vocab_size);
    auto want = all_logits(engine, ids);
    auto got = all_logits(iss, ids);
    expect_close(compare_logits(want, got, size_t(g.config.vocab_size)), g.name);
    EXPECT_EQ(greedy(iss, ids, 8), greedy(engine, ids, 8));
}

INSTANTIATE_TEST_SUITE_P(
    all, geometries,
    ::testing::Combine(
        ::testing::Values(
            // Untied head, head_dim 24 (not a multiple of 16), 1 KV head for 3 query heads, odd vocab.
            geometry_case{"untied_hd24", geometry(203, 72, 100, 2, 3, 1, 24, false)},
            // head_dim 40 with q_dim 160 != hidden 96, MHA (group 1), tied.
            geometry_case{"tied_hd40_mha", geometry(150, 96, 64, 3, 4, 4, 40, true)},
            // head_dim 64 (the register-resident attention path), untied, group 2.
            geometry_case{"untied_hd64", geometry(120, 128, 96, 2, 4, 2, 64, false)},
            // head_dim 8, group 4, vocab and hidden not multiples of 16.
            geometry_case{"untied_hd8_g4", geometry(97, 40, 56, 2, 8, 2, 8, false)}),
        ::testing::Values(quant_scheme::q8, quant_scheme::q8r)),
    [](const auto& p) {
        return std::string(std::get<0>(p.param).name) + "_" + smol::quant_scheme_name(std::get<1>(p.param));
    });

// Errors are clear and happen before anything runs.
std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const smol::error& e) {
        return e.what();
    }
    return "(no error)";
}

struct small_iss {
    smol::testing::image_model m = smol::testing::random_image_model(smol::testing::small_config(false), quant_scheme::q8r);
    iss_backend iss{m.weights, {m.image.data(), m.image.size()}, 8};
    std::vector<float> logits = std::vector<float>(size_t(m.weights.config.vocab_size));
};

TEST(iss_errors, context_overflow_names_the_positions) {
    small_iss s;
    std::vector<int32_t> ids(3, 1);
    EXPECT_EQ(error_of([&] { s.iss.eval(ids, 6, s.logits, false); }),
              "context full: positions 6..8 do not fit the context length 8");
}

TEST(iss_errors, bad_token_id_names_the_id) {
    small_iss s;
    std::vector<int32_t> ids = {1, 97};
    EXPECT_EQ(error_of([&] { s.iss.eval(ids, 0, s.logits, false); }), "invalid token id 97 (vocab size 97)");
    EXPECT_EQ(error_of([&] { s.iss.forward(-1, 0); }), "invalid token id -1 (vocab size 97)");
}

TEST(iss_errors, descriptor_mismatch_is_found_before_running) {
    small_iss s;
    s.iss.machine().mem().write32(s.iss.plan().descriptor + offsetof(descriptor, hidden), 33);
    EXPECT_EQ(error_of([&] { s.iss.forward(1, 0); }),
              "model/descriptor mismatch: descriptor field hidden_size is 33, the model has 32");
    EXPECT_EQ(s.iss.last_stats().instret, 0u);  // nothing ran
}

TEST(iss_errors, image_of_another_model_is_refused) {
    auto a = smol::testing::random_image_model(smol::testing::small_config(false), quant_scheme::q8);
    smol::model_config other = smol::testing::small_config(false);
    other.intermediate_size = 64;
    auto b = smol::testing::random_image_model(other, quant_scheme::q8);
    EXPECT_EQ(error_of([&] { iss_backend(a.weights, {b.image.data(), b.image.size()}, 8); }),
              "model/descriptor mismatch: the model image says intermediate_size 64, the model config 48");
}

TEST(iss_errors, f32_weights_are_refused) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::f32);
    EXPECT_NE(error_of([&] { iss_backend(m.weights, {m.image.data(), m.image.size()}, 8); })
                  .find("the ISS back end runs int8 weights (q8 or q8r); this model holds f32 weights"),
              std::string::npos);
}

TEST(iss_errors, memory_beyond_32_bits_is_refused) {
    smol::model_config c = smol::make_model_preset("smollm2-135m");
    c.max_position_embeddings = 1 << 20;
    std::string e = error_of([&] { plan_memory(c, 140'000'000, 1 << 20); });
    EXPECT_NE(e.find("more than the 32-bit address space (4294967296 bytes)"), std::string::npos) << e;
    EXPECT_LE(plan_memory(c, 140'000'000, 8192).size, uint64_t{1} << 32);
}

// The firmware re-checks what the host checks: run directly, a bad mailbox or magic halts with its code.
TEST(iss_errors, firmware_checks_its_mailbox) {
    small_iss s;
    auto& m = s.iss.machine();
    const uint64_t d = s.iss.plan().descriptor;
    auto run_with = [&](uint32_t offset, uint32_t value) {
        uint32_t old = m.mem().read32(d + offset);
        m.mem().write32(d + offset, value);
        m.reset(symbol_address("forward"));
        auto r = m.run(1'000'000);
        m.mem().write32(d + offset, old);
        EXPECT_EQ(r.reason, smol::iss::stop_reason::halted);
        return m.state().x[10];
    };
    EXPECT_EQ(run_with(offsetof(descriptor, token), 97), uint32_t(halt_code::bad_token));
    EXPECT_EQ(run_with(offsetof(descriptor, pos), 8), uint32_t(halt_code::bad_position));
    EXPECT_EQ(run_with(offsetof(descriptor, magic), 0), uint32_t(halt_code::bad_descriptor));
    EXPECT_EQ(run_with(offsetof(descriptor, pos), 7), uint32_t(halt_code::ok));
}

// A trap inside the firmware names the kernel, pc, instruction, trap kind and address.
TEST(iss_errors, firmware_trap_names_the_kernel) {
    small_iss s;
    // Layer 0's wq points past the end of memory: the first q8macn of that matrix faults.
    s.iss.machine().mem().write32(s.iss.plan().layers + offsetof(layer_record, wq), 0xfffffff0u);
    std::string e = error_of([&] { s.iss.forward(1, 0); });
    std::printf("%s\n", e.c_str());
    EXPECT_NE(e.find("firmware trap load-fault in matvec_q8."), std::string::npos) << e;
    EXPECT_NE(e.find("q8macn"), std::string::npos) << e;
    EXPECT_NE(e.find("address 0xfffffff0, on token 1 at position 0"), std::string::npos) << e;
}

}  // namespace
