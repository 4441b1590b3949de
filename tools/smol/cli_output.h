#pragma once
// What every subcommand shares at the edges of a run: the subcommand name, and standard output, whose write
// errors (a full disk, /dev/full, a closed pipe) must end the run with a message, never exit 0.
#include <CLI/CLI.hpp>

namespace smol::cli {

// `smol bogus`: names the unknown subcommand and lists the real ones (CLI11 would say "a subcommand is required").
void check_subcommand_name(const CLI::App& app, int argc, char** argv);

// Throws smol::error if anything written to stdout so far failed; streaming subcommands call it per chunk.
void check_standard_output();

// Flushes stdout at the end of a run: 0, or 1 after printing why the output was lost.
int finish_standard_output();

}  // namespace smol::cli
