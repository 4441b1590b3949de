#pragma once
// What every back end answers — the C++ engine today, the ISS and the RTL model later: logits for these
// tokens at these positions. Generation, verification and benchmarks are written once against it.
#include "model/src/model_config.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace smol {

class inference_backend {
public:
    virtual ~inference_backend() = default;
    virtual const model_config& config() const = 0;
    virtual int32_t context_length() const = 0;

    // Evaluates `tokens` at positions start_pos, start_pos+1, ... after the cached positions 0..start_pos-1
    // (start_pos may rewind to reuse a cached prefix). Writes [tokens.size(), vocab] logits when all_logits,
    // else only the last token's [vocab]. Throws smol::error on an invalid id or a full context.
    virtual void eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) = 0;

protected:
    // The checks every eval() makes before it touches any state, so that all back ends refuse the same
    // requests with the same messages: no tokens, positions past the context, ids outside the vocabulary.
    void check_eval_request(std::span<const int32_t> tokens, int32_t start_pos, size_t logits_size, bool all_logits) const;
};

}  // namespace smol
