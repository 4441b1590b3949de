// One comparison suite for every back end, in the manner of ggml's test-backend-ops: a case names a model,
// a prompt, the eval calls it is split into (positions) and the weights; it runs on each back end of the
// registry (backends/src/registry.h) and is compared, by named metrics with stated tolerances, with the
// back end that back end is checked against, the layer above it in the chain:
//
//   engine_portable  the engine on its portable kernels   against the engine on the AVX2 kernels
//   iss              the firmware on the ISS              against the engine on the same converted weights
//   iss_portable     the ISS on its portable Q8 kernel    against the ISS on its AVX2 Q8 kernel, bit for bit:
//                    logits equal and the commit streams (docs/trace.md) of every forward pass identical
//   rtl              the firmware on the Verilated core   against the ISS, bit for bit in the same way
//                    (memory latency 20; not in the sanitizer build, which has no Verilated core)
//
// (The engine itself is checked against the PyTorch reference by reference/tests/test_engine_compare.py.)
// Metrics: max |dlogit| <= tolerance x max |reference logit| over every position and id; the top-5 ids, in
// order, identical at every position; the greedy continuation identical. Case names are reproducible CTest
// names: backend_ops.<back end>.<model>.<weights>, e.g. `ctest -R 'backend_ops.iss.odd_geometry.q8r'`.
#include "backends/src/registry.h"
#include "backends/tests/metrics.h"
#include "common/error.h"
#include "common/cpu_features.h"
#include "engine/src/make_model.h"
#include "engine/tests/test_models.h"
#include "firmware/src/firmware_backend.h"
#include "iss/src/q8_kernel.h"
#include "iss/src/trace.h"
#include "model/src/model_loader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace smol::testing {
namespace {

// A model to run: converted from a checkpoint directory, or random weights built in memory.
struct case_model {
    std::optional<loaded_model> loaded;
    std::optional<image_model> built;
    backend_model view() const {
        if (loaded) return {loaded->weights(), loaded->image()};
        return {built->weights, {built->image.data(), built->image.size()}};
    }
};

struct model_case {
    std::string name;
    std::function<case_model(quant_scheme)> make;
    std::vector<int32_t> prompt;
    std::vector<int32_t> splits;  // first position of each eval call
    int32_t greedy_tokens;
    bool slow = false;            // registered only with --slow (the "slow" CTest label)
};

struct suite_backend {
    const char* name;         // the case-name prefix
    const char* backend;      // registry name of the back end under test
    bool portable_kernels;    // for the one under test; the reference runs on the kernels the CPU selects
    const char* reference;    // registry name of the back end it is checked against
    std::vector<quant_scheme> schemes;
    double tolerance;         // max |dlogit| / max |reference logit|
    size_t k;                 // top-k identity
    bool commit_stream = false;  // firmware back ends: every forward pass retires the same instructions
};

// A 20-token prompt with repeats, so attention sees equal keys.
const std::vector<int32_t> prompt20 = {1, 504, 33, 7001, 12, 12, 950, 4, 8000, 61, 2222, 17, 3, 96, 40, 40, 0, 615, 22, 9};

std::vector<int32_t> prompt_for(int32_t vocab) {
    std::vector<int32_t> ids;
    for (int32_t t : prompt20) ids.push_back(t % vocab);
    return ids;
}

std::string temp_model_dir(const char* what) {
    return (std::filesystem::temp_directory_path() / fmt::format("smol-backend-ops-{}-{}", what, ::getpid())).string();
}

// `smol make-model --preset tiny`, written once per process.
const std::string& tiny_dir() {
    static const std::string dir = [] {
        std::string d = temp_model_dir("tiny");
        std::filesystem::remove_all(d);
        make_model(make_model_preset("tiny"), 11, d);
        return d;
    }();
    return dir;
}

struct cleanup {
    ~cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(temp_model_dir("tiny"), ec);
    }
} remove_models_at_exit;

model_config geometry(int32_t vocab, int32_t hidden, int32_t inter, int32_t layers, int32_t heads, int32_t kv_heads,
                      int32_t head_dim, bool tied) {
    return llama_config({vocab, hidden, inter, layers, heads, kv_heads, head_dim, 64, tied});
}

model_case random_case(std::string name, model_config c, int32_t greedy_tokens, uint64_t seed = 5, bool slow = false) {
    const int32_t vocab = c.vocab_size;
    return {std::move(name),
            [c, seed](quant_scheme q) {
                case_model m;
                m.built = random_image_model(c, q, seed);
                return m;
            },
            prompt_for(vocab), {0}, greedy_tokens, slow};
}

