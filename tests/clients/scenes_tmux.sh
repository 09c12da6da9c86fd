#!/usr/bin/env bash
# mcscope demo's scenes end to end in a tmux pane. The demo starts at the
# overview and ] moves through every scene; within 5 s of the key each one
# shows its idea on the screen, as an assertion named after the scene
# (scene_lib.sh lists them). After each move the demo has exactly its two
# children (server, workload) and one server runs from its private
# directory: a scene change leaves no process behind. ] from the last scene
# wraps to the first, [ goes back; q leaves nothing running and removes the
# private directory.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"
# shellcheck source=scene_lib.sh
source "$(dirname "$0")/scene_lib.sh"

ASKED=$(now_ms)
tm new-session -d -s demo -x 120 -y 40 \
	"exec env -u XDG_RUNTIME_DIR TMPDIR='$MC_TMP' MCSCOPED='$MCSCOPED' '$MCSCOPE' demo --scene overview"
PANE_PID=$(tm list-panes -t demo -F '#{pane_pid}')

names=(overview round-robin handoff cq-backlog drive-machine fairness accept-pause udp policies)
((${#names[@]} == NSCENES)) || fail "the test knows ${#names[@]} scenes, the demo $NSCENES"
scene 1 overview
for ((i = 1; i < NSCENES; i++)); do
	press ']'
	scene $((i + 1)) "${names[i]}"
done

# Round the ends, both ways.
press ']'
scene 1 overview
press '['
scene "$NSCENES" policies

quit_demo
note "PASS"
