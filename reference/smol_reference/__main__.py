"""Command line: logits, greedy generation and fixture checkpoints (see the package docstring)."""
import argparse
import sys

import numpy as np


def parse_ids(text):
    try:
        ids = [int(x) for x in text.split(",") if x.strip() != ""]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--ids wants comma-separated integers, got {text!r}")
    if not ids:
        raise argparse.ArgumentTypeError("--ids is empty")
    return ids


def build_parser():
    from .fixtures import fixture_kinds
    from .quant import ACTIVATION_MODES, SCHEMES

    p = argparse.ArgumentParser(prog="python3 -m smol_reference", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    lg = sub.add_parser("logits", help="float32 logits [n_tokens, vocab] as .npy")
    gn = sub.add_parser("generate", help="greedy continuation, ids printed comma-separated")
    for s in (lg, gn):
        s.add_argument("--model", "-m", required=True, help="HF checkpoint directory")
        s.add_argument("--ids", required=True, type=parse_ids, help="prompt token ids, e.g. 1,2,3")
        s.add_argument("--quant", default="f32", choices=SCHEMES)
        s.add_argument("--act", default="f32", choices=ACTIVATION_MODES,
                       help="int8: inputs of the quantized products in blocks of 32, as the engine's --act int8")
    lg.add_argument("-o", "--out", required=True, help="output .npy")
    gn.add_argument("-n", type=int, required=True, help="number of new tokens")
    fx = sub.add_parser("write-fixture", help="write a random HF checkpoint of a given kind")
    fx.add_argument("--kind", required=True, choices=fixture_kinds())
    fx.add_argument("--seed", type=int, default=1)
    fx.add_argument("--out", required=True)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        if args.command == "write-fixture":
            from .fixtures import write_fixture
            write_fixture(args.kind, args.seed, args.out)
            return 0
        from .checkpoint import load_checkpoint
        from .generate import greedy_generate
        from .model import ReferenceModel

        model = ReferenceModel(load_checkpoint(args.model), args.quant, args.act)
        if args.command == "logits":
            np.save(args.out, model.logits(args.ids).numpy().astype(np.float32))
        else:
            if args.n < 0:
                raise ValueError("-n must be >= 0")
            print(",".join(str(i) for i in greedy_generate(model, args.ids, args.n)))
        return 0
    except (ValueError, FileNotFoundError, OSError) as e:
        print(f"smol_reference: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
