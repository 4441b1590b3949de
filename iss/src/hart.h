#pragma once
// What instruction semantics (iss/src/exec_*.cpp) see: the machine's state behind a small set of
// helpers. Every state change goes through a helper, so that the commit record (docs/trace.md) sees
// all of it; every memory access is checked first, so that a trapping instruction changes nothing.
#include "isa/generated/smol32_dispatch.h"
#include "isa/generated/smol32_isa.h"
#include "iss/src/machine.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace smol::iss {

// The machine's insides, shared by the run loop and the semantics.
struct core {
    struct code_page {
        std::array<isa::operands, code_page_words> insn;
    };

    core(memory& m, q8_mac_fn q8) : mem(m), q8_kernel(q8), qb_kernel(qb_mac_for(q8)), code(m.size() >> code_page_shift) {}

    void invalidate_code(uint64_t addr, uint64_t n) {
        if (!any_code || n == 0) return;
        for (uint64_t p = addr >> code_page_shift; p <= (addr + n - 1) >> code_page_shift; ++p) code[p].reset();
    }

    arch_state s;
    memory& mem;
    q8_mac_fn q8_kernel;
    qb_mac_fn qb_kernel;
    std::vector<std::unique_ptr<code_page>> code;  // decoded words, by page number; null = not decoded
    bool any_code = false;
    commit_record record;
    // The instruction being executed.
    uint32_t pc = 0, next = 0;
    bool halted = false;
    trap_kind trap = trap_kind::none;
    uint32_t fault_addr = 0;
    uint64_t macs = 0, flops = 0;
};

// A handle on the core for one instruction; Observe = fill the commit record.
template <bool Observe>
class hart {
public:
    explicit hart(core& c) : c_(c) {}

    // ---- reads
    uint32_t x(unsigned r) const { return c_.s.x[r]; }
    int32_t xs(unsigned r) const { return static_cast<int32_t>(c_.s.x[r]); }
    uint32_t f(unsigned r) const { return c_.s.f[r]; }
    uint32_t v(unsigned r, unsigned lane) const { return c_.s.v[r][lane]; }
    uint32_t vl() const { return c_.s.vl; }
    const q8_unit& q8() const { return c_.s.q8; }
    uint32_t pc() const { return c_.pc; }

    // ---- register writes (x0 and f0 stay 0)
    void set_x(unsigned r, uint32_t value) {
        if (r == 0) return;
        c_.s.x[r] = value;
        note(write_kind::xreg, r, value);
    }
    void set_f(unsigned r, uint32_t value) {
        if (r == 0) return;
        c_.s.f[r] = value;
        note(write_kind::freg, r, value);
    }
    // Lanes [0, vl) of v[vd] = lane_fn(i); the other lanes keep their value.
    template <typename Fn>
    void vmap(unsigned vd, Fn&& lane_fn) {
        auto& out = c_.s.v[vd];
        const uint32_t n = c_.s.vl;
        for (uint32_t i = 0; i < n; ++i) out[i] = lane_fn(i);
        note_v(vd);
    }
    void set_lane(unsigned vd, unsigned lane, uint32_t value) {
        c_.s.v[vd][lane] = value;
        note_v(vd);
    }
    void set_vl(uint32_t value) {
        c_.s.vl = value;
        note(write_kind::vl, 0, value);
    }

    // ---- Q8 unit
    void set_qscale(uint32_t value) {
        c_.s.q8.scale = value;
        note(write_kind::qscale, 0, value);
    }
    void set_qwptr(uint32_t value) {
        c_.s.q8.wptr = value;
        note(write_kind::qwptr, 0, value);
    }
    void set_qaptr(uint32_t value) {
        c_.s.q8.aptr = value;
        note(write_kind::qaptr, 0, value);
    }
    std::array<float, 16>& acc() { return c_.s.q8.acc; }
    void acc_written() {
        if constexpr (Observe) {
            commit_write w{write_kind::acc, 0, 0, {}};
            std::memcpy(w.lanes.data(), c_.s.q8.acc.data(), 64);
            c_.record.writes.push_back(w);
        }
    }
    void q8_mac(uint32_t w, uint32_t a, uint64_t n) {
        c_.q8_kernel(c_.s.q8.acc.data(), reinterpret_cast<const int8_t*>(c_.mem.data() + w), c_.mem.data() + a, n);
        c_.macs += n;
    }
    // n blocks at w (checked by the caller) times 32n activations at a.
    void qb_mac(uint32_t w, uint32_t a, uint64_t n, block_format f) {
        c_.qb_kernel(c_.s.q8.acc.data(), c_.mem.data() + w, c_.mem.data() + a, n, f);
        c_.macs += n * block_elements;
    }
    void count_macs(uint64_t n) { c_.macs += n; }

    // ---- control
    void jump(uint32_t target) { c_.next = target; }
    void halt() { c_.halted = true; }
    // Records a trap; the semantics then return false without writing anything.
    bool trap(trap_kind kind, uint32_t addr) {
        c_.trap = kind;
        c_.fault_addr = addr;
        return false;
    }

