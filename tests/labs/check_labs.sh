#!/usr/bin/env bash
# check_labs.sh: every lab's checker is tested against its reference.
#
# For each labs/NN-slug (or the ones named as arguments):
#   prediction labs: the untouched template fails with "expected ..., got ?";
#     tests/labs/NN-slug/answers.txt (the reference, for --seed 1) passes;
#     solve's answers for other seeds pass check (solve agrees with check),
#     and ask exactly the template's questions.
#   scheduler labs: check fails without a proof trace, and passes with the
#     trace of solve's run (the lab's own solution) as the proof.
#   write-code labs: check wants the student's file until start copies the
#     stub; the untouched stub builds and fails, printing every line of
#     tests/labs/NN-slug/stub.expect (expected against got); the reference
#     solution passes every check: tests/labs/NN-slug/FILE.c, or, for a lab
#     whose stub breaks a file of the server (student FILE.c replaces
#     src/FILE.c), the server's own file; a file that does
#     not compile gives exit status 5 and the compiler's own words. The lab
#     builds are made once, in the run's work folder, and brought up to date.
#   every lab: hint gives one more hint each time.
# Then the error statuses: no such lab, a missing and a malformed answers file.
#
# Environment: MCSCOPE (the mcscope to test; default build/tui/mcscope),
# MCSCOPED (the server; default the build's), MCSCOPE_SOURCE_ROOT.
set -euo pipefail

