// smol: one command line for every layer of the chain.
#include "common/cpu_features.h"
#include "common/error.h"
#include "tools/smol/commands.h"

#include <cstdio>
#include <fmt/format.h>
#include <new>

int main(int argc, char** argv) {
    CLI::App app{"smol32: SmolLM2 from PyTorch reference down to silicon"};
    app.name("smol");
    app.require_subcommand(1, 1);
    // The kernel tier SMOL_SIMD / the CPU select, so a bug report says which kernels ran.
    app.set_version_flag("--version", [] {
        std::string tier;
        try {
            tier = smol::simd_level_name(smol::active_simd());
        } catch (const smol::error& e) {
            tier = fmt::format("none ({})", e.what());
        }
        return fmt::format("smol32 engine: kernels {} (best on this CPU: {}; CPU has: {})", tier,
                           smol::simd_level_name(smol::best_simd()), smol::cpu_feature_list());
    });
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
