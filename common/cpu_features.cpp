#include "common/cpu_features.h"

#include "common/error.h"

#include <array>
#include <atomic>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <cstdlib>
#include <mutex>
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace smol {

namespace {

constexpr std::array<const char*, static_cast<size_t>(simd_level::count)> names = {"portable", "avx2", "avx512", "amx"};

bool has(const char* feature) {
#if defined(__x86_64__) || defined(__i386__)
    // __builtin_cpu_supports also checks that the OS saves the ymm/zmm state (XGETBV), not only CPUID.
    if (std::string_view(feature) == "avx2") return __builtin_cpu_supports("avx2");
    if (std::string_view(feature) == "fma") return __builtin_cpu_supports("fma");
    if (std::string_view(feature) == "f16c") {  // clang 14's __builtin_cpu_supports has no "f16c": CPUID.1:ECX[29]
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C) != 0;
    }
    if (std::string_view(feature) == "avx512f") return __builtin_cpu_supports("avx512f");
    if (std::string_view(feature) == "avx512bw") return __builtin_cpu_supports("avx512bw");
    if (std::string_view(feature) == "avx512vl") return __builtin_cpu_supports("avx512vl");
    if (std::string_view(feature) == "avx512dq") return __builtin_cpu_supports("avx512dq");
    if (std::string_view(feature) == "avx512vnni") return __builtin_cpu_supports("avx512vnni");
    if (std::string_view(feature) == "avx512bf16") return __builtin_cpu_supports("avx512bf16");
    // AMX: CPUID.(7,0):EDX bits 22 (BF16), 24 (TILE), 25 (INT8); GCC 12's __builtin_cpu_supports lacks them.
    const std::string_view f(feature);
    if (f == "amx-tile" || f == "amx-int8" || f == "amx-bf16") {
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
        const unsigned bit = f == "amx-tile" ? 24 : f == "amx-int8" ? 25 : 22;
        return (edx >> bit & 1u) != 0;
    }
#endif
    (void)feature;
    return false;
}

constexpr const char* avx2_features[] = {"avx2", "fma", "f16c"};
constexpr const char* avx512_features[] = {"avx512f", "avx512bw", "avx512vl", "avx512dq"};
constexpr const char* amx_features[] = {"avx512vnni", "amx-tile", "amx-int8", "amx-bf16"};

// The tile data registers (8 KiB of state) are off for a Linux process until it asks for them; the answer
// holds for the whole process and every thread it starts. Asked once; empty when granted, else why not.
std::string request_tile_state() {
#if defined(__linux__) && defined(__x86_64__)
    constexpr int arch_req_xcomp_perm = 0x1023, xfeature_xtiledata = 18;
    // XCR0 bits 17 (XTILECFG) and 18 (XTILEDATA): the OS manages the tile state at all.
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || (ecx & bit_OSXSAVE) == 0) return "the OS has not enabled XSAVE";
    unsigned xcr0_lo = 0, xcr0_hi = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    if ((xcr0_lo >> 17 & 3u) != 3u) return "the OS does not save the AMX tile state (XCR0 bits 17-18)";
    if (syscall(SYS_arch_prctl, arch_req_xcomp_perm, xfeature_xtiledata) != 0)
        return "Linux refused the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM failed)";
    return {};
#else
    return "AMX tiles need Linux on x86-64 (arch_prctl)";
#endif
}

const std::string& tile_state_reason() {
    static std::once_flag once;
    static std::string reason;
    std::call_once(once, [] { reason = request_tile_state(); });
    return reason;
}

// -1: nothing chosen yet (SMOL_SIMD or the CPU decide on first use).
std::atomic<int> chosen{-1};
std::atomic<bool> set_by_call{false};  // set_simd was called (--simd)

const char* simd_environment() {  // SMOL_SIMD, or nullptr when unset or empty
    const char* env = std::getenv("SMOL_SIMD");
    return env && *env ? env : nullptr;
}

simd_level checked(simd_level level, const char* origin) {
    std::string reason = simd_unavailable_reason(level);
    if (!reason.empty()) fail("{}{}: {} (it has: {})", origin, simd_level_name(level), reason, cpu_feature_list());
    return level;
}

simd_level from_environment() {
    const char* env = simd_environment();
    if (!env) return best_simd();
    std::optional<simd_level> level = parse_simd_level(env);
    if (!level) fail("SMOL_SIMD={}: unknown kernel tier (expected portable, avx2, avx512 or amx)", env);
    return checked(*level, "SMOL_SIMD=");
}

}  // namespace

const char* simd_level_name(simd_level level) {
    const auto i = static_cast<size_t>(level);
    return i < names.size() ? names[i] : "unknown";
}

std::optional<simd_level> parse_simd_level(std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i)
        if (name == names[i]) return static_cast<simd_level>(i);
    return std::nullopt;
}

std::string simd_unavailable_reason(simd_level level) {
    auto all = [](const auto& features) {
        for (const char* f : features)
            if (!has(f)) return false;
        return true;
    };
    switch (level) {
        case simd_level::portable: return {};
        case simd_level::avx2: return all(avx2_features) ? "" : "this CPU lacks AVX2/FMA/F16C";
        case simd_level::avx512:
            if (!all(avx2_features)) return "this CPU lacks AVX2/FMA/F16C";
            return all(avx512_features) ? "" : "this CPU lacks AVX-512 F/BW/VL/DQ";
        case simd_level::amx:
            if (!all(avx2_features)) return "this CPU lacks AVX2/FMA/F16C";
            if (!all(avx512_features)) return "this CPU lacks AVX-512 F/BW/VL/DQ";
            if (!all(amx_features)) return "this CPU lacks AVX512-VNNI/AMX-TILE/AMX-INT8/AMX-BF16";
            return tile_state_reason();
        case simd_level::count: break;
    }
    return "not a kernel tier";
}

bool cpu_has_avx512_vnni() { return cpu_supports(simd_level::avx512) && has("avx512vnni"); }

bool cpu_supports(simd_level level) { return simd_unavailable_reason(level).empty(); }

simd_level best_simd() {
    for (int i = static_cast<int>(simd_level::count) - 1; i > 0; --i)
        if (cpu_supports(static_cast<simd_level>(i))) return static_cast<simd_level>(i);
    return simd_level::portable;
}

std::string cpu_feature_list() {
    std::string list;
    for (const char* f : {"avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512vnni", "avx512bf16",
                          "amx-tile", "amx-int8", "amx-bf16"})
        if (has(f)) list += list.empty() ? f : std::string(" ") + f;
    return list.empty() ? "no SIMD extension the kernels use" : list;
}

simd_level active_simd() {
    int level = chosen.load(std::memory_order_acquire);
    if (level < 0) {
        level = static_cast<int>(from_environment());
        chosen.store(level, std::memory_order_release);
    }
    return static_cast<simd_level>(level);
}

void set_simd(simd_level level) {
    chosen.store(static_cast<int>(checked(level, "--simd ")), std::memory_order_release);
    set_by_call.store(true, std::memory_order_release);
}

bool simd_asked_for() { return set_by_call.load(std::memory_order_acquire) || simd_environment() != nullptr; }

}  // namespace smol
