#!/bin/sh
# refresh.sh: makes the deck's figures from the recorded run, never by hand
# (./run slides --refresh runs it; a test runs it into a scratch directory
# and compares).
#   slides/refresh.sh [--figures] [OUTDIR]
# Into OUTDIR (default slides/) it writes:
#   figures/scene-*.txt   a frame of each demo scene, its idea on the screen:
#                         mcscope replay scenes/NAME.trace --once, the end of
#                         the scene's recorded run (record-scenes.sh)
#   figures/threads.dot, .svg  main, the CQs, the notify pipes, the workers,
#                         with the run's counts (threads.awk)
#   figures/states.dot, .svg   drive_machine's transitions from src/wire.h,
#                         with how often the run took each (states.awk)
#   lecture.dump          the deck as patat renders it (dump.sh); not with
#                         --figures
#   MCSCOPE  the mcscope to use (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
figures_only=false
if [ "${1:-}" = "--figures" ]; then
	figures_only=true
	shift
fi
out=${1:-$here}
mcscope=${MCSCOPE:-$here/../build/tui/mcscope}
trace=$here/lecture.trace

die() {
	echo "refresh.sh: $*" >&2
	exit 1
}
[ -x "$mcscope" ] || die "no mcscope at $mcscope: run ./run build first"
command -v dot >/dev/null 2>&1 || die "graphviz (dot) is not installed (./run slides installs it)"
mkdir -p "$out/figures"

# The frame of each scene recorded, where its run stops: the scene's idea.
for scene_trace in "$here"/scenes/*.trace; do
	name=$(basename "$scene_trace" .trace)
	"$mcscope" replay "$scene_trace" --event end --once --size 100x30 >"$out/figures/scene-$name.txt" ||
		die "mcscope replay failed for scene $name"
done

awk -f "$here/threads.awk" "$trace" >"$out/figures/threads.dot"
awk -f "$here/states.awk" "$here/../src/wire.h" "$trace" >"$out/figures/states.dot"
for g in threads states; do
	dot -Tsvg "$out/figures/$g.dot" >"$out/figures/$g.svg" || die "dot failed on $g.dot"
done

if ! $figures_only; then
	MCSCOPE=$mcscope sh "$here/dump.sh" >"$out/lecture.dump"
fi
