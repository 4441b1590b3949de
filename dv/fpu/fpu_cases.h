#pragma once
// Operands for the FP unit tests: directed cases (special values, every rounding boundary and tie the
// generators below construct, cancellation, overflow and underflow edges) and a seeded random stream
// that mixes uniform bit patterns with operands biased towards interesting exponent differences.
#include <cstdint>
#include <vector>

#include "dv/fpu/fpu_ops.h"

namespace smol::dv::fpu {

struct fpu_operands {
    uint32_t a, b, c;
};

std::vector<fpu_operands> fpu_directed_cases(fpu_op op);

class fpu_random {
public:
    explicit fpu_random(uint64_t seed) : state_(seed) {}
    fpu_operands next(fpu_op op);

private:
    uint64_t bits();                   // splitmix64
    uint32_t below(uint32_t n) { return static_cast<uint32_t>(bits() % n); }
    uint32_t special_value();
    uint32_t fp_operand();             // uniform half of the time, else a structured value
    uint32_t near_exponent(int biased_exp);  // a value whose exponent is biased_exp +- a few
    uint32_t unary_operand(fpu_op op);
    uint64_t state_;
};

}  // namespace smol::dv::fpu
