# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2034
#
# Shared helpers for the guest test beds: package installation, choosing
# direct or nested (testbed_mode), and building the L1 initramfs that
# carries a VMM into a TCG-emulated L1 Linux. Sourced (not run) by the
# scripts here, tests/guest/bare/run.sh and bench/*/run.sh.

KEMU_LINUX_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KEMU_TOP=$(cd "$KEMU_LINUX_DIR/../../.." && pwd)
# Where build-guest.sh puts the guest kernel, initramfs and L1 archives.
# (busybox's realpath, in L1, has no -m.)
GUEST_DIR=$(realpath -m "${GUEST_DIR:-$KEMU_TOP/build/guest}" 2>/dev/null ||
    echo "${GUEST_DIR:-$KEMU_TOP/build/guest}")

# Host QEMU that runs the L1 Linux when the host's KVM cannot run the guest
# (or there is none: L1 runs under TCG).
# The flags are the ones measured fastest (see README.md, "Why nested").
L1_QEMU=${L1_QEMU:-/usr/bin/qemu-system-x86_64}
L1_CPU="qemu64,+svm,+npt"
L1_MEM=3G
# One L1 CPU: interrupts between the CPUs of a TCG-run L1 get lost now
# and then (docs/devel/testing.md, "The retries"), and one CPU is no slower.
L1_SMP=${KEMU_L1_SMP:-1}
L1_APPEND="console=ttyS0 panic=-1 quiet pci=noearly cryptomgr.notests"

# L2 guest defaults: what testbed.sh and the benchmark hand the VMM.
# pci=noearly skips two early PCI scans (each config access is a VM exit);
# cryptomgr.notests skips the crypto self-tests (~0.3 s nested). Neither
# changes what the guest asks of the VMM.
L2_MEM=256M
L2_APPEND="console=ttyS0 panic=-1 quiet pci=noearly cryptomgr.notests"

# Where --l1-pre snippets keep their sockets and files (the QMP socket, web
# roots, netns files): /run in L1 is a tmpfs; a direct run mounts a private
# tmpfs there. VMM arguments may name paths under it.
KEMU_NET_RUN=/run/kemu-net

log() { printf '%s\n' "$*" >&2; }
die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 2; }

