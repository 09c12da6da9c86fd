# shellcheck shell=bash
# lib.sh: what the benchmark scripts share: the server helpers of the
# client tests, one memcaslap run, one stats value, and the median of a list.

# shellcheck source=../clients/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../clients/lib.sh"

# slap NAME THREADS CONNS DURATION: one memcaslap run against server NAME;
# sets $tps, and fails on any error memcaslap reports.
slap() {
	local name=$1 rc=0 out err
	local cmd=(memcaslap -s "127.0.0.1:${SRV_PORT[$name]}" -T "$2" -c "$3" -t "$4")
	out=$(timeout --foreground 3600 "${cmd[@]}" 2>"$MC_TMP/slap.err") || rc=$?
	err=$(<"$MC_TMP/slap.err")
	if ((rc != 0)) || [[ -n $err ]]; then
		printf '%s\n' "$out" "$err" >&2
		fail "'${cmd[*]}' against $name failed (status $rc)"
	fi
	[[ $out =~ TPS:\ ([0-9]+) ]] || {
		printf '%s\n' "$out" >&2
		fail "no 'TPS:' figure in memcaslap's summary for $name"
	}
	tps=${BASH_REMATCH[1]}
	srv_ping "$name"
}

# srv_stat NAME KEY: one value from server NAME's "stats" (0 when absent).
srv_stat() {
	local fd line value=""
	exec {fd}<>"/dev/tcp/127.0.0.1/${SRV_PORT[$1]}"
	printf 'stats\r\n' >&"$fd"
	while IFS= read -r -t 10 line <&"$fd"; do
		line=${line%$'\r'}
		[[ $line == END ]] && break
		[[ $line == "STAT $2 "* ]] && value=${line#"STAT $2 "}
	done
	exec {fd}>&-
	echo "${value:-0}"
}

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_options DEFAULT_DURATION "$@": parses what both benchmarks take
# (-t THREADS -T CLIENT_THREADS -c CONNS -d DURATION -r ROUNDS -h) into
# threads, cthreads, conns, duration and rounds; -h and bad values use the
# script's own usage function and exit (0 and 64).
bench_options() {
	threads=2 cthreads=2 conns=32 duration=$1 rounds=3
	shift
	local opt v OPTIND=1
	while getopts 't:T:c:d:r:h' opt; do
		case $opt in
		t) threads=$OPTARG ;;
		T) cthreads=$OPTARG ;;
		c) conns=$OPTARG ;;
		d) duration=$OPTARG ;;
		r) rounds=$OPTARG ;;
		h) usage; exit 0 ;;
		*) usage >&2; exit 64 ;;
		esac
	done
	shift $((OPTIND - 1))
	if (($# > 0)); then
		echo "$MC_PROG: unexpected argument: $1" >&2
		usage >&2
		exit 64
	fi
	for v in "$threads" "$cthreads" "$conns" "$rounds"; do
		[[ $v =~ ^[1-9][0-9]*$ ]] || { echo "$MC_PROG: not a positive number: $v" >&2; exit 64; }
	done
	[[ $duration =~ ^[1-9][0-9]*[smhd]$ ]] || { echo "$MC_PROG: bad duration '$duration' (e.g. 10s, 2m)" >&2; exit 64; }
	((conns % cthreads == 0)) || { echo "$MC_PROG: -c ($conns) must be a multiple of -T ($cthreads) for memcaslap" >&2; exit 64; }
}
