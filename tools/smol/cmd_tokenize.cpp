// smol tokenize / detokenize: text (any bytes) <-> token ids with a model's tokenizer.json.
#include "common/error.h"
#include "common/input_file.h"
#include "engine/tokenizer/tokenizer.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace smol::cli {
namespace {

// Tokenizing is linear, but the ids of more than this would not be useful and /dev/zero never ends.
constexpr size_t max_text_bytes = size_t{256} << 20;

std::string read_input(const std::string& path) {
    return path == "-" ? read_standard_input(max_text_bytes) : read_input_file(path, max_text_bytes);
}

// Raw token bytes as a C-style literal body: printable ASCII as is, the rest escaped.
std::string escape_bytes(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += char(c);
        } else if (c >= 0x20 && c < 0x7F) {
            out += char(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    return out;
}

void write_stdout(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size())
        fail("writing standard output: {}", std::strerror(errno));
}

}  // namespace

void register_tokenize(CLI::App& app) {
    struct options {
        std::string model, text, file;
        bool json = false, parse_special = true;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("tokenize", "print the token ids and pieces of a text");
    cmd->add_option("-m,--model", opts->model, "HF model directory (with tokenizer.json)")->required();
    cmd->add_flag("--json", opts->json, "print {\"ids\": [...], \"pieces\": [...]}");
    add_parse_special_flag(*cmd, opts->parse_special);
    auto* text = cmd->add_option("text", opts->text, "the text to tokenize");
    auto* file = cmd->add_option("-f,--file", opts->file, "read the raw bytes to tokenize from a file (- for stdin)");
    text->excludes(file);
    cmd->callback([opts, text, file] {
        if (text->count() == 0 && file->count() == 0) fail("give a TEXT or -f FILE");
        const tokenizer tok = load_tokenizer_for_model(opts->model);
        const std::string input = file->count() ? read_input(opts->file) : opts->text;
        const std::vector<int32_t> ids = tok.encode(input, opts->parse_special);
        if (opts->json) {
            nlohmann::json pieces = nlohmann::json::array();
            for (int32_t id : ids) pieces.push_back(tok.token_text(id));
            write_stdout(nlohmann::json{{"ids", ids}, {"pieces", pieces}}.dump() + "\n");
            return;
        }
        std::string out;
        for (int32_t id : ids)
            out += fmt::format("{}\t{}\t\"{}\"\n", id, tok.token_text(id), escape_bytes(tok.token_bytes(id)));
        write_stdout(out);
    });
}

void register_detokenize(CLI::App& app) {
    struct options {
        std::string model, ids;
        bool skip_special = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("detokenize", "print the text of token ids");
    cmd->add_option("-m,--model", opts->model, "HF model directory (with tokenizer.json)")->required();
    cmd->add_option("--ids", opts->ids, "token ids, comma-separated")->required();
    cmd->add_flag("--skip-special", opts->skip_special, "leave special tokens out");
    cmd->callback([opts] {
        const tokenizer tok = load_tokenizer_for_model(opts->model);
        const std::vector<int32_t> ids = opts->ids.empty() ? std::vector<int32_t>{} : parse_id_list(opts->ids, "--ids");
        write_stdout(tok.decode(ids, opts->skip_special) + "\n");
    });
}

}  // namespace smol::cli
