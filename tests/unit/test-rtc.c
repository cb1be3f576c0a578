/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MC146818 RTC unit tests through ports 0x70/0x71 with the virtual clock in
 * manual mode: reset values, BCD/binary and 12/24-hour encodings of a
 * -rtc base= date, time running with the clock (leap day, AM/PM), setting
 * the time under SET and divider reset, UIP, update-ended, alarm and
 * periodic interrupts on IRQ 8, register C clearing, and the CMOS RAM.
 */
#include "util/osdep.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/rtc/mc146818rtc-regs.h"
#include "util/timer.h"
#include "tests/unit/devtest.h"
#include "tests/unit/unit.h"
#include <time.h>

#define SEC 1000000000LL
/* Thursday 2024-02-29 23:59:58 UTC. */
#define TEST_BASE "2024-02-29T23:59:58"

static DeviceState *rtc_dev;

static DevTest *rtc_bench(const char *base, const char *clock)
{
    DevTest *t = devtest_new(0);

    rtc_dev = devtest_add(t, &error_abort, TYPE_MC146818_RTC, "base", base,
                          "clock", clock, NULL);
    return t;
}

static uint8_t cmos_read(DevTest *t, uint8_t reg)
{
    devtest_outb(t, RTC_ISA_BASE, reg);
    return devtest_inb(t, RTC_ISA_BASE + 1);
}

static void cmos_write(DevTest *t, uint8_t reg, uint8_t val)
{
    devtest_outb(t, RTC_ISA_BASE, reg);
    devtest_outb(t, RTC_ISA_BASE + 1, val);
}

static void assert_time(DevTest *t, uint8_t h, uint8_t m, uint8_t s)
{
    CU_ASSERT_EQUAL(cmos_read(t, RTC_HOURS), h);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_MINUTES), m);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_SECONDS), s);
}

static void assert_date(DevTest *t, uint8_t wday, uint8_t mday, uint8_t mon,
                        uint8_t year, uint8_t century)
{
    CU_ASSERT_EQUAL(cmos_read(t, RTC_DAY_OF_WEEK), wday);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_DAY_OF_MONTH), mday);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_MONTH), mon);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_YEAR), year);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_CENTURY), century);
}

/* Set the time the way firmware does: divider reset, write, release. */
static void set_time(DevTest *t, uint8_t mode, uint8_t h, uint8_t m, uint8_t s)
{
    cmos_write(t, RTC_REG_B, mode);
    cmos_write(t, RTC_REG_A, 0x76);
    cmos_write(t, RTC_HOURS, h);
    cmos_write(t, RTC_MINUTES, m);
    cmos_write(t, RTC_SECONDS, s);
    cmos_write(t, RTC_REG_A, 0x26);
}

static void test_reset_values(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_A), 0x26);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_B), REG_B_24H);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), 0);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_D), REG_D_VRT);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);
    /* The index port reads as nothing; bit 7 (NMI) does not select. */
    CU_ASSERT_EQUAL(devtest_inb(t, RTC_ISA_BASE), 0xff);
    devtest_outb(t, RTC_ISA_BASE, RTC_INDEX_NMI_DISABLE | RTC_REG_D);
    CU_ASSERT_EQUAL(devtest_inb(t, RTC_ISA_BASE + 1), REG_D_VRT);

    /* A reset stops interrupts but keeps the time. */
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_UIE | REG_B_PIE);
    device_cold_reset(rtc_dev);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_B), REG_B_24H);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_MINUTES), 0x59);
    devtest_free(t);
}

static void test_encodings(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    /* BCD, 24-hour. */
    assert_time(t, 0x23, 0x59, 0x58);
    assert_date(t, 5, 0x29, 0x02, 0x24, 0x20);
    /* Binary, 24-hour. */
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_DM);
    assert_time(t, 23, 59, 58);
    assert_date(t, 5, 29, 2, 24, 20);
    /* Binary, 12-hour: 11 PM. */
    cmos_write(t, RTC_REG_B, REG_B_DM);
    assert_time(t, RTC_HOURS_PM | 11, 59, 58);
    /* BCD, 12-hour. */
    cmos_write(t, RTC_REG_B, 0);
    assert_time(t, RTC_HOURS_PM | 0x11, 0x59, 0x58);

    /* Two seconds later it is 1 March, 12 AM. */
    devtest_step(t, 2 * SEC);
    assert_time(t, 0x12, 0x00, 0x00);
    assert_date(t, 6, 0x01, 0x03, 0x24, 0x20);
    cmos_write(t, RTC_REG_B, REG_B_24H);
    assert_time(t, 0x00, 0x00, 0x00);
    devtest_free(t);
}

