// smol convert: an HF checkpoint directory to one smol32 model file (docs/model-format.md) or a GGUF
// file (--to gguf, docs/gguf.md).
#include "common/error.h"
#include "common/output_file.h"
#include "model/src/gguf.h"
#include "model/src/gguf_writer.h"
#include "model/src/model_loader.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

namespace smol::cli {

void register_convert(CLI::App& app) {
    struct options {
        std::string model, quant, out, to = "smol";  // quant "": the default of the input
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("convert", "convert an HF checkpoint to a smol32 model file");
    cmd->add_option("-m,--model", opts->model, "HF checkpoint directory")->required();
    cmd->add_option("--to", opts->to, "output format: smol (the smol32 model file, default) or gguf")
        ->check(CLI::IsMember({"smol", "gguf"}));
    cmd->add_option("--quant", opts->quant,
                    "smol: f32, q8 (per tensor), q8r (per row), q8_0 or q4_0 (32-weight blocks); default f32, or for a "
                    "GGUF file of Q8_0 / Q4_0 weights its own scheme (docs/gguf.md); gguf: f32 (default), f16, bf16, "
                    "q8_0 or q4_0")
        ->check(CLI::IsMember({"f32", "q8", "q8r", "f16", "bf16", "q8_0", "q4_0"}));
    cmd->add_option("-o,--out", opts->out, "output model file")->required();
    cmd->callback([opts] {
        const bool gguf_in = opts->to == "smol" && has_gguf_magic(opts->model);
        if (!is_hf_checkpoint_dir(opts->model) && !gguf_in)
            fail("{}: convert reads an HF checkpoint directory (config.json + model.safetensors){}", opts->model,
                 opts->to == "smol" ? " or a GGUF file" : "");
        if (opts->to == "gguf") {
            const std::string quant = opts->quant.empty() ? "f32" : opts->quant;
            const std::vector<std::byte> bytes = hf_checkpoint_to_gguf(opts->model, parse_gguf_scheme(quant));
            output_file out(opts->out);
            out.write(bytes);
            out.commit();
            fmt::print(stderr, "convert: {} -> {} (GGUF, {}, {:.1f} MB)\n", opts->model, opts->out, quant,
                       double(bytes.size()) / 1e6);
            return;
        }
        std::optional<quant_scheme> scheme;
        if (!opts->quant.empty()) scheme = parse_quant_scheme(opts->quant);
        loaded_model model = load_model(opts->model, scheme);
        output_file out(opts->out);
        out.write(model.image());
        out.commit();
        fmt::print(stderr, "convert: {} -> {} ({}, {:.1f} MB)\n", opts->model, opts->out, quant_scheme_name(model.weights().quant),
                   double(model.image().size()) / 1e6);
    });
}

}  // namespace smol::cli
