#!/bin/sh
# `-m FILE.gguf` everywhere `-m` is taken, against the HF directory it was written from: generate (text prompt,
# so the GGUF's tokenizer), chat (its chat template), convert to a smol32 file, and the ISS back end.
# usage: gguf_cli_test.sh SMOL WORK_DIR
set -eu
smol=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
"$smol" make-model --preset tiny --out "$work/hf" 2>/dev/null
"$smol" convert -m "$work/hf" --to gguf --quant f32 -o "$work/m.gguf" 2>/dev/null
same() { if ! cmp -s "$1" "$2"; then echo "FAIL: $3 differs"; exit 1; fi; }
for m in hf m.gguf; do
  "$smol" generate -m "$work/$m" -p "Hello world 123 <|im_start|>" -n 12 --ignore-eos > "$work/gen.$m" 2>/dev/null
  printf 'hi there\n' | "$smol" chat -m "$work/$m" -n 6 --seed 1 > "$work/chat.$m" 2>/dev/null
  "$smol" logits -m "$work/$m" --quant q8r --backend iss --ids 1,5,9,200 -o "$work/iss.$m.npy" 2>/dev/null
done
same "$work/gen.hf" "$work/gen.m.gguf" "generate -p"
same "$work/chat.hf" "$work/chat.m.gguf" "chat"
same "$work/iss.hf.npy" "$work/iss.m.gguf.npy" "logits --backend iss"
"$smol" convert -m "$work/hf" --quant q8r -o "$work/hf.smol" 2>/dev/null
"$smol" convert -m "$work/m.gguf" --quant q8r -o "$work/gguf.smol" 2>/dev/null
same "$work/hf.smol" "$work/gguf.smol" "convert to a smol32 file"
echo "gguf cli: generate, chat, convert, --backend iss identical to the HF directory"
