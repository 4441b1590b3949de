// SMOL-32 instruction semantics. Each `case` is one instruction of docs/isa.md; a trapping instruction
// returns before any state write, so its destination is unchanged.
#include "iss/src/machine.h"

#include "iss/src/fp32.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace smol::iss {
namespace {

using isa::opcode;

constexpr uint32_t sum_identity = 0x80000000u;  // -0.0: x + -0.0 == x for every x
constexpr uint32_t max_identity = 0xff800000u;  // -inf
constexpr uint32_t min_identity = 0x7f800000u;  // +inf

// The host FPU must round to nearest even and keep subnormals (no FTZ/DAZ) while the ISS runs, whatever
// the embedding program set: MXCSR is forced to its IEEE default and restored afterwards.
class ieee_fp_mode {
public:
#if defined(__x86_64__)
    ieee_fp_mode() : saved_(_mm_getcsr()) { _mm_setcsr(0x1f80u); }
    ~ieee_fp_mode() { _mm_setcsr(saved_); }

private:
    unsigned saved_;
#endif
};

trap_kind access_check(const memory& mem, uint32_t addr, uint64_t n, bool word, bool store) {
    if (n == 0) return trap_kind::none;
    if (word && (addr & 3u)) return store ? trap_kind::store_misaligned : trap_kind::load_misaligned;
    if (!mem.contains(addr, n)) return store ? trap_kind::store_fault : trap_kind::load_fault;
    return trap_kind::none;
}

}  // namespace

machine::machine(uint64_t mem_size, q8_mac_fn q8_kernel)
    : mem_(mem_size), q8_kernel_(q8_kernel), code_(mem_size >> page_shift) {
    reset(0);
}

machine::~machine() = default;

void machine::reset(uint32_t entry) {
    state_ = arch_state{};
    state_.pc = entry;
    state_.x[2] = static_cast<uint32_t>(mem_.size() - 16);
    stats_ = run_stats{};
    for (auto& page : pc_counts_) page.reset();
    flush_code_cache();
}

void machine::flush_code_cache() {
    for (auto& page : code_) page.reset();
    any_code_ = false;
}

void machine::set_commit_hook(std::function<void(const commit_record&)> hook) { hook_ = std::move(hook); }

void machine::enable_pc_profile(bool on) {
    pc_profile_ = on;
    if (on && pc_counts_.empty()) pc_counts_.resize(code_.size());
}

const op_counters* machine::pc_counters(uint32_t pc) const {
    uint64_t page = pc >> page_shift;
    if (page >= pc_counts_.size() || !pc_counts_[page]) return nullptr;
    const op_counters& c = (*pc_counts_[page])[(pc >> 2) & (page_words - 1)];
    return c.count ? &c : nullptr;
}

machine::decoded machine::decode_word(uint32_t bits) {
    decoded d{isa::decode(bits), 0, 0, 0, 0, 0};
    if (d.op == opcode::invalid) return d;
    const isa::instr_desc& desc = isa::describe(d.op);
    uint8_t* regs[4] = {&d.a, &d.b, &d.c, &d.d};
    unsigned r = 0;
    for (unsigned i = 0; i < desc.operand_count; ++i) {
        isa::field f = desc.operands[i];
        auto value = isa::operand_value(f, bits);
        switch (isa::describe(f).kind) {
        case isa::operand_kind::xreg:
        case isa::operand_kind::freg:
        case isa::operand_kind::vreg: *regs[r++] = static_cast<uint8_t>(value); break;
        default: d.imm = static_cast<int32_t>(value); break;
        }
    }
    return d;
}

const machine::decoded* machine::fetch(uint32_t pc) {
    if ((pc & 3u) || pc >= mem_.size()) return nullptr;
    auto& page = code_[pc >> page_shift];
    if (!page) {
        page = std::make_unique<code_page>();
        const uint8_t* base = mem_.data() + (uint64_t{pc} & ~uint64_t{(1u << page_shift) - 1});
        for (unsigned i = 0; i < page_words; ++i) {
            uint32_t bits;
            std::memcpy(&bits, base + 4 * i, 4);
            page->insn[i] = decode_word(bits);
        }
        any_code_ = true;
    }
    return &page->insn[(pc >> 2) & (page_words - 1)];
}

