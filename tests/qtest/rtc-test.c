/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's MC146818 RTC over qtest with -rtc clock=vm, as QEMU's rtc-test
 * runs it: the time against the host's in BCD and binary, 12/24-hour
 * transitions as the virtual clock is stepped, SET and divider reset with
 * UIP, update-ended, alarm and periodic interrupts on IRQ 8 (through the
 * IOAPIC), a -rtc base= date, the CMOS memory-size bytes the board fills,
 * and random register writes that must not hurt.
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"
#include "hw/rtc/mc146818rtc-regs.h"

#define SEC 1000000000LL

static uint8_t cmos_read(QTestState *qts, uint8_t reg)
{
    qtest_outb(qts, RTC_ISA_BASE, reg);
    return qtest_inb(qts, RTC_ISA_BASE + 1);
}

static void cmos_write(QTestState *qts, uint8_t reg, uint8_t val)
{
    qtest_outb(qts, RTC_ISA_BASE, reg);
    qtest_outb(qts, RTC_ISA_BASE + 1, val);
}

static int bcd2dec(int v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

static QTestState *rtc_start(const char *extra)
{
    QTestState *qts = qtest_initf("-rtc clock=vm%s", extra ? extra : "");

    qtest_irq_intercept_in(qts, "ioapic");
    return qts;
}

/* Seconds since the epoch the RTC shows (24-hour mode in either coding). */
static time_t rtc_time(QTestState *qts, bool bcd)
{
    int v[7];
    static const uint8_t regs[7] = {RTC_SECONDS,      RTC_MINUTES, RTC_HOURS,
                                    RTC_DAY_OF_MONTH, RTC_MONTH,   RTC_YEAR,
                                    RTC_CENTURY};
    struct tm tm = {0};

    for (int i = 0; i < 7; i++) {
        v[i] = cmos_read(qts, regs[i]);
        if (bcd) {
            v[i] = bcd2dec(v[i]);
        }
    }
    tm.tm_sec = v[0];
    tm.tm_min = v[1];
    tm.tm_hour = v[2];
    tm.tm_mday = v[3];
    tm.tm_mon = v[4] - 1;
    tm.tm_year = v[6] * 100 + v[5] - 1900;
    return timegm(&tm);
}

static void check_time(bool bcd)
{
    QTestState *qts = rtc_start(NULL);
    time_t now, rtc;

    cmos_write(qts, RTC_REG_B, REG_B_24H | (bcd ? 0 : REG_B_DM));
    now = time(NULL);
    rtc = rtc_time(qts, bcd);
    CU_ASSERT_TRUE(labs((long)(rtc - now)) <= 2);
    qtest_quit(qts);
}

static void test_time_bcd(void)
{
    check_time(true);
}

static void test_time_binary(void)
{
    check_time(false);
}

static void set_time(QTestState *qts, uint8_t mode, uint8_t h, uint8_t m,
                     uint8_t s)
{
    cmos_write(qts, RTC_REG_B, mode);
    cmos_write(qts, RTC_REG_A, 0x76);
    cmos_write(qts, RTC_HOURS, h);
    cmos_write(qts, RTC_MINUTES, m);
    cmos_write(qts, RTC_SECONDS, s);
    cmos_write(qts, RTC_REG_A, 0x26);
}

static void assert_time(QTestState *qts, uint8_t h, uint8_t m, uint8_t s)
{
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_HOURS), h);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_MINUTES), m);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_SECONDS), s);
}

