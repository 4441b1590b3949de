#!/usr/bin/python3
"""Area, cell and flip-flop counts per module from Yosys's `stat -liberty` (silicon/synth.tcl).

  stat_summary.py STAT TOP           JSON: {"modules": {name: {cells, flops, area_um2}}, "top": {...}}
  stat_summary.py --line STAT TOP    one line for the log

A module's own figures count its cells only; "top" adds the submodules (the design hierarchy totals).
"""
import json
import re
import sys

FLOPS = ("DFFPOSX1", "DFFNEGX1", "DFFSR", "LATCH")


def parse(text):
    modules = {}
    name = None
    for line in text.splitlines():
        # "=== design hierarchy ===" too (two words): its totals must not land on the last module
        m = re.match(r"^=== (.+) ===$", line.strip())
        if m:
            name = m.group(1).lstrip("\\")
            modules[name] = {"cells": 0, "flops": 0, "area_um2": 0.0, "by_cell": {}, "submodules": {}}
            continue
        if name is None:
            continue
        mod = modules[name]
        m = re.match(r"^\s+Number of cells:\s+(\d+)", line)
        if m:
            mod["cells"] = int(m.group(1))
            continue
        m = re.match(r"^\s+Chip area for (?:top )?module '\\?(\S+)':\s+([\d.]+)", line)
        if m:
            mod["area_um2"] = float(m.group(2))
            continue
        m = re.match(r"^\s{5}(\S+)\s+(\d+)$", line)
        if m and name != "design hierarchy":
            cell, count = m.group(1).lstrip("\\"), int(m.group(2))
            if cell.startswith("$"):
                continue
            if re.match(r"^[A-Z0-9]+X\d$|^FAX1$|^HAX1$|^DFFSR$|^LATCH$|^CLKBUF\d$|^TBUFX\d$", cell):
                mod["by_cell"][cell] = count
                if cell in FLOPS:
                    mod["flops"] += count
            else:
                mod["submodules"][cell] = count
    return modules


def totals(modules, name, memo=None):
    """Cells, flops and area of a module with everything below it."""
    memo = {} if memo is None else memo
    if name in memo:
        return memo[name]
    mod = modules[name]
    cells = sum(mod["by_cell"].values())
    flops, area = mod["flops"], mod["area_um2"]
    for sub, n in mod["submodules"].items():
        if sub in modules:
            c, f, a = totals(modules, sub, memo)
            cells, flops, area = cells + n * c, flops + n * f, area + n * a
    memo[name] = (cells, flops, area)
    return memo[name]


def main():
    args = sys.argv[1:]
    line = args[0] == "--line"
    if line:
        args = args[1:]
    stat, top = args
    modules = parse(open(stat).read())
    modules.pop("design hierarchy", None)
    if top not in modules:
        sys.exit(f"stat_summary.py: {stat}: no module '{top}' in the statistics")
    # Yosys's area of a module counts its own cells only; totals() adds the submodules.
    own = {}
    for name, mod in modules.items():
        own[name] = {"cells": sum(mod["by_cell"].values()), "flops": mod["flops"],
                     "area_um2": round(mod["area_um2"], 1), "instances_of": mod["submodules"]}
    cells, flops, area = totals(modules, top)
    result = {"top": {"module": top, "cells": cells, "flops": flops, "area_um2": round(area, 1)},
              "modules": own}
    if line:
        print(f"{top}: {cells} cells, {flops} flip-flops, {area:.0f} um^2")
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
