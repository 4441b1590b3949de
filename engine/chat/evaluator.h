#pragma once
// Walks the syntax tree and produces the rendered text. Scoping follows the reference: `for` opens a scope
// (so a `set` inside a loop is not visible after it), `if` does not.
#include "engine/chat/ast.h"
#include "engine/chat/value.h"

#include <string>
#include <string_view>
#include <unordered_map>

namespace smol::chat_detail {

class scope {
public:
    explicit scope(const scope* parent = nullptr) : parent_(parent) {}
    // Undefined when no enclosing scope has the name.
    value lookup(const std::string& name) const;
    void set(const std::string& name, value v) { vars_[name] = std::move(v); }

private:
    const scope* parent_;
    std::unordered_map<std::string, value> vars_;
};

// Renders `program` in `globals`; errors carry "chat_template:LINE:COL" of the failing node.
std::string render_program(std::string_view source, const stmt_list& program, scope& globals);

}  // namespace smol::chat_detail
