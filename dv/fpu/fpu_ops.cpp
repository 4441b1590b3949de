#include "dv/fpu/fpu_ops.h"

#include <array>

#include "iss/src/fp32.h"
#include "iss/src/q8_kernel.h"

namespace smol::dv::fpu {
namespace {

namespace fp = smol::iss::fp;
using enum fpu_op;
using enum fpu_operand;

constexpr std::array<fpu_op_info, static_cast<size_t>(fpu_op::count)> table{{
    {add, "add", 2, fp32, false},
    {sub, "sub", 2, fp32, false},
    {mul, "mul", 2, fp32, false},
    {fma, "fma", 3, fp32, false},
    {q8, "q8", 3, int8, false},
    {eq, "eq", 2, fp32, false},
    {lt, "lt", 2, fp32, false},
    {le, "le", 2, fp32, false},
    {min, "min", 2, fp32, false},
    {max, "max", 2, fp32, false},
    {cvt_s_w, "cvt_s_w", 1, int32, false},
    {cvt_w_s, "cvt_w_s", 1, fp32, false},
    {div, "div", 2, fp32, true},
    {sqrt, "sqrt", 1, fp32, true},
    {exp, "exp", 1, fp32, true},
    {silu, "silu", 1, fp32, true},
    {rsqrt, "rsqrt", 1, fp32, true},
    {recip, "recip", 1, fp32, true},
    {transc_sqrt, "transc_sqrt", 1, fp32, true},
    {q8_block, "q8_block", 3, block, false},
}};

constexpr bool table_in_enum_order() {
    for (size_t i = 0; i < table.size(); ++i)
        if (static_cast<size_t>(table[i].op) != i) return false;
    return true;
}
static_assert(table_in_enum_order(), "fpu_ops table must list every fpu_op in enum order");

}  // namespace

std::span<const fpu_op_info> fpu_ops() { return table; }

const fpu_op_info& fpu_info(fpu_op op) { return table[static_cast<size_t>(op)]; }

std::optional<fpu_op> fpu_op_by_name(std::string_view name) {
    for (const auto& info : table)
        if (info.name == name) return info.op;
    return std::nullopt;
}

uint32_t block_multiplicand(uint32_t a) {
    const uint32_t code = fp::cvt_s_w(static_cast<uint32_t>(static_cast<int8_t>(a & 0xffu)));
    return fp::mul(code, smol::iss::half_to_fp32(static_cast<uint16_t>(a >> 8)));
}

uint32_t fpu_golden(fpu_op op, uint32_t a, uint32_t b, uint32_t c) {
    switch (op) {
        case add: return fp::add(a, b);
        case sub: return fp::sub(a, b);
        case mul: return fp::mul(a, b);
        case fma: return fp::fma(a, b, c);
        // The Q8 lane: fp32(int8 w) is exact, so the ISS's fma over the converted weight is the lane.
        case q8: return fp::fma(fp::cvt_s_w(static_cast<uint32_t>(static_cast<int8_t>(a & 0xffu))), b, c);
        case eq: return fp::eq(a, b);
        case lt: return fp::lt(a, b);
        case le: return fp::le(a, b);
        case min: return fp::min(a, b);
        case max: return fp::max(a, b);
        case cvt_s_w: return fp::cvt_s_w(a);
        case cvt_w_s: return fp::cvt_w_s(a);
        case div: return fp::div(a, b);
        case sqrt: return fp::sqrt(a);
        case exp: return fp::exp(a);
        case silu: return fp::silu(a);
        case rsqrt: return fp::rsqrt(a);
        case recip: return fp::recip(a);
        case transc_sqrt: return fp::sqrt(a);
        // The lane fed a block's multiplicand (q8bmacn / q4bmacn): the element's only rounding is the fma.
        case q8_block: return fp::fma(block_multiplicand(a), b, c);
        case count: break;
    }
    return 0;
}

}  // namespace smol::dv::fpu
