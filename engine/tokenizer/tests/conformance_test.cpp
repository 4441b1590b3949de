// Compares our tokenizer with HF `tokenizers` on every line of an oracle file made by
// tools/conformance_oracle.mjs: ids (special tokens parsed and not), decoded text, decoded text without
// specials. All must be identical; prints the mismatch count and the first mismatches with escaped input.
// The same format serves other oracles (llama.cpp's tokenizer, model/tests/oracle), named by ORACLE; a line
// without "text" and "skip" compares ids only (llama.cpp's GPT-2 detokenizer cleans up spaces as HF's does not).
//   tokenizer_conformance tokenizer.json oracle.jsonl [ORACLE (default HF)]
#include "common/error.h"
#include "common/strict_json.h"
#include "engine/tokenizer/tokenizer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <fstream>
#include <string>
#include <vector>

namespace {

std::string from_hex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += char(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

std::string escaped(const std::string& bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7F && c != '\\') {
            out += char(c);
        } else {
            out += fmt::format("\\x{:02x}", c);
        }
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 && argc != 4) {
        fmt::print(stderr, "usage: {} tokenizer.json oracle.jsonl [ORACLE]\n", argv[0]);
        return 2;
    }
    const std::string oracle = argc == 4 ? argv[3] : "HF";
    try {
        const smol::tokenizer tok = smol::tokenizer::load(argv[1]);
        std::ifstream in(argv[2]);
        if (!in) smol::fail("{}: cannot open", argv[2]);
        size_t total = 0, mismatches = 0, decoded = 0;
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const nlohmann::json expect = smol::parse_strict_json(line, argv[2]);
            const std::string input = from_hex(expect["hex"].get<std::string>());
            const auto ids = expect["ids"].get<std::vector<int32_t>>();
            const auto plain = expect["plain"].get<std::vector<int32_t>>();
            const bool has_text = expect.contains("text") || expect.contains("skip");
            const auto text = has_text ? expect["text"].get<std::string>() : std::string();
            const auto skip = has_text ? expect["skip"].get<std::string>() : std::string();
            ++total;
            decoded += has_text;
            const std::vector<int32_t> got = tok.encode(input, true);
            const std::vector<int32_t> got_plain = tok.encode(input, false);
            const std::string got_text = has_text ? tok.decode(ids, false) : text;
            const std::string got_skip = has_text ? tok.decode(ids, true) : skip;
            if (got == ids && got_plain == plain && got_text == text && got_skip == skip) continue;
            if (++mismatches <= 12) {
                fmt::print("mismatch #{} on \"{}\"\n", mismatches, escaped(input));
                if (got != ids) fmt::print("  ids:   {} {}\n         us {}\n", oracle, ids, got);
                if (got_plain != plain) fmt::print("  plain: {} {}\n         us {}\n", oracle, plain, got_plain);
                if (got_text != text) fmt::print("  text:  {} \"{}\"\n         us \"{}\"\n", oracle, escaped(text), escaped(got_text));
                if (got_skip != skip) fmt::print("  skip:  {} \"{}\"\n         us \"{}\"\n", oracle, escaped(skip), escaped(got_skip));
            }
        }
        fmt::print("{}: {} strings ({} also decoded), {} mismatches ({})\n", argv[1], total, decoded, mismatches,
                   mismatches == 0 ? "100% identical to " + oracle : std::string("FAIL"));
        if (total < 20000) {
            fmt::print("too few strings: {} < 20000\n", total);
            return 1;
        }
        return mismatches == 0 ? 0 : 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 1;
    }
}
