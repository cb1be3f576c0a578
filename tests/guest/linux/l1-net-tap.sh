# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# --l1-pre snippet for the net-tap check: a network namespace (made here,
# in L1 or in a direct run's private namespace) holding the TAP ktap0 at
# 192.168.76.1/24 for the VMM's -netdev tap,ifname=ktap0; the VMM runs in
# it (KEMU_VMM_PREFIX). An HTTP server there serves the test file
# (kemu_test_file in checks.sh) and two CGIs: upload (a POST; answers
# "BYTES MD5" of the body) and linkflap (in the background: QMP set_link
# n0 down, 4 s, up, through /run/kemu-net/qmp.sock; log in /linkflap.log).

kemu_run=/run/kemu-net
kemu_www=$kemu_run/www-tap
mkdir -p "$kemu_www/cgi-bin"
[ -c /dev/net/tun ] || modprobe tun
: >"$kemu_run/netns"
unshare --net="$kemu_run/netns" true
KEMU_VMM_PREFIX="nsenter --net=$kemu_run/netns"
$KEMU_VMM_PREFIX ip link set lo up
$KEMU_VMM_PREFIX tunctl -t ktap0 >/dev/null
$KEMU_VMM_PREFIX ip addr add 192.168.76.1/24 dev ktap0
$KEMU_VMM_PREFIX ip link set ktap0 up
seq 1 150000 >"$kemu_www/kemu-test.bin"

kemu_cgi_upload "$kemu_www"

cat >"$kemu_www/cgi-bin/linkflap" <<'EOS'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
qmp() {
    printf '%s\n%s\n' '{"execute": "qmp_capabilities"}' \
        "{\"execute\": \"set_link\", \"arguments\": {\"name\": \"n0\", \"up\": $1}}" |
        socat -t 1 - UNIX-CONNECT:/run/kemu-net/qmp.sock 2>&1 |
        grep -v '"QMP"' | tr -d '\r' | tr '\n' ' '
}
(
    sleep 1
    echo "set_link n0 down: $(qmp false)"
    sleep 4
    echo "set_link n0 up: $(qmp true)"
) >/run/kemu-net/www-tap/linkflap.log 2>&1 </dev/null &
echo ok
EOS
chmod 755 "$kemu_www/cgi-bin/linkflap"
if $KEMU_VMM_PREFIX httpd -p 192.168.76.1:8080 -h "$kemu_www"; then
    echo "KEMU-L1: net-tap: ktap0 192.168.76.1/24 and httpd in $kemu_run/netns"
else
    echo "KEMU-L1: net-tap: setting up ktap0 and httpd failed (see above)"
fi
