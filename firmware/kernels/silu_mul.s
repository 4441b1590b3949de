# silu_mul: gate[i] = silu(gate[i]) * up[i]      r10 gate (in place)   r11 up   r12 n
# Clobbers r7, r10..r12, v0, v1, vl.
        .global silu_mul
silu_mul:
        beqz    r12, .done
.chunk:
        setvl   r7, r12
        lv      v0, 0(r10)
        lvinc   v1, r11
        vsilu   v0, v0
        vmul    v0, v0, v1
        svinc   v0, r10
        sub     r12, r12, r7
        bnez    r12, .chunk
.done:
        ret
