/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "rtc": the MC146818 RTC/CMOS at 0x70/0x71.  A plausible BCD date
 * (year >= 2024, century byte 0x32), the same time in binary mode (register B
 * DM bit) and 12-hour mode, register D VRT, the UIP bit, an NVRAM round trip,
 * and the update-ended and periodic interrupts on IRQ 8 (slave 8259, LINT0).
 */
#include "lib.h"

#define RTC_SECONDS        0x00
#define RTC_MINUTES        0x02
#define RTC_HOURS          0x04
#define RTC_WEEKDAY        0x06
#define RTC_DAY            0x07
#define RTC_MONTH          0x08
#define RTC_YEAR           0x09
#define RTC_REG_A          0x0a
#define RTC_REG_B          0x0b
#define RTC_REG_C          0x0c
#define RTC_REG_D          0x0d
#define RTC_CENTURY        0x32
#define RTC_A_UIP          0x80
#define RTC_A_RATE_MASK    0x0f
#define RTC_RATE_1024HZ    0x06
#define RTC_B_PIE          0x40
#define RTC_B_UIE          0x10
#define RTC_B_DM_BINARY    0x04
#define RTC_B_24H          0x02
#define RTC_C_PF           0x40
#define RTC_C_UF           0x10
#define RTC_D_VRT          0x80
#define RTC_HOUR_PM        0x80
#define RTC_HOUR_MASK      0x7f
#define HOURS_PER_HALF_DAY 12

#define NVRAM_TEST_BYTE 0x4e /* see README: 0x4c-0x4f are the tests' own */
#define NVRAM_PATTERN_A 0x3c
#define NVRAM_PATTERN_B 0xc3

#define MIN_YEAR              2024
#define MAX_YEAR              2099
#define CENTURY_YEARS         100
#define MAX_MONTH             12
#define MAX_DAY               31
#define MAX_HOUR              23
#define MAX_MINUTE            59
#define MAX_SECOND            59
#define MAX_WEEKDAY           7
#define MINUTES_PER_HOUR      60u
#define MINUTES_PER_DAY       (24u * MINUTES_PER_HOUR)
#define BCD_NIBBLE_MASK       0x0f
#define BCD_NIBBLE_BITS       4
#define BCD_DIGIT_MAX         9
#define DECIMAL_BASE          10
#define READ_RETRIES          5
#define UIP_TIMEOUT_MS        3000
#define UPDATE_ROLLOVERS      3
#define UPDATE_WATCH_MS       6000 /* TSC guess; 3 updates need < 3 s */
#define UIP_COVER_US          200  /* UIP is up for 244 us */
#define UF_LAG_MS             200
#define RATE_SLACK_PCT        2 /* RTC seconds against the LAPIC timer */
#define LAPIC_TIMER_VECTOR    0x40
#define LAPIC_DIVIDE_BY_4     0x01 /* KVM: 1 ns per bus cycle, so 4 ns */
#define LAPIC_COUNTS_PER_S    250000000u
#define LAPIC_COUNTS_PER_MS   250000u
#define LAPIC_COUNTS_PER_US   250u
#define LAPIC_COUNT_MAX       0xffffffffu /* 17 s at 4 ns */
#define PERCENT               100
#define UPDATE_IRQ_TIMEOUT_MS 3000
#define PERIODIC_IRQS         64
#define PERIODIC_TIMEOUT_MS   3000

const char test_name[] = "rtc";

struct rtc_time {
    uint8_t sec, min, hour, wday, day, mon, year, century;
};

static volatile uint32_t update_irqs;
static volatile uint32_t periodic_irqs;
static volatile uint32_t other_irqs;

static void rtc_irq(struct isr_frame *frame)
{
    uint8_t c = cmos_read(RTC_REG_C);

    (void)frame;
    if (c & RTC_C_UF) {
        update_irqs++;
    }
    if (c & RTC_C_PF) {
        periodic_irqs++;
    }
    if (!(c & (RTC_C_UF | RTC_C_PF))) {
        other_irqs++;
    }
    pic_eoi(RTC_IRQ);
}

static int bcd_valid(uint8_t v)
{
    return (v & BCD_NIBBLE_MASK) <= BCD_DIGIT_MAX &&
           (v >> BCD_NIBBLE_BITS) <= BCD_DIGIT_MAX;
}

static uint8_t bcd_to_bin(uint8_t v)
{
    return (uint8_t)((v >> BCD_NIBBLE_BITS) * DECIMAL_BASE +
                     (v & BCD_NIBBLE_MASK));
}

