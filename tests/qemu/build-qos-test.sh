#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds QEMU 7.2's qos-test (tests/qtest/qos-test: libqtest, libqos and its
# device graph) from Debian 12's qemu source package, and nothing else of
# QEMU.  Idempotent: when OUT/qos-test is up to date it only prints its path.
#
#   tests/qemu/build-qos-test.sh [OUT]        (default build/qemu-tests)
#
# Steps, each skipped when its result is there:
#  1. a deb-src entry for the Debian mirrors apt already uses, then
#     apt-get update;
#  2. the source package (.dsc + tarballs) in $KEMU_CACHE/qemu, so that
#     fresh clones on one machine download it once (default
#     /var/cache/kemu);
#  3. the build dependencies, from apt, only those missing;
#  4. unpack (Debian's patches applied) into OUT/../qemu-src, configure
#     minimally (one target, no features, no docs), ninja qos-test -j2;
#  5. copy the binary to OUT/qos-test and to the cache, keyed by the
#     source version and configure line, so a fresh clone skips 4.
# Runs as root (apt) with no stdin; the network it needs is Debian's.
set -euo pipefail

cd "$(dirname "$0")/../.."
OUT=${1:-build/qemu-tests}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
SRC=$(dirname "$OUT")/qemu-src
CACHE=${KEMU_CACHE:-/var/cache/kemu}/qemu
JOBS=${QOS_BUILD_JOBS:-2}
# Debian 12 ships 1:7.2+dfsg-7+deb12uN; any 7.2 build will do.
VERSION_RE='^1:7\.2\+dfsg'
CONFIGURE_ARGS=(--target-list=x86_64-softmmu --without-default-features
    --without-default-devices --disable-docs --disable-user
    --disable-debug-info --meson=/usr/bin/meson --disable-werror)
# What configure asks for with the arguments above (bzip2: the firmware
# blobs step, which wants the tool though it installs nothing here).
DEPS=(dpkg-dev xz-utils bzip2 python3 meson ninja-build gcc pkg-config
    libglib2.0-dev libpixman-1-dev zlib1g-dev libfdt-dev)
DEB_SRC=/etc/apt/sources.list.d/kemu-deb-src.sources
# Quiet, and waiting for another apt or dpkg (another checkout's build).
APT_OPTS=(-q -o DPkg::Lock::Timeout=300)

# QEMU's configure runs the first python3 on PATH and /usr/bin/meson runs
# Debian's: make them the same one (a pyenv shim would come first).
export PATH=/usr/bin:/bin:$PATH
export DEBIAN_FRONTEND=noninteractive

log() { echo "build-qos-test: $*" >&2; }

# One build at a time per output directory (several checkouts may share it).
exec {lockfd}>"$OUT/.lock"
flock "$lockfd"

have_deb_src() {
    grep -Eqs '^(deb-src[[:space:]]|Types:.*deb-src)' /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# deb-src for the Debian mirrors apt already uses: each deb822 stanza
# with a Debian URI again as Types: deb-src, else each one-line deb entry
# as a deb-src line.
add_deb_src() {
    local tmp
    tmp=$(mktemp)
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -e "$f" ] || continue
        awk 'BEGIN { RS = ""; ORS = "\n\n" }
             /(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*debian/ &&
             !/(^|\n)Enabled: *no/ {
                 sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); print
             }' "$f" >>"$tmp"
    done
    if [ -s "$tmp" ]; then
        mv "$tmp" "$DEB_SRC"
        chmod 644 "$DEB_SRC"
        log "added $DEB_SRC"
        return
    fi
    rm -f "$tmp"
    grep -hE '^deb[[:space:]].*debian' /etc/apt/sources.list \
        /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed 's/^deb/deb-src/' >"${DEB_SRC%.sources}.list"
    log "added ${DEB_SRC%.sources}.list"
}

# The newest 7.2 source version apt offers.
source_version() {
    apt-cache showsrc qemu 2>/dev/null |
        awk '/^Package: / {p = $2} p == "qemu" && /^Version: / {print $2}' |
        grep -E "$VERSION_RE" | sort -V | tail -n 1
}

cached_dsc() {
    find "$CACHE" -maxdepth 1 -name 'qemu_7.2+dfsg-*.dsc' 2>/dev/null |
        sort -V | tail -n 1
}

