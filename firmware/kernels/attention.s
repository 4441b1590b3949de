# attention: causal grouped-query attention of one token over the KV cache positions 0..visible-1.
# Query head h reads KV head h / group. Per head: scores = (q . k_s) * attn_scale, a numerically stable
# softmax (max subtracted, exp, sum, then each weight divided by the sum as the engine does), and
# out = sum_s weight_s * v_s.
#   r10 q (n_heads x head_dim)   r11 K cache of the layer   r12 V cache of the layer
#   r13 visible (>= 1)           r14 out (n_heads x head_dim)   r15 descriptor
# head_dim 64 (SmolLM2's) has a register-resident path; any other even head_dim takes the chunked one.
# Saves r18..r27 (stack); clobbers r3..r9, r10, r14, f1..f5, f10, v0..v7, vl.
        .global attention
attention:
        addi    sp, sp, -40
        sw      r18, 0(sp)
        sw      r19, 4(sp)
        sw      r20, 8(sp)
        sw      r21, 12(sp)
        sw      r22, 16(sp)
        sw      r23, 20(sp)
        sw      r24, 24(sp)
        sw      r25, 28(sp)
        sw      r26, 32(sp)
        sw      r27, 36(sp)
        lw      r18, D_n_heads(r15)
        lw      r19, D_head_dim(r15)
        lw      r20, D_kv_dim(r15)
        slli    r20, r20, 2             # bytes from one position's K (or V) row to the next
        lw      r21, D_group(r15)
        lw      r22, D_scores(r15)
        lf      f10, D_attn_scale(r15)
        slli    r24, r19, 2             # head bytes
        mv      r23, r0                 # head index

        .global attention_scores
attention_scores:
.head:
        div     r3, r23, r21
        mul     r3, r3, r24             # this head's offset inside a K/V row
        add     r25, r11, r3
        add     r26, r12, r3
        # scores[s] = (q . k_s) * attn_scale
        mv      r27, r22
        mv      r9, r13
        mv      r4, r25
        li      r3, 64
        bne     r19, r3, .spos
        # head_dim 64: the query head stays in v0..v3, a key row is 4 loads and 4 multiply-adds.
        li      r5, 16
        setvl   r0, r5
        mv      r6, r10
        lvinc   v0, r6
        lvinc   v1, r6
        lvinc   v2, r6
        lvinc   v3, r6
        addi    r5, r20, -256           # from the end of this head in one row to its start in the next
.s64:
        lvinc   v4, r4
        lvinc   v5, r4
        lvinc   v6, r4
        lvinc   v7, r4
        vmul    v4, v4, v0
        vfma    v4, v5, v1
        vfma    v4, v6, v2
        vfma    v4, v7, v3
        vredsum f1, v4
        fmul    f1, f1, f10
        sf      f1, 0(r27)
        addi    r27, r27, 4
        add     r4, r4, r5
        loop    r9, .s64
        j       attention_softmax
        # any head_dim: 16-lane chunks, the last one shorter
.spos:
        fmov    f1, f0
        mv      r5, r4
        mv      r6, r10
        mv      r7, r19
.sdim:
        setvl   r8, r7
        lvinc   v0, r5
        lvinc   v1, r6
        vdot    f2, v0, v1
        fadd    f1, f1, f2
        sub     r7, r7, r8
        bnez    r7, .sdim
        fmul    f1, f1, f10
        sf      f1, 0(r27)
        addi    r27, r27, 4
        add     r4, r4, r20
        loop    r9, .spos

        .global attention_softmax
attention_softmax:
        mv      r5, r22
        mv      r6, r13
        flui    f3, 0xff80              # -inf
.max:
        setvl   r7, r6
        lvinc   v0, r5
        vredmax f2, v0
        fmax    f3, f3, f2
        sub     r6, r6, r7
        bnez    r6, .max
        mv      r5, r22
        mv      r6, r13
        fmov    f4, f0
.exp:
        setvl   r7, r6
        lv      v0, 0(r5)
        vsubs   v0, v0, f3
        vexp    v0, v0
        vredsum f2, v0
        fadd    f4, f4, f2
        svinc   v0, r5
        sub     r6, r6, r7
        bnez    r6, .exp

        .global attention_wsum
attention_wsum:
        li      r3, 64
        bne     r19, r3, .generic
        # head_dim 64: the output head accumulates in v4..v7.
        li      r5, 16
        setvl   r0, r5
        vbcast  v4, f0
        vbcast  v5, f0
        vbcast  v6, f0
        vbcast  v7, f0
        mv      r27, r22
        mv      r9, r13
        mv      r6, r26
        addi    r5, r20, -256
.w64:
        lf      f5, 0(r27)
        fdiv    f5, f5, f4              # the softmax weight
        addi    r27, r27, 4
        lvinc   v0, r6
        lvinc   v1, r6
        lvinc   v2, r6
        lvinc   v3, r6
        vfmas   v4, v0, f5
        vfmas   v5, v1, f5
        vfmas   v6, v2, f5
        vfmas   v7, v3, f5
        add     r6, r6, r5
        loop    r9, .w64
        mv      r5, r14
        svinc   v4, r5
        svinc   v5, r5
        svinc   v6, r5
        svinc   v7, r5
        j       .next_head
.generic:
        mv      r5, r14                 # out = 0
        mv      r6, r19
.zero:
        setvl   r7, r6
        vbcast  v0, f0
        svinc   v0, r5
        sub     r6, r6, r7
        bnez    r6, .zero
        mv      r27, r22
        mv      r9, r13
        mv      r4, r26
.wpos:
        lf      f5, 0(r27)
        fdiv    f5, f5, f4              # the softmax weight
        addi    r27, r27, 4
        mv      r5, r14
        mv      r6, r4
        mv      r7, r19
.wdim:
        setvl   r8, r7
        lv      v0, 0(r5)
        lvinc   v1, r6
        vfmas   v0, v1, f5
        svinc   v0, r5
        sub     r7, r7, r8
        bnez    r7, .wdim
        add     r4, r4, r20
        loop    r9, .wpos

.next_head:
        add     r10, r10, r24           # next query head, next output head
        add     r14, r14, r24
        addi    r23, r23, 1
        loop    r18, attention_scores.head
        lw      r18, 0(sp)
        lw      r19, 4(sp)
        lw      r20, 8(sp)
        lw      r21, 12(sp)
        lw      r22, 16(sp)
        lw      r23, 20(sp)
        lw      r24, 24(sp)
        lw      r25, 28(sp)
        lw      r26, 32(sp)
        lw      r27, 36(sp)
        addi    sp, sp, 40
        ret
