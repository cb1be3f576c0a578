/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-debug-exit: a port that ends the run, as QEMU's does.  Writing value V
 * (any access size) asks the machine to shut down with exit status
 * (V << 1) | 1, so a test guest reports pass or fail through the exit
 * status.  Properties: iobase (default 0x501), iosize (default 2).
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"

#define TYPE_ISA_DEBUG_EXIT "isa-debug-exit"
#define DEBUG_EXIT_IOBASE   0x501
#define DEBUG_EXIT_IOSIZE   2

OBJECT_DECLARE_SIMPLE_TYPE(DebugExitState, ISA_DEBUG_EXIT)

struct DebugExitState {
    SysBusDevice parent_obj;
    uint32_t iobase;
    uint32_t iosize;
    MemoryRegion io;
};

static void debug_exit_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    DebugExitState *s = opaque;

    machine_request_shutdown(sysbus_machine(DEVICE(s)), (int)((val << 1) | 1),
                             "guest-shutdown", true);
}

static const MemoryRegionOps debug_exit_ops = {
    .write = debug_exit_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static void debug_exit_realize(DeviceState *dev, Error **errp)
{
    DebugExitState *s = ISA_DEBUG_EXIT(dev);

    if (!s->iosize || s->iosize > 0x10000 || s->iobase > 0x10000 - s->iosize) {
        error_setg(errp,
                   "isa-debug-exit: iobase 0x%x with iosize 0x%x is "
                   "not inside the I/O space (0 to 0xffff)",
                   s->iobase, s->iosize);
        return;
    }
    memory_region_init_io(&s->io, s, &debug_exit_ops, s, "isa-debug-exit",
                          s->iosize);
    memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->io);
}

static void debug_exit_unrealize(DeviceState *dev)
{
    memory_region_destroy(&ISA_DEBUG_EXIT(dev)->io);
}

static const Property debug_exit_properties[] = {
    DEFINE_PROP_UINT32("iobase", DebugExitState, iobase, DEBUG_EXIT_IOBASE),
    DEFINE_PROP_UINT32("iosize", DebugExitState, iosize, DEBUG_EXIT_IOSIZE),
    DEFINE_PROP_END_OF_LIST(),
};

static void debug_exit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = debug_exit_realize;
    dc->unrealize = debug_exit_unrealize;
    dc->desc = "exit with status (value << 1) | 1 on a port write";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    dc->user_creatable = true;
    device_class_set_props(dc, debug_exit_properties);
}

static const TypeInfo debug_exit_type = {
    .name = TYPE_ISA_DEBUG_EXIT,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(DebugExitState),
    .class_init = debug_exit_class_init,
};

static void debug_exit_register_types(void)
{
    type_register_static(&debug_exit_type);
}

type_init(debug_exit_register_types)
