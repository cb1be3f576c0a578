/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static device properties: a table of fields in the device state, each
 * with a PropertyInfo that parses and prints it, set from strings
 * (`-device e1000,mac=...`) before realize and refused after.
 */
#ifndef KEMU_HW_QDEV_PROPERTIES_H
#define KEMU_HW_QDEV_PROPERTIES_H

#include "hw/core/qdev.h"
#include "net/macaddr.h" /* MACAddr, shared with NICConf */

typedef struct PropertyInfo {
    const char *name;        /* the type shown in listings: "uint32" */
    const char *description; /* e.g. "Ethernet 6-byte MAC Address, ..." */
    PropJsonKind json;
    /* Parse value into the field at dev+prop->offset. */
    bool (*parse)(DeviceState *dev, const Property *prop, const char *value,
                  Error **errp);
    /* The field's value as text (g_free it). */
    char *(*print)(DeviceState *dev, const Property *prop);
    /* Put the default into the field (instance_init time). */
    void (*set_default)(DeviceState *dev, const Property *prop);
    /* Free what the field holds (finalize time); may be NULL. */
    void (*release)(DeviceState *dev, const Property *prop);
    /* The default as text for listings, NULL for none. */
    char *(*print_default)(const Property *prop);
    /* Enumerations: the names, NULL-terminated; the field is an int. */
    const char *const *enum_names;
} PropertyInfo;

struct Property {
    const char *name;
    const PropertyInfo *info;
    ptrdiff_t offset;
    uint64_t defval;    /* for integer and bool properties */
    const char *defstr; /* for string-typed properties */
    int64_t min, max;   /* signed integers; max: an enum's last value */
};

/* Pointer to the property's field inside dev. */
static inline void *qdev_prop_ptr(DeviceState *dev, const Property *prop)
{
    return (char *)dev + prop->offset;
}

extern const PropertyInfo qdev_prop_bool;
extern const PropertyInfo qdev_prop_uint8;
extern const PropertyInfo qdev_prop_uint16;
extern const PropertyInfo qdev_prop_uint32;
extern const PropertyInfo qdev_prop_uint64;
extern const PropertyInfo qdev_prop_int32;
extern const PropertyInfo qdev_prop_size;
extern const PropertyInfo qdev_prop_string;
extern const PropertyInfo qdev_prop_macaddr;
extern const PropertyInfo qdev_prop_losttickpolicy;
extern const PropertyInfo qdev_prop_on_off_auto;

/* QEMU's OnOffAuto, for device and machine properties. */
typedef enum OnOffAuto {
    ON_OFF_AUTO_AUTO,
    ON_OFF_AUTO_ON,
    ON_OFF_AUTO_OFF,
} OnOffAuto;

/* "auto", "on", "off": OnOffAuto's names, in the enum's order. */
extern const char *const on_off_auto_names[];

/*
 * QEMU's LostTickPolicy: what a timer does with ticks the guest could not
 * take in time (delay: deliver them late; discard: drop them; slew: catch
 * up faster).
 */
typedef enum LostTickPolicy {
    LOST_TICK_POLICY_DISCARD,
    LOST_TICK_POLICY_DELAY,
    LOST_TICK_POLICY_SLEW,
} LostTickPolicy;

#define DEFINE_PROP(_name, _state, _field, _info, _type, ...)                  \
    {                                                                          \
        .name = (_name), .info = &(_info),                                     \
        .offset = offsetof(_state, _field) +                                   \
                  0 * sizeof((_type *)0 - &((_state *)0)->_field),             \
        __VA_ARGS__                                                            \
    }

#define DEFINE_PROP_BOOL(_n, _s, _f, _d)                                       \
    DEFINE_PROP(_n, _s, _f, qdev_prop_bool, bool, .defval = (_d))
#define DEFINE_PROP_UINT8(_n, _s, _f, _d)                                      \
    DEFINE_PROP(_n, _s, _f, qdev_prop_uint8, uint8_t, .defval = (_d))
#define DEFINE_PROP_UINT16(_n, _s, _f, _d)                                     \
    DEFINE_PROP(_n, _s, _f, qdev_prop_uint16, uint16_t, .defval = (_d))
#define DEFINE_PROP_UINT32(_n, _s, _f, _d)                                     \
    DEFINE_PROP(_n, _s, _f, qdev_prop_uint32, uint32_t, .defval = (_d))
#define DEFINE_PROP_UINT64(_n, _s, _f, _d)                                     \
    DEFINE_PROP(_n, _s, _f, qdev_prop_uint64, uint64_t, .defval = (_d))
#define DEFINE_PROP_INT32(_n, _s, _f, _d)                                      \
    DEFINE_PROP(_n, _s, _f, qdev_prop_int32, int32_t,                          \
                .defval = (uint64_t)(int64_t)(_d), .min = INT32_MIN,           \
                .max = INT32_MAX)
#define DEFINE_PROP_SIZE(_n, _s, _f, _d)                                       \
    DEFINE_PROP(_n, _s, _f, qdev_prop_size, uint64_t, .defval = (_d))
#define DEFINE_PROP_STRING(_n, _s, _f)                                         \
    DEFINE_PROP(_n, _s, _f, qdev_prop_string, char *)
#define DEFINE_PROP_MACADDR(_n, _s, _f)                                        \
    DEFINE_PROP(_n, _s, _f, qdev_prop_macaddr, MACAddr)
#define DEFINE_PROP_LOSTTICKPOLICY(_n, _s, _f, _d)                             \
    DEFINE_PROP(_n, _s, _f, qdev_prop_losttickpolicy, int, .defval = (_d),     \
                .max = LOST_TICK_POLICY_SLEW)
/* A device that takes only the policies up to _last (in the enum's order). */
#define DEFINE_PROP_LOSTTICKPOLICY_UPTO(_n, _s, _f, _d, _last)                 \
    DEFINE_PROP(_n, _s, _f, qdev_prop_losttickpolicy, int, .defval = (_d),     \
                .max = (_last))
#define DEFINE_PROP_ON_OFF_AUTO(_n, _s, _f, _d)                                \
    DEFINE_PROP(_n, _s, _f, qdev_prop_on_off_auto, OnOffAuto, .defval = (_d),  \
                .max = ON_OFF_AUTO_OFF)
#define DEFINE_PROP_END_OF_LIST()                                              \
    {                                                                          \
    }

/**
 * qdev_prop_set_after_realize - the one-line error for setting a property
 * of a realized device.
 */
void qdev_prop_set_after_realize(DeviceState *dev, const char *name,
                                 Error **errp);

/* Called by qdev: apply defaults, release fields. */
void qdev_prop_set_defaults(DeviceState *dev, const Property *props);
void qdev_prop_release_all(DeviceState *dev, const Property *props);
/* Called by device_class_set_props: one class property per entry. */
void qdev_class_add_props(DeviceClass *dc, const Property *props);

#endif
