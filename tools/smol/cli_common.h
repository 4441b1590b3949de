#pragma once
// Options and parsing shared by the subcommands that run a model.
#include "engine/src/model_loader.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smol::cli {

// "1,2,3" -> {1, 2, 3}; throws smol::error naming the bad item (ids are range-checked by the model).
std::vector<int32_t> parse_id_list(const std::string& text, const char* flag);

struct model_options {
    std::string path;
    std::string quant;            // empty: the file's own scheme, or f32 for an HF directory
    int32_t context_length = -1;  // -1: max_position_embeddings

    void add_to(CLI::App& command);
    loaded_model load() const;
    // The KV-cache length for a run that needs `needed` positions: refuses one that cannot fit, naming both.
    int32_t context_for(const model_config& config, int64_t needed) const;
};

}  // namespace smol::cli
