#!/usr/bin/env bash
# pause-jvm.sh NODE PID: freezes one process inside a node (a JVM in a long GC pause, say) with SIGSTOP; the node itself runs on.
# PID is the process's PID inside the guest; sent through run-on.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: pause-jvm.sh NODE PID"
[[ "$2" =~ ^[0-9]+$ ]] || die "PID must be a number: $2"
"$CLUSTER_DIR/run-on.sh" -t 60 "$1" "kill -STOP $2"
echo "pause-jvm node $1 pid $2 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1: SIGSTOP to pid $2"
