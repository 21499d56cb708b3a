#!/usr/bin/env bash
# up.sh [N]: boots a kernel-DLM cluster of N (default 3) qemu VMs and waits until every node
# sees all N members in corosync (quorate) and in dlm_controld.
#
# Everything the run owns is recorded in $DLM_CLUSTER_STATE (default cluster/work): qemu PIDs
# (n<i>.pid), the network namespace (netns), overlays, console logs (n<i>.console) and the
# command exchange directory (ctl/). cluster/down.sh undoes it; on failure or Ctrl-C this
# script runs it itself.
#
# Environment:
#   DLM_CLUSTER_ACCEL        auto (default: try KVM once per host kernel + qemu version, cache
#                            the verdict, else TCG) | kvm | tcg
#   DLM_CLUSTER_REPROBE=1    ignore a cached KVM verdict
#   DLM_CLUSTER_KVM_DEADLINE seconds a KVM guest gets to reach its init (default 40)
#   DLM_CLUSTER_BOOT_TIMEOUT seconds for the whole cluster to be ready (default 900)
#   DLM_CLUSTER_MEM          MiB per node (default 1024)
#   DLM_CLUSTER_SHARE        host directory mounted read-write at /mnt/host in every node
#                            (default $DLM_CLUSTER_STATE/share)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

