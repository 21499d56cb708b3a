#!/bin/bash
# Node init of the kernel-DLM test cluster, run as PID 1 (exec'd by /sbin/dlm-node-init from
# the "ctl" 9p share). It brings up one cluster node and then serves as the command agent.
#
# Kernel command line carries: dlmnode=<n> dlmnodes=<count> dlmnet=<a.b.c> (node n is a.b.c.n).
#
# Command agent: the host drops /mnt/ctl/n<n>/cmd-<id>.sh (written elsewhere and renamed in,
# so it is complete when seen). The agent renames it to run-<id>.sh, runs it with bash in its
# own session and writes <id>.out, <id>.err, <id>.pid and finally <id>.rc (renamed in last, so
# a present .rc means the other files are complete). cancel-<id> kills the command's session.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8

param() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
NODE=$(param dlmnode)
NODES=$(param dlmnodes)
NET=$(param dlmnet)
ST=/mnt/ctl/n$NODE
export NODE NODES

uptime_s() { cut -d' ' -f1 /proc/uptime; }
say() { echo "DLM-NODE $NODE [$(uptime_s)s]: $*" >/dev/console; }
# status WORD [detail]: what the host polls (ctl/n<n>/status), also echoed to the console.
status() {
	echo "$* uptime=$(uptime_s)" >"$ST/status.tmp" && mv -f "$ST/status.tmp" "$ST/status"
	say "$*"
}

mountpoint -q /dev/pts || { mkdir -p /dev/pts; mount -t devpts devpts /dev/pts; }
mkdir -p /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -o remount,rw /
mkdir -p "$ST"
status booting

for m in configfs dlm virtio_net; do modprobe "$m" || say "modprobe $m failed"; done
mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 host /mnt/host || say "host share not mounted"

# udev creates /dev/misc/dlm-control now and /dev/misc/dlm_<lockspace> later.
/lib/systemd/systemd-udevd --daemon
udevadm trigger --action=add
udevadm settle --timeout=60

echo "node$NODE" >/proc/sys/kernel/hostname
echo "node$NODE" >/etc/hostname
{
	echo "127.0.0.1 localhost"
	for i in $(seq 1 "$NODES"); do echo "$NET.$i node$i"; done
} >/etc/hosts
ip link set lo up
ip addr add "$NET.$NODE/24" dev eth0
ip link set eth0 up

# ---- the command agent -------------------------------------------------------------------
agent() {
	local f id
	mkfifo /run/agent.tick
	exec 8<>/run/agent.tick
	while :; do
		for f in "$ST"/cmd-*.sh; do
			[ -e "$f" ] || continue
			id=${f##*/cmd-}
			id=${id%.sh}
			mv "$f" "$ST/run-$id.sh" 2>/dev/null || continue
			(
				cd /root
				setsid bash "$ST/run-$id.sh" >"$ST/$id.out" 2>"$ST/$id.err" </dev/null &
				echo $! >"$ST/$id.pid"
				wait $!
				echo $? >"$ST/$id.rc.tmp"
				mv -f "$ST/$id.rc.tmp" "$ST/$id.rc"
			) &
		done
		for f in "$ST"/cancel-*; do
			[ -e "$f" ] || continue
			id=${f##*/cancel-}
			[ -f "$ST/$id.pid" ] && kill -KILL -- "-$(cat "$ST/$id.pid")" 2>/dev/null
			rm -f "$f"
		done
		read -r -t 0.2 -u 8 || true
	done
}

# ---- the cluster -------------------------------------------------------------------------
write_config() {
	mkdir -p /etc/corosync /etc/dlm /var/log
	{
		echo "totem {"
		echo "	version: 2"
		echo "	cluster_name: dlmtest"
		echo "	transport: knet"
		echo "	crypto_cipher: none"
		echo "	crypto_hash: none"
		echo "	token: 10000"
		echo "}"
		echo "logging {"
		echo "	to_logfile: yes"
		echo "	logfile: /var/log/corosync.log"
		echo "	to_syslog: no"
		echo "	to_stderr: no"
		echo "	timestamp: on"
		echo "}"
		echo "quorum {"
		echo "	provider: corosync_votequorum"
		[ "$NODES" -eq 2 ] && echo "	two_node: 1"
		echo "}"
		echo "nodelist {"
		for i in $(seq 1 "$NODES"); do
			echo "	node {"
			echo "		ring0_addr: $NET.$i"
			echo "		nodeid: $i"
			echo "		name: node$i"
			echo "	}"
		done
		echo "}"
	} >/etc/corosync/corosync.conf
	# Fencing on, as in production: a node that fails (killed, partitioned, paused past the
	# token timeout) is fenced by the lowest surviving node through fence_dlmtest, which asks
	# the host harness to kill its qemu; lockspace recovery waits until that succeeded.
	# Startup fencing is off: the nodes boot together under emulation, tens of seconds apart,
	# and a node still booting after post_join_delay would be fenced before it ever joined.
	{
		echo "enable_fencing=1"
		echo "enable_startup_fencing=0"
		echo "protocol=tcp"
		echo "log_debug=1"
		echo "fence_all /usr/sbin/fence_dlmtest dir=/mnt/ctl/fence"
	} >/etc/dlm/dlm.conf
}

# wait_for SECONDS CMD...: poll CMD every 0.5 s until it succeeds.
wait_for() {
	local deadline=$(( $(date +%s) + $1 ))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}
all_members() {
	local q
	q=$(corosync-quorumtool -s 2>/dev/null) || return 1
	echo "$q" | grep -Eq '^Quorate: +Yes' || return 1
	[ "$(echo "$q" | sed -n 's/^Nodes: *//p')" = "$NODES" ]
}
dlm_members() {
	local s
	s=$(dlm_tool status 2>/dev/null) || return 1
	echo "$s" | grep -q 'quorate 1' || return 1
	[ "$(echo "$s" | grep -Ec '^node [0-9]+ M')" = "$NODES" ]
}

cluster_up() {
	write_config
	status corosync
	corosync -f >/var/log/corosync.out 2>&1 &
	wait_for 120 corosync-cfgtool -s || { status "failed corosync did not answer"; return 1; }
	# dlm_controld exits ("corosync cfg init error") if started before corosync answers.
	dlm_controld -D >/var/log/dlm_controld.log 2>&1 &
	wait_for 120 dlm_tool status || { status "failed dlm_controld did not answer"; return 1; }
	status quorum
	wait_for 600 all_members || { status "failed not all $NODES nodes joined corosync"; return 1; }
	wait_for 120 dlm_members || { status "failed dlm_controld did not see all $NODES nodes"; return 1; }
	status ready
}

# The fence agent comes from the ctl share like this script, so it needs no image rebuild.
install -m 0755 /mnt/ctl/fence_dlmtest /usr/sbin/fence_dlmtest || say "fence agent not installed"
status agent
cluster_up &
agent
