/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI part of a reset survives a device's own reset (hw/core/qdev.h:
 * the bus resets what PCI owns after dc->reset): a device that has a BAR
 * mapped, bus mastering and MSI on, and an interrupt pending comes out of
 * system_reset with its command register and BARs cleared, the BAR's old
 * address unmapped, MSI off, INTx low -- and its INTx then reaches the
 * IOAPIC again.  Checked on edu (MSI) and e1000 (INTx through ICS).
 */
#include <glib.h>
#include "tests/qtest/libqos/e1000.h"
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define EDU_VENDOR_ID     0x1234
#define EDU_DEVICE_ID     0x11e8
#define EDU_REG_ID        0x00
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK   0x64
#define E1000_SLOT        4

static void system_reset(QTestState *qts)
{
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(qts, "RESET");
}

/* What every function looks like after a reset, whatever its own reset. */
static void check_pci_power_on(QTestState *qts, QPCIDevice *dev, QPCIBar bar)
{
    CU_ASSERT_EQUAL(qpci_config_readw(dev, QPCI_COMMAND), 0);
    CU_ASSERT_EQUAL(qpci_config_readl(dev, QPCI_BASE_ADDRESS_0) & ~0xfu, 0);
    CU_ASSERT_FALSE(qpci_config_readw(dev, QPCI_STATUS) &
                    QPCI_STATUS_INTERRUPT);
    /* Nothing answers at the BAR's old address. */
    CU_ASSERT_EQUAL(qtest_readl(qts, bar.addr), 0xffffffff);
}

static void test_edu_msi_and_intx(void)
{
    QTestState *qts = qtest_init("-device edu");
    QGuestAllocator alloc;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;
    uint64_t msi_addr;
    int gsi;

    pc_alloc_init(&alloc, qts, ALLOC_NO_FLAGS);
    bus = qpci_new_pc(qts, &alloc);
    dev = qpci_device_find_by_id(bus, EDU_VENDOR_ID, EDU_DEVICE_ID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    gsi = qpci_intx_gsi(dev);
    CU_ASSERT_TRUE_FATAL(gsi > 0);
    qtest_irq_intercept_in(qts, "ioapic");
    msi_addr = guest_alloc(&alloc, 4);

    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    qpci_msi_enable(dev, msi_addr, 0x0051);
    qpci_io_writel(dev, bar, EDU_REG_IRQ_RAISE, 1);
    CU_ASSERT_EQUAL(qtest_readl(qts, msi_addr), 0x0051);

    system_reset(qts);
    check_pci_power_on(qts, dev, bar);
    CU_ASSERT_FALSE(qpci_msi_enabled(dev));
    CU_ASSERT_FALSE(qtest_get_irq(qts, gsi));

    /* Mapped again, without MSI: the interrupt is INTx and it arrives. */
    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    CU_ASSERT_EQUAL(qpci_io_readl(dev, bar, EDU_REG_ID), 0x010000ed);
    qtest_writel(qts, msi_addr, 0);
    qpci_io_writel(dev, bar, EDU_REG_IRQ_RAISE, 1);
    CU_ASSERT_TRUE(qtest_get_irq(qts, gsi));
    CU_ASSERT_EQUAL(qtest_readl(qts, msi_addr), 0);
    qpci_io_writel(dev, bar, EDU_REG_IRQ_ACK, 1);
    CU_ASSERT_FALSE(qtest_get_irq(qts, gsi));

    g_free(dev);
    qpci_free_pc(bus);
    alloc_destroy(&alloc);
    qtest_quit(qts);
}

/* e1000's own reset is a large one; the PCI part still follows it. */
static void test_e1000_intx(void)
{
    QTestState *qts = qtest_initf("-device e1000,addr=%02x.0", E1000_SLOT);
    QE1000 d;
    QPCIBar bar;

    qe1000_init(&d, qts, E1000_SLOT);
    CU_ASSERT_TRUE_FATAL(d.irq > 0);
    qpci_device_enable(d.dev);
    d.bar0 = bar = qpci_iomap(d.dev, 0, NULL);
    qe1000_wr(&d, E1000_IMS, E1000_ICR_TXDW);
    qe1000_wr(&d, E1000_ICS, E1000_ICR_TXDW);
    CU_ASSERT_TRUE(qtest_get_irq(qts, d.irq));

    system_reset(qts);
    check_pci_power_on(qts, d.dev, bar);
    CU_ASSERT_FALSE(qtest_get_irq(qts, d.irq));

    qpci_device_enable(d.dev);
    d.bar0 = qpci_iomap(d.dev, 0, NULL);
    qe1000_wr(&d, E1000_IMS, E1000_ICR_TXDW);
    qe1000_wr(&d, E1000_ICS, E1000_ICR_TXDW);
    CU_ASSERT_TRUE(qtest_get_irq(qts, d.irq));
    qe1000_rd(&d, E1000_ICR); /* read to clear */
    CU_ASSERT_FALSE(qtest_get_irq(qts, d.irq));

    qe1000_destroy(&d);
    qtest_quit(qts);
}

QTEST_SUITE(pci_reset, QTEST_CASE(test_edu_msi_and_intx),
            QTEST_CASE(test_e1000_intx))
