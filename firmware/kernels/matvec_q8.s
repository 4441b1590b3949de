# matvec_q8: out[r] = scale(r) * sum_j W[r, j] * in[j] for r < rows, W int8 row-major (docs/isa.md section 7).
#   r10 out (f32, rows)    r11 in (f32, cols)    r12 W (int8, rows x cols)
#   r13 scales (f32)       r14 rows              r15 cols       r16 scale stride: 0 (q8) or 4 (q8r)
# Clobbers r5..r8, r10, r14, f1, f2, v0, v1, vl, the Q8 unit.
#
# A block of 16 rows is 17 q8row (docs/isa.md section 7, "Row MACs"): each streams its row from +0.0 while
# the previous row's sum goes into its lane of v0 (the core reads it out beside the stream), the first one's
# lane 15 is overwritten by the last, a q8row of 0 MACs that only reads row 15 out; the weight pointer walks
# on into the next row, aptr stays on the activations. One store per block. Rows after the last block take
# fsetbase / acczero / q8macn / accread each. A q8 tensor's one scale is the Q8 unit's, applied by each
# readout; q8r rows are summed with scale 1.0 and scaled afterwards, 16 at a time, by the row scales: the
# same single rounding as a readout with the scale set (the sum times 1.0 is exact), so bit-identical.
        .global matvec_q8
matvec_q8:
        beqz    r14, .done
        qsetbase r12
        fsetbase r11
        flui    f1, 0x3f80              # 1.0 for row scales
        bnez    r16, .set_scale
        lf      f1, 0(r13)              # one scale for the whole tensor
.set_scale:
        qsetscale f1
        mv      r8, r10                 # out, for the scaling pass
        srli    r6, r14, 4              # blocks of 16 rows
        andi    r7, r14, 15             # rows after the last block
        li      r5, 16
        setvl   r0, r5
        beqz    r6, .tail
.block:
        q8row   v0, r15, 15             # row 0 streams (lane 15: the sum before it, overwritten below)
        q8row   v0, r15, 0              # v0[0] = row 0; row 1 streams
        q8row   v0, r15, 1
        q8row   v0, r15, 2
        q8row   v0, r15, 3
        q8row   v0, r15, 4
        q8row   v0, r15, 5
        q8row   v0, r15, 6
        q8row   v0, r15, 7
        q8row   v0, r15, 8
        q8row   v0, r15, 9
        q8row   v0, r15, 10
        q8row   v0, r15, 11
        q8row   v0, r15, 12
        q8row   v0, r15, 13
        q8row   v0, r15, 14
        q8row   v0, r0, 15              # v0[15] = row 15, no MACs
        svinc   v0, r10
        loop    r6, .block
.tail:
        beqz    r7, .scale
.row:
        fsetbase r11
        acczero
        q8macn  r15
        accread f2
        sf      f2, 0(r10)
        addi    r10, r10, 4
        loop    r7, .row
.scale:
        beqz    r16, .done
.row_scales:
        setvl   r7, r14
        lv      v0, 0(r8)
        lvinc   v1, r13
        vmul    v0, v0, v1
        svinc   v0, r8
        sub     r14, r14, r7
        bnez    r14, .row_scales
.done:
        ret
