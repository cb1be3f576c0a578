/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol server: QEMU's line-based test protocol on a chardev
 * (`-qtest unix:PATH` connects to a socket the test listens on).  A test
 * reads and writes ports and memory through the machine's address spaces
 * (the dispatch a vCPU exit uses), steps the virtual clock, intercepts
 * interrupt lines and gets "IRQ raise N" / "IRQ lower N" lines unprompted.
 * The commands and replies are documented in docs/devel/testing.md.
 */
#ifndef KEMU_SYSTEM_QTEST_H
#define KEMU_SYSTEM_QTEST_H

#include "util/osdep.h"
#include "util/error.h"
#include "hw/core/machine.h"
#include "chardev/chardev.h"

#define TYPE_QTEST_SERVER "qtest"

/**
 * qtest_server_init - serve the qtest protocol on @chr for machine @ms.
 * The server is the object /machine/qtest; it lives as long as the machine
 * and unbinds @chr when the machine is destroyed.
 * @logfile: the -qtest-log FILE (traffic with timestamps, as QEMU logs
 *           it); NULL logs to stderr, as QEMU does; "none" logs nothing.
 *
 * Call once the machine object exists (before or after its board is
 * built: paths are resolved when a command names them).  The clock
 * commands need the qtest accelerator; under another one they are
 * unknown, as in QEMU.
 *
 * Return: true, or false with @errp set (the log cannot be opened, the
 * chardev is in use, a server exists already).
 */
bool qtest_server_init(MachineState *ms, Chardev *chr, const char *logfile,
                       Error **errp);

#endif
