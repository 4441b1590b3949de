// SMOL-32 Q8 MAC unit (docs/isa.md section 8): int8 weights at wptr times fp32 activations at aptr into
// 16 fp32 accumulator lanes; MACs are counted here, FLOPs by the table (2 per MAC).
#include "iss/src/fp32.h"
#include "iss/src/hart.h"

#include <cstdint>
#include <cstring>

namespace smol::iss {
namespace {

template <bool Observe>
using align = typename hart<Observe>::align;

SMOL_EXEC(qsetscale) { h.set_qscale(h.f(o.fs1())); return true; }
SMOL_EXEC(qsetbase) { h.set_qwptr(h.x(o.rs1())); return true; }
SMOL_EXEC(fsetbase) { h.set_qaptr(h.x(o.rs1())); return true; }
SMOL_EXEC(qgetbase) { h.set_x(o.rd(), h.q8().wptr); return true; }
SMOL_EXEC(fgetbase) { h.set_x(o.rd(), h.q8().aptr); return true; }
SMOL_EXEC(acczero) {
    h.acc().fill(0.0f);
    h.acc_written();
    return true;
}
SMOL_EXEC(accread) {
    uint32_t lanes[16];
    std::memcpy(lanes, h.acc().data(), 64);
    h.set_f(o.fd(), fp::mul(fp::tree16(lanes, fp::add), h.q8().scale));
    return true;
}

// n weights from wptr times n activations from aptr into the accumulators; Advance moves both pointers.
template <bool Observe, bool Advance>
bool mac(hart<Observe> h, uint64_t n) {
    const uint32_t w = h.q8().wptr, a = h.q8().aptr;
    if (!h.can_load(w, n, align<Observe>::byte) || !h.can_load(a, 4 * n, align<Observe>::word)) return false;
    h.q8_mac(w, a, n);
    h.acc_written();
    if constexpr (Advance) {
        h.set_qwptr(static_cast<uint32_t>(w + n));
        h.set_qaptr(static_cast<uint32_t>(a + 4 * n));
    }
    return true;
}
SMOL_EXEC(q8mac) { return mac<Observe, false>(h, o.qn()); }
SMOL_EXEC(q8macinc) { return mac<Observe, true>(h, o.qn()); }
SMOL_EXEC(q8macn) { return mac<Observe, true>(h, h.x(o.rs1())); }
// One matrix row (docs/isa.md section 7, "Row MACs"): vd[lane] = the previous row's sum (accread's value),
// then the lanes restart at +0.0 and take rs1 MACs; wptr walks on into the next row, aptr stays on the
// activations every row shares. The checks come first, so a trap changes nothing.
SMOL_EXEC(q8row) {
    const uint64_t n = h.x(o.rs1());
    const uint32_t w = h.q8().wptr, a = h.q8().aptr;
    if (!h.can_load(w, n, align<Observe>::byte) || !h.can_load(a, 4 * n, align<Observe>::word)) return false;
    uint32_t lanes[16];
    std::memcpy(lanes, h.acc().data(), 64);
    h.set_lane(o.vd(), o.lane(), fp::mul(fp::tree16(lanes, fp::add), h.q8().scale));
    h.acc().fill(0.0f);
    h.q8_mac(w, a, n);
    h.acc_written();
    h.set_qwptr(static_cast<uint32_t>(w + n));
    return true;
}

// rs1 llama.cpp blocks from wptr times 32 rs1 activations from aptr; both pointers walk past what was read.
// The ranges are 64-bit products, so a huge count is a fault, never a wrapped-around small range.
template <bool Observe>
bool block_mac(hart<Observe> h, uint64_t n, block_format f) {
    const uint32_t w = h.q8().wptr, a = h.q8().aptr;
    if (!h.can_load(w, n * block_bytes(f), align<Observe>::byte) ||
        !h.can_load(a, 4 * block_elements * n, align<Observe>::word))
        return false;
    h.qb_mac(w, a, n, f);
    h.acc_written();
    h.set_qwptr(static_cast<uint32_t>(w + n * block_bytes(f)));
    h.set_qaptr(static_cast<uint32_t>(a + 4 * block_elements * n));
    return true;
}
SMOL_EXEC(q8bmacn) { return block_mac(h, h.x(o.rs1()), block_format::q8_0); }
SMOL_EXEC(q4bmacn) { return block_mac(h, h.x(o.rs1()), block_format::q4_0); }

// vl int8 weights from wptr, dequantized lane by lane; wptr advances by vl.
template <bool Observe, typename Lane>
bool vq8(hart<Observe> h, unsigned vd, Lane&& lane_fn) {
    const uint32_t w = h.q8().wptr;
    if (!h.can_load(w, h.vl(), align<Observe>::byte)) return false;
    h.vmap(vd, [&](uint32_t i) { return lane_fn(fp::to_u(static_cast<float>(static_cast<int8_t>(h.load8(w + i)))), i); });
    h.set_qwptr(w + h.vl());
    h.count_macs(h.vl());
    return true;
}
SMOL_EXEC(vq8mul) { return vq8(h, o.vd(), [&](uint32_t wt, uint32_t) { return fp::mul(wt, h.q8().scale); }); }
SMOL_EXEC(vq8mac) {
    return vq8(h, o.vd(), [&](uint32_t wt, uint32_t i) { return fp::fma(wt, h.f(o.fs1()), h.v(o.vd(), i)); });
}

}  // namespace

SMOL_EXEC_SECTION(Q8, q8)

}  // namespace smol::iss
