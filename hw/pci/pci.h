/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI devices and buses: configuration space with write masks, BARs that
 * map and unmap as the guest programs them, the capability list, INTx
 * through the bus's interrupt routing, MSI and MSI-X (msi.h, msix.h), and
 * bus-master DMA that refuses addresses outside RAM.
 *
 * Reset: the PCI bus resets what PCI owns of each function (command
 * register, BARs, INTx, MSI, MSI-X) after the device's own
 * DeviceClass.reset, as BusClass.reset_child (hw/core/qdev.h); a PCI device
 * sets dc->reset to its own reset and never chains to a PCI one.  How to
 * write a PCI device: docs/devel/pci-device.md.
 */
#ifndef KEMU_HW_PCI_H
#define KEMU_HW_PCI_H

#include "hw/core/qdev.h"
#include "hw/core/qdev-properties.h"
#include "hw/pci/pci-regs.h"
#include "exec/memory.h"

typedef struct MachineState MachineState;

#define TYPE_PCI_BUS    "PCI"
#define TYPE_PCI_DEVICE "pci-device"

typedef uint64_t pcibus_t;
#define PCI_BAR_UNMAPPED ((pcibus_t)-1)

OBJECT_DECLARE_SIMPLE_TYPE(PCIBus, PCI_BUS)
OBJECT_DECLARE_TYPE(PCIDevice, PCIDeviceClass, PCI_DEVICE)

#define PCI_DEVFN_MAX 256

/* Where a device's INTx pin (0 = INTA) lands among the bus's lines. */
typedef int (*pci_map_irq_fn)(PCIDevice *dev, int intx);
/* Drive the bus's interrupt line n (a PIRQ) to level. */
typedef void (*pci_set_irq_fn)(void *opaque, int n, int level);

struct PCIBus {
    BusState qbus;
    MachineState *machine;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *address_space_mem; /* where memory BARs map */
    MemoryRegion *address_space_io;  /* where I/O BARs map */
    AddressSpace *dma_as;            /* what bus masters reach */
    pci_map_irq_fn map_irq;
    pci_set_irq_fn set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count; /* asserting devices per line */
};

typedef struct PCIIORegion {
    pcibus_t addr; /* where it is mapped now, or PCI_BAR_UNMAPPED */
    pcibus_t size;
    uint8_t type; /* PCI_BASE_ADDRESS_* bits */
    MemoryRegion *memory;
} PCIIORegion;

typedef struct MSIXState MSIXState;

typedef uint32_t (*PCIConfigReadFunc)(PCIDevice *dev, uint32_t addr, int len);
typedef void (*PCIConfigWriteFunc)(PCIDevice *dev, uint32_t addr, uint32_t val,
                                   int len);

struct PCIDeviceClass {
    DeviceClass parent_class;
    void (*realize)(PCIDevice *dev, Error **errp);
    void (*exit)(PCIDevice *dev);
    PCIConfigReadFunc config_read;   /* NULL: pci_default_read_config */
    PCIConfigWriteFunc config_write; /* NULL: pci_default_write_config */
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint16_t class_id;
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    bool is_bridge;
};

struct PCIDevice {
    DeviceState qdev;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];   /* guest-writable bits */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE]; /* write-1-to-clear bits */
    uint8_t used[PCI_CONFIG_SPACE_SIZE];    /* bytes taken by capabilities */
    PCIBus *bus;
    int32_t devfn; /* the "addr" property; -1: first free slot */
    bool multifunction;
    PCIIORegion io_regions[PCI_NUM_REGIONS];
    int irq_state;  /* INTx level the device drives (0/1) */
    int irq_routed; /* what it contributes to the bus line now */
    /* MSI */
    uint8_t msi_cap; /* capability offset, 0 if none */
    /* MSI-X */
    uint8_t msix_cap;
    MSIXState *msix;
};

/**
 * DEFINE_PROP_PCI_DEVFN - the "addr" property: "SLOT[.FN]" in hex as QEMU
 * takes it ("03", "04.0", "1f.7"), or a devfn number.
 */
