#include "verify/src/layer_result.h"

#include <algorithm>
#include <numeric>

namespace smol::verify {

std::vector<int32_t> top_ids(const float* row, size_t vocab, size_t k) {
    k = std::min(k, vocab);
    std::vector<int32_t> ids(vocab);
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + long(k), ids.end(),
                      [&](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    ids.resize(k);
    return ids;
}

std::vector<top_entry> last_top(const layer_result& r, size_t k) {
    if (r.positions() == 0) return {};
    const size_t last = r.positions() - 1;
    std::vector<top_entry> out;
    if (!r.has_full_logits()) {
        const auto& list = r.top[last];
        out.assign(list.begin(), list.begin() + long(std::min(k, list.size())));
        return out;
    }
    for (int32_t id : top_ids(r.row(last), r.vocab, k)) out.push_back({id, r.row(last)[id]});
    return out;
}

}  // namespace smol::verify