    // ---- memory: check, then access (the check traps with the faulting address)
    enum class align : bool { byte, word };
    bool can_load(uint32_t addr, uint64_t n, align a) { return check(addr, n, a, false); }
    bool can_store(uint32_t addr, uint64_t n, align a) { return check(addr, n, a, true); }
    uint32_t load32(uint32_t addr) const {
        uint32_t value;
        std::memcpy(&value, c_.mem.data() + addr, 4);
        return value;
    }
    uint8_t load8(uint32_t addr) const { return c_.mem.data()[addr]; }
    void store32(uint32_t addr, uint32_t value) {
        put32(addr, value);
        c_.invalidate_code(addr, 4);
    }
    void store8(uint32_t addr, uint8_t value) {
        c_.mem.data()[addr] = value;
        note(write_kind::mem8, addr, value);
        c_.invalidate_code(addr, 1);
    }
    // Lanes [0, vl) of v[vt] to consecutive words at addr.
    void store_lanes(uint32_t addr, unsigned vt) {
        const uint32_t n = c_.s.vl;
        for (uint32_t i = 0; i < n; ++i) put32(addr + 4 * i, c_.s.v[vt][i]);
        c_.invalidate_code(addr, 4ull * n);
    }

    // The dispatch entry of one instruction: its semantics, then (when it retired) its fp32 operations
    // from the table's flops column, counted with the vector length it ran with.
    template <bool (*Fn)(hart, isa::operands), int Constant, int PerLane, int PerMac>
    static bool counted(hart h, isa::operands o) {
        const uint32_t vl = h.c_.s.vl;
        if (!Fn(h, o)) return false;
        if constexpr (Constant != 0 || PerLane != 0 || PerMac != 0) {
            const int64_t n = Constant + int64_t{PerLane} * vl + int64_t{PerMac} * static_cast<int64_t>(h.c_.macs);
            h.c_.flops += static_cast<uint64_t>(std::max<int64_t>(n, 0));
        }
        return true;
    }

private:
    bool check(uint32_t addr, uint64_t n, align a, bool store) {
        if (n == 0) return true;
        if (a == align::word && (addr & 3u))
            return trap(store ? trap_kind::store_misaligned : trap_kind::load_misaligned, addr);
        if (!c_.mem.contains(addr, n)) return trap(store ? trap_kind::store_fault : trap_kind::load_fault, addr);
        return true;
    }
    void put32(uint32_t addr, uint32_t value) {
        std::memcpy(c_.mem.data() + addr, &value, 4);
        note(write_kind::mem32, addr, value);
    }
    void note(write_kind kind, uint32_t where, uint32_t value) {
        if constexpr (Observe) c_.record.writes.push_back(commit_write{kind, where, value, {}});
    }
    void note_v(unsigned r) {
        if constexpr (Observe) c_.record.writes.push_back(commit_write{write_kind::vreg, r, 0, c_.s.v[r]});
    }

    core& c_;
};

// One instruction's semantics: false when it trapped (hart::trap), true when it retired.
template <bool Observe>
using exec_fn = bool (*)(hart<Observe>, isa::operands);
template <bool Observe>
using exec_table = std::array<exec_fn<Observe>, isa::opcode_count>;

// Semantics are written `SMOL_EXEC(add) { h.set_x(o.rd(), h.x(o.rs1()) + h.x(o.rs2())); return true; }`.
#define SMOL_EXEC(name) \
    template <bool Observe> \
    bool exec_##name([[maybe_unused]] hart<Observe> h, [[maybe_unused]] isa::operands o)

// Each exec_<section>.cpp ends with SMOL_EXEC_SECTION(<SECTION>, <section>): it defines
// install_<section>, which puts the section's functions into the dispatch table, one per table row
// (isa/generated/smol32_dispatch.h); a row without a SMOL_EXEC function fails to compile here.
#define SMOL_EXEC_INSTALL_ONE(name, c, per_lane, per_mac) \
    table[static_cast<std::size_t>(isa::opcode::name)] = \
        &hart<Observe>::template counted<&exec_##name<Observe>, c, per_lane, per_mac>;
#define SMOL_EXEC_SECTION(LIST, section) \
    template <bool Observe> \
    void install_##section(exec_table<Observe>& table) { SMOL_ISA_SECTION_##LIST(SMOL_EXEC_INSTALL_ONE) } \
    template void install_##section<true>(exec_table<true>&); \
    template void install_##section<false>(exec_table<false>&);

template <bool Observe> void install_int(exec_table<Observe>& table);
template <bool Observe> void install_mem(exec_table<Observe>& table);
template <bool Observe> void install_ctrl(exec_table<Observe>& table);
template <bool Observe> void install_fp(exec_table<Observe>& table);
template <bool Observe> void install_vec(exec_table<Observe>& table);
template <bool Observe> void install_q8(exec_table<Observe>& table);

}  // namespace smol::iss
