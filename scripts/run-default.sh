#!/usr/bin/env bash
# The main job: build, then generate from the default model, smol-prose (models-trained/smol-prose, committed):
# a 3M-parameter LLaMA trained here on old public-domain English prose (docs/trained-model.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
build/smol generate -m models-trained/smol-prose -p "It was a" -n 64 --seed 1 --temp 0.6 --top-k 40
