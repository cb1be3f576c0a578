/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI core (PCI Local Bus Specification 3.0): configuration space and its
 * write masks, BAR sizing and mapping that follows the command register,
 * the capability list, INTx routing, and bus-master DMA.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/cutils.h"
#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/pci/msi.h"
#include "hw/pci/msix.h"

/* ---- The "addr" property ---- */

static bool devfn_parse(DeviceState *dev, const Property *prop,
                        const char *value, Error **errp)
{
    int32_t *ptr = qdev_prop_ptr(dev, prop);
    unsigned slot, fn = 0;
    char *end;

    slot = strtoul(value, &end, 16);
    if (end != value && *end == '.') {
        char *fend;

        fn = strtoul(end + 1, &fend, 16);
        if (fend == end + 1 || *fend) {
            goto bad;
        }
    } else if (end == value || *end) {
        goto bad;
    }
    if (slot > 31 || fn > 7) {
        goto bad;
    }
    *ptr = PCI_DEVFN(slot, fn);
    return true;

bad:
    error_setg(errp,
               "property '%s.%s' doesn't take value '%s' (expected a "
               "PCI address SLOT[.FN] in hex, slot 00-1f and function 0-7, "
               "e.g. 03 or 04.0)",
               object_get_typename(OBJECT(dev)), prop->name, value);
    return false;
}

static char *devfn_print(DeviceState *dev, const Property *prop)
{
    int32_t devfn = *(int32_t *)qdev_prop_ptr(dev, prop);

    if (devfn < 0) {
        return g_strdup("<unset>");
    }
    return g_strdup_printf("%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
}

static void devfn_set_default(DeviceState *dev, const Property *prop)
{
    *(int32_t *)qdev_prop_ptr(dev, prop) = (int64_t)prop->defval;
}

const PropertyInfo qdev_prop_pci_devfn = {
    .name = "int32",
    .description = "Slot and optional function number, example: 06.0 or 06",
    .json = PROP_JSON_STRING,
    .parse = devfn_parse,
    .print = devfn_print,
    .set_default = devfn_set_default,
};

/* ---- Bus ---- */

PCIBus *pci_root_bus_new(MachineState *ms, DeviceState *parent,
                         const char *name, MemoryRegion *mem, MemoryRegion *io,
                         AddressSpace *dma_as)
{
    PCIBus *bus = PCI_BUS(qbus_new(TYPE_PCI_BUS, parent, name));

    bus->machine = ms;
    bus->address_space_mem = mem;
    bus->address_space_io = io;
    bus->dma_as = dma_as;
    return bus;
}

void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq,
                  void *opaque, int nirq)
{
    bus->set_irq = set_irq;
    bus->map_irq = map_irq;
    bus->irq_opaque = opaque;
    bus->nirq = nirq;
    g_free(bus->irq_count);
    bus->irq_count = g_new0(int, nirq);
}

PCIDevice *pci_find_device(PCIBus *bus, int devfn)
{
    return devfn >= 0 && devfn < PCI_DEVFN_MAX ? bus->devices[devfn] : NULL;
}

void pci_bus_foreach(PCIBus *bus, void (*fn)(PCIDevice *dev, void *opaque),
                     void *opaque)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        if (bus->devices[devfn]) {
            fn(bus->devices[devfn], opaque);
        }
    }
}

static uint32_t config_read(PCIDevice *dev, uint32_t addr, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    return pc->config_read ? pc->config_read(dev, addr, len)
                           : pci_default_read_config(dev, addr, len);
}

static void config_write(PCIDevice *dev, uint32_t addr, uint32_t val, int len)
{
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    if (pc->config_write) {
        pc->config_write(dev, addr, val, len);
    } else {
        pci_default_write_config(dev, addr, val, len);
    }
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len)
{
    PCIDevice *dev = pci_find_device(bus, devfn);

    if (!dev || addr + len > PCI_CONFIG_SPACE_SIZE) {
        return len == 4 ? 0xffffffffu : (1u << (len * 8)) - 1;
    }
    return config_read(dev, addr, len);
}

