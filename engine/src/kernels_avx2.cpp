// AVX2 + FMA + F16C kernels, compiled with those flags for this file only (cmake/smol_options.cmake) and
// called only through the avx2 (or avx512) kernel table after run-time CPU detection. Weights stay
// quantized in memory and are widened to float32 in registers; activations stay float32, so results match
// the portable kernels up to summation rounding.
#include "engine/src/kernel_row_loops.h"
#include "engine/src/kernel_table.h"
#include "common/error.h"
#include "model/src/quantize.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace smol::kernels {

namespace avx2 {

namespace {
// The R x T loops must unroll completely so that the accumulators live in registers (at -O2 GCC keeps
// them in memory otherwise).
#define SMOL_UNROLL _Pragma("GCC unroll 16")

// Lanes i < n set: loads the tail of a row without reading past its end.
__m256i tail_mask(int64_t n) {
    alignas(32) static const int32_t table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(table + 8 - n));
}

// (l0+l4 + l1+l5) + (l2+l6 + l3+l7): the order of the portable kernels' lane reduction.
float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));  // s0..s3
    __m128 pairs = _mm_add_ps(s, _mm_shuffle_ps(s, s, _MM_SHUFFLE(2, 3, 0, 1)));     // s0+s1, -, s2+s3, -
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_movehl_ps(pairs, pairs)));
}

// A weight-row reader loads `step` consecutive weights of a row as step / 8 vectors of eight float32
// (every tier sums the same dequantized values; only the order of the sums differs).

// Rows of float32 weights (or of quantized weights widened into a float32 panel), `stride` floats apart.
struct f32_rows {
    static constexpr int step = 8;
    const float* base;
    int64_t stride;
    void load(int32_t r, int64_t k, __m256* v) const { v[0] = _mm256_loadu_ps(base + r * stride + k); }
    __m256 load_tail(int32_t r, int64_t k, int64_t n) const {
        return _mm256_maskload_ps(base + r * stride + k, tail_mask(n));
    }
};

// Rows of int8 weights: sign-extended to int32, then converted to float32, eight at a time.
struct q8_rows {
    static constexpr int step = 8;
    const int8_t* base;
    int64_t stride;
    static __m256 widen(const void* p) {
        return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64(static_cast<const __m128i*>(p))));
    }
    void load(int32_t r, int64_t k, __m256* v) const { v[0] = widen(base + r * stride + k); }
    __m256 load_tail(int32_t r, int64_t k, int64_t n) const {
        int8_t bytes[8] = {};
        std::memcpy(bytes, base + r * stride + k, size_t(n));
        return widen(bytes);
    }
};

// A block's float16 scale, broadcast.
__m256 block_scale(uint16_t d) { return _mm256_set1_ps(_cvtsh_ss(d)); }

// Rows of q8_0 blocks (a whole block per step): code * scale, exact in float32.
struct q8_0_rows {
    static constexpr int step = quant_block_size;
    const std::byte* base;
    int64_t row_bytes;
    void load(int32_t r, int64_t k, __m256* v) const {
        const auto* b = reinterpret_cast<const block_q8_0*>(base + r * row_bytes) + k / quant_block_size;
        const __m256 d = block_scale(b->d);
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs));
        const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs + 16));
        v[0] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d);
        v[1] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d);
        v[2] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d);
        v[3] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d);
    }
    __m256 load_tail(int32_t, int64_t, int64_t) const { return _mm256_setzero_ps(); }  // rows are whole blocks
};

// Rows of q4_0 blocks: byte j holds weight j (low nibble) and weight j + 16 (high nibble), each minus 8.
struct q4_0_rows {
    static constexpr int step = quant_block_size;
    const std::byte* base;
    int64_t row_bytes;
    void load(int32_t r, int64_t k, __m256* v) const {
        const auto* b = reinterpret_cast<const block_q4_0*>(base + r * row_bytes) + k / quant_block_size;
        const __m256 d = block_scale(b->d);
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs));
        const __m128i nibble = _mm_set1_epi8(15), eight = _mm_set1_epi8(8);
        const __m128i lo = _mm_sub_epi8(_mm_and_si128(bytes, nibble), eight);
        const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(bytes, 4), nibble), eight);
        v[0] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d);
        v[1] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d);
        v[2] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d);
        v[3] = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d);
    }
    __m256 load_tail(int32_t, int64_t, int64_t) const { return _mm256_setzero_ps(); }  // rows are whole blocks
};

