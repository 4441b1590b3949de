#!/usr/bin/env bash
# `--backend rtl` through the smol CLI against `--backend iss`, on a tiny model: logits byte-identical (cmp of
# the .npy files, every quantized scheme: q8_0 and q4_0 run the block-scaled MACs), a greedy 16-token
# continuation identical, the rtl-only flags refused elsewhere, and `smol profile --backend rtl` consistent
# with the ISS's profile. (Chat goes through the same back-end options as generate; a chat turn costs a
# dozen simulated forward passes, so it is left to docs/rtl.md's manual check.) About 31 simulated forward passes of tiny in all.
#   rtl_cli_backends.sh SMOL MODEL_DIR WORK_DIR PYTHON
set -eu
smol=$1; model=$2; dir=$3; python=$4
rm -rf "$dir"; mkdir -p "$dir"
ids=1,504
fail() { echo "FAIL: $*"; exit 1; }
for q in q8 q8r q8_0 q4_0; do
  "$smol" logits -m "$model" --quant $q --ids $ids -o "$dir/iss.$q.npy" --backend iss
  "$smol" logits -m "$model" --quant $q --ids $ids -o "$dir/rtl.$q.npy" --backend rtl --latency 1
  cmp "$dir/iss.$q.npy" "$dir/rtl.$q.npy" || fail "$q logits differ between iss and rtl"
  echo "$q logits: byte-identical ($(wc -c < "$dir/rtl.$q.npy") bytes)"
done
want=$("$smol" generate -m "$model" --quant q8 --ids 1 -n 16 --ignore-eos --backend iss 2>/dev/null)
got=$("$smol" generate -m "$model" --quant q8 --ids 1 -n 16 --ignore-eos --backend rtl --latency 1 2>/dev/null)
[ "$(echo "$got" | tr ',' '\n' | wc -l)" -eq 16 ] || fail "rtl generated '$got', not 16 tokens"
[ "$want" = "$got" ] || fail "generate: iss '$want', rtl '$got'"
echo "generate: 16 tokens identical ($got)"

# The memory model's flags belong to the rtl back end, and are range-checked, naming the flag.
expect_error() {  # expect_error PATTERN command...
  pattern=$1; shift
  if "$@" > "$dir/out.txt" 2> "$dir/err.txt"; then fail "'$*' succeeded"; fi
  grep -q -- "$pattern" "$dir/err.txt" || { cat "$dir/err.txt"; fail "'$*': no '$pattern' in the error"; }
}
expect_error "--latency applies to --backend rtl only" "$smol" logits -m "$model" --quant q8 --ids 1 -o "$dir/x.npy" --backend iss --latency 3
expect_error "--bandwidth" "$smol" logits -m "$model" --quant q8 --ids 1 -o "$dir/x.npy" --backend rtl --bandwidth 17
expect_error "--latency" "$smol" logits -m "$model" --quant q8 --ids 1 -o "$dir/x.npy" --backend rtl --latency 0
expect_error "did not halt within --max-cycles 5000" "$smol" logits -m "$model" --quant q8 --ids 1 -o "$dir/x.npy" --backend rtl --max-cycles 5000

# smol profile --backend rtl: the cycles of every kernel and class add up to the forward pass's, and it
# retires exactly the instructions the ISS counts.
"$smol" profile -m "$model" --quant q8 --pos 1 --json --backend iss > "$dir/iss_profile.json"
"$smol" profile -m "$model" --quant q8 --pos 1 --json --backend rtl --latency 20 > "$dir/rtl_profile.json"
"$smol" profile -m "$model" --quant q8 --pos 0 --backend rtl --latency 1 > "$dir/rtl_profile.txt"
"$python" - "$dir/iss_profile.json" "$dir/rtl_profile.json" <<'PY'
import json, sys
iss, rtl = (json.load(open(p))[0] for p in sys.argv[1:3])
r = rtl["rtl"]
assert rtl["pos"] == 1 and r["latency"] == 20 and r["bytes_per_cycle"] == 16, rtl
assert r["instructions"] == iss["iss"]["instructions"], (r["instructions"], iss["iss"]["instructions"])
for part in ("kernels", "classes"):
    assert sum(k["cycles"] for k in r[part]) == r["cycles"], part
    assert sum(k["instructions"] for k in r[part]) == r["instructions"], part
    for cause in ("memory", "dependency", "multicycle"):
        assert sum(k["stalls"][cause] for k in r[part]) == r["stalls"][cause], (part, cause)
    assert all(sum(k["stalls"].values()) <= k["cycles"] for k in r[part]), part
# At latency 20 the weight stream and the misses wait for memory, and the FP sequencers step.
assert r["stalls"]["memory"] > 0 and r["stalls"]["multicycle"] > 0, r["stalls"]
kernels = {k["kernel"]: k["instructions"] for k in r["kernels"]}
want = {k["kernel"]: k["instructions"] for k in iss["iss"]["kernels"]}
assert kernels == want, (kernels, want)
assert len(r["cycles_per_token"]) == 2 and r["cycles_per_token"][1] == r["cycles"], r["cycles_per_token"]
assert {c["class"] for c in r["classes"]} >= {"q8", "vector", "integer"}, r["classes"]
print(f"profile: {r['instructions']} instructions as on the ISS, {r['cycles']} cycles at latency 20, "
      f"{len(r['kernels'])} kernels")
PY
for heading in "latency 1 cycles" "cycles per token at positions 0..0" "stall cycles: memory" "instruction class" "matvec_q8"; do
  grep -q "$heading" "$dir/rtl_profile.txt" || fail "the rtl profile table lacks '$heading'"
done
expect_error "--latency applies to --backend rtl only" "$smol" profile -m "$model" --quant q8 --pos 0 --latency 3
echo ok
