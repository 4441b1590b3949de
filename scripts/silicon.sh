#!/bin/bash
# The silicon flow on the OSU 0.18 um cells (docs/silicon.md): synthesis (Yosys + ABC), static timing
# (OpenSTA), gate-level simulation (the mapped netlist against the ISS), and place and route (qflow:
# GrayWolf, qrouter, Magic DRC and GDS, Netgen LVS). Installs nothing: scripts/install-deps.sh does.
# Flow files: silicon/. Output: build-silicon/<top>/<step>/.
set -euo pipefail
# The whole script is one brace group, so bash parses it before running: long runs survive edits to it.
{

root=$(cd "$(dirname "$0")/.." && pwd)
flow=$root/silicon
tech=${SMOL_OSU018:-/usr/share/qflow/tech/osu018}
lib=$tech/osu018_stdcells.lib
out_root=${SMOL_SILICON_OUT:-$root/build-silicon}
period=6.667
tops=()
explicit_tops=0
build_dir=$root/build
nice_level=${SMOL_SILICON_NICE:-10}

# The blocks the default run covers, in the order of silicon/blocks.txt (its header lists the columns).
default_tops() { awk '!/^#/ && NF { print $1 }' "$flow/blocks.txt"; }
block_field() { awk -v t="$1" -v f="$2" '$1 == t { print $f }' "$flow/blocks.txt"; }

usage() {
  cat <<USAGE
usage: scripts/silicon.sh [options] STEP...
steps (each runs alone; later steps use the earlier ones' output under build-silicon/):
  synth   Yosys + ABC to the osu018 cells: netlist, area, cell and flip-flop counts per module
  sta     OpenSTA on the mapped netlist with silicon/constraints.sdc: worst slack, critical path, Fmax
  gates   gate-level simulation of the mapped netlist against the ISS (needs a CMake build, --build)
  pnr     qflow: placement (GrayWolf), routing (qrouter), post-route STA, DRC (Magic), LVS (Netgen), GDS,
          and a PNG of the layout (KLayout)
  report  collect the figures of every block into build-silicon/summary.md
  all     synth sta gates pnr report
options:
  --top MODULE   one block (repeatable; default: the blocks of silicon/blocks.txt)
  --period NS    clock period for ABC's target, the SDC and the slack (default $period)
  --build DIR    CMake build directory with the gate-level models (default build/)
  --out DIR      output root (default build-silicon/)
  -h, --help     this text
USAGE
}

steps=()
while [ $# -gt 0 ]; do
  case $1 in
    --top) tops+=("$2"); explicit_tops=1; shift 2 ;;
    --period) period=$2; shift 2 ;;
    --build) build_dir=$2; shift 2 ;;
    --out) out_root=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    synth|sta|gates|pnr|report) steps+=("$1"); shift ;;
    all) steps+=(synth sta gates pnr report); shift ;;
    *) echo "silicon.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
  esac
