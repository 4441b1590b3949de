#!/usr/bin/python3
"""Asserts on the smoke run's outputs (silicon/CMakeLists.txt): the block mapped to library cells with
no flip-flops (it is combinational), OpenSTA found its paths and it meets the period, and every
gate-level operation ran its vectors bit-identical to the ISS.

  smoke_check.py OUT_ROOT TOP PERIOD_NS
"""
import json
import os
import sys


def main():
    root, top, period = sys.argv[1], sys.argv[2], float(sys.argv[3])
    d = os.path.join(root, top)
    area = json.load(open(os.path.join(d, "synth", "area.json")))["top"]
    timing = json.load(open(os.path.join(d, "sta", "timing.json")))
    gates = json.load(open(os.path.join(d, "gates", "gates.json")))
    errors = []
    if area["cells"] < 100 or area["area_um2"] <= 0:
        errors.append(f"implausible mapping: {area}")
    if area["flops"] != 0:
        errors.append(f"{top} is combinational but maps to {area['flops']} flip-flops")
    if timing["period_ns"] != period:
        errors.append(f"timed at {timing['period_ns']} ns, not {period}")
    if timing["worst_setup_slack_ns"] < 0:
        errors.append(f"worst slack {timing['worst_setup_slack_ns']} ns: {top} no longer meets {period} ns")
    if timing["critical_path"]["levels"] < 5:
        errors.append(f"critical path of {timing['critical_path']['levels']} cells: the report was not read")
    if not gates or not all(g["pass"] and g["vectors"] > 1000 for g in gates):
        errors.append(f"gate-level run: {gates}")
    for e in errors:
        print(f"smoke_check: {e}", file=sys.stderr)
    if errors:
        sys.exit(1)
    print(f"{top}: {area['cells']} cells, {area['area_um2']:.0f} um^2, Fmax {timing['fmax_mhz']} MHz, "
          f"gate-level {sum(g['vectors'] for g in gates)} vectors bit-identical")


if __name__ == "__main__":
    main()
