#!/usr/bin/env bash
# kill-jvm.sh NODE PID: kills one process inside a node (SIGKILL): the node runs on, the kernel releases the process's locks.
# PID is the process's PID inside the guest; sent through run-on.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: kill-jvm.sh NODE PID"
[[ "$2" =~ ^[0-9]+$ ]] || die "PID must be a number: $2"
"$CLUSTER_DIR/run-on.sh" -t 60 "$1" "kill -KILL $2"
echo "kill-jvm node $1 pid $2 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1: SIGKILL to pid $2"
