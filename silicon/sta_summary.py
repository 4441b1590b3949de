#!/usr/bin/python3
"""Figures from an OpenSTA report written by silicon/sta.tcl.

  sta_summary.py REPORT PERIOD_NS           JSON: worst slack, Fmax, the critical path's ends and cells
  sta_summary.py --line REPORT PERIOD_NS    one line for the log

Fmax is 1 / (period - worst setup slack): the period at which the worst path would just meet its setup
requirement, with the SDC's input and output delays (a flip-flop each side) included.
"""
import json
import re
import sys


def critical_path(text):
    """The first max-delay path of the report: ends, cells and arrival."""
    block = text.split("Path Type: max", 1)
    if len(block) < 2:
        sys.exit("sta_summary.py: no max-delay path in the report (is the design constrained?)")
    head, body = block[0].rsplit("Startpoint:", 1)[1], block[1].split("slack", 1)[0]
    start = head.split("\n", 1)[0].strip()
    end = re.search(r"Endpoint:\s*(.*)", head).group(1).strip()
    cells = re.findall(r"^\s+[\d.\-]+\s+[\d.\-]+\s+[\d.\-]+\s+[\d.\-]+\s+[v^]\s+\S+/\S+\s+\((\w+)\)", body,
                       re.M)
    arrival = float(re.search(r"([\d.\-]+)\s+data arrival time", body).group(1))
    return {"start": start, "end": end, "cells": cells, "levels": len(cells), "arrival_ns": arrival}


def main():
    args = sys.argv[1:]
    line = args[0] == "--line"
    if line:
        args = args[1:]
    report, period = args[0], float(args[1])
    text = open(report).read()
    slacks = re.findall(r"^worst slack (max|min)\s+([\d.\-]+)", text, re.M)
    if not slacks:
        sys.exit(f"sta_summary.py: {report}: no 'worst slack' lines")
    slack = {kind: float(v) for kind, v in slacks}
    path = critical_path(text)
    fmax = 1000.0 / (period - slack["max"])
    result = {"period_ns": period, "worst_setup_slack_ns": slack["max"], "worst_hold_slack_ns": slack.get("min"),
              "fmax_mhz": round(fmax, 1), "critical_path": path}
    if line:
        kinds = {}
        for c in path["cells"]:
            kinds[c] = kinds.get(c, 0) + 1
        mix = ", ".join(f"{n} {c}" for c, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:4])
        print(f"slack {slack['max']:.3f} ns at {period} ns, Fmax {fmax:.1f} MHz; "
              f"{path['start']} -> {path['end']}, {path['levels']} cells ({mix}, ...)")
    else:
        print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
