// SMOL-32 vector instructions (docs/isa.md section 7): lanes [0, vl) are active; reductions use the
// 16-lane tree of fp::tree16 with inactive lanes at the operation's identity.
#include "iss/src/fp32.h"
#include "iss/src/hart.h"

#include <algorithm>
#include <cstdint>

namespace smol::iss {
namespace {

constexpr uint32_t sign_bit = 0x80000000u;
constexpr uint32_t sum_identity = 0x80000000u;  // -0.0: x + -0.0 == x for every x
constexpr uint32_t max_identity = 0xff800000u;  // -inf
constexpr uint32_t min_identity = 0x7f800000u;  // +inf

// v[vd] = op(v[vs1], v[vs2]) lane by lane; the scalar forms take f[fs2] for every lane.
#define SMOL_VV(name, expr) \
    SMOL_EXEC(name) { \
        h.vmap(o.vd(), [&](uint32_t i) { const uint32_t a = h.v(o.vs1(), i), b = h.v(o.vs2(), i), d = h.v(o.vd(), i); \
                                         (void)d; return expr; }); \
        return true; \
    }
#define SMOL_VS(name, expr) \
    SMOL_EXEC(name) { \
        h.vmap(o.vd(), [&](uint32_t i) { const uint32_t a = h.v(o.vs1(), i), b = h.f(o.fs2()), d = h.v(o.vd(), i); \
                                         (void)d; return expr; }); \
        return true; \
    }
#define SMOL_V1(name, expr) \
    SMOL_EXEC(name) { \
        h.vmap(o.vd(), [&](uint32_t i) { const uint32_t a = h.v(o.vs1(), i); return expr; }); \
        return true; \
    }

SMOL_VV(vadd, fp::add(a, b))
SMOL_VV(vsub, fp::sub(a, b))
SMOL_VV(vmul, fp::mul(a, b))
SMOL_VV(vfma, fp::fma(a, b, d))
SMOL_VV(vfnms, fp::fma(a ^ sign_bit, b, d))
SMOL_VV(vmax, fp::max(a, b))
SMOL_VV(vmin, fp::min(a, b))
SMOL_VS(vadds, fp::add(a, b))
SMOL_VS(vsubs, fp::sub(a, b))
SMOL_VS(vmuls, fp::mul(a, b))
SMOL_VS(vfmas, fp::fma(a, b, d))
SMOL_V1(vsqrt, fp::sqrt(a))
SMOL_V1(vrsqrt, fp::rsqrt(a))
SMOL_V1(vexp, fp::exp(a))
SMOL_V1(vsilu, fp::silu(a))
SMOL_V1(vrecip, fp::recip(a))
SMOL_V1(vmov, a)
SMOL_EXEC(vbcast) { h.vmap(o.vd(), [&](uint32_t) { return h.f(o.fs1()); }); return true; }

// f[fd] = the tree combination of lane_fn over lanes [0, vl), inactive lanes = identity.
template <bool Observe, typename Lane, typename Combine>
void reduce(hart<Observe> h, unsigned fd, uint32_t identity, Lane&& lane_fn, Combine&& combine) {
    uint32_t t[16];
    for (uint32_t i = 0; i < 16; ++i) t[i] = i < h.vl() ? lane_fn(i) : identity;
    h.set_f(fd, fp::tree16(t, combine));
}
SMOL_EXEC(vredsum) { reduce(h, o.fd(), sum_identity, [&](uint32_t i) { return h.v(o.vs1(), i); }, fp::add); return true; }
SMOL_EXEC(vredmax) { reduce(h, o.fd(), max_identity, [&](uint32_t i) { return h.v(o.vs1(), i); }, fp::max); return true; }
SMOL_EXEC(vredmin) { reduce(h, o.fd(), min_identity, [&](uint32_t i) { return h.v(o.vs1(), i); }, fp::min); return true; }
SMOL_EXEC(vredsqs) {
    reduce(h, o.fd(), sum_identity, [&](uint32_t i) { return fp::mul(h.v(o.vs1(), i), h.v(o.vs1(), i)); }, fp::add);
    return true;
}
SMOL_EXEC(vdot) {
    reduce(h, o.fd(), sum_identity, [&](uint32_t i) { return fp::mul(h.v(o.vs1(), i), h.v(o.vs2(), i)); }, fp::add);
    return true;
}

SMOL_EXEC(vgetl) { h.set_f(o.fd(), h.v(o.vs1(), o.lane())); return true; }
SMOL_EXEC(vsetl) { h.set_lane(o.vd(), o.lane(), h.f(o.fs1())); return true; }
SMOL_EXEC(setvl) {
    h.set_vl(std::min<uint32_t>(h.x(o.rs1()), vector_lanes));
    h.set_x(o.rd(), h.vl());
    return true;
}

}  // namespace

SMOL_EXEC_SECTION(VEC, vec)

}  // namespace smol::iss
