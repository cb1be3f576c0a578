/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qdev: device realize/unrealize/reset, buses, GPIO lines, -device help.
 */
#include "util/osdep.h"
#include "hw/core/qdev.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/qdev-global.h"
#include "hw/core/machine.h"
#include "hw/core/hotplug.h"

static const char *const category_names[DEVICE_CATEGORY_MAX] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub devices",
    [DEVICE_CATEGORY_USB] = "USB devices",
    [DEVICE_CATEGORY_STORAGE] = "Storage devices",
    [DEVICE_CATEGORY_NETWORK] = "Network devices",
    [DEVICE_CATEGORY_INPUT] = "Input devices",
    [DEVICE_CATEGORY_DISPLAY] = "Display devices",
    [DEVICE_CATEGORY_SOUND] = "Sound devices",
    [DEVICE_CATEGORY_MISC] = "Misc devices",
    [DEVICE_CATEGORY_CPU] = "CPU devices",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog devices",
};

const char *device_category_name(DeviceCategory cat)
{
    return cat < DEVICE_CATEGORY_MAX ? category_names[cat] : "Uncategorized";
}

void device_class_set_props(DeviceClass *dc, const Property *props)
{
    dc->props = props;
    qdev_class_add_props(dc, props);
}

/* Apply fn to each class's own property table, root class first. */
static void foreach_prop_table(DeviceState *dev,
                               void (*fn)(DeviceState *, const Property *))
{
    GSList *tables = NULL;

    for (ObjectClass *oc = object_get_class(OBJECT(dev)); oc;
         oc = object_class_get_parent(oc)) {
        if (object_class_dynamic_cast(oc, TYPE_DEVICE) &&
            DEVICE_CLASS(oc)->props) {
            tables = g_slist_prepend(tables, (void *)DEVICE_CLASS(oc)->props);
        }
    }
    for (GSList *e = tables; e; e = e->next) {
        fn(dev, e->data);
    }
    g_slist_free(tables);
}

static void device_class_base_init(ObjectClass *oc, void *data)
{
    /* Each class lists only its own properties; parents' stay theirs. */
    DEVICE_CLASS(oc)->props = NULL;
}

static char *device_get_id(Object *obj, Error **errp)
{
    return g_strdup(DEVICE(obj)->id ? DEVICE(obj)->id : "");
}

static bool device_get_realized(Object *obj, Error **errp)
{
    return DEVICE(obj)->realized;
}

static void device_set_realized(Object *obj, bool value, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    if (value && !dev->realized) {
        qdev_realize(dev, dev->parent_bus, errp);
    } else if (!value && dev->realized) {
        /* Only what device_del could take away may go (hotplug.h). */
        if (qdev_unplug_check(dev, errp)) {
            qdev_unrealize(dev);
        }
    }
}

/* QEMU's read-only "hotpluggable": the class and its bus allow it. */
static bool device_get_hotpluggable(Object *obj, Error **errp)
{
    DeviceState *dev = DEVICE(obj);

    return DEVICE_GET_CLASS(dev)->hotpluggable &&
           (!dev->parent_bus || qbus_is_hotpluggable(dev->parent_bus));
}

static bool device_get_hotplugged(Object *obj, Error **errp)
{
    return DEVICE(obj)->hotplugged;
}

static void device_instance_init(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    foreach_prop_table(dev, qdev_prop_set_defaults);
    object_property_add_bool(obj, "realized", device_get_realized,
                             device_set_realized);
    object_property_add_str(obj, "id", device_get_id, NULL);
    object_property_add_bool(obj, "hotpluggable", device_get_hotpluggable,
                             NULL);
    object_property_add_bool(obj, "hotplugged", device_get_hotplugged, NULL);
}

static void device_instance_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    foreach_prop_table(dev, qdev_prop_release_all);
    for (GSList *e = dev->gpios; e; e = e->next) {
        NamedGPIOList *ngl = e->data;

        for (int i = 0; i < ngl->num_in; i++) {
            qemu_free_irq(ngl->in[i]);
        }
        g_free(ngl->in);
        g_free(ngl->out);
        g_free(ngl->name);
        g_free(ngl);
    }
    g_slist_free(dev->gpios);
    g_slist_free(dev->child_buses);
    g_free(dev->id);
}

static void device_reset_nop(DeviceState *dev)
{
}

void device_class_set_parent_reset(DeviceClass *dc, DeviceReset dev_reset,
                                   DeviceReset *parent_reset)
{
    *parent_reset = dc->reset ? dc->reset : device_reset_nop;
    dc->reset = dev_reset;
}

/* Reset dev alone: its own reset, then its bus's part; not child buses. */
static void device_reset_one(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    BusState *bus = dev->parent_bus;

    if (dc->reset) {
        dc->reset(dev);
    }
    if (bus && BUS_GET_CLASS(bus)->reset_child) {
        BUS_GET_CLASS(bus)->reset_child(bus, dev);
    }
}

