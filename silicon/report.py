#!/usr/bin/python3
"""Collect the figures of every block under build-silicon/ into one Markdown summary.

  report.py OUT_ROOT TOP...      (scripts/silicon.sh report; prints build-silicon/summary.md)

Reads each block's synth/area.json, sta/timing.json, gates/gates.json and pnr/{pnr.json,sta/timing.json}
where they exist; a block without a step's output shows "-" there.
"""
import json
import os
import sys

# Cycles per SmolLM2-135M token (q8, position 0) of the RTL core, from its lockstep run (docs/rtl.md).
CYCLES_PER_TOKEN = {"latency 1": 18_637_921, "latency 20": 23_325_791}


def load(*parts):
    path = os.path.join(*parts)
    return json.load(open(path)) if os.path.exists(path) else None


def seconds(*parts):
    path = os.path.join(*parts, "seconds")
    return open(path).read().strip() if os.path.exists(path) else "-"


def main():
    root, tops = sys.argv[1], sys.argv[2:]
    print("| block | cells | flip-flops | area (um^2) | synth s | worst slack (ns) | Fmax (MHz) | critical path |")
    print("|---|---|---|---|---|---|---|---|")
    fmax = {}
    for top in tops:
        area = load(root, top, "synth", "area.json")
        timing = load(root, top, "sta", "timing.json")
        cells = f"{area['top']['cells']:,}" if area else "-"
        flops = f"{area['top']['flops']:,}" if area else "-"
        um2 = f"{area['top']['area_um2']:,.0f}" if area else "-"
        if timing:
            fmax[top] = timing["fmax_mhz"]
            p = timing["critical_path"]
            path = f"{p['start'].split(' ')[0]} -> {p['end'].split(' ')[0]}, {p['levels']} cells"
            slack, mhz = f"{timing['worst_setup_slack_ns']:.3f}", f"{timing['fmax_mhz']:.1f}"
        else:
            path = slack = mhz = "-"
        print(f"| `{top}` | {cells} | {flops} | {um2} | {seconds(root, top, 'synth')} | {slack} | {mhz} | {path} |")

    rows = [(top, load(root, top, "synth", "area.json")) for top in tops]
    hier = [(t, a) for t, a in rows if a and len(a["modules"]) > 1]
    for top, area in hier:
        print(f"\nModules of `{top}` (own cells, without submodules; instances in brackets):\n")
        print("| module | cells | flip-flops | area (um^2) | instances |")
        print("|---|---|---|---|---|")
        for name, m in area["modules"].items():
            inst = ", ".join(f"{n} x {s}" for s, n in m["instances_of"].items()) or "-"
            print(f"| `{name}` | {m['cells']:,} | {m['flops']:,} | {m['area_um2']:,.0f} | {inst} |")

    # A block synthesized with its submodules as black boxes (the core): its own logic plus each
    # submodule's figures from that submodule's own run.
    for top, area in rows:
        if not area:
            continue
        own = area["modules"].get(top, {})
        subs = own.get("instances_of", {})
        blocks = {s: load(root, s, "synth", "area.json") for s in subs}
        if not subs or not any(blocks.values()) or len(area["modules"]) > 1:
            continue
        parts = [(f"`{top}` (its own logic)", 1, own["cells"], own["flops"], own["area_um2"])]
        missing = []
        for sub, n in sorted(subs.items()):
            b = blocks[sub]
            if b:
                parts.append((f"`{sub}`", n, b["top"]["cells"], b["top"]["flops"], b["top"]["area_um2"]))
            else:
                missing.append(sub)
        total = sum(n * a for _, n, _, _, a in parts)
        flops = sum(n * f for _, n, _, f, _ in parts)
        print(f"\n`{top}` by module (each submodule synthesized as its own block, the core's own logic with "
              f"them as black boxes):\n")
        print("| module | instances | cells | flip-flops | area (um^2) | share of the area |")
        print("|---|---|---|---|---|---|")
        for name, n, c, f, a in sorted(parts, key=lambda p: -p[1] * p[4]):
            print(f"| {name} | {n} | {n * c:,} | {n * f:,} | {n * a:,.0f} | {100 * n * a / total:.1f} % |")
        print(f"| total | | {sum(n * c for _, n, c, _, _ in parts):,} | {flops:,} | {total:,.0f} | 100 % |")
        if missing:
            print(f"\nNot yet synthesized, so not in the total: {', '.join(missing)}.")

    gate_rows = [(t, load(root, t, "gates", "gates.json")) for t in tops]
    gate_rows = [(t, g) for t, g in gate_rows if g]
    if gate_rows:
        print("\n| block | operation | ISS vectors | result | seconds |")
        print("|---|---|---|---|---|")
        for top, g in gate_rows:
            for r in g:
                verdict = "bit-identical" if r["pass"] else "MISMATCH"
                stride = r.get("directed_stride", 1)
                cases = "every directed case" if stride == 1 else f"every {stride}th directed case"
                print(f"| `{top}` | {r['op']} | {r['vectors']:,} ({cases}, random seed {r['seed']}) | {verdict} "
                      f"| {r['seconds']} |")

    pnr_rows = [(t, load(root, t, "pnr", "pnr.json"), load(root, t, "pnr", "sta", "timing.json")) for t in tops]
    pnr_rows = [r for r in pnr_rows if r[1]]
    if pnr_rows:
        print("\n| block | placed cells | die (um) | routed | DRC errors | LVS | GDS | post-route Fmax (MHz) | seconds |")
        print("|---|---|---|---|---|---|---|---|---|")
        for top, p, t in pnr_rows:
            post = f"{t['fmax_mhz']:.1f}" if t else "-"
            print(f"| `{top}` | {p['cells']:,} | {p['die_um'][0]} x {p['die_um'][1]} | {'yes' if p['routed'] else 'NO'} "
                  f"| {p['drc_errors']} | {'match' if p['lvs_match'] else 'NO match'} | {'yes' if p['gds'] else 'no'} "
                  f"| {post} | {p['seconds']:.0f} |")

    core_units = [t for t in ("smol_fp_fma", "smol_fp_add", "smol_fp_mul", "smol_fp_q8_lane") if t in fmax]
    if core_units:
        slowest = min(core_units, key=lambda t: fmax[t])
        f = fmax[slowest]
        print(f"\nThe core runs `{slowest}` in one cycle, so its clock is at most {f:.1f} MHz "
              f"(the unit with a flip-flop each side). Time per SmolLM2-135M token at that clock:")
        for name, cycles in CYCLES_PER_TOKEN.items():
            print(f"- {name}: {cycles:,} cycles / {f:.1f} MHz = {cycles / f / 1000:.0f} ms")


if __name__ == "__main__":
    main()
