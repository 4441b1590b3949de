# A program that never halts: the co-simulation must stop it at --max-cycles with its own exit status (13).
        .org 0x1000
        .global main
main:   addi r1, r1, 1
        beq  r0, r0, main
