#!/usr/bin/python3
"""Results of one qflow run (scripts/silicon.sh pnr): placement, routing, DRC, LVS, GDS.

  pnr_summary.py DIR TOP           JSON
  pnr_summary.py --line DIR TOP    one line for the log
  pnr_summary.py --check DIR TOP   exit 1 unless routed, DRC clean, LVS match and a GDS written

DIR is the qflow project (build-silicon/TOP/pnr). Figures come from qflow's own logs and outputs.
"""
import json
import os
import re
import sys


def read(path):
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def summary(d, top):
    layout = os.path.join(d, "layout")
    qlog = read(os.path.join(d, "qflow.log"))
    deff = read(os.path.join(layout, f"{top}.def"))
    if not deff:
        sys.exit(f"pnr_summary.py: no routed DEF {layout}/{top}.def (placement or routing failed: see {d}/qflow.log)")
    die = re.search(r"DIEAREA \( (-?\d+) (-?\d+) \) \( (-?\d+) (-?\d+) \)", deff)
    units = int(re.search(r"UNITS DISTANCE MICRONS (\d+)", deff).group(1))
    x0, y0, x1, y1 = (int(v) / units for v in die.groups())
    comps = re.findall(r"^- \S+ (\w+) \+ (?:PLACED|FIXED)", deff, re.M)
    cells = [c for c in comps if c != "FILL" and not c.startswith("FILL")]
    failed = re.findall(r"Final: (?:Failed net routes: (\d+)|No failed routes!)", qlog)
    routed = bool(failed) and failed[-1] == ""
    drc = re.findall(r"^drc = (\d+)", read(os.path.join(d, "log", "drc.log")), re.M)
    comp = read(os.path.join(layout, "comp.out"))
    lvs_log = read(os.path.join(d, "log", "lvs.log"))
    lvs_match = "Circuits match uniquely" in comp and "Total errors = 0" in lvs_log
    gds = os.path.join(layout, f"{top}.gds")
    return {
        "top": top,
        "cells": len(cells),
        "fill_cells": len(comps) - len(cells),
        "die_um": [round(x1 - x0, 1), round(y1 - y0, 1)],
        "die_area_um2": round((x1 - x0) * (y1 - y0)),
        "routed": routed,
        "drc_errors": int(drc[-1]) if drc else None,
        "lvs_match": lvs_match,
        "gds": gds if os.path.exists(gds) else None,
        "seconds": float(read(os.path.join(d, "seconds")) or "nan"),
    }


def main():
    args = sys.argv[1:]
    mode = args.pop(0) if args and args[0].startswith("--") else "--json"
    d, top = args
    s = summary(d, top)
    if mode == "--line":
        print(f"{s['cells']} cells, die {s['die_um'][0]} x {s['die_um'][1]} um, "
              f"{'routed' if s['routed'] else 'NOT routed'}, DRC errors {s['drc_errors']}, "
              f"LVS {'match' if s['lvs_match'] else 'NO match'}, GDS {'written' if s['gds'] else 'missing'}")
    elif mode == "--check":
        ok = s["routed"] and s["drc_errors"] == 0 and s["lvs_match"] and s["gds"]
        if not ok:
            sys.exit(f"pnr_summary.py: {top}: {json.dumps(s)}")
    else:
        print(json.dumps(s, indent=1))


if __name__ == "__main__":
    main()
