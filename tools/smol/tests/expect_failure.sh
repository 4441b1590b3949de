#!/usr/bin/env bash
# Runs a command that must fail cleanly: exit status 1..125 (not a crash or signal), a message on stderr
# matching REGEX, and (with --absent FILE) no output file left behind.
# Usage: expect_failure.sh [--absent FILE] REGEX -- COMMAND [ARGS...]
set -u
absent=""
if [ "$1" = "--absent" ]; then absent=$2; shift 2; fi
regex=$1; shift
[ "$1" = "--" ] && shift
[ -n "$absent" ] && rm -f "$absent"
stderr=$("$@" 2>&1 >/dev/null </dev/null)
status=$?
echo "exit status: $status"
echo "stderr: $stderr"
if [ "$status" -eq 0 ] || [ "$status" -gt 125 ]; then echo "FAIL: expected a clean failure (1..125)"; exit 1; fi
if ! grep -qE -- "$regex" <<<"$stderr"; then echo "FAIL: stderr does not match: $regex"; exit 1; fi
if [ -n "$absent" ] && ls "$absent"* >/dev/null 2>&1; then echo "FAIL: $absent was written"; exit 1; fi
echo "ok"
