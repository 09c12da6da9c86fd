#!/usr/bin/env bash
# dashboard.sh: does the live dashboard keep up with mcscoped's trace stream?
#
# Starts mcscoped, attaches the real dashboard (build/tui/mcscope, live
# curses mode, drawing frames in a detached tmux pane of its own), drives the
# server with -T `mcscope load` processes (niced, so that the server and the
# dashboard come first) and measures, over windows of -d seconds:
#   at about 100k events/s  (pipeline, paced; the rate is calibrated first)
#   at about 500k events/s  (the same)
#   at the highest rate     (pipeline, flat out)
# the events/s the server recorded, the events the dashboard lost (the
# server's trace_dropped; the dashboard is its only trace client) and the
# dashboard's CPU time as a share of one core (/proc/PID/stat). Then a run of
# 3 windows of churn (connections opening and closing flat out) shows its
# resident memory staying flat. Last, the flat-out windows again with socat
# reading in the dashboard's place, to tell the machine's losses from the
# dashboard's. Each figure is printed next to its goal.
# (The pipeline scenario makes the most events per server CPU; paced
# `mixed` cannot reach 100k events/s: its connections wait for timers.)
# No pass/fail on speed; exits non-zero if a process fails or load reports
# an error. Every process it starts is stopped, Ctrl-C included.
#
# Environment: MCSCOPED (default build/src/mcscoped), MCSCOPE (default
# build/tui/mcscope).
set -euo pipefail

usage() {
	cat <<EOF
usage: $(basename "$0") [-t THREADS] [-T LOADS] [-c CONNS] [-d DURATION] [-r ROUNDS]
  -t THREADS   worker threads of the server (-t); default 2
  -T LOADS     mcscope load processes driving it at once (niced); default 2
  -c CONNS     connections in all, a multiple of -T; default 32
  -d DURATION  one measuring window, in seconds, e.g. 10s; default 10s
  -r ROUNDS    windows per rate (the median is printed); default 3
EOF
}

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options 10s "$@"
[[ $duration =~ ^([1-9][0-9]*)s$ ]] || { echo "$MC_PROG: bad duration '$duration' (seconds, e.g. 10s)" >&2; exit 64; }
seconds=${BASH_REMATCH[1]}
loads=$cthreads
MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}
[[ -x $MCSCOPE ]] || fail "mcscope not found at $MCSCOPE (build it first, or set MCSCOPE)"
command -v tmux >/dev/null || fail "tmux not found (Debian package tmux)"

TMUX_SOCK=$MC_TMP/tmux.sock
load_pids=()
dash_pid=""

tm() {
	timeout 10 tmux -S "$TMUX_SOCK" -f /dev/null "$@"
}

# Stops the load processes and the dashboard's tmux server, then lib.sh's cleanup.
end_bench() {
	local rc=$? pid
	set +e # a failing step here must not skip the rest
	for pid in "${load_pids[@]}" $dash_pid; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	tm kill-server 2>/dev/null || true
	for pid in "${load_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	(exit "$rc") # _srv_cleanup reports with the script's status
	_srv_cleanup
}
trap end_bench EXIT

# Seconds on bash's clock, as a decimal.
now() {
	echo "${EPOCHREALTIME/,/.}"
}

# The dashboard's user+system CPU time, in clock ticks.
dash_ticks() {
	local stat rest
	read -r stat <"/proc/$dash_pid/stat" || fail "the dashboard (pid $dash_pid) is gone"
	rest=${stat##*) } # fields from the 3rd on; the name may hold spaces
	local -a f
	read -r -a f <<<"$rest"
	echo $((f[11] + f[12]))
}

# The dashboard's resident memory, in KiB.
dash_rss() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$dash_pid/status"
}

