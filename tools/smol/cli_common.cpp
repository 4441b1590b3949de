#include "tools/smol/cli_common.h"

#include "backends/src/registry.h"
#include "firmware/src/firmware_backend.h"
#include "common/error.h"
#include "common/cpu_features.h"
#include "engine/src/thread_pool.h"
#include "model/src/gguf_model.h"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cstdio>
#include <fmt/format.h>
#include <filesystem>
#include <random>

namespace smol::cli {

std::vector<int32_t> parse_int32_list(const std::string& text, const char* flag, int32_t min, int32_t max) {
    std::vector<int32_t> out;
    for (int64_t v : parse_integer_list(text, flag, min, max)) out.push_back(int32_t(v));
    return out;
}

std::vector<int32_t> parse_id_list(const std::string& text, const char* flag) {
    return parse_int32_list(text, flag, INT32_MIN, INT32_MAX);
}

void model_options::add_to(CLI::App& command) {
    command.add_option("-m,--model", path, "HF checkpoint directory, GGUF file or smol32 model file")->required();
    command.add_option("--quant", quant, "weights: f32, q8 (per tensor), q8r (per row), q8_0 or q4_0 (32-weight blocks)")
        ->check(CLI::IsMember({"f32", "q8", "q8r", "q8_0", "q4_0"}));
    add_integer_flag(command, "-c,--ctx-size", context_length, 1, INT32_MAX, "KV-cache positions (default: the model's maximum)");
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

void simd_options::add_to(CLI::App& command) {
    command.add_option("--simd", tier, "kernel tier: portable, avx2, avx512 or amx (default: SMOL_SIMD, else the best the CPU has)")
        ->check(CLI::IsMember({"portable", "avx2", "avx512", "amx"}));
    command.add_flag("--no-simd", no_simd, "use the portable kernels (as --simd portable)");
}

void simd_options::apply() const {
    if (no_simd && !tier.empty() && tier != "portable") fail("--no-simd contradicts --simd {}", tier);
    if (no_simd) set_simd(simd_level::portable);
    else if (!tier.empty()) set_simd(*parse_simd_level(tier));
    active_simd();  // an invalid SMOL_SIMD is an error here, before any thread starts
}

void engine_options::add_to(CLI::App& command) {
    add_integer_flag(command, "-t,--threads", threads, 1, thread_pool::max_threads, "engine threads (default: every core)");
    simd.add_to(command);
    command.add_option("--act", act, "engine activations in products with quantized weights: f32 (exact, default) or int8 "
                                     "(blocks of 32 with a float32 scale, as llama.cpp's Q8_0 dot products)")
        ->check(CLI::IsMember({"f32", "int8"}));
}

activation_numerics engine_options::activations() const { return *parse_activation_numerics(act); }

int32_t engine_options::thread_count() const {
    simd.apply();
    return threads ? int32_t(*threads) : default_thread_count();
}

void backend_options::add_to(CLI::App& command, bool firmware_only) {
    std::vector<std::string> names = backend_names();
    if (firmware_only) std::erase_if(names, [](const std::string& n) { return n != "iss" && n != "rtl"; });
    command.add_option("--backend", name,
                       firmware_only ? "iss (the firmware on the SMOL-32 simulator, default) or rtl (on the Verilated core)"
                                     : "engine (C++, default), iss (the firmware on the SMOL-32 simulator) or rtl (on "
                                       "the Verilated core)")
        ->check(CLI::IsMember(names));
    command.add_option("--latency", latency, "rtl: memory read latency in cycles, 1..1000000 (default 20)");
    command.add_option("--bandwidth", bandwidth, "rtl: memory bandwidth in bytes per cycle, 1..16 (default 16)");
    command.add_option("--max-cycles", max_cycles, "rtl: cycles one forward pass may take (default 2^36)");
}

void backend_options::apply_rtl(smol::backend_options& options) const {
    for (auto [flag, text] : {std::pair{"--latency", &latency}, {"--bandwidth", &bandwidth}, {"--max-cycles", &max_cycles}})
        if (!text->empty() && name != "rtl") fail("{} applies to --backend rtl only (the back end is {})", flag, name);
    if (!latency.empty()) options.rtl_latency = uint32_t(parse_integer_flag(latency, "--latency", 1, 1'000'000));
    if (!bandwidth.empty()) options.rtl_bandwidth = uint32_t(parse_integer_flag(bandwidth, "--bandwidth", 1, 16));
    if (!max_cycles.empty()) options.rtl_max_cycles = parse_unsigned_flag(max_cycles, "--max-cycles", UINT64_MAX, true);
    if (!max_cycles.empty() && options.rtl_max_cycles == 0) fail("--max-cycles must be at least 1 (got '{}')", max_cycles);
}

std::unique_ptr<inference_backend> backend_options::make(const loaded_model& model, int32_t context,
                                                         const engine_options& cpu) const {
    smol::backend_options options;
    options.context = context;
    apply_rtl(options);
    if (name == "engine") options.threads = cpu.thread_count();  // also applies --no-simd
    options.act = cpu.activations();
    return make_backend(name, model, options);
}

chat_template load_model_chat_template(const std::string& model_path, const text_options& text) {
    if (text.tokenizer_path.empty() && has_gguf_magic(model_path)) {  // tokenizer.chat_template
        const mapped_file file(model_path);
        const gguf_chat_template t = gguf_chat_template_of(gguf_file::parse(file.bytes(), model_path));
        chat_template tmpl = chat_template::parse(t.source);
        tmpl.set_special_tokens(t.bos_token, t.eos_token);
        return tmpl;
    }
    const std::string dir = !text.tokenizer_path.empty() ? text.tokenizer_path : model_path;
    const std::string config = std::filesystem::is_directory(dir) ? dir + "/tokenizer_config.json"
                                                                   : std::filesystem::path(dir).parent_path().string() + "/tokenizer_config.json";
    return load_chat_template(config);
}

void add_parse_special_flag(CLI::App& command, bool& parse_special) {
    command.add_flag("--parse-special,!--no-parse-special", parse_special,
                     "special-token text such as <|im_start|> in the prompt becomes those tokens (default, as HF "
                     "tokenizers and llama.cpp); --no-parse-special keeps it plain text");
}

void text_options::add_to(CLI::App& command, bool raw_prompt) {
    command.add_option("--tokenizer", tokenizer_path, "tokenizer.json or an HF directory (default: the model's)");
    if (raw_prompt) add_parse_special_flag(command, parse_special);
}

tokenizer text_options::load_tokenizer(const std::string& model_path, const model_config& config) const {
    if (tokenizer_path.empty() && has_gguf_magic(model_path)) {  // a GGUF carries its tokenizer (tokenizer.ggml.*)
        const mapped_file file(model_path);
        return tokenizer::from_json(gguf_tokenizer_json(gguf_file::parse(file.bytes(), model_path)), model_path);
    }
    if (tokenizer_path.empty() && !is_hf_checkpoint_dir(model_path))
        fail("{}: a converted model file carries no tokenizer; pass --tokenizer with the HF directory", model_path);
    const std::string& source = tokenizer_path.empty() ? model_path : tokenizer_path;
    tokenizer tok = load_tokenizer_for_model(source);
    // One behaviour for every subcommand, said before anything is generated: as HF's decode, ids past the
    // tokenizer (a padded embedding, or another model's tokenizer) have no text; they are still generated.
    if (tok.size() < config.vocab_size)
        fmt::print(stderr, "note: {}: the tokenizer has {} tokens but the model's vocabulary has {}; ids {}..{} have no text\n",
                   escape_message(source), tok.size(), config.vocab_size, tok.size(), config.vocab_size - 1);
    return tok;
}

void sampling_options::add_to(CLI::App& command) {
    add_real_flag(command, "--temp", sampling.temperature, 0.0, FLT_MAX, false, "temperature; 0 = greedy (default)");
    add_integer_flag(command, "--top-k", sampling.top_k, 0, INT32_MAX, "keep the k most probable tokens; 0 = off");
    add_real_flag(command, "--top-p", sampling.top_p, 0.0, 1.0, true,
                  "nucleus: keep the smallest set with this probability; 1 = off");
    add_unsigned_flag(command, "--seed", seed, UINT64_MAX, "sampling seed, 0..2^64-1 (default: random, printed)");
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

void generation_options::add_to(CLI::App& command, int32_t default_n_predict, int32_t min_n_predict,
                                const std::string& n_predict_help, bool raw_prompt) {
    n_predict = default_n_predict;
    model.add_to(command);
    cpu.add_to(command);
    backend.add_to(command);
    text.add_to(command, raw_prompt);
    sampling.add_to(command);
    add_integer_flag(command, "-n,--n-predict", n_predict, min_n_predict, INT32_MAX,
                     fmt::format("{} (default {})", n_predict_help, default_n_predict));
}

void print_generation_stats(const generation_stats& stats, uint64_t seed) {
    std::fflush(stdout);  // the generated text ends before the stats when both go to one terminal or pipe
    fmt::print(stderr, "prompt: {} tokens, {:.1f} tok/s; generated: {} tokens, {:.1f} tok/s; stop: {}; seed {}\n",
               stats.prompt_tokens, stats.prompt_tokens / std::max(stats.prompt_seconds, 1e-9), stats.generated_tokens,
               stats.generated_tokens / std::max(stats.generate_seconds, 1e-9), stop_reason_name(stats.reason), seed);
}

}  // namespace smol::cli
