# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh disable=SC2034,SC3045
#
# The checks the L2 test guest can run, sourced by its /init (busybox sh).
# kemu.check=NAME on the kernel command line runs check_NAME ('-' in NAME
# becomes '_').
#
# Adding a check: write check_NAME. It returns 0 for PASS; for FAIL it calls
# `fail "why"` (which returns 1). It may print lines of its own, prefixed
# "KEMU-GUEST: ". Optional, next to it:
#   modules_check_NAME="e1000"   modules /init loads (modprobe) first
#   KEMU_END=reboot|none          set inside the check: what /init does after
#                                 reporting (default: poweroff -f)
# Read kernel command line values with `kemu_arg KEY [DEFAULT]` (kemu.KEY=).
# testbed.sh passes --append "kemu.KEY=VALUE" and always kemu.hosttime=.

# kemu_arg KEY [DEFAULT]: value of kemu.KEY= on the kernel command line.
kemu_arg() {
    for w in $(cat /proc/cmdline); do
        case "$w" in
        "kemu.$1="*)
            echo "${w#*=}"
            return 0
            ;;
        esac
    done
    echo "${2:-}"
}

# fail WHY: record why the check failed; returns 1.
fail() {
    KEMU_WHY="$*"
    return 1
}

# Reach userspace; report CPUs and any ACPI/IRQ complaint in the kernel log.
check_boot() {
    echo "KEMU-GUEST: nproc $(nproc)"
    dmesg | grep -iE '(acpi|irq).*(error|warn|fail)|nobody cared|spurious' |
        sed 's/^/KEMU-GUEST: dmesg: /'
    bad=$(dmesg | grep -E 'ACPI Error|ACPI BIOS Error|irq .*nobody cared' |
        head -n 1)
    [ -z "$bad" ] || fail "kernel log: $bad"
}

# kemu.ncpus=N CPUs are online.
check_smp() {
    want=$(kemu_arg ncpus)
    got=$(nproc)
    echo "KEMU-GUEST: cpus online $(cat /sys/devices/system/cpu/online)"
    [ -n "$want" ] || {
        fail "no kemu.ncpus= on the command line"
        return
    }
    [ "$got" = "$want" ] || fail "$got CPUs online, expected $want"
}

# A line typed on the console arrives: expects hello-from-host.
check_serial_input() {
    echo "KEMU-GUEST: ready for input"
    if ! read -r -t 60 line; then
        fail "no input line within 60 s"
        return
    fi
    line=$(printf '%s' "$line" | tr -d '\r')
    echo "KEMU-GUEST: got input '$line'"
    [ "$line" = "hello-from-host" ] || fail "got '$line', expected 'hello-from-host'"
}

# The guest's wall clock is within 120 s of the host's (kemu.hosttime=).
check_clock() {
    now=$(date +%s)
    host=$(kemu_arg hosttime)
    echo "KEMU-GUEST: date $now ($(date -u)), host $host"
    [ -n "$host" ] || {
        fail "no kemu.hosttime= on the command line"
        return
    }
    d=$((now - host))
    [ "$d" -ge -120 ] && [ "$d" -le 120 ] || fail "guest clock off by $d s"
}

# Print the whole kernel log (for debugging a VMM: quiet hides it).
check_dmesg() {
    dmesg | sed 's/^/KEMU-GUEST: dmesg: /'
}

# Power off at once; the VMM must exit with status 0.
check_poweroff() {
    return 0
}

# Reset; with -no-reboot the VMM must exit instead of booting again.
check_reboot() {
    KEMU_END=reboot
    return 0
}

# An interactive shell on the console (make run); powers off when it exits.
check_shell() {
    echo
    echo "kemu test guest: $(uname -sr), $(nproc) CPU(s), $(free -m |
        awk '/Mem:/ {print $2}') MiB"
    echo "busybox shell on the console; 'exit' powers the guest off."
    echo
    setsid cttyhack sh -l
    return 0
}
