#!/usr/bin/env bash
# The whole test suite: dependencies; a normal build running every test; the libFuzzer smoke (clang); an
# ASan+UBSan build running every test again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
# Every parser's fuzzer, seeded, a few seconds each (docs/fuzzing.md).
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSMOL_FUZZ=ON \
  -DSMOL_FUZZ_SECONDS=10 >/dev/null
cmake --build build-fuzz --target smol_fuzzers -j "$(nproc)"
(cd build-fuzz && ctest --output-on-failure -j "$(nproc)" -L fuzz)
scripts/build.sh build-asan -DSMOL_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
# The sanitizer stage skips the `slow` full-geometry runs: the normal stage ran them, and under ASan they
# would take most of the CI budget.
(cd build-asan && ctest --output-on-failure -j "$(nproc)" --timeout 1800 -LE "no-sanitize|slow")
