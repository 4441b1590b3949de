#pragma once
// The BPE merge engine: a pre-tokenized piece (raw bytes) -> token ids, exactly as HF's BPE model with a
// ByteLevel alphabet: every byte becomes its token (bytes without one are dropped, or become unk if the file
// has an unk_token), then the lowest-ranked adjacent pair is merged, leftmost first, until none applies.
// Short words scan a rank array; long ones use a heap over a linked list, so a piece of n bytes costs
// O(n log n) and 1 MB of one letter is no problem. A per-call cache serves repeated words.
#include "engine/tokenizer/tokenizer_json.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace smol {

class bpe_model {
public:
    explicit bpe_model(const tokenizer_spec& spec);

    // Per-call state: a cache of words already encoded (keys view text that outlives the call).
    struct scratch {
        std::unordered_map<std::string_view, std::pair<uint32_t, uint32_t>> cache;  // -> (offset, count)
        std::vector<int32_t> cached_ids;
        std::vector<int32_t> symbols;
        std::vector<uint32_t> ranks;
        std::vector<int32_t> results;
    };

    // Appends the ids of one piece.
    void encode_piece(std::string_view piece, std::vector<int32_t>& out, scratch& s) const;

private:
    struct merge {
        uint32_t rank;
        int32_t result;
    };
    static constexpr uint32_t no_rank = UINT32_MAX;

    merge find_merge(int32_t left, int32_t right) const;
    void initial_symbols(std::string_view piece, std::vector<int32_t>& symbols) const;
    void merge_small(std::vector<int32_t>& symbols, std::vector<uint32_t>& ranks, std::vector<int32_t>& results) const;
    void merge_large(std::vector<int32_t>& symbols) const;

    std::array<int32_t, 256> byte_ids_{};
    // Open-addressing table of (left << 32 | right) -> merge.
    std::vector<uint64_t> merge_keys_;
    std::vector<merge> merge_values_;
    uint64_t merge_mask_ = 0;
    int32_t unk_id_ = -1;
    bool fuse_unk_ = false;
    bool ignore_merges_ = false;
    std::unordered_map<std::string, int32_t> whole_words_;  // raw bytes -> id, for ignore_merges
};

}  // namespace smol
