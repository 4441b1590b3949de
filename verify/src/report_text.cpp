#include "verify/src/report_text.h"

#include "engine/tokenizer/tokenizer.h"

#include <algorithm>
#include <fmt/format.h>
#include <numeric>

namespace smol::verify {

namespace {

std::string weights_of(const layer_spec& l) {
    return l.kind == layer_kind::llama_cpp ? fmt::format("{} (GGUF)", quant_scheme_name(l.scheme))
                                           : quant_scheme_name(l.scheme);
}

// A table in Markdown, columns padded so it reads in a terminal as well.
std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(header.size());
    for (size_t c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto& r : rows) width[c] = std::max(width[c], r[c].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s = "|";
        for (size_t c = 0; c < cells.size(); ++c) s += fmt::format(" {:<{}} |", cells[c], width[c]);
        return s + "\n";
    };
    std::string out = line(header);
    std::vector<std::string> rule;
    for (size_t w : width) rule.push_back(std::string(w, '-'));
    out += line(rule);
    for (const auto& r : rows) out += line(r);
    return out;
}

std::string spelled(const tokenizer* tok, int32_t id) {
    if (!tok || !tok->is_valid(id)) return fmt::format("{}", id);
    std::string text = tok->token_text(id);
    if (text.size() > 12) text = text.substr(0, 12) + "…";
    return fmt::format("{} `{}`", id, text);
}

}  // namespace

std::string format_bound(const std::vector<bound>& path) {
    double rel = 0, abs = 0;
    for (const bound& b : path) (b.form == bound_form::relative ? rel : abs) += b.value;
    if (rel == 0 && abs == 0) return "bit-identical";
    if (abs == 0) return fmt::format("{:.0e} rel", rel);
    if (rel == 0) return abs < 0.01 ? fmt::format("{:.0e} abs", abs) : fmt::format("{:g} abs", abs);
    return fmt::format("{:.0e} rel + {:g} abs", rel, abs);
}

std::string format_report(const verify_report& report, const tokenizer* tok) {
    std::string out = fmt::format("smol verify: {}, prompt {} tokens, {} greedy tokens, engine kernels {}\n\n",
                                  report.model_path, report.prompt.size(), report.n, report.kernel_tier);
    std::vector<std::vector<std::string>> rows;
    for (const link_outcome& l : report.links) {
        const layer_outcome& p = report.layers[l.parent];
        const layer_outcome& c = report.layers[l.child];
        const link_metrics& m = l.metrics;
        const std::string greedy = m.first_stream_difference
                                       ? fmt::format("no (from token {})", *m.first_stream_difference)
                                       : fmt::format("yes ({})", c.result->stream.size());
        rows.push_back({fmt::format("{} → {}", p.spec.name, c.spec.name), weights_of(c.spec), fmt::format("{:.3e}", m.max_abs),
                        fmt::format("{:.3e}", m.max_rel()),
                        fmt::format("{}/{} / {}/{}", m.top1_agree, m.positions, m.top5_agree, m.positions), greedy,
                        format_bound(l.path), l.holds ? "holds" : "FAILS"});
    }
    out += markdown_table({"link", "weights", "max abs Δlogit", "max rel Δlogit", "top-1 / top-5 agreement",
                           "greedy tokens identical", "bound", "verdict"},
                          rows);

    out += "\nLast position, top-5 (id `token` logit; llama.cpp: log-probability):\n\n";
    rows.clear();
    for (const layer_outcome& l : report.layers) {
        if (!l.result) continue;
        std::vector<std::string> row{l.spec.name};
        for (const top_entry& e : last_top(*l.result, 5)) row.push_back(fmt::format("{} {:.5f}", spelled(tok, e.id), e.value));
        row.resize(6);
        rows.push_back(row);
    }
    out += markdown_table({"layer", "1", "2", "3", "4", "5"}, rows);

    out += "\nLayers:\n\n";
    rows.clear();
    for (const layer_outcome& l : report.layers) {
        if (!l.selected) continue;
        if (!l.result) {
            rows.push_back({l.spec.name, "skipped", "", l.skipped});
            continue;
        }
        std::string notes = l.result->detail;
        if (!l.result->instructions.empty()) {
            const uint64_t sum = std::accumulate(l.result->instructions.begin(), l.result->instructions.end(), uint64_t{0});
            notes += fmt::format("{}{:.0f} instructions per token (first {}, last {})", notes.empty() ? "" : "; ",
                                 double(sum) / double(l.result->instructions.size()), l.result->instructions.front(),
                                 l.result->instructions.back());
        }
        rows.push_back({l.spec.name, "ran", fmt::format("{:.3f} s", l.result->seconds), notes});
    }
    out += markdown_table({"layer", "status", "wall time", "notes"}, rows);
    out += fmt::format("\nverdict: {} of {} links hold their bounds\n",
                       std::count_if(report.links.begin(), report.links.end(), [](const link_outcome& l) { return l.holds; }),
                       report.links.size());
    return out;
}

}  // namespace smol::verify
