#!/usr/bin/tcsh -f
# qflow 1.3 project settings for every block (copied into build-silicon/<top>/pnr/ by scripts/silicon.sh;
# qflow sources this file before each step). Only the settings changed from qflow's defaults are here.

# Placement: GrayWolf at a moderate density leaves the router room on the 3-metal-deep fp datapaths
# (qflow's own default packs cells tighter and qrouter then fails on congestion).
set initial_density = 0.6

# Routing: no stacked vias. With stacking allowed, qrouter drops a via1+via2 stack straight onto a cell
# pin, and the lone 0.4 x 0.4 um metal1 landing under it breaks Magic's metal1 minimum-area rule.
set via_stacks = "none"

# Timing: OpenSTA, not vesta (vesta 1.3.17 crashes on a design with no clocked paths); the flow's own
# timing figures come from silicon/sta.tcl with silicon/constraints.sdc (scripts/silicon.sh pnr).
set run_opensta = 1
set run_vesta = 0
