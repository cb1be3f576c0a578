#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The code in docs/devel/*.md compiles as written, and the PCI guide's
# example runs.  Every fenced block opened as ```c file=PATH is extracted
# into a scratch tree; then:
#   1. where PATH is also a file of the tree, the two must be identical
#      (the doc shows the real file, not a copy that drifted);
#   2. every extracted .c compiles with the tree's flags (-Werror);
#   3. an emulator is linked from BUILD's objects with the extracted
#      objects added (or put in place of the tree's same-named ones), and
#      each extracted tests/qtest/*-test.c is linked with libqos and run
#      against it under -accel qtest.
# Usage: tests/docs/check-examples.sh [BUILD]   (BUILD: a built tree's build
# directory, default build; `make check` passes the one it tests)
set -u
cd "$(dirname "$0")/../.." || exit 1
build=$(cd "${1:-build}" 2>/dev/null && pwd) || {
    echo "check-examples: no build directory ${1:-build}" >&2
    exit 1
}
docs=(docs/devel/*.md)
scratch=$(mktemp -d /tmp/kemu-doc-examples.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

if [ ! -f "$build/config.mak" ] || [ ! -x "$build/kemu-system-x86_64" ]; then
    echo "check-examples: $build is not a built tree (run make first)" >&2
    exit 1
fi

# The tree's compiler, flags and object lists, as the Makefile has them.
vars=$(make -s --no-print-directory -f Makefile -f - BUILD="$build" \
    print-doc-check-vars <<'MK'
print-doc-check-vars:
	@echo "CC='$(CC)'"
	@echo "CFLAGS_ALL='$(filter-out -MMD -MP,$(ALL_CFLAGS))'"
	@echo "LDFLAGS_ALL='$(ALL_LDFLAGS)'"
	@echo "OBJS='$(OBJS) $(MAIN_OBJS)'"
	@echo "LIBQOS_OBJS='$(LIBQOS_OBJS)'"
	@echo "EMU_LIBS='$(EMU_LIBS)'"
	@echo "CUNIT_LIBS='$(CUNIT_LIBS)'"
MK
) || {
    echo "check-examples: cannot read the Makefile's variables" >&2
    exit 1
}
eval "$vars"

# 0. Extract: "```c file=PATH" up to the closing fence.
files=()
for doc in "${docs[@]}"; do
    while IFS= read -r path; do
        files+=("$path")
    done < <(awk -v out="$scratch/src" -v doc="$doc" '
        /^```c file=/ {
            path = substr($0, index($0, "file=") + 5)
            sub(/[ \t].*$/, "", path)
            file = out "/" path
            dir = file; sub(/\/[^\/]*$/, "", dir)
            system("mkdir -p \"" dir "\"")
            printf "" > file
            print path
            next
        }
        /^```/ && file != "" { close(file); file = ""; next }
        file != "" { print >> file }
    ' "$doc")
done
if [ ${#files[@]} -eq 0 ]; then
    echo "check-examples: no \`\`\`c file= blocks in ${docs[*]}" >&2
    exit 1
fi

failed=0
fail() {
    echo "check-examples: FAIL: $*"
    failed=1
}

# 1. A block for a file of the tree is that file.
for f in "${files[@]}"; do
    if [ -e "$f" ]; then
        if diff -u "$f" "$scratch/src/$f" >"$scratch/diff" 2>&1; then
            echo "check-examples: $f: the doc's copy is the tree's"
        else
            fail "$f: the doc's block differs from the tree's file:"
            sed 's/^/    /' "$scratch/diff" | head -40
        fi
    fi
done

# 2. Everything compiles, with the tree's warnings as errors.
objs=()
for f in "${files[@]}"; do
    case $f in *.c) ;; *) continue ;; esac
    o=$scratch/obj/${f%.c}.o
    mkdir -p "$(dirname "$o")"
    # shellcheck disable=SC2086 # flag lists
    if (cd "$scratch/src" && $CC $CFLAGS_ALL -I"$PWD" -I"$OLDPWD" \
        -c -o "$o" "$f") 2>"$scratch/cc.log"; then
        echo "check-examples: $f: compiles"
        objs+=("$f")
    else
        fail "$f does not compile:"
        sed 's/^/    /' "$scratch/cc.log" | head -40
    fi
done
[ $failed -eq 0 ] || exit 1

# 3. An emulator with the examples in it, and their qtests run against it.
emu_objs=()
# shellcheck disable=SC2153 # OBJS comes from the eval above
for o in $OBJS; do
    rel=${o#"$build"/}
    if [ -e "$scratch/obj/$rel" ]; then
        o=$scratch/obj/$rel
    elif [ ! -e "$o" ]; then
        echo "check-examples: $o is missing: $build is not built from" \
            "this tree (run make BUILD=$build all)" >&2
        exit 1
    fi
    emu_objs+=("$o")
done
for f in "${objs[@]}"; do
    case $f in tests/*) continue ;; esac
    rel=${f%.c}.o
    case " $OBJS " in
    *" $build/$rel "*) ;; # put in place of the tree's, above
    *) emu_objs+=("$scratch/obj/$rel") ;;
    esac
done
# shellcheck disable=SC2086
if ! $CC $LDFLAGS_ALL -o "$scratch/kemu-system-x86_64" "${emu_objs[@]}" \
    $EMU_LIBS -lutil 2>"$scratch/ld.log"; then
    fail "the emulator with the examples does not link:"
    sed 's/^/    /' "$scratch/ld.log" | head -40
    exit 1
fi
qtests=()
for f in "${objs[@]}"; do
    case $f in tests/qtest/*-test.c) ;; *) continue ;; esac
    t=$scratch/obj/${f%.c}
    # shellcheck disable=SC2086
    if $CC $LDFLAGS_ALL -o "$t" "$t.o" $LIBQOS_OBJS $EMU_LIBS $CUNIT_LIBS \
        2>"$scratch/ld.log"; then
        qtests+=("$t")
    else
        fail "$f does not link:"
        sed 's/^/    /' "$scratch/ld.log" | head -40
    fi
done
[ $failed -eq 0 ] || exit 1
if [ ${#qtests[@]} -gt 0 ]; then
    if ! QTEST_QEMU_BINARY=$scratch/kemu-system-x86_64 \
        tests/qtest/run.sh "${qtests[@]}"; then
        fail "the examples' qtests"
    fi
fi
if [ $failed -ne 0 ]; then
    exit 1
fi
echo "check-examples: ${#files[@]} blocks from ${#docs[@]} docs: ok"
