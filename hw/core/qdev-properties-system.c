/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "chardev" device property kind (hw/core/qdev-properties-system.h): a
 * chardev id, resolved in the device's tree and bound to a CharBackend.
 */
#include "util/osdep.h"
#include "hw/core/qdev-properties-system.h"

static bool chr_prop_parse(DeviceState *dev, const Property *prop,
                           const char *value, Error **errp)
{
    CharBackend *be = qdev_prop_ptr(dev, prop);
    Chardev *chr;

    qemu_chr_fe_deinit(be, false);
    if (!*value) {
        return true;
    }
    chr = qemu_chr_find(object_get_root_of(OBJECT(dev)), value);
    if (!chr) {
        error_setg(errp, "Property '%s.%s' can't find value '%s'",
                   object_get_typename(OBJECT(dev)), prop->name, value);
        return false;
    }
    if (!qemu_chr_fe_init(be, chr, NULL)) {
        error_setg(errp,
                   "Property '%s.%s' can't take value '%s', it's in "
                   "use",
                   object_get_typename(OBJECT(dev)), prop->name, value);
        return false;
    }
    return true;
}

static char *chr_prop_print(DeviceState *dev, const Property *prop)
{
    CharBackend *be = qdev_prop_ptr(dev, prop);

    return g_strdup(be->chr ? be->chr->label : "");
}

static void chr_prop_release(DeviceState *dev, const Property *prop)
{
    qemu_chr_fe_deinit(qdev_prop_ptr(dev, prop), false);
}

const PropertyInfo qdev_prop_chr = {
    .name = "str",
    .description = "ID of a chardev to use as a backend",
    .json = PROP_JSON_STRING,
    .parse = chr_prop_parse,
    .print = chr_prop_print,
    .release = chr_prop_release,
};
