# Self-checking: loads and stores (word, byte, float, vector).
        .org 0x1000
        .global main
main:   la   r1, data
        li   r10, 1
        lw   r3, 0(r1)
        li   r5, 0x80f1f2f3
        bne  r3, r5, fail
        li   r10, 2
        lb   r3, 3(r1)
        li   r5, -128
        bne  r3, r5, fail
        li   r10, 3
        lbu  r3, 3(r1)
        li   r5, 128
        bne  r3, r5, fail
        li   r10, 4
        li   r4, 0x55
        sb   r4, 1(r1)
        lw   r3, 0(r1)
        li   r5, 0x80f155f3
        bne  r3, r5, fail
        li   r10, 5
        lf   f1, 4(r1)
        sf   f1, 8(r1)
        lw   r3, 8(r1)
        li   r5, 0x3fc00000
        bne  r3, r5, fail
        li   r10, 6                 # vector copy of 16 words, then read lane 15 back
        la   r6, vsrc
        la   r7, vdst
        lvinc v1, r6
        svinc v1, r7
        lw   r3, -4(r7)
        li   r5, 16
        bne  r3, r5, fail
        li   r10, 7
        li   r8, 3                  # vl = 3: only 3 words stored
        setvl r0, r8
        la   r7, vdst2
        sv   v1, 0(r7)
        lw   r3, 12(r7)
        bne  r3, r0, fail
        lw   r3, 8(r7)
        li   r5, 3
        bne  r3, r5, fail
        li   r10, 8
        li   r6, 0x12345678
        sw   r6, 0(r1)
        lw   r3, 0(r1)
        li   r5, 0x12345678
        bne  r3, r5, fail
        li   r10, 0
fail:   halt

        .align 4
data:   .word 0x80f1f2f3
        .float 1.5
        .word 0
vsrc:   .word 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
vdst:   .space 64
vdst2:  .space 64
