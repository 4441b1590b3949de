# Self-checking: Q8 matrix-vector product, 2 rows x 64 columns, with the row loop of a matmul kernel.
# Row 0: weights 1 (all), row 1: weights -2; activations 0.5; scale 0.25 -> 8.0 and -16.0.
        .org 0x1000
        .global main
main:   la   r4, weights
        la   r6, act
        la   r3, out
        flui f1, 0x3e80             # scale 0.25
        qsetscale f1
        qsetbase r4
        li   r9, 2
.row:   fsetbase r6
        acczero
        q8macinc 32
        q8macinc 32
        accread f2
        sf   f2, 0(r3)
        addi r3, r3, 4
        loop r9, .row
        li   r10, 1
        la   r3, out
        lw   r5, 0(r3)
        li   r7, 0x41000000
        bne  r5, r7, fail
        li   r10, 2
        lw   r5, 4(r3)
        li   r7, 0xc1800000
        bne  r5, r7, fail
        li   r10, 3                 # q8macn over both rows: (64 - 128) * 0.5 = -32, * 0.25 = -8
        qsetbase r4
        fsetbase r6
        acczero
        li   r8, 64
        q8macn r8
        fsetbase r6
        q8macn r8
        accread f2
        fmv.x.w r5, f2
        li   r7, 0xc1000000
        bne  r5, r7, fail
        li   r10, 4
        qgetbase r5
        la   r7, weights
        sub  r5, r5, r7
        li   r7, 128
        bne  r5, r7, fail
        li   r10, 5
        fgetbase r5                # two q8macn 64 from act
        sub  r3, r5, r6
        li   r5, 256
        bne  r3, r5, fail
        li   r10, 6
        qsetbase r4
        fsetbase r6
        acczero
        q8mac 16                   # 16 * 1 * 0.5 = 8, * 0.25
        accread f2
        fmv.x.w r3, f2
        li   r5, 0x40000000
        bne  r3, r5, fail
        li   r10, 7
        qgetbase r3                # q8mac leaves the pointers
        sub  r3, r3, r4
        li   r5, 0
        bne  r3, r5, fail
        li   r10, 8
        vq8mul v1                  # 1 * 0.25 per lane
        vgetl f3, v1, 0
        fmv.x.w r3, f3
        li   r5, 0x3e800000
        bne  r3, r5, fail
        li   r10, 9
        la   r7, weights
        addi r7, r7, 64
        qsetbase r7
        vq8mac v1, f1              # -2 * 0.25 + 0.25
        vgetl f3, v1, 15
        fmv.x.w r3, f3
        li   r5, 0xbe800000
        bne  r3, r5, fail
        li   r10, 10               # q8row: each reads the previous row out, then streams its own
        la   r7, weights
        qsetbase r7
        la   r8, act
        fsetbase r8
        li   r6, 64
        q8row v2, r6, 3            # row of 64 ones (v2[3] = the lanes before it)
        q8row v2, r6, 4            # v2[4] = 64 * 0.5 * 0.25; row of 64 -2s
        q8row v2, r0, 5            # v2[5] = -64 * 0.25; no MACs
        vgetl f3, v2, 4
        fmv.x.w r3, f3
        li   r5, 0x41000000        # 8.0
        bne  r3, r5, fail
        li   r10, 11
        vgetl f3, v2, 5
        fmv.x.w r3, f3
        li   r5, 0xc1800000        # -16.0
        bne  r3, r5, fail
        li   r10, 12
        fgetbase r3                # aptr stays, wptr walked 128 on
        bne  r3, r8, fail
        qgetbase r3
        sub  r3, r3, r7
        li   r5, 128
        bne  r3, r5, fail
        li   r10, 0
fail:   halt

        .align 64
weights: .byte 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .byte 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .byte 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .byte 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        .byte -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2
        .byte -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2
        .byte -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2
        .byte -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2, -2
        .align 4
act:    .float 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5
        .float 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5
        .float 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5
        .float 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5
out:    .space 8
