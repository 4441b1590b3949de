#pragma once
// The layers `smol verify` can run and the links between them (docs/verification.md): every layer has the
// one above it on the same weights as its parent, and the bound the link must hold.
#include "model/src/model_weights.h"

#include <optional>
#include <string>
#include <vector>

namespace smol::verify {

enum class layer_kind { reference, engine, engine_portable, iss, rtl, gates, llama_cpp };
const char* layer_kind_name(layer_kind kind);  // the first part of a layer's name: "engine", "iss", ...

// How far a layer may be from its parent. Relative bounds are on max|Δlogit| / max|parent logit|; absolute
// ones on max|Δ| itself (llama.cpp's: on logits relative to the top token, all it gives back).
enum class bound_form { bit_identical, relative, absolute };
struct bound {
    bound_form form = bound_form::bit_identical;
    double value = 0;
    const char* why = "";
};

struct layer_spec {
    std::string name;              // "engine.q8r.portable": kind, scheme, kernel path
    layer_kind kind;
    quant_scheme scheme;
    std::optional<size_t> parent;  // index in the chain of the layer above it on the same weights
    bound to_parent;
};

// Every layer for the five weight schemes, in an order where each parent comes before its children.
std::vector<layer_spec> full_chain();

}  // namespace smol::verify
