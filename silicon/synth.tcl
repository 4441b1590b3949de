# Yosys script (yosys -c): one block mapped to the OSU 0.18 um cells.
# Inputs from the environment (scripts/silicon.sh sets them):
#   SMOL_TOP      top module            SMOL_FILES  Verilog sources (space separated)
#   SMOL_INCDIRS  include directories   SMOL_LIB    liberty file
#   SMOL_PERIOD_PS  ABC delay target    SMOL_OUT    output directory
#   SMOL_FLATTEN  1: flatten the block (constants fold across the FP units' shared datapath);
#                 0: keep submodules and map each one once (the whole core: bounded run time)
#   SMOL_ABC_SCRIPT  ABC script (silicon/abc.script)
#   SMOL_KEEP     with SMOL_FLATTEN=0: keep:MODS (kept as their own netlist modules, each mapped once;
#                 everything else is flattened into its parent) or bbox:MODS (left out as black boxes)
#   SMOL_PARAMS   optional "NAME=VALUE ..." top-level parameter overrides
yosys -import
set top     $::env(SMOL_TOP)
set lib     $::env(SMOL_LIB)
set out     $::env(SMOL_OUT)
set period  $::env(SMOL_PERIOD_PS)
set flatten $::env(SMOL_FLATTEN)

set incs {}
foreach d $::env(SMOL_INCDIRS) { lappend incs -I$d }
foreach f $::env(SMOL_FILES) { read_verilog {*}$incs $f }

set chparams {}
if {[info exists ::env(SMOL_PARAMS)]} {
  foreach kv $::env(SMOL_PARAMS) {
    set p [split $kv =]
    lappend chparams -chparam [lindex $p 0] [lindex $p 1]
  }
}
hierarchy -check -top $top {*}$chparams

if {!$flatten} {
  # keep:A,B  A and B stay netlist modules, mapped here once each;
  # bbox:A,B  A and B are left out as black boxes (synthesized as their own blocks; the summary adds
  #           their areas), which bounds the run time of the core's own logic.
  set spec $::env(SMOL_KEEP)
  set mods [split [regsub {^(keep|bbox):} $spec ""] ,]
  if {[string match bbox:* $spec]} {
    foreach m $mods { blackbox $m }
  } else {
    foreach m $mods { setattr -mod -set keep_hierarchy 1 $m }
  }
}
synth -flatten -top $top
# No latch may survive (the RTL rule); a latch would also break the flop counts below.
select -assert-none t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$_DLATCH_* t:\$_DLATCHSR_* t:\$_SR_*
# Flip-flops: DFFPOSX1 (no reset flops in the RTL: resets are synchronous, so they are logic on D).
dfflibmap -liberty $lib
# ABC's liberty mapping with the delay target, then buffering and gate sizing towards the period
# (silicon/abc.script: Yosys's default liberty script without its SAT sweeps, &fraig and scorr, which
# take tens of minutes on the multiplier arrays and change little in a design without redundancy).
# Yosys substitutes {D} only in its built-in scripts: write the period into a copy.
set f [open $::env(SMOL_ABC_SCRIPT)]; set script [string map [list "{D}" $period] [read $f]]; close $f
set f [open $out/abc.script w]; puts -nonewline $f $script; close $f
abc -liberty $lib -D $period -script $out/abc.script
opt_clean -purge
# Everything is a library cell now (no generic $ cell left unmapped).
select -assert-none t:\$*
# The library has no tie cells: constant nets stay 1'b0/1'b1 in the netlist (qflow ties them itself).
setundef -zero
tee -o $out/stat.txt stat -liberty $lib
# -simple-lhs: OpenSTA's reader refuses concatenations on the left of an assign (the core's flattened
# netlist has them where bus bits alias each other).
write_verilog -noattr -noexpr -nohex -nodec -simple-lhs $out/netlist.v
write_json $out/netlist.json
