#include "engine/src/cpu_features.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace smol {

namespace {

simd_level detect() {
    const char* env = std::getenv("SMOL_SIMD");
    if (env && std::strcmp(env, "portable") == 0) return simd_level::portable;
    return cpu_has_avx2_fma() ? simd_level::avx2 : simd_level::portable;
}

std::atomic<bool> forced_portable{false};

}  // namespace

const char* simd_level_name(simd_level level) { return level == simd_level::avx2 ? "avx2" : "portable"; }

bool cpu_has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return false;
#endif
}

simd_level active_simd() {
    static const simd_level detected = detect();
    return forced_portable.load(std::memory_order_relaxed) ? simd_level::portable : detected;
}

void force_portable_kernels(bool portable) { forced_portable.store(portable, std::memory_order_relaxed); }

}  // namespace smol
