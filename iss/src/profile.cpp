#include "iss/src/profile.h"

#include <fmt/format.h>

#include <algorithm>

namespace smol::iss {

std::string format_profile(const machine& m, std::vector<symbol> symbols, double seconds) {
    const run_stats& st = m.stats();
    std::string out;
    auto it = std::back_inserter(out);
    fmt::format_to(it, "instructions {}  MACs {}  FLOPs {}  time {:.3f} s  {:.1f} MIPS  {:.3g} MAC/s\n",
                   st.instret, st.macs, st.flops, seconds, seconds > 0 ? st.instret / seconds / 1e6 : 0.0,
                   seconds > 0 ? st.macs / seconds : 0.0);
    std::vector<size_t> order;
    for (size_t i = 0; i < st.per_opcode.size(); ++i)
        if (st.per_opcode[i].count) order.push_back(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return st.per_opcode[a].count > st.per_opcode[b].count; });
    fmt::format_to(it, "\n{:<12} {:>14} {:>7} {:>14} {:>14}\n", "opcode", "count", "%", "MACs", "FLOPs");
    for (size_t i : order) {
        const op_counters& c = st.per_opcode[i];
        fmt::format_to(it, "{:<12} {:>14} {:>6.2f}% {:>14} {:>14}\n",
                       isa::describe(static_cast<isa::opcode>(i)).mnemonic, c.count,
                       100.0 * c.count / std::max<uint64_t>(st.instret, 1), c.macs, c.flops);
    }
    if (symbols.empty()) return out;
    std::sort(symbols.begin(), symbols.end(), [](const symbol& a, const symbol& b) { return a.address < b.address; });
    std::vector<op_counters> per_symbol(symbols.size());
    op_counters outside;
    m.for_each_pc_counter([&](uint32_t pc, const op_counters& c) {
        auto after = std::upper_bound(symbols.begin(), symbols.end(), pc,
                                      [](uint32_t v, const symbol& sym) { return v < sym.address; });
        op_counters& dst = after == symbols.begin() ? outside : per_symbol[after - symbols.begin() - 1];
        dst.count += c.count;
        dst.macs += c.macs;
        dst.flops += c.flops;
    });
    std::vector<size_t> sorder(symbols.size());
    for (size_t i = 0; i < sorder.size(); ++i) sorder[i] = i;
    std::stable_sort(sorder.begin(), sorder.end(),
                     [&](size_t a, size_t b) { return per_symbol[a].count > per_symbol[b].count; });
    fmt::format_to(it, "\n{:<24} {:>10} {:>14} {:>7} {:>14} {:>14}\n", "symbol", "address", "count", "%", "MACs",
                   "FLOPs");
    for (size_t s : sorder) {
        const op_counters& c = per_symbol[s];
        if (!c.count) continue;
        fmt::format_to(it, "{:<24} {:08x}   {:>14} {:>6.2f}% {:>14} {:>14}\n", symbols[s].name, symbols[s].address,
                       c.count, 100.0 * c.count / std::max<uint64_t>(st.instret, 1), c.macs, c.flops);
    }
    if (outside.count) fmt::format_to(it, "{:<24} {:>10} {:>14}\n", "(before first symbol)", "", outside.count);
    return out;
}

}  // namespace smol::iss
