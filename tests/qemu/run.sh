#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU 7.2's own device tests against kemu: builds qos-test from Debian's
# qemu source package (build-qos-test.sh), lets it walk its device graph
# with kemu as QTEST_QEMU_BINARY, and runs every /x86_64/ path it lists,
# each in its own process under a timeout.  Only what kemu lists in
# query-machines and qom-list-types appears in the graph.
#
#   tests/qemu/run.sh [build/kemu-system-x86_64]
#
# tests/qemu/expected-failures.txt lists the paths kemu cannot pass yet,
# "PATH  reason" per line.  The run fails on an unlisted failure, on a
# listed path that passes (take it off the list), and on a listed path the
# graph no longer has.  The last line is "qemu-qos: N passed, M failed",
# where M counts those; listed paths that still fail are reported apart.
#
# QOS_PATHS=REGEX runs only the paths matching it (listed paths outside it
# are not checked); QOS_KEMU_ARGS="-d qmp,guest-errors" adds arguments to
# every kemu qos-test starts (its QMP exchange then shows in a failure's
# log); QOS_PATH_TIMEOUT=S limits each path (default 60 s).
set -euo pipefail

cd "$(dirname "$0")/../.."
emu=$(realpath "${1:-build/kemu-system-x86_64}")
xfail_file=tests/qemu/expected-failures.txt
limit=${QOS_PATH_TIMEOUT:-60}

if [ ! -x "$emu" ]; then
    echo "qemu-qos: emulator '$emu' not found (build it first)" >&2
    exit 1
fi
if ! qos=$(tests/qemu/build-qos-test.sh); then
    echo "qemu-qos: could not build QEMU's qos-test"
    echo "qemu-qos: 0 passed, 1 failed"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
if [ -n "${QOS_KEMU_ARGS:-}" ]; then
    # qos-test takes the target from the binary's name (after its last
    # '-'), so the extra arguments go in a wrapper of the same name.
    printf '#!/bin/sh\nexec %q %s "$@"\n' "$emu" "$QOS_KEMU_ARGS" \
        >"$tmp/${emu##*/}"
    chmod +x "$tmp/${emu##*/}"
    export QTEST_QEMU_BINARY=$tmp/${emu##*/}
else
    export QTEST_QEMU_BINARY=$emu
fi

declare -A xfail=()
while read -r path reason; do
    case "$path" in '' | '#'*) continue ;; esac
    xfail[$path]=${reason:-"(no reason given)"}
done <"$xfail_file"

mapfile -t paths < <("$qos" -l 2>/dev/null | grep '^/x86_64/' |
    grep -E -- "${QOS_PATHS:-.}" || true)
if [ ${#paths[@]} -eq 0 ]; then
    "$qos" -l >&2 || true
    echo "qemu-qos: qos-test found no /x86_64/ path for kemu"
    echo "qemu-qos: 0 passed, 1 failed"
    exit 1
fi

passed=0
failed=0
xfailed=0
start=$SECONDS
declare -A seen=()
for path in "${paths[@]}"; do
    seen[$path]=1
    status=0
    timeout -k 10 "$limit" "$qos" -p "$path" >"$log" 2>&1 || status=$?
    # The path ran and passed: status 0 and its own TAP "ok" line.
    if [ $status -eq 0 ] && grep -q "^ok [0-9]* $path\$" "$log"; then
        result=pass
    else
        result=fail
    fi
    if [ -n "${xfail[$path]+x}" ]; then
        if [ $result = pass ]; then
            echo "UNEXPECTED PASS $path (take it off $xfail_file)"
            failed=$((failed + 1))
        else
            echo "XFAIL $path: ${xfail[$path]}"
            xfailed=$((xfailed + 1))
        fi
    elif [ $result = pass ]; then
        echo "PASS $path"
        passed=$((passed + 1))
    else
        echo "FAIL $path (exit $status)"
        sed 's/^/    /' "$log" | tail -n 30
        echo "    rerun: QTEST_QEMU_BINARY=$emu $qos -p $path"
        failed=$((failed + 1))
    fi
done
for path in "${!xfail[@]}"; do
    if [ -z "${seen[$path]+x}" ] && [[ $path =~ ${QOS_PATHS:-.} ]]; then
        echo "STALE $path: listed in $xfail_file but not in the graph"
        failed=$((failed + 1))
    fi
done
echo "qemu-qos: ${#paths[@]} paths in $((SECONDS - start)) s;" \
    "$xfailed expected failures ($xfail_file)"
echo "qemu-qos: $passed passed, $failed failed"
[ $failed -eq 0 ]
