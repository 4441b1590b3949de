// The amx tier (common/cpu_features.h): the avx512 table, with the int8-activation prefill (activation_quant.h)
// on AMX-INT8 tiles and the float32-mode prefill of q8 / q8r weights on AMX-BF16 tiles (further below). Compiled with AVX-512, VNNI and AMX flags for this file only (cmake/smol_options.cmake)
// and reached only through the amx kernel table after run-time detection (CPUID and Linux's grant of the
// tile state).
//
// One tile product is one activation block: C (16 tokens x 16 weight rows, int32) = A (16 tokens x the
// block's 32 codes) . B (the 16 rows' 32 codes, VNNI-interleaved: row kk of B holds codes 4kk..4kk+3 of each
// of the 16 weight rows). tdpbssd multiplies signed by signed bytes, so C is each (token, row) block sum s_b
// exactly (|s_b| <= 32 * 127 * 128). C goes to memory, and each of its 16 rows (one token, 16 weight rows) is
// converted and scaled in one zmm:
//     acc[t][r] = fma(float32(s_b), d_w[r, b] * d_x[t, b], acc[t][r])    blocks b in ascending order,
//     out[t, r] = acc[t][r] * row scale (q8; 1 for q8_0 / q4_0),
// so each (token, row) is the same sequence of roundings whatever the batch (of at least amx_tokens_min
// tokens), the rows computed with it or the thread. Batches smaller than that (decode) run the avx512 tier's
// VNNI kernel, which sums the same exact block products in another float32 order: within the amx tier a
// token's int8-mode outputs from a prefill and from one-token decode agree to float32 rounding, not bit
// for bit (docs/engine-performance.md).
//
// The weights are repacked into the B layout once per matrix, at its first tile call, into the matrix's
// cache (model_weights.h's matrix_cache, shared by the views of a model image), in the int8 mode. The
// float32 mode, and a view without a cache, repack per call, a panel of 16 rows at a time into a per-thread
// buffer: the same bytes, so the same results; the float32 mode then widens the panel's codes to bf16.
#include "engine/src/kernel_table.h"
#include "model/src/quantize.h"

#if defined(__x86_64__)
#include <immintrin.h>

// GCC 12's AVX-512 headers start some intrinsics from _mm512_undefined_*(), which -Wall then reports as
// uninitialized in every caller (a known false positive of those headers).
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>
#include <cstring>
#include <vector>

