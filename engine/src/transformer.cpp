#include "engine/src/transformer.h"

#include "common/cpu_features.h"
#include "common/error.h"
#include "engine/src/kernel_table.h"
#include "engine/src/kernels.h"

#include <algorithm>
#include <cmath>

namespace smol {

transformer::transformer(const model_weights& weights, int32_t context_length, int32_t max_batch, int32_t n_threads,
                         int32_t slots, activation_numerics act)
    : w_(weights), context_length_(context_length), max_batch_(std::min(max_batch, context_length)), slots_(slots),
      act_(act),
      pool_(n_threads) {
    const model_config& c = w_.config;
    if (context_length < 1 || context_length > c.max_position_embeddings)
        fail("context length {} is out of range 1..{} (max_position_embeddings)", context_length, c.max_position_embeddings);
    if (max_batch < 1) fail("batch size {} must be at least 1", max_batch);
    if (slots < 1) fail("KV-cache slots {} must be at least 1", slots);
    active_simd();  // an invalid SMOL_SIMD fails here, not inside a kernel on a worker thread
    // A decode step holds one token per slot, so the batch is at least the slot count.
    max_batch_ = std::max(max_batch_, slots);
    const size_t b = size_t(max_batch_);
    tokens_.resize(b);
    row_slot_.resize(b);
    row_pos_.resize(b);
    decode_chunks_.resize(b);
    x_.resize(b * c.hidden_size);
    xb_.resize(b * c.hidden_size);
    q_.resize(b * c.q_dim());
    k_.resize(b * c.kv_dim());
    v_.resize(b * c.kv_dim());
    att_.resize(b * c.q_dim());
    hb_.resize(b * c.intermediate_size);
    hb2_.resize(b * c.intermediate_size);
    scores_.resize(size_t(n_threads) * size_t(context_length));
    const int64_t widest_input = std::max({c.hidden_size, c.q_dim(), c.intermediate_size});
    matmul_scratch_.resize(size_t(n_threads) * size_t(kernels::matmul_scratch_floats(widest_input)));
    if (act_ == activation_numerics::int8) act_codes_ = kernels::int8_activation_buffer(max_batch_, int32_t(widest_input));
    rope_ = make_rope_tables(c, context_length);
    kv_cache_ = anonymous_buffer(2 * sizeof(float) * size_t(slots) * size_t(c.n_layers) * size_t(context_length) *
                                 size_t(c.kv_dim()));
}

float* transformer::key_cache(int32_t slot, int32_t layer, int32_t pos) {
    auto* base = reinterpret_cast<float*>(kv_cache_.data());
    const size_t row = (size_t(slot) * size_t(w_.config.n_layers) + size_t(layer)) * size_t(context_length_) + size_t(pos);
    return base + row * size_t(w_.config.kv_dim());
}

float* transformer::matmul_scratch(int32_t thread) {
    return matmul_scratch_.data() + size_t(thread) * (matmul_scratch_.size() / size_t(pool_.size()));
}

float* transformer::value_cache(int32_t slot, int32_t layer, int32_t pos) {
    const size_t half = size_t(slots_) * size_t(w_.config.n_layers) * context_length_ * size_t(w_.config.kv_dim());
    return key_cache(slot, layer, pos) + half;
}

void transformer::eval_slot(int32_t slot, std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits,
                            bool all_logits) {
    const model_config& c = w_.config;
    const auto n = static_cast<int64_t>(tokens.size());
    if (slot < 0 || slot >= slots_) fail("KV-cache slot {} is out of range 0..{}", slot, slots_ - 1);
    check_eval_request(tokens, start_pos, logits.size(), all_logits);
    const size_t vocab = size_t(c.vocab_size);

    for (int64_t done = 0; done < n;) {
        const auto batch = static_cast<int32_t>(std::min<int64_t>(max_batch_, n - done));
        for (int32_t t = 0; t < batch; ++t) {
            tokens_[size_t(t)] = tokens[size_t(done + t)];
            row_slot_[size_t(t)] = slot;
            row_pos_[size_t(t)] = static_cast<int32_t>(start_pos + done + t);
        }
        forward_rows(batch);
        // Final norm and LM head, only for the rows whose logits are wanted.
        const int32_t first = all_logits ? 0 : (done + batch == n ? batch - 1 : batch);
        if (first < batch)
            final_logits(first, batch - first, all_logits ? logits.data() + size_t(done + first) * vocab : logits.data());
        done += batch;
    }
}

void transformer::decode_step(std::span<const decode_row> rows, std::span<float> logits) {
    if (rows.size() > decode_chunks_.size())
        fail("decode step of {} sequences exceeds the batch size {}", rows.size(), max_batch_);
    for (size_t i = 0; i < rows.size(); ++i) decode_chunks_[i] = {rows[i].slot, std::span(&rows[i].token, 1), rows[i].pos};
    run_chunks(std::span(decode_chunks_.data(), rows.size()), logits, "decode row");
}

void transformer::step(std::span<const chunk> chunks, std::span<float> logits) { run_chunks(chunks, logits, "chunk"); }

void transformer::run_chunks(std::span<const chunk> chunks, std::span<float> logits, const char* what) {
    const model_config& c = w_.config;
    const auto n = static_cast<int64_t>(chunks.size());
    if (n == 0) fail("no tokens to evaluate");
    if (logits.size() != size_t(n) * size_t(c.vocab_size)) fail("internal error: logits buffer holds {} floats", logits.size());
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) {
        const chunk& r = chunks[size_t(i)];
        const auto size = static_cast<int64_t>(r.tokens.size());
        if (r.slot < 0 || r.slot >= slots_) fail("{} {}: KV-cache slot {} is out of range 0..{}", what, i, r.slot, slots_ - 1);
        for (int64_t j = 0; j < i; ++j)
            if (chunks[size_t(j)].slot == r.slot) fail("{} {}: slot {} is already {} {}", what, i, r.slot, what, j);
        if (size == 0) fail("{} {}: no tokens to evaluate", what, i);
        if (r.pos < 0 || r.pos + size > context_length_) {
            if (size == 1) fail("{} {}: context full: position {} does not fit the context length {}", what, i, r.pos, context_length_);
            fail("{} {}: context full: positions {}..{} do not fit the context length {}", what, i, r.pos, r.pos + size - 1,
                 context_length_);
        }
        for (int32_t token : r.tokens)
            if (token < 0 || token >= c.vocab_size) fail("{} {}: invalid token id {} (vocab size {})", what, i, token, c.vocab_size);
        total += size;
    }
    if (total > max_batch_) fail("a step of {} tokens exceeds the batch size {}", total, max_batch_);
    int32_t row = 0;
    for (const chunk& r : chunks)
        for (size_t k = 0; k < r.tokens.size(); ++k, ++row) {
            tokens_[size_t(row)] = r.tokens[k];
            row_slot_[size_t(row)] = r.slot;
            row_pos_[size_t(row)] = r.pos + int32_t(k);
        }
    forward_rows(row);
    // Each chunk's last row normed into row i of xb_ (free after the layers), then the LM head over those.
    const size_t dim = size_t(c.hidden_size);
    row = 0;
    for (int64_t i = 0; i < n; ++i) {
        row += int32_t(chunks[size_t(i)].tokens.size());
        kernels::rmsnorm(xb_.data() + size_t(i) * dim, x_.data() + size_t(row - 1) * dim, w_.final_norm, c.hidden_size,
                         c.rms_norm_eps);
    }
    project(xb_.data(), int32_t(n), {{logits.data(), &w_.lm_head}});
}

