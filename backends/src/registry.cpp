#include "backends/src/registry.h"

#include "common/error.h"
#include "common/cpu_features.h"
#include "engine/src/transformer.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"

#include <fmt/format.h>

namespace smol {

namespace {

std::unique_ptr<inference_backend> make_engine(const backend_model& model, const backend_options& options) {
    if (options.portable_kernels) set_simd(simd_level::portable);  // process-wide, as the kernels choose per call
    return std::make_unique<transformer>(model.weights, options.context, transformer::default_max_batch, options.threads,
                                         options.act);
}

std::unique_ptr<inference_backend> make_iss(const backend_model& model, const backend_options& options) {
    if (options.act != activation_numerics::f32)
        fail("--act {} is a numerics mode of the C++ engine; the firmware on the ISS keeps its own (docs/firmware.md)",
             activation_numerics_name(options.act));
    return std::make_unique<firmware::firmware_backend>(
        model.weights, model.image, options.context,
        firmware::iss_target_factory(options.portable_kernels ? iss::q8_mac_portable : iss::q8_mac_best()));
}

constexpr backend_entry entries[] = {
    {"engine", "the C++ engine (portable, AVX2 or AVX-512 kernels, chosen at run time)", make_engine},
    {"iss", "the firmware on the SMOL-32 instruction-set simulator (int8 weights)", make_iss},
};

}  // namespace

std::span<const backend_entry> registered_backends() { return entries; }

std::vector<std::string> backend_names() {
    std::vector<std::string> names;
    for (const backend_entry& e : entries) names.emplace_back(e.name);
    return names;
}

std::unique_ptr<inference_backend> make_backend(std::string_view name, const backend_model& model,
                                                const backend_options& options) {
    for (const backend_entry& e : entries)
        if (e.name == name) return e.make(model, options);
    fail("unknown back end '{}' (known: {})", name, fmt::join(backend_names(), ", "));
}

}  // namespace smol
