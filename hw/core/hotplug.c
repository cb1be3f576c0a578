/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hotplug handlers and the checks and completion device_add, device_del
 * and the "realized" property share (hotplug.h).
 */
#include "util/osdep.h"
#include "hw/core/hotplug.h"

HotplugHandler *HOTPLUG_HANDLER(Object *obj)
{
    return (HotplugHandler *)object_dynamic_cast_assert(
        obj, TYPE_HOTPLUG_HANDLER, __FILE__, __LINE__, __func__);
}

static HotplugHandlerClass *handler_class(HotplugHandler *h)
{
    return (HotplugHandlerClass *)object_class_dynamic_cast_assert(
        object_get_class(OBJECT(h)), TYPE_HOTPLUG_HANDLER, __FILE__, __LINE__,
        __func__);
}

void hotplug_handler_plug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = handler_class(h);

    if (hc->plug) {
        hc->plug(h, dev, errp);
    }
}

void hotplug_handler_unplug_request(HotplugHandler *h, DeviceState *dev,
                                    Error **errp)
{
    HotplugHandlerClass *hc = handler_class(h);

    if (hc->unplug_request) {
        hc->unplug_request(h, dev, errp);
    }
}

void hotplug_handler_unplug(HotplugHandler *h, DeviceState *dev, Error **errp)
{
    HotplugHandlerClass *hc = handler_class(h);

    if (hc->unplug) {
        hc->unplug(h, dev, errp);
    }
}

bool hotplug_handler_asks_guest(HotplugHandler *h)
{
    return handler_class(h)->unplug_request != NULL;
}

void qbus_set_hotplug_handler(BusState *bus, Object *handler)
{
    assert(!handler || object_dynamic_cast(handler, TYPE_HOTPLUG_HANDLER));
    bus->hotplug_handler = handler;
}

bool qbus_is_hotpluggable(BusState *bus)
{
    return bus && bus->hotplug_handler;
}

HotplugHandler *qdev_get_hotplug_handler(DeviceState *dev)
{
    if (!dev->parent_bus || !dev->parent_bus->hotplug_handler) {
        return NULL;
    }
    return HOTPLUG_HANDLER(dev->parent_bus->hotplug_handler);
}

bool qdev_unplug_check(DeviceState *dev, Error **errp)
{
    if (dev->parent_bus && !qbus_is_hotpluggable(dev->parent_bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging",
                   dev->parent_bus->name);
        return false;
    }
    if (!DEVICE_GET_CLASS(dev)->hotpluggable) {
        error_setg(errp, "Device '%s' does not support hotplugging",
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    return true;
}

void qdev_set_deleted_notify(DeviceState *dev, QdevDeletedFn *fn, void *opaque)
{
    dev->deleted_fn = fn;
    dev->deleted_opaque = opaque;
}

void qdev_unplug_complete(DeviceState *dev)
{
    HotplugHandler *h = qdev_get_hotplug_handler(dev);
    QdevDeletedFn *fn = dev->deleted_fn;
    void *opaque = dev->deleted_opaque;
    g_autofree char *path = object_get_canonical_path(OBJECT(dev));
    g_autofree char *id = g_strdup(dev->id);

    object_ref(dev);
    if (h && dev->realized) {
        hotplug_handler_unplug(h, dev, &error_abort);
    }
    if (dev->realized || dev->parent_bus) {
        qdev_unrealize(dev);
    }
    object_unparent(OBJECT(dev));
    object_unref(dev);
    if (fn) {
        fn(opaque, id, path);
    }
}

static const TypeInfo hotplug_types[] = {
    {
        .name = TYPE_HOTPLUG_HANDLER,
        .parent = TYPE_INTERFACE,
        .class_size = sizeof(HotplugHandlerClass),
    },
};

DEFINE_TYPES(hotplug_types)
