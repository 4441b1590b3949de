#pragma once
// `smol verify`: the same prompt and greedy continuation through every layer of the chain that can run
// here, and every link held against its bound (docs/verification.md).
#include "verify/src/chain.h"
#include "verify/src/layer_result.h"
#include "verify/src/link_metrics.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smol::verify {

struct verify_request {
    std::string model_path;
    std::vector<int32_t> prompt;
    int32_t n = 16;
    // Layer names or their prefixes ("iss", "engine.q8", "rtl.q8r"); empty: every layer. A name no layer has
    // is an error, and so is a selected layer that cannot run (a prefix: when none of its layers can).
    std::vector<std::string> layers;
    std::vector<std::string> skip;  // names or prefixes left out (after --layers), e.g. "gates"
    int32_t threads = 1;  // the engine layers'
};

struct layer_outcome {
    layer_spec spec;
    bool selected = false;
    std::string skipped;                // why it did not run (empty when it ran or was not selected)
    std::optional<layer_result> result;
};

struct link_outcome {
    size_t parent = 0, child = 0;  // layer indices; parent: the nearest ancestor that ran
    std::vector<bound> path;       // the bounds from parent down to child
    link_metrics metrics;
    bool holds = false;
};

struct verify_report {
    std::string model_path;
    std::vector<int32_t> prompt;
    int32_t n = 0;
    std::string kernel_tier;  // the engine's run-time tier
    std::vector<layer_outcome> layers;
    std::vector<link_outcome> links;

    bool all_hold() const;
};

verify_report run_verify(const verify_request& request);

}  // namespace smol::verify
