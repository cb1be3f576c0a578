/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos PCI (see pci.h): device discovery, BAR sizing and mapping, I/O
 * through BARs, capabilities and MSI-X, on top of a bus's config accessors.
 */
#include <inttypes.h>
#include <glib.h>
#include "tests/qtest/libqos/pci.h"

/* ---- Devices ---------------------------------------------------------------
 */

static QPCIDevice *device_new(QPCIBus *bus, int devfn)
{
    QPCIDevice *dev = g_new0(QPCIDevice, 1);

    dev->bus = bus;
    dev->devfn = devfn;
    return dev;
}

QPCIDevice *qpci_device_find(QPCIBus *bus, int devfn)
{
    if (bus->config_readw(bus, devfn, QPCI_VENDOR_ID) == 0xffff) {
        return NULL;
    }
    return device_new(bus, devfn);
}

void qpci_device_foreach(QPCIBus *bus, int vendor_id, int device_id,
                         void (*func)(QPCIDevice *dev, int devfn, void *data),
                         void *data)
{
    for (int slot = 0; slot < 32; slot++) {
        for (int fn = 0; fn < 8; fn++) {
            int devfn = QPCI_DEVFN(slot, fn);
            uint16_t vendor = bus->config_readw(bus, devfn, QPCI_VENDOR_ID);

            if (vendor == 0xffff) {
                if (fn == 0) {
                    break; /* no function 0: no device in this slot */
                }
                continue;
            }
            if ((vendor_id == -1 || vendor == vendor_id) &&
                (device_id == -1 ||
                 bus->config_readw(bus, devfn, QPCI_DEVICE_ID) == device_id)) {
                func(device_new(bus, devfn), devfn, data);
            }
            if (fn == 0 &&
                !(bus->config_readb(bus, devfn, QPCI_HEADER_TYPE) & 0x80)) {
                break; /* single-function device */
            }
        }
    }
}

typedef struct FindById {
    QPCIDevice *found;
} FindById;

static void keep_first(QPCIDevice *dev, int devfn, void *data)
{
    FindById *f = data;

    if (f->found) {
        g_free(dev);
    } else {
        f->found = dev;
    }
}

QPCIDevice *qpci_device_find_by_id(QPCIBus *bus, uint16_t vendor_id,
                                   uint16_t device_id)
{
    FindById f = {NULL};

    qpci_device_foreach(bus, vendor_id, device_id, keep_first, &f);
    return f.found;
}

void qpci_device_enable(QPCIDevice *dev)
{
    uint16_t cmd = qpci_config_readw(dev, QPCI_COMMAND);
    uint16_t want = QPCI_COMMAND_IO | QPCI_COMMAND_MEMORY | QPCI_COMMAND_MASTER;

    qpci_config_writew(dev, QPCI_COMMAND, cmd | want);
    cmd = qpci_config_readw(dev, QPCI_COMMAND);
    QTEST_ASSERT((cmd & want) == want);
}

uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start_addr)
{
    uint8_t addr;

    if (!start_addr) {
        if (!(qpci_config_readw(dev, QPCI_STATUS) & QPCI_STATUS_CAP_LIST)) {
            return 0;
        }
        addr = qpci_config_readb(dev, QPCI_CAPABILITY_LIST);
    } else {
        addr = qpci_config_readb(dev, start_addr + 1);
    }
    /* At most 48 capabilities fit: stop on a loop. */
    for (int i = 0; addr && i < 48; i++) {
        addr &= ~3;
        if (qpci_config_readb(dev, addr) == id) {
            return addr;
        }
        addr = qpci_config_readb(dev, addr + 1);
    }
    return 0;
}

/* ---- Config space
 * ------------------------------------------------------------- */

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readb(dev->bus, dev->devfn, offset);
}

uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readw(dev->bus, dev->devfn, offset);
}

uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset)
{
    return dev->bus->config_readl(dev->bus, dev->devfn, offset);
}

void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value)
{
    dev->bus->config_writeb(dev->bus, dev->devfn, offset, value);
}

