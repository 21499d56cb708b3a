#!/usr/bin/env bash
# peer-servers.sh start|stop NODE: starts (stops) the lease-based peers' servers in a node for
# the fault workload: Redis on 6379 and PostgreSQL on 5432 (with Spring Integration's INT_LOCK
# table) listening on the node's cluster address, so the peers' clients on the other nodes
# (workload.PeerSystems) reach them. Data on the node's tmpfs; stopped by the PIDs recorded
# in the node. Runs guest/peer-servers-node.sh there through run-on.sh (copied with
# benchmarks/servers.sh into the ctl share, so no image rebuild is needed).
# start prints one line: redis=ADDR:6379 redis_pid=P postgres=ADDR:5432 postgres_pid=P
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] && { [ "$1" = start ] || [ "$1" = stop ]; } || die "usage: peer-servers.sh start|stop NODE"
action=$1
node=$2
node_tap "$node" >/dev/null
d=$DLM_CLUSTER_STATE/ctl/peers
mkdir -p "$d"
cp "$CLUSTER_DIR/guest/peer-servers-node.sh" "$CLUSTER_DIR/../benchmarks/servers.sh" "$d/"
if [ "$action" = start ]; then
	"$CLUSTER_DIR/run-on.sh" -t 300 "$node" "bash /mnt/ctl/peers/peer-servers-node.sh start $DLM_CLUSTER_SUBNET.$node"
	log "node $node: peer servers started"
else
	"$CLUSTER_DIR/run-on.sh" -t 120 "$node" "bash /mnt/ctl/peers/peer-servers-node.sh stop"
	log "node $node: peer servers stopped"
fi
