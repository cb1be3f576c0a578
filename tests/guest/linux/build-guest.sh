#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Builds the Linux test guest from Debian packages: the generic
# linux-image-6.1.0-*-amd64 kernel (bzImage and the PVH-bootable vmlinux
# ELF), the modules the L1/L2 guests load, the L2 initramfs (busybox-static,
# ethtool with its libraries, /init, checks.sh) and the L1 archives
# testbed.sh concatenates.
# Idempotent: a step runs only when its outputs are missing or older than
# its inputs.
#
# Usage: build-guest.sh [BUILD_DIR]     (default build/guest)

set -euo pipefail
. "$(dirname "$0")/lib.sh"

B=${1:-$GUEST_DIR}
mkdir -p "$B"
B=$(cd "$B" && pwd)
DEBS=$B/debs
PKG=$B/pkg
HERE=$KEMU_LINUX_DIR

# Modules for the L2 guest's devices and for L1's KVM and test networking.
# Dependencies (virtio_pci_modern_dev, failover, ...) are added from modinfo.
L2_MODULES="virtio virtio_ring virtio_pci virtio_net virtio_blk e1000
    failover net_failover"
# vhost_net (with vhost, vhost_iotlb, tap) for -netdev tap,vhost=on.
L1_MODULES="irqbypass kvm ccp kvm-amd tun veth vhost_net"
# Dynamically linked programs for L2 (whose busybox has no ethtool), with
# the packages their libraries come from: the ELF interpreter and every
# DT_NEEDED library are copied from these packages, never from the host.
L2_PROGS="sbin/ethtool"
L2_DEBS="ethtool libmnl0 libc6"

need_pkg cpio xz-utils kmod binutils

# resolve: "PKG VERSION" lines for the kernel linux-image-amd64 depends
# on, for busybox-static and for $L2_DEBS, as apt offers them now. apt-cache takes ~0.5 s
# a call, so the answer is kept until apt's package lists change.
resolve() {
    local lists=(/var/lib/apt/lists) kpkg
    [ -e /var/cache/apt/pkgcache.bin ] && lists+=(/var/cache/apt/pkgcache.bin)
    if up_to_date "$B/apt-resolved" "${lists[@]}" "$0"; then
        cat "$B/apt-resolved"
        return
    fi
    kpkg_of() {
        apt-cache depends linux-image-amd64 2>/dev/null | sed -n \
            's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-amd64\)$/\1/p' |
            head -n 1
    }
    kpkg=$(kpkg_of)
    if [ -z "$kpkg" ]; then
        apt-get update -q >/dev/null 2>&1 || true
        kpkg=$(kpkg_of)
    fi
    [ -n "$kpkg" ] || return 0
    # shellcheck disable=SC2086 # a list of package names
    apt-cache policy "$kpkg" busybox-static $L2_DEBS 2>/dev/null |
        awk '/^[^ ]/ {p = $1; sub(":$", "", p)}
             /^ *Candidate:/ && $2 != "(none)" {print p, $2}' \
        >"$B/apt-resolved.tmp"
    mv "$B/apt-resolved.tmp" "$B/apt-resolved"
    cat "$B/apt-resolved"
}

