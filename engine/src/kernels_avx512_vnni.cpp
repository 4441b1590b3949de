// The avx512 tier's int8-activation kernel (activation_quant.h) with AVX512-VNNI, compiled with those flags
// for this file only (cmake/smol_options.cmake) and reached only through the avx512 kernel table when
// CPUID reports AVX512-VNNI (cpu_has_avx512_vnni). vpdpbusd multiplies unsigned by signed bytes and adds
// groups of four products into int32 lanes, without saturation. The weights are made the unsigned operand:
// an int8 code w becomes w + 128 (its sign bit flipped), so each block's sum is dot + 128 * sum(x), and the
// accumulator starts at -16 * sum(x) in each of the block's eight lanes (the activations' code sums,
// stored with them); q4_0's nibbles 0..15 are unsigned already, code - 8 taken off as -sum(x) per lane.
// A 512-bit step is two blocks: lanes 0..7 hold block 2s, lanes 8..15 block 2s + 1, each scaled by its
// own d_x * d_w in float32.
#include "engine/src/kernel_row_loops.h"
#include "engine/src/kernel_table.h"
#include "model/src/quantize.h"

#if defined(__x86_64__)
#include <immintrin.h>

// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*(), which -Wall then reports as
// uninitialized in every caller (a known false positive of those headers).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <type_traits>
#include <vector>

namespace smol::kernels {

namespace avx512_vnni {

namespace {

#define SMOL_UNROLL _Pragma("GCC unroll 32")

constexpr int64_t step_codes = 64;  // two blocks

float hsum(__m512 v) { return _mm512_reduce_add_ps(v); }

// Not a namespace-scope constant: its initializer would run at start-up on CPUs without AVX-512.
__m512i flip_sign(__m512i v) { return _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80))); }

// Two blocks' float16 scales (d1 = 0: no second block) as lanes 0..7 = d0, 8..15 = d1: one conversion of
// both and one permute, where a broadcast per block and an insert cost twice the instructions.
__m512 pair_scales(uint16_t d0, uint16_t d1) {
    const __m128 both = _mm_cvtph_ps(_mm_cvtsi32_si128(int(uint32_t(d0) | uint32_t(d1) << 16)));
    return _mm512_permutexvar_ps(_mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0), _mm512_castps128_ps512(both));
}

// q8: 64 codes of a row (a masked load past its end: zero bytes, which meet zero activation codes).
struct q8_rows {
    static constexpr bool signed_codes = true, block_scales = false;
    const int8_t* base;
    int64_t cols;
    __m512i load(int32_t r, int64_t s) const {
        const int8_t* p = base + r * cols + s * step_codes;
        const int64_t n = cols - s * step_codes;
        const __m512i v = n >= step_codes ? _mm512_loadu_si512(p) : _mm512_maskz_loadu_epi8((__mmask64{1} << n) - 1, p);
        return flip_sign(v);
    }
    __m512 scales(int32_t, int64_t) const { return _mm512_set1_ps(1.0f); }
};

// q8_0: two blocks' codes; a row of an odd number of blocks ends on one (the other half zero, scale 0).
struct q8_0_rows {
    static constexpr bool signed_codes = true, block_scales = true;
    const std::byte* base;
    int64_t row_bytes, blocks;
    const block_q8_0* row(int32_t r) const { return reinterpret_cast<const block_q8_0*>(base + r * row_bytes); }
    __m512i load(int32_t r, int64_t s) const {
        const block_q8_0* b = row(r) + 2 * s;
        const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[0].qs));
        const __m256i hi = 2 * s + 1 < blocks ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[1].qs)) : _mm256_setzero_si256();
        return flip_sign(_mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1));
    }
    __m512 scales(int32_t r, int64_t s) const {
        const block_q8_0* b = row(r) + 2 * s;
        return pair_scales(b[0].d, 2 * s + 1 < blocks ? b[1].d : uint16_t{0});
    }
};

