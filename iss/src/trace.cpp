#include "iss/src/trace.h"

#include "isa/disasm.h"

#include <fmt/format.h>

#include <algorithm>

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

void append_lanes(std::string& out, const std::array<uint32_t, 16>& lanes) {
    for (int i = 0; i < 16; ++i) fmt::format_to(std::back_inserter(out), "{}{:08x}", i ? "," : "", lanes[i]);
}

bool has_lanes(write_kind k) { return k == write_kind::vreg || k == write_kind::acc; }

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

std::vector<const commit_write*> canonical_writes(const commit_record& record) {
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
    return sorted;
}

std::string format_commit(const commit_record& record) {
    std::string out = fmt::format("{} {:08x} {:08x} {}", record.seq, record.pc, record.bits,
                                  smol::disasm::format_instruction(record.bits, record.pc));
    if (record.trap != trap_kind::none) {
        fmt::format_to(std::back_inserter(out), " ; trap={} addr={:08x}", trap_name(record.trap), record.trap_addr);
        return out;
    }
    if (record.writes.empty()) return out;
    out += " ;";
    for (const commit_write* w : canonical_writes(record)) append_write(out, *w);
    return out;
}

std::optional<commit_difference> first_difference(const commit_record& a, const commit_record& b) {
    using part = commit_difference::part;
    auto differ = [](part p, std::string text) { return commit_difference{p, 0, std::move(text)}; };
    if (a.seq != b.seq) return differ(part::seq, fmt::format("seq: {} vs {}", a.seq, b.seq));
    if (a.pc != b.pc) return differ(part::pc, fmt::format("pc: {:08x} vs {:08x}", a.pc, b.pc));
    if (a.bits != b.bits) return differ(part::bits, fmt::format("bits: {:08x} vs {:08x}", a.bits, b.bits));
    if (a.trap != b.trap)
        return differ(part::trap, fmt::format("trap: {} vs {}", trap_name(a.trap), trap_name(b.trap)));
    if (a.trap != trap_kind::none) {
        if (a.trap_addr != b.trap_addr)
            return differ(part::trap_addr, fmt::format("trap addr: {:08x} vs {:08x}", a.trap_addr, b.trap_addr));
        return std::nullopt;
    }
    const auto wa = canonical_writes(a), wb = canonical_writes(b);
    auto text = [](const commit_write* w) {
        std::string s;
        append_write(s, *w);
        return s.substr(1);
    };
    for (std::size_t i = 0; i < std::min(wa.size(), wb.size()); ++i) {
        const commit_write &x = *wa[i], &y = *wb[i];
        if (x.kind != y.kind || x.where != y.where || (has_lanes(x.kind) ? x.lanes != y.lanes : x.value != y.value))
            return commit_difference{part::write, i, fmt::format("write {}: {} vs {}", i, text(wa[i]), text(wb[i]))};
    }
    if (wa.size() != wb.size()) {
        const bool a_longer = wa.size() > wb.size();
        const std::size_t i = std::min(wa.size(), wb.size());
        return commit_difference{part::write_count, i,
                                 fmt::format("writes: {} vs {} (first unmatched: {} in {})", wa.size(), wb.size(),
                                             text(a_longer ? wa[i] : wb[i]), a_longer ? "a" : "b")};
    }
    return std::nullopt;
}

}  // namespace smol::iss