static void test_twelve_hour_transitions(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    /* 1:59:00 PM + 60 s = 2:00:00 PM (the first update is 500 ms in). */
    set_time(t, 0, 0x81, 0x59, 0x00);
    devtest_step(t, SEC);
    assert_time(t, 0x81, 0x59, 0x01);
    devtest_step(t, 59 * SEC);
    assert_time(t, 0x82, 0x00, 0x00);
    /* 12 AM -> 1 AM, 11 AM -> 12 PM, 11 PM -> 12 AM. */
    set_time(t, 0, 0x12, 0x59, 0x59);
    devtest_step(t, SEC);
    assert_time(t, 0x01, 0x00, 0x00);
    set_time(t, 0, 0x11, 0x59, 0x59);
    devtest_step(t, SEC);
    assert_time(t, 0x92, 0x00, 0x00);
    set_time(t, 0, 0x91, 0x59, 0x59);
    devtest_step(t, SEC);
    assert_time(t, 0x12, 0x00, 0x00);
    /* Binary 24-hour midnight wrap. */
    set_time(t, REG_B_24H | REG_B_DM, 23, 59, 0);
    devtest_step(t, 60 * SEC);
    assert_time(t, 0, 0, 0);
    devtest_free(t);
}

static void test_set_bit_and_divider_reset(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    /* SET stops the clock while the guest writes. */
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_SET);
    cmos_write(t, RTC_HOURS, 0x02);
    cmos_write(t, RTC_MINUTES, 0x04);
    cmos_write(t, RTC_SECONDS, 0x58);
    cmos_write(t, RTC_YEAR, 0x11);
    cmos_write(t, RTC_CENTURY, 0x20);
    cmos_write(t, RTC_MONTH, 0x02);
    cmos_write(t, RTC_DAY_OF_MONTH, 0x02);
    devtest_step(t, SEC);
    assert_time(t, 0x02, 0x04, 0x58);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_A) & REG_A_UIP, 0);
    cmos_write(t, RTC_REG_B, REG_B_24H);
    assert_time(t, 0x02, 0x04, 0x58);
    devtest_step(t, SEC);
    assert_time(t, 0x02, 0x04, 0x59);
    assert_date(t, 4, 0x02, 0x02, 0x11, 0x20);

    /* Out of divider reset the first update is 500 ms later. */
    cmos_write(t, RTC_REG_A, 0x76);
    cmos_write(t, RTC_SECONDS, 0x10);
    devtest_step(t, 5 * SEC);
    assert_time(t, 0x02, 0x04, 0x10);
    cmos_write(t, RTC_REG_A, 0x26);
    devtest_step(t, SEC / 2 - RTC_UIP_HOLD_NS - 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_A) & REG_A_UIP, 0);
    devtest_step(t, 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_A) & REG_A_UIP, REG_A_UIP);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_SECONDS), 0x10);
    devtest_step(t, RTC_UIP_HOLD_NS);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_A) & REG_A_UIP, 0);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_SECONDS), 0x11);

    /* A time register written while running takes effect at once. */
    cmos_write(t, RTC_MINUTES, 0x30);
    assert_time(t, 0x02, 0x30, 0x11);
    devtest_step(t, SEC);
    assert_time(t, 0x02, 0x30, 0x12);
    devtest_free(t);
}

