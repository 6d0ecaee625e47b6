#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the MPTCPsec test VM (started by run-vm.sh with init=<this file>).
# The host root filesystem is mounted read-only over virtio-9p; writable
# places are tmpfs.  The run directory of the host (plan in, results out)
# is a second 9p share, mounted at /run/out.
#
# plan: one line per test: "<name> <timeout-seconds>"; the test is
# tools/testing/mptcpsec/tests/<name>.sh.  For each test the guest writes
# <name>.log (its output) and <name>.rc (exit code, 124 on timeout), then
# dmesg.txt, kmemleak.txt and finally guest-done, and reboots (qemu exits).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
# The host's view of the root filesystem stays reachable under $host
# after tmpfs hides /tmp, /root, ... below: the repo and build/ may live
# there.  MPTCPSEC_BUILD comes from the kernel command line (run-vm.sh).
host=/dev/.host
here=$host$(cd "$(dirname "$0")" && pwd)
tests=$here/../tests
export BUILD=$host${MPTCPSEC_BUILD:?run-vm.sh passes MPTCPSEC_BUILD}

log() { echo "mptcpsec-vm: $*" > /dev/console; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mountpoint -q /dev || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# upstream selftests use /dev/fd/N and /dev/stdin
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mkdir -p $host
mount --bind / $host
mount --make-private $host
for d in /tmp /run /var/tmp /root /mnt; do
	mount -t tmpfs -o mode=1777 tmpfs "$d"
done
mkdir -p /run/netns /run/lock /run/out
mount -t debugfs debugfs /sys/kernel/debug
mount -t 9p -o trans=virtio,version=9p2000.L,msize=1048576 mptcpsec_out /run/out ||
	{ log "cannot mount the results share"; echo b > /proc/sysrq-trigger; }
hostname mptcpsec-vm
ip link set lo up

log "booted $(uname -r) in $(cut -d' ' -f1 /proc/uptime) s"
export MPTCPSEC_OUT=/run/out
while read -r name timeout; do
	case "$name" in ''|'#'*) continue ;; esac
	script=$tests/$name.sh
	log "run $name (timeout ${timeout}s)"
	start=$(cut -d' ' -f1 /proc/uptime)
	if [ -f "$script" ]; then
		(cd /tmp && exec timeout -k 10 "$timeout" bash "$script") \
			> "/run/out/$name.log" 2>&1 < /dev/null
		rc=$?
	else
		echo "no such test: $script" > "/run/out/$name.log"
		rc=127
	fi
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "$rc" > "/run/out/$name.rc"
	echo "$start $end" > "/run/out/$name.time"
	log "done $name rc=$rc"
	# a test must leave no namespace behind (report.sh fails it)
	left=$(ip netns list 2>/dev/null)
	if [ -n "$left" ]; then
		log "test $name left namespaces behind: $(echo $left)"
		echo $left > "/run/out/$name.leak"
		for ns in $(ip netns list | cut -d' ' -f1); do ip netns del "$ns"; done
	fi
done < /run/out/plan

if [ -w /sys/kernel/debug/kmemleak ]; then
	log "kmemleak scan"
	# two scans: an object must be unreferenced in both to be reported
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > /run/out/kmemleak.txt
fi
dmesg > /run/out/dmesg.txt
echo done > /run/out/guest-done
sync
log "all tests done, powering off"
echo b > /proc/sysrq-trigger
