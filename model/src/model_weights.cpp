#include "model/src/model_weights.h"

#include "common/error.h"
#include "model/src/quantize.h"

namespace smol {

const char* quant_scheme_name(quant_scheme scheme) {
    switch (scheme) {
        case quant_scheme::f32: return "f32";
        case quant_scheme::q8: return "q8";
        case quant_scheme::q8r: return "q8r";
        case quant_scheme::q8_0: return "q8_0";
        case quant_scheme::q4_0: return "q4_0";
    }
    return "unknown";
}

quant_scheme parse_quant_scheme(const std::string& name) {
    for (uint32_t i = 0; i < quant_scheme_count; ++i)
        if (name == quant_scheme_name(static_cast<quant_scheme>(i))) return static_cast<quant_scheme>(i);
    fail("unknown quantization scheme '{}' (expected f32, q8, q8r, q8_0 or q4_0)", name);
}

bool is_block_scheme(quant_scheme scheme) { return scheme == quant_scheme::q8_0 || scheme == quant_scheme::q4_0; }

int64_t matrix_view::row_bytes() const {
    switch (dtype) {
        case weight_dtype::f32: return int64_t{cols} * int64_t(sizeof(float));
        case weight_dtype::q8: return cols;
        case weight_dtype::q8_0: return int64_t{cols} / quant_block_size * int64_t(sizeof(block_q8_0));
        case weight_dtype::q4_0: return int64_t{cols} / quant_block_size * int64_t(sizeof(block_q4_0));
    }
    return 0;
}

}  // namespace smol
