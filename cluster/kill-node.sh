#!/usr/bin/env bash
# kill-node.sh NODE: node failure for real: SIGKILL to that node's qemu process (the recorded
# PID itself, never a wrapper), then waits until it is gone. The survivors then fence it
# through the harness (fence-watcher.sh), which finds it dead already.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: kill-node.sh NODE"
pid=$(node_qemu_pid "$1")
kill -KILL "$pid"
while pid_is_qemu "$pid"; do sleep 0.05; done
echo "killed $(date +%s%3N)" >"$DLM_CLUSTER_STATE/ctl/n$1/status"
echo "killed node $1 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1 killed (qemu pid $pid)"
