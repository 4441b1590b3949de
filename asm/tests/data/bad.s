# smol asm CLI test: an unknown mnemonic.
start:
    frobnicate r1, r2
