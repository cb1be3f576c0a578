#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Per-exit cost of two VMMs on the exit-benchmark guests (make
# bench-exits-guests): VMM_A is the candidate ("kemu"), VMM_B the reference
# ("qemu").  Each image runs K times per VMM, A and B alternating; per-exit
# cost = (t_kind - t_empty) / N for wall, user and system CPU time of the VMM
# process.  Also: the empty guest's start-to-exit time, and the VMM's RSS
# with an idle 128 MiB guest.  See bench/exits/README.md.
#
# The guests run directly on any usable /dev/kvm (kvm_pvm runs them); where
# /dev/kvm is missing or unusable the whole benchmark runs in one nested L1
# boot (tests/guest/linux/nested-run.sh), so the figures are nested ones.
#
# usage: bench/exits/run.sh [--runs K] [--mode auto|direct|nested] VMM_A VMM_B
#   EXITS_DIR      images and counts (default build/bench/exits under the root)
#   EXITS_SERIAL   the -serial backend (default null; e.g. file:/tmp/uart.out)
#   EXITS_TIMEOUT  seconds per run (default 60; nested 600: a nested port
#                  exit costs ~0.6 ms on a loaded 2-core host, so one image's
#                  100,000 exits take a minute or more, and a round ~20 min)
#   KEMU_TESTBED_MODE  the default of --mode (else auto)
set -u

readonly PASS_STATUS=33       # isa-debug-exit value 0x10
readonly KILL_GRACE=5
readonly RSS_SETTLE_S=1
readonly GUEST_RAM_KB=131072  # -m 128M

runs=5
mode=${KEMU_TESTBED_MODE:-auto}
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift 2 ;;
    --mode) mode=${2:?--mode needs auto, direct or nested}; shift 2 ;;
    *) break ;;
    esac
