/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system bus and the base type of the devices on it.
 */
#include "util/osdep.h"
#include "hw/core/sysbus.h"

SysBusState *sysbus_new(MachineState *machine, DeviceState *parent,
                        MemoryRegion *mem, MemoryRegion *io)
{
    SysBusState *bus =
        SYSTEM_BUS(qbus_new(TYPE_SYSTEM_BUS, parent, "main-system-bus"));

    bus->machine = machine;
    bus->mem = mem;
    bus->io = io;
    return bus;
}

static SysBusState *sysbus_of(DeviceState *dev)
{
    assert(dev->parent_bus);
    return SYSTEM_BUS(dev->parent_bus);
}

MemoryRegion *sysbus_mem(DeviceState *dev)
{
    return sysbus_of(dev)->mem;
}

MemoryRegion *sysbus_io(DeviceState *dev)
{
    return sysbus_of(dev)->io;
}

qemu_irq sysbus_get_irq(DeviceState *dev, int n)
{
    SysBusState *bus = sysbus_of(dev);

    return n >= 0 && n < bus->num_irqs ? bus->irqs[n] : NULL;
}

MachineState *sysbus_machine(DeviceState *dev)
{
    return sysbus_of(dev)->machine;
}

static void sysbus_device_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->bus_type = TYPE_SYSTEM_BUS;
}

static const TypeInfo sysbus_types[] = {
    {
        .name = TYPE_SYSTEM_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(SysBusState),
    },
    {
        .name = TYPE_SYS_BUS_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(SysBusDevice),
        .class_init = sysbus_device_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(sysbus_types)
