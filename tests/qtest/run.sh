#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run qtest programs and add up their CUnit results:
#   tests/qtest/run.sh build/tests/qtest/qmp-test build/tests/qtest/...
# Each program prints "qtest-summary: passed N failed N skipped N" last; a
# program that dies without it (crash, watchdog) counts as one failure.
# The emulator is $QTEST_QEMU_BINARY (default build/kemu-system-x86_64).
# The last line is "qtest: N passed, N failed, N skipped"; the exit status
# is non-zero when anything failed.

: "${QTEST_QEMU_BINARY:=build/kemu-system-x86_64}"
export QTEST_QEMU_BINARY
# A program gets this long in all before it is killed from outside too.
limit="${QTEST_PROGRAM_TIMEOUT:-300}"

passed=0
failed=0
skipped=0
failed_programs=""
log=$(mktemp "${TMPDIR:-/tmp}/qtest-run.XXXXXX") || exit 1
trap 'rm -f "$log"' EXIT

if [ $# -eq 0 ]; then
    echo "usage: $0 PROGRAM..." >&2
    exit 2
fi
if [ ! -x "$QTEST_QEMU_BINARY" ]; then
    echo "qtest: emulator '$QTEST_QEMU_BINARY' not found (build it first)" >&2
    exit 1
fi

for prog in "$@"; do
    name=$(basename "$prog")
    echo "=== $name"
    timeout -k 10 "$((limit + 30))" "$prog" >"$log" 2>&1
    status=$?
    cat "$log"
    summary=$(grep '^qtest-summary:' "$log" | tail -n 1)
    if [ -n "$summary" ]; then
        # qtest-summary: passed P failed F skipped S
        p=$(echo "$summary" | awk '{ print $3 }')
        f=$(echo "$summary" | awk '{ print $5 }')
        s=$(echo "$summary" | awk '{ print $7 }')
        passed=$((passed + p))
        failed=$((failed + f))
        skipped=$((skipped + s))
        if [ "$f" -ne 0 ] || [ "$status" -ne 0 ]; then
            failed_programs="$failed_programs $name"
        fi
        if [ "$f" -eq 0 ] && [ "$status" -ne 0 ]; then
            failed=$((failed + 1))
        fi
    else
        echo "qtest: $name ended without a summary (exit status $status)"
        failed=$((failed + 1))
        failed_programs="$failed_programs $name"
    fi
done

if [ -n "$failed_programs" ]; then
    echo "qtest: failing programs:$failed_programs"
fi
echo "qtest: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
