#!/usr/bin/env bash
# Slow motion end to end: mcscope demo --scene round-robin --slowmo 500 in a
# tmux pane, watched by a second client (mcscope events) that stamps each
# line as it arrives. The server's own events, stepped by the dashboard:
# - come in the server's order (seq rising, one at a time);
# - at the pace: no two closer than the pace by the server's clock (ts=;
#   within the 2 ms of the dashboard's millisecond clock), nor closer than
#   half of it as they arrive; a lower bound only, as the server may well
#   take longer to reach its next trace point;
# - stop while space holds slow motion (at most the step already sent
#   comes in), and go on at the new pace after > and space;
# - and a ends it: the server runs free again.
# Then q leaves no process behind.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"

PACE=500
EVENTS=$MC_TMP/events.log
# What the server's threads do (src/wire.h's WIRE_STEP events): each one a step.
STEPS='accept|dispatch|cq_push|notify_write|notify_read|cq_pop|conn_new|state|cmd|yield|conn_close|accept_pause|accept_resume|thread_ready|listen'

# The stepped events received so far.
steps() {
	grep -Ec " ev=($STEPS)( |$)" "$EVENTS" || true
}

# wait_steps N SECONDS WHAT: until N stepped events have come in.
wait_steps() {
	local deadline=$((SECONDS + $2))
	while (($(steps) < $1)); do
		((SECONDS < deadline)) || fail "$3: only $(steps) of $1 stepped events within $2 s"
		sleep 0.1
	done
}

# check_pace FROM PACE_MS: the stepped events after the first FROM come in the server's order,
# at least the pace apart by the server's clock (less 2 ms: the dashboard keeps time in whole
# ms) and half of it as they arrive; prints how many.
check_pace() {
	grep -E " ev=($STEPS)( |$)" "$EVENTS" | tail -n +$(($1 + 1)) | awk -v pace_ns=$((($2 - 2) * 1000000)) \
		-v pace_us=$(($2 * 1000)) '
		{
			for (i = 2; i <= NF; i++) {
				if ($i ~ /^ts=/) ts = substr($i, 4) + 0
				if ($i ~ /^seq=/) seq = substr($i, 5) + 0
			}
			if (n > 0 && seq <= last_seq) { print "out of order: seq " seq " after " last_seq; bad = 1 }
			if (n > 0 && ts - last_ts < pace_ns)
				{ print "seq " seq ": " (ts - last_ts) / 1e6 " ms after the last, by the server"; bad = 1 }
			if (n > 0 && $1 - last_at < pace_us / 2)
				{ print "seq " seq ": came " ($1 - last_at) / 1e3 " ms after the last"; bad = 1 }
			last_seq = seq; last_ts = ts; last_at = $1; n++
		}
		END { if (bad) exit 1; print n }'
}

tm new-session -d -s slow -x 120 -y 40 \
	"exec env -u XDG_RUNTIME_DIR TMPDIR='$MC_TMP' MCSCOPED='$MCSCOPED' '$MCSCOPE' demo --scene round-robin --slowmo $PACE"
PANE_PID=$(tm list-panes -t slow -F '#{pane_pid}')
wait_screen slow 10 "the scene in slow motion" " PAUSED  SLOWMO ${PACE}ms( |$)"

sock=$(find "$MC_TMP" -maxdepth 2 -path "$MC_TMP/mcscope-demo-*/trace.sock")
[[ -S $sock ]] || fail "no trace socket in the demo's private directory ($sock)"
# Each line stamped (µs) as it arrives; events flushes a line as soon as it has it.
: >"$EVENTS"
"$MCSCOPE" events --socket "$sock" 2>/dev/null | while IFS= read -r line; do
	printf '%s %s\n' "${EPOCHREALTIME/[.,]/}" "$line"
done >>"$EVENTS" &
WATCHER=$!

# The first step the watcher sees may follow one that came before it connected: count after it.
wait_steps 9 20 "slow motion at ${PACE} ms"
n=$(check_pace 1 $PACE) || fail "not at the pace of ${PACE} ms, or not in order: $n"
note "$n events one at a time, in the server's order, at least ${PACE} ms apart"

# Space holds it: the dashboard sends no more steps; the one sent just before may still come.
tm send-keys -t slow Space
wait_screen slow 5 "slow motion held" " SLOWMO ${PACE}ms held( |$)"
held=$(steps)
sleep 2 # the window in which nothing may come: an absence takes a wait to show
(($(steps) <= held + 1)) || fail "held, yet $(($(steps) - held)) stepped events came in 2 s"
note "held: $(($(steps) - held)) stepped events in 2 s"

# Faster: > halves the pace; space lets it go on at it.
tm send-keys -t slow '>'
wait_screen slow 5 "the pace halved" " SLOWMO $((PACE / 2))ms held( |$)"
tm send-keys -t slow Space
wait_screen slow 5 "slow motion going on" " SLOWMO $((PACE / 2))ms( |$)"
from=$(steps)
wait_steps $((from + 9)) 20 "slow motion at $((PACE / 2)) ms"
n=$(check_pace $((from + 1)) $((PACE / 2))) || fail "not at the pace of $((PACE / 2)) ms: $n"
note "$n more at least $((PACE / 2)) ms apart"

# a ends it: the server runs, and its events come as fast as it makes them.
tm send-keys -t slow a
wait_screen slow 5 "slow motion off" "slow motion off: the server runs"
deadline=$((SECONDS + 5))
while screen slow | head -1 | grep -Eq 'PAUSED|SLOWMO'; do
	((SECONDS < deadline)) || fail "still paused or in slow motion: $(screen slow | head -1)"
	sleep 0.1
done
from=$(steps)
wait_steps $((from + 20)) 10 "the server running free"

tm send-keys -t slow q
deadline=$((SECONDS + 10))
while kill -0 "$PANE_PID" 2>/dev/null; do
	((SECONDS < deadline)) || fail "mcscope demo did not exit on q"
	sleep 0.1
done
wait "$WATCHER" 2>/dev/null || true
left=$(pgrep -f -- "--trace-socket=$MC_TMP/mcscope-demo-" || true)
[[ -z $left ]] || fail "processes left behind: $left"
[[ -z $(find "$MC_TMP" -maxdepth 1 -name 'mcscope-demo-*') ]] || fail "the demo's private directory was left behind"
note "PASS"
