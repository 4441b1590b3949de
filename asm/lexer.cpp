#include "asm/lexer.h"

#include <cerrno>
#include <cstdlib>
#include <fmt/format.h>

namespace smol::assembler {
namespace {

bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '$';
}
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

class line_lexer {
public:
    line_lexer(std::string_view line, source_loc at) : s_(line), at_(at) {}

    std::vector<token> run() {
        std::vector<token> out;
        while (true) {
            while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
            if (i_ >= s_.size() || s_[i_] == '#' || s_.substr(i_, 2) == "//") break;
            out.push_back(next());
        }
        token end;
        end.kind = tok::end;
        end.col = int(s_.size()) + 1;
        out.push_back(end);
        return out;
    }

private:
    [[noreturn]] void error(size_t start, const std::string& message, std::string_view spelling) {
        source_loc loc = at_;
        loc.col = int(start) + 1;
        throw_at(loc, message, std::string(spelling));
    }

    token make(tok kind, size_t start) {
        token t;
        t.kind = kind;
        t.col = int(start) + 1;
        t.text = std::string(s_.substr(start, i_ - start));
        return t;
    }

    token next() {
        size_t start = i_;
        char c = s_[i_];
        if (is_digit(c)) return number(start);
        if (is_ident_start(c)) {
            while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
            return make(tok::ident, start);
        }
        if (c == '"') return string(start);
        if (c == '\'') return character(start);
        static const char* const two[] = {"<<", ">>"};
        for (const char* p : two)
            if (s_.substr(i_, 2) == p) {
                i_ += 2;
                return make(tok::punct, start);
            }
        if (std::string_view(",():+-*/%&|^~!").find(c) != std::string_view::npos) {
            ++i_;
            return make(tok::punct, start);
        }
        error(start, "unexpected character", s_.substr(start, 1));
    }

    token number(size_t start) {
        // Local label references: digits followed by b or f and no further name character.
        size_t j = start;
        while (j < s_.size() && is_digit(s_[j])) ++j;
        if (j < s_.size() && (s_[j] == 'b' || s_[j] == 'f') && (j + 1 >= s_.size() || !is_ident_char(s_[j + 1]))) {
            i_ = j + 1;
            token t = make(tok::local_ref, start);
            t.value = parse_digits(start, j, 10, start);
            t.forward = s_[j] == 'f';
            return t;
        }
        // Floating literal: digits '.' digits [exponent], or digits exponent.
        size_t k = j;
        bool is_float = false;
        if (k < s_.size() && s_[k] == '.' && k + 1 < s_.size() && is_digit(s_[k + 1])) {
            is_float = true;
            ++k;
            while (k < s_.size() && is_digit(s_[k])) ++k;
        }
        if (k < s_.size() && (s_[k] == 'e' || s_[k] == 'E')) {
            size_t e = k + 1;
            if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) ++e;
            if (e < s_.size() && is_digit(s_[e])) {
                is_float = true;
                k = e;
                while (k < s_.size() && is_digit(s_[k])) ++k;
            }
        }
        if (is_float) {
            i_ = k;
            if (i_ < s_.size() && is_ident_char(s_[i_])) {
                while (i_ < s_.size() && is_ident_char(s_[i_])) ++i_;
                error(start, "malformed number", s_.substr(start, i_ - start));
            }
            token t = make(tok::floating, start);
            t.fvalue = std::strtod(t.text.c_str(), nullptr);
            return t;
        }
        int base = 10;
        size_t digits = start;
        if (s_[start] == '0' && start + 1 < s_.size()) {
            char p = char(s_[start + 1] | 32);
            if (p == 'x') base = 16, digits = start + 2;
            else if (p == 'b') base = 2, digits = start + 2;
            else if (p == 'o') base = 8, digits = start + 2;
        }
        i_ = digits;
        while (i_ < s_.size() && (is_ident_char(s_[i_]))) ++i_;
        std::string_view spelling = s_.substr(start, i_ - start);
        if (i_ == digits) error(start, "malformed number", spelling);
        token t = make(tok::integer, start);
        t.value = parse_digits(digits, i_, base, start);
        return t;
    }

    // Digits in [from, to); errors quote the whole literal from `start`.
    int64_t parse_digits(size_t from, size_t to, int base, size_t start) {
        uint64_t v = 0;
        for (size_t k = from; k < to; ++k) {
            char c = s_[k];
            if (c == '_') continue;
            int d = digit_value(c);
            if (d >= base) error(start, "malformed number", s_.substr(start, to - start));
            if (v > (uint64_t(INT64_MAX) - uint64_t(d)) / uint64_t(base))
                error(start, "number too large", s_.substr(start, to - start));
            v = v * uint64_t(base) + uint64_t(d);
        }
        return int64_t(v);
    }

    // One character of a string or character literal, escapes decoded; i_ points at it.
    char escaped_char(size_t start, char quote) {
        char c = s_[i_++];
        if (c != '\\') return c;
        if (i_ >= s_.size()) error(start, quote == '"' ? "unterminated string" : "unterminated character",
                                   s_.substr(start));
        char e = s_[i_++];
        switch (e) {
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case '0': return '\0';
            case '\\': return '\\';
            case '"': return '"';
            case '\'': return '\'';
            case 'x': {
                int v = 0, n = 0;
                while (n < 2 && i_ < s_.size() && digit_value(s_[i_]) < 16) v = v * 16 + digit_value(s_[i_++]), ++n;
                if (n == 0) error(i_ - 2, "bad escape", s_.substr(i_ - 2, 2));
                return char(v);
            }
            default: error(i_ - 2, "bad escape", s_.substr(i_ - 2, 2));
        }
    }

    token string(size_t start) {
        ++i_;
        std::string decoded;
        while (true) {
            if (i_ >= s_.size()) error(start, "unterminated string", s_.substr(start));
            if (s_[i_] == '"') break;
            decoded.push_back(escaped_char(start, '"'));
        }
        ++i_;
        token t = make(tok::string, start);
        t.str = std::move(decoded);
        return t;
    }

    token character(size_t start) {
        ++i_;
        if (i_ >= s_.size() || s_[i_] == '\'') error(start, "bad character literal", s_.substr(start, i_ - start + 1));
        char c = escaped_char(start, '\'');
        if (i_ >= s_.size() || s_[i_] != '\'') error(start, "unterminated character", s_.substr(start, i_ - start));
        ++i_;
        token t = make(tok::integer, start);
        t.value = static_cast<unsigned char>(c);
        return t;
    }

    std::string_view s_;
    source_loc at_;
    size_t i_ = 0;
};

}  // namespace

std::vector<token> lex_line(std::string_view line, source_loc at) { return line_lexer(line, at).run(); }

}  // namespace smol::assembler