std::vector<model_case> model_cases() {
    std::vector<model_case> cases;
    // make-model's tiny preset; two eval calls, the second after a cached prefix.
    cases.push_back({"tiny",
                     [](quant_scheme q) {
                         case_model m;
                         m.loaded = load_model(tiny_dir(), q);
                         return m;
                     },
                     prompt20, {0, 10}, 32});
    // Other LLaMA geometries, nothing hard-coded in any back end:
    // untied head, head_dim 24 (not a multiple of 16), 1 KV head for 3 query heads, odd vocab;
    cases.push_back(random_case("untied_hd24", geometry(203, 72, 100, 2, 3, 1, 24, false), 8));
    // head_dim 40 with q_dim 160 != hidden 96, MHA (group 1), tied;
    cases.push_back(random_case("tied_hd40_mha", geometry(150, 96, 64, 3, 4, 4, 40, true), 8));
    // head_dim 64 (the firmware's register-resident attention path), untied, group 2;
    cases.push_back(random_case("untied_hd64", geometry(120, 128, 96, 2, 4, 2, 64, false), 8));
    // head_dim 8, group 4, vocab and hidden not multiples of 16.
    cases.push_back(random_case("untied_hd8_g4", geometry(97, 40, 56, 2, 8, 2, 8, false), 8));
    // The reference's odd-geometry fixture (reference/smol_reference/fixtures.py "odd": a BF16 checkpoint, hidden
    // 40, 5 heads on 1 KV head, vocab 97), written by the CTest fixture reference.setup.fixture-odd.
    cases.push_back({"odd_geometry",
                     [](quant_scheme q) {
                         case_model m;
                         m.loaded = load_model(SMOL_ODD_GEOMETRY_DIR, q);
                         return m;
                     },
                     prompt_for(97), {0, 7}, 16});
    // The SmolLM2-135M geometry with random weights (make_model_preset), a short prompt.
    model_case big = random_case("smollm2_135m", make_model_preset("smollm2-135m"), 4, 3, true);
    big.prompt = {1, 4093, 28, 17, 30000, 49151};
    cases.push_back(big);
    return cases;
}

const std::vector<suite_backend>& suite_backends() {
    static const std::vector<suite_backend> all = {
        {"engine_portable", "engine", true, "engine", {quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r}, 1e-4, 5},
        {"iss", "iss", false, "engine",
         {quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0, quant_scheme::q4_0}, 1e-4, 5},
        {"iss_portable", "iss", true, "iss", {quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0, quant_scheme::q4_0},
         0.0, 5, true},
#if SMOL_HAVE_RTL
        {"rtl", "rtl", false, "iss", {quant_scheme::q8, quant_scheme::q8r}, 0.0, 5, true},
#endif
    };
    return all;
}

firmware::target& target_of(inference_backend& b) {
    auto* fw = dynamic_cast<firmware::firmware_backend*>(&b);
    if (!fw) fail("the commit-stream metric needs firmware back ends");
    return fw->target();
}

struct stream_difference {
    uint64_t records = 0;     // commit records of the reference
    uint64_t mismatches = 0;  // records that differ, or are missing on either side
    std::string first;        // the first difference, both lines
};

// Runs the prompt one forward pass at a time on both back ends, comparing their commit streams line by line.
stream_difference compare_commit_streams(inference_backend& want, inference_backend& got, const std::vector<int32_t>& prompt) {
    stream_difference d;
    std::vector<std::string> lines;
    size_t next = 0;
    target_of(want).set_commit_hook([&](const iss::commit_record& r) { lines.push_back(iss::format_commit(r)); });
    target_of(got).set_commit_hook([&](const iss::commit_record& r) {
        const std::string line = iss::format_commit(r);
        if (next >= lines.size() || lines[next] != line) {
            if (d.first.empty())
                d.first = fmt::format("want: {}\n  got: {}", next < lines.size() ? lines[next] : "(end)", line);
            ++d.mismatches;
        }
        ++next;
    });
    std::vector<float> logits(size_t(want.config().vocab_size));
    for (size_t p = 0; p < prompt.size(); ++p) {
        lines.clear();
        next = 0;
        want.eval(std::span(prompt).subspan(p, 1), int32_t(p), logits, false);
        got.eval(std::span(prompt).subspan(p, 1), int32_t(p), logits, false);
        if (next < lines.size()) {
            if (d.first.empty()) d.first = fmt::format("want: {}\n  got: (end)", lines[next]);
            d.mismatches += lines.size() - next;
        }
        d.records += lines.size();
    }
    target_of(want).set_commit_hook({});
    target_of(got).set_commit_hook({});
    return d;
}

