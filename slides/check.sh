#!/bin/sh
# check.sh: the deck's tests (slides/meson.build registers each one).
#   slides/check.sh dump     patat renders every slide without error, no line
#                            wider than the deck's columns, every slide has
#                            speaker notes, and the render is the checked-in
#                            slides/lecture.dump
#   slides/check.sh html     the self-contained HTML builds offline
#   slides/check.sh scenes   every demo scene a slide names exists
#   slides/check.sh figures  slides/figures/ is what refresh.sh makes now
#   slides/check.sh commands every mcscope and ./run command a slide names
#                            exists with the options it shows
#   slides/check.sh tmux     open.sh (./run slides) shows the deck and the
#                            demo side by side; their keys work; q ends both
#   slides/check.sh record   record-scenes.sh records a scene (demo --record)
#                            whose replayed end shows its idea
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
	# Speaker notes: an HTML comment on every slide (a level-1 heading each).
	missing=$(awk '/^```/ { code = !code } code { next }
		/^# / { if (title != "" && !notes) print title; title = $0; notes = 0 }
		/^<!--/ { notes = 1 }
		END { if (title != "" && !notes) print title }' "$deck")
	[ -z "$missing" ] || fail "slides without speaker notes:
$missing"
	diff -u "$here/lecture.dump" "$tmp/dump" ||
		fail "the render differs from slides/lecture.dump (above); if meant: ./run slides --refresh"
	echo "check.sh: dump: $slides pages, none wider than $width columns, same as lecture.dump"
	;;
html)
	sh "$here/html.sh" "$tmp/lecture.html" || fail "the HTML deck did not build"
	grep -q 'thread_libevent_process' "$tmp/lecture.html" || fail "the HTML deck lacks its slides"
	grep -q 'data:image/svg+xml' "$tmp/lecture.html" || fail "the HTML deck lacks its embedded figures"
	grep -q 'thr=w0 ev=cq_pop conn=2' "$tmp/lecture.html" || fail "the HTML deck lacks its replayed outputs"
	for frame in "$here"/figures/scene-*.txt; do
		grep -qF -- "$(head -n 1 "$frame")" "$tmp/lecture.html" ||
			fail "the HTML deck lacks the recorded frame $(basename "$frame")"
	done
	if grep -Eiq '<(script|link|img)[^>]*(src|href)="(https?:)?//' "$tmp/lecture.html"; then
		fail "the HTML deck loads something from the network"
	fi
	echo "check.sh: html: self-contained, $(wc -c <"$tmp/lecture.html") bytes"
	;;
scenes)
	"$MCSCOPE" demo --list-scenes >"$tmp/scenes" || fail "mcscope demo --list-scenes failed"
	# A slide names a scene as "scene N, NAME"; both must match the list.
	# shellcheck disable=SC2016 # the backquotes are Markdown
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
commands)
	# The commands a slide names in its text (eval blocks run in dump): each
	# mcscope command exists and takes its options; each ./run command and
	# option is in ./run help.
	# shellcheck disable=SC2016 # the backquotes are Markdown
	grep -o '`\(mcscope\|\./run\) [^`]*`' "$deck" | tr -d '`' | sort -u >"$tmp/cmds"
	[ -s "$tmp/cmds" ] || fail "no slide names a command"
	sh "$here/../run" help >"$tmp/run-help"
	# options_in HELP WHO: every option in $rest is in the help text HELP (WHO's).
	options_in() {
		for word in $rest; do
			case $word in
			-*) grep -q -- "$word" "$1" ||
				fail "a slide shows '$prog $sub $rest': $2 has no option $word" ;;
			esac
		done
	}
	n=0
	while read -r prog sub rest; do
		case $prog in
		mcscope)
			"$MCSCOPE" "$sub" --help >"$tmp/help" 2>&1 ||
				fail "a slide shows '$prog $sub $rest': mcscope has no command $sub"
			options_in "$tmp/help" "mcscope $sub"
			;;
		./run)
			grep -Eq "^  $sub( |\$)" "$tmp/run-help" ||
				fail "a slide shows '$prog $sub $rest': ./run help has no command $sub"
			options_in "$tmp/run-help" "./run help"
			;;
		esac
		n=$((n + 1))
	done <"$tmp/cmds"
	echo "check.sh: commands: the $n commands the slides name exist"
	;;
tmux)
	# ./run slides's panes: the deck and the demo, on a private tmux server.
	sock=mcscope-deck-$$
	session=lecture
	tmx() { timeout 10 tmux -L "$sock" -f /dev/null "$@"; }
	trap 'tmx kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT INT TERM
	sh "$here/open.sh" -L "$sock" --detached "$session" || fail "open.sh could not open the panes"
	# wait_for PANE WHAT PATTERN: up to 10 s for PATTERN on the pane.
	wait_for() {
		i=0
		until tmx capture-pane -p -t "$session.$1" | grep -Eq -- "$3"; do
			i=$((i + 1))
			if [ "$i" -ge 100 ]; then
				tmx capture-pane -p -t "$session.$1" >&2 || true
				fail "not on pane $1 within 10 s: $2"
			fi
			sleep 0.1
		done
	}
	wait_for 0 "the deck's first slide" "What this lecture is about"
	wait_for 1 "the demo at scene 1" "Scene 1/9"
	tmx send-keys -t "$session.0" l
	wait_for 0 "the second slide after a key" "The problem: many connections"
	tmx send-keys -t "$session.1" ']'
	wait_for 1 "the demo at scene 2 after ]" "Scene 2/9"
	tmx send-keys -t "$session.1" q
	tmx send-keys -t "$session.0" q
	i=0
	while tmx has-session -t "$session" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || fail "the panes did not end within 10 s of q"
		sleep 0.1
	done
	echo "check.sh: tmux: the deck and the demo side by side, keys work, both quit"
	;;
record)
	# A scene recorded as record-scenes.sh does: one server's stream from its hello, stopped
	# with the idea on the screen, which its replayed frame shows.
	build=$(cd "$(dirname "$MCSCOPE")/.." && pwd)
	sh "$here/record-scenes.sh" "$build" "$tmp" cq-backlog || fail "record-scenes.sh failed"
	hellos=$(grep -c ' ev=hello ' "$tmp/cq-backlog.trace" || true)
	[ "$hellos" -eq 1 ] || fail "the recording has $hellos hello lines, not 1"
	"$MCSCOPE" replay "$tmp/cq-backlog.trace" --event end --once --size 100x30 >"$tmp/frame" ||
		fail "the recording does not replay"
	grep -Eq '^ w1 .*\] ([3-9]|[1-9][0-9]+)/[0-9]+ .*FROZEN' "$tmp/frame" ||
		fail "the recorded frame lacks w1 frozen with 3 or more in its CQ:
$(cat "$tmp/frame")"
	# A file that cannot be made stops the demo before it starts anything.
	rc=0
	"$MCSCOPE" demo --once --record "$tmp/no/such/dir/x.trace" 2>"$tmp/err" || rc=$?
	[ "$rc" -eq 73 ] || fail "demo --record into a missing directory: exit status $rc, not 73"
	grep -q 'cannot create' "$tmp/err" || fail "no clear message: $(cat "$tmp/err")"
	echo "check.sh: record: a scene recorded, one hello, its idea in the replayed frame"
	;;
*)
	echo "usage: slides/check.sh dump|html|scenes|figures|commands|tmux|record" >&2
	exit 64
	;;
esac