// The scale applied to a finished dot product: q8's per-tensor or per-row scale (q8_0 and q4_0 weights
// arrive scaled already).
float row_scale(const matrix_view& m, int32_t row) { return m.dtype == weight_dtype::q8 ? m.scale(row) : 1.0f; }

// out[t, r] for R rows from r0 and T tokens from t0: one accumulator per (row, token), k in ascending steps
// of eight, so every (row, token) sums in the same order whatever R and T are, and whatever the reader's
// step (results do not depend on how rows are split between threads or tokens between batches).
// prefetch: when not null, the bytes (P cache lines per step) a later block will read, fetched into L2.
template <int R, int T, typename Rows, int P = 0>
inline void block(const Rows& w, int32_t r0, const matrix_view& m, const float* in, int64_t cols, int32_t t0,
                  float* out, int32_t out_r0, const char* prefetch = nullptr) {
    constexpr int V = Rows::step / 8;
    __m256 acc[R][T];
    SMOL_UNROLL
    for (int r = 0; r < R; ++r)
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
    const float* x0 = in + t0 * cols;
    int64_t k = 0;
    for (; k + Rows::step <= cols; k += Rows::step) {
        if (P > 0 && prefetch) {
            SMOL_UNROLL
            for (int p = 0; p < P; ++p) _mm_prefetch(prefetch + (k / Rows::step * P + p) * 64, _MM_HINT_T1);
        }
        __m256 x[T][V];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t)
            SMOL_UNROLL
            for (int i = 0; i < V; ++i) x[t][i] = _mm256_loadu_ps(x0 + t * cols + k + 8 * i);
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            __m256 wv[V];
            w.load(r0 + r, k, wv);
            SMOL_UNROLL
            for (int i = 0; i < V; ++i)
                SMOL_UNROLL
                for (int t = 0; t < T; ++t) acc[r][t] = _mm256_fmadd_ps(wv[i], x[t][i], acc[r][t]);
        }
    }
    if (k < cols) {
        const int64_t n = cols - k;
        __m256 x[T];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) x[t] = _mm256_maskload_ps(x0 + t * cols + k, tail_mask(n));
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            __m256 wv = w.load_tail(r0 + r, k, n);
            SMOL_UNROLL
            for (int t = 0; t < T; ++t) acc[r][t] = _mm256_fmadd_ps(wv, x[t], acc[r][t]);
        }
    }
    SMOL_UNROLL
    for (int r = 0; r < R; ++r) {
        const int32_t row = out_r0 + r;
        const float scale = row_scale(m, row);
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) out[int64_t(t0 + t) * m.rows + row] = hsum(acc[r][t]) * scale;
    }
}

// Prefill block: 4 rows x 3 tokens = 12 accumulators, the best of 2x6, 3x4, 4x3, 5x2, 6x2 measured on
// Zen 4 (16 ymm registers: 12 accumulators, 3 token vectors, 1 weight vector).
constexpr int panel_rows = 4, panel_tokens = 3;
static_assert(panel_rows <= prefill_panel_rows_max);

// All tokens [t_begin, t_end) against R rows: blocks of three tokens, then one at a time.
template <int R, typename Rows>
void rows_by_tokens(const Rows& w, int32_t r0, const matrix_view& m, const float* in, int32_t t_begin,
                    int32_t t_end, float* out, int32_t out_r0) {
    int32_t t = t_begin;
    for (; t + panel_tokens <= t_end; t += panel_tokens) block<R, panel_tokens>(w, r0, m, in, m.cols, t, out, out_r0);
    for (; t < t_end; ++t) block<R, 1>(w, r0, m, in, m.cols, t, out, out_r0);
}