namespace smol::kernels {

namespace amx {

namespace {

#define SMOL_UNROLL _Pragma("GCC unroll 16")

constexpr int group = 16;                  // weight rows per B tile (C's int32 columns); tokens per A tile
constexpr int block_bytes = act_block;     // one block's codes: the K of one tile product
constexpr int b_tile_bytes = group * block_bytes;  // 8 rows of 64 bytes
// Below this many tokens a panel would be repacked for too few tile products: the VNNI kernel runs.
constexpr int32_t amx_tokens_min = 16;

// Tiles: A (16 x 32 bytes), B (8 x 64 bytes) and C (16 x 64 bytes), twice: two blocks in flight, so that the
// tile unit computes one while the vector units scale the other. The tile intrinsics take the register
// number as a literal (they paste it into the instruction): tmm0 A, tmm1 B, tmm2 C; tmm3-5 the second block.
enum : int { tile_a0, tile_b0, tile_c0, tile_a1, tile_b1, tile_c1 };

struct alignas(64) tile_config {
    uint8_t palette = 1;
    uint8_t start_row = 0;
    uint8_t reserved[14] = {};
    uint16_t colsb[16] = {};  // bytes per row
    uint8_t rows[16] = {};
};

// GCC 12's _tile_loadconfig tells the compiler that ldtilecfg reads only the first 8 bytes of the
// configuration, so the stores of the rest may be dropped or moved past it (then tiles stay unconfigured:
// SIGILL); this operand is the whole 64-byte structure.
void load_tile_config(const tile_config& cfg) { __asm__ volatile("ldtilecfg %0" ::"m"(cfg)); }

void configure_tiles() {
    tile_config cfg;
    for (int pair : {0, 3}) {
        cfg.rows[tile_a0 + pair] = group, cfg.colsb[tile_a0 + pair] = block_bytes;
        cfg.rows[tile_b0 + pair] = block_bytes / 4, cfg.colsb[tile_b0 + pair] = group * 4;
        cfg.rows[tile_c0 + pair] = group, cfg.colsb[tile_c0 + pair] = group * 4;
    }
    load_tile_config(cfg);
}

// What a thread keeps between calls (grown, never shrunk: a prefill allocates only on its first matrices).
struct thread_buffers {
    std::vector<int8_t> panel;   // blocks x 512 bytes: the B tiles of 16 rows (views without a cache)
    std::vector<float> d_w;      // blocks x 16: the rows' block scales (1 for q8; 0 for padding rows)
    std::vector<int8_t> tokens;  // 16 x padded_cols: a last, partial tile of tokens padded with zero codes
    std::vector<float> zero_scales;  // padded_cols / 4 zeros: the block scales of those padding tokens
};

thread_buffers& buffers() {
    thread_local thread_buffers b;
    return b;
}

__mmask16 row_mask(int n) { return static_cast<__mmask16>((1u << n) - 1u); }

// Codes of rows [r0, r0 + n) (n <= 16; the rest zero) into the B layout, block by block: dword kk of row i
// of block b (its codes 4kk..4kk+3) at panel[b * 512 + kk * 64 + i * 4]. Also the block scales, d_w[b * 16 + i].
void repack(const matrix_view& m, int32_t r0, int n, int64_t blocks, int8_t* panel, float* d_w) {
    const __mmask16 mask = row_mask(n);
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i zero = _mm512_setzero_si512();
    if (m.dtype == weight_dtype::q8) {
        const __m512i offsets = _mm512_mullo_epi32(lane, _mm512_set1_epi32(m.cols));
        const int8_t* base = m.q8 + int64_t(r0) * m.cols;
        for (int64_t b = 0; b < blocks; ++b) {
            _mm512_storeu_ps(d_w + b * group, _mm512_maskz_mov_ps(mask, _mm512_set1_ps(1.0f)));
            int8_t* tile = panel + b * b_tile_bytes;
            if ((b + 1) * block_bytes <= m.cols) {
                for (int kk = 0; kk < block_bytes / 4; ++kk)
                    _mm512_storeu_si512(tile + kk * 64, _mm512_mask_i32gather_epi32(zero, mask, offsets,
                                                                                    base + b * block_bytes + kk * 4, 1));
                continue;
            }
            // A q8 row's last, partial block: its codes, then zeros (which meet the activations' zero padding).
            std::memset(tile, 0, b_tile_bytes);
            for (int i = 0; i < n; ++i)
                for (int64_t j = b * block_bytes; j < m.cols; ++j) {
                    const int64_t k = j - b * block_bytes;
                    tile[k / 4 * 64 + i * 4 + k % 4] = base[int64_t(i) * m.cols + j];
                }
        }
        return;
    }
    const int64_t row_bytes = m.row_bytes();
    const __m512i offsets = _mm512_mullo_epi32(lane, _mm512_set1_epi32(int32_t(row_bytes)));
    const auto* base = reinterpret_cast<const char*>(m.blocks + int64_t(r0) * row_bytes);
    const __m512i half_mask = _mm512_set1_epi32(0xffff);
    for (int64_t b = 0; b < blocks; ++b) {
        int8_t* tile = panel + b * b_tile_bytes;
        if (m.dtype == weight_dtype::q8_0) {
            const char* block = base + b * int64_t(sizeof(block_q8_0));
            const __m512i d = _mm512_and_si512(_mm512_mask_i32gather_epi32(zero, mask, offsets, block, 1), half_mask);
            _mm512_storeu_ps(d_w + b * group, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(d)));
            for (int kk = 0; kk < block_bytes / 4; ++kk)
                _mm512_storeu_si512(tile + kk * 64,
                                    _mm512_mask_i32gather_epi32(zero, mask, offsets, block + offsetof(block_q8_0, qs) + kk * 4, 1));
        } else {  // q4_0: byte j holds code j (low nibble) and code j + 16 (high nibble), each plus 8
            const char* block = base + b * int64_t(sizeof(block_q4_0));
            const __m512i d = _mm512_and_si512(_mm512_mask_i32gather_epi32(zero, mask, offsets, block, 1), half_mask);
            _mm512_storeu_ps(d_w + b * group, _mm512_cvtph_ps(_mm512_cvtepi32_epi16(d)));
            const __m512i nibble = _mm512_set1_epi8(15), eight = _mm512_set1_epi8(8);
            for (int kk = 0; kk < block_bytes / 8; ++kk) {
                const __m512i bytes = _mm512_mask_i32gather_epi32(zero, mask, offsets, block + offsetof(block_q4_0, qs) + kk * 4, 1);
                // Padding rows: zero bytes would become -8; the mask keeps them zero.
                const __m512i lo = _mm512_maskz_mov_epi32(mask, _mm512_sub_epi8(_mm512_and_si512(bytes, nibble), eight));
                const __m512i hi = _mm512_maskz_mov_epi32(
                    mask, _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(bytes, 4), nibble), eight));
                _mm512_storeu_si512(tile + kk * 64, lo);
                _mm512_storeu_si512(tile + (kk + block_bytes / 8) * 64, hi);
            }
        }
    }
}

