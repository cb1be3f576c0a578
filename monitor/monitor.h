/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Monitors: QMP (QEMU's JSON protocol: greeting, qmp_capabilities,
 * commands, events) and HMP (the human monitor: "(qemu) " prompt, "info
 * qtree"...) on chardevs.  Each monitor is an object under
 * /machine/monitors, lives as long as the machine and serves every
 * connection its chardev gets, each one greeted and negotiated afresh.
 * The protocol is described in docs/user/qmp.md.
 */
#ifndef KEMU_MONITOR_MONITOR_H
#define KEMU_MONITOR_MONITOR_H

#include "util/osdep.h"
#include "util/error.h"
#include "hw/core/machine.h"
#include "chardev/chardev.h"
#include <json-glib/json-glib.h>

#define TYPE_MONITOR     "monitor"
#define TYPE_MONITOR_QMP "monitor-qmp"
#define TYPE_MONITOR_HMP "monitor-hmp"

/**
 * monitor_qmp_new - serve QMP on @chr (from -qmp, or -mon mode=control)
 * for @ms.  Create monitors once the board and the -device devices exist:
 * a client may send commands as soon as it connects.  Events (RESET,
 * SHUTDOWN, STOP, RESUME, POWERDOWN) come from the machine's notifiers, so
 * the SHUTDOWN of SIGTERM or `quit` reaches every negotiated client before
 * the process exits.
 *
 * Return: true, or false with @errp set (the chardev is in use).
 */
bool monitor_qmp_new(MachineState *ms, Chardev *chr, Error **errp);

/**
 * monitor_hmp_new - an interactive human monitor on @chr (-monitor SPEC,
 * -mon mode=readline, "mon:stdio" where Ctrl-A c switches to it).
 *
 * Return: true, or false with @errp set.
 */
bool monitor_hmp_new(MachineState *ms, Chardev *chr, Error **errp);

/**
 * qmp_event_send - send event @name with @data (may be NULL; the
 * reference is taken) to every QMP client of @ms that finished capability
 * negotiation, with the current timestamp.  For events that are not
 * run-state changes (DEVICE_DELETED).
 */
void qmp_event_send(MachineState *ms, const char *name, JsonObject *data);

#endif