# need_pkg PKG...: install the Debian packages that are not installed yet.
need_pkg() {
    local missing=() p
    for p in "$@"; do
        grep -q '^Status: install ok installed' \
            <<<"$(dpkg -s "$p" 2>/dev/null)" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing: ${missing[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            "${missing[@]}" >/dev/null; then
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            "${missing[@]}" >/dev/null
    fi
}

# up_to_date OUT IN...: true if OUT exists and is newer than every IN.
up_to_date() {
    local out=$1 in
    shift
    [ -e "$out" ] || return 1
    for in in "$@"; do
        [ "$in" -nt "$out" ] && return 1
    done
    return 0
}

# in_ci: true when CI=true (what GitHub, GitLab and most CI systems set).
# Under CI a guest suite that skips fails: skips are for developers' hosts.
in_ci() {
    case "${CI:-}" in
    true | TRUE | True | 1 | yes) return 0 ;;
    esac
    return 1
}

# kvm_unusable_why: nothing if /dev/kvm is usable, else one phrase saying
# why not. Usable: a character device that opens read-write and answers
# KVM_GET_API_VERSION (ioctl 0xAE00) with 12. The ioctl is asked through
# perl (perl-base is essential on Debian); where there is no perl (L1's
# busybox) opening it must do.
kvm_unusable_why() {
    local v
    if [ ! -e /dev/kvm ]; then
        echo "no /dev/kvm"
    elif [ ! -c /dev/kvm ]; then
        echo "/dev/kvm is not a character device"
    elif ! (exec 3<>/dev/kvm) 2>/dev/null; then
        echo "/dev/kvm cannot be opened read-write"
    elif command -v perl >/dev/null 2>&1; then
        # shellcheck disable=SC2016 # perl code
        v=$(perl -e 'open(my $f, "+<", "/dev/kvm") or exit 1;
            my $v = ioctl($f, 0xAE00, 0); print defined $v ? $v + 0 : "error"' \
            2>/dev/null) || v=error
        [ "$v" = 12 ] ||
            echo "/dev/kvm does not answer KVM_GET_API_VERSION (got ${v:-nothing})"
    fi
}

# testbed_mode KIND [MODE]: choose how guests of KIND run and set
# TESTBED_MODE (direct or nested), TESTBED_WHY (one phrase) and
# TESTBED_SKIP (empty, or why the suite cannot run here at all).
#   KIND linux: direct only where /dev/kvm is usable hardware KVM (vmx/svm,
#               not kvm_pvm, which cannot boot Linux); nested otherwise.
#   KIND bare:  direct on any usable /dev/kvm (kvm_pvm runs them); nested
#               only where /dev/kvm is missing or unusable.
# MODE (default $KEMU_TESTBED_MODE, else auto) forces direct or nested.
testbed_mode() {
    local kind=$1 want=${2:-${KEMU_TESTBED_MODE:-auto}} bad
    TESTBED_SKIP=""
    bad=$(kvm_unusable_why)
    case "$want" in
    direct | nested)
        TESTBED_MODE=$want
        TESTBED_WHY="forced by KEMU_TESTBED_MODE or --mode $want"
        ;;
    auto)
        TESTBED_MODE=nested
        if [ -n "$bad" ]; then
            TESTBED_WHY=$bad
        elif [ "$kind" = bare ]; then
            TESTBED_MODE=direct
            TESTBED_WHY="/dev/kvm is usable"
            [ ! -d /sys/module/kvm_pvm ] || TESTBED_WHY="$TESTBED_WHY (kvm_pvm)"
        elif [ -d /sys/module/kvm_pvm ]; then
            TESTBED_WHY="/dev/kvm is kvm_pvm, which cannot boot Linux"
        elif ! grep -qwE 'vmx|svm' /proc/cpuinfo 2>/dev/null; then
            TESTBED_WHY="/dev/kvm without vmx/svm in /proc/cpuinfo cannot boot Linux"
        else
            TESTBED_MODE=direct
            TESTBED_WHY="hardware KVM"
        fi
        ;;
    *)
        die "KEMU_TESTBED_MODE/--mode must be auto, direct or nested, not '$want'"
        ;;
    esac
    if [ "$TESTBED_MODE" = direct ] && [ -n "$bad" ]; then
        TESTBED_SKIP="direct mode was forced, but $bad"
    elif [ "$TESTBED_MODE" = nested ] && [ "$(id -u)" != 0 ] &&
        { [ ! -x "$L1_QEMU" ] || [ ! -e "$GUEST_DIR/l1/base.cpio" ]; }; then
        TESTBED_SKIP="the nested bed needs $L1_QEMU and an L1 built from"
        TESTBED_SKIP="$TESTBED_SKIP Debian packages; installing them needs root"
    fi
}

# testbed_mode_line: "direct (WHY)" or "nested in an L1 Linux under QEMU
# TCG (WHY)", after testbed_mode.
testbed_mode_line() {
    if [ "$TESTBED_MODE" = direct ]; then
        echo "direct on the host's KVM ($TESTBED_WHY)"
    else
        echo "nested in an L1 Linux under QEMU TCG with emulated SVM ($TESTBED_WHY)"
    fi
}

# console_read FD DEADLINE FILE: read the next console line from FD into
# $line (carriage returns dropped) and append it to FILE.  Returns 0 with a
# line, 1 at the end of the output, 2 when DEADLINE (epoch seconds) passes
# first.  testbed.sh and nested-run.sh read L1's or the VMM's console so.
console_read() {
    local fd=$1 deadline=$2 file=$3 left
    left=$((deadline - EPOCHSECONDS))
    [ "$left" -gt 0 ] || return 2
    line=""
    if IFS= read -r -t "$left" -u "$fd" line; then
        :
    elif [ $? -gt 128 ]; then
        return 2
    elif [ -z "$line" ]; then
        return 1
    fi
    line=${line//$'\r'/}
    printf '%s\n' "$line" >>"$file"
}

# sh_quote ARG...: print the args single-quoted for busybox sh, space
# separated (bash's printf %q may emit $'..' which ash does not parse).
sh_quote() {
    local a sep=""
    for a in "$@"; do
        printf "%s'%s'" "$sep" "${a//\'/\'\\\'\'}"
        sep=" "
    done
}

# cpio_dir DIR OUT: pack DIR's contents as an uncompressed newc archive.
cpio_dir() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
        cpio --quiet -o -H newc -R 0:0) >"$2.tmp$$"
    mv "$2.tmp$$" "$2"
}

# stage_file ROOT PATH: copy host file PATH (following symlinks) into ROOT
# at the same absolute path.
stage_file() {
    mkdir -p "$1$(dirname "$2")"
    cp -L "$2" "$1$2"
}