extern const PropertyInfo qdev_prop_pci_devfn;
#define DEFINE_PROP_PCI_DEVFN(_n, _s, _f, _d)                                  \
    DEFINE_PROP(_n, _s, _f, qdev_prop_pci_devfn, int32_t,                      \
                .defval = (uint64_t)(int64_t)(_d))

/* ---- Bus ---- */

/**
 * pci_root_bus_new - a root bus named name under parent (the host bridge),
 * whose memory BARs map into mem and I/O BARs into io, whose masters reach
 * dma_as.
 */
PCIBus *pci_root_bus_new(MachineState *ms, DeviceState *parent,
                         const char *name, MemoryRegion *mem, MemoryRegion *io,
                         AddressSpace *dma_as);
/** pci_bus_irqs - the bus's interrupt routing: nirq lines. */
void pci_bus_irqs(PCIBus *bus, pci_set_irq_fn set_irq, pci_map_irq_fn map_irq,
                  void *opaque, int nirq);
/** pci_find_device - the device at devfn on bus, or NULL. */
PCIDevice *pci_find_device(PCIBus *bus, int devfn);
/** pci_bus_foreach - fn for every device on bus in devfn order. */
void pci_bus_foreach(PCIBus *bus, void (*fn)(PCIDevice *dev, void *opaque),
                     void *opaque);

/** pci_bus_config_read - config read at devfn/addr; all-ones if absent. */
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, int len);
/** pci_bus_config_write - config write at devfn/addr; ignored if absent. */
void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val,
                          int len);

/* ---- Device ---- */

/**
 * pci_register_bar - declare BAR region_num of type (PCI_BASE_ADDRESS_*
 * bits) backed by mr, whose size must be a power of two.  It is mapped
 * when the guest programs an address and enables decoding.
 */
void pci_register_bar(PCIDevice *dev, int region_num, uint8_t type,
                      MemoryRegion *mr);
/** pci_get_bar_addr - where BAR region_num is mapped, or PCI_BAR_UNMAPPED. */
pcibus_t pci_get_bar_addr(PCIDevice *dev, int region_num);

/**
 * pci_add_capability - link a capability of size bytes at offset (0: the
 * first free place from 0x40).  Returns the offset (> 0), or -EINVAL with
 * errp set when it overlaps another or does not fit (QEMU's convention).
 */
int pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t offset,
                       uint8_t size, Error **errp);
/** pci_find_capability - the offset of capability cap_id, or 0. */
uint8_t pci_find_capability(PCIDevice *dev, uint8_t cap_id);

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, int len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val,
                              int len);

/** pci_set_irq - drive the device's INTx pin (config INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *dev, int level);

static inline void pci_irq_assert(PCIDevice *dev)
{
    pci_set_irq(dev, 1);
}

static inline void pci_irq_deassert(PCIDevice *dev)
{
    pci_set_irq(dev, 0);
}

/** pci_send_msi - deliver an MSI message through the machine. */
void pci_send_msi(PCIDevice *dev, uint64_t addr, uint32_t data);

/** pci_dma_as - what the device reaches as a bus master. */
AddressSpace *pci_dma_as(PCIDevice *dev);

/**
 * pci_dma_read - read guest memory as bus master.  Fails (MEMTX_ERROR, no
 * access made) when bus mastering is off, and with MEMTX_DECODE_ERROR when
 * any byte is outside RAM: such an address is the guest's error, never a
 * host access.
 */
MemTxResult pci_dma_read(PCIDevice *dev, hwaddr addr, void *buf, hwaddr len);
MemTxResult pci_dma_write(PCIDevice *dev, hwaddr addr, const void *buf,
                          hwaddr len);

/* Config space accessors (little-endian). */
static inline uint8_t pci_get_byte(const uint8_t *p)
{
    return p[0];
}

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static inline void pci_set_byte(uint8_t *p, uint8_t v)
{
    p[0] = v;
}

static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, v);
    pci_set_word(p + 2, v >> 16);
}

/** pci_device_name - "00:03.0 e1000" style, for info pci (g_free it). */
char *pci_device_name(PCIDevice *dev);

#endif