// Calls fn(rows reader, first byte of the weights, cache lines per step of eight rows) for m's dtype.
template <typename Fn>
void with_rows(const matrix_view& m, Fn&& fn) {
    const auto* bytes = [&]() -> const char* {
        switch (m.dtype) {
            case weight_dtype::f32: return reinterpret_cast<const char*>(m.f32);
            case weight_dtype::q8: return reinterpret_cast<const char*>(m.q8);
            default: return reinterpret_cast<const char*>(m.blocks);
        }
    }();
    // A step over eight rows reads 64 bytes of int8 weights, 256 of float32, 272 of q8_0, 144 of q4_0.
    switch (m.dtype) {
        case weight_dtype::f32: fn.template operator()<4>(f32_rows{m.f32, m.cols}, bytes); return;
        case weight_dtype::q8: fn.template operator()<1>(q8_rows{m.q8, m.cols}, bytes); return;
        case weight_dtype::q8_0: fn.template operator()<5>(q8_0_rows{m.blocks, m.row_bytes()}, bytes); return;
        case weight_dtype::q4_0: fn.template operator()<3>(q4_0_rows{m.blocks, m.row_bytes()}, bytes); return;
    }
}

// Decode (one token, or one per sequence of a batched decode step): eight rows at a time straight from the
// weights, each weight byte read once, the rows two blocks ahead prefetched (kernel_row_loops.h).
// Up to this many tokens the weights are read in place (no float panel to amortise): a batched decode step.
constexpr int32_t decode_tokens_max = 16;
// A batched step's tiles (kernels_bench matvec_*/avx2/*/8/1, 8 tokens, Zen 2/3): q8_0 and q4_0 rows, whose
// widening (a multiply by the block scale) costs most, go eight tokens at a time against one row (8
// accumulators, the token vectors fma memory operands: each weight widened once per eight tokens), measured
// 15-27% faster than 4 x 3 tiles (and than 2 x 6); int8 and float32 rows, cheap to widen, in 4 x 3 tiles
// (each weight widened three times per eight tokens: 1 x 8 measured 35-85% slower for them, 2 x 6 mixed).
// The 2 tokens left go in one 4 x 2 tile (7% faster for q8 than two 1-token blocks).

void matvec(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin, int32_t row_end) {
    with_rows(m, [&]<int P>(const auto& w, const char* base) {
        using rows_type = std::decay_t<decltype(w)>;
        auto rows_block = [&]<int R, int T, int Q>(int32_t r0, int32_t t0, const char* prefetch) {
            block<R, T, rows_type, Q>(w, r0, m, in, m.cols, t0, out, r0, prefetch);
        };
        int32_t r = row_begin;
        if constexpr (reads_blocks<rows_type>)
            decode_row_blocks<P, 4, panel_tokens, 1, 8, true>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        else decode_row_blocks<P, 4, panel_tokens, decode_rows, 1, true>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        tile_row_blocks<1, 1>(rows_block, n_tokens, r, row_end);
    });
}

// Rows [r, r + n_rows) as float32 into the panel (q8 codes unscaled, q8_0 / q4_0 codes times their scale),
// the values the decode readers produce.
void widen_panel(float* panel, const matrix_view& m, int32_t r, int32_t n_rows) {
    const int64_t cols = m.cols;
    if (m.dtype == weight_dtype::q8) {  // the rows of a panel are contiguous in the matrix
        const int8_t* q = m.q8 + r * cols;
        const int64_t n = n_rows * cols;
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) _mm256_storeu_ps(panel + i, q8_rows::widen(q + i));
        for (; i < n; ++i) panel[i] = static_cast<float>(q[i]);
        return;
    }
    with_rows(m, [&]<int>(const auto& w, const char*) {
        using rows_type = std::decay_t<decltype(w)>;
        if constexpr (reads_blocks<rows_type>)
            for (int32_t i = 0; i < n_rows; ++i)
                for (int64_t k = 0; k < cols; k += rows_type::step) {
                    __m256 v[rows_type::step / 8];
                    w.load(r + i, k, v);
                    for (int j = 0; j < rows_type::step / 8; ++j) _mm256_storeu_ps(panel + i * cols + k + 8 * j, v[j]);
                }
    });
}