# The .dsc in the cache (a download needs apt's deb-src and lists).
fetch_source() {
    local dsc ver
    dsc=$(cached_dsc)
    if [ -n "$dsc" ]; then
        echo "$dsc"
        return
    fi
    if ! have_deb_src; then
        add_deb_src
        apt-get update "${APT_OPTS[@]}" </dev/null >&2
    fi
    ver=$(source_version)
    if [ -z "$ver" ]; then
        apt-get update "${APT_OPTS[@]}" </dev/null >&2
        ver=$(source_version)
    fi
    if [ -z "$ver" ]; then
        log "no qemu 7.2 source package in apt (apt-cache showsrc qemu)"
        return 1
    fi
    log "downloading the qemu $ver source package into $CACHE"
    mkdir -p "$CACHE"
    (
        # Another checkout may be downloading into the same cache.
        flock 9
        if [ -z "$(cached_dsc)" ]; then
            cd "$CACHE" && apt-get source "${APT_OPTS[@]}" --download-only \
                -o APT::Sandbox::User=root "qemu=$ver" </dev/null >&2
        fi
    ) 9>"$CACHE/.lock"
    cached_dsc
}

install_deps() {
    local missing=()
    for p in "${DEPS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
            grep -q 'ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    log "installing ${missing[*]}"
    if ! apt-get install "${APT_OPTS[@]}" -y --no-install-recommends \
        "${missing[@]}" </dev/null >&2; then
        apt-get update "${APT_OPTS[@]}" </dev/null >&2
        apt-get install "${APT_OPTS[@]}" -y --no-install-recommends \
            "${missing[@]}" </dev/null >&2
    fi
}

# Up to date: built here with today's configure line (whatever 7.2 it was).
if [ -x "$OUT/qos-test" ] &&
    [ "$(cut -d' ' -f2- "$OUT/stamp" 2>/dev/null)" = "${CONFIGURE_ARGS[*]}" ]; then
    echo "$OUT/qos-test"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    log "building qos-test needs root once (apt: deb-src, source, build" \
        "dependencies); or copy a built one to $OUT/qos-test"
    exit 1
fi
dsc=$(fetch_source)
# The build's identity: the source version and how it is configured.
key="${dsc##*/} ${CONFIGURE_ARGS[*]}"
keyhash=$(echo "$key" | sha256sum | cut -c1-16)
if [ -x "$CACHE/qos-test-$keyhash" ]; then
    log "qos-test from $CACHE"
    cp "$CACHE/qos-test-$keyhash" "$OUT/qos-test"
    echo "$key" >"$OUT/stamp"
    echo "$OUT/qos-test"
    exit 0
fi

install_deps
start=$SECONDS
log "unpacking ${dsc##*/} into $SRC"
rm -rf "$SRC" "$OUT/build"
# It checks the tarballs' checksums; the .dsc's signature it cannot (no
# keyring), which apt's signed Sources index stands in for.
dpkg-source -x "$dsc" "$SRC" >"$OUT/unpack.log" 2>&1 || {
    cat "$OUT/unpack.log" >&2
    exit 1
}
mkdir -p "$OUT/build"
log "configuring (${CONFIGURE_ARGS[*]})"
(cd "$OUT/build" && "$SRC/configure" "${CONFIGURE_ARGS[@]}" \
    >configure.log 2>&1) || {
    tail -n 20 "$OUT/build/configure.log" >&2
    exit 1
}
log "building tests/qtest/qos-test with ninja -j$JOBS"
ninja -C "$OUT/build" -j "$JOBS" tests/qtest/qos-test >"$OUT/build/ninja.log" \
    2>&1 || {
    tail -n 20 "$OUT/build/ninja.log" >&2
    exit 1
}
cp "$OUT/build/tests/qtest/qos-test" "$OUT/qos-test"
echo "$key" >"$OUT/stamp"
mkdir -p "$CACHE"
cp "$OUT/qos-test" "$CACHE/qos-test-$keyhash.tmp"
mv "$CACHE/qos-test-$keyhash.tmp" "$CACHE/qos-test-$keyhash"
log "built in $((SECONDS - start)) s"
echo "$OUT/qos-test"
