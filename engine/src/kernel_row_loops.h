#pragma once
// The row and token loops every SIMD tier's matrix kernels share, around a tier's own register block
// (kernels_avx2.cpp, kernels_avx512.cpp, kernels_avx512_vnni.cpp). `block` is a generic callable
//     block.template operator()<R, T, P>(int32_t r0, int32_t t0, const char* prefetch)
// computing out[t0 .. t0+T, r0 .. r0+R] with P cache lines per step prefetched from `prefetch` (when P > 0
// and it is not null). Every tier sums each (row, token) the same way whatever R and T are, so how the
// loops cut rows and tokens never changes a result. Templates over a tier's own block type only, so each
// tier's file instantiates its own copy with its own instruction set.
#include "model/src/quantize.h"

#include <cstdint>

namespace smol::kernels {

// A tier's weight-row reader whose step is a whole q8_0 / q4_0 block: its widening multiplies by the
// block's scale, which the tiers' batched tiles spread over more tokens than int8 or float32 rows need.
template <typename Rows>
inline constexpr bool reads_blocks = Rows::step == quant_block_size;

// Decode: rows are contiguous, so the eight rows two blocks ahead are the next bytes to stream: prefetching
// them (into L2; into L1 or further ahead measured slower) while this block computes keeps enough reads in
// flight to approach memory bandwidth (the hardware prefetcher alone, with eight interleaved streams,
// reaches a fraction of it).
inline constexpr int32_t decode_rows = 8;
inline constexpr int32_t prefetch_blocks_ahead = 2;

// Rows [row_begin, row_end) of a matrix of `rows` rows, `row_bytes` apart from `base`, for a decode step
// (one token, or one per sequence of a batched decode step): blocks of eight rows with the block two ahead
// prefetched (up to the end of the matrix, not of this thread's rows: another thread's rows are worth having
// in the shared cache too). With several tokens, WideRows x WideTokens tiles, then TileRows x TileTokens
// ones, widen each weight once per tile's tokens (the cost that makes a batched step compute-bound: the
// wider the tile, the fewer times a weight is widened); the tokens left go one at a time. The rows left are
// the caller's (tile_row_blocks).
// With LastTile, the 2..TileTokens-1 tokens left after those go in one TileRows tile of that many tokens.
template <int TileRows, int T, int P, typename Block>
void last_tile(const Block& block, int32_t n_tokens, int32_t& t, int32_t r, const char* next) {
    if constexpr (T >= 2) {
        if (n_tokens - t != T) return last_tile<TileRows, T - 1, P>(block, n_tokens, t, r, next);
        for (int32_t tile = 0; tile < decode_rows; tile += TileRows)
            block.template operator()<TileRows, T, P>(r + tile, t, t == 0 && tile == 0 ? next : nullptr);
        t += T;
    }
}

template <int P, int TileRows = decode_rows, int TileTokens = 1, int WideRows = decode_rows, int WideTokens = 1,
          bool LastTile = false, typename Block>
void decode_row_blocks(const Block& block, int32_t n_tokens, int32_t& r, int32_t row_end, int32_t rows,
                       int64_t row_bytes, const char* base) {
    static_assert(decode_rows % TileRows == 0 && decode_rows % WideRows == 0, "a decode block is whole tiles");
    for (; r + decode_rows <= row_end; r += decode_rows) {
        const int32_t ahead = r + decode_rows * prefetch_blocks_ahead;
        const char* next = ahead + decode_rows <= rows ? base + int64_t(ahead) * row_bytes : nullptr;
        int32_t t = 0;
        if constexpr (WideTokens > 1)
            for (; t + WideTokens <= n_tokens; t += WideTokens)
                for (int32_t tile = 0; tile < decode_rows; tile += WideRows)
                    block.template operator()<WideRows, WideTokens, P>(r + tile, t, t == 0 && tile == 0 ? next : nullptr);
        if constexpr (TileTokens > 1)
            for (; n_tokens > 1 && t + TileTokens <= n_tokens; t += TileTokens)
                for (int32_t tile = 0; tile < decode_rows; tile += TileRows)
                    block.template operator()<TileRows, TileTokens, P>(r + tile, t, t == 0 && tile == 0 ? next : nullptr);
        if constexpr (LastTile) last_tile<TileRows, TileTokens - 1, P>(block, n_tokens, t, r, next);
        for (; t < n_tokens; ++t) block.template operator()<decode_rows, 1, P>(r, t, t == 0 ? next : nullptr);
    }
}

// Rows from r to row_end against all n_tokens: TileRows x TileTokens tiles, the tokens left one at a time,
// then the rows left one at a time.
template <int TileRows, int TileTokens, typename Block>
void tile_row_blocks(const Block& block, int32_t n_tokens, int32_t r, int32_t row_end) {
    for (; r + TileRows <= row_end; r += TileRows) {
        int32_t t = 0;
        for (; t + TileTokens <= n_tokens; t += TileTokens) block.template operator()<TileRows, TileTokens, 0>(r, t, nullptr);
        for (; t < n_tokens; ++t) block.template operator()<TileRows, 1, 0>(r, t, nullptr);
    }
    for (; r < row_end; ++r)
        for (int32_t t = 0; t < n_tokens; ++t) block.template operator()<1, 1, 0>(r, t, nullptr);
}

}  // namespace smol::kernels
