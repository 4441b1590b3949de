// smol generate: continue a prompt, given as text (-p) or as token ids (--ids).
#include "common/error.h"
#include "engine/src/generate.h"
#include "engine/tokenizer/utf8.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

namespace smol::cli {

void register_generate(CLI::App& app) {
    struct options {
        model_options model;
        engine_options cpu;
        backend_options backend;
        text_options text;
        sampling_options sampling;
        std::string prompt, ids;
        int32_t n_predict = 128;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("generate", "generate a continuation of a prompt");
    opts->model.add_to(*cmd);
    opts->cpu.add_to(*cmd);
    opts->backend.add_to(*cmd);
    opts->text.add_to(*cmd);
    opts->sampling.add_to(*cmd);
    auto* prompt = cmd->add_option("-p,--prompt", opts->prompt, "prompt text (streams text out)");
    auto* ids = cmd->add_option("--ids", opts->ids, "prompt token ids, comma-separated (prints ids out)");
    prompt->excludes(ids);
    cmd->add_option("-n,--n-predict", opts->n_predict, "maximum number of tokens to generate");
    cmd->callback([opts, prompt] {
        const bool text_mode = prompt->count() > 0;
        if (!text_mode && opts->ids.empty()) fail("give a prompt: -p TEXT or --ids 1,2,3");
        sampling_params sampling = opts->sampling.params();
        if (opts->n_predict < 0) fail("-n {} is out of range: expected >= 0", opts->n_predict);
        loaded_model model = opts->model.load();
        const model_config& c = model.config();
        std::optional<tokenizer> tok;
        if (text_mode) tok = opts->text.load_tokenizer(opts->model.path);
        std::vector<int32_t> prompt_ids = text_mode ? tok->encode(opts->prompt, opts->text.parse_special)
                                                    : parse_id_list(opts->ids, "--ids");
        auto backend =
            opts->backend.make(model, opts->model.context_for(c, int64_t(prompt_ids.size()) + opts->n_predict), opts->cpu);
        inference_backend& engine = *backend;
        sampler sampler(sampling);
        generation_request request{prompt_ids, 0, opts->n_predict, opts->sampling.stop_tokens(c, tok ? &*tok : nullptr)};
        utf8_stream text;
        bool first = true;
        generation_stats stats = generate(engine, request, sampler, [&](int32_t token) {
            if (text_mode) {
                fmt::print("{}", text.push(tok->generated_bytes(token)));
            } else {
                fmt::print("{}{}", first ? "" : ",", token);
            }
            first = false;
            std::fflush(stdout);
            return true;
        });
        fmt::print("{}\n", text.finish());
        print_generation_stats(stats, sampling.seed);
    });
}

}  // namespace smol::cli
