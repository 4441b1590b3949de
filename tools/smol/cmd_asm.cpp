// smol asm: SMOL-32 assembly to a flat image, a symbol map and a listing (docs/asm.md).
#include "asm/assembler.h"
#include "asm/output.h"
#include "common/error.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

namespace smol::cli {

void register_asm(CLI::App& app) {
    struct options {
        std::string source, out, map, listing;
        std::vector<std::string> include_dirs;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("asm", "assemble SMOL-32 assembly into a flat image");
    cmd->add_option("source", opts->source, "assembly source file")->required();
    cmd->add_option("-o,--out", opts->out, "output image (flat binary from the lowest address)")->required();
    cmd->add_option("--map", opts->map, "write the symbol map here");
    cmd->add_option("--listing", opts->listing, "write the listing here");
    cmd->add_option("-I", opts->include_dirs, "directory searched by .include (after the including file's)");
    cmd->callback([opts] {
        smol::assembler::options o;
        o.include_dirs = opts->include_dirs;
        smol::assembler::result r =
            smol::assembler::assemble_to_files(opts->source, o, opts->out, opts->map, opts->listing);
        if (!r.ok()) {
            for (const auto& d : r.errors) fmt::print(stderr, "{}\n", d.text());
            if (r.capped) fmt::print(stderr, "{}: too many errors, stopped\n", opts->source);
            fail("{}: {} error{}, nothing written", opts->source, r.errors.size(), r.errors.size() == 1 ? "" : "s");
        }
        fmt::print(stderr, "asm: {} -> {} ({} bytes at 0x{:08x}, {} symbols)\n", opts->source, opts->out,
                   r.prog.image.size(), r.prog.base, r.prog.symbols.size());
    });
}

}  // namespace smol::cli
