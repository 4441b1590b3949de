#include "asm/output.h"

#include "common/error.h"
#include "common/input_file.h"
#include "common/output_file.h"

#include <charconv>
#include <fmt/format.h>
#include <fstream>
#include <memory>
#include <sstream>

namespace smol::assembler {

std::string format_map(const program& p) {
    std::string out = "# smol asm symbol map: address name [global]\n";
    out += fmt::format("# image base 0x{:08x} size {} (file offset = address - base)\n", p.base, p.image.size());
    for (const map_symbol& s : p.symbols) out += fmt::format("0x{:08x} {}{}\n", s.address, s.name, s.global ? " global" : "");
    return out;
}

std::string format_listing(const program& p) {
    std::string out;
    for (const listing_entry& e : p.listing) {
        std::string first;
        size_t shown = 0;
        if (e.code && e.bytes.size() >= 4) {
            uint32_t w = uint32_t(e.bytes[0]) | uint32_t(e.bytes[1]) << 8 | uint32_t(e.bytes[2]) << 16 | uint32_t(e.bytes[3]) << 24;
            first = fmt::format("{:08x}", w);
            shown = 4;
        } else {
            for (; shown < e.bytes.size() && shown < 4; ++shown) first += fmt::format("{:02x}", e.bytes[shown]);
        }
        std::string address = e.bytes.empty() ? std::string(8, ' ') : fmt::format("{:08x}", e.address);
        out += fmt::format("{} {:<8}  {:>5}  {}\n", address, first, e.line, e.text);
        // Further words of a multi-word line (li, .word lists), one per line; long data is elided.
        size_t step = 4, lines = 0;
        for (size_t k = shown; k < e.bytes.size(); k += step, ++lines) {
            if (lines == 8) {
                out += fmt::format("{:08x} ... ({} more bytes)\n", e.address + k, e.bytes.size() - k);
                break;
            }
            std::string chunk;
            if (e.code && k + 4 <= e.bytes.size()) {
                uint32_t w = uint32_t(e.bytes[k]) | uint32_t(e.bytes[k + 1]) << 8 | uint32_t(e.bytes[k + 2]) << 16 |
                             uint32_t(e.bytes[k + 3]) << 24;
                chunk = fmt::format("{:08x}", w);
            } else {
                for (size_t j = k; j < e.bytes.size() && j < k + 4; ++j) chunk += fmt::format("{:02x}", e.bytes[j]);
            }
            out += fmt::format("{:08x} {}\n", e.address + k, chunk);
        }
    }
    return out;
}

namespace {

// "0x0000abcd" (the prefix optional) -> value; false unless the whole text is a 32-bit hex number.
bool parse_hex(std::string_view text, uint32_t& value) {
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) text.remove_prefix(2);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
    return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

// A map has one short line per symbol; this is far past any program's.
constexpr size_t max_map_bytes = size_t{64} << 20;

std::vector<map_symbol> read_map(const std::string& path, std::optional<uint32_t>* base) {
    std::istringstream in(read_input_file(path, max_map_bytes));
    std::vector<map_symbol> out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream fields(line);
        std::string address, name, flag, extra;
        if (!(fields >> address)) continue;
        if (address[0] == '#') {
            std::string word, value;
            uint32_t b = 0;
            if (base && fields >> word >> value && word == "image" && value == "base" && fields >> value &&
                parse_hex(value, b))
                *base = b;
            continue;
        }
        fields >> name >> flag >> extra;
        uint32_t a = 0;
        if (!parse_hex(address, a) || name.empty() || !(flag.empty() || flag == "global") || !extra.empty())
            fail("{}:{}: malformed symbol map line '{}'", path, number, line);
        out.push_back({a, name, flag == "global"});
    }
    return out;
}

void write_outputs(const program& p, const std::string& image_path, const std::string& map_path,
                   const std::string& listing_path) {
    std::vector<std::unique_ptr<output_file>> files;
    auto add = [&](const std::string& path, const std::string& text) {
        if (path.empty()) return;
        files.push_back(std::make_unique<output_file>(path));
        files.back()->write(text.data(), text.size());
    };
    if (!image_path.empty()) {
        files.push_back(std::make_unique<output_file>(image_path));
        files.back()->write(p.image.data(), p.image.size());
    }
    add(map_path, format_map(p));
    add(listing_path, format_listing(p));
    // All or nothing (docs/asm.md): every output is checked when opened and finished before any is renamed.
    for (auto& f : files) f->finish();
    for (auto& f : files) f->publish();
}

result assemble_to_files(const std::string& source, const options& opts, const std::string& image_path,
                         const std::string& map_path, const std::string& listing_path) {
    result r = assemble_file(source, opts);
    if (r.ok()) write_outputs(r.prog, image_path, map_path, listing_path);
    return r;
}

}  // namespace smol::assembler
