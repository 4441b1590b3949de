#pragma once
// RoPE cos/sin tables as HF computes them in float32: inv_freq[i] = 1 / theta^(2i/d), angle = pos * inv_freq[i].
// One definition for every back end: the C++ engine reads them, the ISS back end copies them into memory, so
// the two rotate with the very same numbers.
#include "model/src/model_config.h"

#include <vector>

namespace smol {

struct rope_tables {
    std::vector<float> cos, sin;  // (context, head_dim / 2)
};

rope_tables make_rope_tables(const model_config& config, int32_t context);

}  // namespace smol