DeviceState *qdev_try_new(const char *typename, Error **errp)
{
    ObjectClass *oc = object_class_by_name(typename);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "'%s' is not a valid device model name", typename);
        return NULL;
    }
    return DEVICE(object_new_with_err(typename, errp));
}

DeviceState *qdev_new(const char *typename)
{
    return qdev_try_new(typename, &error_abort);
}

static void bus_add_child(BusState *bus, DeviceState *dev)
{
    object_ref(dev);
    bus->children = g_list_append(bus->children, dev);
    bus->num_children++;
    dev->parent_bus = bus;
}

static void bus_remove_child(BusState *bus, DeviceState *dev)
{
    bus->children = g_list_remove(bus->children, dev);
    bus->num_children--;
    dev->parent_bus = NULL;
    object_unref(dev);
}

bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;

    assert(!dev->realized);
    if (dc->bus_type &&
        (!bus || !object_dynamic_cast(OBJECT(bus), dc->bus_type))) {
        error_setg(errp, "device '%s' needs a bus of type '%s'",
                   object_get_typename(OBJECT(dev)), dc->bus_type);
        return false;
    }
    if (bus && dev->parent_bus != bus) {
        BusClass *bc = BUS_GET_CLASS(bus);

        if (bc->max_dev && bus->num_children >= bc->max_dev) {
            error_setg(errp, "bus '%s' is full", bus->name);
            return false;
        }
        if (bc->check_address && !bc->check_address(bus, dev, errp)) {
            return false;
        }
        bus_add_child(bus, dev);
    }
    /* A device that never entered the tree gets its -global values now. */
    if (!dev->globals_applied) {
        MachineState *ms = qdev_get_machine(dev);

        qdev_globals_apply(dev, ms ? ms->globals : NULL);
    }
    if (dc->realize) {
        dc->realize(dev, &local_err);
        if (local_err) {
            if (dev->parent_bus) {
                bus_remove_child(dev->parent_bus, dev);
            }
            error_propagate(errp, local_err);
            return false;
        }
    }
    dev->realized = true;
    device_reset_one(dev);
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp)
{
    bool ok = qdev_realize(dev, bus, errp);

    object_unref(dev);
    return ok;
}

void qdev_unrealize(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    /* Children first: devices on our buses go before we do. */
    for (GSList *b = dev->child_buses; b; b = b->next) {
        BusState *bus = b->data;

        while (bus->children) {
            qdev_unrealize(bus->children->data);
        }
    }
    object_ref(dev);
    if (dev->realized && dc->unrealize) {
        dc->unrealize(dev);
    }
    dev->realized = false;
    if (dev->parent_bus) {
        bus_remove_child(dev->parent_bus, dev);
    }
    object_unref(dev);
}

void device_cold_reset(DeviceState *dev)
{
    device_reset_one(dev);
    for (GSList *b = dev->child_buses; b; b = b->next) {
        bus_cold_reset(b->data);
    }
}

void bus_cold_reset(BusState *bus)
{
    for (GList *e = bus->children; e; e = e->next) {
        device_cold_reset(e->data);
    }
}

BusState *qbus_new(const char *typename, DeviceState *parent, const char *name)
{
    BusState *bus = BUS(object_new(typename));

    bus->parent = parent;
    bus->name = g_strdup(name);
    if (parent) {
        parent->child_buses = g_slist_append(parent->child_buses, bus);
        object_property_add_child(OBJECT(parent), name, OBJECT(bus));
        object_unref(bus);
    }
    return bus;
}

BusState *qdev_get_parent_bus(DeviceState *dev)
{
    return dev->parent_bus;
}

BusState *qdev_get_child_bus(DeviceState *dev, const char *name)
{
    for (GSList *b = dev->child_buses; b; b = b->next) {
        BusState *bus = b->data;

        if (!strcmp(bus->name, name)) {
            return bus;
        }
    }
    return NULL;
}

DeviceState *qbus_find_device_by_id(BusState *bus, const char *id)
{
    for (GList *e = bus->children; e; e = e->next) {
        DeviceState *dev = e->data;

        if (dev->id && !strcmp(dev->id, id)) {
            return dev;
        }
        for (GSList *b = dev->child_buses; b; b = b->next) {
            DeviceState *found = qbus_find_device_by_id(b->data, id);

            if (found) {
                return found;
            }
        }
    }
    return NULL;
}

static void bus_instance_finalize(Object *obj)
{
    BusState *bus = BUS(obj);

    g_free(bus->name);
    g_list_free(bus->children);
}

/* ---- GPIO ---- */

NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name)
{
    NamedGPIOList *ngl;

    for (GSList *e = dev->gpios; e; e = e->next) {
        ngl = e->data;
        if (g_strcmp0(ngl->name, name) == 0) {
            return ngl;
        }
    }
    ngl = g_new0(NamedGPIOList, 1);
    ngl->name = g_strdup(name);
    dev->gpios = g_slist_append(dev->gpios, ngl);
    return ngl;
}

void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    ngl->in = g_renew(qemu_irq, ngl->in, ngl->num_in + n);
    for (int i = 0; i < n; i++) {
        ngl->in[ngl->num_in + i] =
            qemu_allocate_irq(handler, dev, ngl->num_in + i);
    }
    ngl->num_in += n;
}

void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    ngl->out = g_renew(qemu_irq *, ngl->out, ngl->num_out + n);
    for (int i = 0; i < n; i++) {
        ngl->out[ngl->num_out + i] = &pins[i];
    }
    ngl->num_out += n;
}

qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->num_in);
    return ngl->in[n];
}

void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->num_out);
    *ngl->out[n] = irq;
}

qemu_irq qdev_get_gpio_out_named(DeviceState *dev, const char *name, int n)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    assert(n >= 0 && n < ngl->num_out);
    return *ngl->out[n];
}

void qdev_intercept_gpio_in(DeviceState *dev, qemu_irq_handler handler,
                            void *opaque, const char *name)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    for (int i = 0; i < ngl->num_in; i++) {
        /* The line object stays the same: connections made keep working. */
        ngl->in[i]->handler = handler;
        ngl->in[i]->opaque = opaque;
    }
}

void qdev_intercept_gpio_out(DeviceState *dev, qemu_irq_handler handler,
                             void *opaque, const char *name)
{
    NamedGPIOList *ngl = qdev_get_named_gpio_list(dev, name);

    for (int i = 0; i < ngl->num_out; i++) {
        *ngl->out[i] = qemu_allocate_irq(handler, opaque, i);
    }
}

/* ---- -device help ---- */

typedef struct {
    FILE *out;
} HelpState;

static int print_one_prop(ObjectProperty *prop, void *opaque)
{
    HelpState *hs = opaque;
    g_autofree char *left = NULL;

    if (!prop->set || !strcmp(prop->name, "realized")) {
        return 0;
    }
    left = g_strdup_printf("%s=<%s>", prop->name, prop->type);
    fprintf(hs->out, "  %-24s", left);
    if (prop->description) {
        fprintf(hs->out, " - %s", prop->description);
    }
    if (prop->defval) {
        fprintf(hs->out, "%s(default: %s)", prop->description ? " " : " - ",
                prop->defval);
    }
    fprintf(hs->out, "\n");
    return 0;
}

bool qdev_print_device_help(FILE *out, const char *typename, Error **errp)
{
    HelpState hs = {out};

    if (typename) {
        ObjectClass *oc = object_class_by_name(typename);

        if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) ||
            object_class_is_abstract(oc)) {
            error_setg(errp, "'%s' is not a valid device model name", typename);
            return false;
        }
        fprintf(out, "%s options:\n", typename);
        object_class_property_foreach(oc, print_one_prop, &hs);
        return true;
    }
    GSList *list = object_class_get_list(TYPE_DEVICE, false);
    bool first = true;

    for (int cat = 0; cat <= DEVICE_CATEGORY_MAX; cat++) {
        bool header = false;

        for (GSList *e = list; e; e = e->next) {
            DeviceClass *dc = DEVICE_CLASS(e->data);
            bool in_cat = cat < DEVICE_CATEGORY_MAX
                              ? (dc->categories & (1ul << cat)) != 0
                              : dc->categories == 0;

            if (!dc->user_creatable || !in_cat) {
                continue;
            }
            if (!header) {
                fprintf(out, "%s%s:\n", first ? "" : "\n",
                        device_category_name(cat));
                header = true;
                first = false;
            }
            fprintf(out, "name \"%s\"", object_class_get_name(e->data));
            if (dc->bus_type) {
                fprintf(out, ", bus %s", dc->bus_type);
            }
            if (dc->desc) {
                fprintf(out, ", desc \"%s\"", dc->desc);
            }
            fprintf(out, "\n");
        }
    }
    g_slist_free(list);
    return true;
}

static const TypeInfo qdev_types[] = {
    {
        .name = TYPE_DEVICE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(DeviceState),
        .instance_init = device_instance_init,
        .instance_finalize = device_instance_finalize,
        .class_size = sizeof(DeviceClass),
        .class_base_init = device_class_base_init,
        .abstract = true,
    },
    {
        .name = TYPE_BUS,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(BusState),
        .instance_finalize = bus_instance_finalize,
        .class_size = sizeof(BusClass),
        .abstract = true,
    },
};

DEFINE_TYPES(qdev_types)
