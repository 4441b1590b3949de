#pragma once
// Every back end that answers "logits for these tokens at these positions" (engine/src/backend.h), by name:
// the CLI's --backend, `smol bench` and the comparison suite (backends/tests) all make theirs here, so a new
// back end is one entry in registry.cpp and is offered and tested everywhere at once.
#include "engine/src/activation_quant.h"
#include "engine/src/backend.h"
#include "model/src/model_loader.h"
#include "model/src/model_weights.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smol {

// The weights a back end runs and the model image they view (the firmware loads the image verbatim). Both
// must outlive the back end.
struct backend_model {
    const model_weights& weights;
    std::span<const std::byte> image;
};

struct backend_options {
    int32_t context = 1;             // KV-cache positions, 1..max_position_embeddings
    int32_t threads = 1;             // engine: 1..thread_pool::max_threads
    bool portable_kernels = false;   // the portable kernels, not AVX2: the engine's (as --no-simd and
                                     // SMOL_SIMD=portable do, process-wide), the ISS's Q8 MAC kernel
    // rtl: the memory port's model (docs/rtl.md) and the cycles one forward pass may take (0: the target's
    // default bound); a progress line on stderr for long forward passes unless `rtl_quiet`.
    uint32_t rtl_latency = 20;       // read latency in cycles, >= 1 (20: DRAM-like)
    uint32_t rtl_bandwidth = 16;     // bytes per cycle, 1..16
    uint64_t rtl_max_cycles = 0;
    bool rtl_quiet = false;
    activation_numerics act = activation_numerics::f32;  // engine only (--act): int8 activations
};

struct backend_entry {
    std::string_view name;
    std::string_view description;
    std::unique_ptr<inference_backend> (*make)(const backend_model& model, const backend_options& options);
};

std::span<const backend_entry> registered_backends();
std::vector<std::string> backend_names();

// Throws smol::error naming the known back ends when `name` is none of them, and whatever the back end
// refuses (an f32 model on the ISS, a context past the model's maximum).
std::unique_ptr<inference_backend> make_backend(std::string_view name, const backend_model& model,
                                                const backend_options& options);
inline std::unique_ptr<inference_backend> make_backend(std::string_view name, const loaded_model& model,
                                                       const backend_options& options) {
    return make_backend(name, backend_model{model.weights(), model.image()}, options);
}

}  // namespace smol
