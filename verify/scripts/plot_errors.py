"""`smol verify --plot`: max |Δlogit| per position for every link, on a log scale.

Bit-identical links (0 everywhere) cannot sit on a log axis: they are drawn on the floor line and say so.
usage: python3 plot_errors.py REPORT.json OUT.png
"""
import json
import sys

FLOOR = 1e-12

def main(report_path, out_path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"--plot: matplotlib cannot be imported ({e}); install python3-matplotlib", file=sys.stderr)
        return 1
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    fig, ax = plt.subplots(figsize=(10, 6))
    prompt = len(report["prompt"])
    colours = plt.get_cmap("tab20").colors
    for i, link in enumerate(report["links"]):
        ys = [FLOOR if (v is not None and v == 0) else (v if v is not None else float("nan"))
              for v in link["per_position_max_abs"]]
        label = f'{link["parent"]} → {link["child"]}'
        if ys and all(y == FLOOR for y in ys):
            label += " (0 everywhere)"
        ax.plot(range(len(ys)), ys, marker=".", linewidth=1, label=label, color=colours[i % len(colours)],
                linestyle="-" if i < len(colours) else "--")
    ax.axvline(prompt - 0.5, color="grey", linestyle=":", linewidth=1)
    ax.text(prompt - 0.5, 0.02, " greedy stream →", color="grey", transform=ax.get_xaxis_transform())
    ax.set_yscale("log")
    ax.set_xlabel("position (prompt, then the greedy stream)")
    ax.set_ylabel("max |Δlogit| at the position")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f'smol verify: {report["model"]}\n(llama.cpp links: logits relative to the top token)', fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
