/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc-testdev over qtest, as kvm-unit-tests' x86 tests use it: the data
 * register at 0xe0 read back whole and in parts, and the same register
 * byte by byte at 0xe8; interrupt lines raised and lowered through
 * 0x2000 + n as the IOAPIC sees them; the test memory at 0xff000000 read
 * back at every width; the flush-page port leaving RAM as it was; and the
 * data surviving a system_reset, as in QEMU.
 */
#include <glib.h>
#include <string.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define IOPORT      0xe0
#define FLUSH       0xe4
#define IOPORT_BYTE 0xe8
#define IRQ_BASE    0x2000
#define IRQ_LINES   24
#define IOMEM       0xff000000ull
#define IOMEM_SIZE  0x10000
#define RAM_ADDR    0x100000

static QTestState *start(void)
{
    return qtest_init("-device pc-testdev");
}

static void test_ioport(void)
{
    QTestState *qts = start();

    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0);
    qtest_outl(qts, IOPORT, 0x12345678);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0x12345678);
    CU_ASSERT_EQUAL(qtest_inb(qts, IOPORT), 0x78);
    CU_ASSERT_EQUAL(qtest_inb(qts, IOPORT + 1), 0x56);
    CU_ASSERT_EQUAL(qtest_inw(qts, IOPORT + 2), 0x1234);

    /* A narrow write changes only its bytes. */
    qtest_outb(qts, IOPORT + 3, 0xab);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0xab345678);
    qtest_outw(qts, IOPORT, 0xbeef);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0xab34beef);
    qtest_quit(qts);
}

static void test_ioport_byte(void)
{
    QTestState *qts = start();

    /* 0xe8 is the same register, whatever the width. */
    qtest_outl(qts, IOPORT, 0xcafef00d);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT_BYTE), 0xcafef00d);
    CU_ASSERT_EQUAL(qtest_inb(qts, IOPORT_BYTE + 2), 0xfe);
    qtest_outl(qts, IOPORT_BYTE, 0x01020304);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0x01020304);
    qtest_outw(qts, IOPORT_BYTE + 2, 0x1122);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0x11220304);
    CU_ASSERT_EQUAL(qtest_inw(qts, IOPORT_BYTE), 0x0304);
    qtest_outb(qts, IOPORT_BYTE + 1, 0x99);
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0x11229904);
    qtest_quit(qts);
}

static void test_irq_lines(void)
{
    static const int lines[] = {4, 14, 15, 23};
    QTestState *qts = start();

    qtest_irq_intercept_in(qts, "ioapic");
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++) {
        int n = lines[i];

        CU_ASSERT_FALSE(qtest_get_irq(qts, n));
        qtest_outb(qts, IRQ_BASE + n, 1);
        CU_ASSERT_TRUE(qtest_get_irq(qts, n));
        qtest_outb(qts, IRQ_BASE + n, 0);
        CU_ASSERT_FALSE(qtest_get_irq(qts, n));
        /* Any non-zero value raises the line. */
        qtest_outb(qts, IRQ_BASE + n, 0x80);
        CU_ASSERT_TRUE(qtest_get_irq(qts, n));
        qtest_outb(qts, IRQ_BASE + n, 0);
        CU_ASSERT_FALSE(qtest_get_irq(qts, n));
    }

    /* One line per port: raising 5 leaves 4 and 6 alone. */
    qtest_outb(qts, IRQ_BASE + 5, 1);
    CU_ASSERT_TRUE(qtest_get_irq(qts, 5));
    CU_ASSERT_FALSE(qtest_get_irq(qts, 4));
    CU_ASSERT_FALSE(qtest_get_irq(qts, 6));

    /* The ports take bytes only; a word write reaches nothing. */
    qtest_outw(qts, IRQ_BASE + 6, 0x0101);
    CU_ASSERT_FALSE(qtest_get_irq(qts, 6));
    CU_ASSERT_FALSE(qtest_get_irq(qts, 7));
    CU_ASSERT_EQUAL(qtest_inb(qts, IRQ_BASE + 5), 0);

    /* Past the 24 lines: nothing there (unassigned ports read all-ones). */
    CU_ASSERT_EQUAL(qtest_inb(qts, IRQ_BASE + IRQ_LINES), 0xff);
    qtest_quit(qts);
}

