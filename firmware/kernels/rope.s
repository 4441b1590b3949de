# rope: rotates each head's halves (HF rotate_half): a' = a cos - b sin, b' = b cos + a sin, with the
# cos/sin rows of one position (host-computed tables, docs/memory-map.md).
#   r10 x (n_heads x head_dim f32, in place)    r11 n_heads    r12 head_dim (even)
#   r13 cos row (head_dim/2)                    r14 sin row (head_dim/2)
# Clobbers r3..r9, r10, r11, v0..v6, vl.
        .global rope
rope:
        beqz    r11, .done
        srli    r9, r12, 1              # half
        slli    r3, r9, 2               # half in bytes
.head:
        mv      r4, r10                 # a
        add     r5, r10, r3             # b
        mv      r6, r13
        mv      r7, r14
        mv      r8, r9
.chunk:
        setvl   r15, r8
        lv      v0, 0(r4)
        lv      v1, 0(r5)
        lvinc   v2, r6
        lvinc   v3, r7
        vmul    v4, v0, v2
        vmul    v5, v1, v3
        vsub    v4, v4, v5              # a cos - b sin
        vmul    v5, v1, v2
        vmul    v6, v0, v3
        vadd    v5, v5, v6              # b cos + a sin
        svinc   v4, r4
        svinc   v5, r5
        sub     r8, r8, r15
        bnez    r8, .chunk
        add     r10, r10, r3
        add     r10, r10, r3            # next head
        loop    r11, .head
.done:
        ret
