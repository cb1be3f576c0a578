/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82441FX (i440FX) PCI host bridge: configuration mechanism #1
 * (PCI Local Bus Specification 3.0, 3.2.2.3.2) at 0xCF8/0xCFC on the
 * system bus, and the host bridge's own PCI function at 00:00.0.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "hw/pci-host/i440fx.h"

OBJECT_DECLARE_SIMPLE_TYPE(I440FXHostState, I440FX_PCI_HOST_BRIDGE)

struct I440FXHostState {
    SysBusDevice parent_obj;
    MemoryRegion conf_addr; /* 0xCF8 */
    MemoryRegion conf_data; /* 0xCFC..0xCFF */
    uint32_t config_reg;
    PCIBus *bus;
};

#define CONFIG_ADDR_BUS(a)   (((a) >> 16) & 0xff)
#define CONFIG_ADDR_DEVFN(a) (((a) >> 8) & 0xff)
/*
 * The register: bits 7:0 of the latch with the data port's byte offset
 * ORed in.  The PCI spec reserves bits 1:0 of CONFIG_ADDRESS, but QEMU
 * keeps them (its pci_host ORs them into the offset) and QEMU's libqos
 * relies on it: a 16-bit read of 0x2e latches 0x...2e and reads 0xcfc.
 */
#define CONFIG_ADDR_REG(a, port_off) (((a) | (port_off)) & 0xff)

static uint64_t conf_addr_read(void *opaque, hwaddr addr, unsigned size)
{
    I440FXHostState *s = opaque;

    return size == 4 ? s->config_reg : ~0ull;
}

static void conf_addr_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    I440FXHostState *s = opaque;

    /* Only a dword access latches the address (narrower ones are I/O). */
    if (size == 4 && addr == 0) {
        s->config_reg = val;
    }
}

static const MemoryRegionOps conf_addr_ops = {
    .read = conf_addr_read,
    .write = conf_addr_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4, .unaligned = true},
};

/* The function and register the address latch selects, or false. */
static bool conf_target(I440FXHostState *s, hwaddr port_off, int *devfn,
                        uint32_t *reg)
{
    uint32_t a = s->config_reg;

    if (!(a & PCI_HOST_CONFIG_ENABLE) || CONFIG_ADDR_BUS(a) != 0) {
        return false;
    }
    *devfn = CONFIG_ADDR_DEVFN(a);
    *reg = CONFIG_ADDR_REG(a, port_off & 3);
    return true;
}

static uint64_t conf_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I440FXHostState *s = opaque;
    int devfn;
    uint32_t reg;

    if (!conf_target(s, addr, &devfn, &reg)) {
        return ~0ull;
    }
    return pci_bus_config_read(s->bus, devfn, reg, size);
}

static void conf_data_write(void *opaque, hwaddr addr, uint64_t val,
                            unsigned size)
{
    I440FXHostState *s = opaque;
    int devfn;
    uint32_t reg;

    if (conf_target(s, addr, &devfn, &reg)) {
        pci_bus_config_write(s->bus, devfn, reg, val, size);
    }
}

static const MemoryRegionOps conf_data_ops = {
    .read = conf_data_read,
    .write = conf_data_write,
    .valid = {.min_access_size = 1, .max_access_size = 4, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 4, .unaligned = true},
};

static void i440fx_host_realize(DeviceState *dev, Error **errp)
{
    I440FXHostState *s = I440FX_PCI_HOST_BRIDGE(dev);
    MachineState *ms = sysbus_machine(dev);

    memory_region_init_io(&s->conf_addr, s, &conf_addr_ops, s, "pci-conf-idx",
                          4);
    memory_region_add_subregion(sysbus_io(dev), PCI_HOST_CONFIG_ADDR,
                                &s->conf_addr);
    memory_region_init_io(&s->conf_data, s, &conf_data_ops, s, "pci-conf-data",
                          4);
    memory_region_add_subregion(sysbus_io(dev), PCI_HOST_CONFIG_DATA,
                                &s->conf_data);
    s->bus = pci_root_bus_new(ms, dev, "pci.0", ms->system_memory,
                              ms->system_io, ms->as_memory);
}

static void i440fx_host_unrealize(DeviceState *dev)
{
    I440FXHostState *s = I440FX_PCI_HOST_BRIDGE(dev);

    memory_region_del_subregion(sysbus_io(dev), &s->conf_addr);
    memory_region_del_subregion(sysbus_io(dev), &s->conf_data);
    memory_region_destroy(&s->conf_addr);
    memory_region_destroy(&s->conf_data);
}

static void i440fx_host_reset(DeviceState *dev)
{
    I440FX_PCI_HOST_BRIDGE(dev)->config_reg = 0;
}

static void i440fx_host_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = i440fx_host_realize;
    dc->unrealize = i440fx_host_unrealize;
    dc->reset = i440fx_host_reset;
    dc->desc = "i440FX PCI host bridge (configuration mechanism #1)";
    dc->categories = 1ul << DEVICE_CATEGORY_BRIDGE;
}

/* The host bridge's PCI function: identity only (PAM/SMRAM unused). */
static void i440fx_pci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);
    DeviceClass *dc = DEVICE_CLASS(oc);

    pc->vendor_id = PCI_VENDOR_ID_INTEL;
    pc->device_id = PCI_DEVICE_ID_INTEL_82441;
    pc->revision = 0x02;
    pc->class_id = PCI_CLASS_BRIDGE_HOST;
    dc->desc = "Host bridge";
    dc->categories = 1ul << DEVICE_CATEGORY_BRIDGE;
    dc->hotpluggable = false; /* part of the chipset */
}

PCIBus *i440fx_init(MachineState *ms, Error **errp)
{
    DeviceState *host = qdev_new(TYPE_I440FX_PCI_HOST_BRIDGE);
    DeviceState *func, *isa;
    PCIBus *bus;

    machine_add_unattached(ms, host);
    if (!qdev_realize_and_unref(host, BUS(ms->sysbus), errp)) {
        return NULL;
    }
    bus = I440FX_PCI_HOST_BRIDGE(host)->bus;

    func = qdev_new(TYPE_I440FX_PCI_DEVICE);
    PCI_DEVICE(func)->devfn = PCI_DEVFN(0, 0);
    machine_add_unattached(ms, func);
    if (!qdev_realize_and_unref(func, BUS(bus), errp)) {
        return NULL;
    }
    isa = qdev_new(TYPE_PIIX3_DEVICE);
    PCI_DEVICE(isa)->devfn = PIIX3_DEVFN;
    PCI_DEVICE(isa)->multifunction = true;
    machine_add_unattached(ms, isa);
    if (!qdev_realize_and_unref(isa, BUS(bus), errp)) {
        return NULL;
    }
    return bus;
}

static const TypeInfo i440fx_types[] = {
    {
        .name = TYPE_I440FX_PCI_HOST_BRIDGE,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(I440FXHostState),
        .class_init = i440fx_host_class_init,
    },
    {
        .name = TYPE_I440FX_PCI_DEVICE,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_init = i440fx_pci_class_init,
    },
};

DEFINE_TYPES(i440fx_types)
