#!/usr/bin/env bash
# trace-overhead.sh: what the trace stream costs mcscoped, under memcaslap load.
#
# Four configurations, measured in alternating rounds so that drift on the
# machine hits each alike:
#   off      a build with the trace points compiled out (-Dtrace=false)
#   idle     tracing built in, nobody listening
#   reader   one client reading every event (mcscope events > /dev/null)
#   stuck    one client that connects and never reads
# and prints the ratios (a) idle/off, (b) reader/idle, (c) stuck/idle, plus
# (d) the events per second the reader got and the share of events lost.
# No pass/fail on speed; exits non-zero if a server fails or memcaslap
# reports an error (a stuck client must never cost a request).
#
# Environment: MCSCOPED (default build/src/mcscoped), MCSCOPED_NOTRACE
# (default: built into build-notrace/ with -Dtrace=false), MCSCOPE (the
# reader; default build/tui/mcscope, else socat).
set -euo pipefail

usage() {
	cat <<EOF2
usage: $(basename "$0") [-t THREADS] [-T CLIENT_THREADS] [-c CONNS] [-d DURATION] [-r ROUNDS]
  -t THREADS         worker threads of the server (-t); default 2
  -T CLIENT_THREADS  memcaslap threads (-T); default 2
  -c CONNS           memcaslap concurrency (-c), a multiple of -T; default 32
  -d DURATION        memcaslap run time per round, e.g. 5s; default 5s
  -r ROUNDS          rounds per configuration; default 3
EOF2
}

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options 5s "$@"
[[ $duration =~ ^([1-9][0-9]*)s$ ]] || { echo "$MC_PROG: bad duration '$duration' (seconds, e.g. 5s)" >&2; exit 64; }
seconds=${BASH_REMATCH[1]}
command -v memcaslap >/dev/null || fail "memcaslap not found (Debian package libmemcached-tools)"

if [[ -z ${MCSCOPED_NOTRACE:-} ]]; then
	# A build of its own, so the normal build keeps its trace points.
	(cd "$MC_ROOT" &&
		{ [[ -f build-notrace/build.ninja ]] ||
			{ rm -rf build-notrace && meson setup build-notrace -Dtrace=false >/dev/null; }; } &&
		meson compile -C build-notrace src/mcscoped:executable >/dev/null) ||
		fail "cannot build build-notrace/"
	MCSCOPED_NOTRACE=$MC_ROOT/build-notrace/src/mcscoped
fi
MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}

sock=$MC_TMP/trace.sock
srv_start off "$MCSCOPED_NOTRACE" -t "$threads" --no-trace
srv_start traced "$MCSCOPED" -t "$threads" --trace-socket="$sock"
echo "command: $0 -t $threads -T $cthreads -c $conns -d $duration -r $rounds"
echo "client:  memcaslap -T $cthreads -c $conns -t $duration against each"
echo

# reader_start: a client reading every event and throwing it away.
reader_start() {
	if [[ -x $MCSCOPE ]]; then
		"$MCSCOPE" events --socket "$sock" >/dev/null 2>&1 &
	else
		socat -u "UNIX-CONNECT:$sock" /dev/null 2>/dev/null &
	fi
	reader_pid=$!
}

declare -A results=()
delivered="" lost_share=""
printf '%-6s %-8s %12s\n' round config 'ops/s'
for ((r = 1; r <= rounds; r++)); do
	for config in off idle reader stuck; do
		server=traced
		case $config in
		off) server=off ;;
		reader) reader_start ;;
		stuck)
			# Connects, then sleeps: the server must drop its events, not wait for it.
			perl -MIO::Socket::UNIX -e 'my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "$!\n"; sleep 3600' "$sock" &
			stuck_pid=$!
			;;
		esac
		events0=$(srv_stat traced trace_events) dropped0=$(srv_stat traced trace_dropped)
		slap "$server" "$cthreads" "$conns" "$duration"
		results[$config]+="$tps "
		printf '%-6s %-8s %12s\n' "$r" "$config" "$tps"
		case $config in
		reader)
			events=$(($(srv_stat traced trace_events) - events0))
			dropped=$(($(srv_stat traced trace_dropped) - dropped0))
			kill "$reader_pid" 2>/dev/null || true
			wait "$reader_pid" 2>/dev/null || true
			delivered+="$((events / seconds)) "
			lost_share+="$(awk -v d="$dropped" -v e="$events" 'BEGIN { printf "%.4f", (e + d) ? d / (e + d) : 0 }') "
			;;
		stuck)
			kill "$stuck_pid" 2>/dev/null || true
			wait "$stuck_pid" 2>/dev/null || true
			;;
		esac
	done
done

ratio() {
	awk -v a="$(median "$1")" -v b="$(median "$2")" 'BEGIN { printf "%.2f", a / b }'
}
echo
for config in off idle reader stuck; do
	printf 'median %-7s %12s ops/s\n' "$config" "$(median "${results[$config]}")"
done
echo
echo "(a) tracing built in, nobody listening / compiled out:  $(ratio "${results[idle]}" "${results[off]}")  (goal >= 0.97)"
echo "(b) one client reading every event / nobody listening:  $(ratio "${results[reader]}" "${results[idle]}")  (goal >= 0.80)"
echo "(c) one client that never reads / nobody listening:     $(ratio "${results[stuck]}" "${results[idle]}")  (goal >= 0.95; every request answered)"
echo "(d) events recorded per second with a reader:           $(median "$delivered")"
echo "    share of events lost (rings or client buffer):      $(tr ' ' '\n' <<<"$lost_share" | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
srv_stop traced
srv_stop off
