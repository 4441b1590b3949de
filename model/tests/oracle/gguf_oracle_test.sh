#!/bin/sh
# llama.cpp as an independent oracle on GGUF files smol writes (docs/gguf.md): one preset's checkpoint in f32
# and q8_0, every prompt position's top-10 relative logits against the engine's, with a bound per preset and
# scheme, and (f32) the greedy continuation identical. usage: gguf_oracle_test.sh SMOL ORACLES_DIR PRESET WORK_DIR
set -eu
smol=$1 oracles=$2 preset=$3 work=$4
script="$(dirname "$0")/llama_cpp_oracle.mjs"
rm -rf "$work" && mkdir -p "$work"
"$smol" make-model --preset "$preset" --out "$work/hf" 2>/dev/null
ids=1,5,9,200,33,7,100,42,17,300,4000,12,8191,64,2
# Bounds on |(log p_i - log p_top) - (logit_i - logit_top)| over the top 10 tokens. f32 is rounding only
# (measured 4.8e-6 tiny, 1.6e-5 135M). q8_0 is dominated by llama.cpp quantizing activations to Q8_0 blocks,
# which the engine (the file's Q8_0 blocks, f32 activations) does not: measured 0.33 tiny and 0.42 135M on an
# AMX Xeon, 0.63 135M on an AVX2 EPYC, where the engine's own int8-activation mode moves the same figure by
# 0.43. So the bound is about twice that effect of quantizing the activations.
case $preset in
  tiny) bounds="f32:1e-4 q8_0:1.0" ;;
  smollm2-135m) bounds="f32:1e-4 q8_0:1.0" ;;
  *) echo "no bounds for preset $preset"; exit 2 ;;
esac
for scheme in $bounds; do
  quant=${scheme%%:*} bound=${scheme#*:}
  gguf="$work/$preset-$quant.gguf"
  "$smol" convert -m "$work/hf" --to gguf --quant "$quant" -o "$gguf" 2>/dev/null
  "$smol" logits -m "$gguf" --ids "$ids" -o "$work/$quant.npy" 2>/dev/null
  greedy=
  if [ "$quant" = f32 ]; then greedy=$("$smol" generate -m "$gguf" --ids "$ids" -n 16 --ignore-eos 2>/dev/null); fi
  node "$script" "$oracles" "$gguf" "$ids" "$work/$quant.npy" "$bound" 10 $greedy
  rm -f "$gguf"  # the 135M files are 540 / 144 MB
done
