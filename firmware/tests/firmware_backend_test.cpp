// The firmware host on the ISS target: its KV cache across eval calls, and every error it reports. How its
// logits compare with the engine's is the comparison suite's (backends/tests/backend_ops_test.cpp).
#include "common/error.h"
#include "common/test_errors.h"
#include "engine/src/make_model.h"
#include "model/src/model_loader.h"
#include "engine/tests/test_models.h"
#include "firmware/src/descriptor.h"
#include "firmware/src/firmware_image.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"
#include "firmware/src/memory_map.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

namespace {

using smol::quant_scheme;
using namespace smol::firmware;

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

class tiny_schemes : public ::testing::TestWithParam<quant_scheme> {};

std::vector<float> all_logits(smol::inference_backend& b, const std::vector<int32_t>& tokens) {
    std::vector<float> out(tokens.size() * size_t(b.config().vocab_size));
    b.eval(tokens, 0, out, true);
    return out;
}

// Decoding one token at a time after a cached prefix gives the same logits as one eval of everything:
// the KV cache persists in ISS memory across eval calls, and start_pos may rewind.
TEST_P(tiny_schemes, cache_persists_across_eval_calls) {
    smol::loaded_model m = smol::load_model(tiny_dir(), GetParam());
    firmware_backend iss(m.weights(), m.image(), 32, iss_target_factory());
    const size_t vocab = size_t(m.config().vocab_size);
    auto whole = all_logits(iss, prompt);
    std::vector<float> last(vocab);
    iss.eval(std::span(prompt).first(10), 0, last, false);
    iss.eval(std::span(prompt).subspan(10), 10, last, false);
    EXPECT_EQ(last, std::vector<float>(whole.end() - long(vocab), whole.end()));
    iss.eval(std::span(prompt).subspan(5), 5, last, false);  // rewind: positions 5.. are recomputed
    EXPECT_EQ(last, std::vector<float>(whole.end() - long(vocab), whole.end()));
}

INSTANTIATE_TEST_SUITE_P(tiny, tiny_schemes,
                         ::testing::Values(quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0,
                                           quant_scheme::q4_0),
                         [](const auto& p) { return std::string(smol::quant_scheme_name(p.param)); });

// Errors are clear and happen before anything runs.
using smol::testing::error_of;

struct small_iss {
    smol::testing::image_model m = smol::testing::random_image_model(smol::testing::small_config(false), quant_scheme::q8r);
    firmware_backend iss{m.weights, {m.image.data(), m.image.size()}, 8, iss_target_factory()};
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
    s.iss.target().write32(s.iss.plan().descriptor + offsetof(descriptor, hidden), 33);
    EXPECT_EQ(error_of([&] { s.iss.forward(1, 0); }),
              "model/descriptor mismatch: descriptor field hidden_size is 33, the model has 32");
    EXPECT_EQ(s.iss.last_run().retired, 0u);  // nothing ran
}

TEST(iss_errors, image_of_another_model_is_refused) {
    auto a = smol::testing::random_image_model(smol::testing::small_config(false), quant_scheme::q8);
    smol::model_config other = smol::testing::small_config(false);
    other.intermediate_size = 64;
    auto b = smol::testing::random_image_model(other, quant_scheme::q8);
    EXPECT_EQ(error_of([&] { firmware_backend(a.weights, {b.image.data(), b.image.size()}, 8, iss_target_factory()); }),
              "model/descriptor mismatch: the model image says intermediate_size 64, the model config 48");
}

// A block-scheme tensor the descriptor cannot describe (int8 with one tensor scale) is refused by name.
TEST(iss_errors, block_scheme_tensor_of_another_kind_is_refused) {
    auto m = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::q4_0);
    smol::model_weights w = m.weights;
    auto q8 = smol::testing::random_image_model(smol::testing::small_config(), quant_scheme::q8);
    w.layers[0].wk = q8.weights.layers[0].wk;  // int8 with one scale, and outside this image
    EXPECT_EQ(error_of([&] { firmware_backend(w, {m.image.data(), m.image.size()}, 8, iss_target_factory()); }),
              "model/descriptor mismatch: tensor wk of layer 0 is not q4_0 blocks or int8 with row scales");
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
    target& t = s.iss.target();
    const uint64_t d = s.iss.plan().descriptor;
    auto run_with = [&](uint32_t offset, uint32_t value) {
        uint32_t old = t.read32(d + offset);
        t.write32(d + offset, value);
        t.reset(symbol_address("forward"));
        target_result r = t.run(1'000'000);
        t.write32(d + offset, old);
        EXPECT_EQ(r.reason, target_stop::halted);
        return r.halt_value;
    };
    EXPECT_EQ(run_with(offsetof(descriptor, token), 97), uint32_t(halt_code::bad_token));
    EXPECT_EQ(run_with(offsetof(descriptor, pos), 8), uint32_t(halt_code::bad_position));
    EXPECT_EQ(run_with(offsetof(descriptor, magic), 0), uint32_t(halt_code::bad_descriptor));
    EXPECT_EQ(run_with(offsetof(descriptor, pos), 7), uint32_t(halt_code::ok));
}

// A trap inside the firmware names the kernel, pc, instruction, trap kind and address.
TEST(iss_errors, firmware_trap_names_the_kernel) {
    small_iss s;
    // Layer 0's wq points past the end of memory: the first q8row of that matrix faults.
    s.iss.target().write32(s.iss.plan().layers + offsetof(layer_record, wq), 0xfffffff0u);
    std::string e = error_of([&] { s.iss.forward(1, 0); });
    std::printf("%s\n", e.c_str());
    EXPECT_NE(e.find("firmware trap load-fault in matvec_q8."), std::string::npos) << e;
    EXPECT_NE(e.find("q8row"), std::string::npos) << e;
    EXPECT_NE(e.find("address 0xfffffff0, on token 1 at position 0"), std::string::npos) << e;
}

}  // namespace