class backend_case : public ::testing::Test {
public:
    backend_case(const suite_backend& b, const model_case& c, quant_scheme q) : b_(b), c_(c), q_(q) {}

    void TestBody() override {
        if (b_.portable_kernels && (active_simd() == simd_level::portable || iss::q8_mac_best() == iss::q8_mac_portable))
            GTEST_SKIP() << "the reference already runs the portable kernels (no SIMD tier, or SMOL_SIMD=portable)";
        case_model m = c_.make(q_);
        const backend_model model = m.view();
        backend_options options;
        options.context = int32_t(c_.prompt.size()) + c_.greedy_tokens;
        const size_t vocab = size_t(model.weights.config.vocab_size);

        auto reference = make_backend(b_.reference, model, options);
        const std::vector<float> want = logits_in_calls(*reference, c_.prompt, c_.splits);
        const std::vector<int32_t> want_greedy = greedy(*reference, c_.prompt, c_.greedy_tokens);
        reference.reset();

        const simd_level tier_before = active_simd();
        options.portable_kernels = b_.portable_kernels;
        auto under_test = make_backend(b_.backend, model, options);
        const std::vector<float> got = logits_in_calls(*under_test, c_.prompt, c_.splits);
        const std::vector<int32_t> got_greedy = greedy(*under_test, c_.prompt, c_.greedy_tokens);
        set_simd(tier_before);

        const logit_difference d = compare_logits(want, got, vocab, b_.k);
        std::printf("%s vs %s: max|dlogit| %.3g, max|logit| %.3g, relative %.3g (tolerance %.3g); top-%zu differs at %d "
                    "of %zu positions; greedy %d tokens %s\n",
                    b_.name, b_.reference, d.max_abs_diff, d.max_abs_logit, d.relative(), b_.tolerance, b_.k,
                    d.top_k_mismatches, c_.prompt.size(), c_.greedy_tokens,
                    got_greedy == want_greedy ? "identical" : "differ");
        ASSERT_EQ(want_greedy.size(), size_t(c_.greedy_tokens));
        EXPECT_LE(d.relative(), b_.tolerance) << "max |dlogit| relative";
        EXPECT_EQ(d.top_k_mismatches, 0) << "top-" << b_.k << " identity";
        EXPECT_EQ(got_greedy, want_greedy) << "greedy stream identity";
        if (b_.commit_stream) {
            const stream_difference s = compare_commit_streams(*reference_again(model, options), *under_test, c_.prompt);
            std::printf("commit streams: %llu records, %llu differ\n", static_cast<unsigned long long>(s.records),
                        static_cast<unsigned long long>(s.mismatches));
            EXPECT_GT(s.records, 0u);
            EXPECT_EQ(s.mismatches, 0u) << "commit stream identity, first difference:\n  " << s.first;
        }
    }

private:
    std::unique_ptr<inference_backend> reference_again(const backend_model& model, backend_options options) const {
        options.portable_kernels = false;
        return make_backend(b_.reference, model, options);
    }

    const suite_backend& b_;
    model_case c_;
    quant_scheme q_;
};

void register_cases(bool slow) {
    for (const suite_backend& b : suite_backends())
        for (const model_case& c : model_cases())
            for (quant_scheme q : b.schemes) {
                if (c.slow != slow) continue;
                const std::string name = c.name + "." + quant_scheme_name(q);
                ::testing::RegisterTest(b.name, name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                                        [&b, c, q]() -> ::testing::Test* { return new backend_case(b, c, q); });
            }
}

}  // namespace
}  // namespace smol::testing

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    bool slow = false;
    for (int i = 1; i < argc; ++i) slow = slow || std::string(argv[i]) == "--slow";
    smol::testing::register_cases(slow);
    const int status = RUN_ALL_TESTS();
    // A slow case is run by name (backends/tests/CMakeLists.txt): a name that matches nothing is an error.
    if (slow && ::testing::UnitTest::GetInstance()->test_to_run_count() == 0) {
        std::fprintf(stderr, "backend_ops: no case matches the filter\n");
        return 1;
    }
    return status;
}
