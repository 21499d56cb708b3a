#!/usr/bin/env bash
# partition.sh NODE: cuts NODE off the cluster's switch in both directions by taking its tap
# down in the run's own network namespace (the guest's NIC keeps its link: like a cable cut
# at the switch). The node runs on, alone; the others see it fail and fence it. heal.sh undoes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: partition.sh NODE"
read -r ns tap < <(node_tap "$1")
ip -n "$ns" link set "$tap" down
echo "partitioned node $1 at $(now_ms)" >>"$DLM_CLUSTER_STATE/faults.log"
log "node $1 partitioned ($tap down in $ns)"
