#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check kemu's include layering (docs/devel/architecture.md, "Layers").

Every .c/.h file git tracks, or that is untracked and not ignored, belongs
to a layer: by its own entry in FILE_LAYERS, else by the longest matching
folder in FOLDER_LAYERS.  Each `#include "..."` is resolved as the compiler
does (the including file's folder first, then the tree root, then the
headers configure generates; `#include <...>` only when it names a file
of ours) and the layer of the included file must be one that LAYERS
allows.  EXCEPTIONS lists the known inversions, each with
why and which issue removes it; an exception that no longer matches is an
error too, so the list only shrinks.  The rules live here and only here.

Usage: scripts/check-layering.py [--root DIR]   check a tree (default: ours)
       scripts/check-layering.py --self-test    check tests/layering/fixture
                                                against tests/layering/expected
Exit status 0 when clean, 1 on any violation.
"""

import argparse
import fnmatch
import os
import re
import subprocess
import sys

# ---------------------------------------------------------------------------
# The rules.  A layer may include itself and the layers listed here; ANY
# means everything.  Lower layers first.
ANY = "*"
LOW = {"util", "qom", "target"}
BACKENDS = {"memory", "chardev", "net", "block"}
LAYERS = {
    # 1. util/: nothing of ours (configure's config-host.h counts as util).
    "util": set(),
    # 2. qom/: util.  target/i386's CPU models use util only.
    "qom": {"util"},
    "target": {"util"},
    # 3. The memory API, chardevs, net/, block/: qom and util; no device, no
    #    machine (what they tell the machine goes through a callback).
    "memory": {"util", "qom"},
    "chardev": {"util", "qom"},
    "net": {"util", "qom"},
    "block": {"util", "qom"},
    # 4. hw/: the layers below.  hw/core holds the interfaces (qdev, IRQ
    #    lines, the machine and its AccelOps) and uses no specific device.
    "hw-core": LOW | BACKENDS,
    "hw": LOW | BACKENDS | {"hw-core"},
    # 5. accel/: the memory API, hw/core's interfaces, target's CPU models;
    #    never a specific device (and no device ever includes accel/).
    "accel": LOW | {"memory", "hw-core"},
    # 6. ui/, the monitors (QMP, HMP), the qtest server, -device,
    #    system/main.c: everything but the tests and tools.
    "top": LOW | BACKENDS | {"hw-core", "hw", "accel"},
    # 7. tools/kemu-img: block and util only.
    "tools": {"block", "util"},
    # Tests and benchmarks may use anything.
    "tests": ANY,
}

# Folders, longest prefix wins.
FOLDER_LAYERS = {
    "util/": "util",
    "qom/": "qom",
    "target/": "target",
    "exec/": "memory",
    "chardev/": "chardev",
    "net/": "net",
    "block/": "block",
    "hw/core/": "hw-core",
    "hw/": "hw",
    "migration/": "hw",
    "accel/": "accel",
    "ui/": "top",
    "monitor/": "top",
    "system/": "top",
    "tools/": "tools",
    "tests/": "tests",
    "bench/": "tests",
}

# Files whose layer is not their folder's (fnmatch patterns, checked before
# FOLDER_LAYERS).  None today: every folder is one layer, and a file that
# needs an entry here belongs in another folder.
FILE_LAYERS = {}

# Headers configure writes into the build folder: name -> layer.
GENERATED = {"config-host.h": "util"}

# Files not checked at all: the self-test's fixture breaks the rules on
# purpose.
SKIP = ["tests/layering/fixture/*"]

# Known inversions: (file, included file, why, what removes it).  Each must
# still match, else it is reported as stale.
# None today: the chardev property kind moved to hw/core and the mux's
# C-a x calls the quit handler the machine gives the chardevs.
EXCEPTIONS = []
# ---------------------------------------------------------------------------

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*(["<])([^">]+)[">]')


def list_files(root):
    """The .c/.h files of a tree: git's tracked and untracked-not-ignored
    files when root is in a work tree, else every file below root."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard",
             "--", "*.c", "*.h"],
            cwd=root, check=True, capture_output=True, text=True).stdout
        files = out.split()
    except (OSError, subprocess.CalledProcessError):
        files = []
        for top, _, names in os.walk(root):
            for name in names:
                if name.endswith((".c", ".h")):
                    path = os.path.join(top, name)
                    files.append(os.path.relpath(path, root))
    files = [f.replace(os.sep, "/") for f in files]
    return sorted({f for f in files if os.path.isfile(os.path.join(root, f))})


