# matvec_q8_0 / matvec_q4_0: out[r] = sum_j W[r, j] * in[j], W in llama.cpp blocks of 32 as the model file
# stores them (q8_0: 34 bytes, q4_0: 18 bytes per block; docs/isa.md section 7, "Block-scaled MACs").
#   r10 out (f32, rows)    r11 in (f32, cols)    r12 W (rows x cols/32 blocks)
#   r13 row scales: 0 for a block tensor; else the tensor is int8 (cols not a multiple of 32) and goes to matvec_q8
#   r14 rows               r15 cols (a multiple of 32 for a block tensor)    r16 scale stride (for matvec_q8)
# Clobbers r5..r8, r10, r14, f1, f2, v0, v1, vl, the Q8 unit.
#
# As matvec_q8: a row is fsetbase / acczero / one block MAC over the row / accread (the weight pointer walks
# on into the next row's blocks); 16 rows fill v0 and leave in one store. Each block's scale is applied
# inside the MACs, so there is no scaling pass. The two kernels differ only in the MAC instruction (the
# assembler has no macros, and a branch per row to choose it would cost an instruction per row).
        .global matvec_q8_0
matvec_q8_0:
        bnez    r13, matvec_q8          # rows that are not whole blocks: int8 with row scales (docs/model-format.md)
        beqz    r14, .done
        qsetbase r12
        flui    f1, 0x3f80              # 1.0: the block scales are applied by the MACs, accread only sums
        qsetscale f1
        srli    r6, r15, 5              # blocks per row
        srli    r7, r14, 4              # groups of 16 rows
        andi    r8, r14, 15             # rows after the last group
        li      r5, 16
        setvl   r0, r5
        beqz    r7, .tail
.group:
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 0
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 1
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 2
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 3
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 4
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 5
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 6
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 7
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 8
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 9
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 10
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 11
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 12
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 13
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 14
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        vsetl   v0, f2, 15
        svinc   v0, r10
        loop    r7, .group
.tail:
        beqz    r8, .done
.row:
        fsetbase r11
        acczero
        q8bmacn r6
        accread f2
        sf      f2, 0(r10)
        addi    r10, r10, 4
        loop    r8, .row
.done:
        ret

        .global matvec_q4_0
matvec_q4_0:
        bnez    r13, matvec_q8          # rows that are not whole blocks: int8 with row scales (docs/model-format.md)
        beqz    r14, .done
        qsetbase r12
        flui    f1, 0x3f80              # 1.0: the block scales are applied by the MACs, accread only sums
        qsetscale f1
        srli    r6, r15, 5              # blocks per row
        srli    r7, r14, 4              # groups of 16 rows
        andi    r8, r14, 15             # rows after the last group
        li      r5, 16
        setvl   r0, r5
        beqz    r7, .tail
.group:
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 0
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 1
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 2
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 3
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 4
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 5
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 6
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 7
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 8
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 9
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 10
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 11
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 12
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 13
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 14
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        vsetl   v0, f2, 15
        svinc   v0, r10
        loop    r7, .group
.tail:
        beqz    r8, .done
.row:
        fsetbase r11
        acczero
        q4bmacn r6
        accread f2
        sf      f2, 0(r10)
        addi    r10, r10, 4
        loop    r8, .row
.done:
        ret

# matvec_block: the descriptor's weight kind picks the block format (the arguments are matvec_q8's).
        .global matvec_block
matvec_block:
        li      r5, DESC_ADDR
        lw      r5, D_weight_kind(r5)
        li      r6, WEIGHT_KIND_Q4_0
        beq     r5, r6, matvec_q4_0
        j       matvec_q8_0
