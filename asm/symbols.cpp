#include "asm/symbols.h"

#include <algorithm>
#include <fmt/format.h>

namespace smol::assembler {

std::string symbol_table::qualify(const std::string& name, const std::string& scope) {
    if (name.size() > 1 && name[0] == '.') return scope + name;
    return name;
}

symbol& symbol_table::define(const std::string& name, const symbol& s, const std::string& spelling) {
    auto [it, inserted] = map_.try_emplace(name, s);
    if (!inserted) {
        const symbol& old = it->second;
        throw_at(s.defined_at,
                 fmt::format("duplicate symbol (first defined at {}:{}:{})", old.defined_at.file ? *old.defined_at.file : "",
                             old.defined_at.line, old.defined_at.col),
                 spelling);
    }
    if (!s.is_label) constants_.push_back(name);
    return it->second;
}

symbol* symbol_table::find(const std::string& name) {
    auto it = map_.find(name);
    return it == map_.end() ? nullptr : &it->second;
}

void symbol_table::define_numeric(int64_t number, size_t statement, uint32_t address) {
    numeric_[number].emplace_back(statement, address);
}

std::optional<uint32_t> symbol_table::find_numeric(int64_t number, bool forward, size_t statement) const {
    auto it = numeric_.find(number);
    if (it == numeric_.end()) return std::nullopt;
    const auto& defs = it->second;
    // First definition strictly after `statement`.
    auto after = std::upper_bound(defs.begin(), defs.end(), statement,
                                  [](size_t s, const std::pair<size_t, uint32_t>& d) { return s < d.first; });
    if (forward) {
        if (after == defs.end()) return std::nullopt;
        return after->second;
    }
    if (after == defs.begin()) return std::nullopt;
    return std::prev(after)->second;
}

}  // namespace smol::assembler
