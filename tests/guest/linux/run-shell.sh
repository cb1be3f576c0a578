#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make run`: boots the Linux test guest under VMM with a busybox shell on
# this terminal (the "shell" guest check), directly on hardware KVM or
# nested in an L1 Linux under QEMU TCG. 'exit' in the shell powers the
# guest off and returns here.
#
# Usage: run-shell.sh VMM [extra VMM args]

set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] || { echo "usage: run-shell.sh VMM [extra VMM args]" >&2; exit 2; }
vmm=$1
shift
[ -c /dev/kvm ] || die "no /dev/kvm: cannot run a KVM guest here"

mode=$(kvm_mode)
if [ "$mode" = direct ]; then
    echo "run-shell: direct on hardware KVM ($(kvm_mode_why)); Ctrl-A x quits the VMM"
else
    echo "run-shell: nested in an L1 Linux under QEMU TCG ($(kvm_mode_why));" \
        "boot takes ~10 s; Ctrl-A x quits L1, Ctrl-A Ctrl-A x the VMM"
fi
exec "$KEMU_LINUX_DIR/testbed.sh" --vmm "$vmm" --check shell --interactive \
    --mode "$mode" -- "$@"
