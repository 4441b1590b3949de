#include "verify/src/chain.h"

#include <array>
#include <fmt/format.h>

namespace smol::verify {

namespace {

constexpr std::array kind_names = {"reference", "engine", "engine", "iss", "rtl", "gates", "llama.cpp"};
static_assert(kind_names.size() == size_t(layer_kind::llama_cpp) + 1);

// The bounds of the existing tests (reference/tests/test_engine_compare.py, backends/tests/backend_ops_test.cpp,
// dv/cosim, model/tests/oracle); docs/verification.md says why each is what it is.
constexpr bound engine_vs_reference{bound_form::relative, 1e-4,
                                    "same formulas in another summation order: fp32 rounding only"};
constexpr bound portable_vs_tier{bound_form::relative, 1e-4, "the portable kernels sum in another order"};
constexpr bound iss_vs_engine{bound_form::relative, 1e-4,
                              "the firmware's vector/Q8-unit summation order differs from the engine's"};
constexpr bound rtl_vs_iss{bound_form::bit_identical, 0, "the RTL implements the ISS's results bit for bit"};
constexpr bound gates_vs_rtl{bound_form::bit_identical, 0, "the netlist is the RTL, synthesized"};
constexpr bound llama_f32{bound_form::absolute, 1e-4, "f32 weights and activations: rounding only"};
constexpr bound llama_q8_0{bound_form::absolute, 0.6,
                           "llama.cpp also quantizes activations to Q8_0 blocks; the engine keeps them f32"};

}  // namespace

const char* layer_kind_name(layer_kind kind) { return kind_names[size_t(kind)]; }

std::vector<layer_spec> full_chain() {
    std::vector<layer_spec> chain;
    auto add = [&](layer_kind kind, quant_scheme s, std::optional<size_t> parent, bound b, const char* suffix = "") {
        chain.push_back({fmt::format("{}.{}{}", layer_kind_name(kind), quant_scheme_name(s), suffix), kind, s, parent, b});
        return chain.size() - 1;
    };
    for (quant_scheme s : {quant_scheme::f32, quant_scheme::q8, quant_scheme::q8r, quant_scheme::q8_0, quant_scheme::q4_0}) {
        const size_t ref = add(layer_kind::reference, s, std::nullopt, bound{});
        const size_t eng = add(layer_kind::engine, s, ref, engine_vs_reference);
        add(layer_kind::engine_portable, s, eng, portable_vs_tier, ".portable");
        const size_t iss = add(layer_kind::iss, s, eng, iss_vs_engine);
        const size_t rtl = add(layer_kind::rtl, s, iss, rtl_vs_iss);
        add(layer_kind::gates, s, rtl, gates_vs_rtl);
        if (s == quant_scheme::f32) add(layer_kind::llama_cpp, s, eng, llama_f32);
        if (s == quant_scheme::q8_0) add(layer_kind::llama_cpp, s, eng, llama_q8_0);
    }
    return chain;
}

}  // namespace smol::verify
