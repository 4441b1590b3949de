#!/bin/sh
# The same program on Icarus and on Verilator (in lockstep with the ISS): their commit logs must be
# identical once the disassembly column, which the Verilog testbench cannot print, is removed.
#   icarus_diff.sh SMOL_COSIM VVP TB.vvp PROGRAM.s WORKDIR
set -eu
cosim=$1 vvp=$2 tb=$3 prog=$4 work=$5
mkdir -p "$work"
name=$(basename "$prog" .s)
"$cosim" program "$prog" --mem-size 1048576 --hex "$work/$name.hex" --log "$work/$name.verilator.log" --latency 20
"$vvp" -n "$tb" +image="$work/$name.hex" +log="$work/$name.icarus.log" +entry=1000
sed -E 's/^([0-9]+ [0-9a-f]{8} [0-9a-f]{8}) [^;]*(;.*)?$/\1 \2/; s/ $//' "$work/$name.verilator.log" > "$work/$name.verilator.nodis.log"
test -s "$work/$name.icarus.log"
diff "$work/$name.verilator.nodis.log" "$work/$name.icarus.log"
echo "$name: $(wc -l < "$work/$name.icarus.log") commit records identical on Icarus and Verilator"