static void wait_not_uip(void)
{
    uint64_t deadline = tsc_deadline(UIP_TIMEOUT_MS);

    while (cmos_read(RTC_REG_A) & RTC_A_UIP) {
        if (tsc_expired(deadline)) {
            test_fail("UIP stuck set in register A");
        }
    }
}

static void read_raw(struct rtc_time *t)
{
    wait_not_uip();
    t->sec = cmos_read(RTC_SECONDS);
    t->min = cmos_read(RTC_MINUTES);
    t->hour = cmos_read(RTC_HOURS);
    t->wday = cmos_read(RTC_WEEKDAY);
    t->day = cmos_read(RTC_DAY);
    t->mon = cmos_read(RTC_MONTH);
    t->year = cmos_read(RTC_YEAR);
    t->century = cmos_read(RTC_CENTURY);
}

/* Two identical reads in a row: no update happened in between. */
static void read_stable(struct rtc_time *t)
{
    struct rtc_time again;

    for (int i = 0; i < READ_RETRIES; i++) {
        read_raw(t);
        read_raw(&again);
        if (!memcmp(t, &again, sizeof(again))) {
            return;
        }
    }
    test_fail("RTC time changes under every read");
}

static void check_ranges(const struct rtc_time *t)
{
    uint32_t year = t->century * CENTURY_YEARS + t->year;

    printf("rtc: %u-%02u-%02u %02u:%02u:%02u weekday %u\n", year, t->mon,
           t->day, t->hour, t->min, t->sec, t->wday);
    if (year < MIN_YEAR || year > MAX_YEAR || t->mon < 1 ||
        t->mon > MAX_MONTH || t->day < 1 || t->day > MAX_DAY ||
        t->hour > MAX_HOUR || t->min > MAX_MINUTE || t->sec > MAX_SECOND ||
        t->wday < 1 || t->wday > MAX_WEEKDAY) {
        test_fail("implausible date %u-%u-%u %u:%u:%u weekday %u", year, t->mon,
                  t->day, t->hour, t->min, t->sec, t->wday);
    }
}

static void bcd_decode(struct rtc_time *t)
{
    uint8_t *f = &t->sec;

    for (unsigned i = 0; i < sizeof(*t); i++) {
        if (!bcd_valid(f[i])) {
            test_fail("field %u is %x: not BCD", i, f[i]);
        }
        f[i] = bcd_to_bin(f[i]);
    }
}

/* Minutes from reading @a to reading @b, across midnight too. */
static uint32_t minutes_between(const struct rtc_time *a,
                                const struct rtc_time *b)
{
    uint32_t ma = a->hour * MINUTES_PER_HOUR + a->min;
    uint32_t mb = b->hour * MINUTES_PER_HOUR + b->min;

    return (mb + MINUTES_PER_DAY - ma) % MINUTES_PER_DAY;
}

static void check_time_modes(void)
{
    uint8_t b = cmos_read(RTC_REG_B);
    struct rtc_time bcd, bin, h12;
    uint32_t hour24;

    printf("rtc: register B %02x\n", b);
    if (!(b & RTC_B_24H) || (b & RTC_B_DM_BINARY)) {
        test_fail("register B %02x: want 24-hour BCD (0x02) at boot", b);
    }
    if (!(cmos_read(RTC_REG_D) & RTC_D_VRT)) {
        test_fail("register D %02x: VRT clear", cmos_read(RTC_REG_D));
    }
    read_stable(&bcd);
    bcd_decode(&bcd);
    check_ranges(&bcd);

    cmos_write(RTC_REG_B, b | RTC_B_DM_BINARY);
    read_stable(&bin);
    check_ranges(&bin);

    cmos_write(RTC_REG_B, (b | RTC_B_DM_BINARY) & ~RTC_B_24H);
    read_stable(&h12);
    cmos_write(RTC_REG_B, b);

    if (bin.century != bcd.century || minutes_between(&bcd, &bin) > 1) {
        test_fail("binary-mode reading disagrees with BCD");
    }
    hour24 = h12.hour & RTC_HOUR_MASK;
    if (hour24 < 1 || hour24 > HOURS_PER_HALF_DAY) {
        test_fail("12-hour mode hour byte %02x", h12.hour);
    }
    hour24 %= HOURS_PER_HALF_DAY;
    if (h12.hour & RTC_HOUR_PM) {
        hour24 += HOURS_PER_HALF_DAY;
    }
    if (hour24 != bin.hour && hour24 != (bin.hour + 1u) % (MAX_HOUR + 1)) {
        test_fail("12-hour mode hour byte %02x for hour %u", h12.hour,
                  bin.hour);
    }
    printf("rtc: binary and 12-hour modes agree with BCD\n");
}

