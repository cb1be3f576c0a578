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
modules_check_shell="e1000"
check_shell() {
    # make run gives the guest an e1000 on slirp: configure it if present.
    if [ -e /sys/class/net/eth0 ] && net_link eth0 2>/dev/null &&
        net_dhcp eth0 >/dev/null 2>&1; then
        echo "network: eth0 $(net_addr eth0) via slirp"
    fi
    echo
    echo "kemu test guest: $(uname -sr), $(nproc) CPU(s), $(free -m |
        awk '/Mem:/ {print $2}') MiB"
    echo "busybox shell on the console; 'exit' powers the guest off."
    echo
    setsid cttyhack sh -l
    return 0
}

# ---- Network: the e1000 NIC and the VMM's backends ------------------------
# The VMM arguments and host sides these expect are in run-checks.sh:
#   e1000, net-dhcp, net-http, net-hostfwd: -netdev user (slirp) with
#     hostfwd=tcp:127.0.0.1:FWDPORT-:80 and -device e1000,mac=MAC;
#     kemu.mac=MAC kemu.httpport=PORT kemu.fwdport=FWDPORT; --l1-pre
#     l1-net-user.sh (an HTTP server on the host side's 127.0.0.1:PORT).
#   net-tap: -netdev tap,ifname=ktap0 in a namespace, QMP at
#     /run/kemu-net/qmp.sock; --l1-pre l1-net-tap.sh (192.168.76.1/24).
# Each check brings up what it needs, so they run alone or in a row.

# kemu_test_file: the file both sides serve and check (938,895 bytes; the
# l1-net-*.sh snippets make the same).
kemu_test_file() {
    seq 1 150000
}

# sum_of: "BYTES MD5" of standard input.
sum_of() {
    cat >/tmp/sum.$$
    echo "$(wc -c </tmp/sum.$$) $(md5sum </tmp/sum.$$ | cut -d' ' -f1)"
    rm -f /tmp/sum.$$
}

