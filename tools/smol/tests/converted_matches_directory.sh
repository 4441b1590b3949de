#!/usr/bin/env bash
# For each scheme, logits from the HF directory and from its converted file are byte-identical.
set -eu
smol=$1; model=$2; dir=$3
rm -rf "$dir"; mkdir -p "$dir"
for q in f32 q8 q8r q8_0 q4_0; do
  "$smol" convert -m "$model" --quant $q -o "$dir/m.$q.smol" 2>/dev/null
  "$smol" logits -m "$model" --quant $q --ids 1,5,9,200,7 -o "$dir/dir.$q.npy"
  "$smol" logits -m "$dir/m.$q.smol" --ids 1,5,9,200,7 -o "$dir/file.$q.npy"
  cmp "$dir/dir.$q.npy" "$dir/file.$q.npy" || { echo "FAIL: $q logits differ between directory and file"; exit 1; }
done
echo ok
