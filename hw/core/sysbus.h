/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system bus: where the machine's non-PCI devices (UART, RTC, fw_cfg,
 * debug ports) plug in.  The bus carries the machine's memory and I/O port
 * regions, so a device maps its registers without reaching for globals:
 *     memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->io);
 */
#ifndef KEMU_HW_SYSBUS_H
#define KEMU_HW_SYSBUS_H

#include "hw/core/qdev.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct MachineState MachineState;

#define TYPE_SYSTEM_BUS     "system-bus"
#define TYPE_SYS_BUS_DEVICE "sys-bus-device"

OBJECT_DECLARE_SIMPLE_TYPE(SysBusState, SYSTEM_BUS)

struct SysBusState {
    BusState parent_obj;
    MachineState *machine;
    MemoryRegion *mem; /* the machine's system memory container */
    MemoryRegion *io;  /* the machine's I/O port container */
    qemu_irq *irqs;    /* the board's interrupt lines (GSIs), by number */
    int num_irqs;
};

OBJECT_DECLARE_SIMPLE_TYPE(SysBusDevice, SYS_BUS_DEVICE)

struct SysBusDevice {
    DeviceState parent_obj;
};

/** sysbus_new - the system bus of machine, over its mem and io regions. */
SysBusState *sysbus_new(MachineState *machine, DeviceState *parent,
                        MemoryRegion *mem, MemoryRegion *io);

/** sysbus_mem - the memory container of the bus dev sits on. */
MemoryRegion *sysbus_mem(DeviceState *dev);
/** sysbus_io - the I/O port container of the bus dev sits on. */
MemoryRegion *sysbus_io(DeviceState *dev);
/**
 * sysbus_get_irq - interrupt line n (an ISA IRQ / GSI number) of the board
 * dev sits on; NULL (unconnected) if the board has no such line.
 */
qemu_irq sysbus_get_irq(DeviceState *dev, int n);

/** sysbus_machine - the machine of the bus dev sits on. */
MachineState *sysbus_machine(DeviceState *dev);

#endif