void transformer::final_logits(int32_t first, int32_t n, float* out) {
    const model_config& c = w_.config;
    const size_t dim = size_t(c.hidden_size);
    for (int32_t t = first; t < first + n; ++t)
        kernels::rmsnorm(xb_.data() + t * dim, x_.data() + t * dim, w_.final_norm, c.hidden_size, c.rms_norm_eps);
    project(xb_.data() + first * dim, n, {{out, &w_.lm_head}});
}

bool transformer::rows_contiguous(int32_t n) const {
    for (int32_t t = 1; t < n; ++t)
        if (row_slot_[size_t(t)] != row_slot_[0] || row_pos_[size_t(t)] != row_pos_[0] + t) return false;
    return true;
}

// K and V of rows [0, n) into each row's slot and position: projected straight into the cache when the rows are
// one run of positions (prefill, single-sequence decode), else through k_ / v_ (a copy: the same values).
void transformer::store_keys_values(int32_t layer, int32_t n) {
    const layer_weights& l = w_.layers[size_t(layer)];
    if (rows_contiguous(n)) {
        float* k = key_cache(row_slot_[0], layer, row_pos_[0]);
        float* v = value_cache(row_slot_[0], layer, row_pos_[0]);
        project(xb_.data(), n, {{q_.data(), &l.wq}, {k, &l.wk}, {v, &l.wv}});
        return;
    }
    project(xb_.data(), n, {{q_.data(), &l.wq}, {k_.data(), &l.wk}, {v_.data(), &l.wv}});
    const size_t kv = size_t(w_.config.kv_dim());
    for (int32_t t = 0; t < n; ++t) {
        std::copy_n(k_.data() + t * kv, kv, key_cache(row_slot_[size_t(t)], layer, row_pos_[size_t(t)]));
        std::copy_n(v_.data() + t * kv, kv, value_cache(row_slot_[size_t(t)], layer, row_pos_[size_t(t)]));
    }
}