static void test_hour_modes(void)
{
    QTestState *qts = rtc_start(NULL);

    /* BCD 12-hour: 1:59 PM + 60 s = 2:00 PM; 11:59:59 PM -> 12 AM. */
    set_time(qts, 0, 0x81, 0x59, 0x00);
    qtest_clock_step(qts, SEC);
    assert_time(qts, 0x81, 0x59, 0x01);
    qtest_clock_step(qts, 59 * SEC);
    assert_time(qts, 0x82, 0x00, 0x00);
    set_time(qts, 0, 0x91, 0x59, 0x59);
    qtest_clock_step(qts, SEC);
    assert_time(qts, 0x12, 0x00, 0x00);
    /* Binary 12-hour: 11:59:59 AM -> 12 PM. */
    set_time(qts, REG_B_DM, 11, 59, 59);
    qtest_clock_step(qts, SEC);
    assert_time(qts, 0x8c, 0, 0);
    /* BCD and binary 24-hour, across midnight. */
    set_time(qts, REG_B_24H, 0x23, 0x59, 0x00);
    qtest_clock_step(qts, 60 * SEC);
    assert_time(qts, 0x00, 0x00, 0x00);
    set_time(qts, REG_B_24H | REG_B_DM, 9, 59, 0);
    qtest_clock_step(qts, 60 * SEC);
    assert_time(qts, 10, 0, 0);
    qtest_quit(qts);
}

static void test_set_and_divider(void)
{
    QTestState *qts = rtc_start(NULL);

    cmos_write(qts, RTC_REG_B, REG_B_24H | REG_B_SET);
    cmos_write(qts, RTC_HOURS, 0x02);
    cmos_write(qts, RTC_MINUTES, 0x04);
    cmos_write(qts, RTC_SECONDS, 0x58);
    qtest_clock_step(qts, SEC);
    assert_time(qts, 0x02, 0x04, 0x58);
    cmos_write(qts, RTC_REG_B, REG_B_24H);
    qtest_clock_step(qts, SEC);
    assert_time(qts, 0x02, 0x04, 0x59);

    /* The first update after a divider reset is 500 ms later. */
    cmos_write(qts, RTC_REG_A, 0x76);
    cmos_write(qts, RTC_SECONDS, 0x30);
    qtest_clock_step(qts, 3 * SEC);
    cmos_write(qts, RTC_REG_A, 0x26);
    qtest_clock_step(qts, SEC / 2 - RTC_UIP_HOLD_NS - 1);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_A) & REG_A_UIP, 0);
    qtest_clock_step(qts, 1);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_A) & REG_A_UIP, REG_A_UIP);
    qtest_clock_step(qts, RTC_UIP_HOLD_NS);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_A) & REG_A_UIP, 0);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_SECONDS), 0x31);
    qtest_quit(qts);
}

static void test_update_interrupt(void)
{
    QTestState *qts = rtc_start(NULL);

    cmos_write(qts, RTC_SECONDS_ALARM, 0x45);
    cmos_write(qts, RTC_MINUTES_ALARM, 0x45);
    cmos_read(qts, RTC_REG_C);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));
    cmos_write(qts, RTC_REG_B, REG_B_24H | REG_B_UIE);
    CU_ASSERT_TRUE(qtest_irq_wait(qts, RTC_ISA_IRQ, true, 2 * SEC, SEC / 100));
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_C), REG_C_IRQF | REG_C_UF);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));
    /* The next one a second later, not before. */
    qtest_clock_step(qts, SEC - SEC / 50);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));
    qtest_clock_step(qts, SEC / 25);
    CU_ASSERT_TRUE(qtest_get_irq(qts, RTC_ISA_IRQ));
    qtest_quit(qts);
}

static void test_alarm_interrupt(void)
{
    QTestState *qts = rtc_start(NULL);
    int sec;

    cmos_write(qts, RTC_REG_B, REG_B_24H | REG_B_DM);
    cmos_read(qts, RTC_REG_C);
    sec = (cmos_read(qts, RTC_SECONDS) + 2) % 60;
    cmos_write(qts, RTC_SECONDS_ALARM, sec);
    cmos_write(qts, RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(qts, RTC_HOURS_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(qts, RTC_REG_B, REG_B_24H | REG_B_DM | REG_B_AIE);
    CU_ASSERT_TRUE(qtest_irq_wait(qts, RTC_ISA_IRQ, true, 4 * SEC, SEC / 10));
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_SECONDS), sec);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_C) & (REG_C_IRQF | REG_C_AF),
                    REG_C_IRQF | REG_C_AF);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_C), 0);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));
    qtest_quit(qts);
}

