#pragma once
// Which SIMD kernels run: chosen once at run time from the CPU, so one binary serves every x86-64 machine.
// SMOL_SIMD=portable in the environment (or force_portable_kernels) selects the portable C++ kernels, so
// every correctness test can run on both paths on a machine that has AVX2.
#include <string>

namespace smol {

enum class simd_level { portable, avx2 };

const char* simd_level_name(simd_level level);
bool cpu_has_avx2_fma();      // what the CPU offers
simd_level active_simd();     // what the kernels use now
void force_portable_kernels(bool portable);  // tests and --no-simd; false restores detection

}  // namespace smol