# deb PKG VERSION: the .deb in $DEBS, downloaded if missing.
deb() {
    local file=$DEBS/${1}_${2//:/%3a}_amd64.deb
    if [ ! -s "$file" ]; then
        log "build-guest: downloading $1 $2"
        mkdir -p "$DEBS"
        (cd "$DEBS" && apt-get download -q -o APT::Sandbox::User=root \
            "$1=$2" >/dev/null) || return 1
    fi
    echo "$file"
}

# extract DEB DIR: dpkg-deb -x, once per .deb.
extract() {
    if ! up_to_date "$2/.stamp" "$1"; then
        log "build-guest: extracting ${1##*/}"
        rm -rf "$2"
        mkdir -p "$2"
        dpkg-deb -x "$1" "$2"
        touch "$2/.stamp"
    fi
}

# cached PATTERN: newest cached .deb matching, for when apt knows nothing.
cached() {
    ls "$DEBS"/$1 2>/dev/null | sort -V | tail -n 1 | grep . ||
        die "apt offers no ${1%%_*} (apt-get update?) and none is cached"
}

# fetch: sets kdeb and bbdeb, and l2deb[PKG] for $L2_DEBS, to the .debs
# apt offers now (empty: apt knows of none); fails if a download fails.
declare -A l2deb=()
fetch() {
    local pkg ver
    kdeb="" bbdeb=""
    l2deb=()
    while read -r pkg ver; do
        case "$pkg" in
        linux-image-*) kdeb=$(deb "$pkg" "$ver") || return 1 ;;
        busybox-static) bbdeb=$(deb "$pkg" "$ver") || return 1 ;;
        *) l2deb[$pkg]=$(deb "$pkg" "$ver") || return 1 ;;
        esac
    done < <(resolve)
}
if ! fetch; then
    # apt's lists may name versions the mirror no longer has.
    log "build-guest: download failed; apt-get update and retry"
    apt-get update -q >/dev/null 2>&1 || true
    rm -f "$B/apt-resolved"
    fetch || die "apt-get download failed (see above)"
fi
[ -n "$kdeb" ] || kdeb=$(cached 'linux-image-6.1.0-*-amd64_*.deb')
[ -n "$bbdeb" ] || bbdeb=$(cached 'busybox-static_*.deb')
for p in $L2_DEBS; do
    [ -n "${l2deb[$p]:-}" ] || l2deb[$p]=$(cached "${p}_*.deb")
done
# Keep only the kernel .deb in use (each is ~70 MB).
find "$DEBS" -name 'linux-image-*.deb' ! -name "${kdeb##*/}" -delete
extract "$kdeb" "$PKG/linux"
extract "$bbdeb" "$PKG/busybox"
for p in $L2_DEBS; do
    extract "${l2deb[$p]}" "$PKG/$p"
done

kver=$(cd "$PKG/linux/lib/modules" && ls | head -n 1)
[ -n "$kver" ] || die "no /lib/modules in ${kdeb##*/}"
BUSYBOX=$PKG/busybox/bin/busybox
[ -x "$BUSYBOX" ] || die "no bin/busybox in ${bbdeb##*/}"

# --- bzImage and vmlinux -------------------------------------------------
if ! up_to_date "$B/bzImage" "$PKG/linux/.stamp"; then
    cp "$PKG/linux/boot/vmlinuz-$kver" "$B/bzImage"
fi

# The ELF vmlinux is the bzImage's payload: setup_sects at 0x1f1, then
# payload_offset (from the protected-mode code) and payload_length at
# 0x248/0x24c. Debian compresses it with xz; the 4-byte size the kernel
# build appends is trailing data that --single-stream ignores.
if ! up_to_date "$B/vmlinux" "$B/bzImage"; then
    log "build-guest: extracting vmlinux from bzImage"
    le() { od -An -t "u$2" -j "$(($1))" -N "$2" "$B/bzImage" | tr -d ' '; }
    setup_sects=$(le 0x1f1 1)
    [ "$setup_sects" -ne 0 ] || setup_sects=4
    off=$(((setup_sects + 1) * 512 + $(le 0x248 4)))
    len=$(le 0x24c 4)
    payload() {
        dd if="$B/bzImage" iflag=skip_bytes,count_bytes skip="$off" \
            count="$1" bs=1M status=none
    }
    magic=$(payload 6 | od -An -tx1 | tr -d ' ')
    [ "$magic" = "fd377a585a00" ] ||
        die "bzImage payload is not xz (magic $magic)"
    payload "$len" | xz -dc --single-stream >"$B/vmlinux.tmp"
    [ "$(readelf -n "$B/vmlinux.tmp" | grep -c 'Xen.*(0x00000012)')" -gt 0 ] ||
        die "vmlinux has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY)"
    mv "$B/vmlinux.tmp" "$B/vmlinux"
