#include "asm/source.h"

#include "common/error.h"
#include "common/input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

namespace smol::assembler {
namespace fs = std::filesystem;

const std::string* source_set::intern(std::string name) {
    names_.push_back(std::move(name));
    return &names_.back();
}

statement parse_statement(std::vector<token> tokens, source_loc line_loc, std::string text) {
    statement st;
    st.loc = line_loc;
    st.loc.col = 1;
    st.text = std::move(text);
    st.end_col = tokens.back().col;
    size_t i = 0;
    while (i + 1 < tokens.size() && (tokens[i].kind == tok::ident || tokens[i].kind == tok::integer) &&
           tokens[i + 1].is_punct(":")) {
        if (tokens[i].kind == tok::ident && tokens[i].text == ".")
            throw_at(st.at(tokens[i].col), "'.' cannot be a label", tokens[i].text);
        st.labels.push_back(tokens[i]);
        i += 2;
    }
    if (tokens[i].kind == tok::end) return st;
    if (tokens[i].kind != tok::ident || tokens[i].text == ".")
        throw_at(st.at(tokens[i].col), "expected a label, instruction or directive", tokens[i].text);
    st.op = tokens[i++];
    if (tokens[i].kind == tok::end) return st;
    int depth = 0;
    std::vector<token> current;
    int current_col = tokens[i].col;
    for (; i < tokens.size(); ++i) {
        const token& t = tokens[i];
        bool split = t.kind == tok::end || (depth == 0 && t.is_punct(","));
        if (split) {
            if (current.empty())
                throw_at(st.at(t.col), "missing operand", t.kind == tok::end ? std::string(",") : t.text);
            st.args.push_back(std::move(current));
            st.arg_cols.push_back(current_col);
            current.clear();
            if (t.kind != tok::end) current_col = tokens[i + 1].col;
            continue;
        }
        if (t.is_punct("(")) ++depth;
        if (t.is_punct(")")) --depth;
        current.push_back(t);
    }
    return st;
}

namespace {

constexpr uintmax_t max_source_bytes = 64u << 20;
constexpr size_t max_include_depth = 64;

class reader {
public:
    reader(const std::vector<std::string>& dirs, source_set& sources, diagnostics& diags)
        : dirs_(dirs), sources_(sources), diags_(diags) {}

    std::vector<statement> out;

    // `from` is where the file was asked for (the .include line, or the command line).
    void read_file(const std::string& path, source_loc from, const std::string& spelling,
                   const std::string* content = nullptr) {
        std::string text = content ? *content : load(path, from, spelling);
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(path, ec);
        if (ec) canonical = fs::absolute(path);
        stack_.push_back(canonical);
        const std::string* name = sources_.intern(path);
        std::istringstream lines(text);
        std::string line;
        int number = 0;
        while (std::getline(lines, line)) {
            ++number;
            source_loc loc{name, number, 1};
            try {
                statement st = parse_statement(lex_line(line, loc), loc, line);
                bool is_include = st.has_op() && st.op.text == ".include";
                out.push_back(std::move(st));
                if (is_include) include(out.back(), path);
            } catch (const asm_error& e) {
                diags_.error(e);
            }
        }
        stack_.pop_back();
    }

private:
    std::string load(const std::string& path, source_loc from, const std::string& spelling) {
        std::error_code ec;
        fs::file_status status = fs::status(path, ec);
        if (!fs::exists(status)) throw_at(from, "no such file", spelling);
        if (fs::is_directory(status)) throw_at(from, "is a directory, not a source file", spelling);
        uintmax_t size = fs::file_size(path, ec);
        if (!ec && size > max_source_bytes)
            throw_at(from, fmt::format("source file too large ({} bytes, limit {})", size, max_source_bytes), spelling);
        // One reader for every input (common/input_file.h): FIFOs and devices are refused without blocking.
        try {
            return read_input_file(path, max_source_bytes);
        } catch (const smol::error& e) {
            std::string_view message = e.what();
            if (message.starts_with(path + ": ")) message.remove_prefix(path.size() + 2);
            throw_at(from, std::string(message), spelling);
        }
    }

    void include(const statement& st, const std::string& including) {
        if (st.args.size() != 1 || st.args[0].size() != 1 || st.args[0][0].kind != tok::string)
            throw_at(st.at(st.args.empty() ? st.op.col : st.arg_cols[0]), ".include takes one \"file name\"",
                     st.args.empty() ? st.op.text : st.args[0][0].text);
        const token& name = st.args[0][0];
        source_loc at = st.at(name.col);
        std::string path = resolve(name.str, including);
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(path, ec);
        if (ec) canonical = fs::absolute(path);
        for (const fs::path& open : stack_)
            if (open == canonical) throw_at(at, "include cycle: file is already being included", name.text);
        if (stack_.size() >= max_include_depth) throw_at(at, "includes nested too deeply", name.text);
        read_file(path, at, name.text);
    }

    std::string resolve(const std::string& name, const std::string& including) const {
        fs::path p(name);
        if (p.is_absolute()) return name;
        fs::path beside = fs::path(including).parent_path() / p;
        if (fs::exists(beside)) return beside.string();
        for (const std::string& dir : dirs_) {
            fs::path candidate = fs::path(dir) / p;
            if (fs::exists(candidate)) return candidate.string();
        }
        return beside.string();  // reported as missing, under the name the author meant
    }

    const std::vector<std::string>& dirs_;
    source_set& sources_;
    diagnostics& diags_;
    std::vector<fs::path> stack_;
};

}  // namespace

std::vector<statement> read_program(const std::string& path, const std::vector<std::string>& include_dirs,
                                    source_set& sources, diagnostics& diags, const std::string* content) {
    reader r(include_dirs, sources, diags);
    source_loc from{sources.intern(path), 1, 1};
    try {
        r.read_file(path, from, path, content);
    } catch (const asm_error& e) {
        diags.error(e);
    }
    return std::move(r.out);
}

}  // namespace smol::assembler
