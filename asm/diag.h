#pragma once
// Assembler diagnostics: every error names file:line:col and quotes the offending token.
// Errors are collected (not thrown to the caller) so one run reports several; past a cap it stops.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace smol::assembler {

struct source_loc {
    const std::string* file = nullptr;  // owned by the source_set of the run
    int line = 0;                       // 1-based
    int col = 0;                        // 1-based byte column
};

// Thrown while handling one statement; the driver records it and moves to the next statement.
class asm_error : public std::runtime_error {
public:
    asm_error(source_loc loc, std::string message, std::string token)
        : std::runtime_error(message), loc_(loc), token_(std::move(token)) {}
    const source_loc& loc() const { return loc_; }
    const std::string& token() const { return token_; }

private:
    source_loc loc_;
    std::string token_;
};

[[noreturn]] inline void throw_at(source_loc loc, std::string message, std::string token) {
    throw asm_error(loc, std::move(message), std::move(token));
}

struct diagnostic {
    std::string file;
    int line = 0;
    int col = 0;
    std::string message;
    std::string token;
    std::string text() const;  // "file:line:col: error: message 'token'"
};

class diagnostics {
public:
    static constexpr size_t default_cap = 20;
    explicit diagnostics(size_t cap = default_cap) : cap_(cap) {}

    // Records an error; throws too_many once the cap is reached (the run stops there).
    void error(source_loc loc, std::string message, std::string token);
    void error(const asm_error& e) { error(e.loc(), e.what(), e.token()); }
    bool empty() const { return list_.empty(); }
    size_t count() const { return list_.size(); }
    const std::vector<diagnostic>& list() const { return list_; }
    bool capped() const { return capped_; }

    struct too_many {};

private:
    size_t cap_;
    bool capped_ = false;
    std::vector<diagnostic> list_;
};

}  // namespace smol::assembler
