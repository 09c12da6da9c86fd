#!/bin/sh
# open.sh: the deck and the live demo side by side in tmux: patat on the
# left (laid out for 100 columns), `mcscope demo` on the right at its first
# scene. ./run slides runs it after building.
#   slides/open.sh [-L SOCKET_NAME | -S SOCKET_PATH] [--detached SESSION]
# Inside tmux it opens a new window in the current session; outside, a new
# session. --detached makes the session without attaching (for tests).
#   MCSCOPE  the mcscope to run (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
mcscope=${MCSCOPE:-$root/build/tui/mcscope}
socket=""
detached=""
while [ $# -gt 0 ]; do
	case $1 in
	-L) socket="-L ${2:?open.sh: -L needs a socket name}"; shift 2 ;;
	-S) socket="-S ${2:?open.sh: -S needs a socket path}"; shift 2 ;;
	--detached) detached=${2:?open.sh: --detached needs a session name}; shift 2 ;;
	*) echo "open.sh: unknown argument: $1" >&2; exit 64 ;;
	esac
done

die() {
	echo "open.sh: $*" >&2
	exit 1
}
command -v tmux >/dev/null 2>&1 || die "tmux is not installed (./run slides installs it)"
command -v patat >/dev/null 2>&1 || die "patat is not installed (./run slides installs it)"
[ -x "$mcscope" ] || die "no mcscope at $mcscope: run ./run build first"

# $socket is empty or an option and its value, without spaces in them.
tmx() {
	# shellcheck disable=SC2086
	tmux $socket "$@"
}

# The panes' commands; the deck's eval blocks run from the project's root.
deck="exec env MCSCOPE='$mcscope' patat slides/lecture.md"
demo="exec '$mcscope' demo --scene overview"

if [ -n "$detached" ]; then
	tmx new-session -d -s "$detached" -x 220 -y 50 -c "$root" "$deck"
	target=$detached
elif [ -n "${TMUX:-}" ] && [ -z "$socket" ]; then
	tmx new-window -n lecture -c "$root" "$deck"
	target=""
else
	if [ ! -t 0 ] || [ ! -t 1 ]; then
		die "needs a terminal (or run it inside tmux)"
	fi
	session=mcscope-lecture-$$
	tmx new-session -d -s "$session" -c "$root" "$deck"
	target=$session
fi
t=${target:+-t $target}
# shellcheck disable=SC2086 # $t is empty or "-t NAME"
tmx split-window -h $t -c "$root" "$demo"
# shellcheck disable=SC2086
tmx select-pane $t -L
# shellcheck disable=SC2086
tmx resize-pane $t -x 101 2>/dev/null || true
if [ -z "$detached" ] && [ -n "${session:-}" ]; then
	# shellcheck disable=SC2086
	exec tmux $socket attach-session -t "$session"
fi
