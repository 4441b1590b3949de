#pragma once
// The firmware host: the model image, the firmware and a descriptor laid out in SMOL-32 memory
// (docs/memory-map.md), each token one run of the firmware's `forward` on a target (firmware/src/target.h:
// the ISS, or the RTL core). Halt codes and traps become errors naming the kernel. The KV cache lives in
// target memory and persists across eval calls, like the engine's.
#include "engine/src/backend.h"
#include "firmware/src/memory_map.h"
#include "firmware/src/target.h"
#include "model/src/model_weights.h"

#include <cstddef>
#include <memory>
#include <span>

namespace smol::firmware {

// The weight schemes the firmware has kernels for.
bool firmware_runs(quant_scheme scheme);

class firmware_backend final : public inference_backend {
public:
    // `image` is the converted model image (docs/model-format.md) that `weights` views.
    // `make_target` is called once, with the memory size the plan needs.
    firmware_backend(const model_weights& weights, std::span<const std::byte> image, int32_t context_length,
                     const target_factory& make_target);

    const model_config& config() const override { return w_.config; }
    int32_t context_length() const override { return context_; }
    void eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) override;

    // One forward pass of `token` at `pos`: the logits are left in target memory (read_logits).
    void forward(int32_t token, int32_t pos);
    void read_logits(std::span<float> out) const;

    const memory_plan& plan() const { return plan_; }
    firmware::target& target() { return *target_; }
    // What the last forward pass's run reported.
    const target_result& last_run() const { return last_run_; }

private:
    void write_descriptor();
    void check_descriptor() const;

    const model_weights& w_;
    std::span<const std::byte> image_;
    int32_t context_;
    memory_plan plan_;
    std::unique_ptr<firmware::target> target_;
    uint32_t entry_ = 0;
    target_result last_run_;
};

}  // namespace smol::firmware
