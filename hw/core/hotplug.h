/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hotplug: the interface a bus's hotplug controller implements, and the
 * rules device_add, device_del and the "realized" property share.
 *
 * A bus is hotpluggable when it has a handler (qbus_set_hotplug_handler;
 * on the pc, piix4-pm for pci.0).  device_add realizes a device marked
 * hotplugged and then calls the handler's plug (which tells the guest);
 * device_del calls unplug_request (which asks the guest to let go) and the
 * device stays until the handler completes the removal with
 * qdev_unplug_complete(), typically when the guest ejects the slot.  A
 * handler without unplug_request removes the device at once.
 *
 * Errors are QEMU's texts: "Bus 'pci.0' does not support hotplugging",
 * "Device 'i440FX' does not support hotplugging" (the type name).
 */
#ifndef KEMU_HW_CORE_HOTPLUG_H
#define KEMU_HW_CORE_HOTPLUG_H

#include "hw/core/qdev.h"

#define TYPE_HOTPLUG_HANDLER "hotplug-handler"

/* An object whose class implements TYPE_HOTPLUG_HANDLER. */
typedef struct HotplugHandler HotplugHandler;

typedef struct HotplugHandlerClass {
    InterfaceClass parent_class;
    /* dev (on a bus this handler serves) was realized: tell the guest. */
    void (*plug)(HotplugHandler *h, DeviceState *dev, Error **errp);
    /* Ask the guest to release dev; NULL: unplug at once. */
    void (*unplug_request)(HotplugHandler *h, DeviceState *dev, Error **errp);
    /* Take dev out: unrealize it (the caller unparents it). */
    void (*unplug)(HotplugHandler *h, DeviceState *dev, Error **errp);
} HotplugHandlerClass;

/** HOTPLUG_HANDLER - obj as a handler (asserts it implements one). */
HotplugHandler *HOTPLUG_HANDLER(Object *obj);

void hotplug_handler_plug(HotplugHandler *h, DeviceState *dev, Error **errp);
void hotplug_handler_unplug_request(HotplugHandler *h, DeviceState *dev,
                                    Error **errp);
void hotplug_handler_unplug(HotplugHandler *h, DeviceState *dev, Error **errp);
/** hotplug_handler_asks_guest - whether h has an unplug_request. */
bool hotplug_handler_asks_guest(HotplugHandler *h);

/**
 * qbus_set_hotplug_handler - make handler (NULL: none) serve bus's
 * devices; the bus is hotpluggable while it has one.
 */
void qbus_set_hotplug_handler(BusState *bus, Object *handler);
/** qbus_is_hotpluggable - whether bus has a hotplug handler. */
bool qbus_is_hotpluggable(BusState *bus);
/** qdev_get_hotplug_handler - the handler of dev's bus, or NULL. */
HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev);

/**
 * qdev_unplug_check - whether dev may go while the machine runs (what
 * device_del, and "realized" set to false, require): its bus must be
 * hotpluggable ("Bus 'NAME' does not support hotplugging") and its class
 * hotpluggable ("Device 'TYPE' does not support hotplugging").
 */
bool qdev_unplug_check(DeviceState *dev, Error **errp);

/**
 * QdevDeletedFn - told that a device left the machine for good: its
 * id= (NULL if none) and its canonical path before it went.
 */
typedef void QdevDeletedFn(void *opaque, const char *id, const char *path);

/**
 * qdev_set_deleted_notify - call fn(opaque, ...) once dev was unplugged
 * by qdev_unplug_complete() (QMP's DEVICE_DELETED).
 */
void qdev_set_deleted_notify(DeviceState *dev, QdevDeletedFn *fn, void *opaque);

/**
 * qdev_unplug_complete - finish an unplug: the handler's unplug
 * (unrealize), then take dev out of the tree (unparent; freed with its last
 * reference), then the deleted notification.  For handlers, when the guest
 * let go.
 */
void qdev_unplug_complete(DeviceState *dev);

#endif
