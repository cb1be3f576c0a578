/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `-device` and device_add: options to a realized device in the machine's
 * tree; device_del's unplug and its DEVICE_DELETED event.  The id rules,
 * the hotplug rules and the error texts follow QEMU's.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/main-loop.h"
#include "util/timer.h"
#include "hw/core/hotplug.h"
#include "system/device-add.h"
#include "monitor/monitor.h"

typedef struct {
    const char *name;
    const char *typename;
    BusState *found;
} BusSearch;

static int bus_search(Object *obj, void *opaque)
{
    BusSearch *bs = opaque;
    BusState *bus = (BusState *)object_dynamic_cast(obj, TYPE_BUS);

    if (bus && (!bs->name || !strcmp(bus->name, bs->name)) &&
        (!bs->typename || object_dynamic_cast(obj, bs->typename))) {
        bs->found = bus;
        return 1;
    }
    return object_child_foreach(obj, bus_search, bs);
}

static BusState *find_bus(MachineState *ms, const char *name,
                          const char *typename)
{
    BusSearch bs = {name, typename, NULL};

    if (ms->sysbus && !bus_search(OBJECT(ms->sysbus), &bs)) {
        object_child_foreach(OBJECT(ms), bus_search, &bs);
    }
    return bs.found;
}

BusState *qdev_find_bus(MachineState *ms, const char *name)
{
    return find_bus(ms, name, NULL);
}

BusState *qdev_find_bus_by_type(MachineState *ms, const char *typename)
{
    return find_bus(ms, NULL, typename);
}

bool qdev_device_help(KemuOpts *opts, Error **errp)
{
    const char *driver = kemu_opts_get(opts, "driver");

    if (!kemu_opts_has_help(opts) && g_strcmp0(driver, "help") &&
        g_strcmp0(driver, "?")) {
        return false;
    }
    if (!driver || !strcmp(driver, "help") || !strcmp(driver, "?")) {
        qdev_print_device_help(stdout, NULL, errp);
    } else {
        qdev_print_device_help(stdout, driver, errp);
    }
    return true;
}

/* Set every remaining option as a property, in the order given. */
static bool set_properties(DeviceState *dev, KemuOpts *opts, Error **errp)
{
    KemuOptsIter it;
    const char *key, *value;

    kemu_opts_iter_init(&it, opts, NULL);
    while (kemu_opts_iter_next(&it, &key, &value)) {
        if (!strcmp(key, "driver") || !strcmp(key, "id") ||
            !strcmp(key, "bus")) {
            continue;
        }
        if (!object_property_find(OBJECT(dev), key)) {
            error_setg(errp, "%s: invalid parameter '%s' (see -device %s,help)",
                       kemu_opts_context(opts), key,
                       object_get_typename(OBJECT(dev)));
            return false;
        }
        if (!object_property_parse(OBJECT(dev), key, value, errp)) {
            error_prepend(errp, "%s: ", kemu_opts_context(opts));
            return false;
        }
    }
    return true;
}

/* id= well-formed and not taken. */
static bool device_id_check(MachineState *ms, KemuOpts *opts, Error **errp)
{
    const char *id = kemu_opts_get(opts, "id");

    if (id && !id_wellformed(id)) {
        error_setg(errp,
                   "%s: invalid id '%s': ids start with a letter and "
                   "hold only letters, digits, '-', '.' and '_'",
                   kemu_opts_context(opts), id);
        return false;
    }
    if (id && object_resolve_path_component(
                  container_get(OBJECT(ms), "peripheral"), id)) {
        error_setg(errp, "%s: duplicate device id '%s'",
                   kemu_opts_context(opts), id);
        return false;
    }
    return true;
}

bool qdev_device_check_driver(KemuOpts *opts, Error **errp)
{
    const char *driver = kemu_opts_get(opts, "driver");
    ObjectClass *oc;

    if (!driver) {
        error_setg(errp, "%s: parameter 'driver' is missing",
                   kemu_opts_context(opts));
        return false;
    }
    oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp,
                   "%s: '%s' is not a valid device model name "
                   "(see -device help)",
                   kemu_opts_context(opts), driver);
        return false;
    }
    if (!DEVICE_CLASS(oc)->user_creatable) {
        error_setg(errp,
                   "%s: device '%s' can't be added with -device "
                   "or device_add",
                   kemu_opts_context(opts), driver);
        return false;
    }
    return true;
}

/* ---- DEVICE_DELETED ---- */

typedef struct DeletedEvent {
    MachineState *ms;
    char *id;
    char *path;
} DeletedEvent;

static void deleted_event_send(void *opaque)
{
    DeletedEvent *ev = opaque;
    JsonObject *data = json_object_new();

    if (ev->id) {
        json_object_set_string_member(data, "device", ev->id);
    }
    json_object_set_string_member(data, "path", ev->path);
    qmp_event_send(ev->ms, "DEVICE_DELETED", data);
}

static void deleted_event_free(void *opaque)
{
    DeletedEvent *ev = opaque;

    g_free(ev->id);
    g_free(ev->path);
    g_free(ev);
}

/*
 * A user's device left the machine.  The guest's eject arrives on a vCPU
 * thread: the event then goes out from the main thread.
 */
