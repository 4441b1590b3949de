#include "model/src/quantize.h"

#include <algorithm>
#include <cmath>

namespace smol {

float q8_scale(std::span<const float> values) {
    float max_abs = 0.0f;
    for (float v : values) max_abs = std::max(max_abs, std::fabs(v));
    return max_abs / 127.0f;
}

void q8_quantize(std::span<const float> values, float scale, std::span<int8_t> out) {
    for (size_t i = 0; i < values.size(); ++i) {
        if (scale == 0.0f) {
            out[i] = 0;
            continue;
        }
        // nearbyint rounds half to even in the default rounding mode, as torch.round does.
        float q = std::nearbyint(values[i] / scale);
        out[i] = static_cast<int8_t>(std::clamp(q, -127.0f, 127.0f));
    }
}

}  // namespace smol
