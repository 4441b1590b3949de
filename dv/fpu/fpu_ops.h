#pragma once
// The operations the FP units implement, each paired with its golden function from the ISS
// (iss/src/fp32.cpp), so the harness, the sweeps and the Icarus vectors all name them the same way.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace smol::dv::fpu {

enum class fpu_op {
    add, sub, mul, fma, q8, eq, lt, le, min, max, cvt_s_w, cvt_w_s,
    div, sqrt, exp, silu, rsqrt, recip, transc_sqrt, q8_block, count
};

// How random and directed operands are drawn for `a`; `block` packs a q8_0/q4_0 block's fp16 scale
// (bits 23:8) and one int8 code (bits 7:0).
enum class fpu_operand { fp32, int32, int8, block };

struct fpu_op_info {
    fpu_op op;
    std::string_view name;
    int arity;            // 1, 2 or 3 operands (a, b, c)
    fpu_operand a_kind;   // b and c are always fp32
    bool multi_cycle;     // run through a start/valid handshake
};

std::span<const fpu_op_info> fpu_ops();
const fpu_op_info& fpu_info(fpu_op op);
std::optional<fpu_op> fpu_op_by_name(std::string_view name);

// The block-scaled multiplicand of a `block` operand: fp32(code) * fp32(scale), exact (the ISS's
// qb_mac forms it the same way), a canonical NaN for a NaN scale or 0 * inf.
uint32_t block_multiplicand(uint32_t a);

// The ISS's result for the operation (comparisons give 0 or 1).
uint32_t fpu_golden(fpu_op op, uint32_t a, uint32_t b, uint32_t c);

}  // namespace smol::dv::fpu
