#!/bin/sh
# A GGUF written by llama.cpp's own converter (convert_hf_to_gguf.py, from the llama.cpp source node-llama-cpp
# ships) from the tiny HF checkpoint, against that HF directory (docs/gguf.md):
#   f32:  the same model image as the HF directory, so the same logits, bit for bit;
#   q8_0: loaded as q8_0 on the converter's own blocks, the same logits as the HF directory with --quant q8_0;
#   both: the same tensors, byte for byte, and the same tokenizer metadata as `smol convert --to gguf`;
#   both: llama.cpp loads the file and agrees with the engine (llama_cpp_oracle.mjs, the bounds of
#         gguf_oracle_test.sh).
# usage: gguf_converter_test.sh SMOL ORACLES_DIR LLAMA_CPP_SRC WORK_DIR
set -eu
smol=$1 oracles=$2 src=$3 work=$4
here=$(dirname "$0")
python=/usr/bin/python3
shims="$oracles/py-shims"
# The converter's source, cloned from the bundle into the build tree (never into the repo): three paths.
bundle="$oracles/node_modules/node-llama-cpp/llama/gitRelease.bundle"
head=$(git bundle list-heads "$bundle" HEAD | cut -d' ' -f1)
if [ ! -f "$src/convert_hf_to_gguf.py" ] || [ "$(git -C "$src" rev-parse HEAD)" != "$head" ]; then
  rm -rf "$src"
  git clone -q --no-checkout "$bundle" "$src"
  git -C "$src" checkout -q HEAD -- convert_hf_to_gguf.py conversion gguf-py
fi
echo "llama.cpp converter at $(git -C "$src" rev-parse HEAD)"
rm -rf "$work" && mkdir -p "$work"
"$smol" make-model --preset tiny --out "$work/hf" 2>/dev/null
ids=1,5,9,200,33,7,100,42,17,300,4000,12,8191,64,2
fail() { echo "FAIL: $1"; exit 1; }
for scheme in f32:1e-4 q8_0:0.6; do
  quant=${scheme%%:*} bound=${scheme#*:}
  conv="$work/llama-$quant.gguf"
  "$python" "$here/llama_cpp_convert.py" "$src" "$shims" "$work/hf" "$conv" "$quant" > "$work/convert-$quant.log" 2>&1 ||
    { cat "$work/convert-$quant.log"; fail "convert_hf_to_gguf.py --outtype $quant"; }
  # -m on the converter's file loads it as its own scheme (f32, or q8_0 on its blocks); the HF directory
  # gets the same scheme explicitly.
  "$smol" logits -m "$conv" --ids "$ids" -o "$work/conv-$quant.npy" 2>/dev/null
  "$smol" logits -m "$work/hf" --quant "$quant" --ids "$ids" -o "$work/hf-$quant.npy" 2>/dev/null
  cmp -s "$work/conv-$quant.npy" "$work/hf-$quant.npy" || fail "$quant logits of the converter's GGUF differ from the HF directory's"
  echo "$quant: logits of llama.cpp's converter output identical to the HF directory's"
  if [ "$quant" = f32 ]; then
    "$smol" convert -m "$conv" --quant f32 -o "$work/conv.smol" 2>/dev/null
    "$smol" convert -m "$work/hf" --quant f32 -o "$work/hf.smol" 2>/dev/null
    cmp -s "$work/conv.smol" "$work/hf.smol" || fail "the f32 model image differs"
    echo "f32: model image identical to the HF directory's"
  fi
  "$smol" convert -m "$work/hf" --to gguf --quant "$quant" -o "$work/smol-$quant.gguf" 2>/dev/null
  "$python" "$here/gguf_same_model.py" "$src/gguf-py" "$conv" "$work/smol-$quant.gguf"
  greedy=
  if [ "$quant" = f32 ]; then greedy=$("$smol" generate -m "$conv" --ids "$ids" -n 16 --ignore-eos 2>/dev/null); fi
  node "$here/llama_cpp_oracle.mjs" "$oracles" "$conv" "$ids" "$work/conv-$quant.npy" "$bound" 10 $greedy
done
