#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Network throughput benchmark: iperf3 between the Linux test guest and its
# host side, guest->host and host->guest, for each row (NIC + backend):
# e1000 and virtio-net over -netdev tap and -netdev user, and virtio-net
# over tap with vhost=on; kemu against QEMU with the same kernel, initramfs
# and command line (and optionally a second kemu build, e.g. before a
# change). On the project's machines every run happens inside ONE nested
# L1 boot (tests/guest/linux/README.md), the VMMs taking turns. Prints
# medians, min-max and ratios of Mbit/s and of the VMM's CPU time per
# gigabit. Not a test: see README.md.
#
# Usage: bench/net/run.sh [--runs K] [--secs T] [--rows ROW,...]
#                         [--base KEMU0] [--mode auto|direct|nested] [-v]
#                         KEMU QEMU
#        bench/net/run.sh [--secs T] --report CONSOLE  (the tables again
#                         from a console kept with KEMU_BENCH_CONSOLE=FILE)
# ROW: e1000-tap e1000-user virtio-tap virtio-user virtio-vhost (default:
# all). The mode defaults to $KEMU_TESTBED_MODE, else auto: direct on
# hardware KVM, nested everywhere else, including hosts with no /dev/kvm.

set -euo pipefail
. "$(dirname "$0")/../../tests/guest/linux/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

all_rows="e1000-tap e1000-user virtio-tap virtio-user virtio-vhost"
runs=3 secs=5 mode=${KEMU_TESTBED_MODE:-auto} rows=$all_rows verbose=0 base=""
report_file=""
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs=$2; shift 2 ;;
    --secs) secs=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --rows) rows=${2//,/ }; shift 2 ;;
    --base) base=$2; shift 2 ;;
    --report) report_file=$2; shift 2 ;;
    -v | --verbose) verbose=1; shift ;;
    -h | --help) break ;;
    -*) die "unknown option '$1'" ;;
    *) break ;;
    esac
done
if { [ $# -ne 2 ] && [ -z "$report_file" ]; } || ! [[ "$runs" =~ ^[1-9][0-9]*$ ]] ||
    ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: bench/net/run.sh [--runs K] [--secs T] [--rows ROW,...]" \
        "[--base KEMU0] [--mode auto|direct|nested] [-v] KEMU QEMU" >&2
    echo "       bench/net/run.sh [--secs T] --report CONSOLE" >&2
    echo "ROW: $all_rows" >&2
    exit 2
fi
for r in $rows; do
    case " $all_rows " in
    *" $r "*) ;;
    *) die "unknown row '$r' (rows: $all_rows)" ;;
    esac
