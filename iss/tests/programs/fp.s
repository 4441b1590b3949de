# Self-checking: scalar floating point (results compared as bit patterns).
        .org 0x1000
        .global main
main:   flui f1, 0x3fc0             # 1.5
        flui f2, 0x4080             # 4.0
        flui f4, 0xbf80             # -1.0
        li   r10, 1
        fmadd f3, f1, f2, f4        # 1.5*4 - 1 = 5
        fmv.x.w r3, f3
        li   r5, 0x40a00000
        bne  r3, r5, fail
        li   r10, 2
        fdiv f3, f1, f2             # 0.375
        fmv.x.w r3, f3
        li   r5, 0x3ec00000
        bne  r3, r5, fail
        li   r10, 3
        fsqrt f3, f2
        frsqrt f5, f2
        fmul f3, f3, f5             # 2 * 0.5 = 1
        fmv.x.w r3, f3
        li   r5, 0x3f800000
        bne  r3, r5, fail
        li   r10, 4
        fsub f3, f4, f4             # -1 - -1 = +0
        fexp f3, f3                 # exp(0) = 1
        fmv.x.w r3, f3
        bne  r3, r5, fail
        li   r10, 5
        li   r6, -7
        fcvt.s.w f3, r6
        fcvt.w.s r3, f3
        bne  r3, r6, fail
        li   r10, 6
        flt  r3, f4, f1
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 7
        fdiv f3, f0, f0             # 0/0 -> canonical NaN
        fmv.x.w r3, f3
        li   r5, 0x7fc00000
        bne  r3, r5, fail
        li   r10, 8
        fneg f3, f1
        fabs f3, f3
        fmin f3, f3, f2
        fmv.x.w r3, f3
        li   r5, 0x3fc00000
        bne  r3, r5, fail
        li   r10, 9
        fadd f3, f1, f2
        fmv.x.w r3, f3
        li   r5, 0x40b00000
        bne  r3, r5, fail
        li   r10, 10
        fmax f3, f1, f2
        fmv.x.w r3, f3
        li   r5, 0x40800000
        bne  r3, r5, fail
        li   r10, 11
        frecip f3, f2
        fmv.x.w r3, f3
        li   r5, 0x3e800000
        bne  r3, r5, fail
        li   r10, 12
        fsilu f3, f0                # silu(+0) = +0
        fmv.x.w r3, f3
        li   r5, 0
        bne  r3, r5, fail
        li   r10, 13
        fle  r3, f1, f2
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 14
        fmov f3, f2
        fmv.x.w r3, f3
        li   r5, 0x40800000
        bne  r3, r5, fail
        li   r10, 15
        li   r6, 0x3f800000
        fmv.w.x f3, r6
        fmv.x.w r3, f3
        li   r5, 0x3f800000
        bne  r3, r5, fail
        li   r10, 16
        fmsub f3, f1, f2, f4       # 1.5*4 - -1 = 7
        fmv.x.w r3, f3
        li   r5, 0x40e00000
        bne  r3, r5, fail
        li   r10, 17
        fnmsub f3, f1, f2, f4      # -(1.5*4) + -1 = -7
        fmv.x.w r3, f3
        li   r5, 0xc0e00000
        bne  r3, r5, fail
        li   r10, 0
fail:   halt
