/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The property kinds of device tables (bool, integers, size, string, MAC
 * address) and their glue into QOM class properties.  Every parse error is
 * one line naming the property, the bad value and what is allowed.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "hw/core/qdev-properties.h"

static bool prop_error(DeviceState *dev, const Property *prop,
                       const char *value, const char *expected, Error **errp)
{
    error_setg(errp, "property '%s.%s' doesn't take value '%s' (expected %s)",
               object_get_typename(OBJECT(dev)), prop->name, value, expected);
    return false;
}

/* ---- bool ---- */

static bool bool_parse(DeviceState *dev, const Property *prop,
                       const char *value, Error **errp)
{
    bool v;

    if (!parse_bool_str(value, &v)) {
        return prop_error(dev, prop, value, "on, off, true, false, yes or no",
                          errp);
    }
    *(bool *)qdev_prop_ptr(dev, prop) = v;
    return true;
}

static char *bool_print(DeviceState *dev, const Property *prop)
{
    return g_strdup(*(bool *)qdev_prop_ptr(dev, prop) ? "true" : "false");
}

static void bool_set_default(DeviceState *dev, const Property *prop)
{
    *(bool *)qdev_prop_ptr(dev, prop) = prop->defval != 0;
}

static char *bool_print_default(const Property *prop)
{
    return g_strdup(prop->defval ? "true" : "false");
}

const PropertyInfo qdev_prop_bool = {
    .name = "bool",
    .json = PROP_JSON_BOOL,
    .parse = bool_parse,
    .print = bool_print,
    .set_default = bool_set_default,
    .print_default = bool_print_default,
};

/* ---- unsigned integers ---- */

static uint64_t uint_max(const PropertyInfo *info)
{
    if (info == &qdev_prop_uint8) {
        return UINT8_MAX;
    }
    if (info == &qdev_prop_uint16) {
        return UINT16_MAX;
    }
    if (info == &qdev_prop_uint32) {
        return UINT32_MAX;
    }
    return UINT64_MAX;
}

static void uint_store(DeviceState *dev, const Property *prop, uint64_t v)
{
    void *p = qdev_prop_ptr(dev, prop);

    if (prop->info == &qdev_prop_uint8) {
        *(uint8_t *)p = v;
    } else if (prop->info == &qdev_prop_uint16) {
        *(uint16_t *)p = v;
    } else if (prop->info == &qdev_prop_uint32) {
        *(uint32_t *)p = v;
    } else {
        *(uint64_t *)p = v;
    }
}

static uint64_t uint_load(DeviceState *dev, const Property *prop)
{
    void *p = qdev_prop_ptr(dev, prop);

    if (prop->info == &qdev_prop_uint8) {
        return *(uint8_t *)p;
    }
    if (prop->info == &qdev_prop_uint16) {
        return *(uint16_t *)p;
    }
    if (prop->info == &qdev_prop_uint32) {
        return *(uint32_t *)p;
    }
    return *(uint64_t *)p;
}

static bool uint_parse(DeviceState *dev, const Property *prop,
                       const char *value, Error **errp)
{
    uint64_t v, max = uint_max(prop->info);

    if (!parse_uint64_full(value, &v, 0) || v > max) {
        g_autofree char *expected =
            g_strdup_printf("an integer from 0 to %" PRIu64, max);
        return prop_error(dev, prop, value, expected, errp);
    }
    uint_store(dev, prop, v);
    return true;
}

static char *uint_print(DeviceState *dev, const Property *prop)
{
    return g_strdup_printf("%" PRIu64, uint_load(dev, prop));
}

static void uint_set_default(DeviceState *dev, const Property *prop)
{
    uint_store(dev, prop, prop->defval);
}

static char *uint_print_default(const Property *prop)
{
    return g_strdup_printf("%" PRIu64, prop->defval);
}

#define UINT_PROPERTY_INFO(_name)                                              \
    {                                                                          \
        .name = _name, .json = PROP_JSON_NUMBER, .parse = uint_parse,          \
        .print = uint_print, .set_default = uint_set_default,                  \
        .print_default = uint_print_default,                                   \
    }

