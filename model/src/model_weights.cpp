#include "model/src/model_weights.h"

#include "common/error.h"

namespace smol {

const char* quant_scheme_name(quant_scheme scheme) {
    switch (scheme) {
        case quant_scheme::f32: return "f32";
        case quant_scheme::q8: return "q8";
        case quant_scheme::q8r: return "q8r";
    }
    return "unknown";
}

quant_scheme parse_quant_scheme(const std::string& name) {
    for (quant_scheme s : {quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r})
        if (name == quant_scheme_name(s)) return s;
    fail("unknown quantization scheme '{}' (expected f32, q8 or q8r)", name);
}

}  // namespace smol
