#pragma once
// llama.cpp as a layer: the checkpoint written as GGUF (model/src/gguf_writer.h) and run by the pinned
// node-llama-cpp (verify/scripts/llama_cpp_layer.mjs). It gives top-k probabilities, not logits.
#include "model/src/model_weights.h"
#include "verify/src/layer_result.h"

#include <optional>
#include <span>
#include <string>

namespace smol::verify {

inline constexpr size_t llama_cpp_top_k = 10;

// Why llama.cpp cannot run here (no node, no oracles/node_modules, not an HF checkpoint), or nothing.
std::optional<std::string> llama_cpp_unavailable(const std::string& model_path);

layer_result run_llama_cpp_layer(const std::string& model_dir, quant_scheme scheme, std::span<const int32_t> prompt,
                                 int32_t n, const std::string& work_dir);

}  // namespace smol::verify
