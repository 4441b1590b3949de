#pragma once
// Helpers for the assembler tests: assemble text, read words, write temporary source trees.
#include "asm/assembler.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace smol::assembler::testing {

// Assembles `source` as file "test.s"; fails the test with the diagnostics if it does not assemble.
program assemble_ok(const std::string& source);
// Assembles `source` as "test.s", expecting errors; returns their texts.
std::vector<std::string> assemble_errors(const std::string& source);
std::vector<uint32_t> words(const program& p);

// A fresh directory under the test's temporary directory, removed by the destructor.
class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    const std::filesystem::path& path() const { return path_; }
    std::string write(const std::string& name, const std::string& text) const;  // returns the full path

private:
    std::filesystem::path path_;
};

}  // namespace smol::assembler::testing
