# smol asm CLI test: a tiny program with a loop.
        .org 0x1000
        .global main
main:   li   r1, 42
        li   r2, 3
.loop:  addi r1, r1, 1
        loop r2, .loop
        halt
