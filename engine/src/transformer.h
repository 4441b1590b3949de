#pragma once
// The C++ engine back end: a LLaMA-family forward pass with a KV cache, over tokens in batches (prefill is
// matrix-matrix work; decode is the one-token case). Every buffer is allocated once, in the constructor.
// Matrix rows and attention heads are split between the threads of a pool owned by the transformer; each
// output value is computed the same way whatever the thread count, so results do not depend on it.
//
// The KV cache has `slots`, one per sequence: eval() runs one sequence in slot 0 (or any slot, eval_slot),
// decode_step() advances several sequences by one token each in one forward pass, step() runs chunks of
// several sequences (prompts and decode tokens) in one (continuous batching in `smol serve`). Each weight row is read once for all of a step's tokens, and every token's logits are the
// ones a single-sequence eval() of it would give, bit for bit (kernels::matmul_rows does not depend on how
// many tokens it multiplies), so a sequence's output does not depend on what it is batched with.
#include "common/mapped_file.h"
#include "engine/src/activation_quant.h"
#include "engine/src/backend.h"
#include "model/src/model_weights.h"
#include "engine/src/rope_tables.h"
#include "engine/src/thread_pool.h"

#include <initializer_list>
#include <vector>

namespace smol {

class transformer final : public inference_backend {
public:
    // context_length: positions the KV cache holds per slot (1..max_position_embeddings); max_batch: tokens
    // per step; n_threads: 1..thread_pool::max_threads; slots: sequences with a KV cache of their own; act:
    // float32 activations (the default, exact) or int8 ones for the products with quantized weights
    // (engine/src/activation_quant.h).
    transformer(const model_weights& weights, int32_t context_length, int32_t max_batch = default_max_batch,
                int32_t n_threads = 1, int32_t slots = 1, activation_numerics act = activation_numerics::f32);

    static constexpr int32_t default_max_batch = 512;
    int32_t threads() const { return pool_.size(); }
    int32_t slots() const { return slots_; }
    int32_t max_batch() const { return max_batch_; }

    const model_config& config() const override { return w_.config; }
    int32_t context_length() const override { return context_length_; }
    void eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) override {
        eval_slot(0, tokens, start_pos, logits, all_logits);
    }
    // eval() of the sequence held in `slot`.
    void eval_slot(int32_t slot, std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits,
                   bool all_logits);

    // One token of each of up to max_batch() sequences, each in its own slot (no slot twice) at its own
    // position after its cached ones. logits: [rows.size(), vocab], in the order of `rows`. Throws
    // smol::error naming the row on a bad slot, position or id, before touching any state.
    struct decode_row {
        int32_t slot;
        int32_t token;
        int32_t pos;
    };
    void decode_step(std::span<const decode_row> rows, std::span<float> logits);

    // Chunks of several sequences in one forward pass (the prompts of newly admitted sequences with the
    // others' decode tokens): chunk i's tokens at positions pos, pos+1, ... of its slot (no slot twice), at
    // most max_batch() tokens in all. logits: [chunks.size(), vocab], each chunk's last token's, in the order
    // of `chunks`; each chunk's logits and cache are those eval_slot() of it alone gives, bit for bit.
    // decode_step() is the case of one token each. Throws smol::error naming the chunk on a bad slot,
    // position or id, before touching any state.
    struct chunk {
        int32_t slot;
        std::span<const int32_t> tokens;
        int32_t pos;
    };
    void step(std::span<const chunk> chunks, std::span<float> logits);

private:
    struct projection {
        float* out;
        const matrix_view* w;
    };
    // Runs rows [0, n) of tokens_, row_slot_ and row_pos_ through every layer, leaving the residual in x_.
    void forward_rows(int32_t n);
    void final_logits(int32_t first, int32_t n, float* out);
    // step() of chunks whose errors name them "<what> i" (decode_step: "decode row").
    void run_chunks(std::span<const chunk> chunks, std::span<float> logits, const char* what);
    void store_keys_values(int32_t layer, int32_t n);
    // out = in * W^T for each projection, all in one parallel step over their rows.
    void project(const float* in, int32_t n, std::initializer_list<projection> projections);
    // In int8 mode, `in` ((n, w.cols)) quantized once for every quantized matrix that reads it; else null.
    const kernels::int8_activations* quantize_input(const float* in, int32_t n, const matrix_view& w);
    // One matrix's rows [begin, end): float32 or int8 activations (`in_q` from quantize_input).
    void matmul(float* out, const float* in, const kernels::int8_activations* in_q, int32_t n, const matrix_view& w,
                int64_t begin, int64_t end, int32_t thread);
    void feed_forward(const layer_weights& l, int32_t n);
    void attention(int32_t layer, int32_t n);
    float* key_cache(int32_t slot, int32_t layer, int32_t pos);
    float* value_cache(int32_t slot, int32_t layer, int32_t pos);
    // Whether rows [0, n) are consecutive positions of one slot, so their K and V rows are contiguous.
    bool rows_contiguous(int32_t n) const;
    float* matmul_scratch(int32_t thread);

    const model_weights& w_;
    int32_t context_length_;
    int32_t max_batch_;
    int32_t slots_;
    std::vector<int32_t> tokens_;    // (batch) the step's tokens
    std::vector<int32_t> row_slot_;  // (batch) each token's sequence
    std::vector<int32_t> row_pos_;   // (batch) each token's position in its sequence
    std::vector<chunk> decode_chunks_;  // (batch) decode_step()'s rows as chunks of one token
    std::vector<float> x_;       // (batch, hidden) residual stream
    std::vector<float> xb_;      // (batch, hidden) normed input of a block
    std::vector<float> q_;       // (batch, q_dim)
    std::vector<float> k_;       // (batch, kv_dim) keys of a step whose rows are not contiguous in the cache
    std::vector<float> v_;       // (batch, kv_dim) values, likewise
    std::vector<float> att_;     // (batch, q_dim) attention output before o_proj
    std::vector<float> hb_;      // (batch, intermediate) gate, then silu(gate) * up
    std::vector<float> hb2_;     // (batch, intermediate) up
    std::vector<float> scores_;  // (threads, context) one head's attention weights, per thread
    std::vector<float> matmul_scratch_;  // (threads, matmul_scratch_floats(widest input)) per-thread panels
    activation_numerics act_;
    kernels::int8_activation_buffer act_codes_;  // (batch, widest input) in int8 mode
    kernels::int8_activations act_view_;
    rope_tables rope_;           // (context, head_dim / 2) each
    anonymous_buffer kv_cache_;  // keys then values: (slot, layer, context, kv_dim) each
    thread_pool pool_;
};

}  // namespace smol
