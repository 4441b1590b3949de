#!/bin/sh
# Synthesises one FP unit with Yosys `synth` and fails on latches or on `check` problems (undriven or
# multiply driven nets, combinational loops).   yosys_check.sh YOSYS RTL_DIR TOP
set -eu
yosys=$1 rtl=$2 top=$3
"$yosys" -q -p "read_verilog $rtl/*.v; synth -top $top; check -assert; select -assert-none t:\$_DLATCH* t:\$dlatch*"
echo "yosys_check: $top synthesised, no latches"