// A matrix in the B layout, panels of 16 rows from row 0 (the last one padded with zero rows): panel p's
// tiles at tiles[p * blocks * 512], its block scales at d_w[p * blocks * 16].
struct packed_matrix {
    int64_t blocks = 0;
    std::vector<int8_t> tiles;
    std::vector<float> d_w;
};

int64_t blocks_of(const matrix_view& m) { return (int64_t(m.cols) + block_bytes - 1) / block_bytes; }

// The matrix's packed copy, made by the first caller (others wait); nullptr for a view without a cache.
const packed_matrix* packed(const matrix_view& m) {
    if (!m.cache) return nullptr;
    std::call_once(m.cache->once, [&] {
        auto p = std::make_shared<packed_matrix>();
        p->blocks = blocks_of(m);
        const int64_t panels = (m.rows + group - 1) / group;
        p->tiles.resize(size_t(panels * p->blocks * b_tile_bytes));
        p->d_w.resize(size_t(panels * p->blocks * group));
        for (int64_t i = 0; i < panels; ++i)
            repack(m, int32_t(i * group), int(std::min<int64_t>(group, m.rows - i * group)), p->blocks,
                   p->tiles.data() + i * p->blocks * b_tile_bytes, p->d_w.data() + i * p->blocks * group);
        m.cache->bytes = int64_t(p->tiles.size() + p->d_w.size() * sizeof(float));
        m.cache->data = std::move(p);
    });
    return static_cast<const packed_matrix*>(m.cache->data.get());
}

// The panel of rows [p0, p0 + 16) (p0 a multiple of 16): from the cache, or repacked into the thread's buffer.
struct panel_ref {
    const int8_t* tiles;
    const float* d_w;
};
panel_ref panel_at(thread_buffers& buf, const matrix_view& m, const packed_matrix* pm, int32_t p0, int64_t blocks) {
    if (pm) return {pm->tiles.data() + p0 / group * pm->blocks * b_tile_bytes, pm->d_w.data() + p0 / group * pm->blocks * group};
    buf.panel.resize(size_t(blocks * b_tile_bytes));
    buf.d_w.resize(size_t(blocks * group));
    repack(m, p0, std::min<int32_t>(group, m.rows - p0), blocks, buf.panel.data(), buf.d_w.data());
    return {buf.panel.data(), buf.d_w.data()};
}

// The rows of the panel at p0 that [row_begin, row_end) owns: a thread's range need not start on a panel
// (its rows are split in multiples of 8), so a panel may be computed by two threads, each storing its rows.
__mmask16 owned_rows(int32_t p0, int32_t row_begin, int32_t row_end) {
    const int lo = std::max(0, row_begin - p0), hi = std::min(group, row_end - p0);
    return hi <= lo ? __mmask16(0) : static_cast<__mmask16>(row_mask(hi) & ~row_mask(lo));
}

// Scales one block's C (16 tokens x 16 rows of int32, in memory) into the accumulators, token by token.
inline void scale_block(__m512 (&acc)[group], const int32_t* c, const float* d_w, const float* const (&d_x)[group],
                        int64_t b) {
    const __m512 dw = _mm512_loadu_ps(d_w + b * group);
    SMOL_UNROLL
    for (int t = 0; t < group; ++t) {
        const __m512 s = _mm512_cvtepi32_ps(_mm512_load_si512(c + t * group));
        acc[t] = _mm512_fmadd_ps(s, _mm512_mul_ps(dw, _mm512_set1_ps(d_x[t][b * act_lanes_per_block])), acc[t]);
    }
}

