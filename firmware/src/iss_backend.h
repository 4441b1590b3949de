#pragma once
// The ISS as an inference back end: the model image, the firmware and a descriptor in SMOL-32 memory
// (docs/memory-map.md); each token is one run of the firmware's `forward` on the golden ISS. The KV cache
// lives in ISS memory and persists across eval calls, like the engine's.
#include "engine/src/backend.h"
#include "model/src/model_weights.h"
#include "firmware/src/memory_map.h"
#include "iss/src/machine.h"

#include <cstddef>
#include <memory>
#include <span>

namespace smol::firmware {

class iss_backend final : public inference_backend {
public:
    // `image` is the converted model image (docs/model-format.md) that `weights` views; int8 schemes only.
    iss_backend(const model_weights& weights, std::span<const std::byte> image, int32_t context_length);

    const model_config& config() const override { return w_.config; }
    int32_t context_length() const override { return context_; }
    void eval(std::span<const int32_t> tokens, int32_t start_pos, std::span<float> logits, bool all_logits) override;

    // One forward pass of `token` at `pos`: the logits are left in ISS memory (read_logits).
    void forward(int32_t token, int32_t pos);
    void read_logits(std::span<float> out) const;

    const memory_plan& plan() const { return plan_; }
    iss::machine& machine() { return *m_; }
    // Counters of the last forward pass (the machine is reset before each one).
    const iss::run_stats& last_stats() const { return m_->stats(); }
    // Per-pc counters for the next forward passes (per kernel: firmware_symbols()).
    void enable_profile(bool on) { m_->enable_pc_profile(on); }

private:
    void write_descriptor();
    void check_descriptor() const;

    const model_weights& w_;
    std::span<const std::byte> image_;
    int32_t context_;
    memory_plan plan_;
    std::unique_ptr<iss::machine> m_;
    uint32_t entry_ = 0;
};

}  // namespace smol::firmware