# wait_carrier IFACE 0|1 SECONDS: until /sys/class/net/IFACE/carrier is
# the value (polled every 0.1 s); false on timeout.
wait_carrier() {
    n=$(($3 * 10))
    while [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" != "$2" ]; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# net_link IFACE: bring IFACE up and wait for its carrier.
net_link() {
    if [ ! -e "/sys/class/net/$1" ]; then
        fail "no $1; interfaces: $(echo /sys/class/net/* | sed "s,/sys/class/net/,,g")"
        return
    fi
    ip link set "$1" up
    wait_carrier "$1" 1 15 || fail "$1: no carrier within 15 s"
}

# net_addr IFACE: its IPv4 address/prefix, if any.
net_addr() {
    ip -4 -o addr show dev "$1" | awk '{ print $4; exit }'
}

# net_dhcp IFACE: a lease from udhcpc, applied by a small script.
net_dhcp() {
    cat >/tmp/udhcpc.script <<'EOS'
#!/bin/sh
case "$1" in
bound | renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -z "$router" ] || ip route add default via "${router%% *}" dev "$interface"
    ;;
esac
EOS
    chmod +x /tmp/udhcpc.script
    udhcpc -i "$1" -s /tmp/udhcpc.script -f -q -n -t 5 -T 2 2>&1 |
        sed 's/^/KEMU-GUEST: /'
}

# net_user_up: eth0 up with slirp's address (DHCP unless it has one).
net_user_up() {
    net_link eth0 || return
    [ -n "$(net_addr eth0)" ] || net_dhcp eth0
    [ -n "$(net_addr eth0)" ] || fail "eth0 got no address by DHCP"
}

# The e1000 driver probes without errors; eth0 has the MAC the VMM gave.
modules_check_e1000="e1000"
check_e1000() {
    want=$(kemu_arg mac 52:54:00:12:34:56)
    dmesg | grep -i e1000 | sed 's/^/KEMU-GUEST: dmesg: /'
    bad=$(dmesg | grep -i e1000 | grep -iE 'fail|error' | head -n 1)
    if ! dmesg | grep -q 'Intel(R) PRO/1000 Network Connection'; then
        fail "no 'Intel(R) PRO/1000 Network Connection' in dmesg"
    elif [ -n "$bad" ]; then
        fail "kernel log: $bad"
    elif ! ip link show eth0 >/dev/null 2>&1; then
        fail "no eth0 in ip link"
    elif ! ip link show eth0 | grep -q "link/ether $want "; then
        fail "eth0 is '$(ip link show eth0 | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p')', expected $want"
    fi
}

# udhcpc gets slirp's first address, 10.0.2.15/24, and the route via
# 10.0.2.2.
modules_check_net_dhcp="e1000"
check_net_dhcp() {
    net_link eth0 || return
    net_dhcp eth0
    addr=$(net_addr eth0)
    route=$(ip route show default | head -n 1)
    echo "KEMU-GUEST: eth0 $addr, $route"
    if [ "$addr" != 10.0.2.15/24 ]; then
        fail "eth0 has '$addr' after DHCP, expected 10.0.2.15/24"
    elif ! echo "$route" | grep -q 'via 10.0.2.2'; then
        fail "default route '$route', expected via 10.0.2.2"
    fi
}

# wget of the test file from the host side's loopback (10.0.2.2:PORT).
modules_check_net_http="e1000"
check_net_http() {
    net_user_up || return
    url=http://10.0.2.2:$(kemu_arg httpport 8080)/kemu-test.bin
    if ! timeout 30 wget -q -O /tmp/got "$url"; then
        fail "wget $url failed"
        return
    fi
    want=$(kemu_test_file | sum_of)
    got=$(sum_of </tmp/got)
    rm -f /tmp/got
    echo "KEMU-GUEST: $url: $got (bytes md5)"
    [ "$got" = "$want" ] || fail "$url: $got, expected $want (bytes md5)"
}

# The host side fetches our port 80 through the VMM's hostfwd (its
# 127.0.0.1:FWDPORT) and reports what it got; asked for by a CGI request.
modules_check_net_hostfwd="e1000"
check_net_hostfwd() {
    net_user_up || return
    fwd=$(kemu_arg fwdport 5580)
    mkdir -p /tmp/www
    kemu_test_file >/tmp/www/kemu-test.bin
    httpd -p 80 -h /tmp/www || {
        fail "cannot start httpd on port 80"
        return
    }
    want=$(sum_of </tmp/www/kemu-test.bin)
    url="http://10.0.2.2:$(kemu_arg httpport 8080)/cgi-bin/fetch?$fwd"
    got=$(timeout 60 wget -q -O - "$url") || got="(wget $url failed)"
    killall httpd 2>/dev/null
    echo "KEMU-GUEST: host fetched 127.0.0.1:$fwd/kemu-test.bin: $got"
    [ "$got" = "$want" ] || fail "host got '$got' through hostfwd, expected '$want'"
}

# A tap in a namespace on the host side (192.168.76.1): a file each way,
# then QMP set_link takes the link down and up; the guest sees the carrier
# go and come back, and the transfer works again.
modules_check_net_tap="e1000"
check_net_tap() {
    host=http://192.168.76.1:8080
    net_link eth0 || return
    ip addr add 192.168.76.2/24 dev eth0
    want=$(kemu_test_file | sum_of)
    got=$(timeout 30 wget -q -O - "$host/kemu-test.bin" | sum_of)
    echo "KEMU-GUEST: downloaded $got"
    [ "$got" = "$want" ] || {
        fail "download from $host: $got, expected $want (bytes md5)"
        return
    }
    kemu_test_file >/tmp/up
    got=$(timeout 30 wget -q -O - --post-file /tmp/up "$host/cgi-bin/upload")
    echo "KEMU-GUEST: host received $got"
    [ "$got" = "$want" ] || {
        fail "upload to $host: host got '$got', expected '$want'"
        return
    }
    ups=$(dmesg | grep -c 'eth0 NIC Link is Up')
    ok=$(timeout 30 wget -q -O - "$host/cgi-bin/linkflap")
    [ "$ok" = ok ] || {
        fail "asking the host side for set_link: '$ok'"
        return
    }
    if ! wait_carrier eth0 0 20; then
        fail "carrier stayed up for 20 s after set_link down"
    elif ! wait_carrier eth0 1 30; then
        fail "carrier stayed down for 30 s after set_link up"
    fi
    timeout 10 wget -q -O - "$host/linkflap.log" | sed 's/^/KEMU-GUEST: host: /'
    [ -z "$KEMU_WHY" ] || return 1
    dmesg | grep 'eth0 NIC Link is' | sed 's/^/KEMU-GUEST: dmesg: /'
    if ! dmesg | grep -q 'eth0 NIC Link is Down'; then
        fail "no 'NIC Link is Down' in dmesg"
        return
    elif [ "$(dmesg | grep -c 'eth0 NIC Link is Up')" -le "$ups" ]; then
        fail "no new 'NIC Link is Up' in dmesg"
        return
    fi
    got=$(timeout 30 wget -q -O - "$host/kemu-test.bin" | sum_of)
    echo "KEMU-GUEST: downloaded again $got"
    [ "$got" = "$want" ] || fail "download after the link came back: $got, expected $want"
}

# ---- PCI hotplug ------------------------------------------------------------
# The host side (l1-hotplug.sh, VMM with -netdev user,id=hn0 and QMP at
# /run/kemu-net/qmp.sock) device_adds an e1000 at 00:05.0 when we print
# "KEMU-GUEST: hotplug: ready N" and device_dels it when we print
# "...: seen N"; twice, the second time only after DEVICE_DELETED came.
# Linux's built-in acpiphp (CONFIG_HOTPLUG_PCI_ACPI) handles the ACPI GPE.

# wait_path PATH 1|0 SECONDS: until PATH exists (1) or is gone (0).
wait_path() {
    n=$(($3 * 10))
    while :; do
        if [ -e "$1" ]; then
            [ "$2" = 1 ] && return 0
        else
            [ "$2" = 0 ] && return 0
        fi
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# hotplug_net DEVDIR: the network interface of the PCI device, if any.
hotplug_net() {
    ls "$1/net" 2>/dev/null | head -n 1
}

modules_check_hotplug="e1000"
check_hotplug() {
    dev=/sys/bus/pci/devices/0000:00:05.0
    echo "KEMU-GUEST: hotplug: slots $(ls /sys/bus/pci/slots 2>/dev/null |
        sort -n | tr '\n' ' ')"
    [ -e /sys/bus/pci/slots/5 ] || {
        fail "no ACPI hotplug slot 5 in /sys/bus/pci/slots (acpiphp)"
        return
    }
    [ ! -e "$dev" ] || {
        fail "00:05.0 present before device_add"
        return
    }
    for round in 1 2; do
        echo "KEMU-GUEST: hotplug: ready $round"
        if ! wait_path "$dev" 1 90; then
            fail "round $round: no 00:05.0 within 90 s of device_add"
            return
        fi
        ids="$(cat "$dev/vendor"):$(cat "$dev/device")"
        n=300
        while [ -z "$(hotplug_net "$dev")" ] && [ "$n" -gt 0 ]; do
            n=$((n - 1))
            sleep 0.1
        done
        ifname=$(hotplug_net "$dev")
        echo "KEMU-GUEST: hotplug: round $round: 00:05.0 $ids, interface '$ifname' $(cat "/sys/class/net/$ifname/address" 2>/dev/null)"
        [ "$ids" = 0x8086:0x100e ] || {
            fail "round $round: 00:05.0 is $ids, expected 0x8086:0x100e"
            return
        }
        [ -n "$ifname" ] || {
            fail "round $round: no network interface for 00:05.0 in 30 s"
            return
        }
        echo "KEMU-GUEST: hotplug: seen $round"
        if ! wait_path "$dev" 0 60; then
            fail "round $round: 00:05.0 still there 60 s after device_del"
            return
        fi
        wait_path "/sys/class/net/$ifname" 0 10 || {
            fail "round $round: $ifname still there after 00:05.0 went"
            return
        }
        # Gone from the VMM too: a rescan does not find it again.
        sleep 2
        echo 1 >/sys/bus/pci/rescan
        sleep 1
        [ ! -e "$dev" ] || {
            fail "round $round: 00:05.0 came back on a rescan: not ejected"
            return
        }
        echo "KEMU-GUEST: hotplug: round $round: 00:05.0 and $ifname gone"
    done
    dmesg | grep -iE 'acpiphp|0000:00:05|e1000.*(eth|Intel)' |
        sed 's/^/KEMU-GUEST: dmesg: /'
    bad=$(dmesg | grep -E 'ACPI Error|ACPI BIOS Error|acpiphp.*(fail|error)' |
        head -n 1)
    [ -z "$bad" ] || fail "kernel log: $bad"
}

# ---- virtio-net -----------------------------------------------------------
# The host side is l1-net-virtio.sh (httpd on port 8080 of every address of
# the VMM's network namespace; CGIs upload, fetch, vmmstat, hmp), the QMP
# socket /run/kemu-net/qmp.sock. The NICs are found by MAC, so their order
# and names do not matter (a module reload may rename them):
#   VNIC_USER  -netdev user (slirp): DHCP, server 10.0.2.2 (the
#              namespace's 127.0.0.1), hostfwd 127.0.0.1:5580 -> port 80
#   VNIC_TAP   -netdev tap,ifname=ktap0,vhost=off: 192.168.81.2, host .1
#   VNIC_VHOST -netdev tap,ifname=ktap1,vhost=on: 192.168.82.2, host .1
#   VNIC_MQ    -netdev tap,ifname=ktap2,queues=2,vhost=on with mq=on:
#              192.168.83.2, host .1
# run-checks.sh boots one VMM with VNIC_USER and one with the three taps.
VNIC_USER=52:54:00:ab:cd:11
VNIC_TAP=52:54:00:ab:cd:21
VNIC_VHOST=52:54:00:ab:cd:22
VNIC_MQ=52:54:00:ab:cd:23
VNIC_ALL="$VNIC_USER $VNIC_TAP $VNIC_VHOST $VNIC_MQ"
VNIC_MODULES="virtio_pci virtio_net"
# kemu-big.bin of l1-net-virtio.sh (4,088,895 bytes).
kemu_big_file() {
    seq 1 600000
}

# vnic_if MAC: the name of the interface with that MAC; false if none.
vnic_if() {
    for d in /sys/class/net/*; do
        if [ "$(cat "$d/address" 2>/dev/null)" = "$1" ]; then
            echo "${d##*/}"
            return 0
        fi
    done
    return 1
}

