// A decode step allocates nothing: every buffer is made in the transformer's constructor (issue 6). Counts
// the allocations of this test binary through a replaced global operator new.
#include "engine/src/transformer.h"
#include "engine/tests/test_models.h"

#include <atomic>
#include <cstdlib>
#include <gtest/gtest.h>
#include <new>

namespace {
std::atomic<int64_t> allocations{0};
}  // namespace

void* operator new(size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

TEST(decode, allocates_nothing_after_the_first_step) {
    for (auto scheme : {smol::quant_scheme::f32, smol::quant_scheme::q8r, smol::quant_scheme::q4_0}) {
        auto m = smol::testing::random_image_model(smol::testing::small_config(), scheme);
        for (int32_t threads : {1, 2}) {
            smol::transformer t(m.weights, 32, 16, threads);
            std::vector<float> logits(size_t(m.weights.config.vocab_size));
            const std::vector<int32_t> prompt = {3, 1, 4, 1, 5, 9};
            t.eval(prompt, 0, logits, false);  // prefill (may size per-thread scratch once)
            const int64_t before = allocations.load();
            for (int32_t pos = int32_t(prompt.size()); pos < 20; ++pos) {
                const int32_t token = pos % 7;
                t.eval(std::span(&token, 1), pos, logits, false);
            }
            t.eval(prompt, 20, logits, false);  // a second prefill: the scratch is already there
            EXPECT_EQ(allocations.load(), before) << smol::quant_scheme_name(scheme) << ", " << threads << " threads";
        }
    }
}

}  // namespace