// q4_0: each block's 16 bytes twice, the second copy shifted right by 4, then masked to nibbles:
// [block 2s low nibbles | its high nibbles | block 2s+1 low | high], the order of the activation codes.
struct q4_0_rows {
    static constexpr bool signed_codes = false, block_scales = true;
    const std::byte* base;
    int64_t row_bytes, blocks;
    const block_q4_0* row(int32_t r) const { return reinterpret_cast<const block_q4_0*>(base + r * row_bytes); }
    __m512i load(int32_t r, int64_t s) const {
        const block_q4_0* b = row(r) + 2 * s;
        const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[0].qs));
        const __m128i hi = 2 * s + 1 < blocks ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(b[1].qs)) : _mm_setzero_si128();
        const __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_broadcastsi128_si256(lo)),
                                                _mm256_broadcastsi128_si256(hi), 1);
        const __m512i shifts = _mm512_set_epi64(4, 4, 0, 0, 4, 4, 0, 0);
        return _mm512_and_si512(_mm512_srlv_epi64(both, shifts), _mm512_set1_epi8(15));
    }
    __m512 scales(int32_t r, int64_t s) const {
        const block_q4_0* b = row(r) + 2 * s;
        return pair_scales(b[0].d, 2 * s + 1 < blocks ? b[1].d : uint16_t{0});
    }
};

float row_scale(const matrix_view& m, int32_t row) { return m.dtype == weight_dtype::q8 ? m.scale(row) : 1.0f; }

// out[t, r] for R rows from r0 and T tokens from t0: one float32 accumulator per (row, token), steps in
// ascending order; prefetch: P cache lines per step into L2 (kernels_avx2.cpp says why).
// n_rows < R: only the first n_rows are written (a packed prefill's last panel; its other rows are zero).
template <int R, int T, typename Rows, int P = 0>
inline void int8_block(const Rows& w, int32_t r0, const matrix_view& m, const int8_activations& in, int32_t t0,
                       float* out, const char* prefetch = nullptr, int32_t n_rows = R) {
    __m512 acc[R][T];
    SMOL_UNROLL
    for (int r = 0; r < R; ++r)
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
    const int64_t steps = in.padded_cols() / step_codes;
    for (int64_t s = 0; s < steps; ++s) {
        if (P > 0 && prefetch) {
            SMOL_UNROLL
            for (int p = 0; p < P; ++p) _mm_prefetch(prefetch + (s * P + p) * 64, _MM_HINT_T1);
        }
        __m512i x[T], start[T];
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) {
            x[t] = _mm512_loadu_si512(in.token_codes(t0 + t) + s * step_codes);
            const __m512i neg_sums = _mm512_loadu_si512(in.token_neg_sums(t0 + t) + s * 16);
            start[t] = Rows::signed_codes ? _mm512_slli_epi32(neg_sums, 4) : neg_sums;
        }
        SMOL_UNROLL
        for (int r = 0; r < R; ++r) {
            const __m512i wv = w.load(r0 + r, s);
            const __m512 dw = w.scales(r0 + r, s);
            SMOL_UNROLL
            for (int t = 0; t < T; ++t) {
                const __m512i dot = _mm512_dpbusd_epi32(start[t], wv, x[t]);
                const __m512 dx = _mm512_loadu_ps(in.token_scales(t0 + t) + s * 16);
                const __m512 scale = Rows::block_scales ? _mm512_mul_ps(dw, dx) : dx;
                acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dot), scale, acc[r][t]);
            }
        }
    }
    SMOL_UNROLL
    for (int r = 0; r < R; ++r) {
        if (r >= n_rows) break;
        const int32_t row = r0 + r;
        const float scale = row_scale(m, row);
        SMOL_UNROLL
        for (int t = 0; t < T; ++t) out[int64_t(t0 + t) * m.rows + row] = hsum(acc[r][t]) * scale;
    }
}

// Calls fn.operator()<P>(reader, first weight byte): P cache lines per step of eight rows.
template <typename Fn>
void with_rows(const matrix_view& m, Fn&& fn) {
    const int64_t blocks = m.cols / quant_block_size;
    switch (m.dtype) {
        case weight_dtype::q8: fn.template operator()<8>(q8_rows{m.q8, m.cols}, reinterpret_cast<const char*>(m.q8)); return;
        case weight_dtype::q8_0:
            fn.template operator()<9>(q8_0_rows{m.blocks, m.row_bytes(), blocks}, reinterpret_cast<const char*>(m.blocks));
            return;
        case weight_dtype::q4_0:
            fn.template operator()<5>(q4_0_rows{m.blocks, m.row_bytes(), blocks}, reinterpret_cast<const char*>(m.blocks));
            return;
        case weight_dtype::f32: return;  // never asked (kernels.h): f32 weights keep float32 activations
    }
}

