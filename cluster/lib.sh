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
