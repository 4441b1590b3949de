// smol disasm: a flat SMOL-32 image back to assembly (docs/asm.md).
#include "asm/disasm.h"
#include "asm/output.h"
#include "common/error.h"
#include "tools/smol/commands.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>

namespace smol::cli {
namespace {

std::vector<uint8_t> read_image(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) fail("{}: is a directory, not an image", path);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail("{}: cannot open: {}", path, std::strerror(errno));
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

uint32_t parse_address(const std::string& text) {
    size_t used = 0;
    unsigned long long v = 0;
    try {
        v = std::stoull(text, &used, 0);
    } catch (const std::exception&) {
        used = 0;
    }
    if (text.empty() || used != text.size() || v > UINT32_MAX || text[0] == '-')
        fail("--base: '{}' is not an address (0..0xffffffff)", text);
    return uint32_t(v);
}

}  // namespace

void register_disasm(CLI::App& app) {
    struct options {
        std::string image, base, symbols;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("disasm", "disassemble a flat SMOL-32 image");
    cmd->add_option("image", opts->image, "flat image")->required();
    cmd->add_option("--base", opts->base, "address of the image's first byte (default: the map's, else 0)");
    cmd->add_option("--symbols", opts->symbols, "symbol map from smol asm --map (labels, and the base)");
    cmd->callback([opts] {
        std::vector<uint8_t> image = read_image(opts->image);
        std::vector<smol::assembler::map_symbol> symbols;
        std::optional<uint32_t> map_base;
        if (!opts->symbols.empty()) symbols = smol::assembler::read_map(opts->symbols, &map_base);
        uint32_t base = !opts->base.empty() ? parse_address(opts->base) : map_base.value_or(0);
        std::string text = smol::disasm::format_image(image, base, symbols);
        std::fwrite(text.data(), 1, text.size(), stdout);
    });
}

}  // namespace smol::cli
