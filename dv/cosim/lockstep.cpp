#include "dv/cosim/lockstep.h"

#include "asm/disasm.h"

#include <fmt/format.h>

namespace smol::cosim {

lockstep_result run_lockstep(iss::machine& iss, rtl::rtl_target& rtl, const lockstep_options& opts) {
    lockstep_result res;
    iss::commit_record from_rtl, from_iss;
    bool have_rtl = false, have_iss = false;
    rtl.set_commit_hook([&](const iss::commit_record& r) {
        from_rtl = r;
        have_rtl = true;
    });
    iss.set_commit_hook([&](const iss::commit_record& r) {
        from_iss = r;
        have_iss = true;
    });
    const uint64_t start_cycles = rtl.counters().cycles;
    auto finish = [&](outcome how) {
        res.how = how;
        res.cycles = rtl.counters().cycles - start_cycles;
        rtl.set_commit_hook(nullptr);
        iss.set_commit_hook(nullptr);
        return res;
    };
    while (res.instructions < opts.max_instructions) {
        have_rtl = have_iss = false;
        const uint64_t used = rtl.counters().cycles - start_cycles;
        rtl::run_result rr = rtl.run(1, opts.max_cycles > used ? opts.max_cycles - used : 0);
        if (rr.reason == rtl::stop_reason::cycle_limit) return finish(outcome::cycle_limit);
        iss::run_result ir = iss.run(1);
        ++res.instructions;
        const std::string a = have_rtl ? iss::format_commit(from_rtl) : "(no retirement)";
        const std::string b = have_iss ? iss::format_commit(from_iss) : "(no instruction)";
        if (opts.log) std::fprintf(opts.log, "%s\n", a.c_str());
        const bool rtl_stopped = rr.reason == rtl::stop_reason::halted || rr.reason == rtl::stop_reason::trapped;
        const bool iss_stopped = ir.reason != iss::stop_reason::limit;
        if (a != b || rtl_stopped != iss_stopped) {
            const uint32_t pc = have_iss ? from_iss.pc : from_rtl.pc;
            const uint32_t bits = have_iss ? from_iss.bits : from_rtl.bits;
            res.report = fmt::format("mismatch at instruction {}, pc {:08x}: {}\n  rtl: {}\n  iss: {}{}\n", res.instructions, pc,
                                     disasm::format_instruction(bits, pc), a, b,
                                     rtl_stopped != iss_stopped ? "\n  (one side stopped, the other did not)" : "");
            return finish(outcome::mismatch);
        }
        if (rr.reason == rtl::stop_reason::halted) return finish(outcome::halted);
        if (rr.reason == rtl::stop_reason::trapped) return finish(outcome::trapped);
    }
    return finish(outcome::instruction_limit);
}

}  // namespace smol::cosim
