// smol generate: continue a prompt, given as text (-p) or as token ids (--ids).
#include "common/error.h"
#include "engine/src/generate.h"
#include "engine/tokenizer/utf8.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/cli_output.h"
#include "tools/smol/commands.h"

#include <fmt/format.h>

namespace smol::cli {

void register_generate(CLI::App& app) {
    struct options {
        generation_options gen;
        std::string prompt, ids;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("generate", "generate a continuation of a prompt");
    opts->gen.add_to(*cmd, 128, 0, "maximum number of tokens to generate", true);
    auto* prompt = cmd->add_option("-p,--prompt", opts->prompt, "prompt text (streams text out)");
    auto* ids = cmd->add_option("--ids", opts->ids, "prompt token ids, comma-separated (prints ids out)");
    prompt->excludes(ids);
    cmd->callback([opts, prompt] {
        const bool text_mode = prompt->count() > 0;
        if (!text_mode && opts->ids.empty()) fail("give a prompt: -p TEXT or --ids 1,2,3");
        sampling_params sampling = opts->gen.sampling.params();
        loaded_model model = opts->gen.model.load();
        const model_config& c = model.config();
        std::optional<tokenizer> tok;
        if (text_mode) tok = opts->gen.text.load_tokenizer(opts->gen.model.path, c);
        std::vector<int32_t> prompt_ids = text_mode ? tok->encode(opts->prompt, opts->gen.text.parse_special)
                                                    : parse_id_list(opts->ids, "--ids");
        auto backend =
            opts->gen.backend.make(model, opts->gen.model.context_for(c, int64_t(prompt_ids.size()) + opts->gen.n_predict), opts->gen.cpu);
        inference_backend& engine = *backend;
        sampler sampler(sampling);
        generation_request request{prompt_ids, 0, opts->gen.n_predict, opts->gen.sampling.stop_tokens(c, tok ? &*tok : nullptr)};
        utf8_stream text;
        bool first = true;
        generation_stats stats = generate(engine, request, sampler, [&](int32_t token) {
            if (text_mode) {
                fmt::print("{}", text.push(tok->generated_bytes(token)));
            } else {
                fmt::print("{}{}", first ? "" : ",", token);
            }
            first = false;
            check_standard_output();
            return true;
        });
        fmt::print("{}\n", text.finish());
        print_generation_stats(stats, sampling.seed);
    });
}

}  // namespace smol::cli