void machine::invalidate_code(uint64_t addr, uint64_t n) {
    if (!any_code_ || n == 0) return;
    for (uint64_t p = addr >> page_shift; p <= (addr + n - 1) >> page_shift; ++p) code_[p].reset();
}

template <bool Observe>
void machine::note(write_kind kind, uint32_t where, uint32_t value) {
    if constexpr (Observe) record_.writes.push_back(commit_write{kind, where, value, {}});
}

template <bool Observe>
void machine::set_x(unsigned r, uint32_t value) {
    if (r == 0) return;
    state_.x[r] = value;
    note<Observe>(write_kind::xreg, r, value);
}

template <bool Observe>
void machine::set_f(unsigned r, uint32_t value) {
    if (r == 0) return;
    state_.f[r] = value;
    note<Observe>(write_kind::freg, r, value);
}

template <bool Observe>
void machine::note_v(unsigned r) {
    if constexpr (Observe) record_.writes.push_back(commit_write{write_kind::vreg, r, 0, state_.v[r]});
}

template <bool Observe>
void machine::note_acc() {
    if constexpr (Observe) {
        commit_write w{write_kind::acc, 0, 0, {}};
        std::memcpy(w.lanes.data(), state_.q8.acc.data(), 64);
        record_.writes.push_back(w);
    }
}

run_result machine::run(uint64_t max_instructions) {
    ieee_fp_mode fp_mode;
    return (hook_ || pc_profile_) ? run_loop<true>(max_instructions) : run_loop<false>(max_instructions);
}

template <bool Observe>
run_result machine::run_loop(uint64_t max_instructions) {
    const uint64_t end = max_instructions > std::numeric_limits<uint64_t>::max() - stats_.instret
                             ? std::numeric_limits<uint64_t>::max()
                             : stats_.instret + max_instructions;
    uint32_t pc = state_.pc;
    while (stats_.instret < end) {
        const decoded* dp = fetch(pc);
        uint32_t bits = 0;
        if (dp) std::memcpy(&bits, mem_.data() + pc, 4);
        if constexpr (Observe) {
            record_.clear();
            record_.seq = stats_.instret + 1;
            record_.pc = pc;
            record_.bits = bits;
        }
        if (!dp) {
            trap_kind t = (pc & 3u) ? trap_kind::fetch_misaligned : trap_kind::fetch_fault;
            state_.pc = pc;
            if constexpr (Observe) {
                record_.trap = t;
                record_.trap_addr = pc;
                if (hook_) hook_(record_);
            }
            return {stop_reason::trapped, pc, 0, t, pc};
        }
        const decoded d = *dp;  // a store may drop the page that holds it
        uint32_t next = pc + 4;
        bool halted = false;
        pending_macs_ = pending_flops_ = 0;
        state_.pc = pc;
        uint32_t fault_addr = pc;
        trap_kind t = execute<Observe>(d, pc, next, halted, fault_addr);
        if (t != trap_kind::none) {
            if constexpr (Observe) {
                record_.writes.clear();
                record_.trap = t;
                record_.trap_addr = fault_addr;
                if (hook_) hook_(record_);
            }
            return {stop_reason::trapped, pc, bits, t, fault_addr};
        }
        ++stats_.instret;
        op_counters& oc = stats_.per_opcode[static_cast<size_t>(d.op)];
        ++oc.count;
        oc.macs += pending_macs_;
        oc.flops += pending_flops_;
        stats_.macs += pending_macs_;
        stats_.flops += pending_flops_;
        if constexpr (Observe) {
            if (pc_profile_) {
                auto& page = pc_counts_[pc >> page_shift];
                if (!page) page = std::make_unique<std::array<op_counters, page_words>>();
                op_counters& pcc = (*page)[(pc >> 2) & (page_words - 1)];
                ++pcc.count;
                pcc.macs += pending_macs_;
                pcc.flops += pending_flops_;
            }
            if (hook_) hook_(record_);
        }
        if (halted) {
            state_.pc = pc;
            return {stop_reason::halted, pc, bits, trap_kind::none, 0};
        }
        pc = next;
    }
    state_.pc = pc;
    uint32_t bits = 0;
    if (!(pc & 3u) && mem_.contains(pc, 4)) std::memcpy(&bits, mem_.data() + pc, 4);
    return {stop_reason::limit, pc, bits, trap_kind::none, 0};
}

