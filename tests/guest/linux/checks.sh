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
