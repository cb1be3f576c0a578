/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI from a test, as QEMU's libqos does it: config space through the
 * bus's accessors (0xCF8/0xCFC on pc), finding devices, sizing and mapping
 * BARs from a simple allocator, enabling decoding and bus mastering, MSI
 * and MSI-X.
 *
 * Where an interrupt lands under -accel qtest: INTx reaches an IOAPIC pin
 * (qpci_intx_gsi() in pci-pc.h; see it with qtest_irq_intercept_in(qts,
 * "ioapic") and qtest_get_irq()); an MSI or MSI-X message is a 32-bit
 * write of its data at its address in guest memory, so a test points the
 * address at RAM it allocated and reads the data back.
 */
#ifndef KEMU_LIBQOS_PCI_H
#define KEMU_LIBQOS_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tests/qtest/libqtest.h"

#define QPCI_PIO_LIMIT      0x10000
#define QPCI_DEVFN(dev, fn) (((dev) << 3) | (fn))

/* Config space offsets and bits the helpers use. */
#define QPCI_VENDOR_ID               0x00
#define QPCI_DEVICE_ID               0x02
#define QPCI_COMMAND                 0x04
#define QPCI_COMMAND_IO              0x1
#define QPCI_COMMAND_MEMORY          0x2
#define QPCI_COMMAND_MASTER          0x4
#define QPCI_COMMAND_INTX_DISABLE    0x400
#define QPCI_STATUS                  0x06
#define QPCI_STATUS_CAP_LIST         0x10
#define QPCI_STATUS_INTERRUPT        0x08
#define QPCI_CLASS_DEVICE            0x0a
#define QPCI_HEADER_TYPE             0x0e
#define QPCI_BASE_ADDRESS_0          0x10
#define QPCI_SUBSYSTEM_VENDOR_ID     0x2c
#define QPCI_SUBSYSTEM_ID            0x2e
#define QPCI_CAPABILITY_LIST         0x34
#define QPCI_INTERRUPT_LINE          0x3c
#define QPCI_INTERRUPT_PIN           0x3d
#define QPCI_CAP_ID_MSI              0x05
#define QPCI_CAP_ID_MSIX             0x11
#define QPCI_MSI_FLAGS               2
#define QPCI_MSI_FLAGS_ENABLE        0x0001
#define QPCI_MSI_FLAGS_QSIZE         0x0070
#define QPCI_MSI_FLAGS_64BIT         0x0080
#define QPCI_MSI_ADDRESS_LO          4
#define QPCI_MSI_ADDRESS_HI          8
#define QPCI_MSI_DATA_32             8
#define QPCI_MSI_DATA_64             12
#define QPCI_MSIX_FLAGS              2
#define QPCI_MSIX_FLAGS_QSIZE        0x07ff
#define QPCI_MSIX_FLAGS_MASKALL      0x4000
#define QPCI_MSIX_FLAGS_ENABLE       0x8000
#define QPCI_MSIX_TABLE              4
#define QPCI_MSIX_PBA                8
#define QPCI_MSIX_FLAGS_BIRMASK      0x7
#define QPCI_MSIX_ENTRY_SIZE         16
#define QPCI_MSIX_ENTRY_LOWER_ADDR   0
#define QPCI_MSIX_ENTRY_UPPER_ADDR   4
#define QPCI_MSIX_ENTRY_DATA         8
#define QPCI_MSIX_ENTRY_VECTOR_CTRL  12
#define QPCI_MSIX_ENTRY_CTRL_MASKBIT 1

typedef struct QPCIBus QPCIBus;
typedef struct QPCIDevice QPCIDevice;

/* A mapped BAR: an I/O port base or a memory address. */
typedef struct QPCIBar {
    uint64_t addr;
    bool is_io;
} QPCIBar;

struct QPCIBus {
    /* Config space of devfn (the bus's mechanism, 0xCF8/0xCFC on pc). */
    uint8_t (*config_readb)(QPCIBus *bus, int devfn, uint8_t offset);
    uint16_t (*config_readw)(QPCIBus *bus, int devfn, uint8_t offset);
    uint32_t (*config_readl)(QPCIBus *bus, int devfn, uint8_t offset);
    void (*config_writeb)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint8_t value);
    void (*config_writew)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint16_t value);
    void (*config_writel)(QPCIBus *bus, int devfn, uint8_t offset,
                          uint32_t value);
    QTestState *qts;
    /* Where qpci_iomap() puts BARs. */
    uint64_t pio_alloc_ptr, pio_limit;
    uint64_t mmio_alloc_ptr, mmio_limit;
};

struct QPCIDevice {
    QPCIBus *bus;
    int devfn;
    bool msix_enabled;
    QPCIBar msix_table_bar, msix_pba_bar;
    uint64_t msix_table_off, msix_pba_off;
};

