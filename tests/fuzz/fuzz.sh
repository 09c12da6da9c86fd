#!/bin/sh
# fuzz.sh: runs one libFuzzer target on a scratch copy of its seed corpus
# and sums up what it did: runs, coverage, crashes.
#
# usage: fuzz.sh TARGET_BINARY SEED_DIR [LIBFUZZER_FLAGS...]
#   e.g. fuzz.sh build-fuzz/tests/fuzz/fuzz_udp tests/fuzz/corpus/udp -max_total_time=60
#
# What the run finds stays out of SEED_DIR: new inputs go to the scratch
# copy, which is removed afterwards. A crashing input is kept in
# $FUZZ_ARTIFACTS (default: crashes/NAME/ next to the binary) with the full
# log; the exit status is then nonzero and the last line names it.
set -eu

[ $# -ge 2 ] || { echo "usage: fuzz.sh TARGET_BINARY SEED_DIR [LIBFUZZER_FLAGS...]" >&2; exit 64; }
bin=$1
seeds=$2
shift 2
[ -x "$bin" ] || { echo "fuzz.sh: no target $bin" >&2; exit 66; }
[ -d "$seeds" ] || { echo "fuzz.sh: no seed corpus $seeds" >&2; exit 66; }
name=$(basename "$bin")
name=${name#fuzz_}
artifacts=${FUZZ_ARTIFACTS:-$(dirname "$bin")/crashes/$name}
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

scratch=$(mktemp -d "${TMPDIR:-/tmp}/mcscope-fuzz-$name.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
mkdir "$scratch/corpus"
cp -- "$seeds"/* "$scratch/corpus/"
nseeds=$(find "$scratch/corpus" -type f | wc -l)
log=$artifacts/last.log

# The dictionary, when the target has one.
dict=$(dirname "$bin")/$name.dict
set -- -artifact_prefix="$artifacts/" -timeout=10 -print_final_stats=1 "$@"
[ ! -f "$dict" ] || set -- -dict="$dict" "$@"

# stderr is closed for the target (libFuzzer and the sanitizers keep their
# own copy): the readers print a message for every bad input.
rc=0
"$bin" -close_fd_mask=2 "$@" "$scratch/corpus" >"$log" 2>&1 || rc=$?

# The last status line: "#RUNS DONE cov: C ft: F corp: N/SIZE ...".
last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
runs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{print $2}' || true)
secs=$(grep -E '^Done [0-9]+ runs in' "$log" | awk '{print $5}' || true)
cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
unit=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)

if [ "$rc" -ne 0 ] || [ -n "$unit" ]; then
	grep -E '^==[0-9]+==ERROR|^SUMMARY|deadly signal|ALARM|out-of-memory' "$log" | head -n 10 >&2 || true
	echo "$name: CRASH after ${runs:-?} runs (exit status $rc); log $log" >&2
	echo "$name: reproducer ${unit:-none written}; rerun it with: $bin ${unit:-INPUT}" >&2
	# 1 whatever libFuzzer said: its 77 would read as "skipped" to meson.
	exit 1
fi
echo "$name: ${secs:-?} s, ${runs:-?} runs, cov ${cov:-?} ft ${ft:-?}, corpus ${corp:-?} (from $nseeds seeds), crashes 0"
