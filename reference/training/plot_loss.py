"""Loss curve of a training log (train.py's JSON lines) as a PNG.

    /usr/bin/python3 reference/training/plot_loss.py reference/training/train.log docs/trained-model-loss.png
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write the file only
import matplotlib.pyplot as plt  # noqa: E402


def main(argv):
    if len(argv) != 2:
        print("usage: plot_loss.py LOG PNG", file=sys.stderr)
        return 1
    with open(argv[0], encoding="utf-8") as f:
        records = [json.loads(line) for line in f if line.strip()]
    tokens = [r["tokens"] / 1e6 for r in records]
    losses = [r["loss"] for r in records]
    window = 20  # steps of 1024 tokens are noisy: show the running mean too
    smooth = [sum(losses[max(0, i - window + 1):i + 1]) / (i + 1 - max(0, i - window + 1)) for i in range(len(losses))]
    evals = [(r["tokens"] / 1e6, r["val_loss_subset"]) for r in records if "val_loss_subset" in r]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    ax.plot(tokens, losses, color="#bbbbbb", linewidth=0.6, label="train (per step)")
    ax.plot(tokens, smooth, color="#1f77b4", linewidth=1.5, label=f"train ({window}-step mean)")
    if evals:
        ax.plot(*zip(*evals), "o-", color="#d62728", markersize=3, label="validation (first windows of the split)")
    ax.set_xlabel("training tokens (millions)")
    ax.set_ylabel("cross entropy (nats / token)")
    ax.set_title("smol-prose: loss during training")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
