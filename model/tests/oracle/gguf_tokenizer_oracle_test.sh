#!/bin/sh
# llama.cpp's tokenizer against ours on the tokenizer conformance corpus (docs/gguf.md): a GGUF smol writes
# from an HF directory holding one of the tokenizer test files (SmolLM2-shaped: pre-tokenizer `smollm`;
# GPT-2-shaped: `gpt-2`), tokenized and detokenized by llama.cpp, then compared by tokenizer_conformance with
# our tokenizer on that tokenizer.json: ids (special text parsed and not) must be equal, and so must the
# decoded text on smollm (on gpt-2 llama.cpp's detokenizer cleans up spaces, see llama_cpp_tokenizer.mjs).
# usage: gguf_tokenizer_oracle_test.sh SMOL CONFORMANCE_BIN ORACLES_DIR TOKENIZER_DIR WORK_DIR
set -eu
smol=$1 conformance=$2 oracles=$3 tok=$4 work=$5
here=$(dirname "$0")
rm -rf "$work" && mkdir -p "$work"
for name in smollm2:full gpt2:--ids-only; do
  mode=${name#*:} name=${name%%:*}
  "$smol" make-model --preset tiny --out "$work/$name" 2>/dev/null
  cp "$tok/assets/${name}_tokenizer.json" "$work/$name/tokenizer.json"
  "$smol" convert -m "$work/$name" --to gguf --quant f32 -o "$work/$name.gguf" 2>/dev/null
  node "$here/llama_cpp_tokenizer.mjs" "$oracles" "$work/$name.gguf" "$tok/tools/conformance_corpus.mjs" "$work/$name.jsonl" $mode
  "$conformance" "$work/$name/tokenizer.json" "$work/$name.jsonl" llama.cpp
done
