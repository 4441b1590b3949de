#pragma once
// The report people read: the links table, the last position's top-5 of every layer side by side, and
// each layer's wall time (or why it did not run).
#include "verify/src/verify_run.h"

#include <string>

namespace smol {
class tokenizer;
}

namespace smol::verify {

// `tok` (may be null) spells the top-5 tokens.
std::string format_report(const verify_report& report, const tokenizer* tok);
// "1e-04 rel" / "0.6 abs" / "bit-identical", summed over a path of several links.
std::string format_bound(const std::vector<bound>& path);

}  // namespace smol::verify
