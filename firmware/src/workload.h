#pragma once
// Workload analysis of one forward pass (`smol profile`): what the model asks for, per operation,
// computed from its config; and what the firmware executes, per kernel, measured on the ISS.
#include "model/src/model_config.h"
#include "firmware/src/firmware_backend.h"

#include <cstdint>
#include <string>
#include <vector>

namespace smol::firmware {

struct op_cost {
    std::string name;
    uint64_t macs = 0;   // multiply-accumulates (matrix and attention products)
    uint64_t flops = 0;  // a MAC is 2 FLOPs; add/mul/div/max/exp/sqrt 1 each (the ISS's counting)
};

// One token at position `pos` (attending over pos + 1 cache rows): QKV, O, MLP and LM-head projections,
// attention scores and weighted sum, norms, RoPE, SiLU-gate, softmax, residual adds.
std::vector<op_cost> forward_costs(const model_config& config, int32_t pos);

struct kernel_count {
    std::string kernel;  // a global firmware symbol
    uint64_t instructions = 0, macs = 0, flops = 0;
};

struct forward_profile {
    int32_t pos = 0;
    uint64_t instructions = 0, macs = 0, flops = 0;
    double seconds = 0;  // wall time of the profiled forward pass (profiling slows it a little)
    double fill_seconds_per_token = 0;  // mean wall time of the unprofiled passes at 0..pos-1 (0 at pos 0)
    std::vector<kernel_count> kernels;  // by decreasing instruction count
};

// Runs `tokens` at positions 0.. (filling the KV cache) and profiles the forward pass of the last one.
// Per-pc counting is the ISS's: `fw` must run on an iss_target (smol::error otherwise).
forward_profile profile_forward(firmware_backend& fw, const std::vector<int32_t>& tokens);

}  // namespace smol::firmware
