/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kvm-pit: the in-kernel 8254 PIT as a device of the machine, as QEMU's
 * (hw/i386/kvm/i8254.c) is.  Its realize asks the accelerator to create
 * the PIT (KVM_CREATE_PIT2 and, for lost_tick_policy, KVM_REINJECT_CONTROL:
 * "delay" reinjects the ticks a descheduled guest missed, "discard" drops
 * them, which is what kvm-unit-tests asks with -global).  The kernel then
 * handles ports 0x40-0x43 and 0x61 and raises ISA IRQ 0 itself.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "hw/timer/i8254.h"

OBJECT_DECLARE_SIMPLE_TYPE(KVMPITState, KVM_PIT)

struct KVMPITState {
    SysBusDevice parent_obj;
    uint32_t iobase;
    int lost_tick_policy; /* LostTickPolicy */
};

static void kvm_pit_realize(DeviceState *dev, Error **errp)
{
    KVMPITState *s = KVM_PIT(dev);
    MachineState *ms = qdev_get_machine(dev);

    if (s->iobase != PIT_IOBASE) {
        error_setg(errp, "kvm-pit: the in-kernel PIT is at 0x%x, not 0x%x",
                   PIT_IOBASE, s->iobase);
        return;
    }
    if (!ms) {
        error_setg(errp, "kvm-pit: not part of a machine");
        return;
    }
    machine_create_in_kernel_pit(
        ms, s->lost_tick_policy == LOST_TICK_POLICY_DELAY, errp);
}

static const Property kvm_pit_props[] = {
    DEFINE_PROP_UINT32("iobase", KVMPITState, iobase, PIT_IOBASE),
    /* KVM reinjects (delay) or drops (discard) missed ticks; no slew. */
    DEFINE_PROP_LOSTTICKPOLICY_UPTO("lost_tick_policy", KVMPITState,
                                    lost_tick_policy, LOST_TICK_POLICY_DELAY,
                                    LOST_TICK_POLICY_DELAY),
    DEFINE_PROP_END_OF_LIST(),
};

static void kvm_pit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = kvm_pit_realize;
    dc->desc = "KVM in-kernel PIT";
    dc->user_creatable = false; /* the pc board makes it (-machine pit=) */
    device_class_set_props(dc, kvm_pit_props);
}

static const TypeInfo kvm_pit_types[] = {
    {
        .name = TYPE_KVM_PIT,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(KVMPITState),
        .class_init = kvm_pit_class_init,
    },
};

DEFINE_TYPES(kvm_pit_types)