// out[t0 .. t0+16, the panel's rows in `mask`] from the panel; `codes` is 16 tokens' codes, `stride` bytes
// apart; d_x[t]: token t's block scales (activation_quant.h's lanes; a zero table for padding tokens).
void panel_by_tokens(panel_ref panel_w, const int8_t* codes, int64_t stride, const float* const (&d_x)[group],
                     int64_t blocks, const __m512 row_scales, float* out, int64_t out_stride, int n_tokens, __mmask16 mask) {
    alignas(64) int32_t c[2][group * group];
    __m512 acc[group];
    SMOL_UNROLL
    for (int t = 0; t < group; ++t) acc[t] = _mm512_setzero_ps();
    const int8_t* panel = panel_w.tiles;
    const float* d_w = panel_w.d_w;
    // GCC's tileloadd statement does not tell the compiler that it reads memory: make the panel and token
    // copies written before it visible.
    __asm__ volatile("" ::: "memory");
    int64_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
        _tile_zero(2);
        _tile_zero(5);
        _tile_loadd(0, codes + b * block_bytes, stride);
        _tile_loadd(1, panel + b * b_tile_bytes, group * 4);
        _tile_loadd(3, codes + (b + 1) * block_bytes, stride);
        _tile_loadd(4, panel + (b + 1) * b_tile_bytes, group * 4);
        _tile_dpbssd(2, 0, 1);
        _tile_dpbssd(5, 3, 4);
        _tile_stored(2, c[0], group * 4);
        _tile_stored(5, c[1], group * 4);
        scale_block(acc, c[0], d_w, d_x, b);
        scale_block(acc, c[1], d_w, d_x, b + 1);
    }
    if (b < blocks) {
        _tile_zero(2);
        _tile_loadd(0, codes + b * block_bytes, stride);
        _tile_loadd(1, panel + b * b_tile_bytes, group * 4);
        _tile_dpbssd(2, 0, 1);
        _tile_stored(2, c[0], group * 4);
        scale_block(acc, c[0], d_w, d_x, b);
    }
    for (int t = 0; t < n_tokens; ++t) _mm512_mask_storeu_ps(out + t * out_stride, mask, _mm512_mul_ps(acc[t], row_scales));
}

void matmul_rows_int8(float* out, const int8_activations& in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                      int32_t row_end) {
    if (n_tokens < amx_tokens_min || row_begin >= row_end) {
        avx512_vnni::matmul_rows_int8(out, in, n_tokens, m, row_begin, row_end);
        return;
    }
    thread_buffers& buf = buffers();
    const packed_matrix* pm = packed(m);
    const int64_t blocks = blocks_of(m);
    const int64_t padded = in.padded_cols();
    // Block scales of tokens past the batch (a last, partial tile): zero.
    if (buf.zero_scales.size() < size_t(padded / 4)) buf.zero_scales.assign(size_t(padded / 4), 0.0f);
    configure_tiles();  // per call, in the thread that runs the tiles; released below
    for (int32_t r0 = row_begin / group * group; r0 < row_end; r0 += group) {
        const panel_ref panel = panel_at(buf, m, pm, r0, blocks);
        const __mmask16 mask = owned_rows(r0, row_begin, row_end);
        alignas(64) float scales[group] = {};
        for (int i = 0; i < group && r0 + i < m.rows; ++i) scales[i] = m.dtype == weight_dtype::q8 ? m.scale(r0 + i) : 1.0f;
        const __m512 row_scales = _mm512_load_ps(scales);
        for (int32_t t0 = 0; t0 < n_tokens; t0 += group) {
            const int n_tok = std::min<int32_t>(group, n_tokens - t0);
            const int8_t* codes = in.token_codes(t0);
            if (n_tok < group) {  // the tile reads 16 tokens' rows: copy the last ones and pad with zeros
                buf.tokens.assign(size_t(group * padded), int8_t{0});
                std::memcpy(buf.tokens.data(), codes, size_t(n_tok * padded));
                codes = buf.tokens.data();
            }
            const float* d_x[group];
            for (int t = 0; t < group; ++t) d_x[t] = t < n_tok ? in.token_scales(t0 + t) : buf.zero_scales.data();
            panel_by_tokens(panel, codes, padded, d_x, blocks, row_scales, out + int64_t(t0) * m.rows + r0, m.rows, n_tok,
                            mask);
        }
    }
    _tile_release();
}