const PropertyInfo qdev_prop_uint8 = UINT_PROPERTY_INFO("uint8");
const PropertyInfo qdev_prop_uint16 = UINT_PROPERTY_INFO("uint16");
const PropertyInfo qdev_prop_uint32 = UINT_PROPERTY_INFO("uint32");
const PropertyInfo qdev_prop_uint64 = UINT_PROPERTY_INFO("uint64");

/* ---- int32 ---- */

static bool int32_parse(DeviceState *dev, const Property *prop,
                        const char *value, Error **errp)
{
    int64_t v;

    if (!parse_int64_full(value, &v, 0) || v < prop->min || v > prop->max) {
        g_autofree char *expected = g_strdup_printf(
            "an integer from %" PRId64 " to %" PRId64, prop->min, prop->max);
        return prop_error(dev, prop, value, expected, errp);
    }
    *(int32_t *)qdev_prop_ptr(dev, prop) = v;
    return true;
}

static char *int32_print(DeviceState *dev, const Property *prop)
{
    return g_strdup_printf("%" PRId32, *(int32_t *)qdev_prop_ptr(dev, prop));
}

static void int32_set_default(DeviceState *dev, const Property *prop)
{
    *(int32_t *)qdev_prop_ptr(dev, prop) = (int64_t)prop->defval;
}

static char *int32_print_default(const Property *prop)
{
    return g_strdup_printf("%" PRId64, (int64_t)prop->defval);
}

const PropertyInfo qdev_prop_int32 = {
    .name = "int32",
    .json = PROP_JSON_NUMBER,
    .parse = int32_parse,
    .print = int32_print,
    .set_default = int32_set_default,
    .print_default = int32_print_default,
};

/* ---- size ---- */

static bool size_parse(DeviceState *dev, const Property *prop,
                       const char *value, Error **errp)
{
    uint64_t v;

    if (!parse_size(value, &v, NULL)) {
        return prop_error(dev, prop, value,
                          "a size such as 4096, 64K, 512M or 2G", errp);
    }
    *(uint64_t *)qdev_prop_ptr(dev, prop) = v;
    return true;
}

const PropertyInfo qdev_prop_size = {
    .name = "size",
    .json = PROP_JSON_NUMBER,
    .parse = size_parse,
    .print = uint_print,
    .set_default = uint_set_default,
    .print_default = uint_print_default,
};

/* ---- string ---- */

static bool string_parse(DeviceState *dev, const Property *prop,
                         const char *value, Error **errp)
{
    char **p = qdev_prop_ptr(dev, prop);

    g_free(*p);
    *p = g_strdup(value);
    return true;
}

static char *string_print(DeviceState *dev, const Property *prop)
{
    char *s = *(char **)qdev_prop_ptr(dev, prop);

    return g_strdup(s ? s : "");
}

static void string_set_default(DeviceState *dev, const Property *prop)
{
    *(char **)qdev_prop_ptr(dev, prop) = g_strdup(prop->defstr);
}

static void string_release(DeviceState *dev, const Property *prop)
{
    char **p = qdev_prop_ptr(dev, prop);

    g_free(*p);
    *p = NULL;
}

static char *string_print_default(const Property *prop)
{
    return prop->defstr ? g_strdup_printf("\"%s\"", prop->defstr) : NULL;
}

const PropertyInfo qdev_prop_string = {
    .name = "str",
    .json = PROP_JSON_STRING,
    .parse = string_parse,
    .print = string_print,
    .set_default = string_set_default,
    .release = string_release,
    .print_default = string_print_default,
};

/* ---- MAC address ---- */

static bool mac_prop_parse(DeviceState *dev, const Property *prop,
                           const char *value, Error **errp)
{
    if (!macaddr_parse(value, qdev_prop_ptr(dev, prop))) {
        return prop_error(dev, prop, value,
                          "a MAC address such as 52:54:00:12:34:56", errp);
    }
    return true;
}

static char *mac_prop_print(DeviceState *dev, const Property *prop)
{
    MACAddr *m = qdev_prop_ptr(dev, prop);

    return g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", m->a[0], m->a[1],
                           m->a[2], m->a[3], m->a[4], m->a[5]);
}

const PropertyInfo qdev_prop_macaddr = {
    .name = "str",
    .description = "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56",
    .json = PROP_JSON_STRING,
    .parse = mac_prop_parse,
    .print = mac_prop_print,
};

