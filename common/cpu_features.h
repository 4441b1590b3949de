#pragma once
// Which SIMD tier the CPU kernels run: chosen once at run time from CPUID, so one binary serves every x86-64
// machine. The engine's kernel tables (engine/src/kernel_table.h) and the ISS's Q8 MAC step
// (iss/src/q8_kernel.h) both ask here, so SMOL_SIMD and --simd steer them alike.
//   SMOL_SIMD=portable|avx2|avx512|amx  forces a tier (an error if the CPU lacks it); unset: the best it has.
#include <optional>
#include <string>
#include <string_view>

namespace smol {

// Ordered: each tier needs everything the one before it does.
enum class simd_level { portable, avx2, avx512, amx, count };

const char* simd_level_name(simd_level level);
std::optional<simd_level> parse_simd_level(std::string_view name);

// What a tier needs: avx2 = AVX2 + FMA + F16C; avx512 = that and AVX-512 F/BW/VL/DQ; amx = that, AVX512-VNNI
// (its decode kernels) and AMX-TILE/INT8/BF16, with the tile data state granted to the process by Linux
// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA), requested once, on the first question about amx).
bool cpu_supports(simd_level level);
simd_level best_simd();  // the highest tier the CPU supports
// AVX512-VNNI (vpdpbusd), which the avx512 tier's int8-activation kernel uses when the CPU has it (and the
// avx512 tier runs); without it that tier runs the avx2 int8 kernel.
bool cpu_has_avx512_vnni();
// The extensions the CPU reports that the kernels care about, e.g. "avx2 fma f16c avx512f ... avx512vnni".
std::string cpu_feature_list();

// The tier in use: set_simd's, else SMOL_SIMD's, else best_simd(). Throws smol::error when SMOL_SIMD names
// an unknown tier or one the CPU lacks (the message names both), so call it before starting threads.
simd_level active_simd();
// --simd: the same checks, for the rest of the process (or until the next call).
void set_simd(simd_level level);
// Whether the tier was asked for (set_simd, or a non-empty SMOL_SIMD) rather than left to the CPU.
bool simd_asked_for();
// The reason a tier cannot run here ("this CPU lacks AVX-512 F/BW/VL/DQ"), or empty when it can.
std::string simd_unavailable_reason(simd_level level);

}  // namespace smol
