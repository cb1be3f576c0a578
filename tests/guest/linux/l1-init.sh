#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the L1 Linux that testbed.sh boots under QEMU TCG (emulated AMD
# SVM) when the host's KVM cannot boot Linux. Loads KVM (kvm-amd), runs the
# per-run /kemu-run/pre.sh (optional) and /kemu-run/run.sh (which starts the
# L2 VMM on this console and prints "KEMU-L1: vmm exit N"), then powers L1
# off. Timestamps are L1's /proc/uptime.

export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
read -r up _ </proc/uptime
echo "KEMU-L1: init up $up"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /tmp /run /var/tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# The VMM is staged at its host path, which may be under /tmp (a CI clone):
# keep what the archive put there rather than hiding it under a tmpfs.
[ -n "$(ls -A /tmp)" ] || mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname kemu-l1
ip link set lo up

if ! modprobe kvm-amd || [ ! -c /dev/kvm ]; then
    echo "KEMU-L1: cannot load kvm-amd (no emulated SVM?)"
    dmesg | tail -n 20
    echo "KEMU-L1: vmm exit 125"
    poweroff -f
fi
read -r up _ </proc/uptime
echo "KEMU-L1: kvm ready $up"
# Keep L1's kernel messages off the shared console while L2 runs (kvm-amd's
# harmless "Unhandled WRMSR(0xc0010007)" lands in the middle of L2's
# boot); errors are listed after the VMM exits.
dmesg -n 1

if [ -f /kemu-run/pre.sh ]; then
    echo "KEMU-L1: running pre.sh"
    . /kemu-run/pre.sh
fi
if [ -f /kemu-run/run.sh ]; then
    . /kemu-run/run.sh
else
    echo "KEMU-L1: no /kemu-run/run.sh"
    echo "KEMU-L1: vmm exit 125"
fi
# L1 kernel errors from the run (with the harmless WRMSR one left out).
dmesg -r | grep '^<[0-3]>' | grep -v 'Unhandled WRMSR' |
    sed 's/^<.>/KEMU-L1: dmesg: /'
poweroff -f
