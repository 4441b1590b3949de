#pragma once
// The C++ engine back end: a LLaMA-family forward pass with a KV cache, over tokens in batches (prefill is
// matrix-matrix work; decode is the one-token case). Every buffer is allocated once, in the constructor.
#include "common/mapped_file.h"
#include "engine/src/backend.h"
#include "engine/src/model_weights.h"

#include <vector>

namespace smol {

class transformer final : public inference_backend {
public:
    // context_length: positions the KV cache holds (1..max_position_embeddings); max_batch: tokens per step.
    transformer(const model_weights& weights, int32_t context_length, int32_t max_batch = 64);

    const model_config& config() const override { return w_.config; }
    int32_t context_length() const override { return context_length_; }
    void eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) override;

private:
    void forward_batch(const int32_t* tokens, int32_t n, int32_t pos);
    void attention(int32_t layer, int32_t n, int32_t pos);
    float* key_cache(int32_t layer, int32_t pos);
    float* value_cache(int32_t layer, int32_t pos);

    const model_weights& w_;
    int32_t context_length_;
    int32_t max_batch_;
    std::vector<float> x_;       // (batch, hidden) residual stream
    std::vector<float> xb_;      // (batch, hidden) normed input of a block
    std::vector<float> q_;       // (batch, q_dim)
    std::vector<float> att_;     // (batch, q_dim) attention output before o_proj
    std::vector<float> hb_;      // (batch, intermediate) gate, then silu(gate) * up
    std::vector<float> hb2_;     // (batch, intermediate) up
    std::vector<float> scores_;  // (context) one head's attention weights
    std::vector<float> rope_cos_, rope_sin_;  // (context, head_dim / 2)
    anonymous_buffer kv_cache_;  // keys then values: (layer, context, kv_dim) each
};

}  // namespace smol
