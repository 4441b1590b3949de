// smol logits: float32 logits [n_tokens, vocab] for a prompt of ids, as .npy.
#include "common/error.h"
#include "common/npy.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

namespace smol::cli {

void register_logits(CLI::App& app) {
    struct options {
        model_options model;
        engine_options cpu;
        backend_options backend;
        std::string ids, out;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("logits", "write the logits of every prompt position to a .npy file");
    opts->model.add_to(*cmd);
    opts->cpu.add_to(*cmd);
    opts->backend.add_to(*cmd);
    cmd->add_option("--ids", opts->ids, "prompt token ids, comma-separated")->required();
    cmd->add_option("-o,--out", opts->out, "output .npy file")->required();
    cmd->callback([opts] {
        std::vector<int32_t> ids = parse_id_list(opts->ids, "--ids");
        loaded_model model = opts->model.load();
        const model_config& c = model.config();
        auto backend = opts->backend.make(model, opts->model.context_for(c, int64_t(ids.size())), opts->cpu);
        inference_backend& engine = *backend;
        std::vector<float> logits(ids.size() * size_t(c.vocab_size));
        engine.eval(ids, 0, logits, true);
        const size_t shape[2] = {ids.size(), size_t(c.vocab_size)};
        npy_write_f32(opts->out, logits, shape);
    });
}

}  // namespace smol::cli
