#!/bin/sh
# record-trace.sh: records slides/lecture.trace, the run the deck's figures
# and eval blocks replay. Rerun it only to change what the lecture shows
# (then ./run slides --refresh and check the new dump in):
#   slides/record-trace.sh build [OUT]
# A private mcscoped (-t 4 -R 4) on a free port is recorded for about 6 s
# while it serves, in turn: a few connections arriving one by one (round
# robin), a burst while w1 is frozen (CQ backlog), pipelined gets (-R
# yields), big values (conn_nread) and a mixed workload.
set -eu

BUILD=${1:-build}
OUT=${2:-slides/lecture.trace}
SERVER=$BUILD/src/mcscoped
MCSCOPE=$BUILD/tui/mcscope
if [ ! -x "$SERVER" ] || [ ! -x "$MCSCOPE" ]; then
	echo "record-trace.sh: build $BUILD first (./run build)" >&2
	exit 1
fi

dir=$(mktemp -d)
server_pid=""
record_pid=""
cleanup() {
	[ -z "$record_pid" ] || kill "$record_pid" 2>/dev/null || true
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkfifo "$dir/ready"
"$SERVER" -p 0 -t 4 -R 4 --seed 1 --trace-socket "$dir/trace.sock" \
	--ready-fd 3 3>"$dir/ready" &
server_pid=$!
# Bounded wait: the server writes "tcp=PORT udp=PORT" once it accepts.
ready=$(timeout 10 cat "$dir/ready") || {
	echo "record-trace.sh: the server did not start within 10 s" >&2
	exit 1
}
port=${ready#tcp=}
port=${port%% *}

"$MCSCOPE" record --socket "$dir/trace.sock" -o "$dir/out.trace" --duration 8 2>/dev/null &
record_pid=$!
sleep 0.5

load() {
	"$MCSCOPE" load -p "$port" --seed 7 "$@" >/dev/null
}
# Round robin: four connections, one at a time.
load --scenario churn --conns 1 --rate 4 --duration 1
# CQ backlog: w1 frozen while twelve connections arrive, thawed a second later.
{ echo "freeze w1"; sleep 1.5; echo "thaw w1"; sleep 0.3; } |
	"$MCSCOPE" ctl --socket "$dir/trace.sock" - >/dev/null &
ctl_pid=$!
sleep 0.2
load --scenario burst --conns 12 --rate 24 --duration 0.5
wait "$ctl_pid"
# -R: two connections of 50 pipelined gets each.
load --scenario pipeline --conns 2 --rate 4 --duration 0.5
# conn_nread: values sent in pieces.
load --scenario bigslow --conns 1 --rate 2 --duration 1
# The mixed workload.
load --scenario mixed --conns 4 --rate 20 --duration 1 --reconnect-interval 5

wait "$record_pid" || true
record_pid=""
mv "$dir/out.trace" "$OUT"
echo "record-trace.sh: wrote $OUT ($(wc -l <"$OUT") lines)" >&2
