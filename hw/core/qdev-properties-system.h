/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device property kinds that name a host-side backend by id, as QEMU's
 * qdev-properties-system: "chardev" binds a CharBackend.  They live in
 * hw/core so that the backends (chardev/) stay free of devices.
 */
#ifndef KEMU_HW_CORE_QDEV_PROPERTIES_SYSTEM_H
#define KEMU_HW_CORE_QDEV_PROPERTIES_SYSTEM_H

#include "hw/core/qdev-properties.h"
#include "chardev/chardev.h"

/*
 * The device property kind for a chardev by id:
 *     DEFINE_PROP_CHR("chardev", SerialState, chr)
 * over a CharBackend field.  Setting it resolves the id through the device's
 * tree root (/chardevs/ID: so the device must be in the tree first, as
 * machine_add_unattached()/-device do) and binds the CharBackend; errors are
 * QEMU's "Property 'isa-serial.chardev' can't find value 'x'".  Finalize
 * unbinds it.
 */
extern const PropertyInfo qdev_prop_chr;
#define DEFINE_PROP_CHR(_n, _s, _f)                                            \
    DEFINE_PROP(_n, _s, _f, qdev_prop_chr, CharBackend)

#endif