N=${1:-3}
[[ "$N" =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 16 ] || die "node count must be 1..16, got '$N'"
ACCEL=${DLM_CLUSTER_ACCEL:-auto}
KVM_DEADLINE=${DLM_CLUSTER_KVM_DEADLINE:-40}
BOOT_TIMEOUT=${DLM_CLUSTER_BOOT_TIMEOUT:-900}
MEM=${DLM_CLUSTER_MEM:-1024}
S=$DLM_CLUSTER_STATE

for t in qemu-system-x86_64 qemu-img ip; do
	command -v "$t" >/dev/null || die "$t not found: run cluster/install-deps.sh first"
done
[ "$(id -u)" -eq 0 ] || die "up.sh must run as root (network namespace, tap devices)"

# Refuse to clobber a live cluster of this state dir.
if [ -d "$S" ]; then
	for f in "$S"/n*.pid; do
		[ -f "$f" ] || continue
		pid_is_qemu "$(cat "$f")" && die "a cluster is already running from $S (pid $(cat "$f")); run cluster/down.sh first"
	done
	rm -rf "$S"
fi

t0=$(now_ms)
"$CLUSTER_DIR/build-image.sh"
IMG=$(current_image_dir) || die "no image after build-image.sh"

mkdir -p "$S/ctl"
echo "$N" >"$S/nodes"
echo "$IMG" >"$S/image"
echo "$MEM" >"$S/mem"
SHARE=${DLM_CLUSTER_SHARE:-$S/share}
mkdir -p "$SHARE"
SHARE=$(cd "$SHARE" && pwd)
echo "$SHARE" >"$S/share.path"
cp "$CLUSTER_DIR/guest/node-init.sh" "$S/ctl/node-init.sh"
cp "$CLUSTER_DIR/guest/fence_dlmtest" "$S/ctl/fence_dlmtest"

cleanup_on_failure() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$rc" -ne 0 ]; then
		log "up.sh failed (rc=$rc); last console lines:"
		for i in $(seq 1 "$N"); do
			[ -f "$S/n$i.console" ] && { echo "--- n$i.console" >&2; tail -15 "$S/n$i.console" >&2; }
		done
		"$CLUSTER_DIR/down.sh" || true
	fi
	exit "$rc"
}
trap cleanup_on_failure EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The host side of the fence device (guest/fence_dlmtest asks, this kills the victim's qemu).
# It records its own PID; down.sh stops it.
: >"$S/fence.log"
DLM_CLUSTER_STATE=$S setsid -f "$CLUSTER_DIR/fence-watcher.sh" >"$S/fence-watcher.out" 2>&1 </dev/null
for _ in $(seq 1 50); do [ -s "$S/fence-watcher.pid" ] && break; sleep 0.1; done
[ -s "$S/fence-watcher.pid" ] || die "fence-watcher.sh did not start (see $S/fence-watcher.out)"

# A private switch: bridge + one tap per node, in a network namespace this run owns.
NS=dlmtest-$$
ip netns add "$NS"
echo "$NS" >"$S/netns"
ip -n "$NS" link set lo up
ip -n "$NS" link add br0 type bridge
ip -n "$NS" link set br0 up
for i in $(seq 1 "$N"); do
	ip -n "$NS" tuntap add "tap$i" mode tap
	ip -n "$NS" link set "tap$i" master br0
	ip -n "$NS" link set "tap$i" up
	mkdir -p "$S/ctl/n$i"
	qemu-img create -q -f qcow2 -F raw -b "$IMG/base.img" "$S/n$i.qcow2"
done

# start_node I ACCEL: starts node I's qemu (launch_node in lib.sh), records its start time.
start_node() {
	launch_node "$1" "$2" || return 1
	eval "start_ms_$1=$(now_ms)"
}

# wait_status I SECONDS: until node I has written any status.
wait_status() {
	local deadline=$(( $(date +%s) + $2 ))
	while [ "$(date +%s)" -lt "$deadline" ]; do
		[ -s "$S/ctl/n$1/status" ] && return 0
		pid_is_qemu "$(cat "$S/n$1.pid")" || return 1
		sleep 0.5
	done
	return 1
}

# ---- choose the accelerator --------------------------------------------------------------
VERDICT_FILE=$DLM_CLUSTER_CACHE/accel-verdict-$(uname -r)-qemu$(qemu-system-x86_64 --version | head -1 | awk '{print $4}')
first_started=0
if [ "$ACCEL" = auto ] && [ -z "${DLM_CLUSTER_REPROBE:-}" ] && [ -f "$VERDICT_FILE" ]; then
	ACCEL=$(cat "$VERDICT_FILE")
	log "accelerator: $ACCEL (cached verdict $VERDICT_FILE; DLM_CLUSTER_REPROBE=1 to probe KVM again)"
elif [ "$ACCEL" = auto ] || [ "$ACCEL" = kvm ]; then
	if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		log "trying KVM on node 1 (deadline ${KVM_DEADLINE} s to reach init)"
		tk=$(now_ms)
		if start_node 1 kvm && wait_status 1 "$KVM_DEADLINE"; then
			log "KVM works: node 1 reached init in $(( ($(now_ms) - tk) / 1000 )) s"
			ACCEL=kvm
			first_started=1
		else
			pid=$(cat "$S/n1.pid" 2>/dev/null || true)
			if pid_is_qemu "$pid"; then
				kill -KILL "$pid"
				while pid_is_qemu "$pid"; do sleep 0.1; done
			fi
			touch "$S/n1.console"
			mv "$S/n1.console" "$S/n1.kvm-attempt.console"
			mv "$S/n1.qemu.log" "$S/n1.kvm-attempt.qemu.log" 2>/dev/null || true
			log "KVM guest did not reach init within ${KVM_DEADLINE} s (console: $S/n1.kvm-attempt.console, last line: $(tail -c 300 "$S/n1.kvm-attempt.console" | tr -d '\r' | tail -1)); falling back to TCG"
			ACCEL=tcg
		fi
	else
		log "/dev/kvm not usable; using TCG"
		ACCEL=tcg
	fi
	if [ "${DLM_CLUSTER_ACCEL:-auto}" = auto ]; then
		mkdir -p "$DLM_CLUSTER_CACHE"
		echo "$ACCEL" >"$VERDICT_FILE"
	fi
fi
[ "$ACCEL" = kvm ] || [ "$ACCEL" = tcg ] || die "DLM_CLUSTER_ACCEL must be auto, kvm or tcg, got '$ACCEL'"
echo "$ACCEL" >"$S/accel"

# ---- boot the nodes ----------------------------------------------------------------------
tb=$(now_ms)
for i in $(seq $(( first_started + 1 )) "$N"); do
	start_node "$i" "$ACCEL" || die "node $i: qemu did not start"
done
log "started $N node(s) under $ACCEL, $MEM MiB each; waiting for quorum (timeout ${BOOT_TIMEOUT} s)"

deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
declare -A agent_s ready_s
while :; do
	pending=0
	for i in $(seq 1 "$N"); do
		[ -n "${ready_s[$i]:-}" ] && continue
		st=$(cat "$S/ctl/n$i/status" 2>/dev/null || true)
		start_var=start_ms_$i
		if [ -z "${agent_s[$i]:-}" ] && [ -n "$st" ]; then
			agent_s[$i]=$(( ($(now_ms) - ${!start_var}) / 1000 ))
		fi
		case $st in
			ready*)
				ready_s[$i]=$(( ($(now_ms) - ${!start_var}) / 1000 ))
				log "node $i ready after ${ready_s[$i]} s (init after ${agent_s[$i]} s; guest: $st)"
				;;
			failed*) die "node $i: $st (console: $S/n$i.console; run-on.sh $i 'cat /var/log/corosync.log /var/log/dlm_controld.log')" ;;
			*) pending=$((pending + 1)) ;;
		esac
		pid_is_qemu "$(cat "$S/n$i.pid")" || die "node $i: qemu exited (console: $S/n$i.console, qemu log: $(cat "$S/n$i.qemu.log"))"
	done
	[ "$pending" -eq 0 ] && break
	[ "$(date +%s)" -lt "$deadline" ] || die "cluster not ready within ${BOOT_TIMEOUT} s"
	sleep 1
done

t1=$(now_ms)
{
	echo "nodes=$N"
	echo "accel=$ACCEL"
	echo "netns=$NS"
	echo "boot_to_all_ready_s=$(( (t1 - tb) / 1000 ))"
	echo "total_up_s=$(( (t1 - t0) / 1000 ))"
	for i in $(seq 1 "$N"); do echo "node${i}_init_s=${agent_s[$i]} node${i}_ready_s=${ready_s[$i]}"; done
} >"$S/up.summary"
trap - EXIT INT TERM
log "cluster of $N up under $ACCEL in $(( (t1 - tb) / 1000 )) s from first boot ($(( (t1 - t0) / 1000 )) s with image check); state: $S"
