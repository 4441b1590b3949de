#include "verify/src/report_json.h"

#include "backends/src/registry.h"
#include "verify/src/report_text.h"

#include <cmath>

namespace smol::verify {

namespace {

const char* form_name(bound_form f) {
    return f == bound_form::bit_identical ? "bit-identical" : f == bound_form::relative ? "relative" : "absolute";
}

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json report_to_json(const verify_report& report) {
    using nlohmann::json;
    json j;
    j["model"] = report.model_path;
    j["prompt"] = report.prompt;
    j["n"] = report.n;
    j["kernel_tier"] = report.kernel_tier;
    j["backends"] = backend_names();  // the back ends this smol was built with
    j["layers"] = json::array();
    for (const layer_outcome& l : report.layers) {
        json o{{"name", l.spec.name}, {"kind", layer_kind_name(l.spec.kind)}, {"weights", quant_scheme_name(l.spec.scheme)},
               {"selected", l.selected}};
        if (l.result) {
            o["status"] = "ran";
            o["seconds"] = l.result->seconds;
            o["detail"] = l.result->detail;
            o["stream"] = l.result->stream;
            json top = json::array();
            for (const top_entry& e : last_top(*l.result, 5)) top.push_back({{"id", e.id}, {"value", e.value}});
            o["last_top5"] = top;
            if (!l.result->instructions.empty()) o["instructions_per_forward"] = l.result->instructions;
        } else {
            o["status"] = l.selected ? "skipped" : "not selected";
            if (!l.skipped.empty()) o["reason"] = l.skipped;
        }
        j["layers"].push_back(o);
    }
    j["links"] = json::array();
    for (const link_outcome& l : report.links) {
        const link_metrics& m = l.metrics;
        json path = json::array();
        for (const bound& b : l.path) path.push_back({{"form", form_name(b.form)}, {"value", b.value}, {"why", b.why}});
        json per_position = json::array();
        for (double d : m.per_position) per_position.push_back(finite_or_null(d));
        j["links"].push_back({
            {"parent", report.layers[l.parent].spec.name},
            {"child", report.layers[l.child].spec.name},
            {"weights", quant_scheme_name(report.layers[l.child].spec.scheme)},
            {"positions", m.positions},
            {"max_abs_dlogit", finite_or_null(m.max_abs)},
            {"max_rel_dlogit", finite_or_null(m.max_rel())},
            {"max_parent_logit", m.max_parent_logit},
            {"worst_position", m.worst_position},
            {"top1_agree", m.top1_agree},
            {"top5_agree", m.top5_agree},
            {"bits_identical", m.bits_identical},
            {"greedy_identical", !m.first_stream_difference.has_value()},
            {"first_stream_difference", m.first_stream_difference ? json(*m.first_stream_difference) : json(nullptr)},
            {"bound", format_bound(l.path)},
            {"bound_abs", absolute_bound(l.path, m)},
            {"bound_path", path},
            {"verdict", l.holds ? "holds" : "fails"},
            {"per_position_max_abs", per_position},
        });
    }
    j["all_hold"] = report.all_hold();
    return j;
}

}  // namespace smol::verify
