#include "engine/src/transformer.h"

#include "common/error.h"
#include "engine/src/kernels.h"

#include <algorithm>
#include <cmath>

namespace smol {

namespace {

// RoPE angles as HF computes them in float32: inv_freq[i] = 1 / theta^(2i/d), angle = pos * inv_freq[i].
void fill_rope_tables(const model_config& c, int32_t context, std::vector<float>& cos_table, std::vector<float>& sin_table) {
    const int32_t half = c.head_dim / 2;
    std::vector<float> inv_freq(half);
    for (int32_t i = 0; i < half; ++i) {
        float exponent = static_cast<float>(2 * i) / static_cast<float>(c.head_dim);
        inv_freq[i] = 1.0f / static_cast<float>(std::pow(double{c.rope_theta}, double{exponent}));
    }
    cos_table.resize(size_t(context) * half);
    sin_table.resize(size_t(context) * half);
    for (int32_t pos = 0; pos < context; ++pos) {
        for (int32_t i = 0; i < half; ++i) {
            float angle = static_cast<float>(pos) * inv_freq[i];
            cos_table[size_t(pos) * half + i] = static_cast<float>(std::cos(double{angle}));
            sin_table[size_t(pos) * half + i] = static_cast<float>(std::sin(double{angle}));
        }
    }
}

}  // namespace

transformer::transformer(const model_weights& weights, int32_t context_length, int32_t max_batch)
    : w_(weights), context_length_(context_length), max_batch_(std::min(max_batch, context_length)) {
    const model_config& c = w_.config;
    if (context_length < 1 || context_length > c.max_position_embeddings)
        fail("context length {} is out of range 1..{} (max_position_embeddings)", context_length, c.max_position_embeddings);
    if (max_batch < 1) fail("batch size {} must be at least 1", max_batch);
    const size_t b = size_t(max_batch_);
    x_.resize(b * c.hidden_size);
    xb_.resize(b * c.hidden_size);
    q_.resize(b * c.q_dim());
    att_.resize(b * c.q_dim());
    hb_.resize(b * c.intermediate_size);
    hb2_.resize(b * c.intermediate_size);
    scores_.resize(size_t(context_length));
    fill_rope_tables(c, context_length, rope_cos_, rope_sin_);
    kv_cache_ = anonymous_buffer(2 * sizeof(float) * size_t(c.n_layers) * size_t(context_length) * size_t(c.kv_dim()));
}

float* transformer::key_cache(int32_t layer, int32_t pos) {
    auto* base = reinterpret_cast<float*>(kv_cache_.data());
    return base + (size_t(layer) * context_length_ + size_t(pos)) * size_t(w_.config.kv_dim());
}

float* transformer::value_cache(int32_t layer, int32_t pos) {
    const size_t half = size_t(w_.config.n_layers) * context_length_ * size_t(w_.config.kv_dim());
    return key_cache(layer, pos) + half;
}

void transformer::eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) {
    const model_config& c = w_.config;
    const auto n = static_cast<int64_t>(tokens.size());
    if (n == 0) fail("no tokens to evaluate");
    if (start_pos < 0 || start_pos + n > context_length_)
        fail("context full: positions {}..{} do not fit the context length {}", start_pos, start_pos + n - 1, context_length_);
    for (int32_t token : tokens)
        if (token < 0 || token >= c.vocab_size) fail("invalid token id {} (vocab size {})", token, c.vocab_size);
    const size_t vocab = size_t(c.vocab_size);
    if (logits.size() != (all_logits ? size_t(n) * vocab : vocab))
        fail("internal error: logits buffer holds {} floats", logits.size());

    for (int64_t done = 0; done < n;) {
        const auto batch = static_cast<int32_t>(std::min<int64_t>(max_batch_, n - done));
        const auto pos = static_cast<int32_t>(start_pos + done);
        forward_batch(tokens.data() + done, batch, pos);
        // Final norm and LM head, only for the rows whose logits are wanted.
        const int32_t first = all_logits ? 0 : (done + batch == n ? batch - 1 : batch);
        for (int32_t t = first; t < batch; ++t) {
            kernels::rmsnorm(xb_.data(), x_.data() + size_t(t) * c.hidden_size, w_.final_norm, c.hidden_size, c.rms_norm_eps);
            float* out = all_logits ? logits.data() + size_t(done + t) * vocab : logits.data();
            kernels::matmul(out, xb_.data(), 1, w_.lm_head);
        }
        done += batch;
    }
}

