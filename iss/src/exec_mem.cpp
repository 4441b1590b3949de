// SMOL-32 loads and stores (docs/isa.md section 4): the address is checked before anything is written.
#include "iss/src/hart.h"

#include <cstdint>

namespace smol::iss {
namespace {

template <bool Observe>
using align = typename hart<Observe>::align;

template <bool Observe>
uint32_t address(hart<Observe> h, isa::operands o) { return h.x(o.rs1()) + static_cast<uint32_t>(o.simm()); }

SMOL_EXEC(lw) {
    const uint32_t a = address(h, o);
    if (!h.can_load(a, 4, align<Observe>::word)) return false;
    h.set_x(o.rd(), h.load32(a));
    return true;
}
SMOL_EXEC(lb) {
    const uint32_t a = address(h, o);
    if (!h.can_load(a, 1, align<Observe>::byte)) return false;
    h.set_x(o.rd(), static_cast<uint32_t>(static_cast<int8_t>(h.load8(a))));
    return true;
}
SMOL_EXEC(lbu) {
    const uint32_t a = address(h, o);
    if (!h.can_load(a, 1, align<Observe>::byte)) return false;
    h.set_x(o.rd(), h.load8(a));
    return true;
}
SMOL_EXEC(lf) {
    const uint32_t a = address(h, o);
    if (!h.can_load(a, 4, align<Observe>::word)) return false;
    h.set_f(o.fd(), h.load32(a));
    return true;
}
SMOL_EXEC(sw) {
    const uint32_t a = address(h, o);
    if (!h.can_store(a, 4, align<Observe>::word)) return false;
    h.store32(a, h.x(o.rt()));
    return true;
}
SMOL_EXEC(sb) {
    const uint32_t a = address(h, o);
    if (!h.can_store(a, 1, align<Observe>::byte)) return false;
    h.store8(a, static_cast<uint8_t>(h.x(o.rt())));
    return true;
}
SMOL_EXEC(sf) {
    const uint32_t a = address(h, o);
    if (!h.can_store(a, 4, align<Observe>::word)) return false;
    h.store32(a, h.f(o.ft()));
    return true;
}

// Vector loads and stores move lanes [0, vl); the *inc forms then advance rs1 by 4 * vl.
template <bool Observe>
bool load_vector(hart<Observe> h, unsigned vd, uint32_t a) {
    if (!h.can_load(a, 4ull * h.vl(), align<Observe>::word)) return false;
    h.vmap(vd, [&](uint32_t i) { return h.load32(a + 4 * i); });
    return true;
}
template <bool Observe>
bool store_vector(hart<Observe> h, unsigned vt, uint32_t a) {
    if (!h.can_store(a, 4ull * h.vl(), align<Observe>::word)) return false;
    h.store_lanes(a, vt);
    return true;
}
SMOL_EXEC(lv) { return load_vector(h, o.vd(), address(h, o)); }
SMOL_EXEC(sv) { return store_vector(h, o.vt(), address(h, o)); }
SMOL_EXEC(lvinc) {
    if (!load_vector(h, o.vd(), h.x(o.rs1()))) return false;
    h.set_x(o.rs1(), h.x(o.rs1()) + 4 * h.vl());
    return true;
}
SMOL_EXEC(svinc) {
    if (!store_vector(h, o.vt(), h.x(o.rs1()))) return false;
    h.set_x(o.rs1(), h.x(o.rs1()) + 4 * h.vl());
    return true;
}
SMOL_EXEC(flui) { h.set_f(o.fd(), o.uimm() << 16); return true; }

}  // namespace

SMOL_EXEC_SECTION(MEM, mem)

}  // namespace smol::iss
