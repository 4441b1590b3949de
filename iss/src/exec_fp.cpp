// SMOL-32 scalar fp32 instructions (docs/isa.md section 6); FLOPs come from the table's flops column.
#include "iss/src/fp32.h"
#include "iss/src/hart.h"

#include <cstdint>

namespace smol::iss {
namespace {

constexpr uint32_t sign_bit = 0x80000000u;

SMOL_EXEC(fadd) { h.set_f(o.fd(), fp::add(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fsub) { h.set_f(o.fd(), fp::sub(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fmul) { h.set_f(o.fd(), fp::mul(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fdiv) { h.set_f(o.fd(), fp::div(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fmin) { h.set_f(o.fd(), fp::min(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fmax) { h.set_f(o.fd(), fp::max(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fsqrt) { h.set_f(o.fd(), fp::sqrt(h.f(o.fs1()))); return true; }
SMOL_EXEC(frsqrt) { h.set_f(o.fd(), fp::rsqrt(h.f(o.fs1()))); return true; }
SMOL_EXEC(fexp) { h.set_f(o.fd(), fp::exp(h.f(o.fs1()))); return true; }
SMOL_EXEC(frecip) { h.set_f(o.fd(), fp::recip(h.f(o.fs1()))); return true; }
SMOL_EXEC(fsilu) { h.set_f(o.fd(), fp::silu(h.f(o.fs1()))); return true; }
SMOL_EXEC(fcvt_s_w) { h.set_f(o.fd(), fp::cvt_s_w(h.x(o.rs1()))); return true; }
SMOL_EXEC(fcvt_w_s) { h.set_x(o.rd(), fp::cvt_w_s(h.f(o.fs1()))); return true; }
SMOL_EXEC(feq) { h.set_x(o.rd(), fp::eq(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(flt) { h.set_x(o.rd(), fp::lt(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fle) { h.set_x(o.rd(), fp::le(h.f(o.fs1()), h.f(o.fs2()))); return true; }
SMOL_EXEC(fmov) { h.set_f(o.fd(), h.f(o.fs1())); return true; }
SMOL_EXEC(fneg) { h.set_f(o.fd(), h.f(o.fs1()) ^ sign_bit); return true; }
SMOL_EXEC(fabs) { h.set_f(o.fd(), h.f(o.fs1()) & ~sign_bit); return true; }
SMOL_EXEC(fmv_x_w) { h.set_x(o.rd(), h.f(o.fs1())); return true; }
SMOL_EXEC(fmv_w_x) { h.set_f(o.fd(), h.x(o.rs1())); return true; }
SMOL_EXEC(fmadd) { h.set_f(o.fd(), fp::fma(h.f(o.fs1()), h.f(o.fs2()), h.f(o.fs3()))); return true; }
SMOL_EXEC(fmsub) { h.set_f(o.fd(), fp::fma(h.f(o.fs1()), h.f(o.fs2()), h.f(o.fs3()) ^ sign_bit)); return true; }
SMOL_EXEC(fnmsub) { h.set_f(o.fd(), fp::fma(h.f(o.fs1()) ^ sign_bit, h.f(o.fs2()), h.f(o.fs3()))); return true; }

}  // namespace

SMOL_EXEC_SECTION(FP, fp)

}  // namespace smol::iss