static void check_nvram(void)
{
    uint8_t saved = cmos_read(NVRAM_TEST_BYTE);

    cmos_write(NVRAM_TEST_BYTE, NVRAM_PATTERN_A);
    if (cmos_read(NVRAM_TEST_BYTE) != NVRAM_PATTERN_A) {
        test_fail("CMOS byte %x: wrote %x, read %x", NVRAM_TEST_BYTE,
                  NVRAM_PATTERN_A, cmos_read(NVRAM_TEST_BYTE));
    }
    cmos_write(NVRAM_TEST_BYTE, NVRAM_PATTERN_B);
    if (cmos_read(NVRAM_TEST_BYTE) != NVRAM_PATTERN_B) {
        test_fail("CMOS byte %x: wrote %x, read %x", NVRAM_TEST_BYTE,
                  NVRAM_PATTERN_B, cmos_read(NVRAM_TEST_BYTE));
    }
    cmos_write(NVRAM_TEST_BYTE, saved);
    printf("rtc: NVRAM byte %x round trip ok\n", NVRAM_TEST_BYTE);
}

/*
 * The update cycle, watched over UPDATE_ROLLOVERS seconds by reading
 * register A (UIP) and the seconds in turn, timed by the LAPIC timer
 * (KVM's own, not the VMM's: a 1 ns bus cycle, so 4 ns per count at
 * divide 4), read before each register A read and after each rollover:
 *  - the seconds advance by exactly one at each update, and updates come
 *    one per second: the rollovers are only known to lie between two
 *    LAPIC reads, so the check fails only when 1 s per update is outside
 *    that bracket by more than RATE_SLACK_PCT (a stalled vCPU widens the
 *    bracket, it does not fail the check); an RTC that stops, races or
 *    crawls fails;
 *  - each update sets UF in register C (within UF_LAG_MS), and reading C
 *    clears it;
 *  - UIP is up for the 244 us before each update: where the register A read
 *    just before a rollover and the seconds read that saw it were less than
 *    UIP_COVER_US apart, that A read fell in the window and must show UIP.
 *    Reads spaced wider (a nested port exit costs ~0.6 ms) may miss the
 *    window, so those rollovers count as consistent either way.
 */
struct rollover {
    uint32_t before; /* LAPIC count before the last register A read before */
    uint32_t after;  /* LAPIC count after the seconds read that saw it */
    uint8_t a_before, from, to;
};

static void lapic_timer_free_run(void)
{
    lapic_enable();
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_4);
    lapic_write(LAPIC_TIMER_INITIAL, LAPIC_COUNT_MAX);
}

static uint32_t lapic_now(void)
{
    return lapic_read(LAPIC_TIMER_CURRENT); /* counts down */
}

/*
 * Register C once it shows UF, or its last value after UF_LAG_MS.  kemu
 * (as QEMU) computes the time registers when read but sets UF from a timer
 * of its main loop, which may run a little after the second's end.
 */
static uint8_t wait_uf(void)
{
    uint64_t deadline = tsc_deadline(UF_LAG_MS);
    uint8_t c;

    do {
        c = cmos_read(RTC_REG_C);
    } while (!(c & RTC_C_UF) && !tsc_expired(deadline));
    return c;
}

