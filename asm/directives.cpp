#include "asm/directives.h"

#include "asm/operands.h"

#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>

namespace smol::assembler {
namespace {

constexpr uint64_t max_alignment = 1u << 16;

int width_of(const std::string& name) {
    if (name == ".word" || name == ".float") return 4;
    if (name == ".half") return 2;
    return 1;  // .byte
}

void require_args(const statement& st, size_t min, size_t max, const char* usage) {
    size_t n = st.args.size();
    if (n >= min && n <= max) return;
    std::string message = fmt::format("wrong number of operands: {} takes {}", st.op.text, usage);
    if (n > max) throw_at(st.at(st.arg_cols[max]), message, spell(st.args[max]));
    throw_at(st.at(st.op.col), message, st.op.text);
}

// A size-determining operand: must be known in the first pass.
int64_t known_value(const statement& st, size_t i, const operand_eval& eval, const char* what) {
    expr_value v = eval(st.args[i], st.arg_cols[i]);
    if (!v.known)
        throw_at(st.at(st.arg_cols[i]), fmt::format("{} must not refer to symbols defined later", what),
                 spell(st.args[i]));
    return v.value;
}

uint64_t align_padding(const statement& st, uint64_t address, const operand_eval& eval) {
    require_args(st, 1, 1, "an alignment in bytes");
    int64_t a = known_value(st, 0, eval, ".align");
    if (a < 1 || uint64_t(a) > max_alignment || !std::has_single_bit(uint64_t(a)))
        throw_at(st.at(st.arg_cols[0]), fmt::format("alignment must be a power of two from 1 to {}", max_alignment),
                 spell(st.args[0]));
    return (uint64_t(a) - address % uint64_t(a)) % uint64_t(a);
}

uint64_t string_size(const statement& st, bool terminated) {
    require_args(st, 1, SIZE_MAX, "one or more strings");
    uint64_t size = 0;
    for (size_t i = 0; i < st.args.size(); ++i) {
        if (st.args[i].size() != 1 || st.args[i][0].kind != tok::string)
            throw_at(st.at(st.arg_cols[i]), "wrong operand kind: expected a string", spell(st.args[i]));
        size += st.args[i][0].str.size() + (terminated ? 1 : 0);
    }
    return size;
}

void put_le(std::vector<uint8_t>& out, uint64_t v, int width) {
    for (int k = 0; k < width; ++k) out.push_back(uint8_t(v >> (8 * k)));
}

// True when the digits of a literal's significand are not all zero ("1e-50" yes, "0.0e5" no).
bool nonzero_significand(std::string_view text) {
    const bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (hex) text.remove_prefix(2);
    for (char c : text) {
        if (hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E')) break;
        if (std::isxdigit(static_cast<unsigned char>(c)) && c != '0') return true;
    }
    return false;
}

// .float operand: [+|-] (integer | floating | inf | nan). A non-zero number too small for binary32 (it
// would round to zero) is an error like one too large; subnormal results are representable and kept.
float float_operand(const statement& st, size_t i) {
    const std::vector<token>& t = st.args[i];
    size_t k = 0;
    bool negative = false;
    if (!t.empty() && (t[0].is_punct("-") || t[0].is_punct("+"))) negative = t[k++].text == "-";
    double v = 0;
    bool ok = t.size() == k + 1;
    if (ok) {
        const token& x = t[k];
        if (x.kind == tok::floating) v = x.fvalue;
        else if (x.kind == tok::integer) v = double(x.value);
        else if (x.kind == tok::ident && (x.text == "inf" || x.text == "INF")) v = std::numeric_limits<double>::infinity();
        else if (x.kind == tok::ident && (x.text == "nan" || x.text == "NAN")) v = std::numeric_limits<double>::quiet_NaN();
        else ok = false;
    }
    if (!ok) throw_at(st.at(st.arg_cols[i]), "wrong operand kind: expected a floating-point number", spell(t));
    float f = float(negative ? -v : v);
    if (std::isinf(f) && !std::isinf(v))
        throw_at(st.at(st.arg_cols[i]), "floating-point number does not fit in 32 bits", spell(t));
    if (f == 0.0f && t[k].kind == tok::floating && nonzero_significand(t[k].text))
        throw_at(st.at(st.arg_cols[i]),
                 "floating-point number is too small for 32 bits (it would round to zero; the smallest is 1.4e-45)",
                 spell(t));
    return f;
}

}  // namespace

bool is_data_directive(const std::string& n) {
    return n == ".org" || n == ".align" || n == ".word" || n == ".half" || n == ".byte" || n == ".float" ||
           n == ".space" || n == ".ascii" || n == ".asciz" || n == ".string";
}

directive_layout layout_directive(const statement& st, const std::string& name, uint64_t address,
                                  const operand_eval& eval) {
    directive_layout out;
    if (name == ".org") {
        require_args(st, 1, 1, "an address");
        int64_t a = known_value(st, 0, eval, ".org");
        if (a < 0 || a > int64_t(UINT32_MAX))
            throw_at(st.at(st.arg_cols[0]), "address outside the 32-bit address space", spell(st.args[0]));
        out.new_address = uint64_t(a);
    } else if (name == ".align") {
        out.size = align_padding(st, address, eval);
    } else if (name == ".space") {
        require_args(st, 1, 2, "a size and an optional fill byte");
        int64_t n = known_value(st, 0, eval, ".space");
        if (n < 0 || n > int64_t(UINT32_MAX))
            throw_at(st.at(st.arg_cols[0]), fmt::format(".space size {} out of range", n), spell(st.args[0]));
        out.size = uint64_t(n);
    } else if (name == ".ascii" || name == ".asciz" || name == ".string") {
        out.size = string_size(st, name != ".ascii");
    } else {  // .word .half .byte .float
        require_args(st, 1, SIZE_MAX, "one or more values");
        out.size = uint64_t(width_of(name)) * st.args.size();
    }
    return out;
}

std::vector<uint8_t> emit_directive(const statement& st, const std::string& name, uint64_t address,
                                    const operand_eval& eval) {
    std::vector<uint8_t> out;
    if (name == ".org") return out;
    if (name == ".align") {
        out.assign(align_padding(st, address, eval), 0);
    } else if (name == ".space") {
        int64_t n = known_value(st, 0, eval, ".space");
        int64_t fill = 0;
        if (st.args.size() == 2) {
            fill = eval(st.args[1], st.arg_cols[1]).value;
            if (fill < -128 || fill > 255)
                throw_at(st.at(st.arg_cols[1]), "fill byte does not fit in 8 bits", spell(st.args[1]));
        }
        out.assign(size_t(n), uint8_t(fill));
    } else if (name == ".ascii" || name == ".asciz" || name == ".string") {
        for (const auto& arg : st.args) {
            out.insert(out.end(), arg[0].str.begin(), arg[0].str.end());
            if (name != ".ascii") out.push_back(0);
        }
    } else if (name == ".float") {
        for (size_t i = 0; i < st.args.size(); ++i) put_le(out, std::bit_cast<uint32_t>(float_operand(st, i)), 4);
    } else {
        int width = width_of(name);
        int64_t lo = -(int64_t(1) << (8 * width - 1)), hi = (int64_t(1) << (8 * width)) - 1;
        for (size_t i = 0; i < st.args.size(); ++i) {
            int64_t v = eval(st.args[i], st.arg_cols[i]).value;
            if (v < lo || v > hi)
                throw_at(st.at(st.arg_cols[i]),
                         fmt::format("value does not fit: {} is outside {} range {}..{}", v, name, lo, hi),
                         spell(st.args[i]));
            put_le(out, uint64_t(v), width);
        }
    }
    return out;
}

}  // namespace smol::assembler