static void device_deleted(void *opaque, const char *id, const char *path)
{
    MachineState *ms = opaque;
    DeletedEvent *ev = g_new0(DeletedEvent, 1);

    ev->ms = ms;
    ev->id = g_strdup(id);
    ev->path = g_strdup(path);
    if (!ms->main_loop ||
        g_main_context_is_owner(main_loop_get_context(ms->main_loop))) {
        deleted_event_send(ev);
        deleted_event_free(ev);
    } else {
        /* Freed even when the loop ends before the call runs. */
        main_loop_call_async_full(ms->main_loop, deleted_event_send, ev,
                                  deleted_event_free);
    }
}

/* ---- device_add ---- */

static DeviceState *device_add(MachineState *ms, KemuOpts *opts, bool hotplug,
                               Error **errp);

DeviceState *qdev_device_add(MachineState *ms, KemuOpts *opts, Error **errp)
{
    return device_add(ms, opts, false, errp);
}

DeviceState *qdev_device_hotplug(MachineState *ms, KemuOpts *opts, Error **errp)
{
    return device_add(ms, opts, true, errp);
}

static DeviceState *device_add(MachineState *ms, KemuOpts *opts, bool hotplug,
                               Error **errp)
{
    const char *driver = kemu_opts_get(opts, "driver");
    const char *id = kemu_opts_get(opts, "id");
    const char *busname = kemu_opts_get(opts, "bus");
    DeviceClass *dc;
    DeviceState *dev;
    BusState *bus = NULL;

    if (!qdev_device_check_driver(opts, errp)) {
        return NULL;
    }
    dc = DEVICE_CLASS(object_class_by_name(driver));
    if (hotplug && !dc->hotpluggable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    if (!device_id_check(ms, opts, errp)) {
        return NULL;
    }
    if (busname) {
        bus = qdev_find_bus(ms, busname);
        if (!bus) {
            error_setg(errp, "%s: bus '%s' not found", kemu_opts_context(opts),
                       busname);
            return NULL;
        }
    } else if (dc->bus_type) {
        bus = qdev_find_bus_by_type(ms, dc->bus_type);
        if (!bus) {
            error_setg(errp, "%s: no '%s' bus for device '%s'",
                       kemu_opts_context(opts), dc->bus_type, driver);
            return NULL;
        }
    }

    if (hotplug && bus && !qbus_is_hotpluggable(bus)) {
        error_setg(errp, "Bus '%s' does not support hotplugging", bus->name);
        return NULL;
    }

    dev = qdev_new(driver);
    dev->id = g_strdup(id);
    dev->hotplugged = hotplug;
    qdev_set_deleted_notify(dev, device_deleted, ms);
    machine_add_peripheral(ms, dev);
    object_unref(dev); /* the tree holds it now */
    if (!set_properties(dev, opts, errp)) {
        goto fail;
    }
    if (!qdev_realize(dev, bus, errp)) {
        error_prepend(errp, "%s: ", kemu_opts_context(opts));
        goto fail;
    }
    /* Tell the guest (on the pc: PCI_UP and GPE0 bit 1). */
    if (hotplug && qdev_get_hotplug_handler(dev)) {
        Error *err = NULL;

        hotplug_handler_plug(qdev_get_hotplug_handler(dev), dev, &err);
        if (err) {
            error_propagate(errp, err);
            qdev_unrealize(dev);
            goto fail;
        }
    }
    return dev;

fail:
    object_unparent(OBJECT(dev));
    return NULL;
}

/* ---- device_del ---- */

bool qdev_unplug(MachineState *ms, DeviceState *dev, Error **errp)
{
    HotplugHandler *h;
    Error *err = NULL;

    if (dev->pending_deleted_event &&
        (dev->pending_deleted_expires_ms == 0 ||
         dev->pending_deleted_expires_ms >
             clock_get_ns(ms->clocks, QEMU_CLOCK_VIRTUAL) / SCALE_MS)) {
        g_autofree char *path = object_get_canonical_path(OBJECT(dev));

        error_setg(errp, "Device %s is already in the process of unplug",
                   dev->id ? dev->id : path);
        return false;
    }
    if (!qdev_unplug_check(dev, errp)) {
        return false;
    }
    h = qdev_get_hotplug_handler(dev);
    if (!dev->realized || !h || !hotplug_handler_asks_guest(h)) {
        /* Nothing to ask the guest: the device goes now. */
        qdev_unplug_complete(dev);
        return true;
    }
    hotplug_handler_unplug_request(h, dev, &err);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

/* ---- -device checked before the board ---- */

DeviceState *qdev_device_check(MachineState *ms, KemuOpts *opts, Error **errp)
{
    DeviceState *dev;

    if (!qdev_device_check_driver(opts, errp) ||
        !device_id_check(ms, opts, errp)) {
        return NULL;
    }
    dev = qdev_new(kemu_opts_get(opts, "driver"));
    dev->id = g_strdup(kemu_opts_get(opts, "id"));
    machine_add_peripheral(ms, dev);
    object_unref(dev); /* the tree holds it now */
    if (!set_properties(dev, opts, errp)) {
        object_unparent(OBJECT(dev));
        return NULL;
    }
    return dev;
}
