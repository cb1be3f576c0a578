#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite behind `make check`: CUnit unit tests, qtest device
# tests (-accel qtest, no guest), kemu's own bare-metal guests on KVM, and
# Linux guests (nested under QEMU's TCG where the host's KVM cannot boot
# Linux).  Every suite runs even if an earlier one failed; the exit status
# is non-zero if any failed.  Usage: tests/run-all.sh BUILD/kemu-system-x86_64
set -u
emu=${1:-build/kemu-system-x86_64}
cd "$(dirname "$0")/.." || exit 1

failed=()
suite() {
    local name=$1
    shift
    echo "=== $name: $*"
    local start=$SECONDS
    if "$@"; then
        echo "=== $name: ok ($((SECONDS - start)) s)"
    else
        echo "=== $name: FAILED ($((SECONDS - start)) s)"
        failed+=("$name")
    fi
}

suite unit build/tests/unit/unit-tests
suite qtest env QTEST_QEMU_BINARY="$emu" tests/qtest/run.sh \
    $(ls build/tests/qtest/*-test 2>/dev/null)
suite guest tests/guest/bare/run.sh "$emu"
suite linux tests/guest/linux/run-checks.sh "$emu"

if [ ${#failed[@]} -gt 0 ]; then
    echo "make check: FAILED suites: ${failed[*]}"
    exit 1
fi
echo "make check: all suites passed"
