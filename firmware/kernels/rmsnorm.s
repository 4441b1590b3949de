# rmsnorm: out[i] = weight[i] * (x[i] * inv_rms), inv_rms = 1 / sqrt(mean(x^2) + eps), as the engine orders it.
#   r10 out    r11 x    r12 weight    r13 n (>= 1)    f10 eps
# Clobbers r5..r7, r10, r12, f1..f3, v0, v1, vl. out may equal x.
        .global rmsnorm
rmsnorm:
        mv      r5, r11
        mv      r6, r13
        fmov    f1, f0
.squares:
        setvl   r7, r6
        lvinc   v0, r5
        vredsqs f2, v0
        fadd    f1, f1, f2
        sub     r6, r6, r7
        bnez    r6, .squares
        fcvt.s.w f3, r13
        fdiv    f1, f1, f3
        fadd    f1, f1, f10
        frsqrt  f1, f1                  # RN(1 / RN(sqrt)): the engine's 1.0f / std::sqrt
        mv      r5, r11
        mv      r6, r13
.scale:
        setvl   r7, r6
        lvinc   v0, r5
        lvinc   v1, r12
        vmuls   v0, v0, f1
        vmul    v0, v1, v0
        svinc   v0, r10
        sub     r6, r6, r7
        bnez    r6, .scale
        ret
