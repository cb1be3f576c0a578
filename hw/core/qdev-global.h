/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global: default property values for every device of a type, as QEMU's
 * `-global driver.property=value` (or `driver=D,property=P,value=V`).
 * A global applies to every instance of the driver and of its subclasses
 * when the device enters the machine's tree (machine_add_peripheral,
 * machine_add_unattached; at the latest at realize), so the properties a
 * board or -device sets afterwards win over it, as in QEMU.  The list
 * hangs off the machine (ms->globals).
 *
 * As QEMU 7.2: an unknown driver is a warning ("global D.P has invalid
 * class name"), not an error, and so is a global no device used ("global
 * D.P=V not used").  Unlike QEMU, a bad property or value of a known
 * driver is refused up front by qdev_global_check(), with one line,
 * whether or not such a device is ever created.
 */
#ifndef KEMU_HW_QDEV_GLOBAL_H
#define KEMU_HW_QDEV_GLOBAL_H

#include "hw/core/qdev.h"

typedef struct QdevGlobal {
    char *driver;
    char *property;
    char *value;
    bool used; /* applied to at least one device */
} QdevGlobal;

/**
 * qdev_global_parse - one -global argument, "D.P=V" or
 * "driver=D,property=P,value=V" (keys in any order).
 * Errors: "-global foo: expected driver.property=value or
 * driver=D,property=P,value=V", "-global driver=x: parameter 'value' is
 * missing".
 * Return: a new QdevGlobal (qdev_global_free), or NULL and @errp.
 */
QdevGlobal *qdev_global_parse(const char *arg, Error **errp);

/** qdev_global_free - free @g; NULL is fine. */
void qdev_global_free(QdevGlobal *g);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(QdevGlobal, qdev_global_free)

/**
 * qdev_global_check - whether @g can apply: its driver a device type, the
 * property one of that type's, the value one it takes (parsed into a
 * throwaway instance of the driver, or of a concrete subclass when the
 * driver is abstract).  An unknown driver is not an error: *@known is set
 * false and the caller warns as QEMU does.
 * Errors: "-global D.P=V: property 'D.P' not found", "-global D.P=V:
 * property 'D.P' doesn't take value ...".
 */
bool qdev_global_check(const QdevGlobal *g, bool *known, Error **errp);

/**
 * qdev_globals_apply - set every global of @globals (QdevGlobal *, in
 * command-line order: the last one for a property wins) that @dev's type
 * is or derives from; once per device.  A value that fails here (it was
 * checked, so only a context-dependent one can) is reported as a warning,
 * as QEMU does for a hotplugged device.
 */
void qdev_globals_apply(DeviceState *dev, GPtrArray *globals);

/**
 * qdev_globals_warn_unused - QEMU's warnings for globals no device used:
 * "global D.P has invalid class name" for an unknown driver, "global
 * D.P=V not used" for a driver that cannot be hotplugged later.
 */
void qdev_globals_warn_unused(GPtrArray *globals);

#endif
