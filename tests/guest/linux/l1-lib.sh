# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# Functions for the --l1-pre snippets (l1-net-*.sh): testbed.sh puts this
# file in front of the snippet, so each snippet can call them. They write
# the CGIs the snippets' busybox httpd serves to the guest:
#   kemu_cgi_upload DIR  DIR/cgi-bin/upload: a POST; answers "BYTES MD5" of
#                        the body
#   kemu_cgi_fetch DIR   DIR/cgi-bin/fetch?PORT: fetches
#                        http://127.0.0.1:PORT/kemu-test.bin (the guest's
#                        port 80 through the VMM's hostfwd) and answers
#                        "BYTES MD5" of what it got

kemu_cgi_upload() {
    mkdir -p "$1/cgi-bin"
    cat >"$1/cgi-bin/upload" <<'EOS'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
f=/run/kemu-net/upload.$$
head -c "${CONTENT_LENGTH:-0}" >"$f"
echo "$(wc -c <"$f") $(md5sum <"$f" | cut -d' ' -f1)"
rm -f "$f"
EOS
    chmod 755 "$1/cgi-bin/upload"
}

kemu_cgi_fetch() {
    mkdir -p "$1/cgi-bin"
    cat >"$1/cgi-bin/fetch" <<'EOS'
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
    chmod 755 "$1/cgi-bin/fetch"
}
