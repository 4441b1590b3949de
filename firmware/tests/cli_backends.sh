#!/usr/bin/env bash
# `--backend iss` through the smol CLI against the default engine, on a tiny model, the INT8 and block schemes:
# logits (same-shape .npy, within 1e-4 x max|logit|), generate --ids and -p (identical output), piped chat
# (identical replies), and a converted model file.
set -eu
smol=$1; model=$2; dir=$3; python=$4
rm -rf "$dir"; mkdir -p "$dir"
ids=1,504,33,7001,12,12,950,4,8000,61,2222,17,3,96,40,40,0
for q in q8 q8r q8_0 q4_0; do
  "$smol" logits -m "$model" --quant $q --ids $ids -o "$dir/engine.$q.npy"
  "$smol" logits -m "$model" --quant $q --ids $ids -o "$dir/iss.$q.npy" --backend iss
  "$python" - "$dir/engine.$q.npy" "$dir/iss.$q.npy" <<'PY'
import sys, numpy as np
a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
assert a.shape == b.shape == (17, 8192) and b.dtype == np.float32, (a.shape, b.shape, b.dtype)
d, m = float(np.abs(a - b).max()), float(np.abs(a).max())
print(f"logits: max|d| {d:.3g} max|logit| {m:.3g}")
assert d <= 1e-4 * m, (d, m)
PY
  want=$("$smol" generate -m "$model" --quant $q --ids $ids -n 32 2>/dev/null)
  got=$("$smol" generate -m "$model" --quant $q --ids $ids -n 32 --backend iss 2>/dev/null)
  [ "$want" = "$got" ] || { echo "FAIL: $q generate --ids: engine '$want', iss '$got'"; exit 1; }
  want=$("$smol" generate -m "$model" --quant $q -p "The capital of France is" -n 24 2>/dev/null)
  got=$("$smol" generate -m "$model" --quant $q -p "The capital of France is" -n 24 --backend iss 2>/dev/null)
  [ "$want" = "$got" ] || { echo "FAIL: $q generate -p: engine '$want', iss '$got'"; exit 1; }
  chat() { printf 'Hello there\nAnd now?\n/exit\n' | "$smol" chat -m "$model" --quant $q -n 8 "$@" 2>/dev/null; }
  want=$(chat); got=$(chat --backend iss)
  [ -n "$got" ] && [ "$want" = "$got" ] || { echo "FAIL: $q chat: engine '$want', iss '$got'"; exit 1; }
done
# A converted file runs on the ISS as it is (its scheme comes from the file).
"$smol" convert -m "$model" --quant q8r -o "$dir/m.q8r.smol" 2>/dev/null
want=$("$smol" generate -m "$dir/m.q8r.smol" --ids $ids -n 8 2>/dev/null)
got=$("$smol" generate -m "$dir/m.q8r.smol" --ids $ids -n 8 --backend iss 2>/dev/null)
[ "$want" = "$got" ] || { echo "FAIL: converted file: engine '$want', iss '$got'"; exit 1; }
echo ok