#define SMOL_TRAP_IF_BAD(check_expr, address) \
    do {                                      \
        trap_kind t_ = (check_expr);          \
        if (t_ != trap_kind::none) {          \
            fault_addr = (address);           \
            return t_;                        \
        }                                     \
    } while (0)

template <bool Observe>
trap_kind machine::execute(const decoded& d, uint32_t pc, uint32_t& next, bool& halted, uint32_t& fault_addr) {
    auto& s = state_;
    auto& x = s.x;
    auto& f = s.f;
    uint8_t* m = mem_.data();
    const uint32_t vl = s.vl;
    auto xs = [&](unsigned r) { return static_cast<int32_t>(x[r]); };
    auto load32 = [&](uint32_t addr) { uint32_t v; std::memcpy(&v, m + addr, 4); return v; };
    auto store32 = [&](uint32_t addr, uint32_t v) {
        std::memcpy(m + addr, &v, 4);
        note<Observe>(write_kind::mem32, addr, v);
    };
    // Vector helpers: lanes [0, vl) are written, the rest keep their value.
    auto vmap = [&](unsigned vd, auto&& lane_fn) {
        auto& out = s.v[vd];
        for (uint32_t i = 0; i < vl; ++i) out[i] = lane_fn(i);
        note_v<Observe>(vd);
    };
    auto vreduce = [&](unsigned fd, unsigned vs, uint32_t identity, auto&& lane_fn, auto&& combine) {
        uint32_t t[16];
        for (uint32_t i = 0; i < 16; ++i) t[i] = i < vl ? lane_fn(s.v[vs][i]) : identity;
        set_f<Observe>(fd, fp::tree16(t, combine));
    };
    auto add_flops = [&](uint64_t n) { pending_flops_ += n; };
    const int32_t imm = d.imm;
    const uint32_t uimm = static_cast<uint32_t>(d.imm);

    switch (d.op) {
    // ---- integer register-register
    case opcode::add: set_x<Observe>(d.a, x[d.b] + x[d.c]); break;
    case opcode::sub: set_x<Observe>(d.a, x[d.b] - x[d.c]); break;
    case opcode::mul: set_x<Observe>(d.a, x[d.b] * x[d.c]); break;
    case opcode::mulh:
        set_x<Observe>(d.a, static_cast<uint32_t>((int64_t{xs(d.b)} * int64_t{xs(d.c)}) >> 32));
        break;
    case opcode::mulhu: set_x<Observe>(d.a, static_cast<uint32_t>((uint64_t{x[d.b]} * x[d.c]) >> 32)); break;
    case opcode::div: {
        int32_t a = xs(d.b), b = xs(d.c);
        int32_t q = b == 0 ? -1 : (a == INT32_MIN && b == -1) ? INT32_MIN : a / b;
        set_x<Observe>(d.a, static_cast<uint32_t>(q));
        break;
    }
    case opcode::divu: set_x<Observe>(d.a, x[d.c] == 0 ? 0xffffffffu : x[d.b] / x[d.c]); break;
    case opcode::rem: {
        int32_t a = xs(d.b), b = xs(d.c);
        int32_t r = b == 0 ? a : (a == INT32_MIN && b == -1) ? 0 : a % b;
        set_x<Observe>(d.a, static_cast<uint32_t>(r));
        break;
    }
    case opcode::remu: set_x<Observe>(d.a, x[d.c] == 0 ? x[d.b] : x[d.b] % x[d.c]); break;
    case opcode::and_: set_x<Observe>(d.a, x[d.b] & x[d.c]); break;
    case opcode::or_: set_x<Observe>(d.a, x[d.b] | x[d.c]); break;
    case opcode::xor_: set_x<Observe>(d.a, x[d.b] ^ x[d.c]); break;
    case opcode::sll: set_x<Observe>(d.a, x[d.b] << (x[d.c] & 31u)); break;
    case opcode::srl: set_x<Observe>(d.a, x[d.b] >> (x[d.c] & 31u)); break;
    case opcode::sra: set_x<Observe>(d.a, static_cast<uint32_t>(xs(d.b) >> (x[d.c] & 31u))); break;
    case opcode::slt: set_x<Observe>(d.a, xs(d.b) < xs(d.c) ? 1u : 0u); break;
    case opcode::sltu: set_x<Observe>(d.a, x[d.b] < x[d.c] ? 1u : 0u); break;

    // ---- integer immediate
    case opcode::addi: set_x<Observe>(d.a, x[d.b] + uimm); break;
    case opcode::andi: set_x<Observe>(d.a, x[d.b] & uimm); break;
    case opcode::ori: set_x<Observe>(d.a, x[d.b] | uimm); break;
    case opcode::xori: set_x<Observe>(d.a, x[d.b] ^ uimm); break;
    case opcode::slti: set_x<Observe>(d.a, xs(d.b) < imm ? 1u : 0u); break;
    case opcode::sltiu: set_x<Observe>(d.a, x[d.b] < uimm ? 1u : 0u); break;
    case opcode::lui: set_x<Observe>(d.a, uimm << 16); break;
    case opcode::auipc: set_x<Observe>(d.a, pc + (uimm << 16)); break;
    case opcode::slli: set_x<Observe>(d.a, x[d.b] << uimm); break;
    case opcode::srli: set_x<Observe>(d.a, x[d.b] >> uimm); break;
    case opcode::srai: set_x<Observe>(d.a, static_cast<uint32_t>(xs(d.b) >> uimm)); break;

    // ---- loads and stores
    case opcode::lw: {
        uint32_t addr = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 4, true, false), addr);
        set_x<Observe>(d.a, load32(addr));
        break;
    }
    case opcode::lb:
    case opcode::lbu: {
        uint32_t addr = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 1, false, false), addr);
        uint8_t byte = m[addr];
        set_x<Observe>(d.a, d.op == opcode::lb ? static_cast<uint32_t>(static_cast<int8_t>(byte)) : byte);
        break;
    }
    case opcode::lf: {
        uint32_t addr = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 4, true, false), addr);
        set_f<Observe>(d.a, load32(addr));
        break;
    }
    case opcode::sw:
    case opcode::sf: {
        uint32_t addr = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 4, true, true), addr);
        store32(addr, d.op == opcode::sw ? x[d.a] : f[d.a]);
        invalidate_code(addr, 4);
        break;
    }
    case opcode::sb: {
        uint32_t addr = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 1, false, true), addr);
        m[addr] = static_cast<uint8_t>(x[d.a]);
        note<Observe>(write_kind::mem8, addr, x[d.a] & 0xffu);
        invalidate_code(addr, 1);
        break;
    }
    case opcode::lv:
    case opcode::lvinc: {
        uint32_t addr = x[d.b] + (d.op == opcode::lv ? uimm : 0u);
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 4ull * vl, true, false), addr);
        vmap(d.a, [&](uint32_t i) { return load32(addr + 4 * i); });
        if (d.op == opcode::lvinc) set_x<Observe>(d.b, x[d.b] + 4 * vl);
        break;
    }
    case opcode::sv:
    case opcode::svinc: {
        uint32_t addr = x[d.b] + (d.op == opcode::sv ? uimm : 0u);
        SMOL_TRAP_IF_BAD(access_check(mem_, addr, 4ull * vl, true, true), addr);
        for (uint32_t i = 0; i < vl; ++i) store32(addr + 4 * i, s.v[d.a][i]);
        invalidate_code(addr, 4ull * vl);
        if (d.op == opcode::svinc) set_x<Observe>(d.b, x[d.b] + 4 * vl);
        break;
    }
    case opcode::flui: set_f<Observe>(d.a, uimm << 16); break;

    // ---- control
    case opcode::beq: if (x[d.a] == x[d.b]) next = pc + uimm; break;
    case opcode::bne: if (x[d.a] != x[d.b]) next = pc + uimm; break;
    case opcode::blt: if (xs(d.a) < xs(d.b)) next = pc + uimm; break;
    case opcode::bge: if (xs(d.a) >= xs(d.b)) next = pc + uimm; break;
    case opcode::bltu: if (x[d.a] < x[d.b]) next = pc + uimm; break;
    case opcode::bgeu: if (x[d.a] >= x[d.b]) next = pc + uimm; break;
    case opcode::loop: {
        uint32_t count = x[d.a] - 1;
        set_x<Observe>(d.a, count);
        if (count != 0) next = pc + uimm;
        break;
    }
    case opcode::jal:
        set_x<Observe>(d.a, pc + 4);
        next = pc + uimm;
        break;
    case opcode::jalr: {
        uint32_t target = x[d.b] + uimm;
        SMOL_TRAP_IF_BAD((target & 3u) ? trap_kind::fetch_misaligned : trap_kind::none, target);
        set_x<Observe>(d.a, pc + 4);
        next = target;
        break;
    }
    case opcode::halt: halted = true; break;

    // ---- floating point
    case opcode::fadd: set_f<Observe>(d.a, fp::add(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fsub: set_f<Observe>(d.a, fp::sub(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fmul: set_f<Observe>(d.a, fp::mul(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fdiv: set_f<Observe>(d.a, fp::div(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fmin: set_f<Observe>(d.a, fp::min(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fmax: set_f<Observe>(d.a, fp::max(f[d.b], f[d.c])); add_flops(1); break;
    case opcode::fsqrt: set_f<Observe>(d.a, fp::sqrt(f[d.b])); add_flops(1); break;
    case opcode::frsqrt: set_f<Observe>(d.a, fp::rsqrt(f[d.b])); add_flops(1); break;
    case opcode::fexp: set_f<Observe>(d.a, fp::exp(f[d.b])); add_flops(1); break;
    case opcode::frecip: set_f<Observe>(d.a, fp::recip(f[d.b])); add_flops(1); break;
    case opcode::fsilu: set_f<Observe>(d.a, fp::silu(f[d.b])); add_flops(1); break;
    case opcode::fcvt_s_w: set_f<Observe>(d.a, fp::cvt_s_w(x[d.b])); break;
    case opcode::fcvt_w_s: set_x<Observe>(d.a, fp::cvt_w_s(f[d.b])); break;
    case opcode::feq: set_x<Observe>(d.a, fp::eq(f[d.b], f[d.c])); break;
    case opcode::flt: set_x<Observe>(d.a, fp::lt(f[d.b], f[d.c])); break;
    case opcode::fle: set_x<Observe>(d.a, fp::le(f[d.b], f[d.c])); break;
    case opcode::fmov: set_f<Observe>(d.a, f[d.b]); break;
    case opcode::fneg: set_f<Observe>(d.a, f[d.b] ^ 0x80000000u); break;
    case opcode::fabs: set_f<Observe>(d.a, f[d.b] & 0x7fffffffu); break;
    case opcode::fmv_x_w: set_x<Observe>(d.a, f[d.b]); break;
    case opcode::fmv_w_x: set_f<Observe>(d.a, x[d.b]); break;
    case opcode::fmadd: set_f<Observe>(d.a, fp::fma(f[d.b], f[d.c], f[d.d])); add_flops(2); break;
    case opcode::fmsub: set_f<Observe>(d.a, fp::fma(f[d.b], f[d.c], f[d.d] ^ 0x80000000u)); add_flops(2); break;
    case opcode::fnmsub: set_f<Observe>(d.a, fp::fma(f[d.b] ^ 0x80000000u, f[d.c], f[d.d])); add_flops(2); break;

    // ---- vector
    case opcode::vadd: vmap(d.a, [&](uint32_t i) { return fp::add(s.v[d.b][i], s.v[d.c][i]); }); add_flops(vl); break;
    case opcode::vsub: vmap(d.a, [&](uint32_t i) { return fp::sub(s.v[d.b][i], s.v[d.c][i]); }); add_flops(vl); break;
    case opcode::vmul: vmap(d.a, [&](uint32_t i) { return fp::mul(s.v[d.b][i], s.v[d.c][i]); }); add_flops(vl); break;
    case opcode::vfma:
        vmap(d.a, [&](uint32_t i) { return fp::fma(s.v[d.b][i], s.v[d.c][i], s.v[d.a][i]); });
        add_flops(2 * vl);
        break;
    case opcode::vfnms:
        vmap(d.a, [&](uint32_t i) { return fp::fma(s.v[d.b][i] ^ 0x80000000u, s.v[d.c][i], s.v[d.a][i]); });
        add_flops(2 * vl);
        break;
    case opcode::vmax: vmap(d.a, [&](uint32_t i) { return fp::max(s.v[d.b][i], s.v[d.c][i]); }); add_flops(vl); break;
    case opcode::vmin: vmap(d.a, [&](uint32_t i) { return fp::min(s.v[d.b][i], s.v[d.c][i]); }); add_flops(vl); break;
    case opcode::vadds: vmap(d.a, [&](uint32_t i) { return fp::add(s.v[d.b][i], f[d.c]); }); add_flops(vl); break;
    case opcode::vsubs: vmap(d.a, [&](uint32_t i) { return fp::sub(s.v[d.b][i], f[d.c]); }); add_flops(vl); break;
    case opcode::vmuls: vmap(d.a, [&](uint32_t i) { return fp::mul(s.v[d.b][i], f[d.c]); }); add_flops(vl); break;
    case opcode::vfmas:
        vmap(d.a, [&](uint32_t i) { return fp::fma(s.v[d.b][i], f[d.c], s.v[d.a][i]); });
        add_flops(2 * vl);
        break;
    case opcode::vsqrt: vmap(d.a, [&](uint32_t i) { return fp::sqrt(s.v[d.b][i]); }); add_flops(vl); break;
    case opcode::vrsqrt: vmap(d.a, [&](uint32_t i) { return fp::rsqrt(s.v[d.b][i]); }); add_flops(vl); break;
    case opcode::vexp: vmap(d.a, [&](uint32_t i) { return fp::exp(s.v[d.b][i]); }); add_flops(vl); break;
    case opcode::vsilu: vmap(d.a, [&](uint32_t i) { return fp::silu(s.v[d.b][i]); }); add_flops(vl); break;
    case opcode::vrecip: vmap(d.a, [&](uint32_t i) { return fp::recip(s.v[d.b][i]); }); add_flops(vl); break;
    case opcode::vmov: vmap(d.a, [&](uint32_t i) { return s.v[d.b][i]; }); break;
    case opcode::vbcast: vmap(d.a, [&](uint32_t) { return f[d.b]; }); break;
    case opcode::vredsum:
        vreduce(d.a, d.b, sum_identity, [](uint32_t v) { return v; }, fp::add);
        add_flops(vl ? vl - 1 : 0);
        break;
    case opcode::vredmax:
        vreduce(d.a, d.b, max_identity, [](uint32_t v) { return v; }, fp::max);
        add_flops(vl ? vl - 1 : 0);
        break;
    case opcode::vredmin:
        vreduce(d.a, d.b, min_identity, [](uint32_t v) { return v; }, fp::min);
        add_flops(vl ? vl - 1 : 0);
        break;
    case opcode::vredsqs:
        vreduce(d.a, d.b, sum_identity, [](uint32_t v) { return fp::mul(v, v); }, fp::add);
        add_flops(vl ? 2 * vl - 1 : 0);
        break;
    case opcode::vdot: {
        uint32_t t[16];
        for (uint32_t i = 0; i < 16; ++i) t[i] = i < vl ? fp::mul(s.v[d.b][i], s.v[d.c][i]) : sum_identity;
        set_f<Observe>(d.a, fp::tree16(t, fp::add));
        add_flops(vl ? 2 * vl - 1 : 0);
        break;
    }
    case opcode::vgetl: set_f<Observe>(d.a, s.v[d.b][uimm]); break;
    case opcode::vsetl:
        s.v[d.a][uimm] = f[d.b];
        note_v<Observe>(d.a);
        break;
    case opcode::setvl:
        s.vl = std::min<uint32_t>(x[d.b], vector_lanes);
        note<Observe>(write_kind::vl, 0, s.vl);
        set_x<Observe>(d.a, s.vl);
        break;

    // ---- Q8 MAC unit
    case opcode::qsetscale:
        s.q8.scale = f[d.a];
        note<Observe>(write_kind::qscale, 0, s.q8.scale);
        break;
    case opcode::qsetbase:
        s.q8.wptr = x[d.a];
        note<Observe>(write_kind::qwptr, 0, s.q8.wptr);
        break;
    case opcode::fsetbase:
        s.q8.aptr = x[d.a];
        note<Observe>(write_kind::qaptr, 0, s.q8.aptr);
        break;
    case opcode::qgetbase: set_x<Observe>(d.a, s.q8.wptr); break;
    case opcode::fgetbase: set_x<Observe>(d.a, s.q8.aptr); break;
    case opcode::acczero:
        s.q8.acc.fill(0.0f);
        note_acc<Observe>();
        break;
    case opcode::accread: {
        uint32_t lanes[16];
        std::memcpy(lanes, s.q8.acc.data(), 64);
        set_f<Observe>(d.a, fp::mul(fp::tree16(lanes, fp::add), s.q8.scale));
        add_flops(16);
        break;
    }
    case opcode::q8mac:
    case opcode::q8macinc:
    case opcode::q8macn: {
        uint64_t n = d.op == opcode::q8macn ? uint64_t{x[d.a]} : static_cast<uint64_t>(d.imm);
        uint32_t w = s.q8.wptr, a = s.q8.aptr;
        SMOL_TRAP_IF_BAD(access_check(mem_, w, n, false, false), w);
        SMOL_TRAP_IF_BAD(access_check(mem_, a, 4 * n, true, false), a);
        q8_kernel_(s.q8.acc.data(), reinterpret_cast<const int8_t*>(m + w), m + a, n);
        note_acc<Observe>();
        if (d.op != opcode::q8mac) {
            s.q8.wptr = static_cast<uint32_t>(w + n);
            s.q8.aptr = static_cast<uint32_t>(a + 4 * n);
            note<Observe>(write_kind::qwptr, 0, s.q8.wptr);
            note<Observe>(write_kind::qaptr, 0, s.q8.aptr);
        }
        pending_macs_ += n;
        add_flops(2 * n);
        break;
    }
    case opcode::vq8mul:
    case opcode::vq8mac: {
        uint32_t w = s.q8.wptr;
        SMOL_TRAP_IF_BAD(access_check(mem_, w, vl, false, false), w);
        auto weight = [&](uint32_t i) { return fp::to_u(static_cast<float>(static_cast<int8_t>(m[w + i]))); };
        if (d.op == opcode::vq8mul)
            vmap(d.a, [&](uint32_t i) { return fp::mul(weight(i), s.q8.scale); });
        else
            vmap(d.a, [&](uint32_t i) { return fp::fma(weight(i), f[d.b], s.v[d.a][i]); });
        s.q8.wptr = w + vl;
        note<Observe>(write_kind::qwptr, 0, s.q8.wptr);
        pending_macs_ += vl;
        add_flops(d.op == opcode::vq8mul ? vl : 2 * vl);
        break;
    }

    case opcode::invalid:
    default:
        fault_addr = pc;
        return trap_kind::illegal_instruction;
    }
    return trap_kind::none;
}

#undef SMOL_TRAP_IF_BAD

template run_result machine::run_loop<true>(uint64_t);
template run_result machine::run_loop<false>(uint64_t);

}  // namespace smol::iss
