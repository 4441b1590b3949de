# The SMOL-32 firmware image: every kernel of the forward pass, assembled at address 0 (docs/firmware.md).
# descriptor.inc is generated at build time from firmware/src/descriptor.h (the D_*/L_* field offsets,
# DESC_ADDR, LAYER_BYTES, HALT_* codes), so the host and the firmware share one layout.
        .include "descriptor.inc"
        .org    0
        .include "kernels/forward.s"
        .include "kernels/matvec_q8.s"
        .include "kernels/matvec_f32.s"
        .include "kernels/matvec_block.s"
        .include "kernels/rmsnorm.s"
        .include "kernels/rope.s"
        .include "kernels/attention.s"
        .include "kernels/silu_mul.s"
        .include "kernels/residual.s"
        .include "kernels/embed.s"
        .include "kernels/embed_block.s"

# Return address for kernels called directly by the host (kernel tests): ra = host_return.
        .global host_return
host_return:
        halt
