// smol disasm: a flat SMOL-32 image back to assembly (docs/asm.md).
#include "asm/disasm.h"
#include "asm/output.h"
#include "common/error.h"
#include "common/input_file.h"
#include "tools/smol/cli_numbers.h"
#include "tools/smol/commands.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

namespace smol::cli {
namespace {

// The whole 32-bit address space; an image cannot be larger.
constexpr size_t max_image_bytes = size_t{1} << 32;

std::vector<uint8_t> read_image(const std::string& path) {
    std::string bytes = read_input_file(path, max_image_bytes);
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

uint32_t word_at(const std::vector<uint8_t>& image, size_t off) {
    return uint32_t(image[off]) | uint32_t(image[off + 1]) << 8 | uint32_t(image[off + 2]) << 16 |
           uint32_t(image[off + 3]) << 24;
}

// Assembler source that rebuilds the image byte for byte: `.org` the base, a label line before each address
// that has one, then one instruction (or `.word` / `.byte`) per line with its address and bits as a comment.
// Labels from the map that fall outside the image, or inside a word, are listed as comments.
std::string format_source(const std::vector<uint8_t>& image, uint32_t base,
                          const std::vector<smol::assembler::map_symbol>& symbols, const std::string& path) {
    std::multimap<uint32_t, std::string> labels;
    std::string out = fmt::format("# smol disasm {}: {} bytes at {:#010x}\n", path, image.size(), base);
    for (const auto& s : symbols) {
        const uint64_t offset = uint64_t(s.address) - base;
        const bool placed = s.address >= base && offset < image.size() && (offset % 4 == 0 || offset >= image.size() / 4 * 4);
        if (placed) labels.emplace(s.address, s.name);
        else out += fmt::format("# label {} = {:#010x} (not at an instruction of this image)\n", s.name, s.address);
    }
    out += fmt::format("        .org    {:#010x}\n", base);
    auto put_labels = [&](uint32_t address) {
        auto [b, e] = labels.equal_range(address);
        for (auto it = b; it != e; ++it) out += fmt::format("{}:\n", it->second);
    };
    const size_t whole_words = image.size() / 4 * 4;
    for (size_t off = 0; off < whole_words; off += 4) {
        const uint32_t pc = uint32_t(base + off);
        const uint32_t bits = word_at(image, off);
        put_labels(pc);
        out += fmt::format("        {:<40} # {:08x}: {:08x}\n", smol::disasm::format_instruction(bits, pc), pc, bits);
    }
    for (size_t off = whole_words; off < image.size(); ++off) {
        const uint32_t address = uint32_t(base + off);
        put_labels(address);
        out += fmt::format("        {:<40} # {:08x}\n", fmt::format(".byte   0x{:02x}", image[off]), address);
    }
    return out;
}

}  // namespace

void register_disasm(CLI::App& app) {
    struct options {
        std::string image, base, symbols;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("disasm", "disassemble a flat SMOL-32 image into source that re-assembles to it");
    cmd->add_option("image", opts->image, "flat image")->required();
    cmd->add_option("--base", opts->base, "address of the image's first byte (default: the map's, else 0)");
    cmd->add_option("--symbols", opts->symbols, "symbol map from smol asm --map (labels, and the base)");
    cmd->callback([opts] {
        // Flags first: a bad --base is reported as such, whatever the files hold.
        std::optional<uint32_t> given_base;
        if (!opts->base.empty()) given_base = uint32_t(parse_unsigned_flag(opts->base, "--base", UINT32_MAX));
        std::vector<uint8_t> image = read_image(opts->image);
        std::vector<smol::assembler::map_symbol> symbols;
        std::optional<uint32_t> map_base;
        if (!opts->symbols.empty()) symbols = smol::assembler::read_map(opts->symbols, &map_base);
        const uint32_t base = given_base.value_or(map_base.value_or(0));
        if (uint64_t{base} + image.size() > uint64_t{1} << 32)
            fail("{}: {} bytes at --base {:#x} would end at {:#x}, past the 32-bit address space", opts->image,
                 image.size(), base, uint64_t{base} + image.size());
        std::string text = format_source(image, base, symbols, opts->image);
        std::fwrite(text.data(), 1, text.size(), stdout);
    });
}

}  // namespace smol::cli
