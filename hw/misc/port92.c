/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port 0x92, System Control Port A (IBM PS/2 technical reference): bit 1
 * gates A20 (the "a20" GPIO output), and writing bit 0 as 1 resets the
 * machine ("fast reset").  Reads return what was written.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"

#define TYPE_PORT92       "port92"
#define PORT92_IOBASE     0x92
#define PORT92_FAST_RESET 0x01
#define PORT92_A20        0x02

OBJECT_DECLARE_SIMPLE_TYPE(Port92State, PORT92)

struct Port92State {
    SysBusDevice parent_obj;
    MemoryRegion io;
    qemu_irq a20_out;
    uint8_t outport;
};

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    Port92State *s = opaque;

    return s->outport;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    Port92State *s = opaque;
    uint8_t old = s->outport;

    s->outport = val;
    qemu_set_irq(s->a20_out, !!(val & PORT92_A20));
    if ((val & PORT92_FAST_RESET) && !(old & PORT92_FAST_RESET)) {
        machine_request_reset(sysbus_machine(DEVICE(s)), "guest-reset", true);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static void port92_realize(DeviceState *dev, Error **errp)
{
    Port92State *s = PORT92(dev);

    memory_region_init_io(&s->io, s, &port92_ops, s, "port92", 1);
    memory_region_add_subregion(sysbus_io(dev), PORT92_IOBASE, &s->io);
}

static void port92_unrealize(DeviceState *dev)
{
    memory_region_destroy(&PORT92(dev)->io);
}

/* The reset bit reads back 0 after the reset it caused. */
static void port92_reset(DeviceState *dev)
{
    PORT92(dev)->outport &= ~PORT92_FAST_RESET;
}

static void port92_instance_init(Object *obj)
{
    Port92State *s = PORT92(obj);

    qdev_init_gpio_out_named(DEVICE(obj), &s->a20_out, "a20", 1);
}

static void port92_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = port92_realize;
    dc->unrealize = port92_unrealize;
    dc->reset = port92_reset;
    dc->desc = "System Control Port A (A20 gate, fast reset)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
}

static const TypeInfo port92_type = {
    .name = TYPE_PORT92,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(Port92State),
    .instance_init = port92_instance_init,
    .class_init = port92_class_init,
};

static void port92_register_types(void)
{
    type_register_static(&port92_type);
}

type_init(port92_register_types)