void transformer::forward_batch(const int32_t* tokens, int32_t n, int32_t pos) {
    const model_config& c = w_.config;
    const size_t dim = size_t(c.hidden_size);
    for (int32_t t = 0; t < n; ++t) kernels::embedding_row(x_.data() + t * dim, w_.embed, tokens[t]);

    for (int32_t layer = 0; layer < c.n_layers; ++layer) {
        const layer_weights& l = w_.layers[size_t(layer)];
        for (int32_t t = 0; t < n; ++t)
            kernels::rmsnorm(xb_.data() + t * dim, x_.data() + t * dim, l.attn_norm, c.hidden_size, c.rms_norm_eps);
        // K and V rows of consecutive positions are contiguous in the cache: project straight into it.
        kernels::matmul(q_.data(), xb_.data(), n, l.wq);
        kernels::matmul(key_cache(layer, pos), xb_.data(), n, l.wk);
        kernels::matmul(value_cache(layer, pos), xb_.data(), n, l.wv);
        const int32_t half = c.head_dim / 2;
        for (int32_t t = 0; t < n; ++t) {
            const float* cos = rope_cos_.data() + size_t(pos + t) * half;
            const float* sin = rope_sin_.data() + size_t(pos + t) * half;
            kernels::rope(q_.data() + size_t(t) * c.q_dim(), c.n_heads, c.head_dim, cos, sin);
            kernels::rope(key_cache(layer, pos + t), c.n_kv_heads, c.head_dim, cos, sin);
        }
        attention(layer, n, pos);
        kernels::matmul(xb_.data(), att_.data(), n, l.wo);
        for (size_t i = 0; i < size_t(n) * dim; ++i) x_[i] += xb_[i];

        for (int32_t t = 0; t < n; ++t)
            kernels::rmsnorm(xb_.data() + t * dim, x_.data() + t * dim, l.ffn_norm, c.hidden_size, c.rms_norm_eps);
        kernels::matmul(hb_.data(), xb_.data(), n, l.w_gate);
        kernels::matmul(hb2_.data(), xb_.data(), n, l.w_up);
        kernels::silu_mul(hb_.data(), hb2_.data(), n * c.intermediate_size);
        kernels::matmul(xb_.data(), hb_.data(), n, l.w_down);
        for (size_t i = 0; i < size_t(n) * dim; ++i) x_[i] += xb_[i];
    }
}

// Causal grouped-query attention of the batch's queries over the cache positions 0..pos+t.
void transformer::attention(int32_t layer, int32_t n, int32_t pos) {
    const model_config& c = w_.config;
    const int32_t group = c.n_heads / c.n_kv_heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
    for (int32_t t = 0; t < n; ++t) {
        const int32_t visible = pos + t + 1;
        for (int32_t h = 0; h < c.n_heads; ++h) {
            const float* q = q_.data() + size_t(t) * c.q_dim() + size_t(h) * c.head_dim;
            const size_t kv_offset = size_t(h / group) * c.head_dim;
            for (int32_t s = 0; s < visible; ++s)
                scores_[s] = kernels::dot_f32(q, key_cache(layer, s) + kv_offset, c.head_dim) * scale;
            kernels::softmax(scores_.data(), visible);
            float* out = att_.data() + size_t(t) * c.q_dim() + size_t(h) * c.head_dim;
            std::fill_n(out, c.head_dim, 0.0f);
            for (int32_t s = 0; s < visible; ++s) {
                const float* v = value_cache(layer, s) + kv_offset;
                const float weight = scores_[s];
                for (int32_t i = 0; i < c.head_dim; ++i) out[i] += weight * v[i];
            }
        }
    }
}

}  // namespace smol
