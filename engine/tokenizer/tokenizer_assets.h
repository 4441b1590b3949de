#pragma once
// The tokenizer files of the checkpoints make-model generates: a SmolLM2-shaped byte-level BPE
// (assets/smollm2_tokenizer.json, 8192 tokens, reproduced by tools/train_tokenizers.mjs) and SmolLM2-Instruct's
// tokenizer_config.json (chat template, special-token fields), embedded in the library at build time.
#include <string>
#include <string_view>

namespace smol {

std::string_view smollm2_tokenizer_json();
std::string_view smollm2_tokenizer_config_json();

// Writes tokenizer.json and tokenizer_config.json into the HF directory `out_dir` (atomically, each file).
// The tokenizer has 8192 ids; a model's vocab_size may be larger (unused rows), as HF allows.
void write_tokenizer_files(const std::string& out_dir);

}  // namespace smol
