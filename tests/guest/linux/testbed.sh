#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boots the Linux test guest (L2) under a VMM and runs guest checks (one,
# or several in a row in the same boot). Where the host's KVM can boot
# Linux (hardware KVM) the VMM runs directly; everywhere else (kvm_pvm, an
# unusable /dev/kvm, no /dev/kvm at all) it runs inside an L1 Linux under
# QEMU TCG with emulated AMD SVM, which loads kvm-amd: that needs no KVM on
# the host. Prints one result line per check, "PASS: linux-NAME" or
# "FAIL: linux-NAME (why)"; exit 0 all passed, 1 fail, 77 skip ("SKIP:
# why": only when direct is forced without a usable /dev/kvm, or the nested
# bed cannot be installed), 2 usage.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() {
    cat <<'EOF'
usage: testbed.sh --vmm PATH --check NAME[,NAME...] [options] [-- extra VMM args]

  --vmm PATH          VMM binary (build/kemu-system-x86_64, qemu-system-x86_64)
  --check NAME        guest check (checks.sh): boot smp serial-input clock
                      poweroff reboot shell dmesg e1000 net-dhcp net-http
                      net-hostfwd net-tap hotplug virtio-net virtio-offload
                      virtio-tap virtio-vhost virtio-mq virtio-kvm
                      virtio-reset; a comma-separated list runs them
                      in order in one boot, with one result line each
  --name NAME         name on the result line (default linux-CHECK; a
                      comma-separated list for a list of checks)
  --timeout S         give up after S seconds (default 60 direct, 180
                      nested); nested, a given S counts double: a hang
                      guard, not a speed check, and a shared 2-core host
                      running TCG is slow
  --expect-exit N     VMM exit status that passes (default 0)
  --stdin TEXT        type TEXT and a newline on the guest console once the
                      guest prints "KEMU-GUEST: ready for input"
  --kernel K          vmlinux (default; PVH ELF) or bzImage
  --append ARGS       more guest kernel arguments (e.g. kemu.ncpus=2)
  --mem SIZE          guest RAM (default 256M)
  --allow-reboot      do not pass -no-reboot to the VMM
  --l1-pre FILE       shell snippet sourced before the VMM starts: in L1
                      when nested; when direct, on this host inside a
                      private network and mount namespace (e.g. servers on
                      loopback, a netns with a tap); see README.md
  --l1-bin PATH       also copy program PATH with its shared libraries into
                      L1 (repeatable; nested only: direct runs use the host's)
  --vmm-file PATH     also copy PATH (file or dir) into L1 at the same path
                      (repeatable; nested only)
  --mode M            auto, direct or nested (default: $KEMU_TESTBED_MODE,
                      else auto: direct on hardware KVM, nested otherwise)
  --interactive       console on this terminal; no checking (run-shell.sh)
  -v, --verbose       show the console as it runs
EOF
    exit 2
}

vmm="" check="" name="" timeout="" expect_exit=0 stdin_text="" have_stdin=0
kernel=vmlinux append="" mem=$L2_MEM no_reboot=1 l1_pre=""
mode=${KEMU_TESTBED_MODE:-auto}
interactive=0 verbose=0 vmm_files=() l1_bins=() extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --vmm) vmm=$2; shift 2 ;;
    --check) check=$2; shift 2 ;;
    --name) name=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --expect-exit) expect_exit=$2; shift 2 ;;
    --stdin) stdin_text=$2; have_stdin=1; shift 2 ;;
    --kernel) kernel=$2; shift 2 ;;
    --append) append="$append $2"; shift 2 ;;
    --mem) mem=$2; shift 2 ;;
    --allow-reboot) no_reboot=0; shift ;;
    --l1-pre) l1_pre=$2; shift 2 ;;
    --l1-bin)
        p=$(command -v "$2") || die "--l1-bin: no such program '$2'"
        l1_bins+=("$(realpath -s "$p")")
        shift 2
        ;;
    --vmm-file) vmm_files+=("$(realpath -s "$2")"); shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --interactive) interactive=1; shift ;;
    -v | --verbose) verbose=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    *) log "testbed: unknown option '$1'"; usage ;;
    esac
