# OpenSTA on one mapped block (sta -exit silicon/sta.tcl), pre-layout, osu018 typical corner.
# Environment: SMOL_LIB, SMOL_NETLIST, SMOL_TOP, SMOL_PERIOD (ns), SMOL_SDC, optional SMOL_SDF
# (post-route delays from qflow's rc2dly).
read_liberty $::env(SMOL_LIB)
read_verilog $::env(SMOL_NETLIST)
link_design $::env(SMOL_TOP)
set smol_period $::env(SMOL_PERIOD)
source $::env(SMOL_SDC)
if {[info exists ::env(SMOL_SDF)] && $::env(SMOL_SDF) ne ""} { read_sdf $::env(SMOL_SDF) }
puts "smol_period $smol_period"
report_checks -path_delay max -format full -fields {fanout cap slew input_pins} -digits 3
report_checks -path_delay min -digits 3
report_wns -digits 3
report_tns -digits 3
puts [format "worst slack max %.3f" [worst_slack -max]]
puts [format "worst slack min %.3f" [worst_slack -min]]
