#!/bin/sh
# show.sh: the deck's eval blocks. patat (and the HTML build's filter) pipe
# a block's text to this script, which runs it with sh in slides/, where
# lecture.trace is, and with the built mcscope first on PATH. So what a
# slide shows is a command a student can type, and its output comes from
# the recorded run, the same every time.
#   MCSCOPE  the mcscope to use (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
mcscope=${MCSCOPE:-$here/../build/tui/mcscope}
[ -x "$mcscope" ] || {
	echo "show.sh: no mcscope at $mcscope: run ./run build first" >&2
	exit 1
}
bindir=$(cd "$(dirname "$mcscope")" && pwd)
cd "$here"
# Plain text (no colours, no locale surprises) whatever the terminal.
PATH="$bindir:$PATH" LC_ALL=C.UTF-8 TERM=dumb exec sh -eu
