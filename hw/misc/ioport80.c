/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port 0x80, the POST diagnostic port, which guests write to for short I/O
 * delays (Linux's io_delay).  Writes are dropped without a log line; reads
 * give 0xff, as on hardware with nothing listening.
 */
#include "util/osdep.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"

#define TYPE_IOPORT80   "ioport80"
#define IOPORT80_IOBASE 0x80

OBJECT_DECLARE_SIMPLE_TYPE(IOPort80State, IOPORT80)

struct IOPort80State {
    SysBusDevice parent_obj;
    MemoryRegion io;
};

static uint64_t ioport80_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0xff;
}

static void ioport80_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
}

static const MemoryRegionOps ioport80_ops = {
    .read = ioport80_read,
    .write = ioport80_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static void ioport80_realize(DeviceState *dev, Error **errp)
{
    IOPort80State *s = IOPORT80(dev);

    memory_region_init_io(&s->io, s, &ioport80_ops, s, "ioport80", 1);
    memory_region_add_subregion(sysbus_io(dev), IOPORT80_IOBASE, &s->io);
}

static void ioport80_unrealize(DeviceState *dev)
{
    memory_region_destroy(&IOPORT80(dev)->io);
}

static void ioport80_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = ioport80_realize;
    dc->unrealize = ioport80_unrealize;
    dc->desc = "POST diagnostic port 0x80 (writes ignored)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
}

static const TypeInfo ioport80_type = {
    .name = TYPE_IOPORT80,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(IOPort80State),
    .class_init = ioport80_class_init,
};

static void ioport80_register_types(void)
{
    type_register_static(&ioport80_type);
}

type_init(ioport80_register_types)