// Prefill tile: 4 rows x 4 tokens = 16 accumulators, with 4 token code vectors and 4 sum vectors of 32 zmm.
constexpr int tile_rows = 4, tile_tokens = 4;

// Prefill of at least this many tokens packs its weights (below: h-serve's batched-decode tiles above).
constexpr int32_t packed_tokens_min = 16;

// A panel of R weight rows as the readers load them, packed once per panel for all of a prefill's tokens:
// per row and step, 64 code bytes (sign-flipped for signed codes, q4_0's nibbles unpacked) and the two
// blocks' scales as one vector. A tile then loads each weight vector and its scales in one instruction each
// instead of two loads, an insert, a flip, a float16 conversion and a permute per tile of tokens.
struct alignas(64) zmm_bytes {
    unsigned char bytes[64];
};

template <int R>
struct packed_panel {
    std::vector<zmm_bytes> codes;   // (steps, R) code vectors
    std::vector<zmm_bytes> scales;  // (steps, R) scale vectors
    int64_t steps = 0;
    template <typename Rows>
    void pack(const Rows& w, int32_t r0, int32_t n_rows, int64_t n_steps) {
        steps = n_steps;
        codes.resize(size_t(steps * R));
        scales.resize(size_t(steps * R));
        for (int64_t s = 0; s < steps; ++s)
            for (int r = 0; r < R; ++r) {
                const bool real = r < n_rows;
                _mm512_store_si512(codes[size_t(s * R + r)].bytes, real ? w.load(r0 + r, s) : _mm512_setzero_si512());
                _mm512_store_ps(scales[size_t(s * R + r)].bytes, real ? w.scales(r0 + r, s) : _mm512_setzero_ps());
            }
    }
};

// A packed panel read as weight rows r0..r0+R-1, so int8_block runs on it unchanged: the same operations
// on the same values in the same order per (row, token), and a prefill's outputs are bit-identical to those
// of a decode step (batch identity).
template <int R, typename Rows>
struct packed_rows {
    static constexpr bool signed_codes = Rows::signed_codes, block_scales = Rows::block_scales;
    const packed_panel<R>& panel;
    int32_t r0;
    __m512i load(int32_t r, int64_t s) const { return _mm512_load_si512(panel.codes[size_t(s * R + r - r0)].bytes); }
    __m512 scales(int32_t r, int64_t s) const { return _mm512_load_ps(panel.scales[size_t(s * R + r - r0)].bytes); }
};

// Prefill: panels of 4 rows packed once (a thread's own buffer, reused by every call), each against all
// tokens in tiles of 4, the tokens left one at a time.
template <typename Rows>
void packed_prefill(const Rows& w, float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& m,
                    int32_t row_begin, int32_t row_end) {
    thread_local packed_panel<tile_rows> panel;
    const int64_t steps = in.padded_cols() / step_codes;
    for (int32_t r = row_begin; r < row_end; r += tile_rows) {
        const int32_t n_rows = std::min(tile_rows, row_end - r);
        panel.pack(w, r, n_rows, steps);
        const packed_rows<tile_rows, Rows> packed{panel, r};
        int32_t t = 0;
        for (; t + tile_tokens <= n_tokens; t += tile_tokens)
            int8_block<tile_rows, tile_tokens>(packed, r, m, in, t, out, nullptr, n_rows);
        for (; t < n_tokens; ++t) int8_block<tile_rows, 1>(packed, r, m, in, t, out, nullptr, n_rows);
    }
}

}  // namespace

void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                      int32_t row_end) {
    with_rows(m, [&]<int P>(const auto& w, const char* base) {
        using rows_type = std::decay_t<decltype(w)>;
        if (n_tokens >= packed_tokens_min) {
            packed_prefill(w, out, in, n_tokens, m, row_begin, row_end);
            return;
        }
        auto rows_block = [&]<int R, int T, int Q>(int32_t r0, int32_t t0, const char* prefetch) {
            int8_block<R, T, rows_type, Q>(w, r0, m, in, t0, out, prefetch);
        };
        int32_t r = row_begin;
        if (n_tokens <= 2) decode_row_blocks<P>(rows_block, n_tokens, r, row_end, m.rows, m.row_bytes(), base);
        tile_row_blocks<tile_rows, tile_tokens>(rows_block, n_tokens, r, row_end);
    });
}

}  // namespace avx512_vnni

}  // namespace smol::kernels

#endif  // __x86_64__