done
# stats CFG ROW DIR: "MEDIAN MIN MAX N" of the Mbit/s figures.
# cpustats CFG ROW DIR: the same of the VMM's CPU seconds per gigabit
# moved (ticks / 100 / (Mbit/s * T / 1000)), and of the part that was
# not the guest's own time.
median() {
    sort -g | awk '
        function fmt(x) { return x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x) }
        { v[NR] = $1 }
        END { if (NR) {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%s %s %s %d\n", fmt(m), fmt(v[1]), fmt(v[NR]), NR } }'
}
stats() {
    awk -v c="$1" -v r="$2" -v d="$3" '
        $1 == "KEMU-BENCH:" && $2 == c && $3 == r && $5 == d { print $6 }' \
        "$work/console" | median
}
cpustats() { # CFG ROW DIR FIELD (6: all of it, 7: without guest time)
    awk -v c="$1" -v r="$2" -v d="$3" -v f="$4" -v t="$secs" '
        $2 == c && $3 == r && $5 == d {
            if ($1 == "KEMU-BENCH:") mb[$4] = $6
            if ($1 == "KEMU-BENCH-CPU:") s[$4] = (f == 6 ? $6 : $6 - $7) / 100 }
        END { for (i in mb) if ((i in s) && mb[i] > 0)
            print s[i] / (mb[i] * t / 1000) }' "$work/console" | median
}
# ratios A B ROW DIR [FIELD]: "MIN-MAX" of A/B within each round, of
# Mbit/s, or of CPU per gigabit with FIELD.
ratios() {
    awk -v a="$1" -v b="$2" -v r="$3" -v d="$4" -v f="${5:-}" '
        $3 == r && $5 == d && ($2 == a || $2 == b) {
            if ($1 == "KEMU-BENCH:") mb[$2 " " $4] = $6
            if ($1 == "KEMU-BENCH-CPU:") s[$2 " " $4] = (f == 6 ? $6 : $6 - $7)
            k[$4] = 1 }
        function val(c, i) {
            if (f == "") return mb[c " " i]
            return mb[c " " i] > 0 ? s[c " " i] / mb[c " " i] : 0 }
        END { for (i in k) if (val(b, i) > 0 && val(a, i) > 0) {
                x = val(a, i) / val(b, i)
                if (n++ == 0 || x < lo) lo = x
                if (n == 1 || x > hi) hi = x }
              if (n) printf "%.2f-%.2f", lo, hi }' "$work/console"
}
# table KIND: one line per row and direction; KIND mbits, cpu or vmmcpu.
failed=0
table() {
    local kind=$1 row dir label cfg m lo hi n r cols pairs
    local -A meds
    for row in $rows; do
        for dir in tx rx; do
            label=guest-\>host
            [ "$dir" = tx ] || label=host-\>guest
            cols=()
            meds=()
            for cfg in $vmms; do
                case "$kind" in
                mbits) read -r m lo hi n <<<"$(stats "$cfg" "$row" "$dir")" ;;
                cpu) read -r m lo hi n <<<"$(cpustats "$cfg" "$row" "$dir" 6)" ;;
                vmmcpu) read -r m lo hi n <<<"$(cpustats "$cfg" "$row" "$dir" 7)" ;;
                esac
                if [ -n "$m" ]; then
                    cols+=("$m ($lo-$hi, n=$n)")
                    meds[$cfg]=$m
                else
                    cols+=(failed)
                    failed=1
                fi
            done
            pairs="kemu/qemu"
            [ -z "$base" ] || pairs="kemu/base kemu/qemu"
            r=""
            for p in $pairs; do
                local a=${p%/*} b=${p#*/} f=""
                [ "$kind" = mbits ] || f=$([ "$kind" = cpu ] && echo 6 || echo 7)
                if [ -n "${meds[$a]:-}" ] && [ -n "${meds[$b]:-}" ]; then
                    r="$r $(awk -v x="${meds[$a]}" -v y="${meds[$b]}" \
                        'BEGIN { printf "%.2f", (y > 0 ? x / y : 0) }')"
                    r="$r ($(ratios "$a" "$b" "$row" "$dir" "$f"))"
                else
                    r="$r n/a"
                fi
            done
            printf '%-13s %-12s' "$row" "$label"
            printf ' %-24s' "${cols[@]}"
            printf '%s\n' "$r"
        done
    done
}
hdr() {
    printf '%-13s %-12s' row direction
    for cfg in $vmms; do printf ' %-24s' "$cfg $1"; done
    if [ -n "$base" ]; then
        printf ' kemu/base, kemu/qemu (per round)\n'
    else
        printf ' kemu/qemu (per round)\n'
    fi
}
# report: the tables from $work/console ($vmms, $rows, $secs, $base set).
report() {
    echo "Throughput, Mbit/s (higher is better):"
    hdr Mbit/s
    table mbits
    echo "CPU time of the VMM process per gigabit moved, s/Gbit (lower is better):"
    hdr s/Gbit
    table cpu
    echo "The same without the guest's own (vCPU) time:"
    hdr s/Gbit
    table vmmcpu
}
if [ -n "$report_file" ]; then
    # Tables from a console kept with KEMU_BENCH_CONSOLE; no runs.
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp "$report_file" "$work/console"
    rows=$(awk '$1 == "KEMU-BENCH:" && !s[$3]++ { printf "%s ", $3 }' "$work/console")
    vmms=$(awk '$1 == "KEMU-BENCH:" && !s[$2]++ { print $2 }' "$work/console" |
        sort | awk '{ v[$1] = 1 } END { printf "kemu"; if ("base" in v) printf " base"; print " qemu" }')
    base=""
    case "$vmms" in *base*) base=base ;; esac
    failed=0
    report
    exit 0
