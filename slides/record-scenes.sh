#!/bin/sh
# record-scenes.sh: records one run of each demo scene, from its first event
# until its idea is on the screen, into slides/scenes/NAME.trace; refresh.sh
# makes the deck's frames (figures/scene-NAME.txt) from them. Rerun it only
# when a scene changes (then ./run slides --refresh, and check the new
# traces and frames in):
#   slides/record-scenes.sh [BUILD] [OUTDIR] [NAME...]   (default: every scene)
# Each scene runs headless (mcscope demo --scene NAME --frames ... --record)
# and is stopped, like a teacher moving on, once its cue is in the trace and
# the cue's own wait has passed.
set -eu

BUILD=${1:-build}
OUT=${2:-slides/scenes}
[ $# -le 2 ] && set -- || shift 2
only=${*:-}
MCSCOPE=$BUILD/tui/mcscope
[ -x "$MCSCOPE" ] || {
	echo "record-scenes.sh: build $BUILD first (./run build)" >&2
	exit 1
}
mkdir -p "$OUT"

# scene NAME CUE WAIT: record NAME until a line matches the extended regular
# expression CUE, then WAIT seconds more (at most 20 s in all).
scene() {
	case " ${only:-$1} " in
	*" $1 "*) ;;
	*) return 0 ;;
	esac
	trace=$OUT/$1.trace
	rm -f "$trace"
	"$MCSCOPE" demo --scene "$1" --frames 400 -d 1 --size 100x30 --record "$trace" >/dev/null &
	pid=$!
	i=0
	until [ -f "$trace" ] && grep -Eq -- "$2" "$trace"; do
		i=$((i + 1))
		if [ "$i" -ge 200 ]; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			echo "record-scenes.sh: $1: no '$2' within 20 s" >&2
			exit 1
		fi
		sleep 0.1
	done
	sleep "$3"
	kill "$pid"
	wait "$pid" || true
	echo "record-scenes.sh: $1: $(wc -l <"$trace") lines" >&2
}

scene overview 'ev=dispatch conn=7 ' 0.5
scene round-robin 'ev=dispatch conn=5 ' 0.5
scene handoff 'ev=conn_new ' 0
scene cq-backlog 'ev=cq_push to=w1 conn=[0-9]+ depth=3' 0.2
scene drive-machine 'ev=state .*to=conn_nread' 0.3
scene fairness 'ev=yield ' 0.2
scene accept-pause 'ev=accept_pause ' 0.5
scene udp 'thr=w3 ev=cmd ' 0.3
scene policies 'ev=dispatch conn=9 ' 0.3