void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val,
                          int len)
{
    PCIDevice *dev = pci_find_device(bus, devfn);

    if (dev && addr + len <= PCI_CONFIG_SPACE_SIZE) {
        config_write(dev, addr, val, len);
    }
}

static char *pci_bus_get_dev_path(DeviceState *dev)
{
    PCIDevice *pd = PCI_DEVICE(dev);

    return g_strdup_printf("%02x.%x", PCI_SLOT(pd->devfn), PCI_FUNC(pd->devfn));
}

static bool pci_bus_check_address(BusState *qbus, DeviceState *qdev,
                                  Error **errp)
{
    PCIBus *bus = PCI_BUS(qbus);
    PCIDevice *dev = PCI_DEVICE(qdev);
    int devfn = dev->devfn;

    if (devfn < 0) {
        /* First free slot, function 0, as QEMU assigns them. */
        for (devfn = 0; devfn < PCI_DEVFN_MAX; devfn += 8) {
            if (!bus->devices[devfn]) {
                break;
            }
        }
        if (devfn >= PCI_DEVFN_MAX) {
            error_setg(errp, "PCI bus '%s' has no free slot for '%s'",
                       qbus->name, object_get_typename(OBJECT(dev)));
            return false;
        }
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI slot %02x.%x is already taken by '%s'",
                   PCI_SLOT(devfn), PCI_FUNC(devfn),
                   object_get_typename(OBJECT(bus->devices[devfn])));
        return false;
    } else if (qdev->hotplugged && PCI_FUNC(devfn) &&
               bus->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)]) {
        /* The guest rescans a hotplugged slot from function 0 (QEMU's). */
        error_setg(errp,
                   "PCI: slot %d function 0 already occupied by %s, new "
                   "func %s cannot be exposed to guest.",
                   PCI_SLOT(devfn),
                   object_get_typename(
                       OBJECT(bus->devices[PCI_DEVFN(PCI_SLOT(devfn), 0)])),
                   object_get_typename(OBJECT(dev)));
        return false;
    }
    dev->devfn = devfn;
    return true;
}

/* ---- BARs ---- */

static pcibus_t bar_address(PCIDevice *dev, int reg, uint16_t cmd)
{
    PCIIORegion *r = &dev->io_regions[reg];
    int bar =
        reg == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + reg * 4;
    pcibus_t addr, last;

    if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr = pci_get_long(dev->config + bar) & ~(r->size - 1);
        last = addr + r->size - 1;
        /* Address 0 and the sizing pattern mean "not placed". */
        if (addr == 0 || last >= 0x10000 || last <= addr) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        addr = pci_get_long(dev->config + bar) |
               (pcibus_t)pci_get_long(dev->config + bar + 4) << 32;
    } else {
        addr = pci_get_long(dev->config + bar);
    }
    addr &= ~(r->size - 1);
    last = addr + r->size - 1;
    if (addr == 0 || last <= addr) {
        return PCI_BAR_UNMAPPED;
    }
    if (!(r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) && last >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    /* 64-bit sizing: the upper half all ones. */
    if (last >= ((pcibus_t)1 << 52)) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void update_mappings(PCIDevice *dev)
{
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);

    memory_region_transaction_begin();
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        MemoryRegion *space;
        pcibus_t addr;

        if (!r->size) {
            continue;
        }
        addr = bar_address(dev, i, cmd);
        if (addr == r->addr) {
            continue;
        }
        space = r->type & PCI_BASE_ADDRESS_SPACE_IO
                    ? dev->bus->address_space_io
                    : dev->bus->address_space_mem;
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            memory_region_add_subregion_overlap(space, addr, r->memory, 1);
        }
    }
    memory_region_transaction_commit();
}

