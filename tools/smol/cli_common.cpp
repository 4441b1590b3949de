#include "tools/smol/cli_common.h"

#include "backends/src/registry.h"
#include "common/error.h"
#include "engine/src/cpu_features.h"
#include "engine/src/thread_pool.h"
#include "model/src/gguf_model.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fmt/format.h>
#include <random>

namespace smol::cli {

std::vector<int32_t> parse_id_list(const std::string& text, const char* flag) {
    std::vector<int32_t> ids;
    size_t start = 0;
    while (start <= text.size()) {
        size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string item = text.substr(start, comma - start);
        int64_t value = 0;
        auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || value < INT32_MIN || value > INT32_MAX)
            fail("{}: '{}' is not a token id (expected comma-separated integers, e.g. 1,2,3)", flag, item);
        ids.push_back(static_cast<int32_t>(value));
        start = comma + 1;
    }
    return ids;
}

void model_options::add_to(CLI::App& command) {
    command.add_option("-m,--model", path, "HF checkpoint directory, GGUF file or smol32 model file")->required();
    command.add_option("--quant", quant, "weights: f32, q8 (per tensor) or q8r (per row)")
        ->check(CLI::IsMember({"f32", "q8", "q8r"}));
    command.add_option("-c,--ctx-size", context_length, "KV-cache positions (default: the model's maximum)");
}

loaded_model model_options::load() const {
    std::optional<quant_scheme> scheme;
    if (!quant.empty()) scheme = parse_quant_scheme(quant);
    return load_model(path, scheme);
}

int32_t model_options::context_for(const model_config& config, int64_t needed) const {
    const int32_t maximum = config.max_position_embeddings;
    if (context_length != -1 && (context_length < 1 || context_length > maximum))
        fail("--ctx-size {} is out of range 1..{} (the model's max_position_embeddings)", context_length, maximum);
    const int32_t context = context_length == -1 ? maximum : context_length;
    if (needed > context)
        fail("the run needs {} positions but the context holds {}{}", needed, context,
             context_length == -1 ? "" : " (--ctx-size)");
    return context;
}

void engine_options::add_to(CLI::App& command) {
    command.add_option("-t,--threads", threads, "engine threads (default: every core)");
    command.add_flag("--no-simd", no_simd, "use the portable kernels, not the AVX2 ones (as SMOL_SIMD=portable)");
}

int32_t engine_options::thread_count() const {
    if (no_simd) force_portable_kernels(true);
    return threads ? check_thread_count(*threads, "-t/--threads") : default_thread_count();
}

void backend_options::add_to(CLI::App& command) {
    command.add_option("--backend", name, "engine (C++, default) or iss (the firmware on the SMOL-32 simulator)")
        ->check(CLI::IsMember(backend_names()));
}

std::unique_ptr<inference_backend> backend_options::make(const loaded_model& model, int32_t context,
                                                         const engine_options& cpu) const {
    smol::backend_options options;
    options.context = context;
    if (name == "engine") options.threads = cpu.thread_count();  // also applies --no-simd
    return make_backend(name, model, options);
}

int32_t check_thread_count(int64_t n, const char* flag) {
    if (n < 1 || n > thread_pool::max_threads) fail("{} {} is out of range 1..{}", flag, n, thread_pool::max_threads);
    return static_cast<int32_t>(n);
}

void text_options::add_to(CLI::App& command) {
    command.add_option("--tokenizer", tokenizer_path, "tokenizer.json or an HF directory (default: the model's)");
    command.add_flag("--parse-special", parse_special, "treat special-token text in the prompt as special tokens");
}

tokenizer text_options::load_tokenizer(const std::string& model_path) const {
    if (!tokenizer_path.empty()) return load_tokenizer_for_model(tokenizer_path);
    if (has_gguf_magic(model_path)) {  // a GGUF carries its tokenizer (tokenizer.ggml.*)
        const mapped_file file(model_path);
        return tokenizer::from_json(gguf_tokenizer_json(gguf_file::parse(file.bytes(), model_path)), model_path);
    }
    if (!is_hf_checkpoint_dir(model_path))
        fail("{}: a converted model file carries no tokenizer; pass --tokenizer with the HF directory", model_path);
    return load_tokenizer_for_model(model_path);
}

void sampling_options::add_to(CLI::App& command) {
    command.add_option("--temp", sampling.temperature, "temperature; 0 = greedy (default)");
    command.add_option("--top-k", sampling.top_k, "keep the k most probable tokens; 0 = off");
    command.add_option("--top-p", sampling.top_p, "nucleus: keep the smallest set with this probability; 1 = off");
    command.add_option("--seed", seed, "sampling seed (default: random, printed)");
    command.add_flag("--ignore-eos", ignore_eos, "do not stop at end-of-sequence tokens");
}

sampling_params sampling_options::params() const {
    sampling_params p = sampling;
    p.seed = seed ? *seed : std::random_device{}();
    p.validate();
    return p;
}

std::vector<int32_t> sampling_options::stop_tokens(const model_config& config, const tokenizer* tok) const {
    if (ignore_eos) return {};
    std::vector<int32_t> stops = config.eos_token_ids;
    if (tok)
        for (const char* text : {"<|im_end|>", "<|endoftext|>"})
            if (auto id = tok->find(text); id && std::find(stops.begin(), stops.end(), *id) == stops.end()) stops.push_back(*id);
    return stops;
}

void print_generation_stats(const generation_stats& stats, uint64_t seed) {
    std::fflush(stdout);  // the generated text ends before the stats when both go to one terminal or pipe
    fmt::print(stderr, "prompt: {} tokens, {:.1f} tok/s; generated: {} tokens, {:.1f} tok/s; stop: {}; seed {}\n",
               stats.prompt_tokens, stats.prompt_tokens / std::max(stats.prompt_seconds, 1e-9), stats.generated_tokens,
               stats.generated_tokens / std::max(stats.generate_seconds, 1e-9), stop_reason_name(stats.reason), seed);
}

}  // namespace smol::cli
