#include "verify/src/verify_run.h"

#include "backends/src/registry.h"
#include "common/cpu_features.h"
#include "common/error.h"
#include "model/src/gguf.h"
#include "model/src/model_loader.h"
#include "verify/src/backend_layer.h"
#include "verify/src/layer_availability.h"
#include "verify/src/llama_cpp_layer.h"
#include "verify/src/reference_layer.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>

namespace smol::verify {

namespace {

bool selects(const std::string& selector, const std::string& name) {
    return name == selector || name.starts_with(selector + ".");
}

void select_layers(std::vector<layer_outcome>& layers, const std::vector<std::string>& selectors) {
    for (layer_outcome& l : layers) l.selected = selectors.empty();
    std::vector<std::string> names;
    for (const layer_outcome& l : layers) names.push_back(l.spec.name);
    for (const std::string& s : selectors) {
        bool any = false, any_available = false;
        for (layer_outcome& l : layers) {
            if (!selects(s, l.spec.name)) continue;
            any = true;
            l.selected = true;
            if (l.skipped.empty()) any_available = true;
            else if (s == l.spec.name) fail("--layers: layer {} cannot run here: {}", s, l.skipped);
        }
        if (!any) fail("--layers: no layer is called '{}' (layers: {})", s, fmt::join(names, ", "));
        if (!any_available)
            for (const layer_outcome& l : layers)
                if (selects(s, l.spec.name)) fail("--layers: no layer of '{}' can run here ({}: {})", s, l.spec.name, l.skipped);
    }
}

// --skip: layers left out whether they can run or not.
void skip_layers(std::vector<layer_outcome>& layers, const std::vector<std::string>& skips) {
    for (const std::string& s : skips) {
        bool any = false;
        for (layer_outcome& l : layers)
            if (selects(s, l.spec.name)) {
                any = true;
                l.selected = false;
            }
        if (!any) fail("--skip: no layer is called '{}'", s);
    }
}

// A scratch directory for the helper programs' files, removed when the run ends.
struct work_dir {
    std::string path;
    work_dir() {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/smol-verify.XXXXXX";
        if (!::mkdtemp(pattern.data())) fail("cannot make a scratch directory {}", pattern);
        path = pattern;
    }
    ~work_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

// Progress of a layer evaluated position by position, on stderr at most every two seconds.
progress_fn progress_for(const std::string& name) {
    auto start = std::chrono::steady_clock::now();
    auto last = std::make_shared<double>(0.0);
    return [name, start, last](size_t done, size_t total) {
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (t - *last < 2.0 && done != total) return;
        *last = t;
        fmt::print(stderr, "  {}: {}/{} positions ({:.1f} s)\n", name, done, total, t);
    };
}

std::optional<quant_scheme> converted_file_scheme(const std::string& path) {
    if (is_hf_checkpoint_dir(path) || has_gguf_magic(path)) return std::nullopt;
    return load_model(path, std::nullopt).weights().quant;
}

// Runs one layer; returns nothing, with the reason in `why`, when it turns out it cannot run here (the
// reference without torch). `model` holds the scheme's weights, loaded by its first back-end layer.
std::optional<layer_result> run_layer(const layer_spec& spec, const verify_request& request, const std::string& scratch,
                                      std::optional<loaded_model>& model, std::string& why) {
    switch (spec.kind) {
    case layer_kind::reference:
        return run_reference_layer(request.model_path, spec.scheme, request.prompt, request.n, scratch, why);
    case layer_kind::llama_cpp:
        return run_llama_cpp_layer(request.model_path, spec.scheme, request.prompt, request.n, scratch);
    default: break;
    }
    if (!model) model.emplace(load_model(request.model_path, spec.scheme));
    backend_options options;
    options.context = int32_t(request.prompt.size()) + request.n;
    options.threads = request.threads;
    options.portable_kernels = spec.kind == layer_kind::engine_portable;
    const bool engine = spec.kind == layer_kind::engine || spec.kind == layer_kind::engine_portable;
    const simd_level tier = active_simd();
    auto backend = make_backend(engine ? "engine" : layer_kind_name(spec.kind), *model, options);
    layer_result r = run_backend_layer(*backend, request.prompt, request.n, engine,
                                       engine ? progress_fn{} : progress_for(spec.name));
    if (engine) r.detail = fmt::format("kernels {}", simd_level_name(active_simd()));
    set_simd(tier);  // the portable engine layer switched the kernels process-wide
    return r;
}

}  // namespace

bool verify_report::all_hold() const {
    for (const link_outcome& l : links)
        if (!l.holds) return false;
    return true;
}

verify_report run_verify(const verify_request& request) {
    if (request.prompt.empty()) fail("verify needs a prompt (-p TEXT or --ids)");
    if (request.n < 1) fail("-n must be at least 1");
    verify_report report;
    report.model_path = request.model_path;
    report.prompt = request.prompt;
    report.n = request.n;
    report.kernel_tier = simd_level_name(active_simd());
    const std::optional<quant_scheme> file_scheme = converted_file_scheme(request.model_path);
    for (const layer_spec& spec : full_chain()) {
        layer_outcome o;
        o.spec = spec;
        if (auto why = layer_unavailable(spec, request.model_path, file_scheme)) o.skipped = *why;
        report.layers.push_back(std::move(o));
    }
    select_layers(report.layers, request.layers);
    skip_layers(report.layers, request.skip);

    work_dir scratch;
    std::optional<loaded_model> model;
    std::optional<quant_scheme> model_scheme;
    for (layer_outcome& l : report.layers) {
        if (!l.selected || !l.skipped.empty()) continue;
        if (model_scheme != l.spec.scheme) {
            model.reset();  // one scheme's weights in memory at a time
            model_scheme = l.spec.scheme;
        }
        fmt::print(stderr, "verify: {} ...\n", l.spec.name);
        l.result = run_layer(l.spec, request, scratch.path, model, l.skipped);
        if (l.result) fmt::print(stderr, "verify: {} done in {:.2f} s\n", l.spec.name, l.result->seconds);
        else fmt::print(stderr, "verify: {} skipped: {}\n", l.spec.name, l.skipped);
    }

    for (size_t i = 0; i < report.layers.size(); ++i) {
        const layer_outcome& child = report.layers[i];
        if (!child.result) continue;
        std::vector<bound> path{child.spec.to_parent};
        std::optional<size_t> parent = child.spec.parent;
        while (parent && !report.layers[*parent].result) {
            const layer_spec& skipped = report.layers[*parent].spec;
            if (skipped.parent) path.push_back(skipped.to_parent);
            parent = skipped.parent;
        }
        if (!parent) continue;
        link_outcome link;
        link.parent = *parent;
        link.child = i;
        link.path = path;
        link.metrics = compare_layers(*report.layers[*parent].result, *child.result, request.prompt.size());
        link.holds = holds(link.path, link.metrics);
        report.links.push_back(std::move(link));
    }
    return report;
}

}  // namespace smol::verify