void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value)
{
    dev->bus->config_writew(dev->bus, dev->devfn, offset, value);
}

void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value)
{
    dev->bus->config_writel(dev->bus, dev->devfn, offset, value);
}

/* ---- BARs
 * ----------------------------------------------------------------------- */

QPCIBar qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr)
{
    QPCIBus *bus = dev->bus;
    uint8_t reg = QPCI_BASE_ADDRESS_0 + barno * 4;
    QPCIBar bar = {0};
    uint32_t addr, mask;
    uint64_t size, loc;

    QTEST_ASSERT(barno >= 0 && barno < 6);
    qpci_config_writel(dev, reg, 0xffffffff);
    addr = qpci_config_readl(dev, reg);
    if (!addr) {
        qtest_fail("PCI %02x.%x: BAR %d is not implemented", dev->devfn >> 3,
                   dev->devfn & 7, barno);
    }
    if (addr & 1) {
        mask = addr & ~3u;
        size = (uint16_t)(~mask + 1);
        loc = (bus->pio_alloc_ptr + size - 1) & ~(size - 1);
        QTEST_ASSERT(loc + size <= bus->pio_limit);
        bus->pio_alloc_ptr = loc + size;
        qpci_config_writel(dev, reg, loc | 1);
        bar.is_io = true;
    } else {
        bool is64 = (addr & 6) == 4;

        mask = addr & ~0xfu;
        size = (uint32_t)(~mask + 1);
        if (is64) {
            uint32_t hi;

            qpci_config_writel(dev, reg + 4, 0xffffffff);
            hi = qpci_config_readl(dev, reg + 4);
            size = ~(((uint64_t)hi << 32) | mask) + 1;
        }
        loc = (bus->mmio_alloc_ptr + size - 1) & ~(size - 1);
        QTEST_ASSERT(loc >= bus->mmio_alloc_ptr);
        QTEST_ASSERT(loc + size <= bus->mmio_limit);
        bus->mmio_alloc_ptr = loc + size;
        qpci_config_writel(dev, reg, (uint32_t)loc);
        if (is64) {
            qpci_config_writel(dev, reg + 4, loc >> 32);
        }
    }
    bar.addr = loc;
    if (sizeptr) {
        *sizeptr = size;
    }
    return bar;
}

void qpci_iounmap(QPCIDevice *dev, QPCIBar bar)
{
}

QPCIBar qpci_legacy_iomap(QPCIDevice *dev, uint16_t addr)
{
    QPCIBar bar = {.addr = addr, .is_io = true};

    return bar;
}

uint8_t qpci_io_readb(QPCIDevice *dev, QPCIBar token, uint64_t off)
{
    QTestState *qts = dev->bus->qts;

    return token.is_io ? qtest_inb(qts, token.addr + off)
                       : qtest_readb(qts, token.addr + off);
}

uint16_t qpci_io_readw(QPCIDevice *dev, QPCIBar token, uint64_t off)
{
    QTestState *qts = dev->bus->qts;

    return token.is_io ? qtest_inw(qts, token.addr + off)
                       : qtest_readw(qts, token.addr + off);
}

uint32_t qpci_io_readl(QPCIDevice *dev, QPCIBar token, uint64_t off)
{
    QTestState *qts = dev->bus->qts;

    return token.is_io ? qtest_inl(qts, token.addr + off)
                       : qtest_readl(qts, token.addr + off);
}

uint64_t qpci_io_readq(QPCIDevice *dev, QPCIBar token, uint64_t off)
{
    QTestState *qts = dev->bus->qts;

    if (token.is_io) {
        uint64_t lo = qtest_inl(qts, token.addr + off);

        return lo | (uint64_t)qtest_inl(qts, token.addr + off + 4) << 32;
    }
    return qtest_readq(qts, token.addr + off);
}

void qpci_io_writeb(QPCIDevice *dev, QPCIBar token, uint64_t off, uint8_t value)
{
    QTestState *qts = dev->bus->qts;

    if (token.is_io) {
        qtest_outb(qts, token.addr + off, value);
    } else {
        qtest_writeb(qts, token.addr + off, value);
    }
}

