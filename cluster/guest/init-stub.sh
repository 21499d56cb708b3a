#!/bin/sh
# PID 1 of a test-cluster node (installed in the image as /sbin/dlm-node-init).
# Mounts the harness share ("ctl") and hands over to the node init that travels on it, so the
# boot logic can change without rebuilding the image.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
echo "dlm-node-init: stub up" >/dev/console
modprobe 9pnet_virtio
modprobe 9p
if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ctl /mnt/ctl && [ -f /mnt/ctl/node-init.sh ]; then
	exec /bin/bash /mnt/ctl/node-init.sh
fi
echo "dlm-node-init: cannot mount the ctl share or it has no node-init.sh; powering off" >/dev/console
echo o >/proc/sysrq-trigger
while :; do sleep 3600; done
