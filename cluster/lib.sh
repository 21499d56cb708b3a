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