// Prefill: panels of four weight rows against blocks of three tokens (12 accumulators), tokens in chunks
// small enough to stay in L2. Quantized rows are widened once per chunk into a float32 panel, not once per
// token.
constexpr int32_t token_chunk = 128;

void matmul_batch(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                  int32_t row_end, float* panel) {
    const int64_t cols = m.cols;
    const bool widen = m.dtype != weight_dtype::f32;
    for (int32_t tc = 0; tc < n_tokens; tc += token_chunk) {
        const int32_t tc_end = std::min(n_tokens, tc + token_chunk);
        with_rows(m, [&]<int>(const auto& w, const char*) {
            int32_t r = row_begin;
            for (; r + panel_rows <= row_end; r += panel_rows) {
                if (!widen) {
                    rows_by_tokens<panel_rows>(w, r, m, in, tc, tc_end, out, r);
                    continue;
                }
                widen_panel(panel, m, r, panel_rows);
                rows_by_tokens<panel_rows>(f32_rows{panel, cols}, 0, m, in, tc, tc_end, out, r);
            }
            for (; r < row_end; ++r) rows_by_tokens<1>(w, r, m, in, tc, tc_end, out, r);
        });
    }
}

}  // namespace

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    if (n_tokens <= decode_tokens_max) matvec(out, in, n_tokens, w, row_begin, row_end);
    else matmul_batch(out, in, n_tokens, w, row_begin, row_end, scratch);
}

float dot_f32(const float* a, const float* b, int32_t n) {
    __m256 acc = _mm256_setzero_ps();
    int32_t j = 0;
    for (; j + 8 <= n; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), acc);
    if (j < n) {
        __m256i mask = tail_mask(n - j);
        acc = _mm256_fmadd_ps(_mm256_maskload_ps(a + j, mask), _mm256_maskload_ps(b + j, mask), acc);
    }
    return hsum(acc);
}

