// smol make-model: a deterministic HF checkpoint directory with random weights.
#include "common/error.h"
#include "engine/src/make_model.h"
#include "tools/smol/cli_numbers.h"
#include "tools/smol/commands.h"

#include <chrono>
#include <fmt/format.h>

namespace smol::cli {

void register_make_model(CLI::App& app) {
    struct options {
        std::string preset;
        uint64_t seed = 1;
        std::string out;
    };
    auto opts = std::make_shared<options>();
    std::string names;
    for (const auto& n : make_model_preset_names()) names += (names.empty() ? "" : ", ") + n;
    auto* cmd = app.add_subcommand("make-model", "write a deterministic HF checkpoint with random weights");
    cmd->add_option("--preset", opts->preset, "geometry: " + names)->required();
    add_unsigned_flag(*cmd, "--seed", opts->seed, UINT64_MAX, "random seed, 0..2^64-1 (same seed, same bytes; default 1)");
    cmd->add_option("--out", opts->out, "output directory (created; must be empty)")->required();
    cmd->callback([opts] {
        model_config config = make_model_preset(opts->preset);
        auto start = std::chrono::steady_clock::now();
        make_model(config, opts->seed, opts->out);  // checks --out before anything is said about it
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        fmt::print(stderr, "make-model: {} ({:.1f}M parameters, seed {}) -> {} in {:.2f} s\n", opts->preset,
                   double(config.parameter_count()) / 1e6, opts->seed, opts->out, seconds);
    });
}

}  // namespace smol::cli
