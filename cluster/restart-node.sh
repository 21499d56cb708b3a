#!/usr/bin/env bash
# restart-node.sh NODE: boots a node again into the running cluster after it was killed
# (kill-node.sh) or fenced, and waits until it is back: quorate, with corosync and
# dlm_controld on it listing all members again (the same "ready" as up.sh's). Startup
# fencing is off, so the others let it join. The node gets a fresh overlay over the base image
# (a powered-off machine that reboots keeps its disk; this one is rebuilt from the image, as
# nothing in the tests lives on it) and its tap is put back on the switch (a partitioned node
# was fenced with its tap down). Commands queued for the dead node are dropped first, so the
# new boot does not run them.
#
# Environment: DLM_CLUSTER_BOOT_TIMEOUT seconds to wait for ready (default 900).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || die "usage: restart-node.sh NODE"
i=$1
S=$DLM_CLUSTER_STATE
read -r ns tap < <(node_tap "$i")
pid=$(cat "$S/n$i.pid" 2>/dev/null || true)
pid_is_qemu "$pid" && die "node $i is running (qemu pid $pid): kill or fence it first"
accel=$(cat "$S/accel")
timeout=${DLM_CLUSTER_BOOT_TIMEOUT:-900}

rm -f "$S/ctl/n$i"/cmd-*.sh "$S/ctl/n$i"/cancel-*
[ -f "$S/n$i.console" ] && mv -f "$S/n$i.console" "$S/n$i.console.$(now_ms)"
ip -n "$ns" link set "$tap" up
qemu-img create -q -f qcow2 -F raw -b "$(cat "$S/image")/base.img" "$S/n$i.qcow2.new"
mv -f "$S/n$i.qcow2.new" "$S/n$i.qcow2"
t0=$(now_ms)
echo "restart node $i at $t0" >>"$S/faults.log"
launch_node "$i" "$accel" || die "node $i: qemu did not start"
newpid=$(cat "$S/n$i.pid")
deadline=$(( $(date +%s) + timeout ))
while :; do
	st=$(cat "$S/ctl/n$i/status" 2>/dev/null || true)
	case $st in
		ready*) break ;;
		failed*) die "node $i: $st (console: $S/n$i.console)" ;;
	esac
	pid_is_qemu "$newpid" || die "node $i: qemu exited while booting (console: $S/n$i.console)"
	[ "$(date +%s)" -lt "$deadline" ] || die "node $i not ready within $timeout s (status: $st)"
	sleep 1
done
t1=$(now_ms)
echo "restarted node $i at $t1" >>"$S/faults.log"
log "node $i restarted under $accel in $(( (t1 - t0) / 1000 )) s (qemu pid $newpid)"
