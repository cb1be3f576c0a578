/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qdev: devices and buses on top of QOM.  instance_init must not fail; all
 * fallible work is in realize(DeviceState *, Error **).  reset returns a
 * device to its power-on state.  A device sits on a bus; buses hang off
 * devices (the machine's system bus hangs off the machine).
 *
 * Reset has two parts, always run together and in this order: the device's
 * own DeviceClass.reset, then what its bus owns of it (BusClass.reset_child:
 * for PCI, the function's command register, BARs, INTx, MSI and MSI-X).  A
 * device sets dc->reset to its own reset and never chains to the bus's
 * part; a subclass that extends a parent device's reset uses
 * device_class_set_parent_reset().
 */
#ifndef KEMU_HW_QDEV_H
#define KEMU_HW_QDEV_H

#include "util/osdep.h"
#include "qom/object.h"
#include "hw/core/irq.h"

#define TYPE_DEVICE "device"
#define TYPE_BUS    "bus"

typedef struct Property Property;
typedef struct BusState BusState;

typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_MAX
} DeviceCategory;

/** device_category_name - "Network devices" etc., for -device help. */
const char *device_category_name(DeviceCategory cat);

OBJECT_DECLARE_TYPE(DeviceState, DeviceClass, DEVICE)

typedef void (*DeviceRealize)(DeviceState *dev, Error **errp);
typedef void (*DeviceUnrealize)(DeviceState *dev);
typedef void (*DeviceReset)(DeviceState *dev);

struct DeviceClass {
    ObjectClass parent_class;
    unsigned long categories; /* bit (1 << DeviceCategory) */
    const char *desc;
    const Property *props;
    bool user_creatable; /* may be created with -device / device_add */
    bool hotpluggable;   /* may be added and removed while running */
    DeviceRealize realize;
    DeviceUnrealize unrealize;
    DeviceReset reset;
    const char *bus_type; /* the bus this device plugs into */
};

typedef struct NamedGPIOList {
    char *name;
    qemu_irq *in; /* input lines, handled by the device */
    int num_in;
    qemu_irq **out; /* where the device keeps its output lines */
    int num_out;
} NamedGPIOList;

struct DeviceState {
    Object parent_obj;
    char *id; /* the user's id=, or NULL */
    bool realized;
    BusState *parent_bus;
    GSList *child_buses;  /* BusState * */
    GSList *gpios;        /* NamedGPIOList * */
    bool globals_applied; /* -global values set (hw/core/qdev-global.h) */
    /* Hotplug (hw/core/hotplug.h) */
    bool hotplugged;                    /* device_add'ed while running */
    bool pending_deleted_event;         /* device_del asked the guest */
    int64_t pending_deleted_expires_ms; /* virtual ms of that request */
    void (*deleted_fn)(void *opaque, const char *id, const char *path);
    void *deleted_opaque;
};

OBJECT_DECLARE_TYPE(BusState, BusClass, BUS)

struct BusClass {
    ObjectClass parent_class;
    /* Checks (and may assign) dev's address on bus before realize. */
    bool (*check_address)(BusState *bus, DeviceState *dev, Error **errp);
    /* "00:02.0"-style bus address of dev, for info qtree. */
    char *(*get_dev_path)(DeviceState *dev);
    int max_dev; /* 0: no limit */
    /*
     * The part of dev's reset the bus owns, run after dev's own
     * DeviceClass.reset on every reset of dev (at realize, device and
     * machine reset).  Devices never call or override it.
     */
    void (*reset_child)(BusState *bus, DeviceState *dev);
};

struct BusState {
    Object obj;
    DeviceState *parent;
    char *name;
    GList *children; /* DeviceState *, in plug order */
    int num_children;
    Object *hotplug_handler; /* NULL: not hotpluggable (hw/core/hotplug.h) */
};

/** device_class_set_props - the class's property table (END-terminated). */
void device_class_set_props(DeviceClass *dc, const Property *props);

/**
 * device_class_set_parent_reset - for a subclass that extends its parent
 * device class's reset (QEMU's helper): stores the parent's hook in
 * *parent_reset (a no-op if the parent has none, so calling it is always
 * safe) and installs dev_reset, which calls (*parent_reset)(dev) where the
 * parent's work belongs.  Not needed to keep a bus's part of the reset
 * (BusClass.reset_child): that runs by itself.
 */
void device_class_set_parent_reset(DeviceClass *dc, DeviceReset dev_reset,
                                   DeviceReset *parent_reset);

/** qdev_try_new - a new unrealized device, or NULL and an error. */
DeviceState *qdev_try_new(const char *typename, Error **errp);
DeviceState *qdev_new(const char *typename);

/**
 * qdev_realize - plug dev into bus (NULL: none) and realize it.  On failure
 * dev is unplugged again and the error says why.
 */
bool qdev_realize(DeviceState *dev, BusState *bus, Error **errp);
/** qdev_realize_and_unref - qdev_realize, then drop the caller's ref. */
bool qdev_realize_and_unref(DeviceState *dev, BusState *bus, Error **errp);
/** qdev_unrealize - unrealize dev and unplug it from its bus. */
void qdev_unrealize(DeviceState *dev);

/**
 * device_cold_reset - reset dev (its DeviceClass.reset, then its bus's part,
 * BusClass.reset_child), then everything on its child buses.
 */
void device_cold_reset(DeviceState *dev);
/** bus_cold_reset - reset every device on bus (recursively). */
void bus_cold_reset(BusState *bus);

/** qbus_new - a bus of typename named name, child of parent (may be NULL). */
BusState *qbus_new(const char *typename, DeviceState *parent, const char *name);
BusState *qdev_get_parent_bus(DeviceState *dev);
BusState *qdev_get_child_bus(DeviceState *dev, const char *name);

/** qbus_find_device_by_id - depth-first search under bus for id. */
DeviceState *qbus_find_device_by_id(BusState *bus, const char *id);

/* ---- GPIO lines ---- */

/** qdev_init_gpio_in_named - n input lines handled by handler(dev, i, l). */
void qdev_init_gpio_in_named(DeviceState *dev, qemu_irq_handler handler,
                             const char *name, int n);
/** qdev_init_gpio_out_named - n output lines kept at pins[0..n-1]. */
void qdev_init_gpio_out_named(DeviceState *dev, qemu_irq *pins,
                              const char *name, int n);
qemu_irq qdev_get_gpio_in_named(DeviceState *dev, const char *name, int n);
void qdev_connect_gpio_out_named(DeviceState *dev, const char *name, int n,
                                 qemu_irq irq);
/** qdev_get_gpio_out_named - what output line n is connected to. */
qemu_irq qdev_get_gpio_out_named(DeviceState *dev, const char *name, int n);
NamedGPIOList *qdev_get_named_gpio_list(DeviceState *dev, const char *name);

static inline void qdev_init_gpio_in(DeviceState *dev, qemu_irq_handler handler,
                                     int n)
{
    qdev_init_gpio_in_named(dev, handler, NULL, n);
}

static inline void qdev_init_gpio_out(DeviceState *dev, qemu_irq *pins, int n)
{
    qdev_init_gpio_out_named(dev, pins, NULL, n);
}

static inline qemu_irq qdev_get_gpio_in(DeviceState *dev, int n)
{
    return qdev_get_gpio_in_named(dev, NULL, n);
}

static inline void qdev_connect_gpio_out(DeviceState *dev, int n, qemu_irq irq)
{
    qdev_connect_gpio_out_named(dev, NULL, n, irq);
}

/**
 * qdev_intercept_gpio_in - replace the handlers of dev's input lines of
 * name by handler(opaque, i, level), keeping the originals (qtest's
 * irq_intercept_in).
 */
void qdev_intercept_gpio_in(DeviceState *dev, qemu_irq_handler handler,
                            void *opaque, const char *name);
/**
 * qdev_intercept_gpio_out - connect dev's output lines of name to
 * handler(opaque, i, level) instead of where they went (irq_intercept_out).
 */
void qdev_intercept_gpio_out(DeviceState *dev, qemu_irq_handler handler,
                             void *opaque, const char *name);

/* ---- -device help ---- */

/**
 * qdev_print_device_help - "-device help": user-creatable types grouped by
 * category; or with typename, the device's properties with types and
 * defaults ("-device e1000,help").  Returns false for an unknown type.
 */
bool qdev_print_device_help(FILE *out, const char *typename, Error **errp);

#endif
