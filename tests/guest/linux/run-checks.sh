#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Runs the standard Linux guest checks against one VMM through testbed.sh
# and prints PASS:/FAIL:/SKIP: lines and the summary line
# "linux-guests: N passed, N failed, N skipped". Exits 1 if any failed.
# Checks that share a VMM setup run in one boot (testbed.sh --check A,B).
# Direct on hardware KVM, nested (L1 under QEMU TCG) everywhere else,
# including hosts with no /dev/kvm. Under CI=true a skipped check fails.
#
# Usage: run-checks.sh VMM [testbed.sh options, e.g. -v or --mode nested]
# KEMU_CHECKS=REGEX runs only the entries whose names match (grep -E).
# KEMU_TESTBED_MODE=direct|nested|auto forces the path (as --mode does).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: run-checks.sh VMM [testbed options]" >&2; exit 2; }
vmm=$1
shift

here=$KEMU_LINUX_DIR
# The network checks' VMM setups (see the network section of checks.sh).
net_user="--timeout 120 --l1-pre $here/l1-net-user.sh \
    --append kemu.mac=52:54:00:ab:cd:01 --append kemu.httpport=8080 \
    --append kemu.fwdport=5580 \
    -- -netdev user,id=n0,hostfwd=tcp:127.0.0.1:5580-:80 \
    -device e1000,netdev=n0,mac=52:54:00:ab:cd:01"
net_tap="--timeout 120 --l1-pre $here/l1-net-tap.sh --l1-bin socat \
    -- -netdev tap,id=n0,ifname=ktap0,script=no,downscript=no \
    -device e1000,netdev=n0,mac=52:54:00:ab:cd:02 \
    -qmp unix:$KEMU_NET_RUN/qmp.sock,server=on,wait=off"
# The virtio-net setups (see the virtio-net section of checks.sh): slirp
# (on the packed ring); three taps, vhost off, on, and on with two queue
# pairs (split rings).
vnet_pre="--timeout 300 --l1-pre $here/l1-net-virtio.sh --l1-bin socat"
vnet_qmp="-qmp unix:$KEMU_NET_RUN/qmp.sock,server=on,wait=off"
vnet_user="$vnet_pre --append kemu.vpacked=52:54:00:ab:cd:11 \
    -- -netdev user,id=n0,hostfwd=tcp:127.0.0.1:5580-:80 \
    -device virtio-net-pci,netdev=n0,mac=52:54:00:ab:cd:11,id=vu0,packed=on \
    $vnet_qmp"
vnet_tap="$vnet_pre -- -smp 2 \
    -netdev tap,id=t0,ifname=ktap0,script=no,downscript=no,vhost=off \
    -device virtio-net-pci,netdev=t0,mac=52:54:00:ab:cd:21,id=vt0 \
    -netdev tap,id=t1,ifname=ktap1,script=no,downscript=no,vhost=on \
    -device virtio-net-pci,netdev=t1,mac=52:54:00:ab:cd:22,id=vt1 \
    -netdev tap,id=t2,ifname=ktap2,script=no,downscript=no,vhost=on,queues=2 \
    -device virtio-net-pci,netdev=t2,mac=52:54:00:ab:cd:23,id=vt2,mq=on,vectors=6 \
    $vnet_qmp"

# name[,name...]|testbed arguments (the part after -- goes to the VMM)
checks=(
    "linux-boot,linux-clock,linux-serial-input|--check boot,clock,serial-input --stdin hello-from-host"
    "linux-boot-bzImage|--check boot --kernel bzImage"
    "linux-smp|--check smp --append kemu.ncpus=2 -- -smp 2"
    "linux-poweroff|--check poweroff --expect-exit 0"
    "linux-reboot|--check reboot --expect-exit 0"
    "linux-e1000,linux-net-dhcp,linux-net-http,linux-net-hostfwd|--check e1000,net-dhcp,net-http,net-hostfwd $net_user"
    "linux-net-tap|--check net-tap $net_tap"
    "linux-virtio-user,linux-virtio-user-dhcp,linux-virtio-user-http,linux-virtio-user-hostfwd,linux-virtio-user-kvm,linux-virtio-user-reset|--check virtio-net,net-dhcp,net-http,net-hostfwd,virtio-kvm,virtio-reset $vnet_user"
    "linux-virtio-net,linux-virtio-offload,linux-virtio-tap,linux-virtio-vhost,linux-virtio-mq,linux-virtio-kvm,linux-virtio-reset|--check virtio-net,virtio-offload,virtio-tap,virtio-vhost,virtio-mq,virtio-kvm,virtio-reset $vnet_tap"
    "linux-hotplug|--check hotplug --timeout 300 --l1-pre $here/l1-hotplug.sh --l1-bin socat -- -netdev user,id=hn0 -qmp unix:$KEMU_NET_RUN/qmp.sock,server=on,wait=off"
)