static void test_update_interrupt(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    /* The alarm registers start at 00:00:00: keep the alarm out of it. */
    cmos_write(t, RTC_SECONDS_ALARM, 0x45);
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_UIE);
    devtest_step(t, SEC);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), REG_C_IRQF | REG_C_UF);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), 0);
    /* One per second. */
    for (int i = 0; i < 5; i++) {
        devtest_step(t, SEC);
        CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), REG_C_IRQF | REG_C_UF);
    }
    CU_ASSERT_EQUAL(t->raises[RTC_ISA_IRQ], 6);

    /* With UIE off UF is still flagged, without IRQF or the line. */
    cmos_write(t, RTC_REG_B, REG_B_24H);
    devtest_step(t, SEC);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), REG_C_UF);
    /* Enabling UIE with UF pending interrupts at once. */
    devtest_step(t, SEC);
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_UIE);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 1);
    /* SET clears UIE. */
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_UIE | REG_B_SET);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_B), REG_B_24H | REG_B_SET);
    devtest_free(t);
}

static void test_alarm_interrupt(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    /* Binary mode; alarm at 23:59:59 + ... 00:00:01 (seconds = 1). */
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_DM);
    cmos_read(t, RTC_REG_C);
    cmos_write(t, RTC_SECONDS_ALARM, 1);
    cmos_write(t, RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(t, RTC_HOURS_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_DM | REG_B_AIE);
    devtest_step(t, 2 * SEC);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);
    devtest_step(t, SEC);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_SECONDS), 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C) & (REG_C_IRQF | REG_C_AF),
                    REG_C_IRQF | REG_C_AF);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), 0);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);

    /* 12-hour alarm at 2 PM matches 2 PM, not 2 AM. */
    cmos_write(t, RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(t, RTC_SECONDS_ALARM, RTC_ALARM_DONT_CARE);
    cmos_write(t, RTC_REG_B, 0);
    cmos_write(t, RTC_REG_A, 0x76);
    cmos_write(t, RTC_HOURS_ALARM, 0x82);
    cmos_write(t, RTC_HOURS, 0x01);
    cmos_write(t, RTC_MINUTES, 0x59);
    cmos_write(t, RTC_SECONDS, 0x00);
    cmos_read(t, RTC_REG_C);
    cmos_write(t, RTC_REG_A, 0x26);
    devtest_step(t, 3600 * SEC);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_HOURS), 0x02);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C) & REG_C_AF, 0);
    cmos_write(t, RTC_REG_A, 0x76);
    cmos_write(t, RTC_HOURS, 0x81);
    cmos_read(t, RTC_REG_C);
    cmos_write(t, RTC_REG_A, 0x26);
    devtest_step(t, 60 * SEC);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_HOURS), 0x82);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C) & REG_C_AF, REG_C_AF);
    devtest_free(t);
}

/* Step to each periodic interrupt; return when it came (virtual ns). */
static int64_t wait_periodic(DevTest *t)
{
    for (int i = 0; i < 100000 && !t->level[RTC_ISA_IRQ]; i++) {
        devtest_step(t, clock_deadline_ns(t->ms->clocks, QEMU_CLOCK_VIRTUAL));
    }
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C) & (REG_C_IRQF | REG_C_PF),
                    REG_C_IRQF | REG_C_PF);
    return devtest_clock(t);
}

static void test_periodic_interrupt(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");
    int64_t start, now;
    int count = 0;

    /* Rate 15: 2 Hz. */
    cmos_write(t, RTC_REG_A, 0x20 | 15);
    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_PIE);
    start = devtest_clock(t);
    devtest_step(t, SEC / 2 - 1000);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);
    devtest_step(t, 2000);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 1);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C), REG_C_IRQF | REG_C_PF);
    CU_ASSERT_EQUAL(t->level[RTC_ISA_IRQ], 0);

    /* Rate 6 (1024 Hz): 1024 interrupts in a second. */
    cmos_write(t, RTC_REG_A, 0x20 | 6);
    start = devtest_clock(t);
    while (devtest_clock(t) - start < SEC) {
        devtest_step(t, SEC / 1024);
        if (t->level[RTC_ISA_IRQ]) {
            CU_ASSERT_TRUE(cmos_read(t, RTC_REG_C) & REG_C_PF);
            count++;
        }
    }
    CU_ASSERT_TRUE(count >= 1023 && count <= 1025);

    /* Switching between 8 Hz and 2 Hz: each period is served in full. */
    cmos_read(t, RTC_REG_C);
    start = wait_periodic(t);
    for (int i = 0; i < 10; i++) {
        cmos_write(t, RTC_REG_A, 0x20 | 13);
        wait_periodic(t);
        cmos_write(t, RTC_REG_A, 0x20 | 15);
        now = wait_periodic(t);
    }
    CU_ASSERT_TRUE(llabs(now - start - 10 * (SEC / 8 + SEC / 2)) < 1000);

    /* PIE off: no more. */
    cmos_write(t, RTC_REG_B, REG_B_24H);
    cmos_read(t, RTC_REG_C);
    devtest_step(t, 2 * SEC);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_C) & REG_C_PF, 0);
    devtest_free(t);
}

