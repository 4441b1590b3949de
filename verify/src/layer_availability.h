#pragma once
// Why a layer of the chain cannot run on this machine and model, decided before anything runs.
#include "verify/src/chain.h"

#include <optional>
#include <string>

namespace smol::verify {

// `model_scheme`: the scheme of a converted model file (which is never requantized), or none for an HF
// checkpoint directory or a GGUF file.
std::optional<std::string> layer_unavailable(const layer_spec& layer, const std::string& model_path,
                                             std::optional<quant_scheme> model_scheme);

}  // namespace smol::verify
