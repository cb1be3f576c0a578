/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's 8254 PIT under -accel qtest (isa-pit): counts that follow the
 * virtual clock, the counter latch and read-back status, channel 0's OUT
 * on IRQ 0 (IOAPIC pin 2) in mode 3, and -machine pit=off taking it away:
 * then ports 0x40-0x43 answer nothing (0xff).
 */
#include "util/osdep.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define PIT_CH0       0x40
#define PIT_CMD       0x43
#define PIT_IOAPIC_IN 2
#define CMD_CH0_LOHI  0x30
#define CMD_MODE2     0x04
#define CMD_MODE3     0x06
#define CMD_LATCH0    0x00
#define CMD_RB_STATUS 0xe2 /* read-back: channel 0's status only */
#define ST_OUT        0x80
#define TICK_NS       838 /* 1 / 1.193182 MHz, rounded down */

static void pit_program(QTestState *qts, uint8_t mode, uint16_t count)
{
    qtest_outb(qts, PIT_CMD, CMD_CH0_LOHI | mode);
    qtest_outb(qts, PIT_CH0, count & 0xff);
    qtest_outb(qts, PIT_CH0, count >> 8);
}

static uint16_t pit_latched(QTestState *qts)
{
    uint16_t v;

    qtest_outb(qts, PIT_CMD, CMD_LATCH0);
    v = qtest_inb(qts, PIT_CH0);
    return v | qtest_inb(qts, PIT_CH0) << 8;
}

static void test_counts_with_the_clock(void)
{
    QTestState *qts = qtest_init("-machine pc");

    pit_program(qts, CMD_MODE2, 1000);
    CU_ASSERT_EQUAL(pit_latched(qts), 1000);
    /* 100 us: 119 ticks of 1.193182 MHz. */
    qtest_clock_step(qts, 100000);
    CU_ASSERT_EQUAL(pit_latched(qts), 1000 - 119);
    /* Mode 2 reloads: 1000 ticks later the same count again. */
    qtest_clock_step(qts, 1000 * 1000000000ll / 1193182 + 1);
    CU_ASSERT_EQUAL(pit_latched(qts), 1000 - 119);
    /* Read-back status: OUT high, LSB then MSB, mode 2, binary. */
    qtest_outb(qts, PIT_CMD, CMD_RB_STATUS);
    CU_ASSERT_EQUAL(qtest_inb(qts, PIT_CH0), ST_OUT | 0x30 | CMD_MODE2);
    qtest_quit(qts);
}

static void test_irq0_square_wave(void)
{
    QTestState *qts = qtest_init("-machine pc");

    qtest_irq_intercept_in(qts, "ioapic");
    /* Mode 3, 1000 ticks: OUT high for 500, low for 500. */
    pit_program(qts, CMD_MODE3, 1000);
    CU_ASSERT_TRUE(qtest_get_irq(qts, PIT_IOAPIC_IN));
    qtest_clock_step(qts, 400 * TICK_NS);
    CU_ASSERT_TRUE(qtest_get_irq(qts, PIT_IOAPIC_IN));
    qtest_clock_step(qts, 200 * TICK_NS);
    CU_ASSERT_FALSE(qtest_get_irq(qts, PIT_IOAPIC_IN));
    qtest_clock_step(qts, 500 * TICK_NS);
    CU_ASSERT_TRUE(qtest_get_irq(qts, PIT_IOAPIC_IN));
    qtest_quit(qts);
}

static void test_pit_off(void)
{
    QTestState *qts = qtest_init("-machine pc,pit=off");

    pit_program(qts, CMD_MODE2, 1000);
    CU_ASSERT_EQUAL(pit_latched(qts), 0xffff);
    qtest_outb(qts, PIT_CMD, CMD_RB_STATUS);
    CU_ASSERT_EQUAL(qtest_inb(qts, PIT_CH0), 0xff);
    qtest_quit(qts);
}

QTEST_SUITE(pit, QTEST_CASE(test_counts_with_the_clock),
            QTEST_CASE(test_irq0_square_wave), QTEST_CASE(test_pit_off));