void transformer::forward_rows(int32_t n) {
    const model_config& c = w_.config;
    const size_t dim = size_t(c.hidden_size);
    for (int32_t t = 0; t < n; ++t) kernels::embedding_row(x_.data() + t * dim, w_.embed, tokens_[size_t(t)]);

    for (int32_t layer = 0; layer < c.n_layers; ++layer) {
        const layer_weights& l = w_.layers[size_t(layer)];
        for (int32_t t = 0; t < n; ++t)
            kernels::rmsnorm(xb_.data() + t * dim, x_.data() + t * dim, l.attn_norm, c.hidden_size, c.rms_norm_eps);
        store_keys_values(layer, n);
        const int32_t half = c.head_dim / 2;
        for (int32_t t = 0; t < n; ++t) {
            const int32_t pos = row_pos_[size_t(t)];
            const float* cos = rope_.cos.data() + size_t(pos) * half;
            const float* sin = rope_.sin.data() + size_t(pos) * half;
            kernels::rope(q_.data() + size_t(t) * c.q_dim(), c.n_heads, c.head_dim, cos, sin);
            kernels::rope(key_cache(row_slot_[size_t(t)], layer, pos), c.n_kv_heads, c.head_dim, cos, sin);
        }
        attention(layer, n);
        project(att_.data(), n, {{xb_.data(), &l.wo}});
        for (size_t i = 0; i < size_t(n) * dim; ++i) x_[i] += xb_[i];

        for (int32_t t = 0; t < n; ++t)
            kernels::rmsnorm(xb_.data() + t * dim, x_.data() + t * dim, l.ffn_norm, c.hidden_size, c.rms_norm_eps);
        feed_forward(l, n);
        for (size_t i = 0; i < size_t(n) * dim; ++i) x_[i] += xb_[i];
    }
}

namespace {

// Decode streams the weights from memory: one contiguous range of rows per thread (more, smaller chunks
// measured 20% slower: each restarts the prefetch), in multiples of eight, the AVX2 decode kernel's block.
// A batched decode step (up to 16 sequences: the kernels read the weights in place) streams them like one
// token. Prefill splits as the tier's kernels want (kernel_table.h). Any split gives the same results.
bool is_prefill(int32_t n_tokens) { return n_tokens > 16; }
int32_t chunks_per_thread(int32_t n_tokens) {
    return is_prefill(n_tokens) ? kernels::active_kernels().prefill_chunks_per_thread : 1;
}
int64_t row_align(int32_t n_tokens) { return is_prefill(n_tokens) ? kernels::active_kernels().prefill_row_align : 8; }

}  // namespace

const kernels::int8_activations* transformer::quantize_input(const float* in, int32_t n, const matrix_view& w) {
    if (act_ != activation_numerics::int8 || w.dtype == weight_dtype::f32) return nullptr;
    if (n == 1) act_codes_.quantize(in, w.cols, 0, 1);
    else pool_.parallel_for(n, 1, [&](int64_t begin, int64_t end, int32_t) { act_codes_.quantize(in, w.cols, int32_t(begin), int32_t(end)); });
    act_view_ = act_codes_.view(w.cols);
    return &act_view_;
}