// ---- The float32 mode on AMX-BF16, for q8 / q8r weights (per tensor or per row scale, no block scales) ----
// An int8 code is exact in bf16. A float32 activation x is split exactly into three bf16 terms by
// truncation: hi = x with its low 16 bits cleared, mid = (x - hi) likewise, lo = x - hi - mid (each difference
// is exact in float32, and 3 x 8 significant bits cover x's 24). tdpbf16ps multiplies bf16 pairs exactly in
// float32 and adds into float32 C elements, flushing denormal inputs and results to zero (a term below 2^-126
// is lost). So C[t][r] = the sum over the row of code * x as hi, mid and lo products per 32 columns, added
// in float32 in the tile unit's order: a float32 dot product in another order than the avx512 kernels',
// the same for a (token, row) whatever the tile, thread or batch (of 16 tokens or more). Then out = C * the
// row's scale, as every tier. q8_0 / q4_0 (codes times a float16 scale, not exact in bf16) stay on avx512.

constexpr int bf16_k = 32;                        // bf16 values per tile row of A (64 bytes)
static_assert(bf16_k == quant_block_size, "the block path takes one tile product per block");
constexpr int bf16_b_tile_bytes = group * 64;     // 16 rows of 64 bytes: 32 k x 16 weight rows
void (*avx512_matmul_rows)(float*, const float*, int32_t, const matrix_view&, int32_t, int32_t, float*) = nullptr;

struct bf16_buffers {
    // The A tiles, in the order the products read them: by tile of 16 tokens, then block of 32 columns, then
    // term (hi, mid, lo), each tile's 16 rows of 32 bf16 contiguous, so that each tile load reads 1 KiB in
    // sequence (loads of rows a token's whole row apart stalled the tile unit on L2).
    std::vector<uint16_t> split;
    std::vector<uint16_t> panel[3];  // k_pad / 32 B tiles each, of up to three panels of 16 rows
};

bf16_buffers& bf16_bufs() {
    thread_local bf16_buffers b;
    return b;
}

// All eight tiles 16 rows of 64 bytes: C (16 tokens x 16 rows of float32), A (16 tokens x 32 bf16) and B
// (16 pairs of k x 16 rows) have that shape alike; each kernel below says which tile holds what.
void configure_bf16_tiles() {
    static_assert(bf16_k / 2 == group);
    tile_config cfg;
    for (int t = 0; t < 8; ++t) cfg.rows[t] = group, cfg.colsb[t] = 64;
    load_tile_config(cfg);
}

__m256i top_halves(__m512i v) { return _mm512_cvtepi32_epi16(_mm512_srli_epi32(v, 16)); }

constexpr int64_t a_tile_elems = group * bf16_k;  // 16 tokens x 32 bf16
constexpr int64_t a_tile_stride = bf16_k * 2;     // bytes from one token's row of a tile to the next

// Offset of the A tile of `term` (0 hi, 1 mid, 2 lo) for tokens [t0, t0 + 16) and block b of `blocks`.
int64_t a_tile(int64_t blocks, int32_t t0, int64_t b, int term) {
    return ((int64_t(t0 / group) * blocks + b) * 3 + term) * a_tile_elems;
}

// Tokens [0, n) of `in` (cols floats each) split into hi / mid / lo bf16 A tiles of k_pad columns (zero past
// cols and past n up to a multiple of 16 tokens).
void split_activations(bf16_buffers& buf, const float* in, int32_t n, int64_t cols, int64_t k_pad) {
    const int64_t n_pad = (n + group - 1) / group * group, blocks = k_pad / bf16_k;
    buf.split.assign(size_t(3 * n_pad * k_pad), 0);
    const __m512i high = _mm512_set1_epi32(int32_t(0xffff0000u));
    for (int32_t t = 0; t < n; ++t)
        for (int64_t j = 0; j < cols; j += 16) {
            const __mmask16 mask = cols - j >= 16 ? __mmask16(0xffff) : row_mask(int(cols - j));
            const __m512 x = _mm512_maskz_loadu_ps(mask, in + t * cols + j);
            const __m512 hi = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(x), high));
            const __m512 r1 = _mm512_sub_ps(x, hi);
            const __m512 mid = _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(r1), high));
            const __m512 lo = _mm512_sub_ps(r1, mid);
            uint16_t* dst = buf.split.data() + a_tile(blocks, t, j / bf16_k, 0) + t % group * bf16_k + j % bf16_k;
            _mm256_mask_storeu_epi16(dst, mask, top_halves(_mm512_castps_si512(hi)));
            _mm256_mask_storeu_epi16(dst + a_tile_elems, mask, top_halves(_mm512_castps_si512(mid)));
            _mm256_mask_storeu_epi16(dst + 2 * a_tile_elems, mask, top_halves(_mm512_castps_si512(lo)));
        }
}

