# matvec_f32: out[r] = sum_j W[r, j] * in[j] for r < rows, W fp32 row-major (the fp32-weight firmware).
#   r10 out (f32, rows)    r11 in (f32, cols)    r12 W (f32, rows x cols)    r14 rows    r15 cols
# Clobbers r5..r9, r10, r12..r14, r16, r17, f2, f3, v0..v5, vl.
#
# Four rows at a time share each 16-column load of `in`: 16 lanes of partial sums per row, one vfma per
# row per 16 columns (12 instructions per 64 weights; lvinc walks each row pointer on, so row 3's ends
# where the next block's row 0 starts), then one vredsum per row. Rows left over go one at a time
# (5 instructions per 16 weights). vl returns to 16 before the reductions, since lanes past vl would count
# as -0.0 and drop their partial sums.
        .global matvec_f32
matvec_f32:
        beqz    r14, .done
        fmv.w.x f3, r0                  # +0.0
        li      r9, 16
        srli    r16, r14, 2             # blocks of 4 rows
        andi    r14, r14, 3             # rows after the last block
        beqz    r16, .rows
.block:
        setvl   r0, r9
        vbcast  v2, f3
        vbcast  v3, f3
        vbcast  v4, f3
        vbcast  v5, f3
        slli    r8, r15, 2              # bytes per row
        add     r13, r12, r8            # rows 1, 2, 3
        add     r17, r13, r8
        add     r5, r17, r8
        mv      r6, r11
        mv      r7, r15
        beqz    r7, .block_sums
.block_chunk:
        setvl   r8, r7
        lvinc   v1, r6
        lvinc   v0, r12
        vfma    v2, v0, v1
        lvinc   v0, r13
        vfma    v3, v0, v1
        lvinc   v0, r17
        vfma    v4, v0, v1
        lvinc   v0, r5
        vfma    v5, v0, v1
        sub     r7, r7, r8
        bnez    r7, .block_chunk
.block_sums:
        setvl   r0, r9
        vredsum f2, v2
        sf      f2, 0(r10)
        vredsum f2, v3
        sf      f2, 4(r10)
        vredsum f2, v4
        sf      f2, 8(r10)
        vredsum f2, v5
        sf      f2, 12(r10)
        addi    r10, r10, 16
        mv      r12, r5                 # the next block's row 0
        loop    r16, .block
.rows:
        beqz    r14, .done
.row:
        setvl   r0, r9
        vbcast  v2, f3
        mv      r6, r11
        mv      r7, r15
        beqz    r7, .sum
.chunk:
        setvl   r8, r7
        lvinc   v0, r12
        lvinc   v1, r6
        vfma    v2, v0, v1
        sub     r7, r7, r8
        bnez    r7, .chunk
.sum:
        setvl   r0, r9
        vredsum f2, v2
        sf      f2, 0(r10)
        addi    r10, r10, 4
        loop    r14, .row
.done:
        ret

# matvec: the weight kind of the descriptor picks the kernel (both take the same arguments).
        .global matvec
matvec:
        li      r5, DESC_ADDR
        lw      r5, D_weight_kind(r5)
        beqz    r5, matvec_q8
        li      r6, WEIGHT_KIND_F32
        beq     r5, r6, matvec_f32
        j       matvec_block            # q8_0 or q4_0