fi

# --- modules -------------------------------------------------------------
# mod_closure NAME...: the .ko paths (relative to lib/modules/VER) of the
# modules and everything they depend on; built-in ones are skipped.
mod_closure() {
    local kdir=$PKG/linux/lib/modules/$kver todo=("$@") seen=" " m f deps
    while [ ${#todo[@]} -gt 0 ]; do
        m=${todo[0]}
        todo=("${todo[@]:1}")
        case "$seen" in *" $m "*) continue ;; esac
        seen+="$m "
        f=$(cd "$kdir" && find kernel \( -name "${m//-/_}.ko" -o \
            -name "${m//_/-}.ko" \) -print -quit)
        if [ -z "$f" ]; then
            grep -qE "/(${m//-/_}|${m//_/-})\.ko" "$kdir/modules.builtin" ||
                die "module $m is neither a module nor built in ($kver)"
            continue
        fi
        echo "$f"
        deps=$(modinfo -F depends "$kdir/$f")
        IFS=, read -ra deps <<<"$deps"
        todo+=("${deps[@]}")
    done
}

# mod_tree DIR NAME...: DIR/lib/modules/VER with those modules, depmod run.
mod_tree() {
    local dir=$1 kdir=$PKG/linux/lib/modules/$kver f
    shift
    up_to_date "$dir/.stamp" "$PKG/linux/.stamp" "$0" && return 0
    log "build-guest: modules for ${dir##*/}: $*"
    rm -rf "$dir"
    mkdir -p "$dir/lib/modules/$kver"
    for f in $(mod_closure "$@"); do
        mkdir -p "$dir/lib/modules/$kver/$(dirname "$f")"
        cp "$kdir/$f" "$dir/lib/modules/$kver/$f"
    done
    cp "$kdir"/modules.order "$kdir"/modules.builtin \
        "$kdir"/modules.builtin.modinfo "$dir/lib/modules/$kver/"
    depmod -b "$dir" "$kver"
    touch "$dir/.stamp"
}
mod_tree "$B/modules/l2" $L2_MODULES
mod_tree "$B/modules/l1" $L1_MODULES

# --- initramfs roots -----------------------------------------------------
# base_root DIR MODTREE INIT: busybox with its applet links, the modules,
# /init and /dev/console (the kernel opens it before /init runs).
base_root() {
    local root=$1 l
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,etc}
    cp "$BUSYBOX" "$root/bin/busybox"
    for l in $("$BUSYBOX" --list-full); do
        [ -e "$root/$l" ] || ln -s /bin/busybox "$root/$l"
    done
    cp -a "$2/lib" "$root/"
    install -m 755 "$3" "$root/init"
    mknod -m 600 "$root/dev/console" c 5 1
    mknod -m 666 "$root/dev/null" c 1 3
    echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
    echo "root:x:0:" >"$root/etc/group"
}

