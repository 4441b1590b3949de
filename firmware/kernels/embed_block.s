# embed_q8_0 / embed_q4_0: out[j] = code(token, j) * d(block of j): one embedding row of llama.cpp blocks,
# dequantized exactly as the engine does (fp32(code) * fp32(d), one exact product per weight).
#   r10 out   r11 W (vocab x cols/32 blocks)   r12 row scales (non-zero: an int8 tensor, embed_q8 instead)
#   r13 token   r14 cols   r15 scale stride (for embed_q8)
# Clobbers r5..r9, r10, r14, r18 (the return address across half_at_r9), f1, f3, v0, the Q8 unit, vl.
        .global embed_q8_0
embed_q8_0:
        bnez    r12, embed_q8
        mv      r18, ra
        srli    r14, r14, 5             # blocks in the row
        li      r5, 34
        mul     r9, r13, r14
        mul     r9, r9, r5
        add     r9, r11, r9             # the token's first block
        li      r5, 16
        setvl   r0, r5
        beqz    r14, .done
.block:
        call    half_at_r9              # f1 = d
        qsetscale f1
        addi    r5, r9, 2
        qsetbase r5
        vq8mul  v0                      # codes 0..15 * d (exact)
        svinc   v0, r10
        vq8mul  v0                      # codes 16..31 * d
        svinc   v0, r10
        addi    r9, r9, 34
        loop    r14, .block
.done:
        mv      ra, r18
        ret

        .global embed_q4_0
embed_q4_0:
        bnez    r12, embed_q8
        mv      r18, ra
        srli    r14, r14, 5
        li      r5, 18
        mul     r9, r13, r14
        mul     r9, r9, r5
        add     r9, r11, r9
        beqz    r14, .done
.block:
        call    half_at_r9              # f1 = d
        addi    r9, r9, 2
        li      r8, 16
.byte:                                  # byte j: element j (low nibble) and element j + 16 (high nibble)
        lbu     r5, 0(r9)
        andi    r6, r5, 15
        addi    r6, r6, -8
        fcvt.s.w f3, r6
        fmul    f3, f3, f1
        sf      f3, 0(r10)
        srli    r6, r5, 4
        addi    r6, r6, -8
        fcvt.s.w f3, r6
        fmul    f3, f3, f1
        sf      f3, 64(r10)
        addi    r9, r9, 1
        addi    r10, r10, 4
        loop    r8, .byte
        addi    r10, r10, 64            # past elements 16..31 of this block
        loop    r14, .block
.done:
        mv      ra, r18
        ret

# half_at_r9: f1 = the IEEE binary16 at r9 (little-endian, any byte address) widened to fp32, exactly:
# value = (m | implicit bit) * 2^(max(e, 1) - 25), one exact fmul by a power of two; e = 31 is +-inf/NaN.
# Clobbers r5..r8, f1, f3.
half_at_r9:
        lbu     r5, 0(r9)
        lbu     r6, 1(r9)
        slli    r6, r6, 8
        or      r5, r5, r6              # the half's 16 bits
        srli    r6, r5, 10
        andi    r6, r6, 31              # e
        andi    r7, r5, 0x3ff           # m
        li      r8, 31
        beq     r6, r8, .special
        bnez    r6, .normal
        li      r6, 1                   # subnormal: m * 2^-24
        j       .scaled
.normal:
        ori     r7, r7, 0x400
.scaled:
        fcvt.s.w f1, r7                 # < 2^11: exact
        addi    r6, r6, 102             # 2^(e - 25) as fp32 bits: exponent field e - 25 + 127
        slli    r6, r6, 23
        fmv.w.x f3, r6
        fmul    f1, f1, f3              # exact: a power of two, the result normal
        andi    r6, r5, 0x8000
        beqz    r6, .ret
        fneg    f1, f1
.ret:
        ret
.special:
        slli    r7, r7, 13              # +-inf (m = 0) or a NaN
        li      r6, 0x7f800000
        or      r7, r7, r6
        andi    r6, r5, 0x8000
        slli    r6, r6, 16
        or      r7, r7, r6
        fmv.w.x f1, r7
        ret
