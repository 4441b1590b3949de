#pragma once
// What one layer produced for the prompt and its greedy continuation: the stream, and the logits of every
// position it evaluated (the prompt, then each generated token but the last).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace smol::verify {

struct top_entry {
    int32_t id;
    float value;  // a logit; for a layer that gives only top-k (llama.cpp), a log-probability
};

struct layer_result {
    std::vector<int32_t> stream;  // the greedy continuation, n tokens
    size_t vocab = 0;
    // Full logits, (positions, vocab); empty for a layer that gives only top-k lists.
    std::vector<float> logits;
    // Top-k lists per position, best first (llama.cpp's probabilities, as log-probabilities).
    std::vector<std::vector<top_entry>> top;
    double seconds = 0;                 // wall time of the run
    std::string detail;                 // what ran: kernel tier, llama.cpp release ...
    std::vector<uint64_t> instructions;  // per forward pass, for the firmware layers

    bool has_full_logits() const { return !logits.empty(); }
    size_t positions() const { return has_full_logits() ? logits.size() / vocab : top.size(); }
    const float* row(size_t p) const { return logits.data() + p * vocab; }
};

// The k best ids of a logit row, best first; ties go to the lower id (as greedy sampling's argmax).
std::vector<int32_t> top_ids(const float* row, size_t vocab, size_t k);
// The last position's top-k: (id, logit) for full logits, the list itself for top-k layers.
std::vector<top_entry> last_top(const layer_result& r, size_t k);

}  // namespace smol::verify