# vnic_up MAC: that NIC up and addressed (static, or DHCP on slirp); sets
# VIF (its name) and VSRV (the host side's address).
vnic_up() {
    VIF=$(vnic_if "$1") || {
        fail "no interface with MAC $1; interfaces: $(echo /sys/class/net/* | sed "s,/sys/class/net/,,g")"
        return
    }
    net_link "$VIF" || return
    case "$1" in
    "$VNIC_USER")
        VSRV=10.0.2.2
        [ -n "$(net_addr "$VIF")" ] || net_dhcp "$VIF"
        ;;
    *)
        VSRV=192.168.8$((${1##*:} - 20)).1
        [ -n "$(net_addr "$VIF")" ] ||
            ip addr add "${VSRV%.1}.2/24" dev "$VIF"
        ;;
    esac
    [ -n "$(net_addr "$VIF")" ] || fail "$VIF ($1) has no address"
}

# host_get PATH: GET http://$VSRV:8080/PATH to standard output.
host_get() {
    timeout 60 wget -q -O - "http://$VSRV:8080/$1"
}

# stat_of NAME LINE: the number NAME=N in LINE (vmmstat's answer).
stat_of() {
    echo " $2" | sed -n "s/.* $1=\([0-9][0-9]*\).*/\1/p"
}

# vnic_kicks IF: the driver's notifications of the device, all queues
# (ethtool -S: rx_queue_N_kicks, tx_queue_N_kicks).
vnic_kicks() {
    ethtool -S "$1" 2>/dev/null | awk '/_kicks:/ { s += $2 } END { print s + 0 }'
}

# vnic_irqs IF: interrupts of its virtio device's queues (/proc/interrupts
# lines virtioN-input.Q, virtioN-output.Q), all CPUs.
vnic_irqs() {
    v=$(basename "$(readlink "/sys/class/net/$1/device")")
    awk -v v="$v" '$NF ~ "^" v "-(input|output)" {
        for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) s += $i
    } END { print s + 0 }' /proc/interrupts
}