done
[ -n "$vmm" ] && [ -n "$check" ] || usage
case "$kernel" in vmlinux | bzImage) ;; *) die "--kernel must be vmlinux or bzImage, not '$kernel'" ;; esac
case "$mode" in auto | direct | nested) ;; *) die "--mode must be auto, direct or nested" ;; esac
[[ "$timeout" =~ ^[0-9]*$ ]] || die "--timeout takes whole seconds, not '$timeout'"
[ -z "$l1_pre" ] || [ -f "$l1_pre" ] || die "--l1-pre: no file '$l1_pre'"
IFS=, read -ra checks <<<"$check"
[ ${#checks[@]} -gt 0 ] || usage
if [ -n "$name" ]; then
    IFS=, read -ra names <<<"$name"
    [ ${#names[@]} -eq ${#checks[@]} ] ||
        die "--name needs one name per check (${#checks[@]}), not '$name'"
else
    names=("${checks[@]/#/linux-}")
fi
name=$(IFS=,; echo "${names[*]}")
vmm_path=$(command -v "$vmm" 2>/dev/null) || die "--vmm: no such program '$vmm'"
vmm_path=$(realpath -s "$vmm_path")
[ -x "$vmm_path" ] || die "--vmm: '$vmm' is not executable"

testbed_mode linux "$mode"
mode=$TESTBED_MODE
if [ -z "$timeout" ]; then
    timeout=60
    [ "$mode" = direct ] || timeout=180
elif [ "$mode" = nested ]; then
    timeout=$((timeout * 2))
fi
if [ -n "$TESTBED_SKIP" ]; then
    echo "SKIP: $TESTBED_SKIP"
    exit 77
fi
if [ "$interactive" = 1 ]; then
    : # run-shell.sh says which path it takes
elif [ "$mode" = direct ]; then
    echo "testbed: direct ($TESTBED_WHY)"
else
    echo "testbed: nested (L1 Linux under QEMU TCG with emulated SVM; $TESTBED_WHY)"
fi

# --- build what is missing (serialised: parallel runs share the cache) ---
mkdir -p "$GUEST_DIR/l1" "$KEMU_TOP/build"
exec {lockfd}>"$GUEST_DIR/.lock"
flock "$lockfd"
"$KEMU_LINUX_DIR/build-guest.sh" "$GUEST_DIR"
work=$(mktemp -d "$KEMU_TOP/build/testbed.XXXXXX")
vm_pid=""
cleanup() {
    [ -z "$vm_pid" ] || kill "$vm_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The L2 command line, with paths as the VMM will see them.
if [ "$mode" = direct ]; then
    gdir=$GUEST_DIR
else
    gdir=/guest
fi
read -ra defaults <<<"$(vmm_default_args "$vmm_path")"
l2_cmd=("$vmm_path" -machine pc -accel kvm -m "$mem" -nographic)
[ "$no_reboot" = 1 ] && l2_cmd+=(-no-reboot)
l2_cmd+=(-kernel "$gdir/$kernel" -initrd "$gdir/initramfs.cpio"
    -append "$L2_APPEND kemu.check=$check kemu.hosttime=$(date +%s)${append}"
    "${defaults[@]}" "${extra[@]}")

# run.sh starts the VMM (in L1, or here when direct with --l1-pre), after
# pre.sh, which may set KEMU_VMM_PREFIX (e.g. "nsenter --net=FILE").
mkdir -p "$work/run"
# The snippet gets l1-lib.sh's functions in front of it.
[ -z "$l1_pre" ] ||
    cat "$(dirname "$0")/l1-lib.sh" "$l1_pre" >"$work/run/pre.sh"
cat >"$work/run/run.sh" <<EOF
# Generated by testbed.sh: starts the L2 VMM on this console.
read -r up _ </proc/uptime
echo "KEMU-L1: vmm start \$up"
\${KEMU_VMM_PREFIX:-} $(sh_quote "${l2_cmd[@]}")
echo "KEMU-L1: vmm exit \$?"
EOF
wrapped=0
if [ "$mode" = direct ] && [ -z "$l1_pre" ]; then
    cmd=("${l2_cmd[@]}")
elif [ "$mode" = direct ]; then
    # The host plays L1: busybox applets first in PATH, a network
    # namespace of its own (loopback only), a private tmpfs at
    # $KEMU_NET_RUN for the snippet's sockets and files, and a PID
    # namespace, so the servers it starts die with the run.
    wrapped=1
    bb=$GUEST_DIR/pkg/busybox/bin/busybox
    mkdir -p "$work/bin" "$KEMU_NET_RUN"
    for a in $("$bb" --list); do
        ln -sf "$bb" "$work/bin/$a"
    done
    # shellcheck disable=SC2016 # expanded by the inner shell
    cmd=(unshare --net --mount --propagation private --pid --fork \
        --mount-proc --kill-child -- "$bb" sh -c \
        'mount -t tmpfs tmpfs "$3" && export PATH="$1:$PATH" &&
         ip link set lo up && cd "$2" && { [ ! -f pre.sh ] || . ./pre.sh; } &&
         . ./run.sh' sh "$work/bin" "$work/run" "$KEMU_NET_RUN")
else
    need_pkg qemu-system-x86
    key=$(printf '%s\n' "$vmm_path" "${l1_bins[@]}" "${vmm_files[@]}" |
        md5sum | cut -c1-8)
    vmmcpio=$GUEST_DIR/l1/vmm-${vmm_path##*/}-$key.cpio
    l1_vmm_cpio "$vmmcpio" "$vmm_path" "${l1_bins[@]}" -- "${vmm_files[@]}"
    l1_initrd "$work/l1.cpio" "$kernel" "$work/run" "$vmmcpio"
    l1_qemu_cmd "$work/l1.cpio"
    cmd=("${L1_CMD[@]}")
fi
flock -u "$lockfd"

if [ "$interactive" = 1 ]; then
    trap - INT
    rc=0
    "${cmd[@]}" || rc=$?
    exit "$rc"
fi

# --- run, reading the console line by line --------------------------------
now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
t0=$(now)
deadline=$((EPOCHSECONDS + timeout))
t_l1="" t_kvm="" t_vmm="" t_user="" t_end=""
results=() ups=0 vmm_rc="" panic="" timed_out=0 silent=0 sent=0 halted=0
# Nested, a console silent this long means a stalled L1 (a known
# intermittent fault of the nested bed, docs/devel/testing.md), not a slow
# check: the guest's checks print as they go.
silence=${KEMU_L1_SILENCE:-240}
declare -A verdicts=()
: >"$work/console"
coproc VM { exec "${cmd[@]}" 2>&1; }
vm_pid=$VM_PID
exec {vm_out}<&"${VM[0]}" {vm_in}>&"${VM[1]}"
while :; do
    got=0
    until_t=$deadline
    if [ "$mode" = nested ] && [ $((EPOCHSECONDS + silence)) -lt "$deadline" ]; then
        until_t=$((EPOCHSECONDS + silence))
    fi
    console_read "$vm_out" "$until_t" "$work/console" || got=$?
    if [ "$got" = 2 ] && [ "$EPOCHSECONDS" -lt "$deadline" ]; then
        silent=1 timed_out=1
        break
    elif [ "$got" = 2 ]; then
        timed_out=1
        break
    elif [ "$got" = 1 ]; then
        break
    fi
    [ "$verbose" = 1 ] && printf '  | %s\n' "$line"
    case "$line" in
    *"KEMU-L1: init up"*) t_l1=$(now) ;;
    *"KEMU-L1: kvm ready"*) t_kvm=$(now) ;;
    *"KEMU-L1: vmm start"*) t_vmm=$(now) ;;
    *"KEMU-L1: vmm exit "*) vmm_rc=${line##*vmm exit } ;;
    *"KEMU-GUEST: userspace up"*)
        ups=$((ups + 1))
        [ -n "$t_user" ] || t_user=$(now)
        ;;
    *"KEMU-GUEST: ready for input"*)
        if [ "$have_stdin" = 1 ] && [ "$sent" = 0 ]; then
            printf '%s\n' "$stdin_text" >&"$vm_in"
            sent=1
        fi
        ;;
    *"KEMU-GUEST: check "*": "*)
        c=${line#*"KEMU-GUEST: check "}
        c=${c%%": "*}
        case ",$check," in
        *",$c,"*) verdicts[$c]=${line#*"KEMU-GUEST: check $c: "} ;;
        esac
        ;;
    *"Kernel panic"*) [ -n "$panic" ] || panic=${line#*] } ;;
    *"reboot: System halted"*)
        # The kernel found no way to power off and spins: give the VMM a
        # moment, then stop waiting.
        halted=1
        deadline=$((EPOCHSECONDS + 3))
        ;;
    esac
done
if [ "$timed_out" = 1 ]; then
    kill "$vm_pid" 2>/dev/null || true
fi
rc=0
wait "$vm_pid" 2>/dev/null || rc=$?
vm_pid=""
t_end=$(now)
[ "$mode" = direct ] && [ "$wrapped" = 0 ] && [ "$timed_out" = 0 ] && vmm_rc=$rc

# --- verdict ---------------------------------------------------------------
# why: what failed the whole run (every check fails with it).
why=""
if [ "$timed_out" = 1 ] && [ "$halted" = 1 ]; then
    why="guest halted: poweroff found no way to power off (ACPI S5)"
elif [ "$silent" = 1 ]; then
    why="L1 printed nothing for $silence s (a stalled L1)"
elif [ "$timed_out" = 1 ]; then
    why="timeout after ${timeout} s"
    [ -n "$t_user" ] || why="$why, L2 userspace never started"
elif [ -n "$panic" ]; then
    why="kernel panic: $panic"
elif [ -z "$vmm_rc" ]; then
    why="L1 ended (status $rc) without reporting the VMM's exit"
elif [ "$vmm_rc" != "$expect_exit" ]; then
    why="VMM exit status $vmm_rc, expected $expect_exit"
elif [ "$ups" -eq 0 ]; then
    why="L2 userspace never started"
elif [ "$no_reboot" = 1 ] && [ "$ups" -gt 1 ]; then
    why="guest booted $ups times despite -no-reboot"
fi

timing="total $(since "$t0" "$t_end") s"
[ -z "$t_user" ] || timing="L2 userspace at $(since "$t0" "$t_user") s, $timing"
if [ "$mode" = nested ] && [ -n "$t_vmm" ]; then
    timing="$timing (L1 /init $(since "$t0" "$t_l1") s, kvm-amd loaded"
    timing="$timing $(since "$t0" "$t_kvm") s, VMM started $(since "$t0" "$t_vmm") s"
    [ -z "$t_user" ] || timing="$timing, VMM start -> L2 userspace $(since "$t_vmm" "$t_user") s"
    timing="$timing)"
fi
echo "testbed: $name: $timing"
failed=0
for i in "${!checks[@]}"; do
    c=${checks[$i]} n=${names[$i]}
    verdict=${verdicts[$c]:-} w=$why
    if [ -z "$w" ] && [ -z "$verdict" ]; then
        w="no 'KEMU-GUEST: check $c:' line"
    elif [ -z "$w" ] && [ "$verdict" != PASS ]; then
        w="check says: $verdict"
    elif [ -n "$w" ] && [ -n "$verdict" ] && [ "$verdict" != PASS ]; then
        case "$w" in *"$verdict"*) ;; *) w="$w; check says: $verdict" ;; esac
    fi
    if [ -z "$w" ]; then
        results+=("PASS: $n")
    else
        results+=("FAIL: $n ($w)")
        failed=1
    fi
done
if [ "$failed" = 1 ] && [ "$verbose" = 0 ]; then
    echo "testbed: console of $name (last 200 lines):"
    tail -n 200 "$work/console" | sed 's/^/  | /'
fi
printf '%s\n' "${results[@]}"
exit "$failed"