fi
kemu=$(realpath -s "$(command -v "$1")") || die "no such program '$1'"
qemu=$(realpath -s "$(command -v "$2")") || die "no such program '$2'"
vmms="kemu qemu"
if [ -n "$base" ]; then
    base=$(realpath -s "$(command -v "$base")") || die "no such program '$base'"
    vmms="kemu base qemu"
fi
# Direct on hardware KVM, nested everywhere else (also with no /dev/kvm).
testbed_mode linux "$mode"
mode=$TESTBED_MODE
[ -z "$TESTBED_SKIP" ] || { echo "SKIP: bench-net: $TESTBED_SKIP"; exit 77; }
need_pkg iperf3
iperf3=$(realpath -s "$(command -v iperf3)")

mkdir -p "$GUEST_DIR/l1"
exec {lockfd}>"$GUEST_DIR/.lock"
flock "$lockfd"
"$KEMU_LINUX_DIR/build-guest.sh" "$GUEST_DIR"
work=$(mktemp -d "$KEMU_TOP/build/bench-net.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/run"

# The L2 initramfs: the test guest's, plus iperf3 with its libraries and
# checks.sh with the iperf check (later archives override earlier files).
root=$work/l2-extra
stage_binary "$root" "$iperf3"
cat "$KEMU_LINUX_DIR/checks.sh" "$HERE/guest-iperf.sh" >"$root/checks.sh"
cpio_dir "$root" "$work/l2-extra.cpio"
cat "$GUEST_DIR/initramfs.cpio" "$work/l2-extra.cpio" >"$work/run/initramfs-iperf.cpio"
rm -rf "$root" "$work/l2-extra.cpio"

if [ "$mode" = direct ]; then
    gdir=$GUEST_DIR rdir=$work/run
else
    gdir=/guest rdir=/kemu-run
fi
ns="nsenter --net=$KEMU_NET_RUN/netns"
# row_backend ROW: the guest's side of the row (tap or user).
row_backend() {
    case "$1" in
    *-user) echo user ;;
    *) echo tap ;;
    esac
}
vmm_cmd() { # VMM ROW
    local d netdev device tap=tap,id=n0,ifname=ktap0,script=no,downscript=no
    read -ra d <<<"$(vmm_default_args "$1")"
    case "$2" in
    e1000-tap) netdev=$tap device=e1000 ;;
    e1000-user) netdev=user,id=n0 device=e1000 ;;
    virtio-tap) netdev=$tap,vhost=off device=virtio-net-pci ;;
    virtio-user) netdev=user,id=n0 device=virtio-net-pci ;;
    virtio-vhost) netdev=$tap,vhost=on device=virtio-net-pci ;;
    esac
    sh_quote "$1" -machine pc -accel kvm -m "$L2_MEM" -nographic -no-reboot \
        -kernel "$gdir/vmlinux" -initrd "$rdir/initramfs-iperf.cpio" \
        -append "$L2_APPEND kemu.check=iperf kemu.bench=$(row_backend "$2") kemu.secs=$secs" \
        "${d[@]}" -netdev "$netdev" -device "$device,netdev=n0"
}

