// smol: one command line for every layer of the chain.
#include "common/cpu_features.h"
#include "common/error.h"
#include "common/input_file.h"
#include "engine/src/kernels.h"
#include "tools/smol/cli_output.h"
#include "tools/smol/commands.h"

#include <cstdio>
#include <fmt/format.h>
#include <new>
#include <system_error>

int main(int argc, char** argv) {
    smol::remember_inputs();  // no output of a run may replace one of its inputs (common/output_file.h)
    CLI::App app{"smol32: SmolLM2 from PyTorch reference down to silicon"};
    app.name("smol");
    app.require_subcommand(1, 1);
    // The kernel tier SMOL_SIMD / the CPU select, so a bug report says which kernels ran.
    app.set_version_flag("--version", [] {
        std::string tier;
        try {
            tier = smol::simd_level_name(smol::active_simd());
            tier += fmt::format(", int8 activations {}", smol::kernels::int8_kernel_name());
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
#if SMOL_HAVE_RTL
    smol::cli::register_rtl(app);
#endif
    smol::cli::register_profile(app);
    smol::cli::register_bench(app);
    smol::cli::register_verify(app);
    smol::cli::register_serve(app);
    try {
        smol::cli::check_subcommand_name(app, argc, argv);
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Argument errors are errors like any other: the one prefix and exit status 1 (README).
        fmt::print(stderr, "smol: error: {}\n", e.what());
        return 1;
    } catch (const smol::error& e) {
        fmt::print(stderr, "smol: error: {}\n", e.what());
        return 1;
    } catch (const std::system_error& e) {  // fmt::print when a write to stdout fails
        fmt::print(stderr, "smol: error: {}\n", e.what());
        return 1;
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "smol: error: out of memory\n");
        return 1;
    }
    return smol::cli::finish_standard_output();
}
