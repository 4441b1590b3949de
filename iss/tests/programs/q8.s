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