# The L1 side (busybox sh; on the host itself when direct): iperf3 servers
# on 127.0.0.1 (slirp's host side) and in a namespace behind the TAP
# ktap0 (192.168.76.1/24), then the runs.
{
    cat <<EOF
# Generated by bench/net/run.sh.
run=$KEMU_NET_RUN
ns="$ns"
EOF
    cat <<'EOF'
set -o pipefail
tmp=$run/bench
mkdir -p "$run"
[ -c /dev/net/tun ] || modprobe tun
# vhost=on rows need /dev/vhost-net (a VMM without it fails that row).
[ -c /dev/vhost-net ] || modprobe vhost_net 2>/dev/null || true
: >"$run/netns"
unshare --net="$run/netns" true
$ns ip link set lo up
$ns tunctl -t ktap0 >/dev/null
$ns ip addr add 192.168.76.1/24 dev ktap0
$ns ip link set ktap0 up
iperf3 -s -D -B 127.0.0.1 -I "$run/iperf-user.pid"
$ns iperf3 -s -D -B 192.168.76.1 -I "$run/iperf-tap.pid"
sleep 1
echo "KEMU-L1: bench: iperf3 servers on 127.0.0.1 and (ktap0) 192.168.76.1"
bad=" "
# cpu PID: "TICKS GUEST VHOST" -- utime+stime of process PID (all its
# threads) and of the vhost-TID kernel threads serving it (VHOST: how many),
# and the part of it that was guest time, in clock ticks (USER_HZ: 100);
# "- - -" once PID has exited.
cpu() {
    me=$1 tids=" " t=0 g=0 v=0
    read -r st 2>/dev/null <"/proc/$me/stat" || { echo "- - -"; return; }
    case "$st" in *") Z "*) echo "- - -"; return ;; esac
    for f in /proc/"$me"/task/*; do tids="$tids${f##*/} "; done
    for f in /proc/[0-9]*/stat; do
        read -r st 2>/dev/null <"$f" || continue
        case "$st" in
        "$me ("*) ;;
        *" (vhost-"*") "*)
            w=${st#* (vhost-}
            case "$tids" in *" ${w%%)*} "*) v=$((v + 1)) ;; *) continue ;; esac
            ;;
        *) continue ;;
        esac
        # Fields from the state (3rd): utime is $12, stime $13, guest $41.
        # shellcheck disable=SC2086 # split the fields
        set -- ${st##*) }
        t=$((t + ${12} + ${13})) g=$((g + ${41}))
    done
    echo "$t $g $v"
}
# bench CFG ROW ROUND CMD...: one boot; "KEMU-BENCH: CFG ROW ROUND DIR
# MBITS" and "KEMU-BENCH-CPU: CFG ROW ROUND DIR TICKS GUEST VHOST" per
# direction, with the ticks the VMM's process (and its vhost threads) used
# between the guest's "iperf3 DIR" line and its result, of which guest
# time, and the number of vhost threads. A configuration that failed is
# not run again.
bench() {
    cfg=$1 row=$2 i=$3
    shift 3
    case "$bad" in *" $cfg-$row "*) return ;; esac
    : >"$tmp.res"
    rm -f "$tmp.fifo"
    mkfifo "$tmp.fifo"
    read -r t0 _ </proc/uptime
    echo "KEMU-L1: bench $cfg $row $i at $t0"
    "$@" </dev/null >"$tmp.fifo" 2>&1 &
    pid=$!
    (sleep $((secs * 2 + 90)) && kill "$pid" && sleep 10 &&
        kill -9 "$pid") 2>/dev/null &
    dog=$!
    tr -d '\r' <"$tmp.fifo" | while IFS= read -r line; do
        echo "$line"
        case "$line" in
        *"KEMU-GUEST: iperf3 "[rt]x:*)
            c0=$(cpu "$pid")
            ;;
        *"KEMU-BENCH-NET: "*)
            c1=$(cpu "$pid")
            # shellcheck disable=SC2086 # split the fields
            set -- ${line##*KEMU-BENCH-NET: } ${c0:-- - -} $c1
            case "$3$6" in *-*) continue ;; esac
            echo "KEMU-BENCH-CPU: $cfg $row $i $1 $(($6 - $3)) $(($7 - $4)) $8"
            ;;
        esac
    done | $out >"$tmp.out"
    wait "$pid"
    rc=$?
    kill "$dog" 2>/dev/null
    read -r t1 _ </proc/uptime
    grep 'KEMU-BENCH-NET: ' "$tmp.out" | sed 's/.*KEMU-BENCH-NET: //' |
        while read -r dir mbits; do
            echo "KEMU-BENCH: $cfg $row $i $dir $mbits"
        done | tee "$tmp.res"
    grep '^KEMU-BENCH-CPU: ' "$tmp.out"
    if [ "$row" = virtio-vhost ] &&
        grep -q '^KEMU-BENCH-CPU: .* 0$' "$tmp.out"; then
        echo "KEMU-BENCH-NOTE: $cfg $row $i: no vhost thread: vhost not in use"
    fi
    if [ "$(wc -l <"$tmp.res")" -ne 2 ]; then
        bad="$bad$cfg-$row "
        tail -n 60 "$tmp.out" | sed "s/^/KEMU-BENCH-LOG: $cfg $row | /"
        echo "KEMU-BENCH-LOG: $cfg $row: exit status $rc after $t0-$t1 s of L1 uptime"
    fi
}
EOF
    echo "secs=$secs"
    if [ "$verbose" = 1 ]; then echo 'out="tee /dev/console"'; else echo "out=cat"; fi
    read -ra vlist <<<"$vmms"
    n=${#vlist[@]}
    for ((i = 1; i <= runs; i++)); do
        for row in $rows; do
            # Rotate which VMM goes first from round to round.
            for ((k = 0; k < n; k++)); do
                cfg=${vlist[$(((i - 1 + k) % n))]}
                case "$cfg" in
                kemu) bin=$kemu ;;
                base) bin=$base ;;
                qemu) bin=$qemu ;;
                esac
                pre=""
                [ "$(row_backend "$row")" = tap ] && pre="\$ns "
                echo "bench $cfg $row $i $pre$(vmm_cmd "$bin" "$row")"
            done
        done
    done
    cat <<'EOF'
