#include "dv/fpu/fpu_dut.h"

#include <stdexcept>
#include <string>

#include "Vsmol_fp_add.h"
#include "Vsmol_fp_cmp.h"
#include "Vsmol_fp_cvt_s_w.h"
#include "Vsmol_fp_cvt_w_s.h"
#include "Vsmol_fp_divsqrt.h"
#include "Vsmol_fp_fma.h"
#include "Vsmol_fp_mul.h"
#include "Vsmol_fp_q8_lane.h"
#include "Vsmol_fp_transc.h"
#include "verilated.h"

namespace smol::dv::fpu {

struct fpu_dut::models {
    VerilatedContext context;
    Vsmol_fp_add add{&context};
    Vsmol_fp_mul mul{&context};
    Vsmol_fp_fma fma{&context};
    Vsmol_fp_q8_lane q8{&context};
    Vsmol_fp_cmp cmp{&context};
    Vsmol_fp_cvt_s_w cvt_s_w{&context};
    Vsmol_fp_cvt_w_s cvt_w_s{&context};
    Vsmol_fp_divsqrt divsqrt{&context};
    Vsmol_fp_transc transc{&context};
};

namespace {

template <typename Model>
void tick(Model& model) {
    model.clk_i = 0;
    model.eval();
    model.clk_i = 1;
    model.eval();
}

template <typename Model>
void reset(Model& model) {
    model.rst_ni = 0;
    model.start_i = 0;
    tick(model);
    tick(model);
    model.rst_ni = 1;
    tick(model);
}

// The handshake of rtl-contract.md: start for one cycle while idle, busy until the result, valid for
// exactly one cycle.
template <typename Model>
uint32_t handshake(Model& model, const char* unit, int& cycles) {
    constexpr int max_cycles = 256;
    if (model.busy_o) throw std::runtime_error(std::string(unit) + ": busy_o high while idle");
    model.start_i = 1;
    tick(model);
    model.start_i = 0;
    for (int cycle = 1; cycle <= max_cycles; ++cycle) {
        if (model.valid_o) {
            cycles = cycle;
            uint32_t y = model.y_o;
            if (model.busy_o) throw std::runtime_error(std::string(unit) + ": busy_o high with valid_o");
            tick(model);
            if (model.valid_o) throw std::runtime_error(std::string(unit) + ": valid_o longer than one cycle");
            return y;
        }
        if (!model.busy_o) throw std::runtime_error(std::string(unit) + ": busy_o low before valid_o");
        tick(model);
    }
    throw std::runtime_error(std::string(unit) + ": no valid_o within " + std::to_string(max_cycles) + " cycles");
}

}  // namespace

fpu_dut::fpu_dut() : m_(std::make_unique<models>()) {
    reset(m_->divsqrt);
    reset(m_->transc);
}
fpu_dut::~fpu_dut() = default;

namespace {

template <typename Model>
uint32_t binary(Model& model, uint32_t a, uint32_t b) {
    model.a_i = a;
    model.b_i = b;
    model.eval();
    return model.y_o;
}

void compare(Vsmol_fp_cmp& model, uint32_t a, uint32_t b) {
    model.a_i = a;
    model.b_i = b;
    model.eval();
}

template <typename Model>
uint32_t unary(Model& model, uint32_t a) {
    model.a_i = a;
    model.eval();
    return model.y_o;
}

}  // namespace

uint32_t fpu_dut::transc(uint8_t code, uint32_t a) {
    m_->transc.op_i = code;
    m_->transc.a_i = a;
    return handshake(m_->transc, "smol_fp_transc", last_cycles_);
}

uint32_t fpu_dut::run(fpu_op op, uint32_t a, uint32_t b, uint32_t c) {
    models& m = *m_;
    last_cycles_ = 0;
    switch (op) {
        case fpu_op::add: return binary(m.add, a, b);
        case fpu_op::sub: return binary(m.add, a, b ^ 0x80000000u);  // how the core issues fsub
        case fpu_op::mul: return binary(m.mul, a, b);
        case fpu_op::fma:
            m.fma.a_i = a;
            m.fma.b_i = b;
            m.fma.c_i = c;
            m.fma.eval();
            return m.fma.y_o;
        case fpu_op::q8:
        case fpu_op::q8_block:
            m.q8.p_sel_i = op == fpu_op::q8_block;
            m.q8.p_i = op == fpu_op::q8_block ? block_multiplicand(a) : 0;
            m.q8.w_i = static_cast<uint8_t>(a);
            m.q8.a_i = b;
            m.q8.acc_i = c;
            m.q8.eval();
            return m.q8.y_o;
        case fpu_op::eq: compare(m.cmp, a, b); return m.cmp.eq_o;
        case fpu_op::lt: compare(m.cmp, a, b); return m.cmp.lt_o;
        case fpu_op::le: compare(m.cmp, a, b); return m.cmp.le_o;
        case fpu_op::min: compare(m.cmp, a, b); return m.cmp.min_o;
        case fpu_op::max: compare(m.cmp, a, b); return m.cmp.max_o;
        case fpu_op::cvt_s_w: return unary(m.cvt_s_w, a);
        case fpu_op::cvt_w_s: return unary(m.cvt_w_s, a);
        case fpu_op::div:
        case fpu_op::sqrt:
            m.divsqrt.sqrt_i = op == fpu_op::sqrt;
            m.divsqrt.a_i = a;
            m.divsqrt.b_i = b;
            return handshake(m.divsqrt, "smol_fp_divsqrt", last_cycles_);
        case fpu_op::exp: return transc(0, a);
        case fpu_op::silu: return transc(1, a);
        case fpu_op::rsqrt: return transc(2, a);
        case fpu_op::recip: return transc(3, a);
        case fpu_op::transc_sqrt: return transc(4, a);
        case fpu_op::count: break;
    }
    throw std::runtime_error("fpu_dut: no unit implements " + std::string(fpu_info(op).name));
}

}  // namespace smol::dv::fpu
