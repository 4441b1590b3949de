// SMOL-32 branches, jumps and halt (docs/isa.md section 5): offsets are relative to the instruction's pc.
#include "iss/src/hart.h"

#include <cstdint>

namespace smol::iss {
namespace {

template <bool Observe>
void branch_if(hart<Observe> h, isa::operands o, bool taken) {
    if (taken) h.jump(h.pc() + static_cast<uint32_t>(o.offset()));
}

SMOL_EXEC(beq) { branch_if(h, o, h.x(o.brs1()) == h.x(o.brs2())); return true; }
SMOL_EXEC(bne) { branch_if(h, o, h.x(o.brs1()) != h.x(o.brs2())); return true; }
SMOL_EXEC(blt) { branch_if(h, o, h.xs(o.brs1()) < h.xs(o.brs2())); return true; }
SMOL_EXEC(bge) { branch_if(h, o, h.xs(o.brs1()) >= h.xs(o.brs2())); return true; }
SMOL_EXEC(bltu) { branch_if(h, o, h.x(o.brs1()) < h.x(o.brs2())); return true; }
SMOL_EXEC(bgeu) { branch_if(h, o, h.x(o.brs1()) >= h.x(o.brs2())); return true; }
SMOL_EXEC(loop) {
    const uint32_t count = h.x(o.brs1()) - 1;
    h.set_x(o.brs1(), count);
    branch_if(h, o, count != 0);
    return true;
}
SMOL_EXEC(jal) {
    h.set_x(o.rd(), h.pc() + 4);
    h.jump(h.pc() + static_cast<uint32_t>(o.offset()));
    return true;
}
SMOL_EXEC(jalr) {
    const uint32_t target = h.x(o.rs1()) + static_cast<uint32_t>(o.simm());
    if (target & 3u) return h.trap(trap_kind::fetch_misaligned, target);
    h.set_x(o.rd(), h.pc() + 4);
    h.jump(target);
    return true;
}
SMOL_EXEC(halt) { h.halt(); return true; }

}  // namespace

SMOL_EXEC_SECTION(CTRL, ctrl)

}  // namespace smol::iss
