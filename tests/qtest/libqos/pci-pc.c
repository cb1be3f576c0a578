/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration mechanism #1 on the pc: write the enable bit, bus,
 * devfn and register to 0xCF8, then access 0xCFC + (offset & 3).
 */
#include <glib.h>
#include "tests/qtest/libqos/pci-pc.h"

#define PC_CONFIG_ADDR 0xcf8
#define PC_CONFIG_DATA 0xcfc

static void pc_select(QPCIBus *bus, int devfn, uint8_t offset)
{
    qtest_outl(bus->qts, PC_CONFIG_ADDR,
               0x80000000u | (devfn & 0xff) << 8 | (offset & 0xfc));
}

static uint8_t pc_config_readb(QPCIBus *bus, int devfn, uint8_t offset)
{
    pc_select(bus, devfn, offset);
    return qtest_inb(bus->qts, PC_CONFIG_DATA + (offset & 3));
}

static uint16_t pc_config_readw(QPCIBus *bus, int devfn, uint8_t offset)
{
    pc_select(bus, devfn, offset);
    return qtest_inw(bus->qts, PC_CONFIG_DATA + (offset & 2));
}

static uint32_t pc_config_readl(QPCIBus *bus, int devfn, uint8_t offset)
{
    pc_select(bus, devfn, offset);
    return qtest_inl(bus->qts, PC_CONFIG_DATA);
}

static void pc_config_writeb(QPCIBus *bus, int devfn, uint8_t offset,
                             uint8_t value)
{
    pc_select(bus, devfn, offset);
    qtest_outb(bus->qts, PC_CONFIG_DATA + (offset & 3), value);
}

static void pc_config_writew(QPCIBus *bus, int devfn, uint8_t offset,
                             uint16_t value)
{
    pc_select(bus, devfn, offset);
    qtest_outw(bus->qts, PC_CONFIG_DATA + (offset & 2), value);
}

static void pc_config_writel(QPCIBus *bus, int devfn, uint8_t offset,
                             uint32_t value)
{
    pc_select(bus, devfn, offset);
    qtest_outl(bus->qts, PC_CONFIG_DATA, value);
}

QPCIBus *qpci_new_pc(QTestState *qts, QGuestAllocator *alloc)
{
    QPCIBus *bus = g_new0(QPCIBus, 1);

    bus->qts = qts;
    bus->config_readb = pc_config_readb;
    bus->config_readw = pc_config_readw;
    bus->config_readl = pc_config_readl;
    bus->config_writeb = pc_config_writeb;
    bus->config_writew = pc_config_writew;
    bus->config_writel = pc_config_writel;
    bus->pio_alloc_ptr = 0xc000;
    bus->pio_limit = 0x10000;
    bus->mmio_alloc_ptr = 0xe0000000;
    bus->mmio_limit = 0x100000000ULL;
    return bus;
}

int qpci_intx_gsi(QPCIDevice *dev)
{
    uint8_t pin = qpci_config_readb(dev, QPCI_INTERRUPT_PIN);
    int pirq;
    uint8_t route;

    if (pin < 1 || pin > 4) {
        return -1;
    }
    pirq = (pin - 1 + (dev->devfn >> 3) - 1) & 3;
    route = dev->bus->config_readb(dev->bus, PC_PIIX3_DEVFN,
                                   PC_PIIX3_PIRQRC + pirq);
    if (route & PC_PIIX3_PIRQ_DISABLE) {
        return -1;
    }
    return route & PC_PIIX3_PIRQ_IRQ;
}

void qpci_free_pc(QPCIBus *bus)
{
    g_free(bus);
}

void qpci_unplug_acpi_device_test(QTestState *qts, const char *id, uint8_t slot)
{
    qtest_qmp_device_del_send(qts, id);
    qtest_outl(qts, ACPI_PCIHP_ADDR + PCI_EJ_BASE, 1u << slot);
    qtest_qmp_eventwait(qts, "DEVICE_DELETED");
}
