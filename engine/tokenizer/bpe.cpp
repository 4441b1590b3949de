#include "engine/tokenizer/bpe.h"

#include "engine/tokenizer/byte_level.h"

#include <bit>
#include <queue>

namespace smol {
namespace {

constexpr uint64_t empty_key = UINT64_MAX;
constexpr size_t small_word = 48;  // up to this many symbols, a linear scan beats a heap
constexpr size_t cacheable_bytes = 256;
constexpr size_t cache_limit = 1 << 18;

uint64_t pair_key(int32_t left, int32_t right) { return (uint64_t(uint32_t(left)) << 32) | uint32_t(right); }

uint64_t hash_key(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
}

}  // namespace

bpe_model::bpe_model(const tokenizer_spec& spec) {
    std::unordered_map<std::string_view, int32_t> ids;
    for (size_t id = 0; id < spec.vocab.size(); ++id)
        if (spec.vocab_present[id]) ids.emplace(spec.vocab[id], int32_t(id));
    for (int b = 0; b < 256; ++b) {
        auto it = ids.find(byte_level_encode(std::string(1, char(b))));
        byte_ids_[size_t(b)] = it == ids.end() ? -1 : it->second;
    }
    const size_t capacity = std::bit_ceil(std::max<size_t>(16, spec.merges.size() * 2));
    merge_keys_.assign(capacity, empty_key);
    merge_values_.assign(capacity, merge{no_rank, -1});
    merge_mask_ = capacity - 1;
    for (size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const auto [left, right] = spec.merges[rank];
        const int32_t result = ids.at(spec.vocab[size_t(left)] + spec.vocab[size_t(right)]);
        const uint64_t key = pair_key(left, right);
        size_t slot = hash_key(key) & merge_mask_;
        while (merge_keys_[slot] != empty_key && merge_keys_[slot] != key) slot = (slot + 1) & merge_mask_;
        merge_keys_[slot] = key;
        merge_values_[slot] = merge{uint32_t(rank), result};  // a repeated merge takes its later rank, as in HF
    }
    unk_id_ = spec.unk_id.value_or(-1);
    fuse_unk_ = spec.fuse_unk;
    ignore_merges_ = spec.ignore_merges;
    if (ignore_merges_) {
        for (size_t id = 0; id < spec.vocab.size(); ++id) {
            if (!spec.vocab_present[id]) continue;
            const std::string raw = byte_level_decode_token(spec.vocab[id]);
            if (byte_level_encode(raw) == spec.vocab[id]) whole_words_.emplace(raw, int32_t(id));
        }
    }
}

bpe_model::merge bpe_model::find_merge(int32_t left, int32_t right) const {
    const uint64_t key = pair_key(left, right);
    for (size_t slot = hash_key(key) & merge_mask_;; slot = (slot + 1) & merge_mask_) {
        if (merge_keys_[slot] == key) return merge_values_[slot];
        if (merge_keys_[slot] == empty_key) return merge{no_rank, -1};
    }
}

void bpe_model::initial_symbols(std::string_view piece, std::vector<int32_t>& symbols) const {
    symbols.clear();
    bool previous_unk = false;
    for (char c : piece) {
        const int32_t id = byte_ids_[static_cast<uint8_t>(c)];
        if (id >= 0) {
            symbols.push_back(id);
            previous_unk = false;
        } else if (unk_id_ >= 0) {
            if (!(fuse_unk_ && previous_unk)) symbols.push_back(unk_id_);
            previous_unk = true;
        }  // else: HF drops a byte that has no token
    }
}

void bpe_model::merge_small(std::vector<int32_t>& symbols, std::vector<uint32_t>& ranks,
                            std::vector<int32_t>& results) const {
    // ranks[i] ranks the pair (symbols[i], symbols[i + 1]); merge the lowest, leftmost first.
    results.resize(symbols.size());
    ranks.resize(symbols.size());
    const auto rank_at = [&](size_t i) {
        const merge m = find_merge(symbols[i], symbols[i + 1]);
        ranks[i] = m.rank;
        results[i] = m.result;
    };
    for (size_t i = 0; i + 1 < symbols.size(); ++i) rank_at(i);
    while (symbols.size() > 1) {
        size_t best = 0;
        for (size_t i = 1; i + 1 < symbols.size(); ++i)
            if (ranks[i] < ranks[best]) best = i;
        if (ranks[best] == no_rank) break;
        symbols[best] = results[best];
        symbols.erase(symbols.begin() + ptrdiff_t(best) + 1);
        ranks.erase(ranks.begin() + ptrdiff_t(best) + 1);
        results.erase(results.begin() + ptrdiff_t(best) + 1);
        if (best + 1 < symbols.size()) rank_at(best);
        if (best > 0) rank_at(best - 1);
    }
}

void bpe_model::merge_large(std::vector<int32_t>& symbols) const {
    const size_t n = symbols.size();
    std::vector<int32_t> prev(n), next(n);
    for (size_t i = 0; i < n; ++i) {
        prev[i] = int32_t(i) - 1;
        next[i] = i + 1 < n ? int32_t(i + 1) : -1;
    }
    // Queue entries are rank << 32 | position: the smallest is the lowest rank, leftmost. A rank names one
    // pair, so an entry is current exactly when the pair now at its position still has that rank.
    std::vector<uint64_t> initial;
    initial.reserve(n);
    for (size_t i = 0; i + 1 < n; ++i) {
        const merge m = find_merge(symbols[i], symbols[i + 1]);
        if (m.rank != no_rank) initial.push_back((uint64_t(m.rank) << 32) | i);
    }
    std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<>> queue(std::greater<>{}, std::move(initial));
    const auto offer = [&](int32_t pos) {
        if (pos < 0 || next[size_t(pos)] < 0) return;
        const merge m = find_merge(symbols[size_t(pos)], symbols[size_t(next[size_t(pos)])]);
        if (m.rank != no_rank) queue.push((uint64_t(m.rank) << 32) | uint32_t(pos));
    };
    std::vector<uint8_t> alive(n, 1);
    while (!queue.empty()) {
        const uint64_t top = queue.top();
        queue.pop();
        const size_t pos = size_t(top & 0xFFFFFFFFu);
        if (!alive[pos] || next[pos] < 0) continue;
        const size_t right = size_t(next[pos]);
        const merge current = find_merge(symbols[pos], symbols[right]);
        if (current.rank != uint32_t(top >> 32)) continue;  // stale: this pair has changed since it was queued
        symbols[pos] = current.result;
        alive[right] = 0;
        next[pos] = next[right];
        if (next[pos] >= 0) prev[size_t(next[pos])] = int32_t(pos);
        offer(prev[pos]);
        offer(int32_t(pos));
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i)
        if (alive[i]) symbols[kept++] = symbols[i];
    symbols.resize(kept);
}

void bpe_model::encode_piece(std::string_view piece, std::vector<int32_t>& out, scratch& s) const {
    const bool cacheable = piece.size() <= cacheable_bytes;
    if (cacheable) {
        if (auto hit = s.cache.find(piece); hit != s.cache.end()) {
            const auto [offset, count] = hit->second;
            out.insert(out.end(), s.cached_ids.begin() + offset, s.cached_ids.begin() + offset + count);
            return;
        }
    }
    std::vector<int32_t>& symbols = s.symbols;
    const auto whole = ignore_merges_ ? whole_words_.find(std::string(piece)) : whole_words_.end();
    if (whole != whole_words_.end()) {
        symbols.assign(1, whole->second);
    } else {
        initial_symbols(piece, symbols);
        if (symbols.size() <= small_word) {
            merge_small(symbols, s.ranks, s.results);
        } else {
            merge_large(symbols);
        }
    }
    out.insert(out.end(), symbols.begin(), symbols.end());
    if (cacheable && s.cache.size() < cache_limit) {
        s.cache.emplace(piece, std::make_pair(uint32_t(s.cached_ids.size()), uint32_t(symbols.size())));
        s.cached_ids.insert(s.cached_ids.end(), symbols.begin(), symbols.end());
    }
}

}  // namespace smol