void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *mr)
{
    PCIIORegion *r = &dev->io_regions[region_num];
    uint64_t size = memory_region_size(mr);
    uint64_t wmask = ~(size - 1);
    int bar;

    assert(region_num >= 0 && region_num < PCI_NUM_REGIONS);
    assert(size && !(size & (size - 1)));
    r->addr = PCI_BAR_UNMAPPED;
    r->size = size;
    r->type = type;
    r->memory = mr;
    if (region_num == PCI_ROM_SLOT) {
        bar = PCI_ROM_ADDRESS;
        wmask |= 1; /* enable bit */
    } else {
        bar = PCI_BASE_ADDRESS_0 + region_num * 4;
    }
    pci_set_long(dev->config + bar, type);
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        wmask &= PCI_BASE_ADDRESS_IO_MASK & 0xffff;
    } else if (region_num != PCI_ROM_SLOT) {
        wmask &= ~(uint64_t)0xf;
    }
    pci_set_long(dev->wmask + bar, wmask);
    if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
        pci_set_long(dev->wmask + bar + 4, wmask >> 32);
    }
}

pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num)
{
    return dev->io_regions[region_num].addr;
}

/* ---- Capabilities ---- */

uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id)
{
    uint8_t off;
    int guard = 0;

    if (!(pci_get_word(dev->config + PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
        return 0;
    }
    for (off = dev->config[PCI_CAPABILITY_LIST]; off && guard < 48;
         off = dev->config[off + 1], guard++) {
        if (dev->config[off] == cap_id) {
            return off;
        }
    }
    return 0;
}

int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp)
{
    if (!offset) {
        int run = 0;

        for (int i = PCI_CONFIG_HEADER_SIZE; i < PCI_CONFIG_SPACE_SIZE; i++) {
            run = dev->used[i] ? 0 : run + 1;
            if (run == size && ((i - size + 1) & 3) == 0) {
                offset = i - size + 1;
                break;
            }
            if (run >= size) {
                run = 0;
            }
        }
        if (!offset) {
            error_setg(errp, "%s: no room for a %u-byte PCI capability 0x%x",
                       object_get_typename(OBJECT(dev)), size, cap_id);
            return -EINVAL;
        }
    }
    if (offset < PCI_CONFIG_HEADER_SIZE ||
        offset + size > PCI_CONFIG_SPACE_SIZE) {
        error_setg(errp, "%s: PCI capability 0x%x at 0x%x does not fit",
                   object_get_typename(OBJECT(dev)), cap_id, offset);
        return -EINVAL;
    }
    for (int i = offset; i < offset + size; i++) {
        if (dev->used[i]) {
            error_setg(errp,
                       "%s: PCI capability 0x%x at 0x%x overlaps "
                       "another",
                       object_get_typename(OBJECT(dev)), cap_id, offset);
            return -EINVAL;
        }
    }
    memset(dev->used + offset, 0xff, size);
    dev->config[offset] = cap_id;
    dev->config[offset + 1] = dev->config[PCI_CAPABILITY_LIST];
    dev->config[PCI_CAPABILITY_LIST] = offset;
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    return offset;
}

/* ---- INTx ---- */

static void intx_update(PCIDevice *dev)
{
    PCIBus *bus = dev->bus;
    bool disabled =
        pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
    int routed = dev->irq_state && !disabled;
    int pin = dev->config[PCI_INTERRUPT_PIN];
    int line;

    if (routed == dev->irq_routed || !pin || !bus || !bus->set_irq) {
        dev->irq_routed = routed;
        return;
    }
    line = bus->map_irq(dev, pin - 1);
    if (line < 0 || line >= bus->nirq) {
        return;
    }
    bus->irq_count[line] += routed ? 1 : -1;
    dev->irq_routed = routed;
    bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] != 0);
}

void pci_set_irq(PCIDevice *dev, int level)
{
    uint16_t status = pci_get_word(dev->config + PCI_STATUS);

    level = level != 0;
    dev->irq_state = level;
    if (level) {
        status |= PCI_STATUS_INTERRUPT;
    } else {
        status &= ~PCI_STATUS_INTERRUPT;
    }
    pci_set_word(dev->config + PCI_STATUS, status);
    intx_update(dev);
}

