// AVX-512 (F/BW/VL/DQ) matrix kernels, compiled with those flags for this file only
// (cmake/smol_options.cmake) and reached only through the avx512 kernel table after run-time CPU
// detection. The same scheme as the AVX2 kernels (kernels_avx2.cpp) on 16-lane registers: weights widened
// to float32 in registers, float32 activations, one accumulator per (row, token) summed in ascending steps
// of sixteen columns; masked loads take the tail of a row. 32 registers allow a 4 x 6 prefill tile.
// Attention, softmax and SiLU are the AVX2 ones (they are a small part of the time).
#include "engine/src/kernel_row_loops.h"
#include "engine/src/kernel_table.h"
#include "model/src/quantize.h"

#if defined(__x86_64__)
#include <immintrin.h>

// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_ps(), which -Wall then reports as
// uninitialized in every caller (a known false positive of those headers).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <type_traits>

namespace smol::kernels {

namespace avx512 {

namespace {

#define SMOL_UNROLL _Pragma("GCC unroll 32")

constexpr int lanes = 16;

__mmask16 tail_mask(int64_t n) { return static_cast<__mmask16>((1u << n) - 1u); }

// A fixed order: the two halves added, then the eight lanes pairwise.
float hsum(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    const __m128 pairs = _mm_add_ps(s, _mm_shuffle_ps(s, s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_movehl_ps(pairs, pairs)));
}

// hsum of sixteen registers at once, lane i of the result hsum(v[i]) bit for bit: each level adds the lanes
// hsum adds at that level (the 256-bit halves, the 128-bit quarters, lanes 0+1 and 2+3, then those two),
// but two to four registers' lanes per instruction, as a transpose: 45 shuffles and adds where sixteen hsums
// take 128 (measured 2-5% less time for an 8-token product, kernels_bench shapes).
__m512 hsum16(const __m512 (&v)[16]) {
    __m512 h[8], s[4], p[2];
    SMOL_UNROLL
    for (int j = 0; j < 8; ++j)  // [v0 halves summed | v1 halves summed], of v[i] and v[i + 8] as the end needs
        h[j] = _mm512_add_ps(_mm512_shuffle_f32x4(v[j], v[j + 8], 0x44), _mm512_shuffle_f32x4(v[j], v[j + 8], 0xee));
    SMOL_UNROLL
    for (int j = 0; j < 4; ++j)  // 128-bit quarter q of s[j]: quarters summed, of v[j], v[j + 8], v[j + 4], v[j + 12]
        s[j] = _mm512_add_ps(_mm512_shuffle_f32x4(h[j], h[j + 4], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(h[j], h[j + 4], _MM_SHUFFLE(3, 1, 3, 1)));
    SMOL_UNROLL
    for (int j = 0; j < 2; ++j)  // lanes 0+1 and 2+3 of each quarter, two registers' quarters interleaved
        p[j] = _mm512_add_ps(_mm512_shuffle_ps(s[j], s[j + 2], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_ps(s[j], s[j + 2], _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_ps(_mm512_shuffle_ps(p[0], p[1], _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_shuffle_ps(p[0], p[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

// Where hsum16 leaves the sum of its v[i]: lane i with bits 0 and 1, and bits 2 and 3, swapped (its own
// inverse, so v[hsum16_lane(i)] = a_i puts a_i's sum in lane i).
constexpr int hsum16_lane(int i) { return (i & 1) << 1 | (i >> 1 & 1) | (i & 4) << 1 | (i >> 1 & 4); }

// Weight-row readers: `step` consecutive weights of a row as step / 16 vectors of float32.
struct f32_rows {
    static constexpr int step = lanes;
    const float* base;
    int64_t stride;
    void load(int32_t r, int64_t k, __m512* v) const { v[0] = _mm512_loadu_ps(base + r * stride + k); }
    __m512 load_tail(int32_t r, int64_t k, int64_t n) const {
        return _mm512_maskz_loadu_ps(tail_mask(n), base + r * stride + k);
    }
};

struct q8_rows {
    static constexpr int step = lanes;
    const int8_t* base;
    int64_t stride;
    static __m512 widen(__m128i bytes) { return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(bytes)); }
    void load(int32_t r, int64_t k, __m512* v) const {
        v[0] = widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(base + r * stride + k)));
    }
    __m512 load_tail(int32_t r, int64_t k, int64_t n) const {
        return widen(_mm_maskz_loadu_epi8(tail_mask(n), base + r * stride + k));
    }
};

__m512 block_scale(uint16_t d) { return _mm512_set1_ps(_cvtsh_ss(d)); }

// q8_0: code * scale, exact in float32.
struct q8_0_rows {
    static constexpr int step = quant_block_size;
    const std::byte* base;
    int64_t row_bytes;
    void load(int32_t r, int64_t k, __m512* v) const {
        const auto* b = reinterpret_cast<const block_q8_0*>(base + r * row_bytes) + k / quant_block_size;
        const __m512 d = block_scale(b->d);
        v[0] = _mm512_mul_ps(q8_rows::widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs))), d);
        v[1] = _mm512_mul_ps(q8_rows::widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs + 16))), d);
    }
    __m512 load_tail(int32_t, int64_t, int64_t) const { return _mm512_setzero_ps(); }  // rows are whole blocks
};

// q4_0: low nibbles are weights 0..15, high nibbles 16..31, each minus 8, times the scale. The block's
// sixteen possible weights (n - 8) * d, each exact in float32, are one register: vpermps looks each weight
// up by its nibble (it reads only an index's low four bits, so the high nibble needs a shift and no mask),
// two instructions per sixteen weights fewer than widening and scaling, and the same values.
struct q4_0_rows {
    static constexpr int step = quant_block_size;
    const std::byte* base;
    int64_t row_bytes;
    void load(int32_t r, int64_t k, __m512* v) const {
        const auto* b = reinterpret_cast<const block_q4_0*>(base + r * row_bytes) + k / quant_block_size;
        const __m512 codes = _mm512_setr_ps(-8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7);
        const __m512 table = _mm512_mul_ps(codes, block_scale(b->d));
        const __m512i bytes = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b->qs)));
        v[0] = _mm512_permutexvar_ps(bytes, table);
        v[1] = _mm512_permutexvar_ps(_mm512_srli_epi32(bytes, 4), table);
    }
    __m512 load_tail(int32_t, int64_t, int64_t) const { return _mm512_setzero_ps(); }
};