void qpci_io_writew(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint16_t value)
{
    QTestState *qts = dev->bus->qts;

    if (token.is_io) {
        qtest_outw(qts, token.addr + off, value);
    } else {
        qtest_writew(qts, token.addr + off, value);
    }
}

void qpci_io_writel(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint32_t value)
{
    QTestState *qts = dev->bus->qts;

    if (token.is_io) {
        qtest_outl(qts, token.addr + off, value);
    } else {
        qtest_writel(qts, token.addr + off, value);
    }
}

void qpci_io_writeq(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint64_t value)
{
    QTestState *qts = dev->bus->qts;

    if (token.is_io) {
        qtest_outl(qts, token.addr + off, value);
        qtest_outl(qts, token.addr + off + 4, value >> 32);
    } else {
        qtest_writeq(qts, token.addr + off, value);
    }
}

void qpci_memread(QPCIDevice *dev, QPCIBar token, uint64_t off, void *buf,
                  size_t len)
{
    QTEST_ASSERT(!token.is_io);
    qtest_memread(dev->bus->qts, token.addr + off, buf, len);
}

void qpci_memwrite(QPCIDevice *dev, QPCIBar token, uint64_t off,
                   const void *buf, size_t len)
{
    QTEST_ASSERT(!token.is_io);
    qtest_memwrite(dev->bus->qts, token.addr + off, buf, len);
}

/* ---- MSI ---- */

static uint8_t msi_cap(QPCIDevice *dev)
{
    uint8_t addr = qpci_find_capability(dev, QPCI_CAP_ID_MSI, 0);

    if (!addr) {
        qtest_fail("PCI %02x.%x has no MSI capability", dev->devfn >> 3,
                   dev->devfn & 7);
    }
    return addr;
}

void qpci_msi_enable(QPCIDevice *dev, uint64_t addr, uint16_t data)
{
    uint8_t cap = msi_cap(dev);
    uint16_t flags = qpci_config_readw(dev, cap + QPCI_MSI_FLAGS);
    bool is64 = flags & QPCI_MSI_FLAGS_64BIT;

    QTEST_ASSERT(is64 || addr >> 32 == 0);
    qpci_config_writel(dev, cap + QPCI_MSI_ADDRESS_LO, (uint32_t)addr);
    if (is64) {
        qpci_config_writel(dev, cap + QPCI_MSI_ADDRESS_HI, addr >> 32);
    }
    qpci_config_writew(dev, cap + (is64 ? QPCI_MSI_DATA_64 : QPCI_MSI_DATA_32),
                       data);
    /* One vector: QSIZE 0. */
    flags &= ~QPCI_MSI_FLAGS_QSIZE;
    qpci_config_writew(dev, cap + QPCI_MSI_FLAGS,
                       flags | QPCI_MSI_FLAGS_ENABLE);
    QTEST_ASSERT(qpci_msi_enabled(dev));
}

void qpci_msi_disable(QPCIDevice *dev)
{
    uint8_t cap = msi_cap(dev);
    uint16_t flags = qpci_config_readw(dev, cap + QPCI_MSI_FLAGS);

    qpci_config_writew(dev, cap + QPCI_MSI_FLAGS,
                       flags & ~QPCI_MSI_FLAGS_ENABLE);
}

bool qpci_msi_enabled(QPCIDevice *dev)
{
    return qpci_config_readw(dev, msi_cap(dev) + QPCI_MSI_FLAGS) &
           QPCI_MSI_FLAGS_ENABLE;
}

/* ---- MSI-X
 * ------------------------------------------------------------------------ */

