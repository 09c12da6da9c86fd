# shellcheck shell=bash
# scene_lib.sh: what each of mcscope demo's scenes shows, checked on a tmux
# pane: sourced after lib.sh and tmux_lib.sh by the tests that play scenes
# (scenes_tmux.sh: every scene by ] and [; lecture_tmux.sh: the deck walked
# with its demo).
#
#   DEMO_PANE                the pane the demo runs in (tmux target)
#   PANE_PID                 the demo's pid (the pane's process)
#   press KEY                sends KEY to the demo, noting when (ASKED)
#   scene N NAME             within 5 s of ASKED the header names scene N and
#                            its idea shows; then what it does next; the demo
#                            runs exactly its server and workload
#   servers                  every mcscoped run from a private demo directory
#   quit_demo                q to the demo: it exits within 20 s and leaves no
#                            process, server or private directory behind
#
# The ideas, by scene:
#   overview       connections in drive_machine's states
#   round-robin    three hand-offs in a row to the next worker each
#   handoff        slow motion: accept and dispatch_conn_new stepped, then conn_new
#   cq-backlog     the frozen w1's CQ at depth 3 or more, then drained when thawed
#   drive-machine  a set of 100 KB or more, its conn waiting in conn_nread
#   fairness       a yield (-R budget spent)
#   accept-pause   NOT ACCEPTING (maxconns), then a waiting connection let in by a close
#   udp            a UDP conn on every worker, serving datagrams
#   policies       w1 slowed down under rr, then the policy switched to least

DEMO_PANE=${DEMO_PANE:-demo}
NSCENES=9
# The arrow of the hand-offs, in UTF-8 or its ASCII stand-in.
TO='(→|->)'

# Every mcscoped started from a private directory under $MC_TMP.
servers() {
	pgrep -f -- "--trace-socket=$MC_TMP/mcscope-demo-" || true
}

# wait_for DEADLINE_MS WHAT FUNCTION [ARGS...]: until FUNCTION succeeds; fails after the deadline
# naming WHAT, with the screen.
wait_for() {
	local by=$1 what=$2
	shift 2
	while ! "$@"; do
		if (($(now_ms) >= by)); then
			screen "$DEMO_PANE" >&2 || true
			fail "$what"
		fi
		sleep 0.1
	done
}

# The demo's children: exactly the server and the workload, one server running; sets KIDS.
two_children() {
	KIDS=$(pgrep -P "$PANE_PID" | tr '\n' ' ')
	[[ $(wc -w <<<"$KIDS") -eq 2 && $(servers | wc -l) -eq 1 ]]
}

# Round robin: the newest three hand-offs went to workers one after the other (mod 4).
rr_three_in_a_row() {
	local line w=() three="recent: +[0-9]+${TO}w([0-9]) +[0-9]+${TO}w([0-9]) +[0-9]+${TO}w([0-9])"
	line=$(screen "$DEMO_PANE" | grep -E -m1 "recent:") || return 1
	[[ $line =~ $three ]] || return 1
	w=("${BASH_REMATCH[2]}" "${BASH_REMATCH[4]}" "${BASH_REMATCH[6]}")
	((w[0] == (w[1] + 1) % 4 && w[1] == (w[2] + 1) % 4))
}

# The screen matches every extended regex given.
shows() {
	local text pattern
	text=$(screen "$DEMO_PANE")
	for pattern in "$@"; do
		grep -Eq -- "$pattern" <<<"$text" || return 1
	done
}

# A UDP conn on each of the four workers, and datagrams served (which worker's conn reads
# a datagram is up to the kernel: any of them may).
udp_everywhere() {
	local w text
	text=$(screen "$DEMO_PANE")
	for w in 0 1 2 3; do
		grep -Eq -- " [0-9]+ +([0-9]+ +)?w$w +udp +(read|parse_cmd|nread|write|new_cmd|waiting) " <<<"$text" || return 1
	done
	grep -Eq -- " [0-9]+ +([0-9]+ +)?w[0-3] +udp +[a-z_]+ +([0-9.]+s +)?[1-9]" <<<"$text"
}

