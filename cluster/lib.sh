# Shared settings and helpers for the cluster scripts. Sourced, not run.
# shellcheck shell=bash

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Image cache: outside the git tree, survives between runs on the same machine.
DLM_CLUSTER_CACHE=${DLM_CLUSTER_CACHE:-/var/cache/dlm-cluster}
# Per-run state (PIDs, overlays, consoles, command exchange). One cluster per state dir.
DLM_CLUSTER_STATE=${DLM_CLUSTER_STATE:-$CLUSTER_DIR/work}
# Private /24 used inside the run's own network namespace (never on the host's network).
DLM_CLUSTER_SUBNET=${DLM_CLUSTER_SUBNET:-10.77.0}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }

# The current image's directory (written by build-image.sh).
current_image_dir() {
	local f=$DLM_CLUSTER_CACHE/current
	[ -f "$f" ] || return 1
	local d
	d=$(cat "$f")
	[ -f "$d/base.img" ] && [ -f "$d/vmlinuz" ] && [ -f "$d/initrd.img" ] || return 1
	echo "$d"
}

# pid_is_qemu PID: true when PID is alive and is a qemu-system process.
pid_is_qemu() {
	local pid=$1
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q '^[^ ]*qemu-system'
}

node_count() { cat "$DLM_CLUSTER_STATE/nodes" 2>/dev/null || echo 0; }

# node_qemu_pid NODE: the recorded qemu PID of a running node, or dies.
node_qemu_pid() {
	local f=$DLM_CLUSTER_STATE/n$1.pid pid
	[ -f "$f" ] || die "node $1: no PID recorded ($f)"
	pid=$(cat "$f")
	pid_is_qemu "$pid" || die "node $1: pid $pid is not a running qemu"
	echo "$pid"
}

# node_tap NODE: "<netns> <tap>" of a node, checked to be this run's own.
node_tap() {
	local ns
	ns=$(cat "$DLM_CLUSTER_STATE/netns" 2>/dev/null) || die "no network namespace recorded in $DLM_CLUSTER_STATE"
	case $ns in dlmtest-*) ;; *) die "netns '$ns' is not one of ours" ;; esac
	[[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$(node_count)" ] || die "node $1 does not exist"
	ip -n "$ns" link show "tap$1" >/dev/null 2>&1 || die "node $1: no tap$1 in $ns"
	echo "$ns tap$1"
}

# launch_node I ACCEL: starts node I's qemu (kvm or tcg) from what up.sh recorded in the state
# directory (nodes, netns, image, mem, share.path; overlay n<I>.qcow2 and tap<I> already there)
# and records its PID in n<I>.pid and the accelerator in n<I>.accel. Used by up.sh and
# restart-node.sh.
launch_node() {
	local i=$1 accel=$2 cpu pid n ns img mem share
	local S=$DLM_CLUSTER_STATE
	n=$(node_count)
	ns=$(cat "$S/netns")
	img=$(cat "$S/image")
	mem=$(cat "$S/mem" 2>/dev/null || echo 1024)
	share=$(cat "$S/share.path")
	# KVM: 'host' minus arch-capabilities (this host's KVM refuses to set MSR 0x10a, and qemu
	# aborts, with plain -cpu host or max). TCG: max, the recipe's known-good model.
	case $accel in
		kvm) cpu=host,-arch-capabilities ;;
		tcg) cpu=max ;;
		*) log "unknown accelerator '$accel'"; return 1 ;;
	esac
	rm -f "$S/n$i.pid" "$S/ctl/n$i/status"
	ip netns exec "$ns" qemu-system-x86_64 \
		-name "dlm-n$i" -nodefaults -no-user-config -display none \
		-accel "$accel" -cpu "$cpu" -smp 1 -m "$mem" \
		-kernel "$img/vmlinuz" -initrd "$img/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 quiet net.ifnames=0 panic=-1 init=/sbin/dlm-node-init dlmnode=$i dlmnodes=$n dlmnet=$DLM_CLUSTER_SUBNET" \
		-drive "file=$S/n$i.qcow2,if=virtio,format=qcow2,cache=unsafe" \
		-netdev "tap,id=net0,ifname=tap$i,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=net0,mac=52:54:00:77:00:$(printf %02x "$i"),romfile=" \
		-device virtio-rng-pci \
		-virtfs "local,path=$S/ctl,mount_tag=ctl,security_model=none,id=ctl" \
		-virtfs "local,path=$share,mount_tag=host,security_model=none,id=host" \
		-serial "file:$S/n$i.console" \
		-no-reboot -pidfile "$S/n$i.pid" \
		>"$S/n$i.qemu.log" 2>&1 </dev/null &
	local launcher=$!
	# No job notices ("Killed") when the KVM probe or down.sh kills it.
	disown "$launcher" 2>/dev/null || true
	for _ in $(seq 1 100); do
		[ -s "$S/n$i.pid" ] && break
		kill -0 "$launcher" 2>/dev/null || break
		sleep 0.1
	done
	pid=$(cat "$S/n$i.pid" 2>/dev/null || true)
	if ! pid_is_qemu "$pid"; then
		log "node $i: qemu ($accel) did not start: $(cat "$S/n$i.qemu.log")"
		return 1
	fi
	echo "$accel" >"$S/n$i.accel"
}
