/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The QEMU release whose interface kemu follows: the command line, QMP and
 * qtest as that release has them.  Tools written for QEMU read it where
 * they read QEMU's own version: the first line of -h (kvm-unit-tests'
 * launcher parses "QEMU emulator version X.Y.Z") and query-version's
 * "qemu" member (libvirt and other QMP clients).  kemu's own version is
 * KEMU_VERSION, shown beside it ("package" in QMP, "(kemu X)" in -h).
 */
#ifndef SYSTEM_QEMU_VERSION_H
#define SYSTEM_QEMU_VERSION_H

#define KEMU_QEMU_VERSION "7.2.0"

#endif /* SYSTEM_QEMU_VERSION_H */
