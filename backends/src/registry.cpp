#include "backends/src/registry.h"

#include "common/error.h"
#include "common/cpu_features.h"
#include "engine/src/transformer.h"
#include "firmware/src/firmware_backend.h"
#include "firmware/src/iss_target.h"
#if SMOL_HAVE_RTL
#include "dv/target/rtl_firmware_target.h"
#endif

#include <fmt/format.h>

namespace smol {

namespace {

std::unique_ptr<inference_backend> make_engine(const backend_model& model, const backend_options& options) {
    if (options.portable_kernels) set_simd(simd_level::portable);  // process-wide, as the kernels choose per call
    return std::make_unique<transformer>(model.weights, options.context, transformer::default_max_batch, options.threads,
                                         /*slots=*/1, options.act);
}

// The firmware computes with float32 activations only (docs/firmware.md).
void refuse_int8_activations(const backend_options& options, const char* where) {
    if (options.act != activation_numerics::f32)
        fail("--act {} is a numerics mode of the C++ engine; the firmware on the {} keeps its own (docs/firmware.md)",
             activation_numerics_name(options.act), where);
}

std::unique_ptr<inference_backend> make_iss(const backend_model& model, const backend_options& options) {
    refuse_int8_activations(options, "ISS");
    return std::make_unique<firmware::firmware_backend>(
        model.weights, model.image, options.context,
        firmware::iss_target_factory(options.portable_kernels ? iss::q8_mac_portable : iss::q8_mac_best()));
}

#if SMOL_HAVE_RTL
// The same firmware host as the ISS's, so every check it makes before running (int8 weights, context, the
// image against the config, the descriptor) is the same code.
std::unique_ptr<inference_backend> make_rtl(const backend_model& model, const backend_options& options) {
    refuse_int8_activations(options, "RTL core");
    rtl::rtl_run_options run;
    run.timing = {options.rtl_latency, options.rtl_bandwidth};
    if (options.rtl_max_cycles != 0) run.max_cycles = options.rtl_max_cycles;
    if (options.rtl_quiet) run.progress_label.clear();
    return std::make_unique<firmware::firmware_backend>(model.weights, model.image, options.context,
                                                        rtl::rtl_target_factory(run));
}
#endif

constexpr backend_entry entries[] = {
    {"engine", "the C++ engine (portable, AVX2 or AVX-512 kernels, chosen at run time)", make_engine},
    {"iss", "the firmware on the SMOL-32 instruction-set simulator (f32, q8, q8r, q8_0 or q4_0 weights)", make_iss},
#if SMOL_HAVE_RTL
    {"rtl", "the firmware on the SMOL-32 RTL core, Verilated (f32, q8, q8r, q8_0 or q4_0 weights; bit-identical to iss)", make_rtl},
#endif
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
