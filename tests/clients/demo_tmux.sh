#!/usr/bin/env bash
# mcscope demo end to end in a real terminal, a tmux pane:
# - within 5 s the screen shows every worker, a CQ depth and connections in
#   drive_machine's states;
# - space pauses the server: PAUSED shows and the event count stops;
# - n moves exactly one event;
# - q exits and no mcscoped or workload process remains, nor the demo's
#   private directory.
# Then the other ways out leave nothing behind either: Ctrl-C, SIGTERM,
# SIGHUP, the terminal going away (tmux kills the pane) and even SIGKILL
# (the children die with their parent).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"

# The count in the Events title ("Events (newest first)  N seen").
seen() {
	screen "$1" | sed -n 's/.*Events (newest first) *\([0-9][0-9]*\) seen.*/\1/p'
}

# wait_seen PANE SECONDS: until the event count holds still for a second; prints it.
wait_seen() {
	local deadline=$((SECONDS + $2)) a b
	a=$(seen "$1")
	while :; do
		sleep 1
		b=$(seen "$1")
		[[ -n $a && $a == "$b" ]] && break
		((SECONDS < deadline)) || fail "the event count never held still (last $a, $b)"
		a=$b
	done
	echo "$a"
}

# start NAME: mcscope demo -t 4 in a new 120x40 pane; sets PANE_PID and
# STARTED (ms).
start() {
	STARTED=$(now_ms)
	tm new-session -d -s "$1" -x 120 -y 40 \
		"exec env -u XDG_RUNTIME_DIR TMPDIR='$MC_TMP' MCSCOPED='$MCSCOPED' '$MCSCOPE' demo -t 4"
	PANE_PID=$(tm list-panes -t "$1" -F '#{pane_pid}')
}

# ready NAME: within 5 s of the start, every worker, a CQ depth and
# connections in drive_machine's states; sets KIDS.
ready() {
	local w by=$((STARTED + 5000))
	for w in 0 1 2 3; do
		wait_screen_by "$1" "$by" "worker w$w with its CQ depth, 5 s after the start" \
			"^ w$w .*\[[^]]*\] [0-9]+/[0-9]+ "
	done
	wait_screen_by "$1" "$by" "a worker's connection in a state, 5 s after the start" \
		" [0-9]+ +([0-9]+ +)?w[0-3] +tcp +(new_cmd|waiting|read|parse_cmd|write|nread|swallow|mwrite) "
	wait_screen_by "$1" "$by" "a conn_set_state sentence, 5 s after the start" \
		"conn_set_state: conn [0-9]+ conn_[a-z_]+ -> conn_"
	note "$1: ready $(($(now_ms) - STARTED)) ms after the start"
	KIDS=$(pgrep -P "$PANE_PID" | tr '\n' ' ')
	[[ $(wc -w <<<"$KIDS") -eq 2 ]] ||
		fail "the demo should have 2 children (server, workload), has: $KIDS"
}

# gone WHAT PIDS...: fails unless every pid has exited (waiting up to 10 s).
gone() {
	local what=$1 pid deadline=$((SECONDS + 10))
	shift
	for pid in "$@"; do
		while kill -0 "$pid" 2>/dev/null; do
			((SECONDS < deadline)) || fail "$what: process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline")) is still running"
			sleep 0.1
		done
	done
}

# private_dir_gone WHAT: the demo removed its directory.
private_dir_gone() {
	local left
	left=$(find "$MC_TMP" -maxdepth 1 -name 'mcscope-demo-*')
	[[ -z $left ]] || fail "$1: the demo left $left behind"
}

# --- The screen, pause, step and quit. ---
start main
ready main
note "demo is up: workers, CQ depths and connections shown"

tm send-keys -t main Space
wait_screen main 5 "PAUSED after space" " PAUSED( |$)"
n=$(wait_seen main 10)
sleep 1
[[ $(seen main) == "$n" ]] || fail "paused, yet the event count went from $n to $(seen main)"
note "paused at $n events"

tm send-keys -t main n
want=$((n + 1))
wait_screen main 5 "the count after n" "Events \(newest first\) +$want seen"
after=$(wait_seen main 10)
[[ $after == "$want" ]] || fail "n moved the count from $n to $after, want $want"
wait_screen main 5 "what happens next" "next: (main|w[0-3]) will "
note "n moved exactly one event ($n -> $after)"

tm send-keys -t main q
gone "q" "$PANE_PID"
# shellcheck disable=SC2086 # a list of pids
gone "after q" $KIDS
private_dir_gone "q"
note "q: demo, server and workload gone"

# --- Every other way out. ---
how_ctrl_c() { tm send-keys -t "$1" C-c; }
how_sigterm() { kill -TERM "$PANE_PID"; }
how_sighup() { kill -HUP "$PANE_PID"; }
how_terminal_closes() { tm kill-session -t "$1"; }
how_sigkill() { kill -KILL "$PANE_PID"; }
for how in ctrl_c sigterm sighup terminal_closes sigkill; do
	start "$how"
	ready "$how"
	"how_$how" "$how"
	gone "$how" "$PANE_PID"
	# shellcheck disable=SC2086 # a list of pids
	gone "after $how" $KIDS
	# SIGKILL gives no chance to tidy up; every other way must.
	[[ $how == sigkill ]] || private_dir_gone "$how"
	note "$how: demo, server and workload gone"
done
# SIGKILL came last: the next run sweeps away the directory it left.
[[ -n $(find "$MC_TMP" -maxdepth 1 -name 'mcscope-demo-*') ]] || fail "sigkill left no directory to sweep"
env -u XDG_RUNTIME_DIR TMPDIR="$MC_TMP" MCSCOPED="$MCSCOPED" timeout 60 "$MCSCOPE" demo --once >/dev/null ||
	fail "demo --once after a SIGKILL failed"
private_dir_gone "the run after a SIGKILL"
note "PASS"
