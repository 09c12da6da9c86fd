#!/usr/bin/env bash
# Load from libmemcached's two load generators against one mcscoped:
#   memcslap:  set, get and mget runs; every key must be stored and read back.
#   memcaslap: a timed mixed get/set run with data verification; misses are
#              fine (evictions), failed verifications and errors are not.
# Then the server must still answer and exit 0 on SIGTERM.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

CONCURRENCY=4
KEYS=2000 # per run; memcslap values are 50..5000 bytes, so ~5 MB

# shellcheck disable=SC2086 # MCSCOPED_ARGS is a list of flags
srv_start mcscoped "$MCSCOPED" -l 127.0.0.1 -U 0 ${MCSCOPED_ARGS:-}
port=${SRV_PORT[mcscoped]}

# memcslap exits 0 even when every request failed, so the checks are on
# what it prints: errors go to stderr, counts of successes to stdout.
slap() {
	local test=$1 rc=0 out err
	out=$(timeout --foreground 60 memcslap --servers="127.0.0.1:$port" --test="$test" \
		--concurrency="$CONCURRENCY" --execute-number="$KEYS" 2>"$MC_TMP/slap.err") || rc=$?
	err=$(<"$MC_TMP/slap.err")
	printf '%s\n' "$out"
	[[ -z $err ]] || printf '%s\n' "$err" | head -n 20 >&2
	((rc == 0)) || fail "memcslap --test=$test exited with status $rc"
	[[ -z $err ]] || fail "memcslap --test=$test reported errors (above)"

	# The load phase before get/mget: all keys stored once.
	if [[ $test != set ]]; then
		[[ $out =~ Time\ to\ set\ +([0-9]+)\ keys: ]] ||
			fail "memcslap --test=$test: no load line in its output"
		((BASH_REMATCH[1] == KEYS)) ||
			fail "memcslap --test=$test loaded ${BASH_REMATCH[1]} of $KEYS keys"
	fi
	# Each thread does every key once.
	[[ $out =~ Time\ to\ $test\ +([0-9]+)\ keys\ by ]] ||
		fail "memcslap --test=$test: no result line in its output"
	((BASH_REMATCH[1] == KEYS * CONCURRENCY)) ||
		fail "memcslap --test=$test: ${BASH_REMATCH[1]} of $((KEYS * CONCURRENCY)) keys succeeded"
	note "memcslap --test=$test: all $((KEYS * CONCURRENCY)) keys OK"
}

slap set
slap get
slap mget
srv_ping mcscoped

# memcaslap: -T threads, -c connections (a multiple of -T), -t duration,
# -v fraction of gets whose data is verified.
rc=0
out=$(timeout --foreground 60 memcaslap -s "127.0.0.1:$port" -T 2 -c 8 -t 3s -v 0.1 2>"$MC_TMP/aslap.err") || rc=$?
err=$(<"$MC_TMP/aslap.err")
printf '%s\n' "$out"
[[ -z $err ]] || printf '%s\n' "$err" | head -n 20 >&2
((rc == 0)) || fail "memcaslap exited with status $rc"
[[ -z $err ]] || fail "memcaslap reported errors (above)"

# figure NAME: sets $fig to the "NAME: <n>" line's number.
figure() {
	[[ $out =~ (^|$'\n')$1:\ ([0-9]+) ]] || fail "memcaslap printed no '$1' figure"
	fig=${BASH_REMATCH[2]}
}
figure cmd_get; gets=$fig
figure cmd_set; sets=$fig
figure verify_failed; failed=$fig
((gets > 0 && sets > 0)) || fail "memcaslap did no work (cmd_get=$gets cmd_set=$sets)"
((failed == 0)) || fail "memcaslap: $failed gets returned wrong data"
if ! [[ $out =~ TPS:\ ([0-9]+) ]] || ((BASH_REMATCH[1] == 0)); then
	fail "memcaslap reported no throughput"
fi
note "memcaslap: $gets gets, $sets sets, no verification failures"

srv_stop mcscoped
echo "PASS: memcslap and memcaslap"
