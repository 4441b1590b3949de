#!/usr/bin/env bash
# The main job: build, write the built-in default model (deterministic), and generate from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
model=models/tiny
[ -f "$model/model.safetensors" ] && [ -f "$model/tokenizer.json" ] || build/smol make-model --preset tiny --seed 1 --out "$model"
build/smol generate -m "$model" -p "Once upon a time" -n 32 --seed 1 --temp 0.8
