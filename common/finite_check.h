#pragma once
// Weights and scales must be finite: one NaN or Inf poisons every logit downstream (the model then emits
// id 0 forever), so loading stops at the first one, naming the tensor and the element.
#include "common/error.h"

#include <cmath>
#include <span>
#include <string>

namespace smol {

// `what` names the tensor in the message, e.g. "model.safetensors: tensor model.norm.weight".
inline void check_finite(std::span<const float> values, const std::string& what) {
    for (size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            fail("{}: element {} is {}; weights must be finite", what, i, std::isnan(values[i]) ? "NaN" : "infinite");
}

}  // namespace smol