# load_start SCENARIO RATE SECONDS: -T load processes, sharing -c and RATE (0 = flat out).
load_start() {
	local i
	load_pids=()
	for ((i = 0; i < loads; i++)); do
		nice "$MCSCOPE" load -p "${SRV_PORT[srv]}" --scenario "$1" --conns $((conns / loads)) \
			--rate $(($2 / loads)) --duration "$3" >"$MC_TMP/load.$i" 2>&1 &
		load_pids+=($!)
	done
}

# load_wait: waits for the load processes; fails on any error they report.
load_wait() {
	local i rc
	for i in "${!load_pids[@]}"; do
		rc=0
		wait "${load_pids[$i]}" || rc=$?
		if ((rc != 0)); then
			cat "$MC_TMP/load.$i" >&2
			fail "mcscope load exited with status $rc"
		fi
	done
	load_pids=()
}

# window SCENARIO RATE: load for -d seconds (after a second to get going);
# sets ev_s (server events/s), dropped and cpu (% of one core).
window() {
	local e0 d0 c0 t0 e1 d1 c1 t1
	load_start "$1" "$2" $((seconds + 2))
	sleep 1
	e0=$(srv_stat srv trace_events) d0=$(srv_stat srv trace_dropped) c0=$(dash_ticks) t0=$(now)
	sleep "$seconds"
	e1=$(srv_stat srv trace_events) d1=$(srv_stat srv trace_dropped) c1=$(dash_ticks) t1=$(now)
	load_wait
	ev_s=$(awk -v e=$((e1 - e0)) -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", e / (b - a) }')
	cpu=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "%.1f", 100 * c / hz / (b - a) }')
	dropped=$((d1 - d0))
}

# The dashboard's header line, as it is on the screen now.
header() {
	tm capture-pane -p -t bench | head -n 1
}

srv_start srv "$MCSCOPED" -t "$threads" --trace-socket="$MC_TMP/trace.sock"
tm new-session -d -s bench -x 120 -y 40 "exec '$MCSCOPE' --socket '$MC_TMP/trace.sock'"
dash_pid=$(tm list-panes -t bench -F '#{pane_pid}')
deadline=$((SECONDS + 10))
until [[ $(srv_stat srv trace_clients) == 1 ]] && header | grep -q ' live'; do
	((SECONDS < deadline)) || { tm capture-pane -p -t bench >&2 || true; fail "the dashboard did not attach within 10 s"; }
	sleep 0.1
done
rss_start=$(dash_rss)

echo "command: $0 -t $threads -T $loads -c $conns -d $duration -r $rounds"
echo "server:  ${SRV_CMD[srv]}"
echo "dashboard: $MCSCOPE --socket <its trace socket>, live in a 120x40 tmux pane, a frame every 0.1 s"
echo "load:    $loads x mcscope load --conns $((conns / loads)); server, load and dashboard share $(nproc) CPUs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# calibrate SCENARIO TRIAL_RATE TARGET: the request rate that should make
# TARGET events/s, scaled from a short trial at TRIAL_RATE requests/s.
calibrate() {
	local e0 t0 e1 t1
	load_start "$1" "$2" 3
	sleep 1
	e0=$(srv_stat srv trace_events) t0=$(now)
	sleep 1
	e1=$(srv_stat srv trace_events) t1=$(now)
	load_wait
	awk -v e=$((e1 - e0)) -v a="$t0" -v b="$t1" -v r="$2" -v want="$3" \
		'BEGIN { x = e / (b - a); printf "%.0f", (x > 0 ? r * want / x : r) }'
}
rate_100k=$(calibrate pipeline 25000 100000)
# Aimed a little high: paced pipeline falls a few percent short of its rate.
rate_500k=$(calibrate pipeline 120000 530000)
echo "pipeline at $rate_100k requests/s should make about 100k events/s, at $rate_500k about 500k"
echo

