#!/usr/bin/env bash
# The whole test suite: dependencies, a normal build, and an ASan+UBSan build, each running every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
scripts/build.sh build-asan -DSMOL_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
(cd build-asan && ctest --output-on-failure -j "$(nproc)" --timeout 1800 -LE no-sanitize)
