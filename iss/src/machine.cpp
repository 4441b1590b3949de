// The ISS run loop: fetch through the decode-once cache, dispatch through the table's one function per
// opcode (iss/src/exec_*.cpp), then commit: counters, profile, commit hook. A trapping instruction
// has written nothing (its semantics check before they write), so only the trap is reported.
#include "iss/src/machine.h"

#include "iss/src/hart.h"

#include <cstring>
#include <limits>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace smol::iss {
namespace {

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

template <bool Observe>
const exec_table<Observe>& dispatch() {
    static const exec_table<Observe> table = [] {
        exec_table<Observe> t{};
        install_int<Observe>(t);
        install_mem<Observe>(t);
        install_ctrl<Observe>(t);
        install_fp<Observe>(t);
        install_vec<Observe>(t);
        install_q8<Observe>(t);
        return t;
    }();
    return table;
}

}  // namespace

machine::machine(uint64_t mem_size, q8_mac_fn q8_kernel)
    : mem_(mem_size), core_(std::make_unique<core>(mem_, q8_kernel)) {
    reset(0);
}

machine::~machine() = default;

arch_state& machine::state() { return core_->s; }
const arch_state& machine::state() const { return core_->s; }

void machine::reset(uint32_t entry) {
    core_->s = arch_state{};
    core_->s.pc = entry;
    core_->s.x[2] = static_cast<uint32_t>(mem_.size() - 16);
    stats_ = run_stats{};
    for (auto& page : pc_counts_) page.reset();
    flush_code_cache();
}

void machine::flush_code_cache() {
    for (auto& page : core_->code) page.reset();
    core_->any_code = false;
}

void machine::set_commit_hook(std::function<void(const commit_record&)> hook) { hook_ = std::move(hook); }

void machine::enable_pc_profile(bool on) {
    pc_profile_ = on;
    if (on && pc_counts_.empty()) pc_counts_.resize(core_->code.size());
}

const isa::operands* machine::fetch(uint32_t pc) {
    if ((pc & 3u) || pc >= mem_.size()) return nullptr;
    auto& page = core_->code[pc >> code_page_shift];
    if (!page) {
        page = std::make_unique<core::code_page>();
        const uint8_t* base = mem_.data() + (uint64_t{pc} & ~uint64_t{(1u << code_page_shift) - 1});
        for (unsigned i = 0; i < code_page_words; ++i) {
            uint32_t bits;
            std::memcpy(&bits, base + 4 * i, 4);
            page->insn[i] = isa::decode_operands(bits);
        }
        core_->any_code = true;
    }
    return &page->insn[(pc >> 2) & (code_page_words - 1)];
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
    const exec_table<Observe>& exec = dispatch<Observe>();
    core& c = *core_;
    commit_record& record = c.record;
    uint32_t pc = c.s.pc;
    while (stats_.instret < end) {
        const isa::operands* op = fetch(pc);
        uint32_t bits = 0;
        if (op) std::memcpy(&bits, mem_.data() + pc, 4);
        if constexpr (Observe) {
            record.clear();
            record.seq = stats_.instret + 1;
            record.pc = pc;
            record.bits = bits;
        }
        const trap_kind fetch_trap = !op                     ? ((pc & 3u) ? trap_kind::fetch_misaligned : trap_kind::fetch_fault)
                                     : op->op == isa::opcode::invalid ? trap_kind::illegal_instruction
                                                                      : trap_kind::none;
        bool retired = false;
        if (fetch_trap == trap_kind::none) {
            const isa::operands o = *op;  // a store may drop the page that holds it
            c.pc = pc;
            c.next = pc + 4;
            c.halted = false;
            c.macs = c.flops = 0;
            c.s.pc = pc;
            retired = exec[static_cast<size_t>(o.op)](hart<Observe>(c), o);
            if (retired) {
                ++stats_.instret;
                op_counters& oc = stats_.per_opcode[static_cast<size_t>(o.op)];
                ++oc.count;
                oc.macs += c.macs;
                oc.flops += c.flops;
                stats_.macs += c.macs;
                stats_.flops += c.flops;
            }
        } else {
            c.trap = fetch_trap;
            c.fault_addr = pc;
        }
        if (!retired) {
            c.s.pc = pc;
            if constexpr (Observe) {
                record.writes.clear();
                record.trap = c.trap;
                record.trap_addr = c.fault_addr;
                if (hook_) hook_(record);
            }
            const run_result r{stop_reason::trapped, pc, op ? bits : 0, c.trap, c.fault_addr};
            c.trap = trap_kind::none;
            return r;
        }
        if constexpr (Observe) {
            if (pc_profile_) {
                auto& page = pc_counts_[pc >> code_page_shift];
                if (!page) page = std::make_unique<std::array<op_counters, code_page_words>>();
                op_counters& pcc = (*page)[(pc >> 2) & (code_page_words - 1)];
                ++pcc.count;
                pcc.macs += c.macs;
                pcc.flops += c.flops;
            }
            if (hook_) hook_(record);
        }
        if (c.halted) {
            c.s.pc = pc;
            return {stop_reason::halted, pc, bits, trap_kind::none, 0};
        }
        pc = c.next;
    }
    c.s.pc = pc;
    uint32_t bits = 0;
    if (!(pc & 3u) && mem_.contains(pc, 4)) std::memcpy(&bits, mem_.data() + pc, 4);
    return {stop_reason::limit, pc, bits, trap_kind::none, 0};
}

template run_result machine::run_loop<true>(uint64_t);
template run_result machine::run_loop<false>(uint64_t);

}  // namespace smol::iss
