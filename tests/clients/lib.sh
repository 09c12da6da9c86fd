# shellcheck shell=bash
# lib.sh: start, check and stop servers for the client tests and the
# benchmark. Sourced by bash scripts that run with `set -euo pipefail`.
#
#   srv_start NAME BINARY [ARGS...]  start BINARY on a free port; sets
#                                    SRV_PORT[NAME], SRV_PID[NAME], SRV_CMD[NAME]
#   srv_ping NAME                    fail unless it answers "version"
#   srv_stop NAME                    SIGTERM; fail unless it exits 0
#   fail MESSAGE...                  print a FAIL line and exit 1
#
# Readiness comes from the server itself, never from sleeping:
#   mcscoped: `-p 0 --ready-fd=3` with fd 3 a fifo we read one line from
#             ("tcp=<port> udp=<port>").
#   memcached (detected by its --version; lets the scripts be checked
#             against Debian's memcached): `-p -1` binds a free port and
#             MEMCACHED_PORT_FILENAME makes it write "TCP INET: <port>" to
#             <file>.lck once listening; we make that .lck a fifo.
# Every wait is bounded by `timeout`, and an EXIT trap kills what is left.
#
# Environment:
#   MCSCOPED       server binary to test; when unset, MCSCOPED_BUILD (meson
#                  sets it to its build's), else build/src/mcscoped
#   MCSCOPED_ARGS  extra server flags for the client tests, e.g. "-t 8"
#   READY_TIMEOUT, STOP_TIMEOUT  seconds; default 20 each
#
# Run a test by hand, or check it against Debian's memcached:
#   tests/clients/memccapable.sh
#   MCSCOPED=/usr/bin/memcached tests/clients/memcslap.sh
#   MCSCOPED=/usr/bin/memcached tests/clients/with-server.sh perl tests/clients/perl_client.t

MC_PROG=${MC_PROG:-$(basename "$0")}
MC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# MCSCOPED from outside wins (e.g. a sanitizer build's server); else the
# binary of the build meson runs us from; else the default build.
MCSCOPED=${MCSCOPED:-${MCSCOPED_BUILD:-$MC_ROOT/build/src/mcscoped}}
: "${READY_TIMEOUT:=20}" # seconds; sanitizer builds start slowly
: "${STOP_TIMEOUT:=20}"

declare -A SRV_PID=() SRV_PORT=() SRV_LOG=() SRV_CMD=()
MC_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mcscope-test.XXXXXX")

fail() {
	printf '%s: FAIL: %s\n' "$MC_PROG" "$*" >&2
	exit 1
}

note() {
	printf '%s: %s\n' "$MC_PROG" "$*" >&2
}

# Shows the end of a server's output, for failure reports.
srv_show_log() {
	local log=${SRV_LOG[$1]:-}
	if [[ -n $log && -s $log ]]; then
		printf -- '--- last lines of %s output ---\n' "$1" >&2
		tail -n 40 "$log" >&2
		printf -- '---\n' >&2
	fi
}

_srv_cleanup() {
	local rc=$? name
	trap - EXIT
	for name in "${!SRV_PID[@]}"; do
		((rc == 0)) || srv_show_log "$name"
		kill -KILL "${SRV_PID[$name]}" 2>/dev/null || true
		wait "${SRV_PID[$name]}" 2>/dev/null || true
	done
	rm -rf "$MC_TMP"
	exit "$rc"
}
trap _srv_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

srv_is_memcached() {
	local v
	v=$(timeout 5 "$1" --version 2>/dev/null </dev/null) || return 1
	[[ $v == memcached\ * ]]
}

srv_start() {
	local name=$1 bin=$2
	shift 2
	local dir="$MC_TMP/$name" line rc=0 pid
	[[ -z ${SRV_PID[$name]:-} ]] || fail "server '$name' is already running"
	[[ -x $bin ]] || fail "server binary '$bin' not found or not executable (build it first, or set MCSCOPED)"
	mkdir -p "$dir"
	SRV_LOG[$name]="$dir/log"

	if srv_is_memcached "$bin"; then
		mkfifo "$dir/ports.lck"
		# -u root: memcached refuses to run as root without it.
		MEMCACHED_PORT_FILENAME="$dir/ports" \
			"$bin" -u root -p -1 "$@" </dev/null >"$dir/log" 2>&1 &
		SRV_CMD[$name]="MEMCACHED_PORT_FILENAME=<file> $bin -u root -p -1 $*"
		pid=$!
		SRV_PID[$name]=$pid
		# memcached closes the file once all listeners are up: read it all.
		line=$(timeout "$READY_TIMEOUT" cat "$dir/ports.lck") || rc=$?
		if ((rc == 0)) && [[ $line =~ TCP\ INET:\ ([0-9]+) ]]; then
			SRV_PORT[$name]=${BASH_REMATCH[1]}
		fi
	else
		mkfifo "$dir/ready"
		# Opening the fifo for writing blocks until we open it to read,
		# so the server can't write its line before we listen.
		"$bin" -p 0 --ready-fd=3 "$@" 3>"$dir/ready" </dev/null >"$dir/log" 2>&1 &
		SRV_CMD[$name]="$bin -p 0 --ready-fd=3 $*"
		pid=$!
		SRV_PID[$name]=$pid
		line=$(timeout "$READY_TIMEOUT" head -n 1 "$dir/ready") || rc=$?
		if ((rc == 0)) && [[ $line =~ ^tcp=([0-9]+)\ udp=([0-9]+)$ ]]; then
			SRV_PORT[$name]=${BASH_REMATCH[1]}
		fi
	fi

	if ! kill -0 "$pid" 2>/dev/null; then
		fail "server '$name' ($bin $*) exited before it was ready"
	elif ((rc == 124)); then
		fail "server '$name' ($bin $*) did not report ready within ${READY_TIMEOUT}s"
	elif [[ -z ${SRV_PORT[$name]:-} || ${SRV_PORT[$name]} -eq 0 ]]; then
		fail "server '$name' sent a bad ready line: '$line'"
	fi
	note "started $name (pid $pid) on port ${SRV_PORT[$name]}: ${SRV_CMD[$name]}"
}

# A deadlocked server can still be alive, so ask it something.
srv_ping() {
	local name=$1 fd reply=""
	kill -0 "${SRV_PID[$name]}" 2>/dev/null || fail "server '$name' died during the test"
	exec {fd}<>"/dev/tcp/127.0.0.1/${SRV_PORT[$name]}" ||
		fail "cannot connect to server '$name' on port ${SRV_PORT[$name]}"
	printf 'version\r\n' >&"$fd"
	IFS= read -r -t 10 reply <&"$fd" || true
	exec {fd}>&-
	[[ $reply == VERSION\ * ]] || fail "server '$name' did not answer 'version' (got: '${reply%$'\r'}')"
}

srv_stop() {
	local name=$1 pid=${SRV_PID[$1]} timer who rc=0
	srv_ping "$name"
	kill -TERM "$pid"
	# Wait for the server or the timer, whichever ends first.
	sleep "$STOP_TIMEOUT" &
	timer=$!
	wait -n -p who "$pid" "$timer" || rc=$?
	if [[ $who == "$timer" ]]; then
		fail "server '$name' still running ${STOP_TIMEOUT}s after SIGTERM"
	fi
	kill "$timer" 2>/dev/null || true
	wait "$timer" 2>/dev/null || true
	unset "SRV_PID[$name]"
	if ((rc != 0)); then
		srv_show_log "$name"
		fail "server '$name' exited with status $rc after SIGTERM (want 0)"
	fi
	note "stopped $name cleanly"
}
