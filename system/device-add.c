/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `-device` and device_add: options to a realized device in the machine's
 * tree.  The id rules and the error texts follow QEMU's.
 */
#include "util/osdep.h"
#include "system/device-add.h"

static bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

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

DeviceState *qdev_device_add(MachineState *ms, KemuOpts *opts, Error **errp)
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
    if (id && !id_wellformed(id)) {
        error_setg(errp,
                   "%s: invalid id '%s': ids start with a letter and "
                   "hold only letters, digits, '-', '.' and '_'",
                   kemu_opts_context(opts), id);
        return NULL;
    }
    if (id && object_resolve_path_component(
                  container_get(OBJECT(ms), "peripheral"), id)) {
        error_setg(errp, "%s: duplicate device id '%s'",
                   kemu_opts_context(opts), id);
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

    dev = qdev_new(driver);
    dev->id = g_strdup(id);
    machine_add_peripheral(ms, dev);
    object_unref(dev); /* the tree holds it now */
    if (!set_properties(dev, opts, errp)) {
        goto fail;
    }
    if (!qdev_realize(dev, bus, errp)) {
        error_prepend(errp, "%s: ", kemu_opts_context(opts));
        goto fail;
    }
    return dev;

fail:
    object_unparent(OBJECT(dev));
    return NULL;
}
