#pragma once
// `smol make-model`: deterministic HF checkpoint directories with random weights, for tests and benchmarks
// on machines that cannot download the real SmolLM2 weights.
#include "model/src/model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smol {

std::vector<std::string> make_model_preset_names();
model_config make_model_preset(const std::string& name);  // throws naming the valid presets

// Writes config.json, generation_config.json, model.safetensors (BF16), and the SmolLM2-shaped
// tokenizer.json and tokenizer_config.json into `out_dir`. The same
// (config, seed) always gives byte-identical files.
void make_model(const model_config& config, uint64_t seed, const std::string& out_dir);

}  // namespace smol
