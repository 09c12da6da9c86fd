#!/usr/bin/env bash
# vs-memcached.sh: throughput of mcscoped next to Debian's memcached.
#
# Starts both servers with the same worker thread count, each on its own
# free port, and drives them in turn with memcaslap (memcached, mcscoped,
# memcached, ...), so drift on the machine hits both alike. Prints each
# round, the median ops/s of each server, and the ratio mcscoped/memcached.
# No pass/fail on speed; exits non-zero if a server fails to start or stop,
# or memcaslap reports an error.
#
# Environment: MCSCOPED (default build/src/mcscoped), MEMCACHED (default:
# memcached from PATH). Pointing MCSCOPED at memcached checks the script.
set -euo pipefail

usage() {
	cat <<EOF
usage: $(basename "$0") [-t THREADS] [-T CLIENT_THREADS] [-c CONNS] [-d DURATION] [-r ROUNDS]
  -t THREADS         worker threads of each server (-t); default 2
  -T CLIENT_THREADS  memcaslap threads (-T); default 2
  -c CONNS           memcaslap concurrency (-c), a multiple of -T; default 32
  -d DURATION        memcaslap run time per round (-t), e.g. 10s, 1m; default 10s
  -r ROUNDS          rounds per server; default 3
EOF
}

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bench_options 10s "$@"
MEMCACHED=${MEMCACHED:-$(command -v memcached || true)}
[[ -n $MEMCACHED ]] || fail "memcached not found (Debian package memcached)"
command -v memcaslap >/dev/null || fail "memcaslap not found (Debian package libmemcached-tools)"

echo "command: $0 -t $threads -T $cthreads -c $conns -d $duration -r $rounds"
server_args=(-t "$threads" -l 127.0.0.1 -U 0)
srv_start memcached "$MEMCACHED" "${server_args[@]}"
srv_start mcscoped "$MCSCOPED" "${server_args[@]}"
for name in memcached mcscoped; do
	printf "%-10s %s  (port %s)\n" "$name:" "${SRV_CMD[$name]}" "${SRV_PORT[$name]}"
	printf "%-10s %s\n" "" "client: memcaslap -s 127.0.0.1:${SRV_PORT[$name]} -T $cthreads -c $conns -t $duration"
done
echo "(servers and client share this machine's CPUs)"
echo

declare -A results=()
printf '%-6s %-10s %12s\n' round server 'ops/s'
for ((r = 1; r <= rounds; r++)); do
	for name in memcached mcscoped; do
		slap "$name" "$cthreads" "$conns" "$duration"
		results[$name]+="$tps "
		printf '%-6s %-10s %12s\n' "$r" "$name" "$tps"
	done
done

m_memcached=$(median "${results[memcached]}")
m_mcscoped=$(median "${results[mcscoped]}")
echo
printf 'median memcached: %s ops/s\n' "$m_memcached"
printf 'median mcscoped:  %s ops/s\n' "$m_mcscoped"
awk -v a="$m_mcscoped" -v b="$m_memcached" 'BEGIN { printf "ratio mcscoped/memcached: %.2f\n", a / b }'

srv_stop mcscoped
srv_stop memcached
