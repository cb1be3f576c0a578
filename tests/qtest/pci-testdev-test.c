/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pci-testdev over qtest, driven the way kvm-unit-tests' pci test drives it:
 * found by 1b36:0005 through libqos, its BARs sized and mapped, each of the
 * six tests selected and its header read (number, width, doorbell offset
 * and data, count, name), then the doorbell written: under qtest (no
 * ioeventfd path) every matching write counts, a datamatch test ignores
 * other values, and the tests follow BAR0 when it moves.  A reset drops
 * the selected test; membar= adds a 64-bit prefetchable BAR2.
 */
#include <glib.h>
#include <string.h>
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define TESTDEV_VENDOR 0x1b36
#define TESTDEV_DEVICE 0x0005
#define MMIO_SIZE      4096
#define PIO_SIZE       256
#define HDR_TEST       0
#define HDR_WIDTH      1
#define HDR_OFFSET     4
#define HDR_DATA       8
#define HDR_COUNT      12
#define HDR_NAME       16
#define NAME_MAX_LEN   32
#define NR_WRITES      16
#define DATAMATCH      0xfa
#define NOMATCH        0xce
#define BAR0_NEW_ADDR  0xe0100000u

typedef struct TestDev {
    QTestState *qts;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar[2]; /* [0] memory, [1] I/O */
} TestDev;

static const char *const names[2][3] = {
    {"mmio-no-eventfd", "mmio-wildcard-eventfd", "mmio-datamatch-eventfd"},
    {"portio-no-eventfd", "portio-wildcard-eventfd",
     "portio-datamatch-eventfd"},
};

static void testdev_map(TestDev *t)
{
    qpci_device_enable(t->dev);
    t->bar[0] = qpci_iomap(t->dev, 0, NULL);
    t->bar[1] = qpci_iomap(t->dev, 1, NULL);
}

static TestDev *testdev_start(const char *extra)
{
    TestDev *t = g_new0(TestDev, 1);

    t->qts = qtest_initf("-device pci-testdev%s", extra ? extra : "");
    t->bus = qpci_new_pc(t->qts, NULL);
    t->dev = qpci_device_find_by_id(t->bus, TESTDEV_VENDOR, TESTDEV_DEVICE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->dev);
    return t;
}

static void testdev_stop(TestDev *t)
{
    g_free(t->dev);
    qpci_free_pc(t->bus);
    qtest_quit(t->qts);
    g_free(t);
}

static char *read_name(TestDev *t, QPCIBar bar)
{
    char name[NAME_MAX_LEN + 1] = "";

    for (int i = 0; i < NAME_MAX_LEN; i++) {
        name[i] = qpci_io_readb(t->dev, bar, HDR_NAME + i);
        if (!name[i]) {
            break;
        }
    }
    return g_strdup(name);
}

static void test_identity(void)
{
    TestDev *t = testdev_start(NULL);
    uint64_t size;
    QPCIBar bar;

    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_CLASS_DEVICE), 0xff00);
    CU_ASSERT_EQUAL(qpci_config_readb(t->dev, 0x08), 0); /* revision */
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_SUBSYSTEM_VENDOR_ID),
                    0x1af4);
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_SUBSYSTEM_ID), 0x1100);
    CU_ASSERT_EQUAL(qpci_config_readb(t->dev, QPCI_INTERRUPT_PIN), 0);
    qpci_device_enable(t->dev);
    bar = qpci_iomap(t->dev, 0, &size);
    CU_ASSERT_FALSE(bar.is_io);
    CU_ASSERT_EQUAL(size, MMIO_SIZE);
    bar = qpci_iomap(t->dev, 1, &size);
    CU_ASSERT_TRUE(bar.is_io);
    CU_ASSERT_EQUAL(size, PIO_SIZE);
    /* No BAR2 without membar=. */
    qpci_config_writel(t->dev, QPCI_BASE_ADDRESS_0 + 8, 0xffffffff);
    CU_ASSERT_EQUAL(qpci_config_readl(t->dev, QPCI_BASE_ADDRESS_0 + 8), 0);
    testdev_stop(t);
}

/* Select test @n of BAR @b and check its header; returns its doorbell. */
static uint32_t check_header(TestDev *t, int b, int n)
{
    QPCIBar bar = t->bar[b];
    g_autofree char *name = NULL;
    uint32_t offset;

    qpci_io_writeb(t->dev, bar, HDR_TEST, n);
    CU_ASSERT_EQUAL(qpci_io_readb(t->dev, bar, HDR_TEST), b * 3 + n);
    CU_ASSERT_EQUAL(qpci_io_readb(t->dev, bar, HDR_WIDTH), 1);
    offset = qpci_io_readl(t->dev, bar, HDR_OFFSET);
    CU_ASSERT_EQUAL(offset, (b ? PIO_SIZE : MMIO_SIZE) / 2 + b * 3 + n);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, bar, HDR_DATA),
                    n == 1 ? NOMATCH : DATAMATCH);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, bar, HDR_COUNT), 0);
    name = read_name(t, bar);
    CU_ASSERT_STRING_EQUAL(name, names[b][n]);
    return offset;
}

