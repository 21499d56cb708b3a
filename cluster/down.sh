#!/usr/bin/env bash
# down.sh: stops the cluster recorded in $DLM_CLUSTER_STATE (default cluster/work): kills the
# recorded qemu PIDs (only those, and only while they are still qemu processes), deletes the
# run's network namespace and the overlays. Console logs stay for diagnosis.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
S=$DLM_CLUSTER_STATE
[ -d "$S" ] || { log "nothing to stop ($S does not exist)"; exit 0; }

pids=()
for f in "$S"/n*.pid; do
	[ -f "$f" ] || continue
	pid=$(cat "$f")
	if pid_is_qemu "$pid"; then
		kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	fi
done
for _ in $(seq 1 50); do
	alive=0
	for pid in "${pids[@]}"; do pid_is_qemu "$pid" && alive=1; done
	[ "$alive" -eq 0 ] && break
	sleep 0.1
done
for pid in "${pids[@]}"; do
	pid_is_qemu "$pid" && kill -KILL "$pid" 2>/dev/null
done
for pid in "${pids[@]}"; do
	while pid_is_qemu "$pid"; do sleep 0.1; done
done
rm -f "$S"/n*.pid

# The fence watcher, by its recorded PID and only while it is that script.
if [ -f "$S/fence-watcher.pid" ]; then
	wpid=$(cat "$S/fence-watcher.pid")
	if [ -r "/proc/$wpid/cmdline" ] && tr '\0' ' ' <"/proc/$wpid/cmdline" | grep -q 'fence-watcher\.sh'; then
		kill -TERM "$wpid" 2>/dev/null
	fi
	rm -f "$S/fence-watcher.pid"
fi

if [ -f "$S/netns" ]; then
	ns=$(cat "$S/netns")
	case $ns in
		dlmtest-*) ip netns del "$ns" 2>/dev/null || true ;;
		*) log "not deleting netns '$ns': not one of ours" ;;
	esac
	rm -f "$S/netns"
fi
rm -f "$S"/n*.qcow2
log "cluster stopped (${#pids[@]} qemu process(es) killed); logs kept in $S"
