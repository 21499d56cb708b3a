#!/usr/bin/env bash
# heal.sh NODE: puts NODE back on the cluster's switch (its tap up again), undoing partition.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: heal.sh NODE"
read -r ns tap < <(node_tap "$1")
ip -n "$ns" link set "$tap" up
echo "healed node $1 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1 healed ($tap up in $ns)"
