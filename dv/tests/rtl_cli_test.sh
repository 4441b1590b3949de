#!/bin/sh
# smol rtl end to end: the exit statuses of smol iss plus --max-cycles (13), the same commit log as smol iss
# (--trace, diff), the profile, bad flags named, and an FST waveform of a requested cycle window read back
# with fst2vcd (GTKWave).
#   rtl_cli_test.sh SMOL WORK_DIR PROGRAM.s FST2VCD
set -eu
smol=$1 dir=$2 program=$3 fst2vcd=$4
rm -rf "$dir"; mkdir -p "$dir"
cd "$dir"
fail() { echo "FAIL: $*"; exit 1; }
expect() {  # expect STATUS command...
    want=$1; shift
    set +e
    "$@" > out.txt 2> err.txt
    got=$?
    set -e
    [ "$got" -eq "$want" ] || { cat err.txt; fail "'$*' exited $got, expected $want"; }
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
"$smol" asm "$program" -o prog.bin --map prog.map

expect 0 "$smol" rtl pass.bin --load-addr 0x1000
grep -q "halted at pc 0x00001004 after 2 instructions" err.txt || fail "halt message: $(cat err.txt)"
expect 10 "$smol" rtl fail.bin --load-addr 0x1000
grep -q "r10 = 0x7" err.txt || fail "halt message lacks r10"
expect 12 "$smol" rtl spin.bin --load-addr 0x1000 --max-instructions 1000
grep -q "pc 0x00001000" err.txt || fail "limit message lacks the pc"
expect 13 "$smol" rtl spin.bin --load-addr 0x1000 --max-cycles 5000
grep -q "stopped after --max-cycles 5000" err.txt || fail "cycle-limit message: $(cat err.txt)"
expect 11 "$smol" rtl fault.bin --load-addr 0x1000 --trace trace.txt
grep -q "load-fault" err.txt || fail "trap message lacks the kind"
grep -q "trap=load-fault addr=7ffffff0" trace.txt || fail "trace lacks the trap line"
expect 1 "$smol" rtl pass.bin --load-addr 0x1000 --mem-size 4096
grep -q "4096 bytes" err.txt || fail "size error lacks the memory size"
expect 1 "$smol" rtl missing.bin
for bad in "--latency 0" "--bandwidth 17" "--max-cycles x" "--wave-cycles 5" "--mem-size 5000"; do
    flag=${bad%% *}
    # shellcheck disable=SC2086
    expect 1 "$smol" rtl pass.bin --load-addr 0x1000 $bad
    grep -q -- "$flag" err.txt || fail "'$bad': the error does not name $flag: $(cat err.txt)"
done

# The same program, the same commit log on the ISS and on the core (any memory latency).
base=$(sed -n 's/^# image base \(0x[0-9a-f]*\) .*/\1/p' prog.map)
entry=$(sed -n 's/^\(0x[0-9a-f]*\) main .*/\1/p' prog.map)
[ -n "$base" ] && [ -n "$entry" ] || fail "prog.map has no image base or main"
run="prog.bin --load-addr $base --entry $entry"
# shellcheck disable=SC2086
expect 0 "$smol" iss $run --trace iss.log
# shellcheck disable=SC2086
expect 0 "$smol" rtl $run --trace rtl.log --latency 7 --bandwidth 4 --profile --symbols prog.map
diff iss.log rtl.log > /dev/null || fail "smol rtl --trace differs from smol iss --trace"
grep -q "instruction class" out.txt && grep -q "cycles" out.txt || fail "the profile lacks its tables"
echo "trace: $(wc -l < rtl.log) commit records identical to smol iss"

# A waveform of cycles [40, 60): the core's signals, and only that window (two time steps per cycle).
# shellcheck disable=SC2086
expect 0 "$smol" rtl $run --wave w.fst --wave-from 40 --wave-cycles 20
[ -s w.fst ] || fail "no FST written"
"$fst2vcd" w.fst > w.vcd 2> /dev/null
for sig in clk_i rvfi_valid_o mem_req_valid_o rvfi_pc_o; do
    grep -q " $sig " w.vcd || fail "the waveform lacks $sig"
done
first=$(grep '^#' w.vcd | head -1 | tr -d '#')
last=$(grep '^#' w.vcd | tail -1 | tr -d '#')
steps=$(grep -c '^#' w.vcd)
[ "$first" -eq 80 ] && [ "$last" -eq 119 ] && [ "$steps" -eq 40 ] || fail "wave window #$first..#$last ($steps steps), want #80..#119"
echo "wave: $(wc -c < w.fst) bytes of FST, $(grep -c '\$var' w.vcd) signals, time steps $first..$last"
echo "rtl_cli_test: ok"
