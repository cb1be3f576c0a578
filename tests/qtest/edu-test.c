/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edu over qtest, driven as its guest driver would (docs/devel/pci-device.md
 * holds this file verbatim): identity and registers, the INTx interrupt at
 * its IOAPIC pin, the same event as an MSI written into guest RAM, a DMA
 * round trip through the device's buffer finished by the virtual clock, a
 * DMA refused with bus mastering off, a reset, and hotplug.
 */
#include <glib.h>
#include <string.h>
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define EDU_VENDOR_ID      0x1234
#define EDU_DEVICE_ID      0x11e8
#define EDU_ID             0x010000edu
#define EDU_REG_ID         0x00
#define EDU_REG_LIVENESS   0x04
#define EDU_REG_FACTORIAL  0x08
#define EDU_REG_STATUS     0x20
#define EDU_STATUS_IRQFACT 0x80
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE  0x60
#define EDU_REG_IRQ_ACK    0x64
#define EDU_REG_DMA_SRC    0x80
#define EDU_REG_DMA_DST    0x88
#define EDU_REG_DMA_COUNT  0x90
#define EDU_REG_DMA_CMD    0x98
#define EDU_DMA_RUN        0x1
#define EDU_DMA_TO_RAM     0x2
#define EDU_DMA_IRQ_EN     0x4
#define EDU_DMA_BUF        0x40000
#define EDU_DMA_IRQ        0x100
#define EDU_DMA_TIME       (100 * 1000) /* ns: a transfer's virtual time */

typedef struct Edu {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar;
    QGuestAllocator alloc;
} Edu;

static Edu *edu_start(void)
{
    Edu *e = g_new0(Edu, 1);

    e->qts = qtest_init("-device edu");
    pc_alloc_init(&e->alloc, e->qts, ALLOC_NO_FLAGS);
    e->bus = qpci_new_pc(e->qts, &e->alloc);
    e->dev = qpci_device_find_by_id(e->bus, EDU_VENDOR_ID, EDU_DEVICE_ID);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e->dev);
    qpci_device_enable(e->dev); /* memory decoding and bus mastering */
    e->bar = qpci_iomap(e->dev, 0, NULL);
    return e;
}

static void edu_stop(Edu *e)
{
    g_free(e->dev);
    qpci_free_pc(e->bus);
    alloc_destroy(&e->alloc);
    qtest_quit(e->qts);
    g_free(e);
}

static uint32_t edu_read(Edu *e, uint64_t reg)
{
    return qpci_io_readl(e->dev, e->bar, reg);
}

static void edu_write(Edu *e, uint64_t reg, uint32_t val)
{
    qpci_io_writel(e->dev, e->bar, reg, val);
}

/* Start a transfer and let the virtual clock run until it is done. */
static void edu_dma(Edu *e, uint64_t src, uint64_t dst, uint32_t len,
                    uint32_t cmd)
{
    qpci_io_writeq(e->dev, e->bar, EDU_REG_DMA_SRC, src);
    qpci_io_writeq(e->dev, e->bar, EDU_REG_DMA_DST, dst);
    qpci_io_writeq(e->dev, e->bar, EDU_REG_DMA_COUNT, len);
    qpci_io_writeq(e->dev, e->bar, EDU_REG_DMA_CMD, cmd | EDU_DMA_RUN);
    CU_ASSERT_TRUE(edu_read(e, EDU_REG_DMA_CMD) & EDU_DMA_RUN);
    qtest_clock_step(e->qts, EDU_DMA_TIME);
    CU_ASSERT_FALSE(edu_read(e, EDU_REG_DMA_CMD) & EDU_DMA_RUN);
}

static void test_registers(void)
{
    Edu *e = edu_start();

    CU_ASSERT_EQUAL(qpci_config_readb(e->dev, QPCI_INTERRUPT_PIN), 1);
    CU_ASSERT_NOT_EQUAL(qpci_find_capability(e->dev, QPCI_CAP_ID_MSI, 0), 0);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_ID), EDU_ID);
    edu_write(e, EDU_REG_LIVENESS, 0x12345678);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_LIVENESS), ~0x12345678u);
    edu_write(e, EDU_REG_FACTORIAL, 10);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_FACTORIAL), 3628800);
    edu_stop(e);
}

static void test_intx(void)
{
    Edu *e = edu_start();
    int gsi = qpci_intx_gsi(e->dev);

    CU_ASSERT_TRUE_FATAL(gsi > 0);
    qtest_irq_intercept_in(e->qts, "ioapic");
    edu_write(e, EDU_REG_IRQ_RAISE, 0x10);
    CU_ASSERT_TRUE(qtest_get_irq(e->qts, gsi));
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_IRQ_STATUS), 0x10);
    CU_ASSERT_TRUE(qpci_config_readw(e->dev, QPCI_STATUS) &
                   QPCI_STATUS_INTERRUPT);
    edu_write(e, EDU_REG_IRQ_ACK, 0x10);
    CU_ASSERT_FALSE(qtest_get_irq(e->qts, gsi));
    /* A finished factorial interrupts when asked to. */
    edu_write(e, EDU_REG_STATUS, EDU_STATUS_IRQFACT);
    edu_write(e, EDU_REG_FACTORIAL, 4);
    CU_ASSERT_TRUE(qtest_get_irq(e->qts, gsi));
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_IRQ_STATUS), 0x1);
    edu_write(e, EDU_REG_IRQ_ACK, 0x1);
    CU_ASSERT_FALSE(qtest_get_irq(e->qts, gsi));
    edu_stop(e);
}

