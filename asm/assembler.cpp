#include "asm/assembler.h"

#include "asm/directives.h"
#include "asm/encode.h"
#include "asm/isa_view.h"
#include "asm/operands.h"
#include "asm/pseudo.h"
#include "asm/source.h"
#include "asm/symbols.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>

namespace smol::assembler {
namespace {

constexpr uint64_t address_space = uint64_t(1) << 32;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// What the first pass decided for one statement.
struct layout {
    uint64_t address = 0;
    uint64_t size = 0;
    size_t words = 0;        // machine instructions (pseudo-instructions may expand to several)
    bool failed = false;     // an error was reported; the second pass skips it
    std::string scope;       // enclosing global label, for '.name' locals
    std::vector<uint8_t> bytes;
    bool code = false;
};

class assembly {
public:
    assembly(const options& opts) : opts_(opts), diags_(opts.max_errors) {}

    result run(const std::string& path, const std::string* content) {
        result r;
        try {
            stmts_ = read_program(path, opts_.include_dirs, sources_, diags_, content);
            top_file_ = sources_.intern(path);
            lay_.resize(stmts_.size());
            first_pass();
            resolve_constants();
            bool layout_ok = check_layout();
            if (layout_ok) second_pass();
            mark_globals();
            if (diags_.empty() && layout_ok && emitted_ == 0)
                diags_.error({top_file_, 1, 1}, "empty program: no instructions or data", path);
            if (diags_.empty()) r.prog = build();
        } catch (const diagnostics::too_many&) {
        }
        r.errors = diags_.list();
        r.capped = diags_.capped();
        return r;
    }

private:
    // ---- symbol lookup, shared by both passes
    expr_value lookup(const token& t, size_t index, uint64_t address, bool final) {
        const statement& st = stmts_[index];
        if (t.kind == tok::local_ref) {
            if (auto a = symbols_.find_numeric(t.value, t.forward, index)) return {int64_t(*a), true};
            if (final) throw_at(st.at(t.col), "undefined local label", t.text);
            return {0, false};
        }
        if (t.text == ".") return {int64_t(address), true};
        if (parse_register(t.text))
            throw_at(st.at(t.col), "wrong operand kind: register where an expression was expected", t.text);
        symbol* s = symbols_.find(symbol_table::qualify(t.text, lay_[index].scope));
        if (!s) {
            if (final) throw_at(st.at(t.col), "undefined symbol", t.text);
            return {0, false};
        }
        if (final && !s->known) throw_at(st.at(t.col), "symbol has no value (circular definition)", t.text);
        return {s->value, s->known};
    }

    operand_eval evaluator(size_t index, uint64_t address, bool final) {
        return [this, index, address, final](const std::vector<token>& tokens, int col) {
            symbol_lookup l = [&](const token& t) { return lookup(t, index, address, final); };
            return eval_expr(tokens, l, stmts_[index].at(col), col);
        };
    }

    // ---- first pass: labels, sizes, constants
    void first_pass() {
        uint64_t address = 0;
        std::string scope;
        for (size_t i = 0; i < stmts_.size(); ++i) {
            const statement& st = stmts_[i];
            layout& l = lay_[i];
            l.address = address;
            try {
                define_labels(st, i, address, scope);
                l.scope = scope;
                if (st.has_op()) lay_out(st, i, l, address);
            } catch (const asm_error& e) {
                l.failed = true;
                l.size = 0;
                diags_.error(e);
            }
            address = l.address + l.size;
            if (address > address_space) {
                diags_.error(st.at(st.op.col), "location counter passes the end of the 32-bit address space",
                             st.op.text);
                l.failed = true;
                l.size = 0;
                address = l.address;
            }
        }
    }

    void define_labels(const statement& st, size_t index, uint64_t address, std::string& scope) {
        for (const token& label : st.labels) {
            if (address >= address_space)
                throw_at(st.at(label.col), "label past the end of the 32-bit address space", label.text);
            if (label.kind == tok::integer) {
                symbols_.define_numeric(label.value, index, uint32_t(address));
                continue;
            }
            if (parse_register(label.text)) throw_at(st.at(label.col), "a register name cannot be a label", label.text);
            bool local = label.text[0] == '.';
            if (!local) scope = label.text;
            symbol s;
            s.value = int64_t(address);
            s.known = true;
            s.is_label = true;
            s.defined_at = st.at(label.col);
            s.statement = index;
            symbols_.define(symbol_table::qualify(label.text, scope), s, label.text);
        }
    }

