# Self-checking: branches, loop, jal/jalr (call/ret).
        .org 0x1000
        .global main
main:   li   r10, 1
        li   r4, 10
        li   r3, 0
.count: addi r3, r3, 2
        loop r4, .count
        li   r5, 20
        bne  r3, r5, fail
        bne  r4, r0, fail
        li   r10, 2
        li   r1, -1
        li   r2, 1
        blt  r2, r1, fail           # signed: 1 < -1 is false
        bltu r1, r2, fail           # unsigned: 0xffffffff < 1 is false
        bge  r1, r2, fail
        bgeu r2, r1, fail
        beq  r1, r2, fail
        li   r10, 3
        li   r6, 5
        call double
        li   r5, 10
        bne  r6, r5, fail
        li   r10, 4
        la   r7, double
        jalr r1, 0(r7)
        li   r5, 20
        bne  r6, r5, fail
        li   r10, 0
fail:   halt

double: add  r6, r6, r6
        ret