float row_scale(const matrix_view& m, int32_t row) { return m.dtype == weight_dtype::q8 ? m.scale(row) : 1.0f; }

// out[t, r] for R rows from r0 and T tokens from t0, as the AVX2 block (one accumulator per (row, token),
// the same order whatever R, T and the reader's step); prefetch: P cache lines per step into L2.
template <int R, int T, typename Rows, int P = 0>
inline void block(const Rows& w, int32_t r0, const matrix_view& m, const float* in, int64_t cols, int32_t t0,
                  float* out, int32_t out_r0, const char* prefetch = nullptr) {
    constexpr int V = Rows::step / lanes;
    __m512 acc[R][T];
    SMOL_UNROLL
    for (int r = 0; r < R; ++r)
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
    const float* x0 = in + t0 * cols;
    int64_t k = 0;
    for (; k + Rows::step <= cols; k += Rows::step) {
        if (P > 0 && prefetch) {
            SMOL_UNROLL
            for (int p = 0; p < P; ++p) _mm_prefetch(prefetch + (k / Rows::step * P + p) * 64, _MM_HINT_T1);
        }
        __m512 x[T][V];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t)
            SMOL_UNROLL
            for (int i = 0; i < V; ++i) x[t][i] = _mm512_loadu_ps(x0 + t * cols + k + lanes * i);
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            __m512 wv[V];
            w.load(r0 + r, k, wv);
            SMOL_UNROLL
            for (int i = 0; i < V; ++i)
                SMOL_UNROLL
                for (int t = 0; t < T; ++t) acc[r][t] = _mm512_fmadd_ps(wv[i], x[t][i], acc[r][t]);
        }
    }
    if (k < cols) {
        const int64_t n = cols - k;
        __m512 x[T];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) x[t] = _mm512_maskz_loadu_ps(tail_mask(n), x0 + t * cols + k);
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            const __m512 wv = w.load_tail(r0 + r, k, n);
            SMOL_UNROLL
            for (int t = 0; t < T; ++t) acc[r][t] = _mm512_fmadd_ps(wv, x[t], acc[r][t]);
        }
    }
    alignas(64) float sums[R * T];
    if constexpr (R * T == 16) {  // the batched tiles: 4 x 4 (int8, float32), 2 x 8 (blocks)
        __m512 v[16];
        SMOL_UNROLL
        for (int i = 0; i < 16; ++i) v[hsum16_lane(i)] = acc[i / T][i % T];
        _mm512_store_ps(sums, hsum16(v));
    } else {
        SMOL_UNROLL
        for (int i = 0; i < R * T; ++i) sums[i] = hsum(acc[i / T][i % T]);
    }
    SMOL_UNROLL
    for (int r = 0; r < R; ++r) {
        const int32_t row = out_r0 + r;
        const float scale = row_scale(m, row);
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) out[int64_t(t0 + t) * m.rows + row] = sums[r * T + t] * scale;
    }
}