# idea_NAME DEADLINE_MS: the scene's idea on the screen by the deadline; then_NAME, when there
# is one: what the scene does next (a thaw, a close, a policy switch), in its time.
idea_overview() {
	wait_for "$1" "overview: a worker's connection in a state, with a conn_set_state" \
		shows " [0-9]+ +([0-9]+ +)?w[0-3] +tcp +(new_cmd|waiting|read|parse_cmd|write|nread|mwrite) " \
		"conn_set_state: conn [0-9]+ conn_[a-z_]+ -> conn_"
}
idea_round_robin() {
	wait_for "$1" "round-robin: three hand-offs in a row, each to the next worker" rr_three_in_a_row
}
idea_handoff() {
	wait_for "$1" "handoff: slow motion, accept and dispatch_conn_new stepped" \
		shows " SLOWMO 500ms( |$)" "drive_machine: accept conn [0-9]+" "dispatch_conn_new: conn [0-9]+ -> w[01]"
}
then_handoff() {
	wait_for $(($(now_ms) + 8000)) "handoff: the stepped hand-off reaches conn_new" \
		shows "w[01] conn_new: conn [0-9]+ fd [0-9]+ \(tcp\)"
}
idea_cq_backlog() {
	wait_for "$1" "cq-backlog: the frozen w1's CQ at depth 3 or more" \
		shows " FROZEN w1( |$)" "^ w1 .*\] ([3-9]|[1-9][0-9]+)/[0-9]+ "
}
then_cq_backlog() {
	# The scene thaws w1 six seconds in: its queue drains to 0 (the most it held stays by it).
	wait_for $(($(now_ms) + 10000)) "cq-backlog: w1's CQ drained once thawed" \
		shows "^ w1 .*\] 0/([3-9]|[1-9][0-9]+) "
}
idea_drive_machine() {
	wait_for "$1" "drive-machine: a big set's conn waiting in conn_nread" \
		shows " [0-9]+ +([0-9]+ +)?w[01] +tcp +nread " "process_command: conn [0-9]+ set \(1 key, [0-9]{6} bytes\)"
}
idea_fairness() {
	wait_for "$1" "fairness: a conn yields, its -R budget spent" \
		shows "drive_machine: conn [0-9]+ yields \(-R budget spent\)"
}
idea_accept_pause() {
	wait_for "$1" "accept-pause: main stops accepting at -c" shows " NOT ACCEPTING \(maxconns\)"
}
then_accept_pause() {
	# Conns 2-5 fill -c 4; a hand-off of conn 6 or later means a close let a waiting one in (the
	# dispatch line keeps it, where the log's "accepting again" scrolls away in a moment).
	wait_for $(($(now_ms) + 8000)) "accept-pause: a close lets a waiting connection in" \
		shows "recent: .*([6-9]|[1-9][0-9]+)${TO}w[01]"
}
idea_udp() {
	wait_for "$1" "udp: a UDP conn serving datagrams on each worker" udp_everywhere
}
idea_policies() {
	wait_for "$1" "policies: w1 slowed down, under rr" shows "^ w1 .* DELAY 150ms" " 3 threads  rr "
}
then_policies() {
	# The scene switches to least eight seconds in.
	wait_for $(($(now_ms) + 10000)) "policies: the policy switched to least" shows " 3 threads  least "
}

# scene N NAME: the header names scene N, its idea shows within 5 s of ASKED (ms), and the demo
# runs exactly its server and workload, the last scene's gone.
scene() {
	local n=$1 name=$2 by=$((ASKED + 5000)) old=${KIDS:-} pid
	wait_for "$by" "$name: the header names scene $n/$NSCENES within 5 s" \
		shows "^ Scene $n/$NSCENES  "
	"idea_${name//-/_}" "$by"
	note "$name: its idea on the screen $(($(now_ms) - ASKED)) ms after the key"
	if [[ $(type -t "then_${name//-/_}") == function ]]; then
		"then_${name//-/_}"
		note "$name: and what it does next, $(($(now_ms) - ASKED)) ms after the key"
	fi
	wait_for $(($(now_ms) + 5000)) "$name: the demo runs its server and workload, nothing else" two_children
	for pid in $old; do
		[[ " $KIDS " == *" $pid "* ]] || ! kill -0 "$pid" 2>/dev/null ||
			fail "$name: the last scene's process $pid is still running"
	done
}

# press KEY: sends it, noting when.
press() {
	ASKED=$(now_ms)
	tm send-keys -t "$DEMO_PANE" "$1"
}


# q to the demo: it exits within 20 s, and nothing it started is left. (It gives its workload 3 s
# and its server 5 s to stop before it kills them; a sanitizer's exit on a loaded machine adds
# to that.)
quit_demo() {
	local pid deadline=$((SECONDS + 20))
	tm send-keys -t "$DEMO_PANE" q
	# Exited is gone or a zombie: with the deck's pane still open, tmux may reap it later.
	while [[ $(ps -o stat= -p "$PANE_PID" || true) == [!Z]* ]]; do
		if ((SECONDS >= deadline)); then
			screen "$DEMO_PANE" >&2 || true
			ps -o pid,ppid,stat,wchan:20,args --ppid "$PANE_PID" -p "$PANE_PID" >&2 || true
			fail "mcscope demo did not exit within 20 s of q"
		fi
		sleep 0.1
	done
	for pid in $KIDS; do
		! kill -0 "$pid" 2>/dev/null || fail "after q: process $pid is still running"
	done
	[[ -z $(servers) ]] || fail "after q: servers left: $(servers)"
	[[ -z $(find "$MC_TMP" -maxdepth 1 -name 'mcscope-demo-*') ]] || fail "after q: the private directory is left"
}