static void test_msi(void)
{
    Edu *e = edu_start();
    uint64_t msi_addr = guest_alloc(&e->alloc, 4);
    int gsi = qpci_intx_gsi(e->dev);

    qtest_irq_intercept_in(e->qts, "ioapic");
    qtest_writel(e->qts, msi_addr, 0);
    qpci_msi_enable(e->dev, msi_addr, 0x4321);
    edu_write(e, EDU_REG_IRQ_RAISE, 0x20);
    /* The message landed in RAM; the INTx line stayed low. */
    CU_ASSERT_EQUAL(qtest_readl(e->qts, msi_addr), 0x4321);
    CU_ASSERT_FALSE(qtest_get_irq(e->qts, gsi));
    edu_write(e, EDU_REG_IRQ_ACK, 0x20);
    qpci_msi_disable(e->dev);
    CU_ASSERT_FALSE(qpci_msi_enabled(e->dev));
    edu_stop(e);
}

static void test_dma(void)
{
    Edu *e = edu_start();
    uint64_t src = guest_alloc(&e->alloc, 256);
    uint64_t dst = guest_alloc(&e->alloc, 256);
    int gsi = qpci_intx_gsi(e->dev);
    uint8_t in[256], out[256];

    for (int i = 0; i < 256; i++) {
        in[i] = i ^ 0x5a;
    }
    qtest_memwrite(e->qts, src, in, sizeof(in));
    qtest_irq_intercept_in(e->qts, "ioapic");
    edu_dma(e, src, EDU_DMA_BUF + 16, sizeof(in), 0);
    CU_ASSERT_FALSE(qtest_get_irq(e->qts, gsi));
    edu_dma(e, EDU_DMA_BUF + 16, dst, sizeof(out),
            EDU_DMA_TO_RAM | EDU_DMA_IRQ_EN);
    qtest_memread(e->qts, dst, out, sizeof(out));
    CU_ASSERT_EQUAL(memcmp(in, out, sizeof(in)), 0);
    CU_ASSERT_TRUE(qtest_get_irq(e->qts, gsi));
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_IRQ_STATUS), EDU_DMA_IRQ);
    edu_stop(e);
}

/* Bus mastering off: the device cannot reach RAM, and says nothing. */
static void test_dma_needs_bus_master(void)
{
    Edu *e = edu_start();
    uint64_t dst = guest_alloc(&e->alloc, 16);
    uint16_t cmd = qpci_config_readw(e->dev, QPCI_COMMAND);

    qtest_memset(e->qts, dst, 0xaa, 16);
    qpci_config_writew(e->dev, QPCI_COMMAND, cmd & ~QPCI_COMMAND_MASTER);
    edu_dma(e, EDU_DMA_BUF, dst, 16, EDU_DMA_TO_RAM | EDU_DMA_IRQ_EN);
    CU_ASSERT_EQUAL(qtest_readl(e->qts, dst), 0xaaaaaaaa);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_IRQ_STATUS), 0);
    edu_stop(e);
}

static void test_reset(void)
{
    Edu *e = edu_start();

    edu_write(e, EDU_REG_LIVENESS, 0);
    edu_write(e, EDU_REG_IRQ_RAISE, 0x1);
    qtest_qmp_assert_success(e->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(e->qts, "RESET");
    /* The PCI part: decoding off, the BAR unmapped. */
    CU_ASSERT_EQUAL(qpci_config_readw(e->dev, QPCI_COMMAND), 0);
    CU_ASSERT_EQUAL(qtest_readl(e->qts, e->bar.addr + EDU_REG_ID), 0xffffffff);
    /* The device's part: its registers back to power-on values. */
    qpci_device_enable(e->dev);
    e->bar = qpci_iomap(e->dev, 0, NULL);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_LIVENESS), 0);
    CU_ASSERT_EQUAL(edu_read(e, EDU_REG_IRQ_STATUS), 0);
    edu_stop(e);
}

/* Hotplugged and unplugged with a transfer in flight: its timer goes too. */
static void test_hotplug(void)
{
    QTestState *qts = qtest_init("");
    QPCIBus *bus = qpci_new_pc(qts, NULL);
    QPCIDevice *dev;
    QPCIBar bar;

    qtest_qmp_device_add(qts, "edu", "edu0", "{'addr': '05'}");
    dev = qpci_device_find(bus, QPCI_DEVFN(5, 0));
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    qpci_device_enable(dev);
    bar = qpci_iomap(dev, 0, NULL);
    CU_ASSERT_EQUAL(qpci_io_readl(dev, bar, EDU_REG_ID), EDU_ID);
    qpci_io_writeq(dev, bar, EDU_REG_DMA_CMD, EDU_DMA_RUN);
    qpci_unplug_acpi_device_test(qts, "edu0", 5);
    qtest_clock_step(qts, EDU_DMA_TIME);
    CU_ASSERT_EQUAL(qpci_config_readw(dev, QPCI_VENDOR_ID), 0xffff);
    g_free(dev);
    qpci_free_pc(bus);
    qtest_quit(qts);
}

QTEST_SUITE(edu, QTEST_CASE(test_registers), QTEST_CASE(test_intx),
            QTEST_CASE(test_msi), QTEST_CASE(test_dma),
            QTEST_CASE(test_dma_needs_bus_master), QTEST_CASE(test_reset),
            QTEST_CASE(test_hotplug))
