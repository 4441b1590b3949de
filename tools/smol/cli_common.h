#pragma once
// Options and parsing shared by the subcommands that run a model.
#include "backends/src/registry.h"
#include "engine/chat/chat_template.h"
#include "engine/src/activation_quant.h"
#include "engine/src/generate.h"
#include "model/src/model_loader.h"
#include "engine/src/sampler.h"
#include "engine/tokenizer/tokenizer.h"
#include "tools/smol/cli_numbers.h"

#include <CLI/CLI.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smol::cli {

// "1,2,3" -> {1, 2, 3}; throws smol::error naming the bad item (ids are range-checked by the model).
std::vector<int32_t> parse_id_list(const std::string& text, const char* flag);
// The same for any comma-separated list of integers in min..max.
std::vector<int32_t> parse_int32_list(const std::string& text, const char* flag, int32_t min, int32_t max);

struct model_options {
    std::string path;
    std::string quant;            // empty: the file's own scheme, or f32 for an HF directory
    int32_t context_length = -1;  // -1: max_position_embeddings

    void add_to(CLI::App& command);
    loaded_model load() const;
    // The KV-cache length for a run that needs `needed` positions: refuses one that cannot fit, naming both.
    int32_t context_for(const model_config& config, int64_t needed) const;
};

// --simd portable|avx2|avx512|amx (and --no-simd, the same as --simd portable): the kernel tier for the rest of
// the process, as SMOL_SIMD (common/cpu_features.h). Refused, naming what the CPU lacks, where it cannot run.
struct simd_options {
    std::string tier;
    bool no_simd = false;

    void add_to(CLI::App& command);
    void apply() const;
};

// How the C++ engine runs: threads and kernels.
struct engine_options {
    std::optional<int64_t> threads;  // none: every core
    simd_options simd;
    std::string act = "f32";  // --act: activation numerics (engine/src/activation_quant.h)

    void add_to(CLI::App& command);
    int32_t thread_count() const;  // validated (-t 1..256), after applying --simd
    activation_numerics activations() const;
};

// --backend engine|iss|rtl: where the forward pass runs (the C++ engine, or the firmware on the ISS,
// docs/firmware.md, or on the RTL core, docs/rtl.md). One helper, so logits, generate and chat offer the same
// choice. The RTL core's memory model and cycle bound (--latency, --bandwidth, --max-cycles) come with it;
// given with another back end they are refused, naming the flag.
struct backend_options {
    std::string name = "engine";
    std::string latency, bandwidth, max_cycles;  // empty: not given

    // `firmware_only`: the back ends that run the firmware (iss, rtl), for `smol profile`.
    void add_to(CLI::App& command, bool firmware_only = false);
    // `model` must outlive the back end (it views the model's weights).
    std::unique_ptr<inference_backend> make(const loaded_model& model, int32_t context, const engine_options& cpu) const;
    // The rtl options as the registry takes them (validated; refused when the back end is not rtl).
    void apply_rtl(smol::backend_options& options) const;
};

// Where the tokenizer comes from, and how raw text prompts treat special-token text.
struct text_options {
    std::string tokenizer_path;  // empty: the model directory's tokenizer.json
    bool parse_special = true;  // as HF tokenizers and llama.cpp do for a raw prompt

    // `raw_prompt`: the subcommand tokenizes a prompt the user wrote (generate -p), so it offers
    // --parse-special / --no-parse-special; chat does not (its user messages are always plain text).
    void add_to(CLI::App& command, bool raw_prompt);
    // A tokenizer with fewer tokens than the model's vocabulary is said before anything is generated: the
    // ids past it have no text, in generate and chat alike (docs/robustness.md, class 38).
    tokenizer load_tokenizer(const std::string& model_path, const model_config& config) const;
};

// The model's chat template: a GGUF's tokenizer.chat_template, else tokenizer_config.json beside the tokenizer
// (--tokenizer) or in the model directory. Throws smol::error naming the file when there is none.
chat_template load_model_chat_template(const std::string& model_path, const text_options& text);

// --parse-special (default on) / --no-parse-special: one definition for tokenize and generate -p.
void add_parse_special_flag(CLI::App& command, bool& parse_special);

struct sampling_options {
    sampling_params sampling;
    std::optional<uint64_t> seed;
    bool ignore_eos = false;

    void add_to(CLI::App& command);
    sampling_params params() const;  // validated; a random seed when none was given
    // The model's eos ids, plus the tokenizer's end-of-turn and end-of-text tokens when it has them.
    std::vector<int32_t> stop_tokens(const model_config& config, const tokenizer* tok) const;
};

// Everything a generating subcommand (generate, chat) takes: the model, how it runs, its text and sampling,
// and how many tokens to generate. One group, so the two offer the same flags with the same checks.
struct generation_options {
    model_options model;
    engine_options cpu;
    backend_options backend;
    text_options text;
    sampling_options sampling;
    int32_t n_predict = 0;

    void add_to(CLI::App& command, int32_t default_n_predict, int32_t min_n_predict, const std::string& n_predict_help,
                bool raw_prompt);
};

void print_generation_stats(const generation_stats& stats, uint64_t seed);

}  // namespace smol::cli
