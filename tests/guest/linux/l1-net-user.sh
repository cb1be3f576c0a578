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
kemu_cgi_fetch "$kemu_www"
httpd -p 127.0.0.1:8080 -h "$kemu_www"
echo "KEMU-L1: net-user: httpd on 127.0.0.1:8080"