void qpci_msix_enable(QPCIDevice *dev)
{
    uint8_t addr = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);
    uint32_t table, pba;
    uint16_t flags;

    QTEST_ASSERT(addr != 0);
    flags = qpci_config_readw(dev, addr + QPCI_MSIX_FLAGS);
    qpci_config_writew(dev, addr + QPCI_MSIX_FLAGS,
                       flags | QPCI_MSIX_FLAGS_ENABLE);

    table = qpci_config_readl(dev, addr + QPCI_MSIX_TABLE);
    dev->msix_table_bar =
        qpci_iomap(dev, table & QPCI_MSIX_FLAGS_BIRMASK, NULL);
    dev->msix_table_off = table & ~QPCI_MSIX_FLAGS_BIRMASK;

    pba = qpci_config_readl(dev, addr + QPCI_MSIX_PBA);
    if ((pba & QPCI_MSIX_FLAGS_BIRMASK) != (table & QPCI_MSIX_FLAGS_BIRMASK)) {
        dev->msix_pba_bar =
            qpci_iomap(dev, pba & QPCI_MSIX_FLAGS_BIRMASK, NULL);
    } else {
        dev->msix_pba_bar = dev->msix_table_bar;
    }
    dev->msix_pba_off = pba & ~QPCI_MSIX_FLAGS_BIRMASK;
    dev->msix_enabled = true;
}

void qpci_msix_disable(QPCIDevice *dev)
{
    uint8_t addr = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);
    uint16_t flags;

    QTEST_ASSERT(addr != 0);
    flags = qpci_config_readw(dev, addr + QPCI_MSIX_FLAGS);
    qpci_config_writew(dev, addr + QPCI_MSIX_FLAGS,
                       flags & ~QPCI_MSIX_FLAGS_ENABLE);
    dev->msix_enabled = false;
    dev->msix_table_off = 0;
    dev->msix_pba_off = 0;
}

bool qpci_msix_pending(QPCIDevice *dev, uint16_t entry)
{
    uint64_t off = dev->msix_pba_off + (entry / 64) * 8;
    uint64_t pba;

    QTEST_ASSERT(dev->msix_enabled);
    pba = qpci_io_readq(dev, dev->msix_pba_bar, off);
    return pba & (1ULL << (entry % 64));
}

bool qpci_msix_masked(QPCIDevice *dev, uint16_t entry)
{
    uint8_t addr = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);
    uint64_t vector_off = dev->msix_table_off + entry * QPCI_MSIX_ENTRY_SIZE;

    QTEST_ASSERT(addr != 0 && dev->msix_enabled);
    if (qpci_config_readw(dev, addr + QPCI_MSIX_FLAGS) &
        QPCI_MSIX_FLAGS_MASKALL) {
        return true;
    }
    return qpci_io_readl(dev, dev->msix_table_bar,
                         vector_off + QPCI_MSIX_ENTRY_VECTOR_CTRL) &
           QPCI_MSIX_ENTRY_CTRL_MASKBIT;
}

uint16_t qpci_msix_table_size(QPCIDevice *dev)
{
    uint8_t addr = qpci_find_capability(dev, QPCI_CAP_ID_MSIX, 0);

    QTEST_ASSERT(addr != 0);
    return (qpci_config_readw(dev, addr + QPCI_MSIX_FLAGS) &
            QPCI_MSIX_FLAGS_QSIZE) +
           1;
}

void qpci_msix_set_entry(QPCIDevice *dev, uint16_t entry, uint64_t addr,
                         uint32_t data)
{
    uint64_t off = dev->msix_table_off + entry * QPCI_MSIX_ENTRY_SIZE;

    QTEST_ASSERT(dev->msix_enabled);
    qpci_io_writel(dev, dev->msix_table_bar, off + QPCI_MSIX_ENTRY_LOWER_ADDR,
                   (uint32_t)addr);
    qpci_io_writel(dev, dev->msix_table_bar, off + QPCI_MSIX_ENTRY_UPPER_ADDR,
                   addr >> 32);
    qpci_io_writel(dev, dev->msix_table_bar, off + QPCI_MSIX_ENTRY_DATA, data);
    qpci_io_writel(dev, dev->msix_table_bar, off + QPCI_MSIX_ENTRY_VECTOR_CTRL,
                   0);
}
