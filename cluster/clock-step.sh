#!/usr/bin/env bash
# clock-step.sh NODE SECONDS: steps the guest's wall clock by SECONDS (negative: back) with
# date -s. Monotonic clocks, which corosync and the DLM time themselves by, do not move.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || die "usage: clock-step.sh NODE SECONDS"
[[ "$2" =~ ^-?[0-9]+$ ]] || die "SECONDS must be a whole number: $2"
"$CLUSTER_DIR/run-on.sh" -t 60 "$1" "ns=\$(( \$(date +%s%N) + ($2) * 1000000000 )); date -s \"@\${ns:0:-9}.\${ns: -9}\" >/dev/null; date +%s%3N"
echo "clock-step node $1 by $2 s at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1: clock stepped by $2 s"
