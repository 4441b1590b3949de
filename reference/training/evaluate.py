"""Validation loss of a checkpoint, computed by the plain reference (smol_reference.model.ReferenceModel).

    PYTHONPATH=reference /usr/bin/python3 reference/training/evaluate.py -m models-trained/smol-prose \
        --ids reference/training/data/valid.ids.npy

The ids are cut into consecutive windows of --context + 1 tokens (each window starting a fresh context); the
loss is the mean cross entropy, in nats per token, over every prediction of every window.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

DEFAULT_CONTEXT = 256
CHECK_WINDOWS = 32  # the windows the CTest scores: the first 8192 predictions of the split


def windows(ids, context):
    """Consecutive [context + 1]-token windows overlapping by one token, the last one possibly shorter."""
    out = []
    for start in range(0, len(ids) - 1, context):
        window = ids[start:start + context + 1]
        if len(window) >= 2:
            out.append(window)
    return out


def first_windows(ids, context, count):
    """The ids of the first `count` windows (a prefix of `ids`), which validation_loss scores alike."""
    return np.asarray(ids)[:count * context + 1]


def validation_loss(model, ids, context=DEFAULT_CONTEXT):
    """Mean next-token cross entropy (nats) of `model` (anything with .logits(ids)) over `ids`."""
    total, count = 0.0, 0
    for window in windows(np.asarray(ids, dtype=np.int64), context):
        logits = model.logits(window[:-1])
        total += float(F.cross_entropy(logits, torch.from_numpy(window[1:]), reduction="sum"))
        count += len(window) - 1
    return total / count


def main(argv=None):
    from smol_reference.checkpoint import load_checkpoint
    from smol_reference.model import ReferenceModel

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-m", "--model", required=True, help="HF checkpoint directory")
    p.add_argument("--ids", required=True, help="uint16 .npy of token ids")
    p.add_argument("--context", type=int, default=DEFAULT_CONTEXT)
    p.add_argument("--quant", default="f32", help="f32, q8 or q8r (smol_reference.quant)")
    p.add_argument("--windows", type=int, help="score only the first N windows")
    args = p.parse_args(argv)
    ids = np.load(args.ids)
    if args.windows:
        ids = first_windows(ids, args.context, args.windows)
    loss = validation_loss(ReferenceModel(load_checkpoint(args.model), args.quant), ids, args.context)
    print(json.dumps({"val_loss": loss, "perplexity": math.exp(loss), "tokens": int(len(ids))}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
