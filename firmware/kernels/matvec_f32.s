# matvec_f32: out[r] = sum_j W[r, j] * in[j] for r < rows, W fp32 row-major (the fp32-weight firmware).
#   r10 out (f32, rows)    r11 in (f32, cols)    r12 W (f32, rows x cols)    r14 rows    r15 cols
# Clobbers r5..r9, r10, r12, r14, f2, f3, v0..v2, vl.
#
# A row is 16 lanes of partial sums, vfma over the row 16 columns at a time (lvinc walks the weight pointer
# on into the next row), then one vredsum: 5 instructions per 16 weights, 9 per row. vl returns to 16 before
# the reduction, since lanes past vl would count as -0.0 and drop their partial sums.
        .global matvec_f32
matvec_f32:
        beqz    r14, .done
        fmv.w.x f3, r0                  # +0.0
        li      r9, 16
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
        bnez    r5, matvec_f32
        j       matvec_q8
