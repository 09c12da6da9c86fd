#!/usr/bin/env bash
# replay-memory.sh: what replaying a large recording costs in memory and time.
#
# Records -d seconds of a real mcscoped under `mcscope load` (connections
# churning, so every kind of event is in it), repeats that recording until
# the file is -s megabytes (each copy starts with its hello: a server that
# restarted, which a replay plays on), then runs `mcscope replay` headless
# on it under /usr/bin/time -v:
#   open, then a frame at the start       (--once)
#   seek to the end                       (--once --event end: every event fed)
#   seek by time into the middle          (--once --at HALF)
#   seek to an event in the middle, then play 20 frames on (--frames 20 --event N)
# and prints each one's peak resident memory and wall time, next to the
# goal (under 200 MB whatever the file's size). No pass/fail on speed;
# exits non-zero if a command fails.
#
# Environment: MCSCOPED (default build/src/mcscoped), MCSCOPE (default
# build/tui/mcscope).
set -euo pipefail

usage() {
	cat <<EOF
usage: $(basename "$0") [-s MEGABYTES] [-d SECONDS] [-t THREADS]
  -s MEGABYTES  the recording's size; default 1024
  -d SECONDS    how long the recording that is repeated runs; default 3
  -t THREADS    worker threads of the recorded server; default 4
EOF
}

size_mb=1024 seconds=3 threads=4
while getopts 's:d:t:h' opt; do
	case $opt in
	s) size_mb=$OPTARG ;;
	d) seconds=$OPTARG ;;
	t) threads=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 64 ;;
	esac
done
for v in "$size_mb" "$seconds" "$threads"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 64; }
done

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}
[[ -x $MCSCOPE ]] || fail "mcscope not found at $MCSCOPE (build it first, or set MCSCOPE)"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time not found (Debian package time)"

base=$MC_TMP/base.trace
big=$MC_TMP/big.trace

srv_start srv "$MCSCOPED" -t "$threads" --trace-socket="$MC_TMP/trace.sock"
"$MCSCOPE" record --socket "$MC_TMP/trace.sock" -o "$base" --duration "$seconds" 2>"$MC_TMP/record.err" &
rec_pid=$!
# The recorder attaches before the load starts: wait for it as the server's trace client.
deadline=$((SECONDS + 10))
until [[ $(srv_stat srv trace_clients) == 1 ]]; do
	((SECONDS < deadline)) || fail "mcscope record did not attach within 10 s"
	sleep 0.1
done
"$MCSCOPE" load -p "${SRV_PORT[srv]}" --scenario churn --conns 16 --rate 20000 \
	--duration $((seconds - 1)) >"$MC_TMP/load.out" 2>&1 || { cat "$MC_TMP/load.out" >&2; fail "mcscope load failed"; }
wait "$rec_pid" || { cat "$MC_TMP/record.err" >&2; fail "mcscope record failed"; }
srv_stop srv

base_bytes=$(stat -c %s "$base")
copies=$(((size_mb * 1024 * 1024 + base_bytes - 1) / base_bytes))
for ((i = 0; i < copies; i++)); do
	cat "$base"
done >"$big"
big_bytes=$(stat -c %s "$big")
lines=$(wc -l <"$big")

echo "command: $0 -s $size_mb -d $seconds -t $threads"
echo "recording: $base_bytes bytes ($(wc -l <"$base") lines) of mcscoped -t $threads under mcscope load --scenario churn, $copies copies:"
echo "  $big_bytes bytes, $lines lines"
echo

# measure NAME ARGS...: runs mcscope replay ARGS on the big file; prints peak RSS and wall time.
measure() {
	local name=$1 rss wall
	shift
	/usr/bin/time -v -o "$MC_TMP/time" "$MCSCOPE" replay "$@" "$big" >/dev/null 2>"$MC_TMP/replay.err" ||
		{ cat "$MC_TMP/replay.err" "$MC_TMP/time" >&2; fail "mcscope replay $* failed"; }
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$MC_TMP/time")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$MC_TMP/time")
	printf '%-34s %8s MiB %12s\n' "$name" $((rss / 1024)) "$wall"
}

# The recording's length in seconds and events, from the replay's own header.
"$MCSCOPE" replay --once --size 200x10 --event end "$big" >"$MC_TMP/end.txt" 2>"$MC_TMP/replay.err" ||
	{ cat "$MC_TMP/replay.err" >&2; fail "mcscope replay --once --event end failed"; }
header=$(head -n 1 "$MC_TMP/end.txt")
[[ $header =~ event\ ([0-9]+)/([0-9]+)\ +[0-9:.]+/([0-9]+):([0-9.]+) ]] ||
	fail "no 'event N/M  M:SS.S/M:SS.S' in the replay's header: $header"
events=${BASH_REMATCH[2]}
half=$(awk -v m="${BASH_REMATCH[3]}" -v s="${BASH_REMATCH[4]}" 'BEGIN { printf "%.1f", (60 * m + s) / 2 }')
printf '%-34s %12s %12s\n' 'mcscope replay (headless)' 'peak RSS' 'wall time'
measure "--once (open, the first picture)" --once
measure "--once --event end" --once --event end
measure "--once --at $half" --once --at "$half"
measure "--frames 20 --event $((events / 2))" --frames 20 --event $((events / 2))
echo
echo "$events events; goal: under 200 MiB peak RSS for a 1 GB recording (the file is not kept in memory)"
