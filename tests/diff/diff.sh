#!/usr/bin/env bash
# diff.sh [SECONDS]: the differential test with fresh seeds for SECONDS in all
# (default 60), a new seed each minute, until a round finds a difference; then
# it prints the seeds it used. Exits 1 when a reply differed: each difference
# prints the command that shows it again.
#
# Environment: MCDIFF (default build/tests/diff/mcdiff), MCSCOPED (default
# build/src/mcscoped), MEMCACHED (default /usr/bin/memcached), MCDIFF_ARGS
# (more mcdiff options, e.g. --max-diffs=50).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || {
	echo "usage: $0 [SECONDS]" >&2
	exit 64
}
mcdiff=${MCDIFF:-$root/build/tests/diff/mcdiff}
[[ -x $mcdiff ]] || {
	echo "diff.sh: $mcdiff not found: build first (./run build)" >&2
	exit 2
}
export MCSCOPED=${MCSCOPED:-$root/build/src/mcscoped}

seeds=()
rc=0
end=$((SECONDS + seconds))
while ((SECONDS < end)); do
	left=$((end - SECONDS))
	seed=$(($(od -An -N6 -tu8 /dev/urandom)))
	seeds+=("$seed")
	# shellcheck disable=SC2086 # MCDIFF_ARGS is a list of options
	"$mcdiff" --seed="$seed" --seconds=$((left < 60 ? left : 60)) \
		--allowlist="$root/tests/diff/allowlist" ${MCDIFF_ARGS:-} || rc=$?
	((rc == 0)) || break
done
echo "diff.sh: seeds used: ${seeds[*]}"
exit "$rc"