passed=0 failed=0 skipped=0 retried=0
start=$EPOCHSECONDS
# One choice of path for every run (a --mode among the options wins).
want=${KEMU_TESTBED_MODE:-auto}
for ((i = 1; i < $#; i++)); do
    if [ "${!i}" = --mode ]; then
        j=$((i + 1))
        want=${!j}
    fi
done
testbed_mode linux "$want"
export KEMU_TESTBED_MODE=$TESTBED_MODE
echo "linux-guests: VMM $vmm, $(testbed_mode_line)"
# Build (or check) the guest once up front so its messages come first.
if [ -z "$TESTBED_SKIP" ]; then
    "$KEMU_LINUX_DIR/build-guest.sh" "$GUEST_DIR"
    need_pkg socat
    [ "$TESTBED_MODE" = direct ] || need_pkg qemu-system-x86
fi
for c in "${checks[@]}"; do
    name=${c%%|*}
    [ -z "${KEMU_CHECKS:-}" ] || grep -qE "$KEMU_CHECKS" <<<"$name" || continue
    if [ -n "$TESTBED_SKIP" ]; then
        for n in ${name//,/ }; do
            skipped=$((skipped + 1))
            echo "SKIP: $n ($TESTBED_SKIP)"
        done
        continue
    fi
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
    # Known intermittent faults of the nested bed (not yet understood;
    # see docs/devel/testing.md): the VMM starts in L1 and L2 never prints
    # a line, or L1 itself stalls (its console goes silent).  Those cases
    # alone are booted once more, and said so; any other failure, or the
    # same one twice, fails the check.
    if [ "$rc" != 0 ] && [ "$rc" != 77 ] &&
        grep -qE 'L2 userspace never started|a stalled L1' <<<"$out"; then
        echo "RETRY: $name (L2 printed nothing after the VMM started, or L1 stalled; booting once more)"
        grep -E '^testbed: linux' <<<"$out" | sed 's/^/  first boot: /' || true
        retried=$((retried + 1))
        rc=0
        out=$("$KEMU_LINUX_DIR/testbed.sh" --vmm "$vmm" --name "$name" \
            "${opts[@]}" "$@" -- "${vmm_args[@]}" 2>&1) || rc=$?
    fi
    if [ "$rc" = 77 ]; then
        why=$(sed -n 's/^SKIP: //p' <<<"$out" | head -n 1)
        for n in ${name//,/ }; do
            skipped=$((skipped + 1))
            echo "SKIP: $n (${why:-testbed.sh exit 77})"
        done
        continue
    fi
    if [ "$rc" = 0 ]; then
        grep -E '^(testbed: linux|PASS:)' <<<"$out" || true
    else
        grep -v '^testbed: nested\|^testbed: direct' <<<"$out" || true
    fi
    p=$(grep -c '^PASS: ' <<<"$out" || true)
    f=$(grep -c '^FAIL: ' <<<"$out" || true)
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
        failed=$((failed + 1))
        echo "FAIL: $name (testbed.sh exit $rc)"
    fi
done
echo "linux-guests: took $((EPOCHSECONDS - start)) s"
[ "$retried" = 0 ] || echo "linux-guests: $retried boot(s) retried after the known silent-L2 fault"
echo "linux-guests: $passed passed, $failed failed, $skipped skipped"
if [ "$skipped" -gt 0 ] && in_ci; then
    echo "linux-guests: FAILED: $skipped skipped under CI=true (a guest suite must run in CI)"
    exit 1
fi
[ "$failed" -eq 0 ]
