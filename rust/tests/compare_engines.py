#!/usr/bin/python3
"""smol-rs (the Rust port) against smol (the C++ engine) on one HF checkpoint directory.

    compare_engines.py --smol BIN --smol-rs BIN --model HF_DIR --work DIR [--text] [--new-tokens N]
                       [--portable-quants f32,q8,q8r]

The checkpoint is converted (`smol convert`) to each scheme the C++ engine offers (f32, q8, q8r, and q8_0,
q4_0 where `smol convert` has them); on each, on every kernel tier both engines can run here (SMOL_SIMD=
portable, avx2, and avx512 where the C++ engine has that tier and the CPU the extensions), it compares:
  - logits of every prompt position (`logits --ids`): within 1e-4 x max|logit| (the engine-vs-reference
    bound), and counts the values that are bit-identical;
  - greedy and seeded-sampling continuations (`generate --ids`): token for token identical;
  - with --text, a text prompt through the tokenizer (`generate -p --tokenizer`): identical output text.
Prints every count and exits nonzero on any difference.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

BLOCK_QUANTS = ["q8_0", "q4_0"]
# (name, flags): greedy, then sampling that exercises temperature, top-k, top-p and their mix.
SAMPLINGS = [
    ("greedy", []),
    ("temp", ["--temp", "0.9", "--seed", "11"]),
    ("top-k", ["--temp", "1.3", "--top-k", "40", "--seed", "12"]),
    ("top-p", ["--temp", "0.8", "--top-p", "0.9", "--seed", "13"]),
    ("mixed", ["--temp", "1.1", "--top-k", "64", "--top-p", "0.95", "--seed", "14"]),
]
BOUND = 1e-4  # x max|logit|, the engine-vs-reference bound


def run(cmd, env):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f"FAILED ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smol", required=True)
    ap.add_argument("--smol-rs", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--text", action="store_true")
    ap.add_argument("--new-tokens", type=int, default=40)
    ap.add_argument("--prompt-tokens", type=int, default=12)
    ap.add_argument("--portable-quants", default="all", help="schemes also run on the portable tier")
    args = ap.parse_args()

    with open(os.path.join(args.model, "config.json")) as f:
        vocab = json.load(f)["vocab_size"]
    rng = np.random.default_rng(20261201)
    prompt = ",".join(str(int(i)) for i in rng.integers(0, vocab, args.prompt_tokens))
    os.makedirs(args.work, exist_ok=True)

    convert_help = subprocess.run([args.smol, "convert", "--help"], stdout=subprocess.PIPE, text=True).stdout
    quants = ["f32", "q8", "q8r"] + [q for q in BLOCK_QUANTS if q in convert_help]
    generate_help = subprocess.run([args.smol, "generate", "--help"], stdout=subprocess.PIPE, text=True).stdout
    cpu = open("/proc/cpuinfo").read().split()
    tiers = ["avx2"] if {"avx2", "fma", "f16c"} <= set(cpu) else []
    if tiers and "avx512" in generate_help and {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= set(cpu):
        tiers.append("avx512")
    print(f"schemes {', '.join(quants)}; tiers {', '.join(tiers + ['portable'])}")
    portable_quants = quants if args.portable_quants == "all" else args.portable_quants.split(",")

    totals = dict(runs=0, tokens=0, token_mismatches=0, logits=0, logits_identical=0, texts=0)
    failures = []
    worst = 0.0
    for quant in quants:
        model = os.path.join(args.work, f"{quant}.smol")
        run([args.smol, "convert", "-m", args.model, "--quant", quant, "-o", model], dict(os.environ))
        for simd in tiers + (["portable"] if quant in portable_quants else []):
            env = dict(os.environ, SMOL_SIMD=simd)
            case = f"{quant}/{simd}"

            a, b = (os.path.join(args.work, f"logits.{quant}.{simd}.{who}.npy") for who in ("cpp", "rs"))
            run([args.smol, "logits", "-m", model, "--ids", prompt, "-o", a], env)
            run([args.smol_rs, "logits", "-m", model, "--ids", prompt, "-o", b], env)
            la, lb = np.load(a), np.load(b)
            if la.shape != lb.shape:
                failures.append(f"{case} logits: shape {lb.shape}, C++ {la.shape}")
                continue
            scale = float(np.max(np.abs(la)))
            diff = float(np.max(np.abs(la.astype(np.float64) - lb)))
            identical = int(np.sum(la.view(np.uint32) == lb.view(np.uint32)))
            totals["logits"] += la.size
            totals["logits_identical"] += identical
            worst = max(worst, diff / scale if scale > 0 else diff)
            print(f"{case} logits {la.shape}: max |diff| {diff:.3g} (bound {BOUND * scale:.3g}), "
                  f"{identical}/{la.size} bit-identical")
            if not diff <= BOUND * scale:
                failures.append(f"{case} logits: max |diff| {diff} > {BOUND} x {scale}")

            for name, flags in SAMPLINGS:
                cmd = ["generate", "-m", model, "--ids", prompt, "-n", str(args.new_tokens), "--ignore-eos", *flags]
                want = run([args.smol, *cmd], env).strip().split(",")
                got = run([args.smol_rs, *cmd], env).strip().split(",")
                same = sum(1 for x, y in zip(want, got) if x == y)
                totals["runs"] += 1
                totals["tokens"] += len(want)
                if want != got:
                    totals["token_mismatches"] += 1
                    failures.append(f"{case} {name}: C++ {','.join(want)}\n  Rust {','.join(got)}")
                print(f"{case} {name}: {same}/{len(want)} tokens identical")

            if args.text:
                cmd = ["generate", "-m", model, "--tokenizer", args.model, "-p", "Once upon a time, the 3 cats",
                       "-n", str(args.new_tokens), "--temp", "0.7", "--seed", "5"]
                want, got = run([args.smol, *cmd], env), run([args.smol_rs, *cmd], env)
                totals["texts"] += 1
                if want != got:
                    failures.append(f"{case} text: C++ {want!r}\n  Rust {got!r}")
                print(f"{case} text: {'identical' if want == got else 'DIFFERENT'} ({len(want)} chars)")

    print(f"summary: {totals['runs']} continuations, {totals['tokens']} tokens, "
          f"{totals['token_mismatches']} differing continuations; {totals['texts']} text runs; "
          f"logits {totals['logits_identical']}/{totals['logits']} bit-identical, worst |diff|/max|logit| {worst:.3g}")
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