def layer_of(path):
    for pattern, layer in FILE_LAYERS.items():
        if fnmatch.fnmatchcase(path, pattern):
            return layer
    best = None
    for folder, layer in FOLDER_LAYERS.items():
        if path.startswith(folder) and (best is None or
                                        len(folder) > len(best[0])):
            best = (folder, layer)
    return best[1] if best else None


def resolve(root, src, name, files):
    """The tree path `#include "name"` in src names, or None."""
    for cand in (os.path.join(os.path.dirname(src), name), name):
        cand = os.path.normpath(cand).replace(os.sep, "/")
        if cand in files or os.path.isfile(os.path.join(root, cand)):
            return cand
    return None


def check(root, exceptions=None):
    """Return the list of error lines for the tree at root."""
    if exceptions is None:
        exceptions = EXCEPTIONS
    errors = []
    files = [f for f in list_files(root)
             if not any(fnmatch.fnmatchcase(f, s) for s in SKIP)]
    fileset = set(files)
    used = set()
    for src in files:
        src_layer = layer_of(src)
        if src_layer is None:
            errors.append(f"{src}: in no layer (add its folder to "
                          f"FOLDER_LAYERS in scripts/check-layering.py)")
            continue
        allowed = LAYERS[src_layer]
        with open(os.path.join(root, src), encoding="utf-8",
                  errors="replace") as fh:
            lines = fh.readlines()
        for lineno, line in enumerate(lines, 1):
            m = INCLUDE_RE.match(line)
            if not m:
                continue
            name = m.group(2)
            if m.group(1) == "<":
                # A system header, unless it names one of ours.
                if name not in fileset:
                    continue
                target = name
            else:
                target = resolve(root, src, name, fileset)
            if target is None:
                if name in GENERATED:
                    dst_layer = GENERATED[name]
                    target = name
                elif allowed == ANY:
                    continue
                else:
                    errors.append(f"{src}:{lineno}: cannot find \"{name}\"")
                    continue
            else:
                dst_layer = layer_of(target)
            if allowed == ANY or dst_layer == src_layer or \
                    dst_layer in allowed:
                continue
            known = [e for e in exceptions if e[0] == src and e[1] == target]
            if known:
                used.add((src, target))
                continue
            may = ", ".join(sorted(allowed)) or "nothing of ours"
            errors.append(f"{src}:{lineno}: {src_layer} includes {target} "
                          f"({dst_layer}); {src_layer} may use: {may}")
    for src, target, _, _ in exceptions:
        if (src, target) not in used:
            errors.append(f"{src}: the exception for {target} no longer "
                          f"applies: remove it from EXCEPTIONS")
    for pattern in FILE_LAYERS:
        if not any(fnmatch.fnmatchcase(f, pattern) for f in files):
            errors.append(f"FILE_LAYERS: '{pattern}' matches no file: "
                          f"remove it")
    return errors


def self_test(top):
    """Check the fixture tree; its errors must be exactly the expected.
    The fixture's exceptions are ours plus one that matches (it must not be
    reported) and one that matches nothing (it must be)."""
    here = os.path.join(top, "tests", "layering")
    known = ("chardev/char-fe.c", "hw/core/qdev-properties.h", "planted",
             "self-test")
    stale = ("util/osdep.h", "hw/core/machine.h", "fixed", "self-test")
    got = check(os.path.join(here, "fixture"), EXCEPTIONS + [known, stale])
    with open(os.path.join(here, "expected"), encoding="utf-8") as fh:
        want = [line.rstrip("\n") for line in fh
                if line.strip() and not line.startswith("#")]
    if got == want:
        print(f"check-layering self-test: ok ({len(want)} violations caught)")
        return 0
    print("check-layering self-test: FAILED")
    for line in want:
        if line not in got:
            print(f"  missed:     {line}")
    for line in got:
        if line not in want:
            print(f"  unexpected: {line}")
    return 1


def main():
    top = os.path.normpath(os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ".."))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=top, help="tree to check")
    parser.add_argument("--self-test", action="store_true",
                        help="check the fixture tree instead")
    args = parser.parse_args()
    if args.self_test:
        return self_test(top)
    errors = check(args.root)
    for line in errors:
        print(line)
    if errors:
        print(f"check-layering: {len(errors)} violation(s); the rules are "
              f"in scripts/check-layering.py", file=sys.stderr)
        return 1
    print("check-layering: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