/* ---- Enumerations ---- */

static bool enum_parse(DeviceState *dev, const Property *prop,
                       const char *value, Error **errp)
{
    const char *const *names = prop->info->enum_names;
    g_autofree char *expected = NULL;
    int64_t last = 0;

    /* prop->max is the last value the device takes. */
    while (names[last + 1] && last + 1 <= prop->max) {
        last++;
    }
    for (int i = 0; i <= last; i++) {
        if (!strcmp(names[i], value)) {
            *(int *)qdev_prop_ptr(dev, prop) = i;
            return true;
        }
    }
    for (int i = 0; i <= last; i++) {
        char *next = g_strdup_printf("%s%s%s", expected ? expected : "",
                                     i == 0     ? ""
                                     : i < last ? ", "
                                                : " or ",
                                     names[i]);

        g_free(expected);
        expected = next;
    }
    return prop_error(dev, prop, value, expected, errp);
}

static char *enum_print(DeviceState *dev, const Property *prop)
{
    return g_strdup(prop->info->enum_names[*(int *)qdev_prop_ptr(dev, prop)]);
}

static void enum_set_default(DeviceState *dev, const Property *prop)
{
    *(int *)qdev_prop_ptr(dev, prop) = prop->defval;
}

static char *enum_print_default(const Property *prop)
{
    return g_strdup_printf("\"%s\"", prop->info->enum_names[prop->defval]);
}

static const char *const lost_tick_policy_names[] = {"discard", "delay", "slew",
                                                     NULL};

const PropertyInfo qdev_prop_losttickpolicy = {
    .name = "LostTickPolicy",
    .json = PROP_JSON_STRING,
    .parse = enum_parse,
    .print = enum_print,
    .set_default = enum_set_default,
    .print_default = enum_print_default,
    .enum_names = lost_tick_policy_names,
};

const char *const on_off_auto_names[] = {"auto", "on", "off", NULL};

const PropertyInfo qdev_prop_on_off_auto = {
    .name = "OnOffAuto",
    .description = "on/off/auto",
    .json = PROP_JSON_STRING,
    .parse = enum_parse,
    .print = enum_print,
    .set_default = enum_set_default,
    .print_default = enum_print_default,
    .enum_names = on_off_auto_names,
};

/* ---- Glue into QOM ---- */

void qdev_prop_set_after_realize(DeviceState *dev, const char *name,
                                 Error **errp)
{
    error_setg(errp,
               "property '%s.%s' can't be set after the device is "
               "realized",
               object_get_typename(OBJECT(dev)), name);
}

static char *static_prop_get(Object *obj, ObjectProperty *op, Error **errp)
{
    const Property *prop = op->opaque;

    return prop->info->print(DEVICE(obj), prop);
}

static bool static_prop_set(Object *obj, ObjectProperty *op, const char *value,
                            Error **errp)
{
    const Property *prop = op->opaque;
    DeviceState *dev = DEVICE(obj);

    if (dev->realized) {
        qdev_prop_set_after_realize(dev, prop->name, errp);
        return false;
    }
    return prop->info->parse(dev, prop, value, errp);
}

void qdev_class_add_props(DeviceClass *dc, const Property *props)
{
    for (const Property *prop = props; prop->name; prop++) {
        ObjectProperty *op = object_class_property_add(
            OBJECT_CLASS(dc), prop->name, prop->info->name,
            prop->info->print ? static_prop_get : NULL,
            prop->info->parse ? static_prop_set : NULL, (void *)prop);

        op->json = prop->info->json;
        if (prop->info->description) {
            object_property_set_description(op, prop->info->description);
        }
        if (prop->info->print_default) {
            op->defval = prop->info->print_default(prop);
        }
    }
}

void qdev_prop_set_defaults(DeviceState *dev, const Property *props)
{
    for (const Property *prop = props; prop && prop->name; prop++) {
        if (prop->info->set_default) {
            prop->info->set_default(dev, prop);
        }
    }
}

void qdev_prop_release_all(DeviceState *dev, const Property *props)
{
    for (const Property *prop = props; prop && prop->name; prop++) {
        if (prop->info->release) {
            prop->info->release(dev, prop);
        }
    }
}
