#!/usr/bin/env bash
# kill-node.sh NODE: node failure for real: SIGKILL to that node's qemu process (the recorded
# PID itself, never a wrapper), then waits until it is gone. This stands in for fencing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: kill-node.sh NODE"
f=$DLM_CLUSTER_STATE/n$1.pid
[ -f "$f" ] || die "node $1: no PID recorded ($f)"
pid=$(cat "$f")
pid_is_qemu "$pid" || die "node $1: pid $pid is not a running qemu"
kill -KILL "$pid"
while pid_is_qemu "$pid"; do sleep 0.05; done
echo "killed $(date +%s%3N)" >"$DLM_CLUSTER_STATE/ctl/n$1/status"
log "node $1 killed (qemu pid $pid)"