// One panel's int8 B tiles (the int8 path's layout: dword kk of row i holds codes 4kk..4kk+3) widened to the
// bf16 B layout: tile row 2kk holds codes (4kk, 4kk + 1) of each row as a bf16 pair, row 2kk + 1 codes
// (4kk + 2, 4kk + 3). Each code is sign-extended from its byte and converted (exact: |code| <= 128), and its
// bf16 is the float's top half. Zero codes (padding rows and columns) stay zero.
void widen_bf16(const int8_t* tiles, int64_t blocks, std::vector<uint16_t>& panel) {
    panel.resize(size_t(blocks * bf16_b_tile_bytes / 2));
    const __m512i high = _mm512_set1_epi32(int32_t(0xffff0000u));
    auto code = [](__m512i x, int byte) {  // byte `byte` of each dword, as a float32's bits
        return _mm512_castps_si512(_mm512_cvtepi32_ps(_mm512_srai_epi32(_mm512_slli_epi32(x, 24 - 8 * byte), 24)));
    };
    auto pair = [&](__m512i lo, __m512i hi) { return _mm512_or_si512(_mm512_srli_epi32(lo, 16), _mm512_and_si512(hi, high)); };
    for (int64_t b = 0; b < blocks; ++b) {
        uint16_t* dst = panel.data() + b * bf16_b_tile_bytes / 2;
        for (int kk = 0; kk < block_bytes / 4; ++kk) {
            const __m512i x = _mm512_loadu_si512(tiles + b * b_tile_bytes + kk * 64);
            _mm512_storeu_si512(dst + 2 * kk * 32, pair(code(x, 0), code(x, 1)));
            _mm512_storeu_si512(dst + (2 * kk + 1) * 32, pair(code(x, 2), code(x, 3)));
        }
    }
}

// Scaled rows of one C tile (16 tokens x the rows in `mask` of the panel at r0) into out.
void store_c(const float* c, float* out, const matrix_view& m, int32_t t0, int n_tok, int32_t r0, __mmask16 mask) {
    alignas(64) float scales[group] = {};
    for (int i = 0; i < group && r0 + i < m.rows; ++i) scales[i] = m.scale(r0 + i);
    const __m512 row_scales = _mm512_load_ps(scales);
    for (int t = 0; t < n_tok; ++t)
        _mm512_mask_storeu_ps(out + int64_t(t0 + t) * m.rows + r0, mask, _mm512_mul_ps(_mm512_load_ps(c + t * group), row_scales));
}

// P (1 to 3) panels of 16 rows from r0: for the tokens of each tile of 16, the P panels' C tiles, block after
// block: C_i += A_hi . B_i, then A_mid, then A_lo, so that each A tile (16 tokens' hi, mid or lo, read from
// L2: all the tokens' terms do not fit L1) serves 16 P rows; the loop waits on those loads, not on the
// products (docs/engine-performance.md). Tiles: 0..P-1 the panels' C, 3..2+P their B, 6 and 7 A (hi and
// lo, mid), so that one A tile is loaded while the other is multiplied.
template <int P>
void panels_bf16(const bf16_buffers& buf, float* out, int32_t n_tokens, const matrix_view& m, int32_t r0,
                 int64_t tiles, const __mmask16 (&masks)[3]) {
    alignas(64) float c[P][group * group];
    const uint16_t* a = buf.split.data();
    for (int32_t t0 = 0; t0 < n_tokens; t0 += group) {
        // tileloadd and tilestored do not tell the compiler that they touch memory: the split and panels
        // written before are read here, and the last tile's c must be read (store_c) before it is stored again.
        __asm__ volatile("" ::: "memory");
        _tile_zero(0);
        if constexpr (P > 1) _tile_zero(1);
        if constexpr (P > 2) _tile_zero(2);
        for (int64_t b = 0; b < tiles; ++b) {
            const int64_t off = b * bf16_b_tile_bytes / 2;
            _tile_loadd(3, buf.panel[0].data() + off, 64);
            if constexpr (P > 1) _tile_loadd(4, buf.panel[1].data() + off, 64);
            if constexpr (P > 2) _tile_loadd(5, buf.panel[2].data() + off, 64);
            _tile_loadd(6, a + a_tile(tiles, t0, b, 0), a_tile_stride);
            _tile_loadd(7, a + a_tile(tiles, t0, b, 1), a_tile_stride);
            _tile_dpbf16ps(0, 6, 3);
            if constexpr (P > 1) _tile_dpbf16ps(1, 6, 4);
            if constexpr (P > 2) _tile_dpbf16ps(2, 6, 5);
            _tile_loadd(6, a + a_tile(tiles, t0, b, 2), a_tile_stride);
            _tile_dpbf16ps(0, 7, 3);
            if constexpr (P > 1) _tile_dpbf16ps(1, 7, 4);
            if constexpr (P > 2) _tile_dpbf16ps(2, 7, 5);
            _tile_dpbf16ps(0, 6, 3);
            if constexpr (P > 1) _tile_dpbf16ps(1, 6, 4);
            if constexpr (P > 2) _tile_dpbf16ps(2, 6, 5);
        }
        _tile_stored(0, c[0], 64);
        if constexpr (P > 1) _tile_stored(1, c[1], 64);
        if constexpr (P > 2) _tile_stored(2, c[2], 64);
        __asm__ volatile("" ::: "memory");  // nor that tilestored writes c
        const int n_tok = std::min<int32_t>(group, n_tokens - t0);
        for (int i = 0; i < P; ++i) store_c(c[i], out, m, t0, n_tok, r0 + i * group, masks[i]);
    }
}