static void test_iomem(void)
{
    QTestState *qts = start();
    uint8_t buf[64], back[sizeof(buf)];

    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM), 0);
    qtest_writel(qts, IOMEM, 0xdeadbeef);
    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM), 0xdeadbeef);
    CU_ASSERT_EQUAL(qtest_readb(qts, IOMEM + 1), 0xbe);
    CU_ASSERT_EQUAL(qtest_readw(qts, IOMEM + 2), 0xdead);
    qtest_writeb(qts, IOMEM + 3, 0x5a);
    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM), 0x5aadbeef);

    /* 8-byte and unaligned accesses, as the emulator test makes them. */
    qtest_writeq(qts, IOMEM + 0x100, 0x0123456789abcdefull);
    CU_ASSERT_EQUAL(qtest_readq(qts, IOMEM + 0x100), 0x0123456789abcdefull);
    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM + 0x102), 0x456789ab);
    qtest_writel(qts, IOMEM + 0x105, 0x11223344);
    CU_ASSERT_EQUAL(qtest_readq(qts, IOMEM + 0x100), 0x2233446789abcdefull);
    CU_ASSERT_EQUAL(qtest_readb(qts, IOMEM + 0x108), 0x11);

    /* The last bytes, and a buffer copied in and out. */
    qtest_writel(qts, IOMEM + IOMEM_SIZE - 4, 0xa5a5c3c3);
    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM + IOMEM_SIZE - 4), 0xa5a5c3c3);
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (uint8_t)(i * 7 + 1);
    }
    qtest_memwrite(qts, IOMEM + 0x800, buf, sizeof(buf));
    qtest_memread(qts, IOMEM + 0x800, back, sizeof(back));
    CU_ASSERT(!memcmp(buf, back, sizeof(buf)));
    qtest_quit(qts);
}

static void test_flush_page(void)
{
    QTestState *qts = start();

    qtest_writel(qts, RAM_ADDR + 0x120, 0x600dcafe);
    qtest_outl(qts, FLUSH, RAM_ADDR + 0x123);
    CU_ASSERT_EQUAL(qtest_readl(qts, RAM_ADDR + 0x120), 0x600dcafe);
    qtest_writel(qts, RAM_ADDR + 0x124, 0x12345678);
    CU_ASSERT_EQUAL(qtest_readl(qts, RAM_ADDR + 0x124), 0x12345678);
    /* Not RAM: logged and ignored; reads give 0. */
    qtest_outl(qts, FLUSH, IOMEM);
    CU_ASSERT_EQUAL(qtest_inl(qts, FLUSH), 0);
    CU_ASSERT_TRUE(qtest_probe_child(qts));
    qtest_quit(qts);
}

static void test_reset_keeps_data(void)
{
    QTestState *qts = start();

    qtest_outl(qts, IOPORT, 0x0badf00d);
    qtest_writel(qts, IOMEM + 0x40, 0x76543210);
    qtest_qmp_assert_success(qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(qts, "RESET");
    CU_ASSERT_EQUAL(qtest_inl(qts, IOPORT), 0x0badf00d);
    CU_ASSERT_EQUAL(qtest_readl(qts, IOMEM + 0x40), 0x76543210);
    qtest_quit(qts);
}

static void test_listed_in_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd =
        g_strdup_printf("%s -device help", qtest_qemu_binary());
    int status = -1;

    CU_ASSERT_TRUE(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "name \"pc-testdev\""));
}

QTEST_SUITE(pc_testdev, QTEST_CASE(test_ioport), QTEST_CASE(test_ioport_byte),
            QTEST_CASE(test_irq_lines), QTEST_CASE(test_iomem),
            QTEST_CASE(test_flush_page), QTEST_CASE(test_reset_keeps_data),
            QTEST_CASE(test_listed_in_help))
