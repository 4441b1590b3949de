"""CTest fixture setup: (re)write one checkpoint directory for the engine comparison tests.

    prepare_model.py --out DIR --preset NAME --seed S --smol BIN   # via `smol make-model`
    prepare_model.py --out DIR --fixture KIND --seed S             # via smol_reference write-fixture
Both producers refuse a non-empty directory, so a previous run's directory is removed first.
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from smol_reference.fixtures import write_fixture  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--preset")
    group.add_argument("--fixture")
    p.add_argument("--smol", help="path of the smol binary (with --preset)")
    args = p.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    if args.fixture:
        write_fixture(args.fixture, args.seed, args.out)
    else:
        if not args.smol:
            p.error("--preset needs --smol")
        cmd = [args.smol, "make-model", "--preset", args.preset, "--seed", str(args.seed), "--out", args.out]
        print(" ".join(cmd), flush=True)
        subprocess.run(cmd, check=True)
    print(f"wrote {args.out}: {sorted(os.listdir(args.out))}")


if __name__ == "__main__":
    main()
