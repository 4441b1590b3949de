#include "iss/src/trace.h"

#include <fmt/format.h>

#include <algorithm>

#if SMOL_ISS_HAVE_DISASM
#include "asm/disasm.h"
#endif

namespace smol::iss {

std::string_view trap_name(trap_kind kind) {
    switch (kind) {
    case trap_kind::none: return "none";
    case trap_kind::illegal_instruction: return "illegal-instruction";
    case trap_kind::fetch_misaligned: return "fetch-misaligned";
    case trap_kind::fetch_fault: return "fetch-fault";
    case trap_kind::load_misaligned: return "load-misaligned";
    case trap_kind::load_fault: return "load-fault";
    case trap_kind::store_misaligned: return "store-misaligned";
    case trap_kind::store_fault: return "store-fault";
    }
    return "?";
}

namespace {

std::string disassemble(uint32_t bits, uint32_t pc) {
#if SMOL_ISS_HAVE_DISASM
    return smol::disasm::format_instruction(bits, pc);
#else
    (void)pc;
    return fmt::format(".word 0x{:08x}", bits);
#endif
}

void append_lanes(std::string& out, const std::array<uint32_t, 16>& lanes) {
    for (int i = 0; i < 16; ++i) fmt::format_to(std::back_inserter(out), "{}{:08x}", i ? "," : "", lanes[i]);
}

void append_write(std::string& out, const commit_write& w) {
    auto it = std::back_inserter(out);
    switch (w.kind) {
    case write_kind::xreg: fmt::format_to(it, " x{}={:08x}", w.where, w.value); break;
    case write_kind::freg: fmt::format_to(it, " f{}={:08x}", w.where, w.value); break;
    case write_kind::vreg:
        fmt::format_to(it, " v{}=", w.where);
        append_lanes(out, w.lanes);
        break;
    case write_kind::vl: fmt::format_to(it, " vl={}", w.value); break;
    case write_kind::qscale: fmt::format_to(it, " qscale={:08x}", w.value); break;
    case write_kind::qwptr: fmt::format_to(it, " qw={:08x}", w.value); break;
    case write_kind::qaptr: fmt::format_to(it, " qa={:08x}", w.value); break;
    case write_kind::acc:
        out += " acc=";
        append_lanes(out, w.lanes);
        break;
    case write_kind::mem8: fmt::format_to(it, " m8[{:08x}]={:02x}", w.where, w.value); break;
    case write_kind::mem32: fmt::format_to(it, " m32[{:08x}]={:08x}", w.where, w.value); break;
    }
}

}  // namespace

std::string format_commit(const commit_record& record) {
    std::string out = fmt::format("{} {:08x} {:08x} {}", record.seq, record.pc, record.bits,
                                  disassemble(record.bits, record.pc));
    if (record.trap != trap_kind::none) {
        fmt::format_to(std::back_inserter(out), " ; trap={} addr={:08x}", trap_name(record.trap), record.trap_addr);
        return out;
    }
    if (record.writes.empty()) return out;
    std::vector<const commit_write*> sorted;
    sorted.reserve(record.writes.size());
    for (const auto& w : record.writes) sorted.push_back(&w);
    std::stable_sort(sorted.begin(), sorted.end(), [](const commit_write* a, const commit_write* b) {
        if (a->kind != b->kind) {
            bool a_mem = a->kind >= write_kind::mem8, b_mem = b->kind >= write_kind::mem8;
            if (a_mem && b_mem) return a->where < b->where;
            return a->kind < b->kind;
        }
        return a->where < b->where;
    });
    out += " ;";
    for (const commit_write* w : sorted) append_write(out, *w);
    return out;
}

}  // namespace smol::iss
