#include "engine/src/rope_tables.h"

#include <cmath>

namespace smol {

rope_tables make_rope_tables(const model_config& c, int32_t context) {
    const size_t half = size_t(c.head_dim / 2);
    std::vector<float> inv_freq(half);
    for (size_t i = 0; i < half; ++i) {
        float exponent = static_cast<float>(2 * i) / static_cast<float>(c.head_dim);
        inv_freq[i] = 1.0f / static_cast<float>(std::pow(double{c.rope_theta}, double{exponent}));
    }
    rope_tables t;
    t.cos.resize(size_t(context) * half);
    t.sin.resize(size_t(context) * half);
    for (size_t pos = 0; pos < size_t(context); ++pos)
        for (size_t i = 0; i < half; ++i) {
            float angle = static_cast<float>(pos) * inv_freq[i];  // pos < 2^24: exact in float
            t.cos[pos * half + i] = static_cast<float>(std::cos(double{angle}));
            t.sin[pos * half + i] = static_cast<float>(std::sin(double{angle}));
        }
    return t;
}

}  // namespace smol
