#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The whole test suite behind `make check`: the include layering
# (scripts/check-layering.py) and format checks, CUnit unit tests, qtest device
# tests (-accel qtest, no guest), kemu's own bare-metal guests (directly on
# any usable /dev/kvm, else in a nested L1 under QEMU's TCG), and Linux
# guests (directly on hardware KVM, else nested).  No suite needs /dev/kvm.
# Every suite runs even if an earlier one failed; the exit status is
# non-zero if any failed.  Under CI=true a guest suite that skips fails
# (the runners see to it).  The build directory is the emulator's.
# Usage: tests/run-all.sh BUILD/kemu-system-x86_64
# KEMU_TESTBED_MODE=direct|nested|auto forces the guest suites' path.
set -u
emu=${1:-build/kemu-system-x86_64}
cd "$(dirname "$0")/.." || exit 1
build=$(dirname "$emu")

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

# The tree's own rules first: they take seconds.
suite layering make -s BUILD="$build" check-layering
suite format make -s BUILD="$build" format-check
suite unit "$build/tests/unit/unit-tests"
suite docs tests/docs/check-examples.sh "$build"
# shellcheck disable=SC2046 # one argument per test program
suite qtest env QTEST_QEMU_BINARY="$emu" tests/qtest/run.sh \
    $(ls "$build"/tests/qtest/*-test 2>/dev/null)
suite qemu tests/qemu/run.sh "$emu"
suite guest tests/guest/bare/run.sh "$emu"
suite linux tests/guest/linux/run-checks.sh "$emu"

if [ ${#failed[@]} -gt 0 ]; then
    echo "make check: FAILED suites: ${failed[*]} ($SECONDS s)"
    exit 1
fi
echo "make check: all suites passed ($SECONDS s)"
