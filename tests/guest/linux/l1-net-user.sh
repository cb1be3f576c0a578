# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# --l1-pre snippet for the e1000 and net-* checks on -netdev user: the host
# side of slirp (L1 when nested, the host in its own namespace when
# direct). Serves the test file (kemu_test_file in checks.sh) at
# http://127.0.0.1:8080/kemu-test.bin, and /cgi-bin/fetch?PORT, which
# fetches http://127.0.0.1:PORT/kemu-test.bin -- the guest's port 80
# through the VMM's hostfwd -- and answers "BYTES MD5" of what it got.

kemu_www=/run/kemu-net/www-user
mkdir -p "$kemu_www/cgi-bin"
seq 1 150000 >"$kemu_www/kemu-test.bin"
cat >"$kemu_www/cgi-bin/fetch" <<'EOS'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
case "$QUERY_STRING" in
'' | *[!0-9]*)
    echo "bad port '$QUERY_STRING'"
    exit 0
    ;;
esac
f=/run/kemu-net/fetched.$$
if timeout 30 wget -q -O "$f" "http://127.0.0.1:$QUERY_STRING/kemu-test.bin"; then
    echo "$(wc -c <"$f") $(md5sum <"$f" | cut -d' ' -f1)"
else
    echo "wget http://127.0.0.1:$QUERY_STRING/kemu-test.bin failed"
fi
rm -f "$f"
EOS
chmod 755 "$kemu_www/cgi-bin/fetch"
httpd -p 127.0.0.1:8080 -h "$kemu_www"
echo "KEMU-L1: net-user: httpd on 127.0.0.1:8080"
