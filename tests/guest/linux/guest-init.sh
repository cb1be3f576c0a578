#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# /init of the L2 test guest (busybox). Reports that userspace is up, and
# for each check named by kemu.check=NAME[,NAME...] on the kernel command
# line (functions in /checks.sh) loads the modules it needs, runs it and
# prints "KEMU-GUEST: check NAME: PASS" or "... FAIL <why>"; then powers
# off (or reboots, or does nothing, as a check asked).

export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
read -r up _ </proc/uptime
echo "KEMU-GUEST: userspace up $up"
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /tmp
hostname kemu-guest

. /checks.sh

# kemu.check=NAME[,NAME...]: the checks run in order, each reported.
names=$(kemu_arg check boot | tr ',' ' ')
KEMU_END=poweroff
for name in $names; do
    fn=check_$(echo "$name" | tr -- '-.' '__')
    KEMU_WHY=""
    if ! type "$fn" >/dev/null 2>&1; then
        echo "KEMU-GUEST: check $name: FAIL unknown check (see /checks.sh)"
        continue
    fi
    mods=$(eval echo "\${modules_$fn:-}")
    read -r t0 _ </proc/uptime
    if [ -n "$mods" ] && ! modprobe -a $mods; then
        echo "KEMU-GUEST: check $name: FAIL cannot load modules: $mods"
    elif "$fn"; then
        echo "KEMU-GUEST: check $name: PASS"
    else
        echo "KEMU-GUEST: check $name: FAIL ${KEMU_WHY:-(no reason given)}"
    fi
    read -r t1 _ </proc/uptime
    echo "KEMU-GUEST: check $name took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (guest clock)"
done

case "$KEMU_END" in
reboot) reboot -f ;;
none) ;;
*) poweroff -f ;;
esac
# Reached only with KEMU_END=none. (A kernel that finds no way to power
# off prints "reboot: System halted" and stops; testbed.sh reports that.)
while :; do sleep 3600; done
