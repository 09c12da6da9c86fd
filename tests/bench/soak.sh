#!/usr/bin/env bash
# soak.sh: does mcscoped stay whole under everything at once for minutes?
#
# Against one mcscoped, all at once for SECONDS (default 180):
#   -n connections held open (mcscope load --scenario idle: a version on each
#      every 2-4 s, every reply checked; default 10000)
#   -C connect/close cycles (mcscope load --scenario churn, 32 connections
#      paced to reach them within the run; default 100000)
#   50 slowloris clients (a byte every 2 s, each reply checked; 0.5 s in a
#      run shorter than 2 minutes; with an idle timeout the server may close
#      them, as it should)
#   20 trace clients that never read, 10 that send random bytes
#   2 controllers in a storm of pause/step/resume/freeze/thaw/delay/dispatch
#   16 well-behaved clients (mcscope load --scenario mixed, 2000 requests/s,
#      every reply checked)
# and prints the server's open fds (/proc/PID/fd) at baseline, during and
# after, its resident memory (VmRSS) each minute and after, and what each kind
# of client got. Goals: every well-behaved request served, every held
# connection and slowloris reply answered, the cycles done, every control
# command answered, the fds back to the baseline once the clients are gone,
# RSS flat after the first minute (no later sample 10% above it) and a clean
# stop. Exits 1 when one is missed. Every process it starts is stopped,
# Ctrl-C included.
#
# Environment: MCSCOPED (default build/src/mcscoped), MCSCOPE (default
# build/tui/mcscope).
set -euo pipefail

usage() {
	cat <<EOF
usage: $(basename "$0") [-n HELD] [-C CYCLES] [-t THREADS] [-x SERVER_FLAG]... [SECONDS]
  SECONDS          how long everything runs at once, 30-86400; default 180
  -n HELD          connections held open, 1-10000; default 10000
  -C CYCLES        connect/close cycles to reach; default 100000 (a run much
                   shorter than the default may not get there: lower it)
  -t THREADS       worker threads of the server (-t); default 4
  -x SERVER_FLAG   one more flag for mcscoped, e.g. -x --idle-timeout=30
                   (repeatable; the clients keep their connections busy
                   enough for an idle timeout of 5 s or more)
EOF
}

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

seconds=180 held=10000 cycles=100000 threads=4 server_flags=()
OPTIND=1
while getopts 'n:C:t:x:h' opt; do
	case $opt in
	n) held=$OPTARG ;;
	C) cycles=$OPTARG ;;
	t) threads=$OPTARG ;;
	x) server_flags+=("$OPTARG") ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 64 ;;
	esac
done
shift $((OPTIND - 1))
(($# <= 1)) || { echo "$MC_PROG: unexpected argument: $2" >&2; usage >&2; exit 64; }
seconds=${1:-$seconds}
for v in "$seconds" "$held" "$cycles" "$threads"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "$MC_PROG: not a positive number: $v" >&2; exit 64; }
done
((seconds >= 30 && seconds <= 86400)) || { echo "$MC_PROG: SECONDS must be 30-86400" >&2; exit 64; }
((held <= 10000)) || { echo "$MC_PROG: -n must be 1-10000 (one mcscope load holds them)" >&2; exit 64; }

MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}
[[ -x $MCSCOPE ]] || fail "mcscope not found at $MCSCOPE (build it first, or set MCSCOPE)"
CLIENTS=$MC_ROOT/tests/bench/soak_clients.pl

slowloris=50 stuck=20 garbage=10 controllers=2 well=16 well_rate=2000
# The server holds every client connection at once, plus its own fds.
maxconns=$((held + 1024))
hard=$(ulimit -Hn)
if [[ $hard != unlimited ]] && ((hard < maxconns + 256)); then
	fail "the hard limit on open files is $hard; $held held connections need $((maxconns + 256)) (raise it, or pass a smaller -n)"
fi
ulimit -n $((maxconns + 256))
# 20% to spare: the controllers' pauses hold up the cycles in flight.
churn_rate=$((cycles * 120 / 100 / seconds + 1))
# A sample a minute; at least three in a run shorter than three minutes. The
# last is taken 5 s before the end, while every client still runs.
interval=60
((seconds >= 180)) || interval=$((seconds / 3))
# A byte every 2 s; faster in a short run, so that some replies come back.
gap=2
((seconds >= 120)) || gap=0.5

pids=()
# Stops every client still running, then lib.sh's cleanup.
end_soak() {
	local rc=$? pid
	set +e # a failing step here must not skip the rest
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null
	done
	(exit "$rc") # _srv_cleanup reports with the script's status
	_srv_cleanup
}
trap end_soak EXIT

sock=$MC_TMP/trace.sock
srv_start soak "$MCSCOPED" -t "$threads" -c "$maxconns" --trace-socket="$sock" "${server_flags[@]}"
spid=${SRV_PID[soak]} port=${SRV_PORT[soak]}

fds() {
	local open=("/proc/$spid/fd/"*)
	echo "${#open[@]}"
}
rss_kb() {
	local key value rest
	while read -r key value rest; do
		[[ $key == VmRSS: ]] && { echo "$value"; return; }
	done <"/proc/$spid/status"
	fail "the server (pid $spid) is gone"
}
# sample LABEL: one line of the table (fds before the stats connection counts); sets $now_fds and $now_rss.
sample() {
	now_fds=$(fds) now_rss=$(rss_kb)
	printf '%-8s %8s %10s %8s %8s\n' "$1" "$now_fds" "$now_rss" "$(srv_stat soak curr_connections)" \
		"$(srv_stat soak trace_clients)"
}

