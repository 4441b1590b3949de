#!/usr/bin/python3
"""smol-rs on bad input: every case must exit 1 with `smol-rs: error:` and a message naming the problem, never
a panic (exit 101) or a signal. Then 300 seeded single-field corruptions of a model file's header and
directory, each of which must be refused (or, if it changes nothing the loader checks, run cleanly).

    bad_input.py --smol BIN --smol-rs BIN --model HF_DIR --work DIR
"""
import argparse
import os
import random
import struct
import subprocess
import sys


def run(cmd):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smol", required=True)
    ap.add_argument("--smol-rs", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    good = os.path.join(args.work, "good.smol")
    subprocess.run([args.smol, "convert", "-m", args.model, "--quant", "q8r", "-o", good], check=True)
    data = open(good, "rb").read()
    vocab = struct.unpack_from("<i", data, 32)[0]

    def variant(name, blob):
        path = os.path.join(args.work, name)
        with open(path, "wb") as f:
            f.write(blob)
        return path

    def patched(offset, fmt, value):
        b = bytearray(data)
        struct.pack_into(fmt, b, offset, value)
        return bytes(b)

    bad_tok = variant("tokenizer.json", b'{"model": {"type": "WordPiece", "vocab": {}}}')
    gen = [args.smol_rs, "generate", "-m", good]
    cases = [
        ("missing file", [args.smol_rs, "logits", "-m", os.path.join(args.work, "absent.smol"), "--ids", "1", "-o", "x.npy"], "cannot open"),
        ("directory", [*gen[:2], "-m", args.work, "--ids", "1"], "is a directory"),
        ("short file", [*gen[:2], "-m", variant("short.smol", data[:100]), "--ids", "1"], "too short"),
        ("truncated", [*gen[:2], "-m", variant("trunc.smol", data[: len(data) // 2]), "--ids", "1"], "truncated or padded"),
        ("bad magic", [*gen[:2], "-m", variant("magic.smol", b"XMOL32MF" + data[8:]), "--ids", "1"], "bad magic"),
        ("version", [*gen[:2], "-m", variant("version.smol", patched(8, "<I", 2)), "--ids", "1"], "version 2"),
        ("quant", [*gen[:2], "-m", variant("quant.smol", patched(12, "<I", 7)), "--ids", "1"], "field quant is 7"),
        ("hidden 0", [*gen[:2], "-m", variant("hidden.smol", patched(36, "<i", 0)), "--ids", "1"], "hidden_size is 0"),
        ("data offset", [*gen[:2], "-m", variant("offset.smol", patched(128 + 3 * 48 + 24, "<Q", 1088)), "--ids", "1"],
         "tensor 3 (wk of layer 0): field data_offset is 1088"),
        ("id range", [*gen, "--ids", f"5,{vocab}"], f"invalid token id {vocab} (vocab size {vocab})"),
        ("id text", [*gen, "--ids", "1,x"], "--ids: 'x' is not a token id"),
        ("empty ids", [*gen, "--ids", ""], "--ids: '' is not a token id"),
        ("temp", [*gen, "--ids", "1", "--temp", "-1"], "--temp -1 is out of range"),
        ("top-p", [*gen, "--ids", "1", "--temp", "1", "--top-p", "0"], "--top-p 0 is out of range"),
        ("top-k", [*gen, "--ids", "1", "--top-k", "-2"], "--top-k -2 is out of range"),
        ("n", [*gen, "--ids", "1", "-n", "-1"], "-n -1 is out of range"),
        ("context", [*gen, "--ids", "1,2,3", "-n", "10", "-c", "8"], "needs 13 positions but the context holds 8"),
        ("ctx range", [*gen, "--ids", "1", "-c", "0"], "--ctx-size 0 is out of range"),
        ("quant flag", [*gen, "--ids", "1", "--quant", "f32"], "holds q8r weights"),
        ("no prompt", gen, "give a prompt"),
        ("no tokenizer", [*gen, "-p", "hi"], "carries no tokenizer"),
        ("bad tokenizer", [*gen, "-p", "hi", "--tokenizer", bad_tok], "only BPE is supported"),
        ("npy dir", [args.smol_rs, "logits", "-m", good, "--ids", "1", "-o", os.path.join(args.work, "no", "x.npy")], "cannot write"),
    ]
    failures = []
    for name, cmd, expected in cases:
        code, err = run(cmd)
        if code != 1 or "smol-rs: error:" not in err or expected not in err:
            failures.append(f"{name}: exit {code}, stderr {err.strip()!r}, expected 1 and {expected!r}")
    print(f"{len(cases) - len(failures)}/{len(cases)} bad-input cases refused with the expected message")

    # Seeded corruptions of one field of the header or directory: refused, or harmless, never a crash.
    rng = random.Random(19)
    directory_end = 128 + 48 * struct.unpack_from("<I", data, 16)[0]
    crashes, refused = [], 0
    for i in range(300):
        b = bytearray(data)
        at = rng.randrange(0, directory_end // 4) * 4
        struct.pack_into("<I", b, at, rng.choice([0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 64, rng.getrandbits(32)]))
        path = variant("fuzz.smol", bytes(b))
        code, err = run([args.smol_rs, "generate", "-m", path, "--ids", "1,2", "-n", "2", "--ignore-eos"])
        if code == 1 and "smol-rs: error:" in err:
            refused += 1
        elif code != 0:
            crashes.append(f"corruption {i} (offset {at}): exit {code}: {err.strip()[-300:]}")
    print(f"corruptions: {refused}/300 refused, {300 - refused - len(crashes)} harmless, {len(crashes)} crashes")
    failures += crashes
    if failures:
        print("FAIL:\n" + "\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
