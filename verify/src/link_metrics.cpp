#include "verify/src/link_metrics.h"

#include "common/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace smol::verify {

namespace {

// The positions both layers evaluated on the same context.
size_t comparable_positions(const layer_result& a, const layer_result& b, size_t prompt_length,
                            std::optional<size_t>& first_difference) {
    const size_t n = std::min(a.stream.size(), b.stream.size());
    for (size_t k = 0; k < n && !first_difference; ++k)
        if (a.stream[k] != b.stream[k]) first_difference = k;
    if (!first_difference && a.stream.size() != b.stream.size()) first_difference = n;
    // Position prompt_length - 1 + k predicts stream token k; its context holds tokens 0..k-1 only.
    const size_t same_context = first_difference ? prompt_length + *first_difference : a.positions();
    return std::min({same_context, a.positions(), b.positions()});
}

// |a - b|, and infinity when either is not finite, so a NaN cannot hide in a maximum.
double difference(double a, double b) {
    return std::isfinite(a) && std::isfinite(b) ? std::fabs(a - b) : INFINITY;
}

// A full-logit parent against a top-k child: logits relative to each's own top token, since the child's
// log-probabilities carry a per-position normalising constant (log p_i - log p_top = logit_i - logit_top).
double top_k_difference(const float* parent, size_t vocab, const std::vector<top_entry>& child) {
    double worst = 0;
    for (const top_entry& e : child) {
        if (e.id < 0 || size_t(e.id) >= vocab) fail("llama.cpp named token {} outside the vocabulary ({})", e.id, vocab);
        worst = std::max(worst, difference(double(e.value) - child[0].value, double(parent[e.id]) - parent[child[0].id]));
    }
    return worst;
}

}  // namespace

link_metrics compare_layers(const layer_result& parent, const layer_result& child, size_t prompt_length) {
    if (!parent.has_full_logits()) fail("internal error: a link's parent must give full logits");
    link_metrics m;
    m.positions = comparable_positions(parent, child, prompt_length, m.first_stream_difference);
    for (size_t p = 0; p < m.positions; ++p) {
        const float* want = parent.row(p);
        double worst = 0;
        for (size_t i = 0; i < parent.vocab; ++i) m.max_parent_logit = std::max(m.max_parent_logit, double(std::fabs(want[i])));
        const std::vector<int32_t> want_top = top_ids(want, parent.vocab, 5);
        std::vector<int32_t> got_top;
        if (child.has_full_logits()) {
            if (child.vocab != parent.vocab) fail("internal error: layers with different vocabularies");
            const float* got = child.row(p);
            for (size_t i = 0; i < parent.vocab; ++i) worst = std::max(worst, difference(want[i], got[i]));
            if (std::memcmp(want, got, parent.vocab * sizeof(float)) != 0) m.bits_identical = false;
            got_top = top_ids(got, child.vocab, 5);
        } else {
            m.bits_identical = false;
            const auto& list = child.top[p];
            if (list.empty()) fail("internal error: an empty top-k list");
            worst = top_k_difference(want, parent.vocab, list);
            for (size_t i = 0; i < std::min<size_t>(5, list.size()); ++i) got_top.push_back(list[i].id);
        }
        m.per_position.push_back(worst);
        if (worst > m.max_abs || m.worst_position < 0) {
            m.max_abs = worst;
            m.worst_position = int(p);
        }
        if (!got_top.empty() && got_top[0] == want_top[0]) ++m.top1_agree;
        if (got_top == want_top) ++m.top5_agree;
    }
    return m;
}

double absolute_bound(const std::vector<bound>& path, const link_metrics& m) {
    double sum = 0;
    for (const bound& b : path)
        sum += b.form == bound_form::relative ? b.value * m.max_parent_logit : b.value;
    return sum;
}

bool holds(const std::vector<bound>& path, const link_metrics& m) {
    const bool bit_identical = std::all_of(path.begin(), path.end(), [](const bound& b) { return b.form == bound_form::bit_identical; });
    if (bit_identical && !m.bits_identical) return false;
    return m.positions > 0 && !m.first_stream_difference && m.max_abs <= absolute_bound(path, m);
}

}  // namespace smol::verify