void axpy(float* y, float a, const float* x, int32_t n) {
    const __m256 av = _mm256_set1_ps(a);
    int32_t j = 0;
    for (; j + 8 <= n; j += 8)
        _mm256_storeu_ps(y + j, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    for (; j < n; ++j) y[j] += a * x[j];
}

// Eight positions at a time, their eight sums reduced together (a transpose by horizontal adds). A group
// past `count` computes zero rows and stores only the valid ones, so a position's score is computed the
// same way whatever `count` is (decode and prefill see the same value).
void attention_scores(float* scores, const float* q, const float* keys, int64_t stride, int32_t count, int32_t head_dim, float scale) {
    const __m256 scale_v = _mm256_set1_ps(scale);
    for (int32_t s0 = 0; s0 < count; s0 += 8) {
        const int32_t n = std::min(8, count - s0);
        const float* k[8];
        SMOL_UNROLL
        for (int i = 0; i < 8; ++i) k[i] = keys + (i < n ? s0 + i : s0) * stride;  // past count: a valid row, result dropped
        __m256 acc[8];
        SMOL_UNROLL
        for (int i = 0; i < 8; ++i) acc[i] = _mm256_setzero_ps();
        int32_t d = 0;
        for (; d + 8 <= head_dim; d += 8) {
            const __m256 qv = _mm256_loadu_ps(q + d);
            SMOL_UNROLL
            for (int i = 0; i < 8; ++i) acc[i] = _mm256_fmadd_ps(qv, _mm256_loadu_ps(k[i] + d), acc[i]);
        }
        if (d < head_dim) {
            const __m256i mask = tail_mask(head_dim - d);
            const __m256 qv = _mm256_maskload_ps(q + d, mask);
            SMOL_UNROLL
            for (int i = 0; i < 8; ++i) acc[i] = _mm256_fmadd_ps(qv, _mm256_maskload_ps(k[i] + d, mask), acc[i]);
        }
        const __m256 t0 = _mm256_hadd_ps(acc[0], acc[1]), t1 = _mm256_hadd_ps(acc[2], acc[3]);
        const __m256 t2 = _mm256_hadd_ps(acc[4], acc[5]), t3 = _mm256_hadd_ps(acc[6], acc[7]);
        const __m256 u0 = _mm256_hadd_ps(t0, t1), u1 = _mm256_hadd_ps(t2, t3);
        const __m256 sums = _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
        const __m256 scaled = _mm256_mul_ps(sums, scale_v);
        if (n == 8) _mm256_storeu_ps(scores + s0, scaled);
        else _mm256_maskstore_ps(scores + s0, tail_mask(n), scaled);
    }
}

// The output (up to 64 floats at a time) stays in registers while the positions stream by.
template <int NV>
void weighted_rows(float* out, const float* weights, const float* values, int64_t stride, int32_t count) {
    __m256 acc[NV];
    SMOL_UNROLL
    for (int i = 0; i < NV; ++i) acc[i] = _mm256_setzero_ps();
    for (int32_t s = 0; s < count; ++s) {
        const __m256 w = _mm256_broadcast_ss(weights + s);
        const float* v = values + s * stride;
        SMOL_UNROLL
        for (int i = 0; i < NV; ++i) acc[i] = _mm256_fmadd_ps(w, _mm256_loadu_ps(v + 8 * i), acc[i]);
    }
    SMOL_UNROLL
    for (int i = 0; i < NV; ++i) _mm256_storeu_ps(out + 8 * i, acc[i]);
}

void attention_values(float* out, const float* weights, const float* values, int64_t stride, int32_t count, int32_t head_dim) {
    if (head_dim % 8 != 0) {
        std::fill_n(out, head_dim, 0.0f);
        for (int32_t s = 0; s < count; ++s) axpy(out, weights[s], values + s * stride, head_dim);
        return;
    }
    int32_t d = 0;
    for (; d + 64 <= head_dim; d += 64) weighted_rows<8>(out + d, weights, values + d, stride, count);
    switch ((head_dim - d) / 8) {
        case 1: weighted_rows<1>(out + d, weights, values + d, stride, count); break;
        case 2: weighted_rows<2>(out + d, weights, values + d, stride, count); break;
        case 3: weighted_rows<3>(out + d, weights, values + d, stride, count); break;
        case 4: weighted_rows<4>(out + d, weights, values + d, stride, count); break;
        case 5: weighted_rows<5>(out + d, weights, values + d, stride, count); break;
        case 6: weighted_rows<6>(out + d, weights, values + d, stride, count); break;
        case 7: weighted_rows<7>(out + d, weights, values + d, stride, count); break;
        default: break;
    }
}

namespace {

// exp(x), eight at a time (Cephes expf: range reduction by ln 2 in two parts, degree-5 polynomial), within
// a few ulp of std::exp over the clamped range; below -88.4 it returns about 1e-38 instead of 0.
__m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-88.3762626647949f)), _mm256_set1_ps(88.3762626647949f));
    __m256 fx = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f)));
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500e-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
    y = _mm256_fmadd_ps(y, _mm256_mul_ps(x, x), _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    const __m256i pow2n = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvttps_epi32(fx), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(pow2n));
}

}  // namespace

void softmax(float* x, int32_t size) {
    __m256 max_v = _mm256_set1_ps(-INFINITY);
    int32_t i = 0;
    for (; i + 8 <= size; i += 8) max_v = _mm256_max_ps(max_v, _mm256_loadu_ps(x + i));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(max_v), _mm256_extractf128_ps(max_v, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    float max = std::max(_mm_cvtss_f32(m4), _mm_cvtss_f32(_mm_shuffle_ps(m4, m4, 1)));
    for (int32_t j = i; j < size; ++j) max = std::max(max, x[j]);
    const __m256 max8 = _mm256_set1_ps(max);
    __m256 sum_v = _mm256_setzero_ps();
    for (i = 0; i + 8 <= size; i += 8) {
        const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), max8));
        _mm256_storeu_ps(x + i, e);
        sum_v = _mm256_add_ps(sum_v, e);
    }
    if (i < size) {
        const __m256i mask = tail_mask(size - i);
        const __m256 e = _mm256_and_ps(exp8(_mm256_sub_ps(_mm256_maskload_ps(x + i, mask), max8)), _mm256_castsi256_ps(mask));
        _mm256_maskstore_ps(x + i, mask, e);
        sum_v = _mm256_add_ps(sum_v, e);
    }
    const __m256 sum8 = _mm256_set1_ps(hsum(sum_v));
    for (i = 0; i + 8 <= size; i += 8) _mm256_storeu_ps(x + i, _mm256_div_ps(_mm256_loadu_ps(x + i), sum8));
    for (; i < size; ++i) x[i] /= hsum(sum_v);
}

