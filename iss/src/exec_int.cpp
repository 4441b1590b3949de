// SMOL-32 integer register-register and register-immediate instructions (docs/isa.md section 3).
#include "iss/src/hart.h"

#include <cstdint>

namespace smol::iss {
namespace {

SMOL_EXEC(add) { h.set_x(o.rd(), h.x(o.rs1()) + h.x(o.rs2())); return true; }
SMOL_EXEC(sub) { h.set_x(o.rd(), h.x(o.rs1()) - h.x(o.rs2())); return true; }
SMOL_EXEC(mul) { h.set_x(o.rd(), h.x(o.rs1()) * h.x(o.rs2())); return true; }
SMOL_EXEC(mulh) {
    h.set_x(o.rd(), static_cast<uint32_t>((int64_t{h.xs(o.rs1())} * int64_t{h.xs(o.rs2())}) >> 32));
    return true;
}
SMOL_EXEC(mulhu) {
    h.set_x(o.rd(), static_cast<uint32_t>((uint64_t{h.x(o.rs1())} * h.x(o.rs2())) >> 32));
    return true;
}
SMOL_EXEC(div) {
    const int32_t a = h.xs(o.rs1()), b = h.xs(o.rs2());
    h.set_x(o.rd(), static_cast<uint32_t>(b == 0 ? -1 : (a == INT32_MIN && b == -1) ? INT32_MIN : a / b));
    return true;
}
SMOL_EXEC(divu) {
    const uint32_t a = h.x(o.rs1()), b = h.x(o.rs2());
    h.set_x(o.rd(), b == 0 ? 0xffffffffu : a / b);
    return true;
}
SMOL_EXEC(rem) {
    const int32_t a = h.xs(o.rs1()), b = h.xs(o.rs2());
    h.set_x(o.rd(), static_cast<uint32_t>(b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 : a % b));
    return true;
}
SMOL_EXEC(remu) {
    const uint32_t a = h.x(o.rs1()), b = h.x(o.rs2());
    h.set_x(o.rd(), b == 0 ? a : a % b);
    return true;
}
SMOL_EXEC(and_) { h.set_x(o.rd(), h.x(o.rs1()) & h.x(o.rs2())); return true; }
SMOL_EXEC(or_) { h.set_x(o.rd(), h.x(o.rs1()) | h.x(o.rs2())); return true; }
SMOL_EXEC(xor_) { h.set_x(o.rd(), h.x(o.rs1()) ^ h.x(o.rs2())); return true; }
SMOL_EXEC(sll) { h.set_x(o.rd(), h.x(o.rs1()) << (h.x(o.rs2()) & 31u)); return true; }
SMOL_EXEC(srl) { h.set_x(o.rd(), h.x(o.rs1()) >> (h.x(o.rs2()) & 31u)); return true; }
SMOL_EXEC(sra) { h.set_x(o.rd(), static_cast<uint32_t>(h.xs(o.rs1()) >> (h.x(o.rs2()) & 31u))); return true; }
SMOL_EXEC(slt) { h.set_x(o.rd(), h.xs(o.rs1()) < h.xs(o.rs2()) ? 1u : 0u); return true; }
SMOL_EXEC(sltu) { h.set_x(o.rd(), h.x(o.rs1()) < h.x(o.rs2()) ? 1u : 0u); return true; }

SMOL_EXEC(addi) { h.set_x(o.rd(), h.x(o.rs1()) + static_cast<uint32_t>(o.simm())); return true; }
SMOL_EXEC(andi) { h.set_x(o.rd(), h.x(o.rs1()) & o.uimm()); return true; }
SMOL_EXEC(ori) { h.set_x(o.rd(), h.x(o.rs1()) | o.uimm()); return true; }
SMOL_EXEC(xori) { h.set_x(o.rd(), h.x(o.rs1()) ^ o.uimm()); return true; }
SMOL_EXEC(slti) { h.set_x(o.rd(), h.xs(o.rs1()) < o.simm() ? 1u : 0u); return true; }
SMOL_EXEC(sltiu) { h.set_x(o.rd(), h.x(o.rs1()) < static_cast<uint32_t>(o.simm()) ? 1u : 0u); return true; }
SMOL_EXEC(lui) { h.set_x(o.rd(), o.uimm() << 16); return true; }
SMOL_EXEC(auipc) { h.set_x(o.rd(), h.pc() + (o.uimm() << 16)); return true; }
SMOL_EXEC(slli) { h.set_x(o.rd(), h.x(o.rs1()) << o.shamt()); return true; }
SMOL_EXEC(srli) { h.set_x(o.rd(), h.x(o.rs1()) >> o.shamt()); return true; }
SMOL_EXEC(srai) { h.set_x(o.rd(), static_cast<uint32_t>(h.xs(o.rs1()) >> o.shamt())); return true; }

}  // namespace

SMOL_EXEC_SECTION(INT, int)

}  // namespace smol::iss
