# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# --l1-pre snippet for the virtio-net checks: the host side, in a network
# namespace made here (in L1, or in a direct run's private namespace); the
# VMM runs in it too. One busybox httpd on port 8080 of every address of
# the namespace serves them all:
#   - 127.0.0.1: slirp's 10.0.2.2 (-netdev user);
#   - ktap0 192.168.81.1/24, ktap1 192.168.82.1/24, ktap2 192.168.83.1/24:
#     the taps of -netdev tap,ifname=ktapN (the VMM creates them, so
#     queues=N works; a watcher gives each its address when it appears).
# Files: kemu-test.bin (seq 1 150000, 938,895 bytes) and kemu-big.bin
# (seq 1 600000, 4,088,895 bytes). CGIs:
#   upload     a POST; answers "BYTES MD5" of the body
#   fetch?PORT fetches http://127.0.0.1:PORT/kemu-test.bin (the guest's
#              port 80 through hostfwd) and answers "BYTES MD5"
#   vmmstat    one line of counters about the VMM, for before/after deltas:
#              its /proc/PID/io (rchar wchar syscr syscw: bytes and calls
#              of its own read and write syscalls), KVM's exit counters for
#              its VM (debugfs: exits to userspace for MMIO and port I/O),
#              its /dev/vhost-net descriptors and vhost kernel threads
#   hmp?CMD[,CMD...]  HMP commands through one QMP session
#              (/run/kemu-net/qmp.sock; '+' is a space; letters, digits,
#              / . _ - only), their outputs in order
# The VMM's pid is kept in /run/kemu-net/vmm.pid (KEMU_VMM_PREFIX records
# it, then execs nsenter, which execs the VMM: same pid).

kemu_run=/run/kemu-net
kemu_www=$kemu_run/www-virtio
mkdir -p "$kemu_www/cgi-bin"
[ -c /dev/net/tun ] || modprobe tun
[ -c /dev/vhost-net ] || modprobe vhost_net ||
    echo "KEMU-L1: net-virtio: cannot load vhost_net"
[ -d /sys/kernel/debug/kvm ] ||
    mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null ||
    echo "KEMU-L1: net-virtio: cannot mount debugfs (KVM exit counters)"
: >"$kemu_run/netns"
unshare --net="$kemu_run/netns" true
cat >"$kemu_run/vmm-exec.sh" <<'EOS'
echo $$ >/run/kemu-net/vmm.pid
exec nsenter --net=/run/kemu-net/netns "$@"
EOS
# shellcheck disable=SC2034 # run.sh, sourced after this, reads it
KEMU_VMM_PREFIX="sh $kemu_run/vmm-exec.sh"
kemu_ns="nsenter --net=$kemu_run/netns"
$kemu_ns ip link set lo up
seq 1 150000 >"$kemu_www/kemu-test.bin"
seq 1 600000 >"$kemu_www/kemu-big.bin"

kemu_cgi_upload "$kemu_www"

kemu_cgi_fetch "$kemu_www"

cat >"$kemu_www/cgi-bin/vmmstat" <<'EOS'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
pid=$(cat /run/kemu-net/vmm.pid 2>/dev/null)
[ -n "$pid" ] && [ -r "/proc/$pid/io" ] || {
    echo "no VMM process (pid '$pid')"
    exit 0
}
out=$(awk '/^(rchar|wchar|syscr|syscw):/ { sub(":", "", $1); printf "%s=%s ", $1, $2 }' \
    "/proc/$pid/io")
# KVM's debugfs directory of the VM is PID-FD, with the global PID. In a
# direct run's PID namespace that PID is not ours: take the one VM whose FD
# is the VMM's kvm-vm descriptor, if only one matches.
vm=$(ls -d /sys/kernel/debug/kvm/"$pid"-* 2>/dev/null | tail -n 1)
if [ -z "$vm" ]; then
    fd=$(ls -l "/proc/$pid/fd" 2>/dev/null |
        sed -n 's/.* \([0-9]*\) -> anon_inode:kvm-vm$/\1/p' | head -n 1)
    [ -z "$fd" ] || [ "$(ls -d /sys/kernel/debug/kvm/*-"$fd" 2>/dev/null |
        wc -l)" != 1 ] || vm=$(ls -d /sys/kernel/debug/kvm/*-"$fd")
fi
for c in exits mmio_exits io_exits; do
    out="$out$c=$(cat "$vm/$c" 2>/dev/null || echo none) "
done
fds=$(ls -l "/proc/$pid/fd" 2>/dev/null | grep -c /dev/vhost-net)
threads=$(ps -o comm | grep -c "^vhost-$pid")
echo "${out}vhostfds=$fds vhostthreads=$threads"
EOS

cat >"$kemu_www/cgi-bin/hmp" <<'EOS'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
cmds=$(echo "$QUERY_STRING" | tr '+' ' ')
case "$cmds" in
*[!a-z0-9/.,\ _-]*)
    echo "bad command '$cmds'"
    exit 0
    ;;
esac
# One QMP session for all: socat waits 2 s for replies after its input ends.
{
    echo '{"execute": "qmp_capabilities"}'
    echo "$cmds" | tr ',' '\n' | while read -r cmd; do
        echo "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"$cmd\"}}"
    done
} | socat -t 2 - UNIX-CONNECT:/run/kemu-net/qmp.sock 2>&1 |
    sed -n 's/.*"return": "\(.*\)".*/\1/p' |
    sed 's/\\r//g; s/\\n/\n/g; s/\\"/"/g; s/\\\\/\\/g'
EOS
chmod 755 "$kemu_www/cgi-bin/"*

# The taps appear when the VMM opens them: address them then (in the
# background, for up to 10 minutes; L1 powers off when the VMM exits).
(
    n=3000
    left="0 1 2"
    while [ -n "$left" ] && [ "$n" -gt 0 ]; do
        for i in $left; do
            if $kemu_ns ip link show "ktap$i" >/dev/null 2>&1; then
                $kemu_ns ip addr add "192.168.8$((i + 1)).1/24" dev "ktap$i"
                $kemu_ns ip link set "ktap$i" up
                left=$(echo "$left" | sed "s/$i//; s/  */ /g; s/^ //; s/ $//")
            fi
        done
        n=$((n - 1))
        sleep 0.2
    done
) </dev/null >/dev/null 2>&1 &

if $kemu_ns httpd -p 8080 -h "$kemu_www"; then
    echo "KEMU-L1: net-virtio: httpd on port 8080 in $kemu_run/netns"
else
    echo "KEMU-L1: net-virtio: starting httpd failed (see above)"
fi
