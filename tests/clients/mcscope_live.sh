#!/usr/bin/env bash
# The mcscope tools against a real mcscoped: ctl answers and exit codes,
# events from the live stream, and record -> export --perfetto of a run of
# four connections (valid JSON: thread tracks, one dispatch arrow per
# connection, CQ depth counters).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

MCSCOPE=${MCSCOPE:-$MC_ROOT/build/tui/mcscope}
[[ -x $MCSCOPE ]] || fail "mcscope not found at $MCSCOPE (build it first, or set MCSCOPE)"
sock=$MC_TMP/trace.sock
srv_start mcscoped "$MCSCOPED" -l 127.0.0.1 -t 2 --trace-socket="$sock"
port=${SRV_PORT[mcscoped]}

# ctl: ok answers exit 0, error answers exit 1.
out=$("$MCSCOPE" ctl --socket "$sock" dispatch least) || fail "ctl dispatch least failed"
[[ $out == "ok dispatch=least" ]] || fail "ctl dispatch least answered '$out'"
rc=0
out=$("$MCSCOPE" ctl --socket "$sock" freeze w7 2>&1) || rc=$?
((rc == 1)) || fail "ctl freeze w7 (2 workers) exited $rc, want 1: $out"
[[ $out == *"error"* ]] || fail "ctl freeze w7 printed '$out'"
"$MCSCOPE" ctl --socket "$sock" dispatch rr >/dev/null || fail "ctl dispatch rr failed"

# events: read the live stream through a fifo, up to the end of the snapshot.
mkfifo "$MC_TMP/events"
"$MCSCOPE" events --socket "$sock" >"$MC_TMP/events" 2>"$MC_TMP/events.err" &
reader=$!
exec {ev}<"$MC_TMP/events"
: >"$MC_TMP/run.trace"
read_until() { # read_until PATTERN COUNT: keep lines until COUNT of them match
	local n=0 line
	while ((n < $2)); do
		IFS= read -r -t 20 line <&"$ev" || fail "the stream stopped before $2 lines matching '$1' ($n seen)"
		printf '%s\n' "$line" >>"$MC_TMP/run.trace"
		[[ $line == *"$1"* ]] && n=$((n + 1))
	done
	return 0
}
read_until " ev=snapshot_end " 1
grep -q "ev=hello v=1 " "$MC_TMP/run.trace" || fail "no hello line first"

for i in 1 2 3 4; do
	exec {c}<>"/dev/tcp/127.0.0.1/$port"
	printf 'set k%d 0 0 1\r\nx\r\nget k%d\r\nquit\r\n' "$i" "$i" >&"$c"
	reply=$(timeout 10 cat <&"$c") || fail "connection $i: no reply"
	exec {c}>&-
	[[ $reply == *STORED*END* ]] || fail "connection $i got '$reply'"
done
read_until " ev=conn_close " 4
kill "$reader"
wait "$reader" 2>/dev/null || true
exec {ev}<&-
grep -c " ev=dispatch " "$MC_TMP/run.trace" | grep -qx 4 || fail "not 4 dispatch lines in the stream"

"$MCSCOPE" export --perfetto "$MC_TMP/run.trace" "$MC_TMP/run.json" 2>"$MC_TMP/export.err" ||
	fail "export failed: $(cat "$MC_TMP/export.err")"
perl -MJSON::PP -e '
	my $text = do { local $/; open my $f, "<", $ARGV[0] or die "$!\n"; <$f> };
	my $events = JSON::PP->new->decode($text);
	ref $events eq "ARRAY" or die "not a JSON array\n";
	my %threads = map { $_->{args}{name} => 1 }
		grep { ($_->{ph} // "") eq "M" && $_->{name} eq "thread_name" } @$events;
	$threads{$_} or die "no thread track named $_\n" for qw(main w0 w1);
	my $out = grep { $_->{flow_out} } @$events;
	my $in = grep { $_->{flow_in} } @$events;
	$out == 4 && $in == 4 or die "want 4 dispatch arrows, got $out out and $in in\n";
	grep { ($_->{ph} // "") eq "C" } @$events or die "no counter events\n";
' "$MC_TMP/run.json" || fail "the Perfetto export of the run is not as expected"

srv_stop mcscoped
echo "PASS: mcscope ctl, events, record-style capture and export against mcscoped"
