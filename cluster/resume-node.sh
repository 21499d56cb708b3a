#!/usr/bin/env bash
# resume-node.sh NODE: lets a node paused by pause-node.sh run again (SIGCONT to its qemu PID).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: resume-node.sh NODE"
pid=$(node_qemu_pid "$1")
kill -CONT "$pid"
echo "resumed node $1 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1 resumed (SIGCONT to qemu pid $pid)"
