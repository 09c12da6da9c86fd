#!/usr/bin/env bash
# Runs libmemcached's protocol conformance checker (memccapable, ascii
# tests only) against mcscoped: all 27 checks must pass.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

EXPECTED=27

# shellcheck disable=SC2086 # MCSCOPED_ARGS is a list of flags
srv_start mcscoped "$MCSCOPED" -l 127.0.0.1 -U 0 ${MCSCOPED_ARGS:-}
port=${SRV_PORT[mcscoped]}

rc=0
out=$(timeout --foreground 100 memccapable -a -t 10 -h 127.0.0.1 -p "$port" 2>&1) || rc=$?
printf '%s\n' "$out"

passed=$(grep -c '\[pass\]' <<<"$out" || true)
if ((rc != 0)); then
	fail "memccapable exited with status $rc ($passed of $EXPECTED checks passed)"
elif ((passed != EXPECTED)); then
	fail "$passed of $EXPECTED ascii checks passed"
elif ! grep -q '^All tests passed' <<<"$out"; then
	fail "memccapable did not say 'All tests passed'"
fi

srv_stop mcscoped
echo "PASS: all $EXPECTED memccapable ascii checks"
