// smol generate: continue a prompt of token ids (text prompts come with the tokenizer).
#include "common/error.h"
#include "engine/src/generate.h"
#include "engine/src/transformer.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <chrono>
#include <fmt/format.h>
#include <random>

namespace smol::cli {

void register_generate(CLI::App& app) {
    struct options {
        model_options model;
        std::string ids;
        int32_t n_predict = 32;
        sampling_params sampling;
        std::optional<uint64_t> seed;
        bool ignore_eos = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("generate", "generate tokens from a prompt");
    opts->model.add_to(*cmd);
    cmd->add_option("--ids", opts->ids, "prompt token ids, comma-separated")->required();
    cmd->add_option("-n,--n-predict", opts->n_predict, "number of tokens to generate");
    cmd->add_option("--temp", opts->sampling.temperature, "temperature; 0 = greedy (default)");
    cmd->add_option("--top-k", opts->sampling.top_k, "keep the k most probable tokens; 0 = off");
    cmd->add_option("--top-p", opts->sampling.top_p, "nucleus: keep the smallest set with this probability; 1 = off");
    cmd->add_option("--seed", opts->seed, "sampling seed (default: random, printed)");
    cmd->add_flag("--ignore-eos", opts->ignore_eos, "do not stop at the model's end-of-sequence tokens");
    cmd->callback([opts] {
        sampling_params sampling = opts->sampling;
        sampling.seed = opts->seed ? *opts->seed : std::random_device{}();
        sampling.validate();
        if (opts->n_predict < 0) fail("-n {} is out of range: expected >= 0", opts->n_predict);
        std::vector<int32_t> prompt = parse_id_list(opts->ids, "--ids");
        loaded_model model = opts->model.load();
        const model_config& c = model.config();
        transformer engine(model.weights(), opts->model.context_for(c, int64_t(prompt.size()) + opts->n_predict));
        sampler sampler(sampling);
        generation_request request{prompt, 0, opts->n_predict, opts->ignore_eos ? std::vector<int32_t>{} : c.eos_token_ids};
        bool first = true;
        generation_stats stats = generate(engine, request, sampler, [&](int32_t token) {
            fmt::print("{}{}", first ? "" : ",", token);
            first = false;
            std::fflush(stdout);
        });
        fmt::print("\n");
        fmt::print(stderr, "prompt: {} tokens, {:.1f} tok/s; generated: {} tokens, {:.1f} tok/s; stop: {}; seed {}\n",
                   stats.prompt_tokens, stats.prompt_tokens / std::max(stats.prompt_seconds, 1e-9),
                   stats.generated_tokens, stats.generated_tokens / std::max(stats.generate_seconds, 1e-9),
                   stop_reason_name(stats.reason), sampling.seed);
    });
}

}  // namespace smol::cli