    void lay_out(const statement& st, size_t index, layout& l, uint64_t& address) {
        std::string name = lower(st.op.text);
        if (name[0] == '.') {
            if (name == ".equ" || name == ".set") return define_constant(st, index);
            if (name == ".global" || name == ".globl") return declare_globals(st);
            if (name == ".include") return;
            if (!is_data_directive(name)) throw_at(st.at(st.op.col), "unknown directive", st.op.text);
            directive_layout d = layout_directive(st, name, address, evaluator(index, address, false));
            if (d.new_address) l.address = *d.new_address;
            l.size = d.size;
            return;
        }
        if (address % 4 != 0)
            throw_at(st.at(st.op.col), fmt::format("instruction at unaligned address 0x{:x}", address), st.op.text);
        l.code = true;
        if (isa_view::get().find(name)) {
            l.words = 1;
        } else if (is_pseudo(name)) {
            expr_value v;
            if (is_load_immediate(name) && st.args.size() == 2) v = evaluator(index, address, false)(st.args[1], st.arg_cols[1]);
            l.words = pseudo_length(st, name, v);
        } else {
            throw_at(st.at(st.op.col), "unknown mnemonic", st.op.text);
        }
        l.size = 4 * l.words;
    }

    void define_constant(const statement& st, size_t index) {
        if (st.args.size() != 2 || st.args[0].size() != 1 || st.args[0][0].kind != tok::ident ||
            st.args[0][0].text == ".")
            throw_at(st.at(st.args.empty() ? st.op.col : st.arg_cols[0]),
                     fmt::format("{} takes a name and an expression", st.op.text),
                     st.args.empty() ? st.op.text : spell(st.args[0]));
        const token& name = st.args[0][0];
        if (parse_register(name.text)) throw_at(st.at(name.col), "a register name cannot be a symbol", name.text);
        expr_value v = evaluator(index, lay_[index].address, false)(st.args[1], st.arg_cols[1]);
        symbol s;
        s.value = v.value;
        s.known = v.known;
        s.defined_at = st.at(name.col);
        s.statement = index;
        symbols_.define(symbol_table::qualify(name.text, lay_[index].scope), s, name.text);
    }

    void declare_globals(const statement& st) {
        if (st.args.empty()) throw_at(st.at(st.op.col), ".global takes one or more names", st.op.text);
        for (size_t i = 0; i < st.args.size(); ++i) {
            if (st.args[i].size() != 1 || st.args[i][0].kind != tok::ident)
                throw_at(st.at(st.arg_cols[i]), "wrong operand kind: expected a symbol name", spell(st.args[i]));
            globals_.push_back({st.args[i][0], st.loc});
        }
    }

    // Constants that referred to later labels or constants: evaluate them now that every label is placed,
    // in dependency order (each waits for the unknown constants its expression names), so that resolution
    // is linear in the number of references however long a chain of forward references is.
    void resolve_constants() {
        std::unordered_map<std::string, std::vector<std::string>> dependents;
        std::unordered_map<std::string, size_t> waiting;
        std::vector<std::string> ready;
        for (const std::string& name : symbols_.constants()) {
            const symbol* s = symbols_.find(name);
            if (s->known) continue;
            const size_t i = s->statement;
            std::unordered_set<std::string> named;
            for (const token& t : stmts_[i].args[1]) {
                if (t.kind != tok::ident || t.text == ".") continue;
                std::string dep = symbol_table::qualify(t.text, lay_[i].scope);
                const symbol* d = symbols_.find(dep);
                if (!d || d->known || !named.insert(dep).second) continue;
                dependents[dep].push_back(name);
            }
            waiting[name] = named.size();
            if (named.empty()) ready.push_back(name);
        }
        while (!ready.empty()) {
            const std::string name = std::move(ready.back());
            ready.pop_back();
            symbol* s = symbols_.find(name);
            const size_t i = s->statement;
            try {
                expr_value v = evaluator(i, lay_[i].address, false)(stmts_[i].args[1], stmts_[i].arg_cols[1]);
                if (v.known) {
                    s->value = v.value;
                    s->known = true;
                }
            } catch (const asm_error&) {
            }
            if (!s->known) continue;  // the final pass below reports why
            for (const std::string& d : dependents[name])
                if (--waiting[d] == 0) ready.push_back(d);
        }
        for (const std::string& name : symbols_.constants()) {
            symbol* s = symbols_.find(name);
            if (s->known) continue;
            size_t i = s->statement;
            try {
                evaluator(i, lay_[i].address, true)(stmts_[i].args[1], stmts_[i].arg_cols[1]);
            } catch (const asm_error& e) {
                diags_.error(e);
                continue;
            }
        }
    }

