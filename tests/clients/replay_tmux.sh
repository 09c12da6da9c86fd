#!/usr/bin/env bash
# mcscope replay in a real terminal, a tmux pane: it opens playing at the
# first whole picture with `replay` and the position in the header; space
# stops and starts play; G, b, n and g move to the end, one event back, one
# forward and the start; ] doubles the speed; ? lists the replay's keys,
# the last one whole; played to the end it stops there and says so; q exits.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"

# A recording of two workers and three connections, one event a second:
# 5 lines of hello and snapshot, then 3 x 6 events over 18 s.
trace=$MC_TMP/run.trace
{
	echo "ts=1000000000 seq=1 thr=main ev=hello v=1 pid=4242 threads=2 dispatch=rr tcp=11211 udp=0 maxconns=1024 reqs_per_event=20 states=conn_listening,conn_new_cmd,conn_waiting,conn_read,conn_parse_cmd,conn_write,conn_nread,conn_swallow,conn_closing,conn_mwrite,conn_closed"
	echo "ts=1000000001 seq=1 thr=w0 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0"
	echo "ts=1000000002 seq=1 thr=w1 ev=snapshot_worker depth=0 max_depth=0 open=0 dispatched=0 pending=0"
	echo "ts=1000000003 seq=1 thr=main ev=snapshot_conn conn=1 fd=9 transport=tcp state=conn_listening"
	echo "ts=1000000004 seq=1 thr=main ev=snapshot_end last=none next=w0"
	seq=2
	ts=2
	for conn in 2 3 4; do
		w=w$((conn % 2))
		for body in "thr=main ev=dispatch conn=$conn fd=1$conn to=$w last=none dispatch=rr transport=tcp init=conn_new_cmd" \
			"thr=main ev=cq_push to=$w conn=$conn depth=1" \
			"thr=$w ev=cq_pop conn=$conn depth=0" \
			"thr=$w ev=conn_new conn=$conn fd=1$conn transport=tcp" \
			"thr=$w ev=state conn=$conn fd=1$conn from=conn_new_cmd to=conn_waiting" \
			"thr=$w ev=state conn=$conn fd=1$conn from=conn_waiting to=conn_read"; do
			echo "ts=${ts}000000000 seq=$seq $body"
			seq=$((seq + 1))
			ts=$((ts + 1))
		done
	done
} >"$trace"

tm new-session -d -s replay -x 100 -y 30 "exec '$MCSCOPE' replay '$trace'"
wait_screen replay 5 "the replay header, playing at the start" "^ replay ▶ 1x  event [5-9]/23 "

tm send-keys -t replay ' '
wait_screen replay 5 "play stopped by space" "^ replay ‖ 1x  event [0-9]+/23 "
tm send-keys -t replay G
wait_screen replay 5 "G: the end" "^ replay ‖ 1x  event 23/23  0:18.0/0:18.0 "
wait_screen replay 5 "G: every connection at the end" "^ +4 +14 w0 +tcp +read "
tm send-keys -t replay b
wait_screen replay 5 "b: one event back" "^ replay ‖ 1x  event 22/23  0:17.0/0:18.0 "
wait_screen replay 5 "b: conn 4 back in conn_waiting" "^ +4 +14 w0 +tcp +waiting "
tm send-keys -t replay n
wait_screen replay 5 "n: one event forward" "^ replay ‖ 1x  event 23/23 "
tm send-keys -t replay g
wait_screen replay 5 "g: the start" "^ replay ‖ 1x  event 5/23  0:00.0/0:18.0 "
tm send-keys -t replay '?'
wait_screen replay 5 "? lists the replay's keys" "mcscope replay keys"
wait_screen replay 5 "? lists the replay's keys" "one event back"
wait_screen replay 5 "? lists the last key whole" "click / wheel +click selects a worker or a conn, wheel scrolls"
tm send-keys -t replay Escape ']' ']' ']' ']'
wait_screen replay 5 "] four times: 16x" "^ replay ‖ 16x  event 5/23 "
tm send-keys -t replay ' '
wait_screen replay 10 "played to the end at 16x" "^ replay ‖ 16x  event 23/23 "
wait_screen replay 5 "the end said" "end of the recording"
tm send-keys -t replay q
deadline=$((SECONDS + 10))
while tm has-session -t replay 2>/dev/null; do
	((SECONDS < deadline)) || fail "q did not end the replay"
	sleep 0.1
done
echo "PASS: mcscope replay plays, stops, steps both ways, seeks and changes speed in a terminal"
