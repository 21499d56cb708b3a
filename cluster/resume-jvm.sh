#!/usr/bin/env bash
# resume-jvm.sh NODE PID: lets a process paused by pause-jvm.sh run again (SIGCONT).
# PID is the process's PID inside the guest; sent through run-on.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: resume-jvm.sh NODE PID"
[[ "$2" =~ ^[0-9]+$ ]] || die "PID must be a number: $2"
"$CLUSTER_DIR/run-on.sh" -t 60 "$1" "kill -CONT $2"
echo "resume-jvm node $1 pid $2 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1: SIGCONT to pid $2"
