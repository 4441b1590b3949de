#!/bin/sh
# Icarus acceptance of add/mul/fma: ISS-computed vectors, compile with iverilog -g2005, run with vvp.
#   icarus_test.sh FPU_VECTORS IVERILOG VVP RTL_DIR TB WORK_DIR
set -eu
vectors_bin=$1 iverilog=$2 vvp=$3 rtl=$4 tb=$5 work=$6
mkdir -p "$work"
count=$("$vectors_bin" --out "$work/vectors.hex" --random 2000 --seed 1)
"$iverilog" -g2005 -Wall -o "$work/tb.vvp" -s tb_fp_vectors "$tb" "$rtl"/smol_fp_unpack.v "$rtl"/smol_fp_round.v \
  "$rtl"/smol_fp_fma.v "$rtl"/smol_fp_add.v "$rtl"/smol_fp_mul.v
"$vvp" -n "$work/tb.vvp" "+vectors=$work/vectors.hex" "+count=$count" | tee "$work/out.txt"
grep -q '^PASS' "$work/out.txt"
