#pragma once
// The PyTorch reference as a layer (verify/scripts/reference_layer.py, run with /usr/bin/python3).
#include "model/src/model_weights.h"
#include "verify/src/layer_result.h"

#include <optional>
#include <span>
#include <string>

namespace smol::verify {

// Why the reference cannot run here (not an HF checkpoint directory, no Python), or nothing.
std::optional<std::string> reference_unavailable(const std::string& model_path);

// Runs the reference on the checkpoint directory `model_dir`; `work_dir` holds its output files. Throws
// smol::error when it fails; returns nothing when torch cannot be imported (the reason in `why`).
std::optional<layer_result> run_reference_layer(const std::string& model_dir, quant_scheme scheme,
                                                std::span<const int32_t> prompt, int32_t n,
                                                const std::string& work_dir, std::string& why);

}  // namespace smol::verify
