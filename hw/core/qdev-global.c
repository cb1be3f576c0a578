/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -global: parsing, the up-front check, applying to devices, and QEMU's
 * warnings for globals nothing used (see qdev-global.h).
 */
#include "util/osdep.h"
#include "util/option.h"
#include "hw/core/qdev-global.h"

void qdev_global_free(QdevGlobal *g)
{
    if (!g) {
        return;
    }
    g_free(g->driver);
    g_free(g->property);
    g_free(g->value);
    g_free(g);
}

static QdevGlobal *global_new(const char *driver, const char *property,
                              const char *value)
{
    QdevGlobal *g = g_new0(QdevGlobal, 1);

    g->driver = g_strdup(driver);
    g->property = g_strdup(property);
    g->value = g_strdup(value);
    return g;
}

/* "D.P=V": D and P non-empty, D without '=' (QEMU's short form). */
static QdevGlobal *parse_short(const char *arg)
{
    const char *eq = strchr(arg, '=');
    const char *dot;

    if (!eq) {
        return NULL;
    }
    dot = memchr(arg, '.', eq - arg);
    if (!dot || dot == arg || dot + 1 == eq) {
        return NULL;
    }
    {
        g_autofree char *driver = g_strndup(arg, dot - arg);
        g_autofree char *property = g_strndup(dot + 1, eq - dot - 1);

        return global_new(driver, property, eq + 1);
    }
}

QdevGlobal *qdev_global_parse(const char *arg, Error **errp)
{
    g_autoptr(KemuOpts) opts = NULL;
    const char *keys[] = {"driver", "property", "value"};
    const char *vals[3];
    QdevGlobal *g = parse_short(arg);

    if (g) {
        return g;
    }
    if (!strstr(arg, "driver=") && !strstr(arg, "property=")) {
        error_setg(errp,
                   "-global %s: expected driver.property=value or "
                   "driver=D,property=P,value=V",
                   arg);
        return NULL;
    }
    opts = kemu_opts_parse("-global", arg, NULL, errp);
    if (!opts) {
        return NULL;
    }
    for (int i = 0; i < 3; i++) {
        vals[i] = kemu_opts_get(opts, keys[i]);
        if (!vals[i] || (i < 2 && !*vals[i])) {
            error_setg(errp, "-global %s: parameter '%s' is missing", arg,
                       keys[i]);
            return NULL;
        }
    }
    if (!kemu_opts_check_unused(opts, errp)) {
        return NULL;
    }
    return global_new(vals[0], vals[1], vals[2]);
}

/* A class to try values on: @oc itself, or a concrete subclass. */
static ObjectClass *concrete_class(ObjectClass *oc)
{
    GSList *list;
    ObjectClass *found = NULL;

    if (!object_class_is_abstract(oc)) {
        return oc;
    }
    list = object_class_get_list(object_class_get_name(oc), false);
    if (list) {
        found = list->data;
    }
    g_slist_free(list);
    return found;
}

bool qdev_global_check(const QdevGlobal *g, bool *known, Error **errp)
{
    ObjectClass *oc = object_class_by_name(g->driver);
    ObjectProperty *prop;
    Object *obj;
    bool ok;

    *known = oc && object_class_dynamic_cast(oc, TYPE_DEVICE);
    if (!*known) {
        return true;
    }
    prop = object_class_property_find(oc, g->property);
    if (!prop || !prop->set) {
        error_setg(errp, "-global %s.%s=%s: property '%s.%s' not found",
                   g->driver, g->property, g->value, g->driver, g->property);
        return false;
    }
    /*
     * A string may name something the machine has (a chardev, a netdev)
     * and is checked where it applies; other kinds parse the same anywhere.
     */
    oc = concrete_class(oc);
    if (!oc || !strcmp(prop->type, "str")) {
        return true;
    }
    obj = object_new(object_class_get_name(oc));
    ok = object_property_parse(obj, g->property, g->value, errp);
    object_unref(obj);
    if (!ok) {
        error_prepend(errp, "-global %s.%s=%s: ", g->driver, g->property,
                      g->value);
    }
    return ok;
}

void qdev_globals_apply(DeviceState *dev, GPtrArray *globals)
{
    if (dev->globals_applied || !globals) {
        return;
    }
    dev->globals_applied = true;
    for (guint i = 0; i < globals->len; i++) {
        QdevGlobal *g = globals->pdata[i];
        Error *err = NULL;

        if (!object_dynamic_cast(OBJECT(dev), g->driver)) {
            continue;
        }
        g->used = true;
        if (!object_property_parse(OBJECT(dev), g->property, g->value, &err)) {
            warn_report("can't apply global %s.%s=%s: %s", g->driver,
                        g->property, g->value, error_get_pretty(err));
            error_free(err);
        }
    }
}

void qdev_globals_warn_unused(GPtrArray *globals)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        QdevGlobal *g = globals->pdata[i];
        ObjectClass *oc;

        if (g->used) {
            continue;
        }
        oc = object_class_by_name(g->driver);
        if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
            warn_report("global %s.%s has invalid class name", g->driver,
                        g->property);
        } else if (!DEVICE_CLASS(oc)->hotpluggable) {
            warn_report("global %s.%s=%s not used", g->driver, g->property,
                        g->value);
        }
    }
}