void pci_send_msi(PCIDevice *dev, uint64_t addr, uint32_t data)
{
    MachineState *ms = dev->bus ? dev->bus->machine : NULL;

    kemu_log_mask(LOG_INT, "pci %s: MSI addr=0x%" PRIx64 " data=0x%x\n",
                  object_get_typename(OBJECT(dev)), addr, data);
    if (ms && ms->accel && ms->accel->send_msi) {
        ms->accel->send_msi(ms, addr, data);
    }
}

/* ---- Config space ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len)
{
    uint32_t val = 0;

    memcpy(&val, dev->config + addr, len);
    return le32toh(val);
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len)
{
    bool bars_changed = false;

    for (int i = 0; i < len; i++, val >>= 8) {
        uint32_t a = addr + i;
        uint8_t w = dev->wmask[a], c = dev->w1cmask[a];

        dev->config[a] = (dev->config[a] & ~w) | (val & w);
        dev->config[a] &= ~(val & c);
        if ((a >= PCI_BASE_ADDRESS_0 && a < PCI_BASE_ADDRESS_0 + 24) ||
            (a >= PCI_ROM_ADDRESS && a < PCI_ROM_ADDRESS + 4) ||
            a == PCI_COMMAND || a == PCI_COMMAND + 1) {
            bars_changed = true;
        }
    }
    if (bars_changed) {
        update_mappings(dev);
        intx_update(dev);
    }
    if (dev->msi_cap) {
        msi_write_config(dev, addr, len);
    }
    if (dev->msix_cap) {
        msix_write_config(dev, addr, len);
    }
}

/* ---- DMA ---- */

AddressSpace *pci_dma_as(PCIDevice *dev)
{
    return dev->bus->dma_as;
}

static MemTxResult pci_dma_rw(PCIDevice *dev, hwaddr addr, void *buf,
                              hwaddr len, bool is_write)
{
    if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: DMA %s at 0x%" PRIx64 " with bus mastering off\n",
                      object_get_typename(OBJECT(dev)),
                      is_write ? "write" : "read", addr);
        return MEMTX_ERROR;
    }
    return is_write ? dma_memory_write(dev->bus->dma_as, addr, buf, len)
                    : dma_memory_read(dev->bus->dma_as, addr, buf, len);
}

MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len)
{
    return pci_dma_rw(dev, addr, buf, len, false);
}

MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf,
                          hwaddr len)
{
    return pci_dma_rw(dev, addr, (void *)buf, len, true);
}

char *pci_device_name(PCIDevice *dev)
{
    return g_strdup_printf("00:%02x.%x", PCI_SLOT(dev->devfn),
                           PCI_FUNC(dev->devfn));
}

/* ---- qdev glue ---- */

static void pci_init_header(PCIDevice *dev, PCIDeviceClass *pc)
{
    uint8_t *c = dev->config;

    memset(dev->config, 0, sizeof(dev->config));
    memset(dev->wmask, 0, sizeof(dev->wmask));
    memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
    memset(dev->used, 0, sizeof(dev->used));
    memset(dev->used, 0xff, PCI_CONFIG_HEADER_SIZE);
    pci_set_word(c + PCI_VENDOR_ID, pc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pc->device_id);
    c[PCI_REVISION_ID] = pc->revision;
    pci_set_word(c + PCI_CLASS_DEVICE, pc->class_id);
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, pc->subsystem_vendor_id);
    pci_set_word(c + PCI_SUBSYSTEM_ID, pc->subsystem_id);
    c[PCI_HEADER_TYPE] = dev->multifunction ? PCI_HEADER_TYPE_MULTI_FUNCTION
                                            : PCI_HEADER_TYPE_NORMAL;
    pci_set_word(c + PCI_STATUS,
                 PCI_STATUS_FAST_BACK | PCI_STATUS_DEVSEL_MEDIUM);
    pci_set_word(dev->wmask + PCI_COMMAND,
                 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                     PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
                     PCI_COMMAND_INTX_DISABLE);
    pci_set_word(dev->w1cmask + PCI_STATUS,
                 PCI_STATUS_MASTER_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                     PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                     PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_LATENCY_TIMER] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        dev->io_regions[i].addr = PCI_BAR_UNMAPPED;
    }
}

