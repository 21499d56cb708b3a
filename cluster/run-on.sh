#!/usr/bin/env bash
# run-on.sh [-t SECONDS] NODE 'command': runs a bash command on a cluster node through the
# node's command agent; prints its stdout and stderr and exits with its exit code.
# On timeout (default 300 s, or $DLM_RUN_TIMEOUT) the command's session is killed and the
# exit code is 124.
# DLM_RUN_ID (optional, [A-Za-z0-9._-]) names the command's files in the node's ctl directory
# (<id>.out, <id>.err, <id>.pid), so a caller can watch its output grow while it runs;
# default: a fresh unique id.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
timeout=${DLM_RUN_TIMEOUT:-300}
if [ "${1:-}" = -t ]; then timeout=$2; shift 2; fi
[ $# -eq 2 ] || die "usage: run-on.sh [-t SECONDS] NODE 'command'"
node=$1
cmd=$2
d=$DLM_CLUSTER_STATE/ctl/n$node
[ -d "$d" ] || die "node $node unknown: no $d (is the cluster up?)"
pid=$(cat "$DLM_CLUSTER_STATE/n$node.pid" 2>/dev/null || true)
pid_is_qemu "$pid" || die "node $node is not running"

id=${DLM_RUN_ID:-$(date +%s%N)-$$}
case $id in *[!A-Za-z0-9._-]*) die "DLM_RUN_ID must match [A-Za-z0-9._-]+: $id" ;; esac
printf '%s\n' "$cmd" >"$d/.cmd-$id.tmp"
mv "$d/.cmd-$id.tmp" "$d/cmd-$id.sh"
deadline=$(( $(date +%s) + timeout ))
while [ ! -f "$d/$id.rc" ]; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		: >"$d/cancel-$id"
		for _ in $(seq 1 30); do [ -f "$d/$id.rc" ] && break; sleep 0.1; done
		cat "$d/$id.out" 2>/dev/null || true
		cat "$d/$id.err" >&2 2>/dev/null || true
		rm -f "$d/$id.out" "$d/$id.err" "$d/$id.rc" "$d/$id.pid" "$d/run-$id.sh" "$d/cmd-$id.sh"
		log "run-on: node $node: timed out after ${timeout} s: $cmd"
		exit 124
	fi
	if ! pid_is_qemu "$pid"; then
		log "run-on: node $node died while running: $cmd"
		exit 125
	fi
	sleep 0.1
done
cat "$d/$id.out"
cat "$d/$id.err" >&2
rc=$(cat "$d/$id.rc")
rm -f "$d/$id.out" "$d/$id.err" "$d/$id.rc" "$d/$id.pid" "$d/run-$id.sh"
exit "$rc"
