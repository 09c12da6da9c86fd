#!/bin/sh
# check.sh: the deck's tests (slides/meson.build registers each one).
#   slides/check.sh dump     patat renders every slide without error, no line
#                            wider than the deck's columns, and the render is
#                            the checked-in slides/lecture.dump
#   slides/check.sh html     the self-contained HTML builds offline
#   slides/check.sh scenes   every demo scene a slide names exists
#   slides/check.sh figures  slides/figures/ is what refresh.sh makes now
# After a deliberate change: ./run slides --refresh, and check in the diff.
#   MCSCOPE  the mcscope to use (default: build/tui/mcscope)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
MCSCOPE=${MCSCOPE:-$here/../build/tui/mcscope}
export MCSCOPE
deck=$here/lecture.md

fail() {
	echo "check.sh: FAIL: $*" >&2
	exit 1
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

case ${1:-} in
dump)
	sh "$here/dump.sh" >"$tmp/dump" || fail "patat could not render the deck"
	width=$(sed -n 's/^ *columns: *\([0-9][0-9]*\) *$/\1/p' "$deck" | head -n 1)
	[ -n "$width" ] || fail "lecture.md sets no patat columns"
	# Characters, not bytes: the frames draw with UTF-8 box characters.
	wide=$(perl -CSD -ne 'chomp; print "line $.: ", length, " columns\n" if length > '"$width" "$tmp/dump")
	[ -z "$wide" ] || fail "lines wider than $width columns in the render:
$wide"
	slides=$(grep -c '^ mcscope .* [0-9][0-9]* / [0-9][0-9]*$' "$tmp/dump" || true)
	[ "$slides" -ge 25 ] || fail "only $slides slide pages rendered"
	diff -u "$here/lecture.dump" "$tmp/dump" ||
		fail "the render differs from slides/lecture.dump (above); if meant: ./run slides --refresh"
	echo "check.sh: dump: $slides pages, none wider than $width columns, same as lecture.dump"
	;;
html)
	sh "$here/html.sh" "$tmp/lecture.html" || fail "the HTML deck did not build"
	grep -q 'thread_libevent_process' "$tmp/lecture.html" || fail "the HTML deck lacks its slides"
	grep -q 'data:image/svg+xml' "$tmp/lecture.html" || fail "the HTML deck lacks its embedded figures"
	grep -q 'thr=w0 ev=cq_pop conn=2' "$tmp/lecture.html" || fail "the HTML deck lacks its replayed outputs"
	if grep -Eiq '<(script|link|img)[^>]*(src|href)="(https?:)?//' "$tmp/lecture.html"; then
		fail "the HTML deck loads something from the network"
	fi
	echo "check.sh: html: self-contained, $(wc -c <"$tmp/lecture.html") bytes"
	;;
scenes)
	"$MCSCOPE" demo --list-scenes >"$tmp/scenes" || fail "mcscope demo --list-scenes failed"
	# A slide names a scene as "scene N, NAME"; both must match the list.
	grep -o 'scene [0-9][0-9]*, [a-z][a-z-]*' "$deck" | sort -u >"$tmp/named"
	[ -s "$tmp/named" ] || fail "no slide names a scene"
	n=0
	while read -r _ number name; do
		number=${number%,}
		grep -Eq "^ *$number +$name +" "$tmp/scenes" ||
			fail "a slide names scene $number, $name; mcscope demo --list-scenes has no such scene"
		n=$((n + 1))
	done <"$tmp/named"
	echo "check.sh: scenes: the $n scenes the slides name all exist"
	;;
figures)
	sh "$here/refresh.sh" --figures "$tmp" || fail "refresh.sh could not make the figures"
	diff -ru "$here/figures" "$tmp/figures" ||
		fail "slides/figures/ is out of date (above): ./run slides --refresh"
	echo "check.sh: figures: up to date"
	;;
*)
	echo "usage: slides/check.sh dump|html|scenes|figures" >&2
	exit 64
	;;
esac
