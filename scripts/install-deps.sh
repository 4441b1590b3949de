#!/usr/bin/env bash
# Installs the Debian 12 packages smol32 needs. Idempotent: installs nothing when all are present.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev                          # libFuzzer and sanitizer runtimes
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev
  libpcre2-dev libonig-dev                          # Unicode regex for the tokenizer
  python3 python3-numpy python3-torch               # the PyTorch reference
  iverilog verilator yosys                          # RTL tools (isa_decode_verilog_* tests, rtl/)
  qflow qflow-tech-osu018 opensta tcsh              # the silicon flow (scripts/silicon.sh, docs/silicon.md):
  graywolf qrouter magic netgen-lvs klayout         #   OSU 0.18 um cells, STA, place, route, DRC, LVS, PNG
  gtkwave                                           # fst2vcd: the smol rtl --wave test reads the FST back
  python3-matplotlib                                # the trained model's loss curve (reference/training)
  python3-sentencepiece python3-tqdm python3-yaml   # llama.cpp's convert_hf_to_gguf.py (gguf.llama_cpp_converter)
  r-base-core r-cran-janeaustenr bible-kjv          # public-domain text of its corpus (Austen in R data, KJV)
  rustc cargo librust-anyhow-dev librust-clap-dev     # the Rust port (rust/): Debian's toolchain and crates,
  librust-memmap2-dev librust-onig-dev librust-serde-json-dev  # built offline from /usr/share/cargo/registry
  libcpp-httplib-dev prometheus-cpp-dev             # smol serve: HTTP and Prometheus metrics
  chromium                                          # the chat page test (headless)
)
# Test oracles (HF tokenizers, @huggingface/jinja) run on Node; a machine may already have Node with its own npm.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Test oracles from npm, pinned by oracles/package-lock.json; skipped when already installed.
oracles="$(dirname "$0")/../oracles"
if ! cmp -s "$oracles/package-lock.json" "$oracles/node_modules/.smol-installed"; then
  (cd "$oracles" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.smol-installed)
fi