# vnic_transfer [small]: kemu-big.bin (small: kemu-test.bin) down and up
# over $VIF (to $VSRV), checked by size and md5; VBYTES is its size.
# Around each: the host side's vmmstat and the guest's kick and interrupt
# counts, in VS0/VS1/VS2, VK0.., VI0.. (for the callers' deltas).
vnic_transfer() {
    if [ "${1:-}" = small ]; then
        want=$(kemu_test_file | tee /tmp/vbig | sum_of) file=kemu-test.bin
    else
        want=$(kemu_big_file | tee /tmp/vbig | sum_of) file=kemu-big.bin
    fi
    VBYTES=${want%% *}
    VS0=$(host_get cgi-bin/vmmstat) VK0=$(vnic_kicks "$VIF") VI0=$(vnic_irqs "$VIF")
    got=$(host_get "$file" | sum_of)
    VS1=$(host_get cgi-bin/vmmstat) VK1=$(vnic_kicks "$VIF") VI1=$(vnic_irqs "$VIF")
    echo "KEMU-GUEST: $VIF: downloaded $got"
    if [ "$got" != "$want" ]; then
        rm -f /tmp/vbig
        vnic_debug
        fail "$VIF: download from $VSRV: $got, expected $want (bytes md5)"
        return
    fi
    got=$(timeout 60 wget -q -O - --post-file /tmp/vbig \
        "http://$VSRV:8080/cgi-bin/upload")
    rm -f /tmp/vbig
    VS2=$(host_get cgi-bin/vmmstat) VK2=$(vnic_kicks "$VIF") VI2=$(vnic_irqs "$VIF")
    echo "KEMU-GUEST: $VIF: host received $got"
    [ "$got" = "$want" ] || {
        vnic_debug
        fail "$VIF: upload to $VSRV: host got '$got', expected '$want'"
    }
}

# vnic_debug: what a failed transfer leaves to look at: the NIC's counters
# and queue statistics, its interrupts, the kernel log's last lines.
vnic_debug() {
    for c in rx_packets rx_bytes rx_dropped rx_errors tx_packets tx_bytes \
        tx_dropped tx_errors; do
        echo "KEMU-GUEST: debug: $VIF: $c $(cat "/sys/class/net/$VIF/statistics/$c")"
    done
    ethtool -S "$VIF" | grep -v ': 0$' | sed "s/^ */KEMU-GUEST: debug: $VIF: /"
    grep "$(basename "$(readlink "/sys/class/net/$VIF/device")")-" /proc/interrupts |
        sed "s/^ */KEMU-GUEST: debug: /"
    dmesg | tail -n 15 | sed "s/^/KEMU-GUEST: debug: dmesg: /"
}

# delta NAME A B: NAME's growth from vmmstat line A to B (empty if either
# lacks it).
delta() {
    a=$(stat_of "$1" "$2") b=$(stat_of "$1" "$3")
    [ -n "$a" ] && [ -n "$b" ] && echo $((b - a))
}