// Prefill tile: 4 rows x 6 tokens = 24 accumulators, 6 token vectors and 1 weight vector of 32 zmm.
constexpr int panel_rows = 4, panel_tokens = 6;
static_assert(panel_rows <= prefill_panel_rows_max);

template <int R, typename Rows>
void rows_by_tokens(const Rows& w, int32_t r0, const matrix_view& m, const float* in, int32_t t_begin,
                    int32_t t_end, float* out, int32_t out_r0) {
    int32_t t = t_begin;
    for (; t + panel_tokens <= t_end; t += panel_tokens) block<R, panel_tokens>(w, r0, m, in, m.cols, t, out, out_r0);
    for (; t + 2 <= t_end; t += 2) block<R, 2>(w, r0, m, in, m.cols, t, out, out_r0);
    for (; t < t_end; ++t) block<R, 1>(w, r0, m, in, m.cols, t, out, out_r0);
}

// Quantized rows are widened eight at a time: each tile of six tokens' activations (13.5 KiB at 576
// columns), read from L2 for the first four rows, is then still in L1 for the other four, which halves the
// activation reads from L2 that bound the 4 x 6 tile (the 18 KiB panel stays in L1 too).
constexpr int32_t wide_panel_rows = 2 * panel_rows;
static_assert(wide_panel_rows <= prefill_panel_rows_max);

void wide_panel_by_tokens(const f32_rows& panel, const matrix_view& m, const float* in, int32_t t_begin, int32_t t_end,
                          float* out, int32_t out_r0) {
    int32_t t = t_begin;
    for (; t + panel_tokens <= t_end; t += panel_tokens)
        for (int32_t half = 0; half < wide_panel_rows; half += panel_rows)
            block<panel_rows, panel_tokens>(panel, half, m, in, m.cols, t, out, out_r0 + half);
    for (int32_t half = 0; half < wide_panel_rows; half += panel_rows)
        rows_by_tokens<panel_rows>(panel, half, m, in, t, t_end, out, out_r0 + half);
}

// Calls fn.operator()<P>(rows reader, first weight byte): P cache lines per step of eight rows.
template <typename Fn>
void with_rows(const matrix_view& m, Fn&& fn) {
    switch (m.dtype) {
        case weight_dtype::f32: fn.template operator()<8>(f32_rows{m.f32, m.cols}, reinterpret_cast<const char*>(m.f32)); return;
        case weight_dtype::q8: fn.template operator()<2>(q8_rows{m.q8, m.cols}, reinterpret_cast<const char*>(m.q8)); return;
        case weight_dtype::q8_0:
            fn.template operator()<5>(q8_0_rows{m.blocks, m.row_bytes()}, reinterpret_cast<const char*>(m.blocks));
            return;
        case weight_dtype::q4_0:
            fn.template operator()<3>(q4_0_rows{m.blocks, m.row_bytes()}, reinterpret_cast<const char*>(m.blocks));
            return;
    }
}

