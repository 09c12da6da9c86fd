#!/usr/bin/env bash
# The whole lecture as a teacher gives it: ./run slides's two panes (the
# deck in patat, the demo beside it, slides/open.sh) on a private tmux
# server, walked slide by slide with patat's next key only. Where a slide
# sends the demo to a scene ("Demo: ] to scene N, NAME") the key it names
# goes to the demo pane, and within 5 s the demo's header names that scene
# and its idea is on the screen (the checks of scene_lib.sh); the first
# demo slide finds the demo already at scene 1. At the last slide every
# slide has been seen, every scene shown once in order, and ] once more
# brings the demo round to the overview for the recap; q ends both panes
# and leaves no process behind.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tmux_lib.sh
source "$(dirname "$0")/tmux_lib.sh"
DEMO_PANE=lecture.1
# shellcheck source=scene_lib.sh
source "$(dirname "$0")/scene_lib.sh"
command -v patat >/dev/null || fail "patat not found (Debian package patat)"

DECK=lecture.0

# The deck's page: "N M" from patat's "N / M" in the pane's last lines.
page() {
	screen "$DECK" | grep -Eo '[0-9]+ / [0-9]+ *$' | tail -n 1 | tr -d '/' | tr -s ' '
}

# The demo's private directories and servers go under $MC_TMP, as the other demo tests'.
export TMPDIR=$MC_TMP MCSCOPED MCSCOPE
unset XDG_RUNTIME_DIR
ASKED=$(now_ms)
bash "$MC_ROOT/slides/open.sh" -S "$TMUX_SOCK" --detached lecture ||
	fail "slides/open.sh could not open the panes"
PANE_PID=$(tm list-panes -t lecture -F '#{pane_index} #{pane_pid}' | awk '$1 == 1 { print $2 }')
[[ -n $PANE_PID ]] || fail "no demo pane"

deadline=$((SECONDS + 10))
until [[ $(page) =~ ^1\ [0-9]+$ ]]; do
	((SECONDS < deadline)) || { screen "$DECK" >&2; fail "the deck's first page within 10 s"; }
	sleep 0.1
done
read -r _ last <<<"$(page)"
note "the deck has $last pages"

# next: patat's next key; waits for the deck to change (the next page, or the next fragment of
# this one: an eval block's output comes on a key of its own). False when the last page takes
# the key and nothing changes within 2 s: the end.
next() {
	local before now
	before=$(screen "$DECK")
	tm send-keys -t "$DECK" l
	local deadline=$(($(now_ms) + 10000))
	read -r at_page _ <<<"$(page)"
	((at_page == last)) && deadline=$(($(now_ms) + 2000))
	while now=$(screen "$DECK") && [[ $now == "$before" ]]; do
		if (($(now_ms) >= deadline)); then
			((at_page == last)) && return 1
			screen "$DECK" >&2
			fail "the deck did not move on within 10 s of the key, on page $at_page"
		fi
		sleep 0.1
	done
	# patat draws a page in more than one write: on until it has its page number and two
	# looks in a row agree.
	while [[ -z $(page) || $(screen "$DECK") != "$now" ]]; do
		(($(now_ms) < deadline + 10000)) || fail "the deck's page never settled"
		now=$(screen "$DECK")
		sleep 0.1
	done
}

shown=()
steps=0
while :; do
	text=$(screen "$DECK")
	read -r at _ <<<"$(page)"
	if [[ $text =~ Demo:\ +\]\ +to\ scene\ ([0-9]+),\ ([a-z-]+) ]]; then
		n=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
		if [[ " ${shown[*]} " != *" $n "* ]]; then
			press ']'
			scene "$n" "$name"
			shown+=("$n")
			note "page $at: ] in the demo, scene $n ($name) shows its idea"
		fi
	elif [[ $text =~ Demo:\ +scene\ ([0-9]+),\ ([a-z-]+) ]]; then
		n=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
		if [[ " ${shown[*]} " != *" $n "* ]]; then
			ASKED=$(now_ms)
			scene "$n" "$name"
			shown+=("$n")
			note "page $at: the demo already at scene $n ($name), its idea on the screen"
		fi
	fi
	next || break
	steps=$((steps + 1))
done
read -r at _ <<<"$(page)"
((at == last)) || fail "the walk ended on page $at of $last"
note "walked $last pages in $steps keys"

[[ ${shown[*]} == "$(seq -s ' ' 1 "$NSCENES")" ]] ||
	fail "the slides showed scenes '${shown[*]}', not each of 1-$NSCENES once in order"

# The last slide's notes: the recap with the demo on the overview, ] once more.
press ']'
scene 1 overview
note "the recap: ] wraps the demo round to scene 1"

quit_demo
tm send-keys -t "$DECK" q
deadline=$((SECONDS + 10))
while tm has-session -t lecture 2>/dev/null; do
	((SECONDS < deadline)) || fail "the deck did not end within 10 s of q"
	sleep 0.1
done
note "PASS"
