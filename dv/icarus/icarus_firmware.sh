#!/bin/sh
# One firmware forward pass (position 0) of a generated model on Icarus Verilog: smol_cosim writes the memory
# image and the ISS's logits; the testbench runs the core from `forward` and dumps the logits from its
# memory; the two must be byte-identical (cmp of one hex word per line, no tolerance).
#   icarus_firmware.sh SMOL_COSIM VVP TB.vvp WORKDIR PRESET QUANT [TOKEN [MAX_CYCLES [PROGRESS_EVERY]]]
# TB.vvp must be built with MEM_LINES large enough for the model's memory plan.
set -eu
cosim=$1 vvp=$2 tb=$3 work=$4 preset=$5 quant=$6 token=${7:-1} max_cycles=${8:-100000000} progress=${9:-0}
mkdir -p "$work"
base="$work/$preset.$quant"
"$cosim" firmware --preset "$preset" --quant "$quant" --tokens "$token" --context 4 --hex "$base.hex" \
    --logits-hex "$base.iss_logits.hex" > "$base.info"
cat "$base.info"
field() { sed -n "s/.*$1=\([0-9a-f]*\).*/\1/p" "$base.info"; }
start=$(date +%s)
"$vvp" -n "$tb" +image="$base.hex" +log=none +entry="$(field entry)" +mem_size="$(field mem_size)" \
    +max_cycles="$max_cycles" +progress="$progress" \
    +dump="$base.icarus_logits.hex" +dump_addr="$(field dump_addr)" +dump_words="$(field dump_words)" | tee "$base.icarus.out"
end=$(date +%s)
grep -q "smol_tb: stopped after" "$base.icarus.out" || { echo "icarus_firmware: the core did not halt"; exit 1; }
test "$(wc -l < "$base.icarus_logits.hex")" -eq "$(field dump_words)"
cmp "$base.iss_logits.hex" "$base.icarus_logits.hex"
echo "icarus_firmware: $preset $quant token $token: $(field dump_words) logits byte-identical to the ISS ($((end - start)) s on Icarus)"
