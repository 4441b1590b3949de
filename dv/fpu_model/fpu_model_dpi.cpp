// DPI functions behind the testbench-only fp stand-ins of dv/fpu_model: the ISS's own fp32 semantics
// (iss/src/fp32.h), so the core can be co-simulated before the synthesizable units of rtl/fpu exist.
#include "iss/src/fp32.h"

#include <cstdint>

namespace fp = smol::iss::fp;

extern "C" {
uint32_t smol_dpi_fp_add(uint32_t a, uint32_t b) { return fp::add(a, b); }
uint32_t smol_dpi_fp_mul(uint32_t a, uint32_t b) { return fp::mul(a, b); }
uint32_t smol_dpi_fp_fma(uint32_t a, uint32_t b, uint32_t c) { return fp::fma(a, b, c); }
uint32_t smol_dpi_fp_q8(uint32_t w, uint32_t a, uint32_t acc) {
    float wf = static_cast<float>(static_cast<int8_t>(w & 0xffu));
    return fp::fma(fp::to_u(wf), a, acc);
}
uint32_t smol_dpi_fp_cmp(uint32_t a, uint32_t b) {
    return (fp::eq(a, b) ? 1u : 0u) | (fp::lt(a, b) ? 2u : 0u) | (fp::le(a, b) ? 4u : 0u);
}
uint32_t smol_dpi_fp_min(uint32_t a, uint32_t b) { return fp::min(a, b); }
uint32_t smol_dpi_fp_max(uint32_t a, uint32_t b) { return fp::max(a, b); }
uint32_t smol_dpi_fp_cvt_s_w(uint32_t a) { return fp::cvt_s_w(a); }
uint32_t smol_dpi_fp_cvt_w_s(uint32_t a) { return fp::cvt_w_s(a); }
uint32_t smol_dpi_fp_divsqrt(uint32_t sqrt_op, uint32_t a, uint32_t b) {
    return sqrt_op ? fp::sqrt(a) : fp::div(a, b);
}
uint32_t smol_dpi_fp_transc(uint32_t op, uint32_t a) {
    switch (op) {
    case 0: return fp::exp(a);
    case 1: return fp::silu(a);
    case 2: return fp::rsqrt(a);
    case 3: return fp::recip(a);
    default: return fp::sqrt(a);
    }
}
}
