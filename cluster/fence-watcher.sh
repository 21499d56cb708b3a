#!/usr/bin/env bash
# fence-watcher.sh: the host side of the cluster's fence device, started by up.sh (PID in
# $DLM_CLUSTER_STATE/fence-watcher.pid) and stopped by down.sh.
#
# It polls $DLM_CLUSTER_STATE/ctl/fence/ for req-<id> files written by the nodes' fence agent
# (guest/fence_dlmtest, run by dlm_controld), kills the victim's qemu by its recorded PID
# (SIGKILL: the power goes off, whatever state the guest is in, also SIGSTOPped), waits until
# it is gone and answers ans-<id> "ok". A victim whose qemu is already dead (kill-node.sh) is
# fenced already: "ok" at once. A request from a node that is itself dead by then (fenced in
# a race) is not carried out, as a fence device ignores a powered-off requester.
#
# Every request and its outcome go to $DLM_CLUSTER_STATE/fence.log, times in epoch
# milliseconds of the host clock:
#   fence requested for node N at T by node R
#   fenced node N at T (qemu pid P killed | qemu pid P already dead)
#   fence refused for node N at T: <why>
set -uo pipefail
. "$(dirname "$0")/lib.sh"
S=$DLM_CLUSTER_STATE
D=$S/ctl/fence
LOG=$S/fence.log
mkdir -p "$D"
echo $$ >"$S/fence-watcher.pid"

record() { printf '%s\n' "$*" >>"$LOG"; log "fence-watcher: $*"; }

answer() {
	printf '%s\n' "$2" >"$D/.ans-$1.tmp"
	mv -f "$D/.ans-$1.tmp" "$D/ans-$1"
}

# fence ID VICTIM REQUESTER
fence() {
	local id=$1 victim=$2 requester=$3 pid
	case $victim in ''|*[!0-9]*) record "fence refused for node $victim at $(now_ms): not a node number"; answer "$id" "failed not a node"; return ;; esac
	if [ "$victim" -lt 1 ] || [ "$victim" -gt "$(node_count)" ]; then
		record "fence refused for node $victim at $(now_ms): no such node"
		answer "$id" "failed no such node"
		return
	fi
	if [ -n "$requester" ] && ! pid_is_qemu "$(cat "$S/n$requester.pid" 2>/dev/null)"; then
		record "fence refused for node $victim at $(now_ms): requester node $requester is down"
		answer "$id" "failed requester down"
		return
	fi
	pid=$(cat "$S/n$victim.pid" 2>/dev/null || true)
	if pid_is_qemu "$pid"; then
		kill -KILL "$pid"
		while pid_is_qemu "$pid"; do sleep 0.05; done
		echo "fenced $(now_ms)" >"$S/ctl/n$victim/status"
		record "fenced node $victim at $(now_ms) (qemu pid $pid killed)"
	else
		record "fenced node $victim at $(now_ms) (qemu pid ${pid:-none} already dead)"
	fi
	answer "$id" ok
}

while [ -f "$S/nodes" ]; do
	for req in "$D"/req-*; do
		[ -e "$req" ] || continue
		id=${req##*/req-}
		victim=$(sed -n 's/^node=//p' "$req")
		requester=$(sed -n 's/^requester=//p' "$req")
		mv -f "$req" "$D/done-$id"
		record "fence requested for node $victim at $(now_ms) by node $requester"
		fence "$id" "$victim" "$requester"
	done
	sleep 0.2
done