void matmul_rows_bf16(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                      int32_t row_end) {
    bf16_buffers& buf = bf16_bufs();
    thread_buffers& ibuf = buffers();
    // Repacked per call, not from the cache: reading the cached panels measured slower at one thread
    // (docs/engine-performance.md, "AMX tiles"), where the per-call gather reads the model's own bytes.
    const packed_matrix* pm = nullptr;
    const int64_t cols = m.cols, k_pad = (cols + bf16_k - 1) / bf16_k * bf16_k, tiles = k_pad / bf16_k;
    split_activations(buf, in, n_tokens, cols, k_pad);
    configure_bf16_tiles();
    for (int32_t r0 = row_begin / group * group; r0 < row_end;) {
        __mmask16 masks[3] = {};
        int n = 0;  // the panels from r0 with rows of this range, at most three
        for (; n < 3 && r0 + n * group < row_end; ++n) {
            masks[n] = owned_rows(r0 + n * group, row_begin, row_end);
            widen_bf16(panel_at(ibuf, m, pm, r0 + n * group, tiles).tiles, tiles, buf.panel[n]);
        }
        if (n == 3) panels_bf16<3>(buf, out, n_tokens, m, r0, tiles, masks);
        else if (n == 2) panels_bf16<2>(buf, out, n_tokens, m, r0, tiles, masks);
        else panels_bf16<1>(buf, out, n_tokens, m, r0, tiles, masks);
        r0 += n * group;
    }
    _tile_release();
}

