/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IOAPIC's input side: each of its 24 GPIO lines drives the global
 * system interrupt of the same number through the machine's accelerator
 * (KVM_IRQ_LINE under kvm; under qtest the lines are intercepted).  The
 * redirection table itself is the accelerator's (Intel 82093AA datasheet;
 * KVM emulates it in the kernel).
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/i386/ioapic.h"

OBJECT_DECLARE_SIMPLE_TYPE(IOAPICState, IOAPIC)

struct IOAPICState {
    SysBusDevice parent_obj;
    MachineState *machine;
};

static void ioapic_set_irq(void *opaque, int gsi, int level)
{
    IOAPICState *s = IOAPIC(opaque);
    MachineState *ms = s->machine;

    if (ms && ms->accel && ms->accel->set_gsi) {
        ms->accel->set_gsi(ms, gsi, level);
    }
}

static void ioapic_instance_init(Object *obj)
{
    qdev_init_gpio_in(DEVICE(obj), ioapic_set_irq, IOAPIC_NUM_PINS);
}

static void ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPIC(dev)->machine = sysbus_machine(dev);
}

static void ioapic_unrealize(DeviceState *dev)
{
    IOAPIC(dev)->machine = NULL;
}

static void ioapic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = ioapic_realize;
    dc->unrealize = ioapic_unrealize;
    dc->desc = "IOAPIC inputs (GSI 0-23)";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
}

static const TypeInfo ioapic_types[] = {
    {
        .name = TYPE_IOAPIC,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(IOAPICState),
        .instance_init = ioapic_instance_init,
        .class_init = ioapic_class_init,
    },
};

DEFINE_TYPES(ioapic_types)
