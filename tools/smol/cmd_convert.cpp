// smol convert: an HF checkpoint directory to one smol32 model file (docs/model-format.md).
#include "common/error.h"
#include "common/output_file.h"
#include "model/src/model_loader.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

namespace smol::cli {

void register_convert(CLI::App& app) {
    struct options {
        std::string model, quant = "f32", out;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("convert", "convert an HF checkpoint to a smol32 model file");
    cmd->add_option("-m,--model", opts->model, "HF checkpoint directory")->required();
    cmd->add_option("--quant", opts->quant, "f32, q8 (per tensor), q8r (per row), q8_0 or q4_0 (32-weight blocks)")
        ->check(CLI::IsMember({"f32", "q8", "q8r", "q8_0", "q4_0"}));
    cmd->add_option("-o,--out", opts->out, "output model file")->required();
    cmd->callback([opts] {
        if (!is_hf_checkpoint_dir(opts->model))
            fail("{}: convert reads an HF checkpoint directory (config.json + model.safetensors)", opts->model);
        loaded_model model = load_model(opts->model, parse_quant_scheme(opts->quant));
        output_file out(opts->out);
        out.write(model.image());
        out.commit();
        fmt::print(stderr, "convert: {} -> {} ({}, {:.1f} MB)\n", opts->model, opts->out, opts->quant,
                   double(model.image().size()) / 1e6);
    });
}

}  // namespace smol::cli
