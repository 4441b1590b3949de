// smol quant-report: how far each quantized scheme's logits are from float32's on the same prompt.
#include "common/error.h"
#include "engine/src/sampler.h"
#include "engine/src/transformer.h"
#include "tools/smol/cli_common.h"
#include "tools/smol/commands.h"

#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace smol::cli {

namespace {

std::vector<float> all_logits(const std::string& path, quant_scheme scheme, const std::vector<int32_t>& ids) {
    loaded_model model = load_model(path, scheme);
    if (int64_t(ids.size()) > model.config().max_position_embeddings)
        fail("--ids: {} tokens are more than the model's context of {} positions", ids.size(),
             model.config().max_position_embeddings);
    transformer engine(model.weights(), int32_t(ids.size()));
    std::vector<float> logits(ids.size() * size_t(model.config().vocab_size));
    engine.eval(ids, 0, logits, true);
    return logits;
}

struct quality {
    double max_abs = 0.0, mean_abs = 0.0, max_logit = 0.0;
    int32_t top1_agree = 0;
};

quality compare(const std::vector<float>& reference, const std::vector<float>& test, size_t vocab) {
    quality q;
    const size_t positions = reference.size() / vocab;
    for (size_t i = 0; i < reference.size(); ++i) {
        double d = std::fabs(double(reference[i]) - test[i]);
        q.max_abs = std::max(q.max_abs, d);
        q.mean_abs += d;
        q.max_logit = std::max(q.max_logit, std::fabs(double(reference[i])));
    }
    q.mean_abs /= double(reference.size());
    for (size_t p = 0; p < positions; ++p) {
        std::span<const float> a(reference.data() + p * vocab, vocab), b(test.data() + p * vocab, vocab);
        q.top1_agree += sampler::argmax(a) == sampler::argmax(b);
    }
    return q;
}

}  // namespace

void register_quant_report(CLI::App& app) {
    struct options {
        std::string model, ids;
        int32_t n_tokens = 32;
        uint64_t seed = 1;
        bool json = false;
    };
    auto opts = std::make_shared<options>();
    auto* cmd = app.add_subcommand("quant-report", "quantized (q8, q8r, q8_0, q4_0) vs float32 logits on one prompt");
    cmd->add_option("-m,--model", opts->model, "HF checkpoint directory")->required();
    cmd->add_option("--ids", opts->ids, "prompt token ids (default: --n-tokens random ids)");
    add_integer_flag(*cmd, "--n-tokens", opts->n_tokens, 1, INT32_MAX,
                     "length of the random prompt (default 32; at most the model's context)");
    add_unsigned_flag(*cmd, "--seed", opts->seed, UINT64_MAX, "seed of the random prompt (default 1)");
    cmd->add_flag("--json", opts->json, "print JSON");
    cmd->callback([opts] {
        if (!is_hf_checkpoint_dir(opts->model)) fail("{}: quant-report reads an HF checkpoint directory", opts->model);
        std::vector<int32_t> ids;
        if (!opts->ids.empty()) {
            ids = parse_id_list(opts->ids, "--ids");
        } else {
            const model_config config = load_model(opts->model, quant_scheme::q8).config();
            // Checked before the prompt is drawn: the logits of every position are held three times over.
            if (opts->n_tokens > config.max_position_embeddings)
                fail("--n-tokens {} is more than the model's context of {} positions", opts->n_tokens,
                     config.max_position_embeddings);
            const int32_t vocab = config.vocab_size;
            random_generator rng(opts->seed);
            for (int32_t i = 0; i < opts->n_tokens; ++i) ids.push_back(int32_t(rng.next() % uint64_t(vocab)));
        }
        const std::vector<float> reference = all_logits(opts->model, quant_scheme::f32, ids);
        const size_t vocab = reference.size() / ids.size();
        nlohmann::json report = {{"model", opts->model}, {"positions", ids.size()}};
        if (!opts->json) fmt::print("{:<6} {:>12} {:>12} {:>12} {:>10}\n", "scheme", "max|dlogit|", "mean|dlogit|", "max|logit|", "top-1");
        for (quant_scheme scheme : {quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0, quant_scheme::q4_0}) {
            quality q = compare(reference, all_logits(opts->model, scheme, ids), vocab);
            const char* name = quant_scheme_name(scheme);
            report[name] = {{"max_abs_diff", q.max_abs}, {"mean_abs_diff", q.mean_abs},
                            {"max_abs_logit", q.max_logit}, {"top1_agreement", q.top1_agree}};
            if (!opts->json)
                fmt::print("{:<6} {:>12.4g} {:>12.4g} {:>12.4g} {:>5}/{:<4}\n", name, q.max_abs, q.mean_abs, q.max_logit,
                           q.top1_agree, ids.size());
        }
        if (opts->json) fmt::print("{}\n", report.dump(2));
    });
}

}  // namespace smol::cli
