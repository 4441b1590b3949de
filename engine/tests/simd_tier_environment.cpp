// Linked into every engine test binary, which CTest runs once per kernel tier (engine.cmake): with
// SMOL_SIMD naming a tier this CPU lacks, no test body runs and the reason is printed; an unknown SMOL_SIMD
// fails. GoogleTest 1.12 counts tests skipped by a global environment as passed, so CTest recognises the
// printed "this tier is not tested here" (SKIP_REGULAR_EXPRESSION) and reports them as skipped.
#include "common/cpu_features.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <string>

namespace {

class simd_tier_environment : public ::testing::Environment {
public:
    void SetUp() override {
        const char* env = std::getenv("SMOL_SIMD");
        if (!env || !*env) return;
        const auto level = smol::parse_simd_level(env);
        if (!level) FAIL() << "SMOL_SIMD=" << env << " is not a kernel tier";
        const std::string reason = smol::simd_unavailable_reason(*level);
        if (!reason.empty()) GTEST_SKIP() << "SMOL_SIMD=" << env << ": " << reason << "; this tier is not tested here";
    }
};

const auto* registered = ::testing::AddGlobalTestEnvironment(new simd_tier_environment);

}  // namespace
