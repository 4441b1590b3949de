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
        li   r1, -7
        li   r2, 3
        li   r10, 11
        mulh r3, r1, r2           # high word of -21
        li   r5, -1
        bne  r3, r5, fail
        li   r10, 12
        divu r3, r1, r2           # (2^32 - 7) / 3
        li   r5, 0x55555553
        bne  r3, r5, fail
        li   r10, 13
        remu r3, r1, r2
        li   r5, 0
        bne  r3, r5, fail
        li   r10, 14
        and  r3, r1, r2
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 15
        or   r3, r1, r2
        li   r5, -5
        bne  r3, r5, fail
        li   r10, 16
        xor  r3, r1, r2
        li   r5, -6
        bne  r3, r5, fail
        li   r10, 17
        sll  r3, r2, r2
        li   r5, 24
        bne  r3, r5, fail
        li   r10, 18
        srl  r3, r1, r2
        li   r5, 0x1fffffff
        bne  r3, r5, fail
        li   r10, 19
        slt  r3, r1, r2
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 20
        andi r3, r1, 0xff
        li   r5, 0xf9
        bne  r3, r5, fail
        li   r10, 21
        slti r3, r1, -6
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 22
        sltiu r3, r2, -1             # 3 < 0xffffffff
        li   r5, 1
        bne  r3, r5, fail
        li   r10, 23
        slli r3, r2, 4
        li   r5, 48
        bne  r3, r5, fail
        li   r10, 24
        srai r3, r1, 1
        li   r5, -4
        bne  r3, r5, fail
        li   r10, 25
.pc:    auipc r3, 1                # pc + 0x10000
        la   r5, .pc
        sub  r3, r3, r5
        li   r5, 0x10000
        bne  r3, r5, fail
        li   r10, 0
fail:   halt
