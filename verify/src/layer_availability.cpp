#include "verify/src/layer_availability.h"

#include "backends/src/registry.h"
#include "common/cpu_features.h"
#include "firmware/src/firmware_backend.h"
#include "verify/src/llama_cpp_layer.h"
#include "verify/src/reference_layer.h"

#include <algorithm>
#include <fmt/format.h>

namespace smol::verify {

namespace {

bool registered(std::string_view name) {
    const auto names = backend_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::optional<std::string> layer_unavailable(const layer_spec& layer, const std::string& model_path,
                                             std::optional<quant_scheme> model_scheme) {
    if (model_scheme && *model_scheme != layer.scheme && layer.kind != layer_kind::reference &&
        layer.kind != layer_kind::llama_cpp)
        return fmt::format("the model file holds {} weights (a converted file is never requantized)",
                           quant_scheme_name(*model_scheme));
    switch (layer.kind) {
    case layer_kind::reference: return reference_unavailable(model_path);
    case layer_kind::engine: return std::nullopt;
    case layer_kind::engine_portable:
        if (active_simd() == simd_level::portable) return "the run-time kernel tier is portable: this is the layer above";
        return std::nullopt;
    case layer_kind::iss:
    case layer_kind::rtl:
    case layer_kind::gates: {
        const char* backend = layer_kind_name(layer.kind);
        if (!firmware::firmware_runs(layer.scheme))
            return fmt::format("the firmware has no {} kernels", quant_scheme_name(layer.scheme));
        if (!registered(backend)) return fmt::format("not built: this smol has no '{}' back end", backend);
        return std::nullopt;
    }
    case layer_kind::llama_cpp: return llama_cpp_unavailable(model_path);
    }
    return "unknown layer kind";
}

}  // namespace smol::verify