    // No two statements may emit the same byte, and the image must fit in memory.
    bool check_layout() {
        std::vector<size_t> order;
        for (size_t i = 0; i < lay_.size(); ++i)
            if (!lay_[i].failed && lay_[i].size > 0) order.push_back(i);
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return lay_[a].address < lay_[b].address; });
        bool ok = true;
        for (size_t k = 1; k < order.size(); ++k) {
            const layout& prev = lay_[order[k - 1]];
            const layout& cur = lay_[order[k]];
            if (cur.address < prev.address + prev.size) {
                size_t later = std::max(order[k - 1], order[k]);
                const statement& st = stmts_[later];
                diags_.error(st.at(st.op.col),
                             fmt::format("overlaps bytes already placed at 0x{:08x}..0x{:08x}", prev.address,
                                         prev.address + prev.size - 1),
                             st.op.text);
                ok = false;
            }
        }
        if (!order.empty()) {
            uint64_t lo = lay_[order.front()].address, hi = 0;
            for (size_t i : order) hi = std::max(hi, lay_[i].address + lay_[i].size);
            if (hi - lo > opts_.max_image_bytes) {
                const statement& st = stmts_[order.back()];
                diags_.error(st.at(st.op.col),
                             fmt::format("image spans 0x{:x}..0x{:x} ({} bytes), more than the {} bytes of memory", lo,
                                         hi, hi - lo, opts_.max_image_bytes),
                             st.op.text);
                ok = false;
            }
        }
        return ok;
    }

    // ---- second pass: encode
    void second_pass() {
        for (size_t i = 0; i < stmts_.size(); ++i) {
            const statement& st = stmts_[i];
            layout& l = lay_[i];
            if (l.failed || !st.has_op() || (l.size == 0 && !l.code)) continue;
            try {
                l.bytes = l.code ? encode_statement(st, i, l) : emit(st, i, l);
                if (l.bytes.size() != l.size)
                    throw_at(st.at(st.op.col),
                             fmt::format("internal error: {} bytes in pass 2, {} in pass 1", l.bytes.size(), l.size),
                             st.op.text);
                emitted_ += l.size;
            } catch (const asm_error& e) {
                l.failed = true;
                diags_.error(e);
            }
        }
    }

    std::vector<uint8_t> emit(const statement& st, size_t index, const layout& l) {
        return emit_directive(st, lower(st.op.text), l.address, evaluator(index, l.address, true));
    }

    std::vector<uint8_t> encode_statement(const statement& st, size_t index, const layout& l) {
        std::string name = lower(st.op.text);
        std::vector<instruction_request> requests;
        if (const instruction_info* insn = isa_view::get().find(name)) {
            (void)insn;
            requests.push_back({st.op, st.args, st.arg_cols});
        } else {
            expr_value v;
            if (is_load_immediate(name)) v = evaluator(index, l.address, true)(st.args[1], st.arg_cols[1]);
            requests = expand_pseudo(st, name, v, l.words);
        }
        std::vector<uint8_t> out;
        uint64_t pc = l.address;
        for (const instruction_request& req : requests) {
            const instruction_info* insn = isa_view::get().find(lower(req.mnemonic.text));
            symbol_lookup lk = [&](const token& t) { return lookup(t, index, l.address, true); };
            uint32_t word = encode_instruction(*insn, req, uint32_t(pc), lk, st.loc);
            for (int k = 0; k < 4; ++k) out.push_back(uint8_t(word >> (8 * k)));
            pc += 4;
        }
        return out;
    }

    void mark_globals() {
        for (const auto& [name, loc] : globals_) {
            symbol* s = symbols_.find(name.text);
            if (!s) {
                diags_.error({loc.file, loc.line, name.col}, "undefined symbol in .global", name.text);
                continue;
            }
            s->global = true;
        }
    }

    program build() {
        program p;
        uint64_t lo = UINT64_MAX, hi = 0;
        for (const layout& l : lay_)
            if (l.size > 0) lo = std::min(lo, l.address), hi = std::max(hi, l.address + l.size);
        p.base = uint32_t(lo);
        p.image.assign(size_t(hi - lo), 0);
        for (size_t i = 0; i < stmts_.size(); ++i) {
            const layout& l = lay_[i];
            std::copy(l.bytes.begin(), l.bytes.end(), p.image.begin() + std::ptrdiff_t(l.address - lo));
            const statement& st = stmts_[i];
            p.listing.push_back({uint32_t(l.address), l.bytes, l.code, *st.loc.file, st.loc.line, st.text});
        }
        for (const auto& [name, s] : symbols_.all())
            if (s.is_label) p.symbols.push_back({uint32_t(s.value), name, s.global});
        std::sort(p.symbols.begin(), p.symbols.end(), [](const map_symbol& a, const map_symbol& b) {
            return a.address != b.address ? a.address < b.address : a.name < b.name;
        });
        return p;
    }

    const options& opts_;
    diagnostics diags_;
    source_set sources_;
    const std::string* top_file_ = nullptr;
    std::vector<statement> stmts_;
    std::vector<layout> lay_;
    symbol_table symbols_;
    std::vector<std::pair<token, source_loc>> globals_;
    uint64_t emitted_ = 0;
};

}  // namespace

result assemble_file(const std::string& path, const options& opts) { return assembly(opts).run(path, nullptr); }

result assemble_string(std::string_view source, const std::string& name, const options& opts) {
    std::string content(source);
    return assembly(opts).run(name, &content);
}

}  // namespace smol::assembler