# stage_binary ROOT BIN: BIN plus every shared library ldd lists and the
# dynamic loader, each at its absolute host path.
stage_binary() {
    local root=$1 bin=$2 lib
    stage_file "$root" "$bin"
    for lib in $(ldd "$bin" 2>/dev/null |
        sed -nE 's|.*=> (/[^ ]+) .*|\1|p; s|^[[:space:]]*(/[^ ]+) .*|\1|p'); do
        [ -e "$root$lib" ] || stage_file "$root" "$lib"
    done
}

# qemu_data_files BIN: the firmware files a QEMU binary needs for -M pc
# and -M microvm with -kernel, at the paths it searches (-L help).
qemu_data_files() {
    local d f
    for d in $("$1" -L help 2>/dev/null); do
        for f in bios-256k.bin bios-microvm.bin qboot.rom linuxboot_dma.bin \
            linuxboot.bin pvh.bin kvmvapic.bin vgabios-stdvga.bin \
            efi-e1000.rom efi-virtio.rom; do
            [ -e "$d/$f" ] && realpath -s "$d/$f"
        done
    done | sort -u
}

# vmm_data_files BIN: data files the VMM reads at run time (QEMU: firmware;
# kemu so far: none).
vmm_data_files() {
    case "${1##*/}" in
    qemu-system-*) qemu_data_files "$1" ;;
    esac
}

# vmm_default_args BIN: flags the test bed adds for a given VMM so that
# every VMM boots the same machine. QEMU's -machine pc adds an e1000 with an
# iPXE ROM by default (1.3 s nested); a test that wants a NIC asks for one.
vmm_default_args() {
    case "${1##*/}" in
    qemu-system-*) echo "-nic none" ;;
    esac
}

# l1_vmm_cpio OUT BIN... [-- FILE...]: a cached cpio with the binaries,
# their libraries and data files, plus the extra FILEs, all at their host
# paths. Rebuilt when any of them is newer than OUT.
l1_vmm_cpio() {
    local out=$1 bins=() files=() f root
    shift
    while [ $# -gt 0 ]; do
        [ "$1" = "--" ] && { shift; files=("$@"); break; }
        bins+=("$1")
        shift
    done
    for f in "${bins[@]}"; do
        mapfile -t -O ${#files[@]} files < <(vmm_data_files "$f")
    done
    up_to_date "$out" "${bins[@]}" "${files[@]}" && return 0
    root=$(mktemp -d "${out%/*}/stage.XXXXXX")
    for f in "${bins[@]}"; do
        stage_binary "$root" "$f"
    done
    for f in "${files[@]}"; do
        if [ -d "$f" ]; then
            mkdir -p "$root$f" && cp -a "$f/." "$root$f/"
        else
            stage_file "$root" "$f"
        fi
    done
    cpio_dir "$root" "$out"
    rm -rf "$root"
}

# l1_initrd OUT KERNEL RUNDIR VMMCPIO: concatenate the cached L1 base
# archive, the L2 kernel archive (vmlinux or bzImage; none: no L2 kernel),
# the VMM archive and the per-run directory RUNDIR (packed to /kemu-run).
# Linux unpacks concatenated newc archives in order.
l1_initrd() {
    local out=$1 kernel=$2 rundir=$3 vmmcpio=$4 stage kcpio=()
    stage=$(mktemp -d "${out%/*}/run.XXXXXX")
    mkdir -p "$stage/kemu-run"
    cp -a "$rundir/." "$stage/kemu-run/"
    cpio_dir "$stage" "$stage.cpio"
    [ "$kernel" = none ] || kcpio=("$GUEST_DIR/l1/$kernel.cpio")
    cat "$GUEST_DIR/l1/base.cpio" "${kcpio[@]}" \
        "$vmmcpio" "$stage.cpio" >"$out"
    rm -rf "$stage" "$stage.cpio"
}

# l1_qemu_cmd INITRD: the host QEMU command line for L1, into L1_CMD.
l1_qemu_cmd() {
    # shellcheck disable=SC2054 # tcg,thread=multi is one argument
    L1_CMD=("$L1_QEMU" -machine pc -accel tcg,thread=multi -cpu "$L1_CPU"
        -smp "$L1_SMP" -m "$L1_MEM" -nographic -no-reboot -nic none
        -kernel "$GUEST_DIR/vmlinux" -initrd "$1" -append "$L1_APPEND")
}
