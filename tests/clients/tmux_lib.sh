# shellcheck shell=bash
# tmux_lib.sh: a private tmux server for the terminal tests, and waiting
# for what a pane shows. Sourced after lib.sh, whose cleanup runs after
# the tmux server is gone.
#
#   tm ARGS...                       tmux on the private socket, bounded by timeout
#   screen PANE                      the pane's text
#   wait_screen PANE SECONDS WHAT PATTERN   until the screen matches PATTERN
#   wait_screen_by PANE DEADLINE_MS WHAT PATTERN
#
# MCSCOPE is the mcscope to run: $MCSCOPE, else this tree's build.

MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}
[[ -x $MCSCOPE ]] || fail "mcscope not found at $MCSCOPE (build it first, or set MCSCOPE)"
command -v tmux >/dev/null || fail "tmux not found (Debian package tmux)"

TMUX_SOCK=$MC_TMP/tmux.sock
tm() {
	timeout 10 tmux -S "$TMUX_SOCK" -f /dev/null "$@"
}
end_tmux() {
	local rc=$?
	set +e # under errexit the (exit) below would end the trap before the cleanup
	tm kill-server 2>/dev/null
	(exit "$rc") # _srv_cleanup reports with the script's status
	_srv_cleanup
}
trap end_tmux EXIT

# The screen of pane $1, as text.
screen() {
	tm capture-pane -p -t "$1"
}

# Milliseconds on bash's clock.
now_ms() {
	local t=${EPOCHREALTIME/[.,]/}
	echo $((t / 1000))
}

# wait_screen PANE SECONDS WHAT PATTERN: until the screen matches the
# extended regex PATTERN; fails after SECONDS naming WHAT.
wait_screen() {
	wait_screen_by "$1" $(($(now_ms) + $2 * 1000)) "$3 within $2 s" "$4"
}

# wait_screen_by PANE DEADLINE_MS WHAT PATTERN: the same, up to a deadline.
wait_screen_by() {
	while ! screen "$1" | grep -Eq -- "$4"; do
		if (($(now_ms) >= $2)); then
			screen "$1" >&2 || true
			fail "not on the screen: $3"
		fi
		sleep 0.1
	done
}