# vnic_path_report: the VMM's share of the transfer, for the log.
vnic_path_report() {
    echo "KEMU-GUEST: $VIF: VMM read $(delta rchar "$VS0" "$VS1") bytes in $(delta syscr "$VS0" "$VS1") calls during the download, wrote $(delta wchar "$VS1" "$VS2") bytes in $(delta syscw "$VS1" "$VS2") calls during the upload"
    echo "KEMU-GUEST: $VIF: guest kicks $((VK2 - VK0)), interrupts $((VI2 - VI0)); KVM's MMIO exits to the VMM $(delta mmio_exits "$VS0" "$VS2")"
    echo "KEMU-GUEST: $VIF: host side after: $VS2"
}

# vnic_ioeventfd: under KVM the queue notifications (kicks) reach the
# device through ioeventfd: KVM's MMIO exits to the VMM during the
# transfers are fewer than half the guest's kicks (each kick would be one
# without it: the modern interface, which check_virtio_net requires,
# notifies by an MMIO write). Port I/O exits are not counted: the serial
# console's lines are port I/O.
vnic_ioeventfd() {
    kicks=$((VK2 - VK0))
    mmio=$(delta mmio_exits "$VS0" "$VS2")
    if [ -z "$mmio" ]; then
        fail "$VIF: no KVM exit counters for the VMM (host side: $VS2)"
    elif [ "$kicks" -lt 20 ]; then
        fail "$VIF: only $kicks kicks during the transfers: cannot tell ioeventfd"
    elif [ $((2 * mmio)) -ge "$kicks" ]; then
        fail "$VIF: $kicks kicks, but $mmio MMIO exits to the VMM: kicks are not going through ioeventfd"
    fi
}

# The virtio NICs the VMM was given bind to virtio_net through virtio-pci:
# the interface has the MAC given, its PCI function is 1af4:1000
# (transitional virtio-net) bound to virtio-pci, the modern interface was
# negotiated (VIRTIO_F_VERSION_1, feature bit 32), the packed ring
# (VIRTIO_F_RING_PACKED, bit 34) exactly on the NICs kemu.vpacked=MAC[,MAC]
# names (run-checks: packed=on on the slirp NIC), and no virtio line in
# dmesg says fail/error.
modules_check_virtio_net="$VNIC_MODULES"
check_virtio_net() {
    n=0
    for mac in $VNIC_ALL; do
        ifc=$(vnic_if "$mac") || continue
        n=$((n + 1))
        dev=/sys/class/net/$ifc/device
        drv=$(basename "$(readlink "$dev/driver")")
        pci=$(readlink -f "$dev/..")
        ids="$(cat "$pci/vendor"):$(cat "$pci/device")"
        pdrv=$(basename "$(readlink "$pci/driver")")
        feat=$(cat "$dev/features")
        echo "KEMU-GUEST: $ifc $mac: driver $drv on ${pci##*/} $ids ($pdrv), features $feat"
        if [ "$drv" != virtio_net ]; then
            fail "$ifc: driver '$drv', expected virtio_net"
        elif [ "$ids" != 0x1af4:0x1000 ]; then
            fail "$ifc: PCI ids $ids, expected 0x1af4:0x1000"
        elif [ "$pdrv" != virtio-pci ]; then
            fail "$ifc: PCI driver '$pdrv', expected virtio-pci"
        elif [ "$(echo "$feat" | cut -c33)" != 1 ]; then
            fail "$ifc: VIRTIO_F_VERSION_1 not negotiated (features $feat)"
        fi
        packed=0
        case ",$(kemu_arg vpacked)," in *",$mac,"*) packed=1 ;; esac
        [ -n "$KEMU_WHY" ] || [ "$(echo "$feat" | cut -c35)" = "$packed" ] ||
            fail "$ifc: VIRTIO_F_RING_PACKED is $(echo "$feat" | cut -c35), expected $packed (features $feat)"
        [ -z "$KEMU_WHY" ] || return 1
    done
    dmesg | grep -i virtio | sed 's/^/KEMU-GUEST: dmesg: /'
    bad=$(dmesg | grep -i virtio | grep -iE 'fail|error' | head -n 1)
    if [ "$n" = 0 ]; then
        fail "no interface with a virtio test MAC ($VNIC_ALL)"
    elif [ -n "$bad" ]; then
        fail "kernel log: $bad"
    fi
}

# Tap, vhost=off: kemu-big.bin down and up with the right size and md5;
# the bytes went through the VMM's own read()s and write()s (at least the
# file's size each way: the userspace path); kicks went through ioeventfd.
modules_check_virtio_tap="$VNIC_MODULES"
check_virtio_tap() {
    vnic_up "$VNIC_TAP" || return
    vnic_transfer || return
    vnic_path_report
    r=$(delta rchar "$VS0" "$VS1") w=$(delta wchar "$VS1" "$VS2")
    if [ -z "$r" ] || [ -z "$w" ]; then
        fail "no VMM I/O counters from the host side: $VS2"
    elif [ "$r" -lt "$VBYTES" ] || [ "$w" -lt "$VBYTES" ]; then
        fail "vhost=off, but the VMM read only $r bytes during the download and wrote $w during the upload of $VBYTES"
    else
        vnic_ioeventfd
    fi
}