static void test_table(void)
{
    TestDev *t = testdev_start(NULL);

    testdev_map(t);
    /* Nothing selected: the BARs read 0. */
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[0], HDR_OFFSET), 0);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[1], HDR_OFFSET), 0);
    for (int b = 0; b < 2; b++) {
        for (int n = 0; n < 3; n++) {
            check_header(t, b, n);
        }
    }
    /* A number past the three tests selects none. */
    qpci_io_writeb(t->dev, t->bar[0], HDR_TEST, 3);
    CU_ASSERT_EQUAL(qpci_io_readb(t->dev, t->bar[0], HDR_NAME), 0);
    testdev_stop(t);
}

/* kvm-unit-tests' pci_testdev_one(): 16 writes of the header's data. */
static void test_doorbells(void)
{
    TestDev *t = testdev_start(NULL);

    testdev_map(t);
    for (int b = 0; b < 2; b++) {
        for (int n = 0; n < 3; n++) {
            uint32_t off = check_header(t, b, n);
            uint8_t sig = qpci_io_readl(t->dev, t->bar[b], HDR_DATA);

            for (int i = 0; i < NR_WRITES; i++) {
                qpci_io_writeb(t->dev, t->bar[b], off, sig);
            }
            CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[b], HDR_COUNT),
                            NR_WRITES);
            /* Another value counts only where no data is matched. */
            qpci_io_writeb(t->dev, t->bar[b], off, sig ^ 0x11);
            CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[b], HDR_COUNT),
                            n == 1 ? NR_WRITES + 1 : NR_WRITES);
            /* Next to the doorbell: not counted. */
            qpci_io_writeb(t->dev, t->bar[b], off + 1, sig);
            CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[b], HDR_COUNT),
                            n == 1 ? NR_WRITES + 1 : NR_WRITES);
        }
    }
    /* Selecting a test again starts its count from 0. */
    check_header(t, 0, 2);
    testdev_stop(t);
}

static void test_bar_moves(void)
{
    TestDev *t = testdev_start(NULL);
    uint32_t off;
    QPCIBar moved = {.addr = BAR0_NEW_ADDR, .is_io = false};

    testdev_map(t);
    off = check_header(t, 0, 2);
    qpci_io_writeb(t->dev, t->bar[0], off, DATAMATCH);
    qpci_config_writel(t->dev, QPCI_BASE_ADDRESS_0, BAR0_NEW_ADDR);
    qpci_io_writeb(t->dev, moved, off, DATAMATCH);
    qpci_io_writeb(t->dev, moved, off, DATAMATCH);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, moved, HDR_COUNT), 3);
    /* The old place is empty now. */
    CU_ASSERT_EQUAL(qtest_readl(t->qts, t->bar[0].addr + HDR_COUNT),
                    0xffffffff);
    testdev_stop(t);
}

static void test_reset(void)
{
    TestDev *t = testdev_start(NULL);
    uint32_t off;

    testdev_map(t);
    off = check_header(t, 1, 1);
    qpci_io_writeb(t->dev, t->bar[1], off, 0x42);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[1], HDR_COUNT), 1);
    qtest_qmp_assert_success(t->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(t->qts, "RESET");
    /* Decoding is off after reset: map again; no test is selected. */
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_COMMAND) & 3, 0);
    testdev_map(t);
    CU_ASSERT_EQUAL(qpci_io_readb(t->dev, t->bar[1], HDR_NAME), 0);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, t->bar[1], HDR_COUNT), 0);
    check_header(t, 1, 1);
    testdev_stop(t);
}

static void test_membar(void)
{
    TestDev *t = testdev_start(",membar=1M");
    uint64_t size;
    uint32_t bar2 = qpci_config_readl(t->dev, QPCI_BASE_ADDRESS_0 + 8);

    /* Memory, 64-bit, prefetchable. */
    CU_ASSERT_EQUAL(bar2 & 0xf, 0x0c);
    qpci_device_enable(t->dev);
    qpci_iomap(t->dev, 2, &size);
    CU_ASSERT_EQUAL(size, 1024 * 1024);
    testdev_stop(t);
}

static void test_membar_refused(void)
{
    g_autofree char *err = NULL;
    g_autofree char *cmd = g_strdup_printf(
        "%s -machine pc -accel qtest -display none -device pci-testdev,"
        "membar=3000",
        qtest_qemu_binary());
    int status = 0;

    CU_ASSERT_TRUE(g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL));
    CU_ASSERT_NOT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "membar=3000 is not a power of two"));
    /* One line. */
    CU_ASSERT_PTR_EQUAL(strchr(err, '\n'), err + strlen(err) - 1);
}

QTEST_SUITE(pci_testdev, QTEST_CASE(test_identity), QTEST_CASE(test_table),
            QTEST_CASE(test_doorbells), QTEST_CASE(test_bar_moves),
            QTEST_CASE(test_reset), QTEST_CASE(test_membar),
            QTEST_CASE(test_membar_refused))
