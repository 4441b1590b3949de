#pragma once
// The Verilated FP units behind one call: run(op, a, b, c) drives the unit that implements `op` and
// returns its result, in the same form as fpu_golden. One fpu_dut per thread (each owns its context).
#include <cstdint>
#include <memory>

#include "dv/fpu/fpu_ops.h"

namespace smol::dv::fpu {

class fpu_dut {
public:
    fpu_dut();
    ~fpu_dut();
    fpu_dut(const fpu_dut&) = delete;
    fpu_dut& operator=(const fpu_dut&) = delete;

    // Throws std::runtime_error when a multi-cycle unit breaks its handshake (no valid within the
    // cycle limit, valid longer than one cycle, busy low while working).
    uint32_t run(fpu_op op, uint32_t a, uint32_t b, uint32_t c);

private:
    uint32_t transc(uint8_t code, uint32_t a);  // code: smol_fp_transc's op_i
    struct models;
    std::unique_ptr<models> m_;
};

}  // namespace smol::dv::fpu
