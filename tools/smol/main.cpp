// smol: one command line for every layer of the chain.
#include "common/error.h"
#include "tools/smol/commands.h"

#include <cstdio>
#include <fmt/format.h>
#include <new>

int main(int argc, char** argv) {
    CLI::App app{"smol32: SmolLM2 from PyTorch reference down to silicon"};
    app.name("smol");
    app.require_subcommand(1, 1);
    smol::cli::register_make_model(app);
    smol::cli::register_convert(app);
    smol::cli::register_logits(app);
    smol::cli::register_generate(app);
    smol::cli::register_chat(app);
    smol::cli::register_quant_report(app);
    smol::cli::register_tokenize(app);
    smol::cli::register_detokenize(app);
    smol::cli::register_asm(app);
    smol::cli::register_disasm(app);
    smol::cli::register_iss(app);
    smol::cli::register_profile(app);
    smol::cli::register_bench(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const smol::error& e) {
        fmt::print(stderr, "smol: error: {}\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "smol: error: out of memory\n");
        return 1;
    }
    return 0;
}