done
if [ $# -ne 2 ] || ! [ "$runs" -ge 1 ] 2>/dev/null; then
    echo "usage: $0 [--runs K] [--mode auto|direct|nested] VMM_A VMM_B" >&2
    exit 2
fi
vmm_a=$1
vmm_b=$2

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${EXITS_DIR:-$root/build/bench/exits}
serial=${EXITS_SERIAL:-null}
timeout_s=${EXITS_TIMEOUT:-60}

if [ ! -f "$dir/counts" ]; then
    echo "$0: $dir/counts missing: run 'make bench-exits-guests'" >&2
    exit 2
fi
. "$root/tests/guest/linux/lib.sh"
testbed_mode bare "$mode"
if [ -n "$TESTBED_SKIP" ]; then
    echo "SKIP: bench-exits: $TESTBED_SKIP"
    exit 77
fi
if [ "$TESTBED_MODE" = nested ]; then
    # The whole benchmark, this script included, in one L1 boot.
    echo "bench/exits: $(testbed_mode_line)"
    files=()
    for f in "$dir"/counts "$dir"/*.bin; do
        files+=(--file "$f")
    done
    n=$(wc -l <"$dir/counts")
    a=$(realpath -s "$(command -v "$vmm_a")") || die "no such program '$vmm_a'"
    b=$(realpath -s "$(command -v "$vmm_b")") || die "no such program '$vmm_b'"
    self=$(realpath -s "$0")
    timeout_s=${EXITS_TIMEOUT:-600}
    exec "$root/tests/guest/linux/nested-run.sh" --name bench-exits \
        --timeout $((120 + runs * 2 * (n + 1) * (timeout_s + 5))) \
        --silence $((timeout_s + 60)) \
        --bin "$a" --bin "$b" --file "$self" \
        --file "$root/tests/guest/linux/lib.sh" "${files[@]}" \
        --env KEMU_TESTBED_MODE=direct --env EXITS_DIR="$dir" \
        --env EXITS_SERIAL="$serial" --env EXITS_TIMEOUT="$timeout_s" \
        -- bash "$self" --runs "$runs" "$a" "$b"
fi

# shellcheck disable=SC2054 # the commas belong to -device's option string
args=(-machine pc -accel kvm -m 128M -display none -serial "$serial"
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)

work=$(mktemp -d)
idle_pid=
cleanup() {
    [ -n "$idle_pid" ] && kill "$idle_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
data=$work/data

vmm_of() {
    if [ "$1" = A ]; then echo "$vmm_a"; else echo "$vmm_b"; fi
}

# run_image A|B KIND ROUND: one timed run, appended to $data.
run_image() {
    local which=$1 kind=$2 round=$3 vmm status
    vmm=$(vmm_of "$which")
    local TIMEFORMAT='%3R %3U %3S'
    { time timeout -k "$KILL_GRACE" "$timeout_s" "$vmm" "${args[@]}" \
          -bios "$dir/$kind.bin" </dev/null >/dev/null 2>"$work/err"; } \
        2>"$work/time"
    status=$?
    if [ "$status" -ne "$PASS_STATUS" ]; then
        echo "$0: $vmm on $kind.bin exited with $status, want $PASS_STATUS:" >&2
        tail -n 5 "$work/err" >&2
        exit 1
    fi
    echo "T $kind $which $round $(cat "$work/time")" >>"$data"
}

# rss_idle A|B ROUND: VmRSS and resident guest RAM after RSS_SETTLE_S.
rss_idle() {
    local which=$1 round=$2 vmm pid rss guest
    vmm=$(vmm_of "$which")
    "$vmm" "${args[@]}" -bios "$dir/idle.bin" </dev/null >/dev/null \
        2>"$work/err" &
    pid=$!
    idle_pid=$pid
    sleep "$RSS_SETTLE_S"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$0: $vmm exited early on idle.bin:" >&2
        tail -n 5 "$work/err" >&2
        exit 1
    fi
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    # Guest RAM: the anonymous mappings at least as large as the guest RAM.
    guest=$(awk -v min="$GUEST_RAM_KB" '
        /^[0-9a-f]+-[0-9a-f]+ / { anon = (NF < 6); next }
        /^Size:/ { size = $2; next }
        /^Rss:/ { if (anon && size >= min) sum += $2 }
        END { print sum + 0 }' "/proc/$pid/smaps")
    kill "$pid"
    wait "$pid" 2>/dev/null
    idle_pid=
    echo "R $which $round $rss $guest" >>"$data"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
kinds=$(awk '$1 != "idle" { print $1 }' "$dir/counts")
for ((r = 1; r <= runs; r++)); do
    if ((r % 2)); then order="A B"; else order="B A"; fi
    for kind in $kinds; do
        for which in $order; do
            run_image "$which" "$kind" "$r"
        done
    done
    for which in $order; do
        rss_idle "$which" "$r"
    done
done

echo "bench/exits: A = $vmm_a (candidate, 'kemu')"
echo "             B = $vmm_b (reference, 'qemu')"
echo "             $runs runs per image and VMM, alternating; -serial $serial"
echo "             per-exit cost = (t_kind - t_empty) / N; median [min-max]"
echo "             load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v runs="$runs" '
function sort(a, n,    i, j, t) {
    for (i = 2; i <= n; i++) {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
}
# stats(v, n, f): "median [min-max]" of v[1..n], numbers in format f.
function stats(v, n, f,    s, i, med) {
    for (i = 1; i <= n; i++) s[i] = v[i]
    sort(s, n)
    med = (n % 2) ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
    return sprintf(f " [" f "-" f "]", med, s[1], s[n])
}
# ratio(a, b, n): "ratio kemu/qemu median [min-max]" of a[r] / b[r].
function ratio(a, b, n,    q, r) {
    for (r = 1; r <= n; r++) {
        if (b[r] <= 0) return "  ratio kemu/qemu n/a (qemu figure <= 0)"
        q[r] = a[r] / b[r]
    }
    return "  ratio kemu/qemu " stats(q, n, "%.2f")
}
# line(label, a, b, f): one row comparing A (kemu) and B (qemu).
function line(label, a, b, f) {
    return sprintf("  %-22s kemu %s  qemu %s", label, stats(a, runs, f),
                   stats(b, runs, f)) ratio(a, b, runs)
}
FNR == NR {
    count[$1] = $2
    if ($1 != "idle" && $1 != "empty") order[++nk] = $1
    next
}
$1 == "T" {
    t[$2, $3, $4, "wall"] = $5
    t[$2, $3, $4, "user"] = $6
    t[$2, $3, $4, "sys"] = $7
}
$1 == "R" { rss[$2, $3] = $4; guest[$2, $3] = $5 }
END {
    split("wall user sys", what, " ")
    for (k = 1; k <= nk; k++) {
        kind = order[k]
        n = count[kind]
        printf "\n%s (N=%d%s)\n", kind, n,
               kind == "loop" ? ", no exits: the loop alone" : ""
        for (w = 1; w <= 3; w++) {
            x = what[w]
            for (r = 1; r <= runs; r++) {
                a[r] = (t[kind, "A", r, x] - t["empty", "A", r, x]) * 1e6 / n
                b[r] = (t[kind, "B", r, x] - t["empty", "B", r, x]) * 1e6 / n
            }
            print line(what[w] " us/exit", a, b, "%.3f")
        }
    }

    printf "\nempty guest, VMM start to exit\n"
    for (r = 1; r <= runs; r++) {
        a[r] = t["empty", "A", r, "wall"] * 1e3
        b[r] = t["empty", "B", r, "wall"] * 1e3
    }
    print line("wall ms", a, b, "%.1f")

    printf "\nidle 128 MiB guest after 1 s: VmRSS, and the guest RAM part"
    printf " (resident in\nanonymous mappings >= 128 MiB)\n"
    for (r = 1; r <= runs; r++) {
        a[r] = rss["A", r] / 1024
        b[r] = rss["B", r] / 1024
        ga[r] = guest["A", r] / 1024
        gb[r] = guest["B", r] / 1024
        oa[r] = a[r] - ga[r]
        ob[r] = b[r] - gb[r]
    }
    print line("VmRSS MiB", a, b, "%.1f")
    printf "  %-22s kemu %s  qemu %s\n", "guest RAM resident MiB",
           stats(ga, runs, "%.1f"), stats(gb, runs, "%.1f")
    print line("VMM own MiB", oa, ob, "%.1f")
}' "$dir/counts" "$data"
