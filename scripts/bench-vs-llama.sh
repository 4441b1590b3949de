#!/usr/bin/env bash
# smol bench against llama.cpp on the same weights, alternately, and the ratios (issue 15's table).
#   scripts/bench-vs-llama.sh [--smol BIN] [--rounds N] [--threads "1 2"] [--work DIR]
# Weights: the SmolLM2-135M geometry (`smol make-model --preset smollm2-135m`, seed 1) written as GGUF Q8_0 by
# `smol convert --to gguf`. llama.cpp runs that file (node-llama-cpp 3.21.1 from oracles/, timed by
# oracles/bench_llama.mjs, which says what it measures); smol runs the same file as q8_0 (the Q8_0 blocks as
# they are), and the same checkpoint converted once to q8 and q4_0 model files, each with --act f32 and int8.
# Each round runs every configuration once (one warm-up, one timed pp128 and tg128), llama.cpp first, so
# slow phases of a shared machine hit all of them alike; the table shows medians over the rounds, and the
# ratios within the same run are what to read (absolute figures depend on the machine's load, printed too).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
smol="${SMOL:-$root/build/smol}"
rounds=5
threads="1 2"
work="${TMPDIR:-/tmp}/smol-bench-vs-llama"
while [ $# -gt 0 ]; do
  case "$1" in
    --smol) smol="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "bench-vs-llama.sh: unknown argument $1 (expected --smol, --rounds, --threads, --work)" >&2; exit 2 ;;
  esac
done
[ -x "$smol" ] || { echo "bench-vs-llama.sh: no smol binary at $smol (build it, or pass --smol)" >&2; exit 1; }
[ -d "$root/oracles/node_modules/node-llama-cpp" ] || { echo "bench-vs-llama.sh: run scripts/install-deps.sh first (oracles/node_modules)" >&2; exit 1; }
mkdir -p "$work"
gguf="$work/smollm2-135m-q8_0.gguf"
[ -f "$work/hf/config.json" ] || "$smol" make-model --preset smollm2-135m --seed 1 --out "$work/hf" >&2
[ -f "$gguf" ] || "$smol" convert -m "$work/hf" --to gguf --quant q8_0 -o "$gguf" >&2
for quant in q8 q4_0; do
  [ -f "$work/$quant.smol" ] || "$smol" convert -m "$work/hf" --quant "$quant" -o "$work/$quant.smol" >&2
done
configs="q8_0:f32 q8_0:int8 q8:f32 q8:int8 q4_0:f32 q4_0:int8"
echo "bench-vs-llama: $rounds rounds, threads $threads, $("$smol" --version)" >&2
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
results="$work/results.jsonl"
: > "$results"
for round in $(seq 1 "$rounds"); do
  for t in $threads; do
    llama="$(node "$root/oracles/bench_llama.mjs" "$gguf" "$t" 128 128 1)"
    echo "{\"round\": $round, \"engine\": \"llama.cpp\", \"threads\": $t, \"result\": $llama}" >> "$results"
    for config in $configs; do
      quant="${config%%:*}" act="${config##*:}"
      model="$gguf"
      [ "$quant" = q8_0 ] || model="$work/$quant.smol"
      out="$("$smol" bench -m "$model" --quant "$quant" --act "$act" -t "$t" --pp 128 --tg 128 -r 1 --bandwidth-mb 0 --json 2>/dev/null)"
      echo "{\"round\": $round, \"engine\": \"smol\", \"quant\": \"$quant\", \"act\": \"$act\", \"threads\": $t, \"result\": $(echo "$out" | tr -d '\n')}" >> "$results"
    done
    echo "  round $round, $t thread(s) done (load average $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
/usr/bin/python3 - "$results" "$threads" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
threads = [int(t) for t in sys.argv[2].split()]
def median(engine, t, test, quant=None, act=None):
    samples = []
    for r in rows:
        if r["engine"] != engine or r["threads"] != t or (quant and (r["quant"], r["act"]) != (quant, act)):
            continue
        res = r["result"]
        if engine == "llama.cpp":
            samples += res["pp" if test == "pp128" else "tg"]
        else:
            samples += [run[test]["median"] for run in res["runs"]]
    return statistics.median(samples) if samples else float("nan")
tests = [(t, test) for test in ("pp128", "tg128") for t in threads]
head = " | ".join(f"{test} {t} thr" for t, test in tests)
print(f"| tok/s (median of {len({r['round'] for r in rows})} rounds) | {head} |")
print("|---|" + "---|" * len(tests))
llama = {k: median("llama.cpp", *k) for k in tests}
print("| llama.cpp Q8_0 | " + " | ".join(f"{llama[k]:.1f}" for k in tests) + " |")
for quant, act in [("q8_0", "f32"), ("q8_0", "int8"), ("q8", "f32"), ("q8", "int8"), ("q4_0", "f32"), ("q4_0", "int8")]:
    cells = []
    for k in tests:
        v = median("smol", *k, quant, act)
        cells.append(f"{v:.1f} ({v / llama[k]:.2f}x)")
    print(f"| smol {quant} --act {act} | " + " | ".join(cells) + " |")
print()
print("| ratio (same run) | " + " | ".join(f"{act} tg128 {t} thr" for act in ("f32", "int8") for t in threads) + " |")
print("|---|" + "---|" * (2 * len(threads)))
for name, a, b in [("q4_0 / q8 decode", "q4_0", "q8"), ("q8_0 / q8 decode", "q8_0", "q8")]:
    print(f"| {name} | " + " | ".join(f"{median('smol', t, 'tg128', a, act) / median('smol', t, 'tg128', b, act):.2f}" for act in ("f32", "int8") for t in threads) + " |")
print("| q8_0 / q8 prefill (pp128) | " + " | ".join(f"{median('smol', t, 'pp128', 'q8_0', act) / median('smol', t, 'pp128', 'q8', act):.2f}" for act in ("f32", "int8") for t in threads) + " |")
PY
