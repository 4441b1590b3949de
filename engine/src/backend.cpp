#include "engine/src/backend.h"

#include "common/error.h"

namespace smol {

void inference_backend::check_eval_request(std::span<const int32_t> tokens, int32_t start_pos, size_t logits_size,
                                           bool all_logits) const {
    const model_config& c = config();
    const auto n = static_cast<int64_t>(tokens.size());
    if (n == 0) fail("no tokens to evaluate");
    if (start_pos < 0 || start_pos + n > context_length())
        fail("context full: positions {}..{} do not fit the context length {}", start_pos, start_pos + n - 1,
             context_length());
    for (int32_t token : tokens)
        if (token < 0 || token >= c.vocab_size) fail("invalid token id {} (vocab size {})", token, c.vocab_size);
    const size_t vocab = size_t(c.vocab_size);
    if (logits_size != (all_logits ? size_t(n) * vocab : vocab))
        fail("internal error: logits buffer holds {} floats", logits_size);
}

}  // namespace smol