static void pci_qdev_realize(DeviceState *qdev, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);
    Error *local_err = NULL;

    dev->bus = PCI_BUS(qdev->parent_bus);
    pci_init_header(dev, pc);
    dev->bus->devices[dev->devfn] = dev;
    if (pc->realize) {
        pc->realize(dev, &local_err);
        if (local_err) {
            dev->bus->devices[dev->devfn] = NULL;
            error_propagate(errp, local_err);
        }
    }
}

static void unmap_bars(PCIDevice *dev)
{
    memory_region_transaction_begin();
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];

        if (r->size && r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(r->type & PCI_BASE_ADDRESS_SPACE_IO
                                            ? dev->bus->address_space_io
                                            : dev->bus->address_space_mem,
                                        r->memory);
            r->addr = PCI_BAR_UNMAPPED;
        }
    }
    memory_region_transaction_commit();
}

static void pci_qdev_unrealize(DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);
    PCIDeviceClass *pc = PCI_DEVICE_GET_CLASS(dev);

    pci_set_irq(dev, 0);
    unmap_bars(dev);
    if (pc->exit) {
        pc->exit(dev);
    }
    msix_uninit(dev);
    dev->bus->devices[dev->devfn] = NULL;
}

/*
 * The bus's part of every reset of a function (BusClass.reset_child), after
 * the device's own DeviceClass.reset, as QEMU's PCI bus reset runs after
 * its devices': the generic header back to power-on state (decoding and bus
 * mastering off, BARs cleared and unmapped), INTx deasserted, MSI and MSI-X
 * off.  No device can overwrite or forget it.
 */
static void pci_bus_reset_child(BusState *qbus, DeviceState *qdev)
{
    PCIDevice *dev = PCI_DEVICE(qdev);

    pci_set_irq(dev, 0);
    pci_set_word(dev->config + PCI_COMMAND,
                 pci_get_word(dev->config + PCI_COMMAND) &
                     ~pci_get_word(dev->wmask + PCI_COMMAND));
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) &
                     ~pci_get_word(dev->w1cmask + PCI_STATUS));
    dev->config[PCI_CACHE_LINE_SIZE] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIIORegion *r = &dev->io_regions[i];
        int bar =
            i == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + i * 4;

        if (!r->size) {
            continue;
        }
        pci_set_long(dev->config + bar, i == PCI_ROM_SLOT ? 0 : r->type);
        if (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            pci_set_long(dev->config + bar + 4, 0);
        }
    }
    unmap_bars(dev);
    msi_reset(dev);
    msix_reset(dev);
}

static const Property pci_props[] = {
    DEFINE_PROP_PCI_DEVFN("addr", PCIDevice, devfn, -1),
    DEFINE_PROP_BOOL("multifunction", PCIDevice, multifunction, false),
    DEFINE_PROP_END_OF_LIST(),
};

static void pci_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pci_qdev_realize;
    dc->unrealize = pci_qdev_unrealize;
    /* dc->reset is the device's own; the PCI part is the bus's. */
    dc->bus_type = TYPE_PCI_BUS;
    /* As in QEMU: a PCI device may come and go; chipset parts opt out. */
    dc->hotpluggable = true;
    device_class_set_props(dc, pci_props);
}

static void pci_bus_class_init(ObjectClass *oc, void *data)
{
    BusClass *bc = BUS_CLASS(oc);

    bc->check_address = pci_bus_check_address;
    bc->get_dev_path = pci_bus_get_dev_path;
    bc->reset_child = pci_bus_reset_child;
}

static void pci_bus_finalize(Object *obj)
{
    g_free(PCI_BUS(obj)->irq_count);
}

static const TypeInfo pci_types[] = {
    {
        .name = TYPE_PCI_BUS,
        .parent = TYPE_BUS,
        .instance_size = sizeof(PCIBus),
        .instance_finalize = pci_bus_finalize,
        .class_init = pci_bus_class_init,
    },
    {
        .name = TYPE_PCI_DEVICE,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(PCIDevice),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = pci_device_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(pci_types)