# Tap, vhost=on: the same transfers; the VMM holds /dev/vhost-net and a
# vhost kernel thread runs for it, and the bytes did NOT go through its
# read()s and write()s (less than a quarter of the file each way: the
# kernel's data path). Kicks reach vhost through ioeventfd (KVM exits
# fewer than half the kicks) and interrupts come through irqfd (the VMM
# made fewer than half as many read() calls as the guest took
# interrupts: relaying them would take one each). The monitor's
# `info network` names the vhost netdev (printed).
modules_check_virtio_vhost="$VNIC_MODULES"
check_virtio_vhost() {
    vnic_up "$VNIC_VHOST" || return
    host_get "cgi-bin/hmp?info+network" | sed 's/^/KEMU-GUEST: info network: /'
    vnic_transfer || return
    vnic_path_report
    r=$(delta rchar "$VS0" "$VS1") w=$(delta wchar "$VS1" "$VS2")
    calls=$(delta syscr "$VS0" "$VS2") irqs=$((VI2 - VI0))
    fds=$(stat_of vhostfds "$VS2") threads=$(stat_of vhostthreads "$VS2")
    if [ -z "$r" ] || [ -z "$w" ]; then
        fail "no VMM I/O counters from the host side: $VS2"
    elif [ "${fds:-0}" -lt 1 ] || [ "${threads:-0}" -lt 1 ]; then
        fail "vhost=on, but the VMM holds $fds /dev/vhost-net descriptors and has $threads vhost threads"
    elif [ $((4 * r)) -ge "$VBYTES" ] || [ $((4 * w)) -ge "$VBYTES" ]; then
        fail "vhost=on, but the VMM itself read $r bytes during the download and wrote $w during the upload of $VBYTES: not the vhost path"
    elif [ "$irqs" -lt 20 ]; then
        fail "only $irqs interrupts during the transfers: cannot tell irqfd"
    elif [ $((2 * calls)) -ge "$irqs" ]; then
        fail "$irqs interrupts, but the VMM made $calls read() calls: interrupts may be relayed, not irqfd"
    else
        vnic_ioeventfd
    fi
}

# ethtool -k on the tap NICs (vnet_hdr: offloads pass through): checksum
# offload, TSO and GRO are on.
modules_check_virtio_offload="$VNIC_MODULES"
check_virtio_offload() {
    n=0
    for mac in $VNIC_TAP $VNIC_VHOST $VNIC_MQ; do
        ifc=$(vnic_if "$mac") || continue
        n=$((n + 1))
        ethtool -k "$ifc" >/tmp/feat 2>&1
        grep -E '^(rx-checksumming|tx-checksumming|scatter-gather|tcp-segmentation-offload|generic-receive-offload|generic-segmentation-offload):' \
            /tmp/feat | sed "s/^/KEMU-GUEST: $ifc: /"
        for want in "tx-checksumming: on" "tcp-segmentation-offload: on" \
            "generic-receive-offload: on"; do
            grep -qx "$want" /tmp/feat || {
                fail "$ifc: ethtool -k has no '$want' line: $(grep "^${want%%:*}:" /tmp/feat)"
                return
            }
        done
    done
    [ "$n" -gt 0 ] || fail "no tap virtio NIC ($VNIC_TAP $VNIC_VHOST $VNIC_MQ)"
}

# Multiqueue (tap queues=2, vhost=on, mq=on): ethtool -l offers 2
# combined channels; `ethtool -L combined 2` (the control queue's
# VIRTIO_NET_CTRL_MQ) makes 2 current; the test file goes down and up
# whole (kemu-test.bin: vhost was proved on the other NIC); with 2 CPUs,
# one transfer pinned to each CPU (XPS maps CPU N to queue N) puts packets
# on both TX and both RX queues.
modules_check_virtio_mq="$VNIC_MODULES"
check_virtio_mq() {
    vnic_up "$VNIC_MQ" || return
    max=$(ethtool -l "$VIF" | awk '/^Combined:/ { print $2; exit }')
    [ "$max" = 2 ] || {
        fail "$VIF: ethtool -l: $max combined channels at most, expected 2"
        return
    }
    ethtool -L "$VIF" combined 2 2>&1 | sed 's/^/KEMU-GUEST: ethtool -L: /'
    cur=$(ethtool -l "$VIF" | awk '/^Combined:/ { c = $2 } END { print c }')
    echo "KEMU-GUEST: $VIF: combined channels: $max at most, $cur current"
    [ "$cur" = 2 ] || {
        fail "$VIF: $cur current combined channels after ethtool -L combined 2"
        return
    }
    vnic_transfer small || return
    vnic_path_report
    if [ "$(nproc)" -ge 2 ]; then
        want=$(kemu_test_file | sum_of)
        for cpu in 0 1; do
            got=$(taskset -c "$cpu" wget -q -O - "http://$VSRV:8080/kemu-test.bin" |
                sum_of)
            [ "$got" = "$want" ] || {
                fail "$VIF: download on CPU $cpu: $got, expected $want"
                return
            }
        done
        ethtool -S "$VIF" | grep -E '_queue_[01]_packets:' |
            sed "s/^ */KEMU-GUEST: $VIF: /"
        for q in rx_queue_0 rx_queue_1 tx_queue_0 tx_queue_1; do
            p=$(ethtool -S "$VIF" | awk -v q="${q}_packets:" '$1 == q { print $2 }')
            [ "${p:-0}" -gt 0 ] || {
                fail "$VIF: no packets on $q after a transfer pinned to each CPU"
                return
            }
        done
    fi
}

