#!/bin/sh
# html.sh: the deck as one self-contained HTML file (pandoc's dzslides: its
# script and style inside, the figures embedded), for the projector's
# browser and for handouts; it fetches nothing, ever.
#   slides/html.sh [OUT]   (default build/slides/lecture.html)
# pandoc runs without network access when `unshare -n` is allowed; either
# way the result is checked for external URLs.
#   MCSCOPE  the mcscope the eval blocks run (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
out=${1:-build/slides/lecture.html}
command -v pandoc >/dev/null 2>&1 || {
	echo "html.sh: pandoc is not installed (./run slides installs it)" >&2
	exit 1
}
mkdir -p "$(dirname "$out")"

offline=""
if unshare -n true 2>/dev/null; then
	offline="unshare -n"
fi
# shellcheck disable=SC2086 # $offline is empty or a command prefix
timeout 120 $offline pandoc slides/lecture.md -f markdown -t dzslides -s \
	--self-contained --resource-path=. --slide-level=1 \
	--lua-filter=slides/html.lua \
	-o "$out" || {
	echo "html.sh: pandoc failed" >&2
	exit 1
}
# Nothing the page loads may come from elsewhere: no src= or href= to a
# network URL (links in the text are fine, there are none today).
if grep -Eiq '(src|href)="(https?:)?//' "$out"; then
	echo "html.sh: $out loads something from the network:" >&2
	grep -Eio '(src|href)="(https?:)?//[^"]*' "$out" | head -5 >&2
	exit 1
fi
echo "html.sh: wrote $out" >&2
