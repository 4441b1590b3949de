#!/bin/sh
# Area and delay estimate of one FP unit on the OSU 0.18 um cells: Yosys `synth -flatten` (so constant
# operands fold across the hierarchy and ABC sees the whole unit), flip-flops mapped with
# dfflibmap, logic mapped by ABC against the liberty for a 6.667 ns (150 MHz) target; ABC's `stime` gives
# the longest combinational path. Not a test; figures go to docs/rtl-fpu.md.
#   area_report.sh TOP [LIBERTY]
set -eu
top=$1
lib=${2:-/usr/share/qflow/tech/osu018/osu018_stdcells.lib}
rtl=$(dirname "$0")/../../rtl/fpu
log=${TMPDIR:-/tmp}/area_$top.log
abc_script='+strash;&get,-n;&dch,-f;&nf,-D,6667;&put;topo;stime,-p'
yosys -p "read_verilog $rtl/*.v; synth -flatten -top $top; dfflibmap -liberty $lib; abc -liberty $lib -script $abc_script; \
  opt_clean; stat -liberty $lib" > "$log" 2>&1
area=$(grep -E "Chip area for (top )?module" "$log" | tail -1 | awk '{print $NF}')
cells=$(grep -E "^ +Number of cells:" "$log" | tail -1 | awk '{print $NF}')
delay=$(grep -E "Delay =" "$log" | tail -1 | sed 's/.*Delay = *\([0-9.]*\) ps.*/\1/')
echo "$top cells=$cells area_um2=$area delay_ps=$delay"