declare -A evs=() cpus=() drops=()
printf '%-8s %-6s %12s %10s %10s\n' load round 'events/s' dropped 'cpu %'
for ((r = 1; r <= rounds; r++)); do
	for config in 100k 500k peak; do
		case $config in
		100k) window pipeline "$rate_100k" ;;
		500k) window pipeline "$rate_500k" ;;
		peak) window pipeline 0 ;;
		esac
		evs[$config]+="$ev_s " cpus[$config]+="$cpu " drops[$config]+="$dropped "
		printf '%-8s %-6s %12s %10s %10s\n' "$config" "$r" "$ev_s" "$dropped" "$cpu"
	done
done
peak_header=$(header)

# A longer run: connections open and close flat out; memory must stay flat.
long=$((3 * seconds))
load_start churn 0 "$long"
sleep "$seconds"
rss_mid=$(dash_rss)
e0=$(srv_stat srv trace_events)
sleep $((long - seconds))
rss_end=$(dash_rss)
e1=$(srv_stat srv trace_events)
load_wait
conns_made=$(srv_stat srv total_connections)

sum() {
	tr ' ' '\n' <<<"$1" | awk '{ s += $1 } END { print s + 0 }'
}
echo
echo "(events/s: what the server recorded; events it lost in its rings count in dropped only)"
echo
echo "the dashboard's header at the highest rate:"
echo "  $peak_header"
echo
echo "pipeline paced at about 100k events/s (median of $rounds windows of ${seconds}s):"
echo "  events/s from the server:   $(median "${evs[100k]}")   (goal about 100000)"
echo "  dropped for the dashboard:  $(sum "${drops[100k]}") in all   (goal 0)"
echo "  dashboard CPU, % of a core: $(median "${cpus[100k]}")   (goal < 25)"
echo "at about 500k events/s:"
echo "  events/s from the server:   $(median "${evs[500k]}")   (goal >= 500000)"
echo "  dropped for the dashboard:  $(sum "${drops[500k]}") in all   (goal 0)"
echo "  dashboard CPU, % of a core: $(median "${cpus[500k]}")"
echo "pipeline flat out:"
echo "  events/s from the server:   $(median "${evs[peak]}")"
echo "  dropped for the dashboard:  $(sum "${drops[peak]}") in all   (goal 0)"
echo "  dashboard CPU, % of a core: $(median "${cpus[peak]}")"
echo "memory (churn flat out for ${long}s, $(((e1 - e0) / (long - seconds))) events/s; $conns_made connections made in the whole run):"
echo "  RSS attached:        $((rss_start / 1024)) MiB ($rss_start KiB)"
echo "  RSS after ${seconds}s of churn: $((rss_mid / 1024)) MiB ($rss_mid KiB)"
echo "  RSS after ${long}s of churn: $((rss_end / 1024)) MiB ($rss_end KiB)   (goal: no growth after the first window)"

tm send-keys -t bench q
deadline=$((SECONDS + 10))
while kill -0 "$dash_pid" 2>/dev/null; do
	((SECONDS < deadline)) || fail "the dashboard did not quit on q"
	sleep 0.1
done

# The same flat-out load with the cheapest reader there is, in the
# dashboard's place: what this machine loses whoever reads.
socat -u "UNIX-CONNECT:$MC_TMP/trace.sock" /dev/null &
dash_pid=$!
deadline=$((SECONDS + 10))
until [[ $(srv_stat srv trace_clients) == 1 ]]; do
	((SECONDS < deadline)) || fail "socat did not attach within 10 s"
	sleep 0.1
done
base_evs="" base_drops=""
for ((r = 1; r <= rounds; r++)); do
	window pipeline 0
	base_evs+="$ev_s " base_drops+="$dropped "
done
kill "$dash_pid"
dash_pid=""
echo "pipeline flat out, socat -u <trace socket> /dev/null reading instead (the machine's limit):"
echo "  events/s from the server:   $(median "$base_evs")"
echo "  dropped for the reader:     $(sum "$base_drops") in all"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
srv_stop srv