// q8_0 / q4_0: one C tile per block (three bf16 products: the codes times hi, mid and lo), added into
// float32 accumulators in zmm times the block's float16 scale, blocks ascending:
//     acc[t][r] = fma(C_b[t][r], d_w[r, b], acc[t][r]),    out = acc.
// Two blocks in flight (C tiles 0 and 5, B tiles 4 and 6), one panel of 16 rows at a time.
void matmul_rows_bf16_blocks(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin,
                             int32_t row_end) {
    bf16_buffers& buf = bf16_bufs();
    thread_buffers& ibuf = buffers();
    // Repacked per call, not from the cache: reading the cached panels measured slower at one thread
    // (docs/engine-performance.md, "AMX tiles"), where the per-call gather reads the model's own bytes.
    const packed_matrix* pm = nullptr;
    const int64_t k_pad = m.cols, tiles = k_pad / bf16_k;  // whole blocks: bf16_k == quant_block_size
    split_activations(buf, in, n_tokens, m.cols, k_pad);
    configure_bf16_tiles();
    alignas(64) float c[2][group * group];
    for (int32_t r0 = row_begin / group * group; r0 < row_end; r0 += group) {
        const __mmask16 mask = owned_rows(r0, row_begin, row_end);
        const panel_ref panel = panel_at(ibuf, m, pm, r0, tiles);
        widen_bf16(panel.tiles, tiles, buf.panel[0]);
        const uint16_t* p = buf.panel[0].data();
        const float* d_w = panel.d_w;
        for (int32_t t0 = 0; t0 < n_tokens; t0 += group) {
            const uint16_t* a = buf.split.data();
            __asm__ volatile("" ::: "memory");  // the split and panel written above are read by tileloadd
            __m512 acc[group];
            SMOL_UNROLL
            for (int t = 0; t < group; ++t) acc[t] = _mm512_setzero_ps();
            auto scale = [&](const float* cb, int64_t b) {
                const __m512 dw = _mm512_loadu_ps(d_w + b * group);
                SMOL_UNROLL
                for (int t = 0; t < group; ++t) acc[t] = _mm512_fmadd_ps(_mm512_load_ps(cb + t * group), dw, acc[t]);
            };
            int64_t b = 0;
            for (; b + 2 <= tiles; b += 2) {
                _tile_zero(0);
                _tile_zero(5);
                _tile_loadd(4, p + b * bf16_b_tile_bytes / 2, 64);
                _tile_loadd(6, p + (b + 1) * bf16_b_tile_bytes / 2, 64);
                _tile_loadd(1, a + a_tile(tiles, t0, b, 0), a_tile_stride);
                _tile_loadd(2, a + a_tile(tiles, t0, b, 1), a_tile_stride);
                _tile_loadd(3, a + a_tile(tiles, t0, b, 2), a_tile_stride);
                _tile_dpbf16ps(0, 1, 4);
                _tile_dpbf16ps(0, 2, 4);
                _tile_dpbf16ps(0, 3, 4);
                _tile_loadd(1, a + a_tile(tiles, t0, b + 1, 0), a_tile_stride);
                _tile_loadd(2, a + a_tile(tiles, t0, b + 1, 1), a_tile_stride);
                _tile_loadd(3, a + a_tile(tiles, t0, b + 1, 2), a_tile_stride);
                _tile_dpbf16ps(5, 1, 6);
                _tile_dpbf16ps(5, 2, 6);
                _tile_dpbf16ps(5, 3, 6);
                _tile_stored(0, c[0], 64);
                _tile_stored(5, c[1], 64);
                scale(c[0], b);
                scale(c[1], b + 1);
            }
            if (b < tiles) {
                _tile_zero(0);
                _tile_loadd(4, p + b * bf16_b_tile_bytes / 2, 64);
                _tile_loadd(1, a + a_tile(tiles, t0, b, 0), a_tile_stride);
                _tile_loadd(2, a + a_tile(tiles, t0, b, 1), a_tile_stride);
                _tile_loadd(3, a + a_tile(tiles, t0, b, 2), a_tile_stride);
                _tile_dpbf16ps(0, 1, 4);
                _tile_dpbf16ps(0, 2, 4);
                _tile_dpbf16ps(0, 3, 4);
                _tile_stored(0, c[0], 64);
                scale(c[0], b);
            }
            const int n_tok = std::min<int32_t>(group, n_tokens - t0);
            for (int t = 0; t < n_tok; ++t) _mm512_mask_storeu_ps(out + int64_t(t0 + t) * m.rows + r0, mask, acc[t]);
        }
    }
    _tile_release();
}

void matmul_rows(float* out, const float* in, int32_t n_tokens, const matrix_view& m, int32_t row_begin, int32_t row_end,
                 float* scratch) {
    const bool tiles = n_tokens >= amx_tokens_min && row_begin < row_end;
    if (tiles && m.dtype == weight_dtype::q8) matmul_rows_bf16(out, in, n_tokens, m, row_begin, row_end);
    else if (tiles && m.dtype != weight_dtype::f32) matmul_rows_bf16_blocks(out, in, n_tokens, m, row_begin, row_end);
    else avx512_matmul_rows(out, in, n_tokens, m, row_begin, row_end, scratch);
}

kernel_table make_table() {
    kernel_table table = avx512_kernels();
    table.level = simd_level::amx;
    avx512_matmul_rows = table.matmul_rows;
    table.matmul_rows = matmul_rows;
    table.matmul_rows_int8 = matmul_rows_int8;
    table.int8_kernel = "amx-int8 (prefill), avx512-vnni (decode)";
    table.prefill_chunks_per_thread = 1;
    table.prefill_row_align = group;
    return table;
}

}  // namespace

}  // namespace amx

const kernel_table& amx_kernels() {
    static const kernel_table table = amx::make_table();
    return table;
}

}  // namespace smol::kernels

#endif  // __x86_64__
