#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the NEXUS test VM.  Mounts the usual filesystems, loads the NEXUS
# modules, runs the command from /etc/nexus/cmd and reports its exit status,
# the taint flags and the kernel log on the second serial port.

/bin/busybox --install -s /bin
export PATH=/opt/nexus/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /run /mnt/share /root
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup
hostname nexus-vm
ip link set lo up 2>/dev/null
stty -onlcr 2>/dev/null

. /etc/nexus/vm.conf

report() {
	echo "$1" >/dev/ttyS1
}

finish() {
	rc=$1
	sync
	report "NEXUS_VM_TAINT=$(cat /proc/sys/kernel/tainted)"
	report "NEXUS_VM_DMESG_BEGIN"
	dmesg >/dev/ttyS1
	report "NEXUS_VM_DMESG_END"
	report "NEXUS_VM_RC=$rc"
	poweroff -f
}

if [ "$NEXUS_VM_SHARE" = 1 ]; then
	nx-modprobe virtio_pci; nx-modprobe 9pnet_virtio && nx-modprobe 9p &&
	mount -t 9p -o trans=virtio,version=9p2000.L,ro nexusshare /mnt/share ||
		echo "nexus-vm: cannot mount the shared directory" >&2
fi

if [ "$NEXUS_VM_LOAD" = 1 ]; then
	if ! nx-load; then
		echo "nexus-vm: loading the NEXUS modules failed" >&2
		[ "$NEXUS_VM_MODE" = run ] && finish 126
	fi
fi

cd /root
if [ "$NEXUS_VM_MODE" = shell ]; then
	echo "NEXUS test VM ($(uname -r)); 'poweroff -f' to leave"
	setsid cttyhack sh -l
	poweroff -f
fi

sh -c "$(cat /etc/nexus/cmd)"
finish $?
