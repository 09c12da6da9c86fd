#!/bin/sh
# dump.sh: prints every slide of the deck as patat renders it (patat --dump,
# eval blocks run), colour codes stripped, trailing blanks trimmed: what
# slides/lecture.dump holds, so that a change to the deck shows as a diff.
#   MCSCOPE  the mcscope the eval blocks run (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
command -v patat >/dev/null 2>&1 || {
	echo "dump.sh: patat is not installed (./run slides installs it)" >&2
	exit 1
}
# patat runs the eval blocks from the current directory: the project's root.
cd "$here/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT INT TERM
# Bounded: every block replays a small recorded trace.
if ! timeout 60 patat --dump --force slides/lecture.md >"$out"; then
	echo "dump.sh: patat failed on slides/lecture.md" >&2
	exit 1
fi
sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/[[:space:]]*$//' "$out"
