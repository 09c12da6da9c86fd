# shellcheck shell=bash
# lib.sh: what the benchmark scripts share: the server helpers of the
# client tests, one memcaslap run, and the median of a list.

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

median() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
