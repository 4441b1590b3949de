#!/bin/sh
# smol iss end to end: assemble with smol asm, run, and check each documented exit status.
# Usage: cli_test.sh SMOL_BINARY WORK_DIR
set -eu
smol=$1
dir=$2
mkdir -p "$dir"
cd "$dir"

expect() {  # expect STATUS command...
    want=$1
    shift
    set +e
    "$@" > out.txt 2> err.txt
    got=$?
    set -e
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: '$*' exited $got, expected $want"; cat err.txt; exit 1
    fi
}

cat > pass.s <<'S'
        .org 0x1000
main:   li r10, 0
        halt
S
cat > fail.s <<'S'
        .org 0x1000
main:   li r10, 7
        halt
S
cat > spin.s <<'S'
        .org 0x1000
main:   j main
S
cat > fault.s <<'S'
        .org 0x1000
main:   li r1, 0x7ffffff0
        lw r2, 0(r1)
        halt
S
for p in pass fail spin fault; do "$smol" asm $p.s -o $p.bin --map $p.map; done

expect 0 "$smol" iss pass.bin --load-addr 0x1000
expect 10 "$smol" iss fail.bin --load-addr 0x1000
grep -q "r10 = 0x7" err.txt || { echo "FAIL: halt message lacks r10"; exit 1; }
expect 12 "$smol" iss spin.bin --load-addr 0x1000 --max-instructions 1000
grep -q "pc 0x00001000" err.txt || { echo "FAIL: limit message lacks the pc"; exit 1; }
expect 11 "$smol" iss fault.bin --load-addr 0x1000 --trace trace.txt
grep -q "load-fault" err.txt || { echo "FAIL: trap message lacks the kind"; exit 1; }
grep -q "trap=load-fault addr=7ffffff0" trace.txt || { echo "FAIL: trace lacks the trap line"; exit 1; }
expect 0 "$smol" iss fault.bin --load-addr 0x1000 --mem-size 4G
expect 1 "$smol" iss pass.bin --load-addr 0x1000 --mem-size 4096
grep -q "4096 bytes" err.txt || { echo "FAIL: size error lacks the memory size"; exit 1; }
expect 1 "$smol" iss missing.bin
expect 1 "$smol" iss .
expect 0 "$smol" iss pass.bin --load-addr 0x1000 --profile --symbols pass.map
grep -q "main" out.txt || { echo "FAIL: profile lacks the symbol"; exit 1; }
echo "cli_test: ok"
