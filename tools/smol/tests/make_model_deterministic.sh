#!/usr/bin/env bash
# make-model twice with one seed gives identical files; another seed gives different weights.
set -eu
smol=$1; dir=$2
rm -rf "$dir"
"$smol" make-model --preset tiny --seed 11 --out "$dir/a" 2>/dev/null
"$smol" make-model --preset tiny --seed 11 --out "$dir/b" 2>/dev/null
"$smol" make-model --preset tiny --seed 12 --out "$dir/c" 2>/dev/null
for f in config.json generation_config.json model.safetensors; do
  cmp "$dir/a/$f" "$dir/b/$f" || { echo "FAIL: $f differs for the same seed"; exit 1; }
done
if cmp -s "$dir/a/model.safetensors" "$dir/c/model.safetensors"; then echo "FAIL: seeds 11 and 12 gave the same weights"; exit 1; fi
echo ok