void transformer::matmul(float* out, const float* in, const kernels::int8_activations* in_q, int32_t n,
                         const matrix_view& w, int64_t begin, int64_t end, int32_t thread) {
    if (in_q && w.dtype != weight_dtype::f32) kernels::matmul_rows_int8(out, *in_q, n, w, int32_t(begin), int32_t(end));
    else kernels::matmul_rows(out, in, n, w, int32_t(begin), int32_t(end), matmul_scratch(thread));
}

void transformer::project(const float* in, int32_t n, std::initializer_list<projection> projections) {
    const kernels::int8_activations* in_q = nullptr;  // the projections of one call share their input
    for (const projection& p : projections)
        if (!in_q) in_q = quantize_input(in, n, *p.w);
    // One chunk size for all the projections, so that their chunks are about equal work in one job.
    int64_t all_rows = 0;
    for (const projection& p : projections) all_rows += p.w->rows;
    const int64_t chunk = pool_.chunk_rows(all_rows, row_align(n), chunks_per_thread(n));
    int64_t n_chunks = 0;
    for (const projection& p : projections) n_chunks += (p.w->rows + chunk - 1) / chunk;
    pool_.run_chunks(n_chunks, [&](int64_t c, int32_t thread) {
        for (const projection& p : projections) {
            const int64_t own = (p.w->rows + chunk - 1) / chunk;
            if (c < own) {
                const int64_t begin = c * chunk, end = std::min<int64_t>(p.w->rows, begin + chunk);
                matmul(p.out, in, in_q, n, *p.w, begin, end, thread);
                return;
            }
            c -= own;
        }
    });
}

// gate and up are split the same way, so the thread that computed a chunk of rows of both applies
// silu(gate) * up to them.
void transformer::feed_forward(const layer_weights& l, int32_t n) {
    const int32_t inter = w_.config.intermediate_size;
    const kernels::int8_activations* in_q = quantize_input(xb_.data(), n, l.w_gate);
    if (!in_q) in_q = quantize_input(xb_.data(), n, l.w_up);
    pool_.parallel_for(inter, row_align(n), [&](int64_t begin, int64_t end, int32_t thread) {
        matmul(hb_.data(), xb_.data(), in_q, n, l.w_gate, begin, end, thread);
        matmul(hb2_.data(), xb_.data(), in_q, n, l.w_up, begin, end, thread);
        for (int32_t t = 0; t < n; ++t) {
            const size_t row = size_t(t) * inter + size_t(begin);
            kernels::silu_mul(hb_.data() + row, hb2_.data() + row, int32_t(end - begin));
        }
    }, chunks_per_thread(n));
    project(hb_.data(), n, {{xb_.data(), &l.w_down}});
}

// Causal grouped-query attention of each row's query over its slot's cache positions 0..its position, one
// (head, row) pair at a time, the pairs split between threads.
void transformer::attention(int32_t layer, int32_t n) {
    const model_config& c = w_.config;
    const int32_t group = c.n_heads / c.n_kv_heads;
    const float scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
    const int64_t items = int64_t(c.n_heads) * n;
    pool_.parallel_for(items, 1, [&](int64_t begin, int64_t end, int32_t thread) {
        float* scores = scores_.data() + size_t(thread) * size_t(context_length_);
        for (int64_t item = begin; item < end; ++item) {
            const auto h = static_cast<int32_t>(item / n);
            const auto t = static_cast<int32_t>(item % n);
            const int32_t visible = row_pos_[size_t(t)] + 1;
            const int32_t slot = row_slot_[size_t(t)];
            const float* q = q_.data() + size_t(t) * c.q_dim() + size_t(h) * c.head_dim;
            const size_t kv_offset = size_t(h / group) * c.head_dim;
            kernels::attention_scores(scores, q, key_cache(slot, layer, 0) + kv_offset, c.kv_dim(), visible, c.head_dim, scale);
            kernels::softmax(scores, visible);
            float* out = att_.data() + size_t(t) * c.q_dim() + size_t(h) * c.head_dim;
            kernels::attention_values(out, scores, value_cache(slot, layer, 0) + kv_offset, c.kv_dim(), visible, c.head_dim);
        }
    });
}

}  // namespace smol