/**
 * qpci_device_foreach - @func(dev, devfn, data) for every present device
 * matching @vendor_id and @device_id (-1: any).  @dev belongs to @func
 * (g_free it, or keep it).
 */
void qpci_device_foreach(QPCIBus *bus, int vendor_id, int device_id,
                         void (*func)(QPCIDevice *dev, int devfn, void *data),
                         void *data);

/** qpci_device_find - the device at @devfn (g_free it), or NULL. */
QPCIDevice *qpci_device_find(QPCIBus *bus, int devfn);

/**
 * qpci_device_find_by_id - kemu extension: the first device with
 * @vendor_id:@device_id (g_free it), or NULL.
 */
QPCIDevice *qpci_device_find_by_id(QPCIBus *bus, uint16_t vendor_id,
                                   uint16_t device_id);

/** qpci_device_enable - turn on I/O and memory decoding and bus mastering. */
void qpci_device_enable(QPCIDevice *dev);

/**
 * qpci_find_capability - the config offset of the first capability @id
 * after the one at @start_addr (0: from the start), or 0.
 */
uint8_t qpci_find_capability(QPCIDevice *dev, uint8_t id, uint8_t start_addr);

uint8_t qpci_config_readb(QPCIDevice *dev, uint8_t offset);
uint16_t qpci_config_readw(QPCIDevice *dev, uint8_t offset);
uint32_t qpci_config_readl(QPCIDevice *dev, uint8_t offset);
void qpci_config_writeb(QPCIDevice *dev, uint8_t offset, uint8_t value);
void qpci_config_writew(QPCIDevice *dev, uint8_t offset, uint16_t value);
void qpci_config_writel(QPCIDevice *dev, uint8_t offset, uint32_t value);

/**
 * qpci_iomap - size BAR @barno (writing all-ones and reading back), give
 * it an address from the bus's allocator (aligned to its size), program
 * it and return it.  *@sizeptr gets the size (may be NULL).  Fails the
 * test for an unimplemented BAR.
 */
QPCIBar qpci_iomap(QPCIDevice *dev, int barno, uint64_t *sizeptr);
/** qpci_iounmap - nothing to undo (the allocator does not reuse space). */
void qpci_iounmap(QPCIDevice *dev, QPCIBar addr);
/** qpci_legacy_iomap - a fixed I/O port range (VGA, IDE). */
QPCIBar qpci_legacy_iomap(QPCIDevice *dev, uint16_t addr);

/* Accesses at offset @off of a mapped BAR (I/O ports or memory). */
uint8_t qpci_io_readb(QPCIDevice *dev, QPCIBar token, uint64_t off);
uint16_t qpci_io_readw(QPCIDevice *dev, QPCIBar token, uint64_t off);
uint32_t qpci_io_readl(QPCIDevice *dev, QPCIBar token, uint64_t off);
uint64_t qpci_io_readq(QPCIDevice *dev, QPCIBar token, uint64_t off);
void qpci_io_writeb(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint8_t value);
void qpci_io_writew(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint16_t value);
void qpci_io_writel(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint32_t value);
void qpci_io_writeq(QPCIDevice *dev, QPCIBar token, uint64_t off,
                    uint64_t value);
/* Bulk copies from/to a memory BAR. */
void qpci_memread(QPCIDevice *dev, QPCIBar token, uint64_t off, void *buf,
                  size_t len);
void qpci_memwrite(QPCIDevice *dev, QPCIBar token, uint64_t off,
                   const void *buf, size_t len);

/**
 * qpci_msi_enable - kemu extension: program the device's MSI capability
 * with @addr and @data, one vector, and enable it (the guest driver's
 * pci_enable_msi()).  Fails the test when the device has no MSI capability,
 * or @addr needs 64 bits and the capability has 32.
 */
void qpci_msi_enable(QPCIDevice *dev, uint64_t addr, uint16_t data);
/** qpci_msi_disable - kemu extension: turn MSI off (back to INTx). */
void qpci_msi_disable(QPCIDevice *dev);
/** qpci_msi_enabled - kemu extension: whether MSI's enable bit is set. */
bool qpci_msi_enabled(QPCIDevice *dev);

/* MSI-X: enable (maps the table and PBA BARs), disable, inspect. */
void qpci_msix_enable(QPCIDevice *dev);
void qpci_msix_disable(QPCIDevice *dev);
bool qpci_msix_pending(QPCIDevice *dev, uint16_t entry);
bool qpci_msix_masked(QPCIDevice *dev, uint16_t entry);
uint16_t qpci_msix_table_size(QPCIDevice *dev);
/**
 * qpci_msix_set_entry - kemu extension: program table entry @entry with
 * @addr/@data and unmask it (tests point @addr at guest RAM and see the
 * MSI land there under -accel qtest).
 */
void qpci_msix_set_entry(QPCIDevice *dev, uint16_t entry, uint64_t addr,
                         uint32_t data);

#endif