# pkg_file PATH: PATH (relative, or absolute as in the ELF) as one of the
# $L2_DEBS packages ships it, symlinks within the package followed.
pkg_file() {
    local p f
    for p in $L2_DEBS; do
        f=$PKG/$p/${1#/}
        # Debian 12's libc6 puts its libraries in /lib, the rest in /usr/lib.
        [ -e "$f" ] || f=$PKG/$p/usr/${1#/}
        if [ -L "$f" ]; then
            local t
            t=$(readlink "$f")
            case "$t" in
            /*) pkg_file "$t" && return 0 ;;
            *) pkg_file "$(dirname "${1#/}")/$t" && return 0 ;;
            esac
        elif [ -f "$f" ]; then
            echo "$f"
            return 0
        fi
    done
    return 1
}

# stage_l2_prog ROOT PROG: the program (path relative to the package root),
# its ELF interpreter at its absolute path, and the DT_NEEDED libraries
# (and theirs) in ROOT/lib/x86_64-linux-gnu, one of ld.so's default
# directories, so no ld.so.cache is needed.
stage_l2_prog() {
    local root=$1 libdir=$1/lib/x86_64-linux-gnu src interp todo lib f
    src=$(pkg_file "$2") || die "no $2 in the packages $L2_DEBS"
    mkdir -p "$root/$(dirname "$2")" "$libdir"
    cp "$src" "$root/$2"
    interp=$(readelf -lW "$src" | sed -n 's/.*interpreter: \(.*\)\]/\1/p')
    if [ -n "$interp" ]; then
        # In libdir (libc names it too), linked from its ELF path as Debian does.
        f=$(pkg_file "$interp") || die "no $interp (for $2) in $L2_DEBS"
        cp "$f" "$libdir/${interp##*/}"
        mkdir -p "$root$(dirname "$interp")"
        [ -e "$root$interp" ] ||
            ln -s "/lib/x86_64-linux-gnu/${interp##*/}" "$root$interp"
    fi
    # The libraries breadth-first: each one's own DT_NEEDED after it.
    todo=("$root/$2")
    while [ ${#todo[@]} -gt 0 ]; do
        for lib in $(readelf -dW "${todo[0]}" |
            sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
            [ ! -e "$libdir/$lib" ] || continue
            f=$(pkg_file "lib/x86_64-linux-gnu/$lib") ||
                die "no $lib (for $2) in the packages $L2_DEBS"
            cp "$f" "$libdir/$lib"
            todo+=("$libdir/$lib")
        done
        todo=("${todo[@]:1}")
    done
}

l2_inputs=("$BUSYBOX" "$B/modules/l2/.stamp" "$HERE/guest-init.sh"
    "$HERE/checks.sh" "$0")
for p in $L2_DEBS; do
    l2_inputs+=("$PKG/$p/.stamp")
done
if ! up_to_date "$B/initramfs.cpio" "${l2_inputs[@]}"; then
    log "build-guest: initramfs.cpio"
    root=$B/root-l2
    base_root "$root" "$B/modules/l2" "$HERE/guest-init.sh"
    for p in $L2_PROGS; do
        stage_l2_prog "$root" "$p"
    done
    cp "$HERE/checks.sh" "$root/checks.sh"
    cpio_dir "$root" "$B/initramfs.cpio"
    rm -rf "$root"
fi

# L1 archives: base (busybox, KVM modules, /init, the L2 initramfs) and one
# per L2 kernel, so a run packs only what it boots.
mkdir -p "$B/l1"
l1_inputs=("$BUSYBOX" "$B/modules/l1/.stamp" "$HERE/l1-init.sh"
    "$B/initramfs.cpio" "$0")
if ! up_to_date "$B/l1/base.cpio" "${l1_inputs[@]}"; then
    log "build-guest: l1/base.cpio"
    root=$B/root-l1
    base_root "$root" "$B/modules/l1" "$HERE/l1-init.sh"
    mkdir -p "$root/guest"
    cp "$B/initramfs.cpio" "$root/guest/"
    cpio_dir "$root" "$B/l1/base.cpio"
    rm -rf "$root"
fi
for k in vmlinux bzImage; do
    if ! up_to_date "$B/l1/$k.cpio" "$B/$k"; then
        root=$B/root-$k
        rm -rf "$root"
        mkdir -p "$root/guest"
        ln "$B/$k" "$root/guest/$k" 2>/dev/null || cp "$B/$k" "$root/guest/$k"
        cpio_dir "$root" "$B/l1/$k.cpio"
        rm -rf "$root"
    fi
done
[ "$(cat "$B/kernel-version" 2>/dev/null)" = "$kver" ] ||
    echo "$kver" >"$B/kernel-version"
