#pragma once
// How far a layer is from its parent (the layer above it on the same weights), over the positions whose
// context is the same for both: the prompt, and the greedy stream up to and including the first token
// where the two streams part (after it they evaluate different tokens).
#include "verify/src/chain.h"
#include "verify/src/layer_result.h"

#include <optional>
#include <vector>

namespace smol::verify {

struct link_metrics {
    size_t positions = 0;         // compared
    double max_abs = 0;           // max |Δlogit| (top-k layers: of logits relative to the top token)
    double max_parent_logit = 0;  // max |parent logit| over those positions: the scale of relative bounds
    int worst_position = -1;
    int top1_agree = 0, top5_agree = 0;  // positions whose top-1 id / top-5 ids in order are the same
    bool bits_identical = true;   // every compared logit has the same bit pattern (full-logit layers)
    std::optional<size_t> first_stream_difference;  // index into the greedy stream; none: identical
    std::vector<double> per_position;               // max |Δ| at each compared position

    double max_rel() const { return max_parent_logit > 0 ? max_abs / max_parent_logit : max_abs; }
};

link_metrics compare_layers(const layer_result& parent, const layer_result& child, size_t prompt_length);

// The bound in absolute terms for these metrics: the sum over the links from the parent that ran down to
// the child (several when the layers between were not run), relative ones scaled by max |parent logit|.
double absolute_bound(const std::vector<bound>& path, const link_metrics& m);
bool holds(const std::vector<bound>& path, const link_metrics& m);

}  // namespace smol::verify
