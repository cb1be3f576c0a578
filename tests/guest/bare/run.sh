#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs kemu's bare-metal test guests (built by `make bare-guests`) under a
# VMM: qemu-system-x86_64 as the reference, or build/kemu-system-x86_64.
# A guest passes when the VMM exits with status 33 (isa-debug-exit, value
# 0x10) and its output holds "KEMU-TEST NAME: PASS".
#
# usage: tests/guest/bare/run.sh VMM_BINARY [NAME...]
#   NAME...            run only these (default: all)
#   BARE_GUEST_DIR     where the guests are (default: build/tests/guest/bare
#                      under the tree root)
#   BARE_TIMEOUT       seconds per guest (default 30; reset gets 4 times it)
set -u

readonly PASS_STATUS=33          # (0x10 << 1) | 1
readonly TIMEOUT_STATUS=124      # timeout(1)
readonly KILL_GRACE=5
readonly TAIL_LINES=8
readonly RESET_TIMEOUT_FACTOR=4  # four boots through the firmware

if [ $# -lt 1 ]; then
    echo "usage: $0 VMM_BINARY [NAME...]" >&2
    exit 2
fi
vmm=$1
shift

root=$(cd "$(dirname "$0")/../../.." && pwd)
dir=${BARE_GUEST_DIR:-$root/build/tests/guest/bare}
timeout_s=${BARE_TIMEOUT:-30}

# name | how it boots | extra VMM arguments | stdin
tests=(
    "pvh|-kernel pvh.elf|-no-reboot|"
    "serial|-kernel serial.elf|-no-reboot|ping"
    "pit|-kernel pit.elf|-no-reboot|"
    "lapic-timer|-kernel lapic-timer.elf|-no-reboot|"
    "ioapic|-kernel ioapic.elf|-no-reboot|"
    "rtc|-kernel rtc.elf|-no-reboot|"
    "fwcfg|-kernel fwcfg.elf|-no-reboot|"
    "reset|-kernel reset.elf||"
    "smp|-kernel smp.elf|-no-reboot -smp 2|"
    "bios|-bios bios-hello.bin|-no-reboot|"
)

# shellcheck disable=SC2054 # the commas belong to -device's option string
common=(-machine pc -accel kvm -m 128M -display none -serial stdio
        -device isa-debug-exit,iobase=0xf4,iosize=0x04)

selected() {
    local want
    [ ${#only[@]} -eq 0 ] && return 0
    for want in "${only[@]}"; do
        [ "$want" = "$1" ] && return 0
    done
    return 1
}

kvm_usable() {
    [ -e /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null
}

only=("$@")
passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for entry in "${tests[@]}"; do
    IFS='|' read -r name boot extra input <<<"$entry"
    selected "$name" || continue

    if ! kvm_usable; then
        echo "SKIP: no /dev/kvm"
        skipped=$((skipped + 1))
        continue
    fi

    read -r boot_flag image <<<"$boot"
    t=$timeout_s
    [ "$name" = reset ] && t=$((timeout_s * RESET_TIMEOUT_FACTOR))
    if [ ! -f "$dir/$image" ]; then
        echo "FAIL: $name ($dir/$image missing: run 'make bare-guests')"
        failed=$((failed + 1))
        continue
    fi

    # shellcheck disable=SC2086 # $extra is a list of flags
    if [ -n "$input" ]; then
        timeout -k "$KILL_GRACE" "$t" "$vmm" "${common[@]}" $extra \
            "$boot_flag" "$dir/$image" <<<"$input" >"$log" 2>&1
    else
        timeout -k "$KILL_GRACE" "$t" "$vmm" "${common[@]}" $extra \
            "$boot_flag" "$dir/$image" </dev/null >"$log" 2>&1
    fi
    status=$?

    verdict=$(tr -d '\r' <"$log" | grep -a "^KEMU-TEST $name: " | tail -n 1)
    if [ "$status" -eq "$PASS_STATUS" ] &&
       [ "$verdict" = "KEMU-TEST $name: PASS" ]; then
        echo "PASS: $name"
        passed=$((passed + 1))
        continue
    fi

    if [ "$status" -eq "$TIMEOUT_STATUS" ]; then
        reason="timed out after ${t}s"
    elif [ "$status" -ne "$PASS_STATUS" ]; then
        reason="exit status $status, want $PASS_STATUS"
    else
        reason="exit status $PASS_STATUS"
    fi
    if [ -n "$verdict" ]; then
        reason="$reason; ${verdict#"KEMU-TEST $name: "}"
    else
        reason="$reason; no 'KEMU-TEST $name:' line"
    fi
    echo "FAIL: $name ($reason, last lines of output:)"
    tr -d '\r' <"$log" | tail -n "$TAIL_LINES" | sed 's/^/    | /'
    failed=$((failed + 1))
done

echo "bare-guests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
