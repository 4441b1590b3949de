"""`smol verify`'s reference layer: the PyTorch reference (reference/smol_reference) on one weight scheme.

Prefills the prompt and generates n greedy tokens through the reference's KV cache, exactly as
smol_reference.generate.greedy_generate does, keeping the logits of every position it evaluates.
Writes OUT.npy (float32 [positions, vocab]) and OUT.json ({"stream": [...], "torch": version}).
Exit status 3: torch or numpy cannot be imported (the layer is unavailable, not wrong).
usage: python3 reference_layer.py MODEL_DIR QUANT IDS N OUT
"""
import json
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as e:
    print(f"reference layer: {e}", file=sys.stderr)
    sys.exit(3)

from smol_reference.checkpoint import load_checkpoint
from smol_reference.generate import argmax_lowest
from smol_reference.model import ReferenceModel


def main(model_dir, quant, ids_text, n_text, out):
    ids = [int(x) for x in ids_text.split(",")]
    n = int(n_text)
    model = ReferenceModel(load_checkpoint(model_dir), quant)
    cache = model.new_cache()
    rows = [model.logits(ids, cache).numpy()]
    stream = []
    started = time.monotonic()
    for step in range(n):
        stream.append(argmax_lowest(rows[-1][-1]))
        if step + 1 < n:
            rows.append(model.logits([stream[-1]], cache).numpy())
        if time.monotonic() - started > 5:
            print(f"  reference.{quant}: token {step + 1}/{n}", file=sys.stderr, flush=True)
    np.save(out + ".npy", np.concatenate(rows).astype(np.float32))
    with open(out + ".json", "w", encoding="utf-8") as f:
        json.dump({"stream": stream, "torch": torch.__version__}, f)


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