// Decode (one token, or one per sequence of a batched decode step): eight rows at a time straight from the
// weights, each weight byte read once, the rows two blocks ahead prefetched (kernel_row_loops.h).
// Up to this many tokens the weights are read in place (no float panel to amortise): a batched decode step.
constexpr int32_t decode_tokens_max = 16;
// A batched step's tiles (kernels_bench matvec_*/avx512/*/8/1, 8 tokens): q8_0 and q4_0 rows, whose widening
// (a multiply by the block scale) costs most, go eight tokens at a time against two rows (16 accumulators,
// 8 token vectors: each weight widened once per eight tokens), measured 15% faster than 8 x 3 tiles (and
// than 4 x 4); int8 and float32 rows, cheap to widen, in 4-row x 4-token tiles (16 accumulators, 4 token
// vectors: each weight widened twice per eight tokens: with hsum16, 17-19% less time for q8 than the 8 x 3
// then 8 x 2 tiles before them, 14-16% without; 2 x 8 measured between the two). Both tiles' sixteen sums
// are one hsum16. The 1-3 tokens left go in one 8 x 3 or 8 x 2 tile, or the 1-token block.

void matvec(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin, int32_t row_end) {
    with_rows(m, [&]<int P>(const auto& w, const char* base) {
        using rows_type = std::decay_t<decltype(w)>;
        auto rows_block = [&]<int R, int T, int Q>(int32_t r0, int32_t t0, const char* prefetch) {
            block<R, T, rows_type, Q>(w, r0, m, in, m.cols, t0, out, r0, prefetch);
        };
        int32_t r = row_begin;
        if constexpr (reads_blocks<rows_type>)
            decode_row_blocks<P, 8, 3, 2, 8, true>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        else decode_row_blocks<P, 8, 3, 4, 4, true>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        tile_row_blocks<1, 1>(rows_block, n_tokens, r, row_end);
    });
}

// Rows [r, r + n_rows) as float32 (q8 codes unscaled, q8_0 / q4_0 codes times their scale).
void widen_panel(float* panel, const matrix_view& m, int32_t r, int32_t n_rows) {
    const int64_t cols = m.cols;
    if (m.dtype == weight_dtype::q8) {  // the rows of a panel are contiguous in the matrix
        const int8_t* q = m.q8 + r * cols;
        const int64_t n = n_rows * cols;
        int64_t i = 0;
        for (; i + lanes <= n; i += lanes)
            _mm512_storeu_ps(panel + i, q8_rows::widen(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i))));
        if (i < n) _mm512_mask_storeu_ps(panel + i, tail_mask(n - i), q8_rows::widen(_mm_maskz_loadu_epi8(tail_mask(n - i), q + i)));
        return;
    }
    with_rows(m, [&]<int>(const auto& w, const char*) {
        using rows_type = std::decay_t<decltype(w)>;
        if constexpr (reads_blocks<rows_type>)
            for (int32_t i = 0; i < n_rows; ++i)
                for (int64_t k = 0; k < cols; k += rows_type::step) {
                    __m512 v[rows_type::step / lanes];
                    w.load(r + i, k, v);
                    for (int j = 0; j < rows_type::step / lanes; ++j) _mm512_storeu_ps(panel + i * cols + k + lanes * j, v[j]);
                }
    });
}

// Prefill: panels of four weight rows (quantized ones widened once per chunk of tokens) against tiles of
// six tokens.
constexpr int32_t token_chunk = 128;