void silu_mul(float* gate, const float* up, int32_t size) {
    const __m256 one = _mm256_set1_ps(1.0f);
    int32_t i = 0;
    for (; i + 8 <= size; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(one, exp8(_mm256_sub_ps(_mm256_setzero_ps(), g))));
        _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
    }
    for (; i < size; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
}

// The int8-activation kernels (activation_quant.h): 32 codes of a weight block and 32 activation codes in
// one register, multiplied in integers by maddubs (unsigned x signed bytes, pairs summed to int16) and
// madd (int16 pairs summed to int32), then scaled in float32 per block.
namespace {

// Weight blocks as 32 bytes. signed_codes: int8 codes, multiplied with the sign trick (|w| unsigned times
// x with w's sign: 2 * 127 * 128 fits maddubs's int16 without saturating); otherwise q4_0's unsigned
// nibbles 0..15, whose offset of 8 comes off through the activations' code sums.
struct q8_int8_rows {  // scale 1 per block: the row's scale is applied to the finished sum
    static constexpr bool signed_codes = true, block_scales = false;
    const int8_t* base;
    int64_t cols;
    __m256i load(int32_t r, int64_t b) const {
        const int8_t* p = base + r * cols + b * 32;
        if (b * 32 + 32 <= cols) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        alignas(32) int8_t bytes[32] = {};  // a row's last, partial block: zeros past its end
        std::memcpy(bytes, p, size_t(cols - b * 32));
        return _mm256_load_si256(reinterpret_cast<const __m256i*>(bytes));
    }
    float scale(int32_t, int64_t) const { return 1.0f; }
};

struct q8_0_int8_rows {
    static constexpr bool signed_codes = true, block_scales = true;
    const std::byte* base;
    int64_t row_bytes;
    const block_q8_0& at(int32_t r, int64_t b) const { return reinterpret_cast<const block_q8_0*>(base + r * row_bytes)[b]; }
    __m256i load(int32_t r, int64_t b) const { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(at(r, b).qs)); }
    float scale(int32_t r, int64_t b) const { return _cvtsh_ss(at(r, b).d); }
};

struct q4_0_int8_rows {
    static constexpr bool signed_codes = false, block_scales = true;
    const std::byte* base;
    int64_t row_bytes;
    const block_q4_0& at(int32_t r, int64_t b) const { return reinterpret_cast<const block_q4_0*>(base + r * row_bytes)[b]; }
    __m256i load(int32_t r, int64_t b) const {  // weights 0..15 from the low nibbles, 16..31 from the high
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at(r, b).qs));
        const __m128i nibble = _mm_set1_epi8(15);
        return _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(bytes, 4), nibble), _mm_and_si128(bytes, nibble));
    }
    float scale(int32_t r, int64_t b) const { return _cvtsh_ss(at(r, b).d); }
};