# vnic_id MAC: the -device id= run-checks.sh gives that NIC; vnic_netdev
# MAC: its -netdev id=.
vnic_id() {
    case "$1" in
    "$VNIC_USER") echo vu0 ;;
    "$VNIC_TAP") echo vt0 ;;
    "$VNIC_VHOST") echo vt1 ;;
    "$VNIC_MQ") echo vt2 ;;
    esac
}
vnic_netdev() {
    case "$1" in
    "$VNIC_USER") echo n0 ;;
    "$VNIC_TAP") echo t0 ;;
    "$VNIC_VHOST") echo t1 ;;
    "$VNIC_MQ") echo t2 ;;
    esac
}

# What kemu itself reports about its fast paths (run after traffic): for
# every NIC present, its virtio-pci device's QOM properties
# x-ioeventfd-active and x-irqfd-active are true (queue notifications are
# KVM ioeventfds, queue interrupts KVM irqfds on MSI routes) and
# x-notify-exits, the notifications that came by a vCPU exit after
# DRIVER_OK, is 0; HMP `info network` shows vhost=started on the
# vhost=on taps and no vhost on the vhost=off one. (kemu's properties: the
# counters of virtio-tap and virtio-vhost prove the same for any VMM.)
modules_check_virtio_kvm="$VNIC_MODULES"
check_virtio_kvm() {
    n=0
    for mac in $VNIC_ALL; do
        ifc=$(vnic_if "$mac") || continue
        vnic_up "$mac" || return
        n=$((n + 1))
        id=$(vnic_id "$mac")
        q=/machine/peripheral/$id
        host_get "cgi-bin/hmp?qom-get+$q+x-ioeventfd-active,qom-get+$q+x-irqfd-active,qom-get+$q+x-notify-exits" |
            tr -d '\r' | grep -v '^$' >/tmp/qom
        k=0
        for prop in x-ioeventfd-active x-irqfd-active x-notify-exits; do
            k=$((k + 1))
            v=$(sed -n "${k}p" /tmp/qom)
            echo "KEMU-GUEST: $ifc: qom-get $id $prop: $v"
            case "$prop" in
            x-notify-exits) want=0 ;;
            *) want=true ;;
            esac
            [ "$v" = "$want" ] || {
                fail "$ifc: qom-get /machine/peripheral/$id $prop: '$v', expected $want"
                return
            }
        done
    done
    [ "$n" -gt 0 ] || {
        fail "no virtio test NIC ($VNIC_ALL)"
        return
    }
    info=$(host_get "cgi-bin/hmp?info+network")
    echo "$info" | sed 's/^/KEMU-GUEST: info network: /'
    for mac in $VNIC_VHOST $VNIC_MQ $VNIC_TAP; do
        vnic_if "$mac" >/dev/null || continue
        nd=$(vnic_netdev "$mac")
        lines=$(echo "$info" | grep -E "(^| )$nd(\.[0-9]+)?: ")
        [ -n "$lines" ] || {
            fail "no netdev $nd in info network"
            return
        }
        case "$mac:$lines" in
        "$VNIC_TAP":*vhost*)
            fail "netdev $nd has vhost=off, but info network says: $lines"
            return
            ;;
        "$VNIC_TAP":*) ;;
        *vhost=started*) ;;
        *)
            fail "netdev $nd has vhost=on, but info network says: $lines"
            return
            ;;
        esac
    done
}

# vnic_busy IF: until IF has received 256 KiB more than now (traffic is
# flowing); false after 30 s.
vnic_busy() {
    b0=$(cat "/sys/class/net/$1/statistics/rx_bytes")
    n=300
    while [ $(($(cat "/sys/class/net/$1/statistics/rx_bytes") - b0)) -lt 262144 ]; do
        n=$((n - 1))
        [ "$n" -gt 0 ] || return 1
        sleep 0.1
    done
}

