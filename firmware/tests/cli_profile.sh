#!/usr/bin/env bash
# `smol profile --json` on a tiny model: the analytic table and the per-kernel ISS counts at two positions, and
# the q8_0 / q4_0 kernels at position 0.
set -eu
smol=$1; model=$2; python=$3
"$smol" profile -m "$model" --pos 0,7 --json | "$python" -c '
import json, sys
runs = json.load(sys.stdin)
assert [r["pos"] for r in runs] == [0, 7], runs
for r in runs:
    ops = {o["operation"]: o for o in r["operations"]}
    assert ops["LM head"]["macs"] == 8192 * 64, ops["LM head"]
    assert ops["attention scores (q.k)"]["macs"] == 3 * 4 * (r["pos"] + 1) * 16
    kernels = {k["kernel"]: k for k in r["iss"]["kernels"]}
    for k in ("forward", "matvec_q8", "rmsnorm", "rope", "attention_scores", "attention_softmax", "attention_wsum", "silu_mul", "embed_q8"):
        assert kernels[k]["instructions"] > 0, k
    assert sum(k["instructions"] for k in kernels.values()) == r["iss"]["instructions"]
    assert kernels["matvec_q8"]["macs"] == sum(o["macs"] for o in r["operations"] if "attention" not in o["operation"])
    print(r["pos"], r["iss"]["instructions"], "instructions")
assert runs[1]["iss"]["instructions"] > runs[0]["iss"]["instructions"]
'
"$smol" profile -m "$model" --pos 0 | grep -q "^matvec_q8 "
# The block schemes: tiny's intermediate size 176 is not whole blocks, so w_down (176 columns) is int8 and runs in
# matvec_q8, every other matrix in the block kernel; the embedding row comes from the block embedding kernel.
for q in q8_0 q4_0; do
  "$smol" profile -m "$model" --quant $q --pos 0 --json | "$python" -c '
import json, sys
q = sys.argv[1]
r = json.load(sys.stdin)[0]
kernels = {k["kernel"]: k for k in r["iss"]["kernels"]}
assert kernels["embed_" + q]["instructions"] > 0, kernels.keys()
assert kernels["matvec_q8"]["macs"] == 3 * 64 * 176, kernels["matvec_q8"]
matmul = sum(o["macs"] for o in r["operations"] if "attention" not in o["operation"])
assert kernels["matvec_" + q]["macs"] == matmul - 3 * 64 * 176, (kernels["matvec_" + q], matmul)
print(q, r["iss"]["instructions"], "instructions")
' $q
done
echo ok
