# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# The guest side of bench/net/run.sh, appended to checks.sh in the bench's
# L2 initramfs (which also holds iperf3 and its libraries). kemu.bench=user
# (slirp: DHCP, server 10.0.2.2) or tap (192.168.76.2/24, server
# 192.168.76.1), kemu.secs=T: iperf3 for T s guest->host ("tx") and then
# host->guest ("rx", -R), each printed as "KEMU-BENCH-NET: DIR MBITS",
# after a line "KEMU-GUEST: iperf3 DIR: ..." at its start: the host side
# reads the VMM's CPU time at both. The NIC is an e1000 or a virtio-net.

modules_check_iperf="e1000 virtio_pci virtio_net"
check_iperf() {
    secs=$(kemu_arg secs 5)
    case "$(kemu_arg bench user)" in
    user)
        net_user_up || return
        server=10.0.2.2
        ;;
    tap)
        net_link eth0 || return
        ip addr add 192.168.76.2/24 dev eth0
        server=192.168.76.1
        ;;
    *)
        fail "kemu.bench= must be user or tap"
        return
        ;;
    esac
    for dir in tx rx; do
        flag=""
        [ "$dir" = tx ] || flag=-R
        echo "KEMU-GUEST: iperf3 $dir: $(net_addr eth0) to $server for $secs s"
        out=$(timeout $((secs + 30)) iperf3 -c "$server" -t "$secs" -f m $flag 2>&1)
        mbits=$(echo "$out" | awk '/receiver/ {
            for (i = 2; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) }
            END { print v }')
        if [ -z "$mbits" ]; then
            echo "$out" | tail -n 5 | sed 's/^/KEMU-GUEST: iperf3: /'
            fail "iperf3 $dir to $server gave no result"
            return
        fi
        echo "KEMU-BENCH-NET: $dir $mbits"
    done
    # The host side reads the VMM's CPU time at that last line: the VMM
    # must still be there.
    sleep 1
}
