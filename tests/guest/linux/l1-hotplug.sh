# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# --l1-pre snippet for the hotplug check: the host side, which plays the
# management tool. The VMM's console is also kept in $kemu_run/console.log
# (KEMU_VMM_PREFIX runs it through tee); an agent in the background waits
# for the guest's "KEMU-GUEST: hotplug: ready N" to QMP device_add an e1000
# (id hp1, slot 5, on -netdev hn0) through /run/kemu-net/qmp.sock, and for
# "KEMU-GUEST: hotplug: seen N" to device_del it and wait for its
# DEVICE_DELETED event; twice, so the second round re-adds the same id
# only after the event came. What it did goes out as "KEMU-L1: hotplug:"
# lines.

kemu_run=/run/kemu-net
mkdir -p "$kemu_run"
: >"$kemu_run/console.log"
cat >"$kemu_run/vmm-tee.sh" <<'EOS'
#!/bin/sh
# The VMM, its output also in console.log; exits with the VMM's status.
{
    "$@"
    echo $? >/run/kemu-net/vmm.rc
} 2>&1 | tee -a /run/kemu-net/console.log
exit "$(cat /run/kemu-net/vmm.rc 2>/dev/null || echo 125)"
EOS
KEMU_VMM_PREFIX="sh $kemu_run/vmm-tee.sh"

# kemu_hp_wait PATTERN SECONDS: until PATTERN is in the console log.
kemu_hp_wait() {
    n=$(($2 * 5))
    while ! grep -q "$1" "$kemu_run/console.log"; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.2
    done
}

# kemu_hp_qmp COMMAND [SECONDS]: run one QMP command; the replies and
# events of the next SECONDS (default 1) on one line.
kemu_hp_qmp() {
    {
        printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' "$1"
        sleep "${2:-1}"
    } | socat -t 1 - "UNIX-CONNECT:$kemu_run/qmp.sock" 2>&1 |
        grep -v '"QMP"' | tr -d '\r' | tr '\n' ' '
}

(
    for round in 1 2; do
        kemu_hp_wait "KEMU-GUEST: hotplug: ready $round" 150 || {
            echo "KEMU-L1: hotplug: round $round: the guest never got ready"
            exit 0
        }
        echo "KEMU-L1: hotplug: round $round: device_add: $(kemu_hp_qmp \
            '{"execute": "device_add", "arguments": {"driver": "e1000", "id": "hp1", "netdev": "hn0", "addr": "5", "mac": "52:54:00:ab:cd:05"}}')"
        kemu_hp_wait "KEMU-GUEST: hotplug: seen $round" 150 || {
            echo "KEMU-L1: hotplug: round $round: the guest never saw the device"
            exit 0
        }
        # The event comes when the guest ejected the slot: keep listening.
        out=$(kemu_hp_qmp \
            '{"execute": "device_del", "arguments": {"id": "hp1"}}' 15)
        echo "KEMU-L1: hotplug: round $round: device_del: $out"
        case "$out" in
        *DEVICE_DELETED*) ;;
        *)
            echo "KEMU-L1: hotplug: round $round: no DEVICE_DELETED within 15 s"
            exit 0
            ;;
        esac
    done
) </dev/null &
echo "KEMU-L1: hotplug: agent started"