echo "command: $0 -n $held -C $cycles -t $threads${server_flags[*]:+ -x ${server_flags[*]}} $seconds"
echo "server:  ${SRV_CMD[soak]}"
echo "clients, all at once for ${seconds}s: $held held (idle), $cycles connect/close cycles (churn, $churn_rate/s),"
echo "  $slowloris slowloris (a byte every $gap s), $stuck stuck + $garbage garbage trace clients,"
echo "  $controllers controllers (command storm), $well well-behaved (mixed, $well_rate requests/s)"
echo
printf '%-8s %8s %10s %8s %8s\n' time fds rss_kB conns tracers
sample baseline
base_fds=$now_fds base_rss=$now_rss

# run NAME COMMAND...: starts one kind of client, its output in $MC_TMP/NAME.out.
declare -A pid_of=()
run() {
	local name=$1
	shift
	"$@" >"$MC_TMP/$name.out" 2>"$MC_TMP/$name.err" &
	pid_of[$name]=$!
	pids+=($!)
}
run held nice "$MCSCOPE" load -p "$port" --scenario idle -c "$held" -d "$seconds"
run churn "$MCSCOPE" load -p "$port" --scenario churn -c 32 -r "$churn_rate" -d "$seconds"
run well "$MCSCOPE" load -p "$port" --scenario mixed -c "$well" -r "$well_rate" -d "$seconds"
run slowloris perl "$CLIENTS" slowloris "$port" "$slowloris" "$seconds" "$gap"
run stuck perl "$CLIENTS" stuck "$sock" "$stuck" "$seconds"
run garbage perl "$CLIENTS" garbage "$sock" "$garbage" "$seconds"
run control perl "$CLIENTS" control "$sock" "$controllers" "$seconds"

start=$SECONDS max_fds=0 first_rss=0 max_later_rss=0
for ((t = interval; t <= seconds; t += interval)); do
	((t < seconds - 5)) || t=$((seconds - 5))
	wait_s=$((start + t - SECONDS))
	((wait_s <= 0)) || sleep "$wait_s"
	sample "${t}s"
	((now_fds <= max_fds)) || max_fds=$now_fds
	if ((first_rss == 0)); then
		first_rss=$now_rss
	elif ((now_rss > max_later_rss)); then
		max_later_rss=$now_rss
	fi
done

# status NAME: the exit status of one kind of client.
declare -A status_of=()
for name in "${!pid_of[@]}"; do
	rc=0
	wait "${pid_of[$name]}" || rc=$?
	status_of[$name]=$rc
done
pids=()

# The server has closed what the clients left once its fds are back: poll, at most 30 s.
for ((i = 0; i < 300 && $(fds) > base_fds; i++)); do
	sleep 0.1
done
sample after
after_fds=$now_fds

# figure NAME KEY: KEY=value from a client's summary (empty when absent).
figure() {
	local line
	line=$(grep -o "\b$2=[0-9.]*" "$MC_TMP/$1.out" | tail -n 1) || true
	echo "${line#*=}"
}

missed=()
# goal OK TEXT: prints TEXT and notes a miss.
goal() {
	if (($1)); then
		echo "  $2"
	else
		echo "  $2   MISSED"
		missed+=("$2")
	fi
}
echo
echo "server:"
goal "$((after_fds == base_fds))" "fds: baseline $base_fds, during up to $max_fds, after $after_fds   (goal: after = baseline)"
growth=$(awk -v a="$first_rss" -v b="$max_later_rss" 'BEGIN { printf "%.1f", (b > a ? (b - a) * 100 / a : 0) }')
goal "$((max_later_rss * 10 <= first_rss * 11))" "RSS: $first_rss kB after ${interval}s, at most $max_later_rss kB later (+$growth%), $now_rss kB after; baseline $base_rss kB   (goal: flat, < 10% growth)"
echo "clients:"
goal "$((status_of[well] == 0))" "well-behaved: requests served $(figure well requests), errors $(figure well errors)   (goal: all served, 0 errors)"
goal "$((status_of[held] == 0))" "held: $(figure held connections) connections, versions answered $(figure held requests), errors $(figure held errors)   (goal: 0 errors)"
done_cycles=$(figure churn connections)
goal "$((status_of[churn] == 0 && ${done_cycles:-0} >= cycles))" "churn: $done_cycles connect/close cycles, errors $(figure churn errors)   (goal: >= $cycles, 0 errors)"
# An idle timeout is there to close slowloris connections; without one, none may be.
closed=$(figure slowloris closed) may_close=0 closed_goal="none closed"
if [[ " ${server_flags[*]} " == *idle* ]]; then
	may_close=1 closed_goal="any closed (an idle timeout)"
fi
goal "$((status_of[slowloris] == 0 && (${closed:-0} == 0 || may_close)))" \
	"slowloris: $(figure slowloris bytes) bytes trickled, replies checked $(figure slowloris answered), errors $(figure slowloris errors), closed by the server $closed   (goal: 0 errors, $closed_goal)"
goal "$((status_of[stuck] == 0))" "stuck trace clients: $(figure stuck clients) held through the run"
goal "$((status_of[garbage] == 0))" "garbage trace clients: $(figure garbage connects) connections, $(figure garbage bytes) random bytes, $(figure garbage answers) answers, refused $(figure garbage refused)   (goal: none refused)"
goal "$((status_of[control] == 0))" "controllers: $(figure control commands) commands, unanswered $(figure control unanswered)   (goal: all answered)"
for name in "${!status_of[@]}"; do
	if ((status_of[$name] != 0)); then
		echo "--- $name (exit status ${status_of[$name]}) ---" >&2
		tail -n 5 "$MC_TMP/$name.out" "$MC_TMP/$name.err" >&2
	fi
done
srv_stop soak
if ((${#missed[@]} > 0)); then
	fail "${#missed[@]} goal(s) missed"
fi
echo "all goals met"