ROOT=${MCSCOPE_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
MCSCOPE=${MCSCOPE:-$ROOT/build/tui/mcscope}
export MCSCOPED=${MCSCOPED:-${MCSCOPED_BUILD:-$ROOT/build/src/mcscoped}}
LABS=$ROOT/labs
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcscope-labs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() {
	printf 'FAIL %s\n' "$*" >&2
	failures=$((failures + 1))
}

# lab ARGS...: runs mcscope lab on the labs, keeping work in $WORK; output in $WORK/out, status in $rc.
lab() {
	rc=0
	timeout 120 "$MCSCOPE" lab --labs "$LABS" --work "$WORK" "$@" >"$WORK/out" 2>&1 || rc=$?
}

# expect_status WHAT STATUS: fails unless the last lab call exited STATUS.
expect_status() {
	if [ "$rc" -ne "$2" ]; then
		fail "$1: exit status $rc, expected $2; it printed:"
		sed 's/^/    /' "$WORK/out" >&2
	fi
}

# expect_text WHAT REGEX: fails unless the last lab call printed a line matching REGEX.
expect_text() {
	if ! grep -Eq -- "$2" "$WORK/out"; then
		fail "$1: no line matching '$2' in:"
		sed 's/^/    /' "$WORK/out" >&2
	fi
}

# keys FILE: the answer keys of an answers file, sorted.
keys() {
	sed -n 's/^[[:space:]]*\([A-Za-z0-9_.]*\)[[:space:]]*=.*/\1/p' "$1" | sort
}

# check_predict SLUG: the prediction lab's checker against template, reference and solve.
check_predict() {
	local slug=$1 n=$((10#${1%%-*})) seed
	local answers=$WORK/$slug/answers.txt

	mkdir -p "$WORK/$slug"
	cp "$LABS/$slug/answers.template" "$answers"
	lab check "$n" --seed 1
	expect_status "$slug: the untouched template" 1
	expect_text "$slug: the template's failures" '^      [A-Za-z0-9_.]+: expected .+, got \? \(no prediction yet\)$'
	expect_text "$slug: the template's score" '^Score: 0/[0-9]+$'

	if [ ! -f "$ROOT/tests/labs/$slug/answers.txt" ]; then
		fail "$slug: no reference answers tests/labs/$slug/answers.txt"
	else
		cp "$ROOT/tests/labs/$slug/answers.txt" "$answers"
		lab check "$n" --seed 1
		expect_status "$slug: the reference answers (seed 1)" 0
		expect_text "$slug: the reference's score" '^Score: ([0-9]+)/\1$'
	fi

	for seed in 2 3; do
		lab solve "$n" --seed "$seed"
		expect_status "$slug: solve --seed $seed" 0
		cp "$WORK/out" "$answers"
		if [ "$(keys "$answers")" != "$(keys "$LABS/$slug/answers.template")" ]; then
			fail "$slug: solve --seed $seed answers other questions than answers.template asks"
		fi
		lab check "$n" --seed "$seed"
		expect_status "$slug: check --seed $seed of solve's answers" 0
	done

	# A wrong answer is named with its line.
	sed -i '0,/^\([A-Za-z0-9_.]*\) *= *.*$/s//\1 = wrong/' "$answers"
	lab check "$n" --seed 3
	expect_status "$slug: one wrong answer" 1
	expect_text "$slug: the wrong answer named" ': expected .+, got wrong \(answers.txt line [0-9]+\)$'
}

# check_play SLUG: the scheduler lab's checker without and with a proof.
check_play() {
	local slug=$1 n=$((10#${1%%-*}))

	rm -f "$WORK/$slug/proof.trace"
	lab check "$n" --seed 1
	expect_status "$slug: no proof trace" 1
	expect_text "$slug: no proof named" 'no proof trace'

	lab solve "$n" --seed 1
	expect_status "$slug: solve --seed 1 (the lab's own solution)" 0
	cp "$WORK/$slug/solve.trace" "$WORK/$slug/proof.trace"
	lab check "$n" --seed 1
	expect_status "$slug: check of the solution's trace" 0
	expect_text "$slug: the solution's score" '^Score: ([0-9]+)/\1$'
}

# check_code SLUG: the write-code lab's checker against its stub, its reference and a broken file.
check_code() {
	local slug=$1 n=$((10#${1%%-*})) file mine pattern reference replaces
	file=$(sed -n 's/^student[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$LABS/$slug/lab.conf")
	replaces=$(sed -n 's/^student[[:space:]].*[[:space:]]replaces[[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' \
		"$LABS/$slug/lab.conf")
	mine=$WORK/$slug/$file
	reference=$ROOT/tests/labs/$slug/$file
	[ -f "$reference" ] || [ -z "$replaces" ] || reference=$ROOT/$replaces

	rm -f "$mine"
	lab check "$n" --seed 1
	expect_status "$slug: check before start" 3
	expect_text "$slug: check before start: the file named" "no .*/$file: run 'mcscope lab start $n'"

	lab start "$n" --seed 1
	expect_status "$slug: start" 0
	expect_text "$slug: start names the file" "your file: .*/$file \\(a copy of the stub"
	cmp -s "$LABS/$slug/stub/$file" "$mine" || fail "$slug: start did not copy stub/$file to $mine"

	lab check "$n" --seed 1
	expect_status "$slug: the untouched stub" 1
	expect_text "$slug: the stub builds" '^PASS  build '
	while IFS= read -r pattern; do
		[ -n "$pattern" ] && expect_text "$slug: the stub's check" "$pattern"
	done <"$ROOT/tests/labs/$slug/stub.expect"

	# start again keeps the student's work.
	printf '/* mine */\n' >>"$mine"
	lab start "$n" --seed 1
	grep -q '/\* mine \*/' "$mine" || fail "$slug: a second start overwrote $mine"

	cp "$reference" "$mine"
	lab check "$n" --seed 1 --json "$WORK/$slug.json"
	expect_status "$slug: the reference solution" 0
	expect_text "$slug: the reference's score" '^Score: ([0-9]+)/\1$'
	grep -q '"max_score"' "$WORK/$slug.json" || fail "$slug: no results.json from --json"

	printf 'int lab_broken(void);\nint lab_broken(void) { return 1 }\n' >>"$mine"
	lab check "$n" --seed 1
	expect_status "$slug: a file that does not compile" 5
	# The compiler quotes with ' or with the locale's quotation marks.
	expect_text "$slug: the compiler's own words" "$file:[0-9]+:[0-9]+: error: expected .+;.+ before .+}.+ token"
	expect_text "$slug: what to do" "$file does not compile: the compiler's words are above"
	expect_text "$slug: the report" '^FAIL  build '

	lab solve "$n"
	expect_status "$slug: solve" 64
	expect_text "$slug: solve says why" 'is a write-code lab: there are no answers to compute'
}

slugs=("$@")
if [ ${#slugs[@]} -eq 0 ]; then
	for d in "$LABS"/[0-9][0-9]-*/; do
		slugs+=("$(basename "$d")")
	done
fi
[ ${#slugs[@]} -gt 0 ] || { echo "no labs in $LABS" >&2; exit 1; }

for slug in "${slugs[@]}"; do
	kind=$(sed -n 's/^kind[[:space:]]*//p' "$LABS/$slug/lab.conf")
	case $kind in
	predict) check_predict "$slug" ;;
	play) check_play "$slug" ;;
	code) check_code "$slug" ;;
	*) fail "$slug: kind '$kind' has no test here" ;;
	esac
	n=$((10#${slug%%-*}))
	if grep -q '^hint' "$LABS/$slug/lab.conf"; then
		rm -f "$WORK/$slug/.lab-state"
		lab hint "$n"
		expect_text "$slug: the first hint" '^Hint 1 of'
		lab hint "$n"
		expect_text "$slug: one more hint" '^Hint 2 of'
	fi
	echo "ok $slug"
done

# The error statuses, each with its message.
lab check 98
expect_status "no such lab" 2
expect_text "no such lab: the labs listed" "no lab '98'"
first=${slugs[0]}
if grep -q '^kind predict' "$LABS/$first/lab.conf"; then
	n=$((10#${first%%-*}))
	rm -f "$WORK/$first/answers.txt"
	lab check "$n"
	expect_status "a missing answers file" 3
	expect_text "a missing answers file: named" 'no answers file .*answers.txt'
	printf 'conn1 = w0\nthis is not an answer\n' >"$WORK/$first/answers.txt"
	lab check "$n"
	expect_status "a malformed answers file" 3
	expect_text "a malformed answers file: line and format named" "answers.txt:2: expected 'KEY = VALUE'"
	printf 'nosuchkey = 1\n' >"$WORK/$first/answers.txt"
	lab check "$n"
	expect_status "an unknown question" 3
	expect_text "an unknown question: the keys listed" "'nosuchkey' is not a question of this lab"
fi
for slug in "${slugs[@]}"; do
	grep -q '^kind code' "$LABS/$slug/lab.conf" || continue
	n=$((10#${slug%%-*}))
	lab check "$n" --source "$WORK/no-such-tree"
	expect_status "a source tree that is not there" 64
	expect_text "a source tree that is not there: named" "mcscoped's source tree .*no-such-tree: No such file"
	break
done
lab list
expect_status "list" 0
expect_text "list: the header" '^#   lab'

if [ "$failures" -gt 0 ]; then
	echo "$failures failures" >&2
	exit 1
fi
echo "all labs checked: ${slugs[*]}"
