# Self-checking: integer ALU. r10 = number of the failing check, 0 when all pass.
        .org 0x1000
        .global main
main:   li   r1, 7
        li   r2, -3
        li   r10, 1
        add  r3, r1, r2
        li   r5, 4
        bne  r3, r5, fail
        li   r10, 2
        mul  r3, r1, r2
        li   r5, -21
        bne  r3, r5, fail
        li   r10, 3
        div  r3, r1, r2
        li   r5, -2
        bne  r3, r5, fail
        li   r10, 4
        rem  r3, r1, r2
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 5
        sra  r3, r2, r1
        li   r5, -1
        bne  r3, r5, fail
        li   r10, 6
        srli r3, r2, 28
        li   r5, 15
        bne  r3, r5, fail
        li   r10, 7
        lui  r3, 0x1234
        ori  r3, r3, 0x5678
        li   r5, 0x12345678
        bne  r3, r5, fail
        li   r10, 8
        sltu r3, r1, r2
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 9
        mulhu r3, r2, r2           # (2^32-3)^2 >> 32 = 2^32 - 6
        li   r5, -6
        bne  r3, r5, fail
        li   r10, 10
        xori r3, r1, 0xffff
        li   r5, 0xfff8
        bne  r3, r5, fail
        li   r10, 0
fail:   halt
