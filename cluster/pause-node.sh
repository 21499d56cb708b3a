#!/usr/bin/env bash
# pause-node.sh NODE: freezes a whole node (SIGSTOP to its qemu PID): no CPU, no network, no
# clock ticks seen by anyone. Past corosync's token timeout the others count it as failed and
# fence it (fence-watcher.sh SIGKILLs the stopped qemu). resume-node.sh undoes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: pause-node.sh NODE"
pid=$(node_qemu_pid "$1")
kill -STOP "$pid"
echo "paused node $1 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1 paused (SIGSTOP to qemu pid $pid)"
