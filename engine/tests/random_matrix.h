#pragma once
// Random weight matrices of every dtype for the kernel tests: q8 codes over the full -127..127 range with
// one scale per tensor or per row, q8_0 / q4_0 blocks quantized from uniform values (cols a multiple of 32).
#include "engine/src/sampler.h"
#include "model/src/model_weights.h"
#include "model/src/quantize.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smol::testing {

struct random_matrix {
    std::vector<float> f32;
    std::vector<int8_t> q8;
    std::vector<float> scales;
    std::vector<std::byte> blocks;
    matrix_view view;
};

inline random_matrix make_matrix(int32_t rows, int32_t cols, weight_dtype dtype, bool per_row, uint64_t seed) {
    random_generator rng(seed);
    random_matrix m;
    m.view.dtype = dtype;
    m.view.rows = rows;
    m.view.cols = cols;
    const size_t n = size_t(rows) * size_t(cols);
    if (dtype == weight_dtype::f32) {
        m.f32.resize(n);
        for (float& x : m.f32) x = float(rng.uniform() - 0.5);
        m.view.f32 = m.f32.data();
    } else if (dtype != weight_dtype::q8) {
        std::vector<float> values(n);
        for (float& x : values) x = float(rng.uniform() - 0.5);
        m.blocks.resize(size_t(rows) * size_t(m.view.row_bytes()));
        const size_t n_blocks = n / quant_block_size;
        if (dtype == weight_dtype::q8_0) q8_0_quantize(values, {reinterpret_cast<block_q8_0*>(m.blocks.data()), n_blocks});
        else q4_0_quantize(values, {reinterpret_cast<block_q4_0*>(m.blocks.data()), n_blocks});
        m.view.blocks = m.blocks.data();
    } else {
        m.q8.resize(n);
        for (int8_t& x : m.q8) x = static_cast<int8_t>(int(rng.uniform() * 255.0) - 127);
        m.scales.resize(per_row ? size_t(rows) : 1);
        for (float& s : m.scales) s = 0.001f + 0.01f * float(rng.uniform());
        m.view.q8 = m.q8.data();
        m.view.scales = m.scales.data();
        m.view.scale_count = int32_t(m.scales.size());
    }
    return m;
}

}  // namespace smol::testing
