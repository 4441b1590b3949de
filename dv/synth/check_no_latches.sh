#!/bin/sh
# Yosys 0.23 generic synthesis of the SMOL-32 core: fails on any inferred latch (or a synthesis error).
#   check_no_latches.sh YOSYS REPO_ROOT LOG [ABUF_WORDS ABUF_AW]
# The activation-buffer size may be reduced to keep the CI run short: it changes how many words the
# buffer holds, not its logic.
set -eu
yosys=$1 root=$2 log=$3
params=""
if [ $# -ge 5 ]; then params="-chparam ABUF_WORDS $4 -chparam ABUF_AW $5"; fi
files=$(ls "$root"/rtl/*.v "$root"/rtl/fpu/*.v | tr "\n" " ")
"$yosys" -q -l "$log" -p "
  read_verilog -I$root/isa/generated $files
  hierarchy -check -top smol_core $params
  synth -top smol_core
  stat
  select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$_DLATCH_* t:\$_DLATCHSR_* t:\$_SR_*
"
grep -q "Number of cells" "$log"
echo "no latches: $(grep -m1 'Number of cells' "$log" | tr -s ' ')"