/* Step from deadline to deadline until the periodic interrupt. */
static int64_t wait_periodic(QTestState *qts)
{
    int64_t now = 0;

    for (int i = 0; i < 1000 && !qtest_get_irq(qts, RTC_ISA_IRQ); i++) {
        now = qtest_clock_step_next(qts);
    }
    CU_ASSERT_TRUE(cmos_read(qts, RTC_REG_C) & REG_C_PF);
    return now;
}

static void test_periodic_interrupt(void)
{
    QTestState *qts = rtc_start(NULL);
    int64_t start, now = 0;

    cmos_write(qts, RTC_REG_B, REG_B_24H);
    cmos_write(qts, RTC_REG_A, 0x20 | 13); /* 8 Hz */
    cmos_write(qts, RTC_REG_B, REG_B_24H | REG_B_PIE);
    start = wait_periodic(qts);
    for (int i = 0; i < 20; i++) {
        cmos_write(qts, RTC_REG_A, 0x20 | 15); /* 2 Hz */
        wait_periodic(qts);
        cmos_write(qts, RTC_REG_A, 0x20 | 13);
        now = wait_periodic(qts);
    }
    CU_ASSERT_TRUE(llabs(now - start - 20 * (SEC / 2 + SEC / 8)) < SEC / 1000);
    /* PIE off: silence. */
    cmos_write(qts, RTC_REG_B, REG_B_24H);
    cmos_read(qts, RTC_REG_C);
    qtest_clock_step(qts, SEC / 4);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_C) & REG_C_PF, 0);
    qtest_quit(qts);
}

static void test_base_date(void)
{
    QTestState *qts = rtc_start(",base=2024-02-29T23:59:58");

    assert_time(qts, 0x23, 0x59, 0x58);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_DAY_OF_MONTH), 0x29);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_MONTH), 0x02);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_YEAR), 0x24);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_CENTURY), 0x20);
    qtest_clock_step(qts, 2 * SEC);
    assert_time(qts, 0x00, 0x00, 0x00);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_DAY_OF_MONTH), 0x01);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_MONTH), 0x03);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_DAY_OF_WEEK), 6); /* Friday */
    qtest_quit(qts);
}

static void test_cmos_memory_size(void)
{
    QTestState *qts = rtc_start(" -m 128M");

    /* 640 KiB base memory; 112 MiB above 16 MiB in 64 KiB units. */
    CU_ASSERT_EQUAL(cmos_read(qts, 0x15), 0x80);
    CU_ASSERT_EQUAL(cmos_read(qts, 0x16), 0x02);
    CU_ASSERT_EQUAL(cmos_read(qts, 0x34), 0x00);
    CU_ASSERT_EQUAL(cmos_read(qts, 0x35), 0x07);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_D), REG_D_VRT);
    qtest_quit(qts);
}

static void test_fuzz_registers(void)
{
    QTestState *qts = rtc_start(NULL);
    GRand *rand = g_rand_new_with_seed(20240229);

    for (int i = 0; i < 1000; i++) {
        uint8_t reg = g_rand_int_range(rand, 0, 16);
        uint8_t val = g_rand_int_range(rand, 0, 256);

        cmos_write(qts, reg, val);
        cmos_read(qts, reg);
    }
    qtest_clock_step(qts, 3 * SEC);
    CU_ASSERT_EQUAL(cmos_read(qts, RTC_REG_D), REG_D_VRT);
    g_rand_free(rand);
    qtest_quit(qts);
}

QTEST_SUITE(rtc, QTEST_CASE(test_time_bcd), QTEST_CASE(test_time_binary),
            QTEST_CASE(test_hour_modes), QTEST_CASE(test_set_and_divider),
            QTEST_CASE(test_update_interrupt), QTEST_CASE(test_alarm_interrupt),
            QTEST_CASE(test_periodic_interrupt), QTEST_CASE(test_base_date),
            QTEST_CASE(test_cmos_memory_size), QTEST_CASE(test_fuzz_registers))
