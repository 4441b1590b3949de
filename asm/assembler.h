#pragma once
// smol asm: two-pass assembler for SMOL-32 (docs/asm.md). The first pass lays out every statement and
// defines the labels; the second evaluates operands and encodes through the generated ISA table.
#include "asm/diag.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smol::assembler {

struct options {
    std::vector<std::string> include_dirs;          // searched after the including file's directory
    size_t max_errors = diagnostics::default_cap;   // stop after this many
    uint64_t max_image_bytes = uint64_t(256) << 20; // the SMOL-32 memory size
};

struct map_symbol {
    uint32_t address = 0;
    std::string name;  // scoped locals as outer.inner
    bool global = false;
};

struct listing_entry {
    uint32_t address = 0;
    std::vector<uint8_t> bytes;  // what the line emitted
    bool code = false;           // bytes are instruction words
    std::string file;
    int line = 0;
    std::string text;
};

struct program {
    uint32_t base = 0;            // address of image[0]: the lowest address anything was emitted at
    std::vector<uint8_t> image;   // flat, gaps filled with zeros
    std::vector<map_symbol> symbols;  // labels, sorted by address then name
    std::vector<listing_entry> listing;
};

struct result {
    program prog;
    std::vector<diagnostic> errors;
    bool capped = false;  // stopped at max_errors
    bool ok() const { return errors.empty(); }
};

result assemble_file(const std::string& path, const options& opts = {});
// Assembles `source` as if it were the file `name` (used in messages and to resolve .include).
result assemble_string(std::string_view source, const std::string& name, const options& opts = {});

}  // namespace smol::assembler