void matmul_batch(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                  int32_t row_end, float* panel) {
    const int64_t cols = m.cols;
    for (int32_t tc = 0; tc < n_tokens; tc += token_chunk) {
        const int32_t tc_end = std::min(n_tokens, tc + token_chunk);
        with_rows(m, [&]<int>(const auto& w, const char*) {
            int32_t r = row_begin;
            for (; r + panel_rows <= row_end; r += panel_rows) {
                if (m.dtype == weight_dtype::f32) {
                    rows_by_tokens<panel_rows>(w, r, m, in, tc, tc_end, out, r);
                    continue;
                }
                if (r + wide_panel_rows <= row_end) {
                    widen_panel(panel, m, r, wide_panel_rows);
                    wide_panel_by_tokens(f32_rows{panel, cols}, m, in, tc, tc_end, out, r);
                    r += wide_panel_rows - panel_rows;
                    continue;
                }
                widen_panel(panel, m, r, panel_rows);
                rows_by_tokens<panel_rows>(f32_rows{panel, cols}, 0, m, in, tc, tc_end, out, r);
            }
            for (; r < row_end; ++r) rows_by_tokens<1>(w, r, m, in, tc, tc_end, out, r);
        });
    }
}

// activation_quant.cpp's quantize_activation_row, one block of 32 in two zmm: the same operations on each
// value (scale by 1 / d, truncate, round half away from zero from the exact fraction), so the same codes;
// the block's max and sum are exact in any order.
void quantize_activation_row(const float* x, int32_t cols, int8_t* codes, float* scales, int32_t* neg_sums) {
    const int64_t padded = act_padded_cols(cols);
    const __m512i one = _mm512_set1_epi32(1);
    for (int64_t b0 = 0; b0 < padded; b0 += act_block) {
        const int64_t n = std::clamp<int64_t>(cols - b0, 0, act_block);
        const __m512 x0 = _mm512_maskz_loadu_ps(tail_mask(std::min<int64_t>(n, 16)), x + b0);
        const __m512 x1 = _mm512_maskz_loadu_ps(tail_mask(std::clamp<int64_t>(n - 16, 0, 16)), x + b0 + 16);
        const float d = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_abs_ps(x0), _mm512_abs_ps(x1))) / 127.0f;
        const __m512 id = _mm512_set1_ps(d != 0.0f ? 1.0f / d : 0.0f);
        auto quantize = [&](__m512 xs) {
            const __m512 v = _mm512_mul_ps(xs, id);
            const __m512i t = _mm512_cvttps_epi32(v);
            const __m512 fraction = _mm512_sub_ps(v, _mm512_cvtepi32_ps(t));
            const __m512i up = _mm512_mask_add_epi32(t, _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(0.5f), _CMP_GE_OQ), t, one);
            return _mm512_mask_sub_epi32(up, _mm512_cmp_ps_mask(fraction, _mm512_set1_ps(-0.5f), _CMP_LE_OQ), up, one);
        };
        const __m512i q0 = quantize(x0), q1 = quantize(x1);  // zero past the row's end, as the padding is
        _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + b0), _mm512_cvtepi32_epi8(q0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + b0 + 16), _mm512_cvtepi32_epi8(q1));
        const int32_t sum = _mm512_reduce_add_epi32(_mm512_add_epi32(q0, q1));
        const int64_t lane0 = b0 / act_block * act_lanes_per_block;
        std::fill_n(scales + lane0, act_lanes_per_block, d);
        std::fill_n(neg_sums + lane0, act_lanes_per_block, -sum);
    }
}

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& w, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    if (n_tokens <= decode_tokens_max) matvec(out, in, n_tokens, w, row_begin, row_end);
    else matmul_batch(out, in, n_tokens, w, row_begin, row_end, scratch);
}

kernel_table make_table() {
    kernel_table table = avx2_kernels();
    table.level = simd_level::avx512;
    table.matmul_rows = matmul_rows;
    table.quantize_row = quantize_activation_row;
    if (cpu_has_avx512_vnni()) {
        table.matmul_rows_int8 = avx512_vnni::matmul_rows_int8;
        table.int8_kernel = "avx512-vnni";
    }
    return table;
}

}  // namespace

}  // namespace avx512

const kernel_table& avx512_kernels() {
    static const kernel_table table = avx512::make_table();
    return table;
}

}  // namespace smol::kernels

#endif  // __x86_64__
