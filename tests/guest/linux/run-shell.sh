#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make run`: boots the Linux test guest under VMM with a busybox shell on
# this terminal (the "shell" guest check), directly on hardware KVM or
# nested in an L1 Linux under QEMU TCG everywhere else (kvm_pvm, no or an
# unusable /dev/kvm). Says in one line which and why. 'exit' in the shell
# powers the guest off and returns here.
#
# Usage: run-shell.sh VMM [extra VMM args]
# KEMU_TESTBED_MODE=direct|nested|auto forces the path (default auto).

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: run-shell.sh VMM [extra VMM args]" >&2; exit 2; }
vmm=$1
shift

testbed_mode linux
[ -z "$TESTBED_SKIP" ] || die "$TESTBED_SKIP"
if [ "$TESTBED_MODE" = direct ]; then
    echo "run-shell: $(testbed_mode_line); Ctrl-A x quits the VMM"
else
    echo "run-shell: $(testbed_mode_line); boot takes ~10 s;" \
        "Ctrl-A x quits L1, Ctrl-A Ctrl-A x the VMM"
fi
exec "$KEMU_LINUX_DIR/testbed.sh" --vmm "$vmm" --check shell --interactive \
    --mode "$TESTBED_MODE" -- "$@"
