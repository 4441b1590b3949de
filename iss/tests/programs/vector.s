# Self-checking: vector arithmetic and reductions (sum of squares of 1..16 = 1496).
        .org 0x1000
        .global main
main:   la   r1, ones_to_16
        lv   v1, 0(r1)
        li   r10, 1
        vredsqs f3, v1
        fmv.x.w r3, f3
        li   r5, 0x44bb0000         # 1496.0
        bne  r3, r5, fail
        li   r10, 2
        vredsum f3, v1              # 136
        fmv.x.w r3, f3
        li   r5, 0x43080000
        bne  r3, r5, fail
        li   r10, 3
        flui f1, 0x4000             # 2.0
        vmuls v2, v1, f1
        vsub v2, v2, v1             # v2 = v1
        vdot f3, v2, v1             # 1496 again
        fmv.x.w r3, f3
        li   r5, 0x44bb0000
        bne  r3, r5, fail
        li   r10, 4
        vredmax f3, v1
        vgetl f4, v1, 15
        feq  r3, f3, f4
        beq  r3, r0, fail
        li   r10, 5
        vbcast v3, f1
        vfma v3, v1, v1             # lane 2: 3*3 + 2 = 11
        vgetl f3, v3, 2
        fmv.x.w r3, f3
        li   r5, 0x41300000
        bne  r3, r5, fail
        li   r10, 6
        li   r6, 4                  # vl = 4: sum of 1..4
        setvl r7, r6
        vredsum f3, v1
        fmv.x.w r3, f3
        li   r5, 0x41200000
        bne  r3, r5, fail
        li   r6, 16
        setvl r7, r6
        la   r1, ones_to_16
        lv   v1, 0(r1)
        flui f1, 0x4000             # 2.0
        vsub v7, v1, v1             # zeros
        vmul v6, v1, v1             # squares
        li   r10, 7
        vadd v4, v1, v1
        vgetl f3, v4, 15
        fmv.x.w r3, f3
        li   r5, 0x42000000
        bne  r3, r5, fail
        li   r10, 8
        vmul v4, v1, v1
        vgetl f3, v4, 2
        fmv.x.w r3, f3
        li   r5, 0x41100000
        bne  r3, r5, fail
        li   r10, 9
        vmov v5, v1
        vfnms v5, v1, v1           # i - i*i
        vgetl f3, v5, 3
        fmv.x.w r3, f3
        li   r5, 0xc1400000
        bne  r3, r5, fail
        li   r10, 10
        vmax v4, v1, v5
        vgetl f3, v4, 3
        fmv.x.w r3, f3
        li   r5, 0x40800000
        bne  r3, r5, fail
        li   r10, 11
        vmin v4, v1, v5
        vgetl f3, v4, 3
        fmv.x.w r3, f3
        li   r5, 0xc1400000
        bne  r3, r5, fail
        li   r10, 12
        vadds v4, v1, f1
        vgetl f3, v4, 0
        fmv.x.w r3, f3
        li   r5, 0x40400000
        bne  r3, r5, fail
        li   r10, 13
        vsubs v4, v1, f1
        vgetl f3, v4, 0
        fmv.x.w r3, f3
        li   r5, 0xbf800000
        bne  r3, r5, fail
        li   r10, 14
        vmov v4, v1
        vfmas v4, v1, f1           # 2i + i
        vgetl f3, v4, 1
        fmv.x.w r3, f3
        li   r5, 0x40c00000
        bne  r3, r5, fail
        li   r10, 15
        vsqrt v4, v6
        vgetl f3, v4, 4
        fmv.x.w r3, f3
        li   r5, 0x40a00000
        bne  r3, r5, fail
        li   r10, 16
        vrsqrt v4, v6
        vgetl f3, v4, 3
        fmv.x.w r3, f3
        li   r5, 0x3e800000
        bne  r3, r5, fail
        li   r10, 17
        vexp v4, v7
        vgetl f3, v4, 0
        fmv.x.w r3, f3
        li   r5, 0x3f800000
        bne  r3, r5, fail
        li   r10, 18
        vsilu v4, v7
        vgetl f3, v4, 0
        fmv.x.w r3, f3
        li   r5, 0
        bne  r3, r5, fail
        li   r10, 19
        vrecip v4, v1
        vgetl f3, v4, 3
        fmv.x.w r3, f3
        li   r5, 0x3e800000
        bne  r3, r5, fail
        li   r10, 20
        vredmin f3, v1
        fmv.x.w r3, f3
        li   r5, 0x3f800000
        bne  r3, r5, fail
        li   r10, 21
        vsetl v4, f1, 7
        vgetl f3, v4, 7
        fmv.x.w r3, f3
        li   r5, 0x40000000
        bne  r3, r5, fail
        li   r10, 0
fail:   halt

        .align 4
ones_to_16: .float 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16