// out[t, r] for R rows from r0 and T tokens from t0, one float32 accumulator per (row, token), blocks in
// ascending order; prefetch: P cache lines per block into L2, as the float32 decode block.
template <int R, int T, typename Rows, int P = 0>
inline void int8_block(const Rows& w, int32_t r0, const matrix_view& m, const int8_activations& in, int32_t t0,
                       float* out, const char* prefetch = nullptr) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256 acc[R][T];
    SMOL_UNROLL
    for (int r = 0; r < R; ++r)
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) acc[r][t] = _mm256_setzero_ps();
    const int64_t blocks = (int64_t{m.cols} + 31) / 32;
    for (int64_t b = 0; b < blocks; ++b) {
        if (P > 0 && prefetch) {
            SMOL_UNROLL
            for (int p = 0; p < P; ++p) _mm_prefetch(prefetch + (b * P + p) * 64, _MM_HINT_T1);
        }
        __m256i x[T];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) x[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in.token_codes(t0 + t) + b * 32));
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            const __m256i wv = w.load(r0 + r, b);
            const __m256i abs_w = Rows::signed_codes ? _mm256_abs_epi8(wv) : wv;
            const __m256 dw = _mm256_set1_ps(w.scale(r0 + r, b));
            SMOL_UNROLL
            for (int t = 0; t < T; ++t) {
                __m256i dot;
                if constexpr (Rows::signed_codes) {
                    dot = _mm256_madd_epi16(_mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(x[t], wv)), ones);
                } else {
                    const auto* neg_sums = reinterpret_cast<const __m256i*>(in.token_neg_sums(t0 + t) + b * 8);
                    dot = _mm256_add_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(wv, x[t]), ones), _mm256_loadu_si256(neg_sums));
                }
                const __m256 dx = _mm256_loadu_ps(in.token_scales(t0 + t) + b * 8);
                const __m256 scale = Rows::block_scales ? _mm256_mul_ps(dw, dx) : dx;
                acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot), scale, acc[r][t]);
            }
        }
    }
    SMOL_UNROLL
    for (int r = 0; r < R; ++r) {
        const int32_t row = r0 + r;
        const float scale = row_scale(m, row);
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) out[int64_t(t0 + t) * m.rows + row] = hsum(acc[r][t]) * scale;
    }
}

// Calls fn.operator()<P>(reader, first weight byte): P cache lines per block of eight rows.
template <typename Fn>
void with_int8_rows(const matrix_view& m, Fn&& fn) {
    switch (m.dtype) {
        case weight_dtype::q8: fn.template operator()<4>(q8_int8_rows{m.q8, m.cols}, reinterpret_cast<const char*>(m.q8)); return;
        case weight_dtype::q8_0:
            fn.template operator()<5>(q8_0_int8_rows{m.blocks, m.row_bytes()}, reinterpret_cast<const char*>(m.blocks));
            return;
        case weight_dtype::q4_0:
            fn.template operator()<3>(q4_0_int8_rows{m.blocks, m.row_bytes()}, reinterpret_cast<const char*>(m.blocks));
            return;
        case weight_dtype::f32: break;
    }
    fail("the int8-activation kernels take q8, q8_0 or q4_0 weights, not f32");
}

// Prefill tile: 4 rows x 2 tokens (8 accumulators of 16 ymm registers, the rest for codes and products).
constexpr int int8_tile_rows = 4, int8_tile_tokens = 2;

}  // namespace

void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                      int32_t row_end) {
    with_int8_rows(m, [&]<int P>(const auto& w, const char* base) {
        using rows_type = std::decay_t<decltype(w)>;
        auto rows_block = [&]<int R, int T, int Q>(int32_t r0, int32_t t0, const char* prefetch) {
            int8_block<R, T, rows_type, Q>(w, r0, m, in, t0, out, prefetch);
        };
        int32_t r = row_begin;
        if (n_tokens <= 2) decode_row_blocks<P>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        tile_row_blocks<int8_tile_rows, int8_tile_tokens>(rows_block, n_tokens, r, row_end);
    });
}

}  // namespace avx2

const kernel_table& avx2_kernels() {
    static constexpr kernel_table table{simd_level::avx2,       avx2::matmul_rows,      avx2::dot_f32,
                                        avx2::axpy,             avx2::attention_scores, avx2::attention_values,
                                        avx2::softmax,          avx2::silu_mul,         avx2::matmul_rows_int8,
                                        "avx2"};
    return table;
}

}  // namespace smol::kernels

#endif  // __x86_64__
