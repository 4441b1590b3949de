# embed_q8: out[j] = W[token, j] * scale(token): one embedding row, dequantized.
#   r10 out   r11 W (int8, vocab x cols)   r12 scales   r13 token   r14 cols   r15 scale stride (0 or 4)
# Clobbers r5, r7, r10, r14, f1, v0, the Q8 unit, vl.
        .global embed_q8
embed_q8:
        mul     r5, r13, r15
        add     r5, r12, r5
        lf      f1, 0(r5)
        qsetscale f1
        mul     r5, r13, r14
        add     r5, r11, r5
        qsetbase r5
        beqz    r14, .done
.chunk:
        setvl   r7, r14
        vq8mul  v0
        svinc   v0, r10
        sub     r14, r14, r7
        bnez    r14, .chunk
.done:
        ret

# embed_f32: out[j] = W[token, j]: one embedding row, copied.
#   r10 out   r11 W (f32, vocab x cols)   r13 token   r14 cols
# Clobbers r5, r7, r10, r14, v0, vl.
        .global embed_f32
embed_f32:
        mul     r5, r13, r14
        slli    r5, r5, 2
        add     r5, r11, r5
        beqz    r14, .done
.chunk:
        setvl   r7, r14
        lvinc   v0, r5
        svinc   v0, r10
        sub     r14, r14, r7
        bnez    r14, .chunk
.done:
        ret

# embed: the weight kind of the descriptor picks the kernel.
        .global embed
embed:
        li      r5, DESC_ADDR
        lw      r5, D_weight_kind(r5)
        beqz    r5, embed_q8
        li      r6, WEIGHT_KIND_F32
        beq     r5, r6, embed_f32
        li      r6, WEIGHT_KIND_Q8_0
        beq     r5, r6, embed_q8_0
        j       embed_q4_0
