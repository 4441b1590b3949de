#pragma once
// The assembler's output files: the flat image, the symbol map and the listing (docs/asm.md).
#include "asm/assembler.h"

#include <optional>
#include <string>
#include <vector>

namespace smol::assembler {

std::string format_map(const program& p);
std::string format_listing(const program& p);

// Reads a symbol map written by format_map (and its image base into `base` when given);
// throws smol::error naming file:line on a malformed line.
std::vector<map_symbol> read_map(const std::string& path, std::optional<uint32_t>* base = nullptr);

// Writes every requested file, each atomically; empty paths are skipped. Nothing is renamed into
// place until all of them are complete.
void write_outputs(const program& p, const std::string& image_path, const std::string& map_path,
                   const std::string& listing_path);

// The whole of `smol asm`: assembles `source` and writes the outputs only when there is no error.
result assemble_to_files(const std::string& source, const options& opts, const std::string& image_path,
                         const std::string& map_path, const std::string& listing_path);

}  // namespace smol::assembler
