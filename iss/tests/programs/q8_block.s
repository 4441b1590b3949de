# Self-checking: the block-scaled MACs over llama.cpp blocks (docs/isa.md section 7).
# q8_0 row of 2 blocks: d = 0.5, codes 2; d = -0.25, codes 3; activations 1: 32 - 24 = 8.
# q4_0 block: d = 2, bytes 0x9a (low nibble 10 -> code 2 for elements 0..15, high 9 -> code 1 for 16..31);
# activations 1 for elements 0..15 and 0.5 for 16..31: 16 * 4 + 16 * 1 = 80.
        .org 0x1000
        .global main
main:   la   r4, q8blocks
        la   r6, act
        qsetbase r4
        fsetbase r6
        acczero
        li   r8, 2
        q8bmacn r8
        accread f2                  # the reset scale is 1.0
        li   r10, 1
        fmv.x.w r5, f2
        li   r7, 0x41000000
        bne  r5, r7, fail
        li   r10, 2                 # wptr walked 2 blocks of 34 bytes
        qgetbase r5
        sub  r5, r5, r4
        li   r7, 68
        bne  r5, r7, fail
        li   r10, 3                 # aptr walked 64 activations
        fgetbase r5
        sub  r5, r5, r6
        li   r7, 256
        bne  r5, r7, fail
        li   r10, 4
        la   r4, q4block
        la   r6, act2
        qsetbase r4
        fsetbase r6
        acczero
        li   r8, 1
        q4bmacn r8
        accread f2
        fmv.x.w r5, f2
        li   r7, 0x42a00000
        bne  r5, r7, fail
        li   r10, 5                 # wptr walked one block of 18 bytes
        qgetbase r5
        sub  r5, r5, r4
        li   r7, 18
        bne  r5, r7, fail
        li   r10, 0
fail:   halt

        .align 4
act:    .float 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
        .float 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
        .float 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
        .float 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
act2:   .float 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0
        .float 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5
q8blocks:
        .half 0x3800
        .byte 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
        .half 0xb400
        .byte 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3
q4block:
        .half 0x4000
        .byte 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a, 0x9a
