#!/usr/bin/env bash
# A scheduler lab played end to end in a real terminal, a tmux pane, by
# sending keys as a student would: lab 7 (fill a worker's queue before it
# pops) starts paused with its Lab panel; Tab Tab Down selects w1, f
# freezes it, space lets the rest run; the goal ticks, the panel says the
# proof is saved, q quits and nothing is left running; then mcscope lab
# check grades the saved proof a pass.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"

LABS=$MC_ROOT/labs
WORK=$MC_TMP/work
# Seed 1 picks 2 workers and w1 as the worker to fill.
LAB=(lab --labs "$LABS" --work "$WORK" --seed 1)

tm new-session -d -s lab -x 120 -y 40 \
	"exec env -u XDG_RUNTIME_DIR TMPDIR='$MC_TMP' MCSCOPED='$MCSCOPED' '$MCSCOPE' ${LAB[*]} start 7"
PANE_PID=$(tm list-panes -t lab -F '#{pane_pid}')

wait_screen lab 10 "the Lab panel with its goal" "^Lab 7: Fill a worker's queue"
wait_screen lab 10 "the goal, not reached" "^ \[ \] w1's CQ holds 3 connections while w1 has popped none"
wait_screen lab 10 "the server started paused" "PAUSED"

# Focus the workers panel (connections, events, workers), select w1, freeze it, run.
tm send-keys -t lab Tab Tab Down
tm send-keys -t lab f
wait_screen lab 10 "the freeze sent" "freeze w1"
tm send-keys -t lab Space
wait_screen lab 30 "the goal reached" "^ \[x\] w1's CQ holds 3 connections while w1 has popped none"
wait_screen lab 10 "the proof saved" "every goal reached: proof saved to .*proof.trace"
tm send-keys -t lab q

deadline=$((SECONDS + 10))
while kill -0 "$PANE_PID" 2>/dev/null; do
	((SECONDS < deadline)) || fail "mcscope lab start did not exit on q"
	sleep 0.1
done
# The lab's server ran with its socket in a private directory under $MC_TMP.
left=$(pgrep -f -- "--trace-socket=$MC_TMP/mcscope-demo-" || true)
[[ -z $left ]] || fail "processes left behind: $left"
[[ -z $(find "$MC_TMP" -maxdepth 1 -name 'mcscope-demo-*') ]] || fail "the lab's private directory was left behind"
[[ -f $WORK/07-fill-the-cq/proof.trace ]] || fail "no proof trace in $WORK/07-fill-the-cq"

out=$("$MCSCOPE" "${LAB[@]}" check 7) || fail "lab check 7 failed on the saved proof: $out"
grep -q '^PASS  fill ' <<<"$out" || fail "no PASS for the goal in: $out"
grep -Eq '^Score: ([0-9]+)/\1$' <<<"$out" || fail "not a full score: $out"
note "lab 7 played and passed"