static void test_cmos_ram(void)
{
    DevTest *t = rtc_bench(TEST_BASE, "vm");

    rtc_set_memory(rtc_dev, 0x15, 0x80);
    rtc_set_memory(rtc_dev, 0x16, 0x02);
    CU_ASSERT_EQUAL(cmos_read(t, 0x15), 0x80);
    CU_ASSERT_EQUAL(cmos_read(t, 0x16), 0x02);
    for (int i = 14; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY) {
            cmos_write(t, i, i ^ 0xa5);
        }
    }
    for (int i = 14; i < RTC_CMOS_SIZE; i++) {
        if (i != RTC_CENTURY) {
            CU_ASSERT_EQUAL(cmos_read(t, i), i ^ 0xa5);
            CU_ASSERT_EQUAL(rtc_get_memory(rtc_dev, i), i ^ 0xa5);
        }
    }
    /* Registers C and D are read-only. */
    cmos_write(t, RTC_REG_D, 0);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_REG_D), REG_D_VRT);
    devtest_free(t);
}

static void test_host_clock(void)
{
    DevTest *t = rtc_bench("utc", "host");
    time_t now = time(NULL);
    struct tm tm;
    int64_t rtc, host;

    cmos_write(t, RTC_REG_B, REG_B_24H | REG_B_DM);
    gmtime_r(&now, &tm);
    rtc = (cmos_read(t, RTC_HOURS) * 60 + cmos_read(t, RTC_MINUTES)) * 60 +
          cmos_read(t, RTC_SECONDS);
    host = (tm.tm_hour * 60 + tm.tm_min) * 60 + tm.tm_sec;
    CU_ASSERT_TRUE(llabs(rtc - host) <= 2 || llabs(rtc - host) >= 86398);
    CU_ASSERT_EQUAL(cmos_read(t, RTC_YEAR), tm.tm_year % 100);
    devtest_free(t);
}

static void test_bad_options(void)
{
    DevTest *t = devtest_new(0);
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(
        devtest_add(t, &err, TYPE_MC146818_RTC, "base", "yesterday", NULL));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "-rtc base=yesterday: invalid base (use utc, "
                           "localtime or a date YYYY-MM-DDTHH:MM:SS / "
                           "YYYY-MM-DD)");
    error_free(err);
    err = NULL;
    CU_ASSERT_FALSE(rtc_check_options(NULL, "wall", &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "-rtc clock=wall: invalid clock (use host, rt or "
                           "vm)");
    error_free(err);
    CU_ASSERT_TRUE(rtc_check_options("2006-06-17", "vm", &error_abort));
    CU_ASSERT_TRUE(rtc_check_options("localtime", "rt", &error_abort));
    devtest_free(t);
}

UNIT_SUITE(rtc, NULL, NULL, UNIT_TEST(test_reset_values),
           UNIT_TEST(test_encodings), UNIT_TEST(test_twelve_hour_transitions),
           UNIT_TEST(test_set_bit_and_divider_reset),
           UNIT_TEST(test_update_interrupt), UNIT_TEST(test_alarm_interrupt),
           UNIT_TEST(test_periodic_interrupt), UNIT_TEST(test_cmos_ram),
           UNIT_TEST(test_host_clock), UNIT_TEST(test_bad_options))
