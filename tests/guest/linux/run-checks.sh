#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the standard Linux guest checks against one VMM through testbed.sh
# and prints PASS:/FAIL:/SKIP: lines and the summary line
# "linux-guests: N passed, N failed, N skipped". Exits 1 if any failed.
#
# Usage: run-checks.sh VMM [testbed.sh options, e.g. -v or --mode nested]

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: run-checks.sh VMM [testbed options]" >&2; exit 2; }
vmm=$1
shift

# name|testbed arguments (the part after -- goes to the VMM)
checks=(
    "linux-boot|--check boot"
    "linux-boot-bzImage|--check boot --kernel bzImage"
    "linux-smp|--check smp --append kemu.ncpus=2 -- -smp 2"
    "linux-serial-input|--check serial-input --stdin hello-from-host"
    "linux-clock|--check clock"
    "linux-poweroff|--check poweroff --expect-exit 0"
    "linux-reboot|--check reboot --expect-exit 0"
)

passed=0 failed=0 skipped=0
start=$EPOCHSECONDS
# Build (or check) the guest once up front so its messages come first.
if [ -c /dev/kvm ]; then
    echo "linux-guests: VMM $vmm, $(kvm_mode) ($(kvm_mode_why))"
    "$KEMU_LINUX_DIR/build-guest.sh" "$GUEST_DIR"
fi
for c in "${checks[@]}"; do
    name=${c%%|*}
    read -ra args <<<"${c#*|}"
    opts=() vmm_args=()
    for i in "${!args[@]}"; do
        if [ "${args[$i]}" = "--" ]; then
            vmm_args=("${args[@]:$((i + 1))}")
            break
        fi
        opts+=("${args[$i]}")
    done
    rc=0
    out=$("$KEMU_LINUX_DIR/testbed.sh" --vmm "$vmm" --name "$name" \
        "${opts[@]}" "$@" -- "${vmm_args[@]}" 2>&1) || rc=$?
    case $rc in
    0)
        passed=$((passed + 1))
        grep -E '^(testbed: linux|PASS:)' <<<"$out" || true
        ;;
    77)
        skipped=$((skipped + 1))
        echo "SKIP: $name (no /dev/kvm)"
        ;;
    *)
        failed=$((failed + 1))
        grep -v '^testbed: nested\|^testbed: direct' <<<"$out" || true
        grep -q "^FAIL: $name" <<<"$out" ||
            echo "FAIL: $name (testbed.sh exit $rc)"
        ;;
    esac
done
echo "linux-guests: took $((EPOCHSECONDS - start)) s"
echo "linux-guests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