done
[ ${#steps[@]} -gt 0 ] || { usage >&2; exit 1; }
[ ${#tops[@]} -gt 0 ] || mapfile -t tops < <(default_tops)
case $period in ''|*[!0-9.]*) echo "silicon.sh: --period '$period' is not a number of ns" >&2; exit 1 ;; esac
[ -f "$lib" ] || { echo "silicon.sh: no liberty $lib (install qflow-tech-osu018: scripts/install-deps.sh)" >&2; exit 1; }

period_ps=$(awk -v p="$period" 'BEGIN { printf "%d", p * 1000 }')
# Sources of a block (silicon/blocks.txt, column 3): fpu = rtl/fpu only (reading the core costs minutes),
# core = all of rtl/.
rtl_files() {
  case $(block_field "$1" 3) in
    fpu) ls "$root"/rtl/fpu/*.v ;;
    *) ls "$root"/rtl/*.v "$root"/rtl/fpu/*.v ;;
  esac | tr '\n' ' '
}

# Seconds of a command, written beside its output.
timed() {
  local dir=$1; shift
  local t0; t0=$(date +%s.%N)
  "$@"
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", b - a }' > "$dir/seconds"
}

step_synth() {
  local top=$1 dir=$out_root/$1/synth
  local flatten; flatten=$(block_field "$top" 2); flatten=${flatten:-1}
  mkdir -p "$dir"
  echo "synth $top (flatten=$flatten, target ${period} ns)"
  SMOL_TOP=$top SMOL_FILES="$(rtl_files "$top")" SMOL_INCDIRS="$root/isa/generated $root/rtl/fpu" SMOL_LIB=$lib \
  SMOL_PERIOD_PS=$period_ps SMOL_OUT=$dir SMOL_FLATTEN=$flatten SMOL_PARAMS="${SMOL_PARAMS:-}" \
  SMOL_ABC_SCRIPT=$flow/abc.script SMOL_KEEP="$(block_field "$top" 4 | sed "s/^-$//")" \
    timed "$dir" nice -n "$nice_level" yosys -q -l "$dir/yosys.log" -c "$flow/synth.tcl"
  python3 "$flow/stat_summary.py" "$dir/stat.txt" "$top" > "$dir/area.json"
  echo "  $(cat "$dir/seconds") s: $(python3 "$flow/stat_summary.py" --line "$dir/stat.txt" "$top")"
}

need() { [ -f "$1" ] || { echo "silicon.sh: $1 missing: run the $2 step for $3 first" >&2; exit 1; }; }

step_sta() {
  local top=$1 dir=$out_root/$1/sta netlist=$out_root/$1/synth/netlist.v
  need "$netlist" synth "$top"
  mkdir -p "$dir"
  SMOL_LIB=$lib SMOL_NETLIST=$netlist SMOL_TOP=$top SMOL_PERIOD=$period SMOL_SDC=$flow/constraints.sdc \
    timed "$dir" nice -n "$nice_level" sta -exit "$flow/sta.tcl" > "$dir/report.txt" 2>&1
  if grep -q "^Error" "$dir/report.txt"; then grep "^Error" "$dir/report.txt" >&2; exit 1; fi
  python3 "$flow/sta_summary.py" "$dir/report.txt" "$period" > "$dir/timing.json"
  echo "sta $top: $(python3 "$flow/sta_summary.py" --line "$dir/report.txt" "$period")"
}

# Modules a block needs, as qflow finds them: one file per module in the project's source/ folder.
pnr_sources() {
  case $(block_field "$1" 3) in
    fpu) cp "$root"/rtl/fpu/*.v "$2"/ ;;
    *) cp "$root"/rtl/*.v "$root"/rtl/fpu/*.v "$root"/isa/generated/*.vh "$2"/ ;;
  esac
}

step_pnr() {
  local top=$1 dir=$out_root/$1/pnr
  # The default run places and routes only the blocks marked pnr in silicon/blocks.txt (column 5).
  if [ $explicit_tops = 0 ] && [ "$(block_field "$top" 5)" != pnr ]; then
    echo "pnr $top: not in the default place-and-route set (silicon/blocks.txt; --top $top runs it)"
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir/source" "$dir/synthesis" "$dir/layout"
  pnr_sources "$top" "$dir/source"
  cp "$flow/qflow/project_vars.sh" "$dir/"
  # qflow's own synthesis runs `synth` without flattening and ABC's old `map` per module, which for
  # the FP units (add and mul are the FMA with a constant operand) gives 3.5x the cells of
  # silicon/synth.tcl: hand it the same flattening and ABC script (with the period written in).
  echo "synth -flatten -top $top" > "$dir/synth_flat.ys"
  sed "s/{D}/$period_ps/g" "$flow/abc.script" > "$dir/abc.script"
  { echo "set yosys_script = $dir/synth_flat.ys"; echo "set abc_script = $dir/abc.script"; } >> "$dir/project_vars.sh"
  echo "pnr $top: qflow synthesize place route migrate drc lvs gdsii (log: $dir/qflow.log)"
  # qflow's steps run in its own order; it stops at the first failing one (a DRC error included).
  ( cd "$dir" && timed "$dir" nice -n "$nice_level" \
      qflow synthesize place route migrate drc lvs gdsii -T osu018 "$top" > "$dir/qflow.log" 2>&1 ) || true
  python3 "$flow/pnr_summary.py" "$dir" "$top" > "$dir/pnr.json" || { tail -20 "$dir/qflow.log" >&2; exit 1; }
  # Post-route timing: qrouter's RC tree to an SDF (rc2dly, as qflow's own back-annotation does), then
  # the same OpenSTA script and SDC as before layout, on qflow's netlist.
  local syn=$dir/synthesis
  /usr/lib/qflow/bin/rc2dly -r "$dir/layout/$top.rc" -l "$lib" -d "$syn/$top.sdf" > "$dir/rc2dly.log" 2>&1
  sed -i -e 's/</[/g' -e 's/>/]/g' "$syn/$top.sdf"
  mkdir -p "$dir/sta"
  SMOL_LIB=$lib SMOL_NETLIST=$syn/$top.rtlnopwr.v SMOL_TOP=$top SMOL_PERIOD=$period \
  SMOL_SDC=$flow/constraints.sdc SMOL_SDF=$syn/$top.sdf \
    sta -exit "$flow/sta.tcl" > "$dir/sta/report.txt" 2>&1
  python3 "$flow/sta_summary.py" "$dir/sta/report.txt" "$period" > "$dir/sta/timing.json"
  # A picture of the routed layout (DEF over the cells' LEF) by KLayout in batch mode.
  SMOL_LEF=$tech/osu018_stdcells.lef SMOL_DEF=$dir/layout/$top.def SMOL_PNG=$dir/$top.png \
    klayout -zz -r "$flow/layout_png.py" > "$dir/klayout.log" 2>&1
  echo "  $(cat "$dir/seconds") s: $(python3 "$flow/pnr_summary.py" --line "$dir" "$top")"
  echo "  post-route: $(python3 "$flow/sta_summary.py" --line "$dir/sta/report.txt" "$period")"
}

# The operations whose ISS vectors a unit's netlist runs (fpu_vectors --op names), and the stride through
# their directed cases: fma has 55,331 and q8 131,072, too many for an event-driven simulation of 8,000
# cells on a shared machine, so they run every 10th (all special-value classes still appear).
gate_stride() {
  case $1 in
    smol_fp_fma|smol_fp_q8_lane) echo "${SMOL_GATES_STRIDE:-10}" ;;
    *) echo "${SMOL_GATES_STRIDE:-1}" ;;
  esac
}
gate_ops() {
  case $1 in
    smol_fp_add) echo add sub ;;
    smol_fp_mul) echo mul ;;
    smol_fp_fma) echo fma ;;
    smol_fp_q8_lane) echo q8 ;;
    smol_fp_cmp) echo eq lt le min max ;;
    smol_fp_cvt_s_w) echo cvt_s_w ;;
    smol_fp_cvt_w_s) echo cvt_w_s ;;
    smol_fp_divsqrt) echo div sqrt ;;
    *) echo "" ;;
  esac
}

# Gate-level: the mapped netlist with the osu018 cells' own Verilog models in Icarus, against every
# directed case and a seeded random stream of the ISS (the same operands as fpu_check).
step_gates() {
  local top=$1 dir=$out_root/$1/gates netlist=$out_root/$1/synth/netlist.v ops
  ops=$(gate_ops "$top")
  if [ -z "$ops" ]; then echo "gates $top: no ISS vectors for this block (skipped)"; return; fi
  need "$netlist" synth "$top"
  local vectors=$build_dir/dv/fpu/fpu_vectors
  [ -x "$vectors" ] || { echo "silicon.sh: $vectors missing: ninja -C $build_dir fpu_vectors" >&2; exit 1; }
  mkdir -p "$dir"
  local random=${SMOL_GATES_RANDOM:-20000} seed=${SMOL_GATES_SEED:-1} op count line json="["
  for op in $ops; do
    count=$("$vectors" --op "$op" --random "$random" --seed "$seed" --directed-stride "$(gate_stride "$top")" \
      --out "$dir/$op.hex")
    iverilog -g2005 -DOP_"$op" -o "$dir/$op.vvp" -s tb_unit_vectors "$flow/gates/tb_unit_vectors.v" \
      "$netlist" "$tech/osu018_stdcells.v" 2> "$dir/$op.iverilog.log" || { cat "$dir/$op.iverilog.log" >&2; exit 1; }
    timed "$dir" nice -n "$nice_level" vvp -n "$dir/$op.vvp" "+vectors=$dir/$op.hex" "+count=$count" \
      > "$dir/$op.out"
    line=$(grep -E '^(PASS|FAIL)' "$dir/$op.out" || echo "FAIL: no verdict")
    echo "gates $top $op: $line ($count vectors, seed $seed, directed stride $(gate_stride "$top"), $(cat "$dir/seconds") s)"
    json+="{\"op\": \"$op\", \"vectors\": $count, \"seed\": $seed, \"directed_stride\": $(gate_stride "$top"), "
    json+="\"seconds\": $(cat "$dir/seconds"), "
    json+="\"pass\": $([ "${line%%:*}" = PASS ] && echo true || echo false)},"
    [ "${line%%:*}" = PASS ] || { grep MISMATCH "$dir/$op.out" >&2 || true; gates_failed=1; }
  done
  echo "${json%,}]" > "$dir/gates.json"
}
gates_failed=0

for step in "${steps[@]}"; do
  for top in "${tops[@]}"; do
    case $step in
      synth) step_synth "$top" ;;
      sta) step_sta "$top" ;;
      pnr) step_pnr "$top" ;;
      gates) step_gates "$top" ;;
      report) ;;
    esac
  done
  [ "$step" = report ] && python3 "$flow/report.py" "$out_root" "${tops[@]}" > "$out_root/summary.md" \
    && echo "report: $out_root/summary.md"
done
exit $gates_failed
}