static void check_update_cycle(void)
{
    struct rollover r[UPDATE_ROLLOVERS];
    unsigned n = 0, covered = 0, uip_seen = 0;
    uint64_t deadline = tsc_deadline(UPDATE_WATCH_MS);
    uint32_t t_prev, span_min, span_max, want;
    uint8_t a_prev, s_prev;

    lapic_timer_free_run();
    cmos_read(RTC_REG_C);
    t_prev = lapic_now();
    a_prev = cmos_read(RTC_REG_A);
    s_prev = cmos_read(RTC_SECONDS);
    while (n < UPDATE_ROLLOVERS) {
        uint32_t t = lapic_now();
        uint8_t a = cmos_read(RTC_REG_A);
        uint8_t s = cmos_read(RTC_SECONDS);

        if (a & RTC_A_UIP) {
            uip_seen++;
        }
        if (s != s_prev) {
            uint8_t c, c2;

            r[n].after = lapic_now();
            r[n].before = t_prev;
            r[n].a_before = a_prev;
            r[n].from = s_prev;
            r[n].to = s;
            if (!r[n].after) {
                test_fail("the LAPIC timer ran out (%u s at 4 ns a count)",
                          LAPIC_COUNT_MAX / LAPIC_COUNTS_PER_S);
            }
            if (!bcd_valid(s) ||
                bcd_to_bin(s) != (bcd_to_bin(s_prev) + 1) % (MAX_SECOND + 1)) {
                test_fail("seconds went from %02x to %02x in one update",
                          s_prev, s);
            }
            c = wait_uf();
            c2 = cmos_read(RTC_REG_C);
            if (!(c & RTC_C_UF)) {
                test_fail("seconds went from %02x to %02x, register C %02x "
                          "has no UF %u ms later",
                          s_prev, s, c, UF_LAG_MS);
            }
            if ((c2 & RTC_C_UF) && cmos_read(RTC_SECONDS) == s) {
                test_fail("register C %02x: UF not cleared by reading it", c2);
            }
            n++;
            /* Sample again: the C reads are no part of the next gap. */
            t = lapic_now();
            a = cmos_read(RTC_REG_A);
            s = cmos_read(RTC_SECONDS);
        }
        if (tsc_expired(deadline)) {
            test_fail("%u seconds rollovers in %u ms (TSC guess): the RTC "
                      "does not count",
                      n, UPDATE_WATCH_MS);
        }
        t_prev = t;
        a_prev = a;
        s_prev = s;
    }

    /* One update per second of the LAPIC timer, within the bracket. */
    span_min = r[0].after - r[n - 1].before;
    span_max = r[0].before - r[n - 1].after;
    want = (n - 1) * LAPIC_COUNTS_PER_S;
    printf("rtc: %u updates in %u-%u ms of the LAPIC timer\n", n - 1,
           span_min / LAPIC_COUNTS_PER_MS, span_max / LAPIC_COUNTS_PER_MS);
    if (span_max < want / PERCENT * (PERCENT - RATE_SLACK_PCT) ||
        span_min > want / PERCENT * (PERCENT + RATE_SLACK_PCT)) {
        test_fail("%u RTC seconds took %u-%u ms of the LAPIC timer", n - 1,
                  span_min / LAPIC_COUNTS_PER_MS,
                  span_max / LAPIC_COUNTS_PER_MS);
    }

    /* UIP where the reads were close enough to be sure to catch it. */
    for (unsigned i = 0; i < n; i++) {
        uint32_t gap = r[i].before - r[i].after;

        printf("rtc: update %02x -> %02x: register A %02x %u us before\n",
               r[i].from, r[i].to, r[i].a_before, gap / LAPIC_COUNTS_PER_US);
        if (gap < UIP_COVER_US * LAPIC_COUNTS_PER_US) {
            covered++;
            if (!(r[i].a_before & RTC_A_UIP)) {
                test_fail("register A %02x read %u us before the seconds "
                          "changed: UIP clear inside its 244 us",
                          r[i].a_before, gap / LAPIC_COUNTS_PER_US);
            }
        }
    }
    wait_not_uip();
    printf("rtc: UIP seen in %u reads; %u of %u updates read closely enough "
           "to need it\n",
           uip_seen, covered, n);
}

static void check_interrupts(void)
{
    uint8_t b = cmos_read(RTC_REG_B);
    uint8_t a = cmos_read(RTC_REG_A);

    pic_init();
    lapic_enable();
    isr_set_handler(PIC_VECTOR_BASE + RTC_IRQ, rtc_irq);
    pic_unmask(RTC_IRQ);
    cmos_read(RTC_REG_C);

    cmos_write(RTC_REG_B, b | RTC_B_UIE);
    if (!wait_count(&update_irqs, 1, UPDATE_IRQ_TIMEOUT_MS)) {
        test_fail("no update-ended interrupt on IRQ 8");
    }
    irq_disable();
    cmos_write(RTC_REG_B, b);
    cmos_read(RTC_REG_C);
    printf("rtc: update-ended interrupt on IRQ 8\n");

    cmos_write(RTC_REG_A, (a & ~RTC_A_RATE_MASK) | RTC_RATE_1024HZ);
    cmos_write(RTC_REG_B, b | RTC_B_PIE);
    cmos_read(RTC_REG_C);
    if (!wait_count(&periodic_irqs, PERIODIC_IRQS, PERIODIC_TIMEOUT_MS)) {
        test_fail("%u of %u periodic interrupts on IRQ 8", periodic_irqs,
                  PERIODIC_IRQS);
    }
    irq_disable();
    cmos_write(RTC_REG_B, b);
    cmos_write(RTC_REG_A, a);
    cmos_read(RTC_REG_C);
    pic_mask(RTC_IRQ);
    printf("rtc: %u periodic interrupts (1024 Hz) on IRQ 8, %u without "
           "a flag\n",
           periodic_irqs, other_irqs);
}

void test_main(void)
{
    check_time_modes();
    check_nvram();
    check_update_cycle();
    check_interrupts();
}