kill "$(cat "$run/iperf-user.pid")" "$(cat "$run/iperf-tap.pid")" 2>/dev/null
echo "KEMU-L1: vmm exit 0"
EOF
} >"$work/run/run.sh"

echo "bench-net: $runs runs x $secs s each way of $vmms; rows $rows;" \
    "$(testbed_mode_line)"
if [ "$mode" = direct ]; then
    # As testbed.sh does for --l1-pre: busybox first in PATH, private
    # network and PID namespaces and a tmpfs at $KEMU_NET_RUN.
    bb=$GUEST_DIR/pkg/busybox/bin/busybox
    mkdir -p "$work/bin" "$KEMU_NET_RUN"
    for a in $("$bb" --list); do
        ln -sf "$bb" "$work/bin/$a"
    done
    # shellcheck disable=SC2016 # expanded by the inner shell
    cmd=(unshare --net --mount --propagation private --pid --fork \
        --mount-proc --kill-child -- "$bb" sh -c \
        'mount -t tmpfs tmpfs "$3" && export PATH="$1:$PATH" &&
         ip link set lo up && . "$2/run.sh"' sh "$work/bin" "$work/run" \
        "$KEMU_NET_RUN")
else
    need_pkg qemu-system-x86
    bins=("$kemu" "$qemu" "$iperf3")
    [ -z "$base" ] || bins+=("$base")
    key=$(printf '%s\n' "${bins[@]}" | md5sum | cut -c1-8)
    vmmcpio=$GUEST_DIR/l1/vmm-bench-net-$key.cpio
    l1_vmm_cpio "$vmmcpio" "${bins[@]}"
    l1_initrd "$work/l1.cpio" vmlinux "$work/run" "$vmmcpio"
    l1_qemu_cmd "$work/l1.cpio"
    cmd=("${L1_CMD[@]}")
fi
flock -u "$lockfd"

load0=$(cut -d' ' -f1-3 /proc/loadavg)
nrows=$(wc -w <<<"$rows")
limit=$((120 + runs * nrows * $(wc -w <<<"$vmms") * (secs * 2 + 60)))
if [ "$verbose" = 1 ]; then
    timeout "$limit" "${cmd[@]}" </dev/null 2>&1 | tr -d '\r' |
        tee "$work/console" | sed -u 's/^/  | /' || true
else
    timeout "$limit" "${cmd[@]}" </dev/null 2>&1 | tr -d '\r' >"$work/console" || true
fi
[ -z "${KEMU_BENCH_CONSOLE:-}" ] || cp "$work/console" "$KEMU_BENCH_CONSOLE"
grep -E '^KEMU-BENCH-(LOG|NOTE)' "$work/console" || true
unfinished=0
grep -q 'KEMU-L1: vmm exit 0' "$work/console" || {
    # What did finish is still worth its tables.
    tail -n 40 "$work/console" | sed 's/^/  | /'
    echo "bench-net: the benchmark did not finish within $limit s;" \
        "the figures below are the runs that did"
    unfinished=1
}

echo "bench-net: host load average $load0 at start," \
    "$(cut -d' ' -f1-3 /proc/loadavg) at end ($(nproc) CPUs; other work" \
    "on the host makes the runs noisy)"
report
if [ "$unfinished" = 1 ]; then
    echo "FAIL: bench-net (the benchmark did not finish within $limit s)"
    exit 1
fi
if [ "$failed" = 1 ]; then
    echo "bench-net: some configurations failed: see KEMU-BENCH-LOG above"
    exit 1
fi