# vnic_bg_get: kemu-big.bin from $VSRV to nowhere, in the background
# (its pid in BG); the caller waits for it or kills it.
vnic_bg_get() {
    timeout 120 wget -q -O /dev/null "http://$VSRV:8080/kemu-big.bin" 2>/dev/null &
    BG=$!
}

# vnic_check_get MAC WHEN: that NIC up (again) and the test file
# downloads whole.
vnic_check_get() {
    vnic_up "$1" || return
    want=$(kemu_test_file | sum_of)
    got=$(host_get kemu-test.bin | sum_of)
    echo "KEMU-GUEST: $VIF ($1) $2: downloaded $got"
    [ "$got" = "$want" ] || fail "$VIF $2: download: $got, expected $want"
}

# Resets during traffic leave the NICs working: on each NIC present but
# the mq one (slirp, tap, vhost), `ip link set down` and `up` while a
# download runs, then a download works; then `rmmod virtio_net` while downloads run on
# all of them (the device is reset, vhost stopped) and `modprobe
# virtio_net`: every NIC comes back with its MAC, gets its address again
# (DHCP on slirp) and a download works; then, with a vhost NIC, HMP stop
# and cont, and the small file goes down and up still without the VMM's
# read()s (vhost back in use after the reload and the stop).
modules_check_virtio_reset="$VNIC_MODULES"
# shellcheck disable=SC2086 # $bgs, a list of pids
check_virtio_reset() {
    macs=""
    for mac in $VNIC_USER $VNIC_TAP $VNIC_VHOST $VNIC_MQ; do
        vnic_if "$mac" >/dev/null && macs="$macs $mac"
    done
    [ -n "$macs" ] || {
        fail "no virtio test NIC ($VNIC_ALL)"
        return
    }
    for mac in $macs; do
        # The mq NIC is vhost again: its link flap adds time, not coverage.
        [ "$mac" != "$VNIC_MQ" ] || continue
        vnic_up "$mac" || return
        vnic_bg_get
        if ! vnic_busy "$VIF"; then
            kill "$BG" 2>/dev/null
            fail "$VIF: no traffic within 30 s of starting a download"
            return
        fi
        ip link set "$VIF" down
        ip link set "$VIF" up
        # The rest of that download is not the point (and costs time).
        kill "$BG" 2>/dev/null
        wait "$BG" 2>/dev/null
        echo "KEMU-GUEST: $VIF: link down and up during a download"
        vnic_check_get "$mac" "after link down/up" || return
    done
    bgs="" # a list of pids: split on purpose below
    for mac in $macs; do
        vnic_up "$mac" || return
        vnic_bg_get
        bgs="$bgs $BG"
    done
    vnic_busy "$VIF" || {
        kill $bgs 2>/dev/null
        fail "$VIF: no traffic within 30 s of starting the downloads"
        return
    }
    rmmod virtio_net || {
        kill $bgs 2>/dev/null
        fail "rmmod virtio_net failed"
        return
    }
    echo "KEMU-GUEST: rmmod virtio_net during downloads on:$macs"
    kill $bgs 2>/dev/null
    wait $bgs 2>/dev/null
    modprobe virtio_net || {
        fail "modprobe virtio_net failed"
        return
    }
    for mac in $macs; do
        ifc=""
        n=100
        while ! ifc=$(vnic_if "$mac") && [ "$n" -gt 0 ]; do
            n=$((n - 1))
            sleep 0.1
        done
        [ -n "$ifc" ] || {
            fail "no interface with MAC $mac 10 s after modprobe virtio_net"
            return
        }
    done
    for mac in $macs; do
        vnic_check_get "$mac" "after rmmod/modprobe" || return
        [ "$mac" = "$VNIC_USER" ] || continue
        addr=$(net_addr "$VIF")
        [ "$addr" = 10.0.2.15/24 ] || {
            fail "$VIF: '$addr' after DHCP again, expected 10.0.2.15/24"
            return
        }
    done
    case "$macs" in
    *"$VNIC_VHOST"*)
        vnic_up "$VNIC_VHOST" || return
        # The monitor stops and resumes the VM (vhost is taken back and
        # handed over again); the answer reaches us after cont.
        st=$(host_get "cgi-bin/hmp?stop,info+status,cont,info+status" |
            tr -d '\r' | grep -v '^$' | tr '\n' ';')
        echo "KEMU-GUEST: stop, info status, cont, info status: $st"
        [ "$st" = "VM status: paused;VM status: running;" ] || {
            fail "HMP stop/cont: '$st', expected paused then running"
            return
        }
        vnic_transfer small || return
        vnic_path_report
        r=$(delta rchar "$VS0" "$VS1")
        [ -n "$r" ] && [ $((4 * r)) -lt "$VBYTES" ] ||
            fail "after the reload the VMM read $r bytes during a download of $VBYTES: vhost not back in use"
        ;;
    esac
}
