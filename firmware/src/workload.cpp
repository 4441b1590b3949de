#include "firmware/src/workload.h"

#include "common/error.h"
#include "firmware/src/firmware_image.h"
#include "firmware/src/iss_target.h"

#include <algorithm>
#include <chrono>
#include <map>

namespace smol::firmware {

std::vector<op_cost> forward_costs(const model_config& c, int32_t pos) {
    const uint64_t L = uint64_t(c.n_layers), H = uint64_t(c.hidden_size), I = uint64_t(c.intermediate_size);
    const uint64_t Q = uint64_t(c.q_dim()), KV = uint64_t(c.kv_dim()), V = uint64_t(c.vocab_size);
    const uint64_t heads = uint64_t(c.n_heads), hd = uint64_t(c.head_dim), visible = uint64_t(pos) + 1;
    auto matmul = [](std::string name, uint64_t macs) { return op_cost{std::move(name), macs, 2 * macs}; };
    std::vector<op_cost> ops = {
        matmul("QKV projections", L * H * (Q + 2 * KV)),
        matmul("O projection", L * Q * H),
        matmul("MLP projections (gate, up, down)", L * 3 * H * I),
        matmul("LM head", V * H),
        matmul("attention scores (q.k)", L * heads * visible * hd),
        matmul("attention weighted sum", L * heads * visible * hd),
        // square + add per element, mean/eps/rsqrt, then two multiplies per element.
        {"RMSNorm (2 per layer + final)", 0, (2 * L + 1) * (4 * H + 3)},
        // per pair: 4 multiplies, 1 add, 1 subtract; q and k heads.
        {"RoPE", 0, L * (heads + uint64_t(c.n_kv_heads)) * (hd / 2) * 6},
        // silu(g) = g / (1 + exp(-g)): exp, add, divide; then * up.
        {"SiLU-gate", 0, L * I * 4},
        // max, subtract, exp, sum, divide per score; scale per score.
        {"softmax (incl. score scaling)", 0, L * heads * visible * 6},
        {"residual adds", 0, L * 2 * H},
    };
    return ops;
}

forward_profile profile_forward(firmware_backend& fw, const std::vector<int32_t>& tokens) {
    if (tokens.empty()) fail("profile: no tokens");
    auto* on_iss = dynamic_cast<iss_target*>(&fw.target());
    if (!on_iss) fail("profile: per-kernel counts need the ISS target, not {}", fw.target().name());
    iss::machine& m = on_iss->machine();
    const int32_t last = static_cast<int32_t>(tokens.size()) - 1;
    using clock = std::chrono::steady_clock;
    forward_profile out;
    m.enable_pc_profile(false);
    auto fill_start = clock::now();
    for (int32_t p = 0; p < last; ++p) fw.forward(tokens[size_t(p)], p);
    if (last > 0) out.fill_seconds_per_token = std::chrono::duration<double>(clock::now() - fill_start).count() / last;
    m.enable_pc_profile(true);
    auto start = clock::now();
    fw.forward(tokens.back(), last);
    out.seconds = std::chrono::duration<double>(clock::now() - start).count();
    m.enable_pc_profile(false);
    out.pos = last;
    const iss::run_stats& st = m.stats();
    out.instructions = st.instret;
    out.macs = st.macs;
    out.flops = st.flops;
    std::map<std::string, kernel_count> by_kernel;
    m.for_each_pc_counter([&](uint32_t pc, const iss::op_counters& c) {
        std::string name(kernel_of(pc));
        kernel_count& k = by_kernel[name.empty() ? "(outside the firmware)" : name];
        k.kernel = name;
        k.instructions += c.count;
        k.macs += c.macs;
        k.flops += c.flops;
    });
    for (auto& [name, k] : by_kernel) out.kernels.push_back(k);
    std::stable_sort(out.kernels.begin(), out.kernels.end(),
                     [](const kernel_count& a, const kernel_count& b) { return a.instructions > b.instructions; });
    return out;
}

}  // namespace smol::firmware
