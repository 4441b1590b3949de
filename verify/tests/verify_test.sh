#!/bin/sh
# `smol verify` on one model, then its JSON checked (check_report.py).
# usage: verify_test.sh SMOL PYTHON MODEL_DIR WORK_DIR EXPECTED_LAYERS VERIFY_ARGS...
set -eu
smol=$1 python=$2 model=$3 work=$4 expect=$5
shift 5
rm -rf "$work" && mkdir -p "$work"
status=0
"$smol" verify -m "$model" "$@" --json "$work/report.json" --plot "$work/errors.png" || status=$?
"$python" "$(dirname "$0")/check_report.py" "$work/report.json" --expect "$expect" --png "$work/errors.png"
exit $status
