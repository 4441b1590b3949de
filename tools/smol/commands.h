#pragma once
// Each subcommand registers itself on the `smol` app; its callback throws smol::error on failure.
#include <CLI/CLI.hpp>

namespace smol::cli {

void register_make_model(CLI::App& app);
void register_convert(CLI::App& app);
void register_logits(CLI::App& app);
void register_generate(CLI::App& app);
void register_chat(CLI::App& app);
void register_quant_report(CLI::App& app);
void register_tokenize(CLI::App& app);
void register_detokenize(CLI::App& app);
void register_asm(CLI::App& app);
void register_disasm(CLI::App& app);
void register_iss(CLI::App& app);
#if SMOL_HAVE_RTL
void register_rtl(CLI::App& app);  // the Verilated core: not in the sanitizer build
#endif
void register_profile(CLI::App& app);
void register_bench(CLI::App& app);
void register_verify(CLI::App& app);
void register_serve(CLI::App& app);

}  // namespace smol::cli
