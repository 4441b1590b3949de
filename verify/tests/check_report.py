"""Asserts the verdicts of a `smol verify --json` report (the CTest cases in verify/tests/CMakeLists.txt).

Every link must hold; the layers named by --expect must have run (a back end this smol was built without,
e.g. rtl before it lands, must instead be reported skipped as "not built"); the links between them must
be there. usage: python3 check_report.py REPORT.json --expect LAYER,... [--absent-ok KIND,...] [--png FILE]
"""
import argparse
import json
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--expect", required=True, help="layers that must have run")
    ap.add_argument("--png", help="a --plot output that must be a PNG")
    args = ap.parse_args()
    with open(args.report, encoding="utf-8") as f:
        report = json.load(f)
    layers = {layer["name"]: layer for layer in report["layers"]}
    problems = []
    ran = set()
    for name in args.expect.split(","):
        layer = layers.get(name)
        if layer is None:
            problems.append(f"{name}: not in the report")
        elif layer["status"] == "ran":
            ran.add(name)
        elif layer["kind"] not in report["backends"] and layer["kind"] in ("rtl", "gates") \
                and "not built" in layer.get("reason", ""):
            print(f"  {name}: skipped, as it must be in this build: {layer['reason']}")
        elif name.endswith(".portable") and report["kernel_tier"] == "portable":
            print(f"  {name}: skipped, the run-time tier is portable: {layer['reason']}")
        else:
            problems.append(f"{name}: {layer['status']} ({layer.get('reason', '')})")
    # Every layer that ran is in a link: checked against the one above it, or (the top of what --layers
    # selected, e.g. engine.q8 with no reference) the parent the next layer is checked against.
    linked = {link["child"] for link in report["links"]} | {link["parent"] for link in report["links"]}
    for name in sorted(ran - linked):
        problems.append(f"{name}: ran but is in no link")
    for link in report["links"]:
        print(f"  {link['parent']} -> {link['child']}: max|d| {link['max_abs_dlogit']} rel {link['max_rel_dlogit']} "
              f"bound {link['bound']} greedy {'identical' if link['greedy_identical'] else 'differs'}: {link['verdict']}")
        if link["verdict"] != "holds":
            problems.append(f"link {link['parent']} -> {link['child']} does not hold its bound")
        if link["positions"] != len(report["prompt"]) + report["n"] - 1:
            problems.append(f"link {link['parent']} -> {link['child']} compared {link['positions']} positions")
    if not report["all_hold"]:
        problems.append("the report says not every link holds")
    if args.png:
        with open(args.png, "rb") as f:
            if f.read(8) != b"\x89PNG\r\n\x1a\n":
                problems.append(f"{args.png} is not a PNG")
    for p in problems:
        print(f"FAIL: {p}")
    print(f"{len(report['links'])} links, {len(ran)} layers ran, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
