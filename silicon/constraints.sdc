# Timing constraints of every block (OpenSTA, read by silicon/sta.tcl; qflow's post-route STA too).
# The period comes from scripts/silicon.sh --period (Tcl variable smol_period, ns).
#
# A clocked block is timed on its clock port clk_i. A combinational FP unit sits between core registers,
# so it is timed on a virtual clock of the same period with a flip-flop on each side: its inputs arrive
# a DFFPOSX1 clock-to-Q after the edge and are driven by a DFFPOSX1's Q pin, its outputs must arrive a
# DFFPOSX1 setup time before the next edge and load one D pin. No clock tree exists (qflow has no CTS):
# the clock is ideal here, and the post-route STA adds the routed clock net's delay.
set smol_clk_to_q 0.16   ;# DFFPOSX1 CLK->Q fall (tplhl), the slower edge, osu018 typical
set smol_setup    0.19   ;# DFFPOSX1 setup of D to CLK, osu018 typical
set smol_d_load   0.01   ;# pF, a little above one DFFPOSX1 D pin

if {[llength [get_ports -quiet clk_i]]} {
  create_clock -name clk -period $smol_period [get_ports clk_i]
  set smol_inputs {}
  foreach port [all_inputs] {
    if {[get_full_name $port] ne "clk_i"} { lappend smol_inputs $port }
  }
} else {
  create_clock -name clk -period $smol_period
  set smol_inputs [all_inputs]
}
set_input_delay  $smol_clk_to_q -clock clk $smol_inputs
set_output_delay $smol_setup    -clock clk [all_outputs]
set_driving_cell -lib_cell DFFPOSX1 -pin Q $smol_inputs
set_load $smol_d_load [all_outputs]
