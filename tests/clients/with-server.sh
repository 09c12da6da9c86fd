#!/usr/bin/env bash
# with-server.sh COMMAND [ARGS...]: starts mcscoped on a free port, runs
# COMMAND with MC_SERVER=127.0.0.1:<port> in its environment, then checks
# that the server still answers and exits 0 on SIGTERM.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

(($# > 0)) || fail "usage: with-server.sh COMMAND [ARGS...]"

# shellcheck disable=SC2086 # MCSCOPED_ARGS is a list of flags
srv_start mcscoped "$MCSCOPED" -l 127.0.0.1 -U 0 ${MCSCOPED_ARGS:-}

rc=0
MC_SERVER="127.0.0.1:${SRV_PORT[mcscoped]}" timeout --foreground "${CLIENT_TIMEOUT:-100}" "$@" || rc=$?
((rc == 0)) || fail "'$*' exited with status $rc"

srv_stop mcscoped
