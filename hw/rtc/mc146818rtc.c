/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MC146818A real-time clock with its CMOS RAM (Motorola MC146818A
 * datasheet), as on the PC at 0x70/0x71, IRQ 8: time and date in BCD or
 * binary, 12/24-hour, SET and divider-reset, UIP, alarm, periodic and
 * update-ended interrupts on the machine's virtual clock (qtest steps them),
 * and the -rtc base=/clock= time base.
 *
 * Time model: while the clock runs, guest time (ns since the epoch) is the
 * chosen clock (host wall time, host monotonic time or the virtual clock)
 * plus an offset, and the time registers are computed from it when read.
 * SET or a divider reset freezes the registers for the guest to write; on
 * release the offset is recomputed from them, keeping the sub-second phase
 * (or, after a divider reset, starting half a second before the next
 * update, as the chip does).
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/rtc/mc146818rtc-regs.h"
#include <time.h>

/* Register A at power-on: 32 kHz time base, 1024 Hz periodic rate. */
#define RTC_REG_A_RESET           (REG_A_DV_32KHZ | 0x06)
#define RTC_FIRST_UPDATE_PHASE_NS (NANOSECONDS_PER_SECOND / 2)

typedef enum RTCClockKind {
    RTC_CLOCK_HOST, /* host wall-clock time */
    RTC_CLOCK_RT,   /* host monotonic time, even while the guest is stopped */
    RTC_CLOCK_VM,   /* the machine's virtual clock */
} RTCClockKind;

OBJECT_DECLARE_SIMPLE_TYPE(RTCState, MC146818_RTC)

struct RTCState {
    SysBusDevice parent_obj;

    /* Properties. */
    int32_t base_year;
    uint32_t iobase;
    char *base;
    char *clock;

    MemoryRegion io;
    qemu_irq irq;
    KemuClocks *clocks;
    RTCClockKind clock_kind;
    QEMUClockType update_clock; /* the update timer's: the time source's */
    KemuTimer *update_timer;
    KemuTimer *periodic_timer;

    uint8_t cmos_index;
    uint8_t cmos_data[RTC_CMOS_SIZE];
    int64_t offset_ns;          /* guest time = clock + offset, while running */
    int64_t frozen_phase_ns;    /* the sub-second phase kept while stopped */
    int64_t next_update_sec;    /* the second the update timer aims at */
    uint32_t period;            /* periodic interrupt in 32 kHz ticks; 0: off */
    int64_t next_periodic_time; /* virtual ns of the next periodic tick */
};

/* ---- Time arithmetic ---------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

static int64_t muldiv64(int64_t a, int64_t b, int64_t c)
{
    return (int64_t)((__int128)a * b / c);
}

/* Seconds since the epoch of a UTC date (month 1-12); any values compute. */
static int64_t rtc_mktimegm(int64_t year, int64_t mon, int64_t mday,
                            int64_t hour, int64_t min, int64_t sec)
{
    int64_t days;

    if (mon < 3) {
        mon += 12;
        year--;
    }
    days = mday + (153 * mon - 457) / 5 + 365 * year + floor_div(year, 4) -
           floor_div(year, 100) + floor_div(year, 400) - 719469;
    return days * 86400 + hour * 3600 + min * 60 + sec;
}

static int64_t rtc_clock_ns(RTCState *s)
{
    switch (s->clock_kind) {
    case RTC_CLOCK_HOST:
        return g_get_real_time() * SCALE_US;
    case RTC_CLOCK_RT:
        return clock_get_ns(s->clocks, QEMU_CLOCK_REALTIME);
    case RTC_CLOCK_VM:
        break;
    }
    return clock_get_ns(s->clocks, QEMU_CLOCK_VIRTUAL);
}

static int64_t rtc_virtual_ns(RTCState *s)
{
    return clock_get_ns(s->clocks, QEMU_CLOCK_VIRTUAL);
}

/* Now on the update timer's clock. */
static int64_t rtc_update_clock_ns(RTCState *s)
{
    return clock_get_ns(s->clocks, s->update_clock);
}

static int64_t rtc_guest_ns(RTCState *s)
{
    return rtc_clock_ns(s) + s->offset_ns;
}

/* ---- Register encodings ------------------------------------------------- */

static bool rtc_running(RTCState *s)
{
    return !(s->cmos_data[RTC_REG_B] & REG_B_SET) &&
           (s->cmos_data[RTC_REG_A] & REG_A_DV_MASK) <= REG_A_DV_32KHZ;
}

static bool rtc_divider_in_reset(uint8_t reg_a)
{
    return (reg_a & REG_A_DV_RESET) == REG_A_DV_RESET;
}

static uint8_t rtc_to_bcd(RTCState *s, int v)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return ((v / 10) << 4) | (v % 10);
}

static int rtc_from_bcd(RTCState *s, uint8_t v)
{
    if (s->cmos_data[RTC_REG_B] & REG_B_DM) {
        return v;
    }
    return (v >> 4) * 10 + (v & 0x0f);
}

/* An hours register (time or alarm) as 0-23 in the current mode. */
static int rtc_convert_hour(RTCState *s, uint8_t reg)
{
    int hour = rtc_from_bcd(s, reg & ~RTC_HOURS_PM);

    if (!(s->cmos_data[RTC_REG_B] & REG_B_24H)) {
        hour %= 12;
        if (reg & RTC_HOURS_PM) {
            hour += 12;
        }
    }
    return hour;
}

/* Fill the time registers from a broken-down UTC time. */
static void rtc_set_cmos(RTCState *s, const struct tm *tm)
{
    uint8_t *c = s->cmos_data;
    int year = tm->tm_year + 1900 - s->base_year;

    c[RTC_SECONDS] = rtc_to_bcd(s, tm->tm_sec);
    c[RTC_MINUTES] = rtc_to_bcd(s, tm->tm_min);
    if (c[RTC_REG_B] & REG_B_24H) {
        c[RTC_HOURS] = rtc_to_bcd(s, tm->tm_hour);
    } else {
        int h = tm->tm_hour % 12 ? tm->tm_hour % 12 : 12;

        c[RTC_HOURS] =
            rtc_to_bcd(s, h) | (tm->tm_hour >= 12 ? RTC_HOURS_PM : 0);
    }
    c[RTC_DAY_OF_WEEK] = rtc_to_bcd(s, tm->tm_wday + 1);
    c[RTC_DAY_OF_MONTH] = rtc_to_bcd(s, tm->tm_mday);
    c[RTC_MONTH] = rtc_to_bcd(s, tm->tm_mon + 1);
    c[RTC_YEAR] = rtc_to_bcd(s, floor_mod(year, 100));
    c[RTC_CENTURY] = rtc_to_bcd(s, floor_div(year, 100) & 0xff);
}

/* The time the registers hold, in seconds since the epoch. */
static int64_t rtc_get_cmos_seconds(RTCState *s)
{
    uint8_t *c = s->cmos_data;
    int64_t year = rtc_from_bcd(s, c[RTC_YEAR]) + s->base_year +
                   rtc_from_bcd(s, c[RTC_CENTURY]) * 100;

    return rtc_mktimegm(
        year, rtc_from_bcd(s, c[RTC_MONTH]),
        rtc_from_bcd(s, c[RTC_DAY_OF_MONTH]), rtc_convert_hour(s, c[RTC_HOURS]),
        rtc_from_bcd(s, c[RTC_MINUTES]), rtc_from_bcd(s, c[RTC_SECONDS]));
}

/* Running: bring the time registers up to the current guest time. */
static void rtc_update_time(RTCState *s)
{
    time_t secs;
    struct tm tm;

    if (!rtc_running(s)) {
        return;
    }
    secs = floor_div(rtc_guest_ns(s), NANOSECONDS_PER_SECOND);
    if (gmtime_r(&secs, &tm)) {
        rtc_set_cmos(s, &tm);
    }
}

/* Start the clock at the registers' time plus phase_ns. */
static void rtc_set_time(RTCState *s, int64_t phase_ns)
{
    int64_t secs = rtc_get_cmos_seconds(s), ns;

    /*
     * The guest may write any year up to 9999, but nanoseconds since 1970
     * hold only ~292 years: saturate (the clock then reads a far date)
     * rather than overflow.
     */
    if (__builtin_mul_overflow(secs, NANOSECONDS_PER_SECOND, &ns) ||
        __builtin_add_overflow(ns, phase_ns - rtc_clock_ns(s), &ns) ||
        ns > INT64_MAX / 2 || ns < INT64_MIN / 2) {
        ns = secs < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
    }
    s->offset_ns = ns;
}

/* The clock is about to stop: keep its registers and phase. */
static void rtc_freeze(RTCState *s)
{
    rtc_update_time(s);
    s->frozen_phase_ns = floor_mod(rtc_guest_ns(s), NANOSECONDS_PER_SECOND);
}

static bool rtc_update_in_progress(RTCState *s)
{
    if (!rtc_running(s)) {
        return false;
    }
    return floor_mod(rtc_guest_ns(s), NANOSECONDS_PER_SECOND) >=
           NANOSECONDS_PER_SECOND - RTC_UIP_HOLD_NS;
}

/* IRQF follows the enabled flags of register C; the line follows IRQF. */
static void rtc_update_irq(RTCState *s)
{
    uint8_t *c = s->cmos_data;

    if (c[RTC_REG_C] & c[RTC_REG_B] & REG_C_MASK) {
        c[RTC_REG_C] |= REG_C_IRQF;
    } else {
        c[RTC_REG_C] &= ~REG_C_IRQF;
    }
    qemu_set_irq(s->irq, !!(c[RTC_REG_C] & REG_C_IRQF));
}

/* An alarm register matches when it says "don't care" or equals the time. */
static bool rtc_alarm_field_match(uint8_t reg, int alarm, int current)
{
    return (reg & RTC_ALARM_DONT_CARE) == RTC_ALARM_DONT_CARE ||
           alarm == current;
}

static bool rtc_alarm_match(RTCState *s)
{
    uint8_t *c = s->cmos_data;

    return rtc_alarm_field_match(c[RTC_SECONDS_ALARM],
                                 rtc_from_bcd(s, c[RTC_SECONDS_ALARM]),
                                 rtc_from_bcd(s, c[RTC_SECONDS])) &&
           rtc_alarm_field_match(c[RTC_MINUTES_ALARM],
                                 rtc_from_bcd(s, c[RTC_MINUTES_ALARM]),
                                 rtc_from_bcd(s, c[RTC_MINUTES])) &&
           rtc_alarm_field_match(c[RTC_HOURS_ALARM],
                                 rtc_convert_hour(s, c[RTC_HOURS_ALARM]),
                                 rtc_convert_hour(s, c[RTC_HOURS]));
}

/* ---- Timers ------------------------------------------------------------- */

/*
 * Whether a second's end can change anything the guest sees: not when UF
 * and AF are both set already (they stay set until the guest reads C) and
 * neither raises an interrupt.  Then the timer rests, as in QEMU, and a
 * long clock step is not a tick per guest second.
 */
static bool rtc_update_needed(RTCState *s)
{
    uint8_t *c = s->cmos_data;

    return (c[RTC_REG_C] & (REG_C_UF | REG_C_AF)) != (REG_C_UF | REG_C_AF) ||
           (c[RTC_REG_B] & (REG_B_UIE | REG_B_AIE));
}

/* Arm the update timer for the next second boundary of guest time. */
static void rtc_schedule_update(RTCState *s)
{
    int64_t guest, delay;

    if (!rtc_running(s) || !rtc_update_needed(s)) {
        timer_del(s->update_timer);
        return;
    }
    guest = rtc_guest_ns(s);
    s->next_update_sec = floor_div(guest, NANOSECONDS_PER_SECOND) + 1;
    delay = s->next_update_sec * NANOSECONDS_PER_SECOND - guest;
    timer_mod(s->update_timer, rtc_update_clock_ns(s) + delay);
}

/* A second ended: update-ended flag, alarm check, interrupt. */
static void rtc_update_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t guest;

    if (!rtc_running(s)) {
        return;
    }
    guest = rtc_guest_ns(s);
    if (guest < s->next_update_sec * NANOSECONDS_PER_SECOND) {
        /* A host clock behind the virtual one: wait for the boundary. */
        timer_mod(s->update_timer,
                  rtc_update_clock_ns(s) +
                      s->next_update_sec * NANOSECONDS_PER_SECOND - guest);
        return;
    }
    rtc_update_time(s);
    s->cmos_data[RTC_REG_C] |= REG_C_UF;
    if (rtc_alarm_match(s)) {
        s->cmos_data[RTC_REG_C] |= REG_C_AF;
    }
    rtc_update_irq(s);
    rtc_schedule_update(s);
}

/* The periodic rate in 32 kHz ticks, 0 when no periodic interrupt runs. */
static uint32_t rtc_periodic_ticks(RTCState *s)
{
    int code = s->cmos_data[RTC_REG_A] & REG_A_RS_MASK;

    if (!code || !(s->cmos_data[RTC_REG_B] & REG_B_PIE) ||
        rtc_divider_in_reset(s->cmos_data[RTC_REG_A])) {
        return 0;
    }
    if (code <= 2) {
        code += 7; /* rates 1 and 2 repeat 8 and 9 at 32 kHz */
    }
    return 1u << (code - 1);
}

/*
 * (Re)arm the periodic timer from now (virtual ns).  After a rate change
 * the time since the last tick counts toward the new period, so the guest
 * sees each period in full, as QEMU does.
 */
static void rtc_periodic_update(RTCState *s, int64_t now, uint32_t old_period,
                                bool period_change)
{
    uint32_t period = rtc_periodic_ticks(s);
    int64_t cur, lost = 0, next;

    s->period = period;
    if (!period) {
        timer_del(s->periodic_timer);
        return;
    }
    cur = muldiv64(now, RTC_CLOCK_RATE, NANOSECONDS_PER_SECOND);
    if (old_period && period_change) {
        int64_t last = muldiv64(s->next_periodic_time, RTC_CLOCK_RATE,
                                NANOSECONDS_PER_SECOND) -
                       old_period;

        lost = MIN(MAX(cur - last, 0), (int64_t)period);
    }
    next = cur + period - lost;
    s->next_periodic_time =
        muldiv64(next, NANOSECONDS_PER_SECOND, RTC_CLOCK_RATE) + 1;
    timer_mod(s->periodic_timer, s->next_periodic_time);
}

static void rtc_periodic_timer_cb(void *opaque)
{
    RTCState *s = opaque;

    s->cmos_data[RTC_REG_C] |= REG_C_PF;
    rtc_update_irq(s);
    rtc_periodic_update(s, s->next_periodic_time, s->period, false);
}

/* ---- Registers ---------------------------------------------------------- */

static bool rtc_is_time_reg(uint8_t index)
{
    switch (index) {
    case RTC_SECONDS:
    case RTC_MINUTES:
    case RTC_HOURS:
    case RTC_DAY_OF_WEEK:
    case RTC_DAY_OF_MONTH:
    case RTC_MONTH:
    case RTC_YEAR:
    case RTC_CENTURY:
        return true;
    }
    return false;
}

/*
 * Apply a write to register A or B through the run-state transitions:
 * stopping keeps the registers, starting recomputes the time from them.
 */
static void rtc_write_control(RTCState *s, uint8_t index, uint8_t val)
{
    bool was_running = rtc_running(s);
    uint8_t old_a = s->cmos_data[RTC_REG_A];
    uint8_t old_b = s->cmos_data[RTC_REG_B];
    uint8_t new_a = old_a, new_b = old_b;

    if (index == RTC_REG_A) {
        new_a = val & ~REG_A_UIP;
    } else {
        new_b = val;
        if (val & REG_B_SET) {
            new_b &= ~REG_B_UIE; /* SET clears UIE, as the chip does */
        }
    }
    if (was_running &&
        ((new_b & REG_B_SET) || (new_a & REG_A_DV_MASK) > REG_A_DV_32KHZ)) {
        rtc_freeze(s);
    }
    if (rtc_divider_in_reset(old_a) && !rtc_divider_in_reset(new_a)) {
        /* Out of divider reset: the first update is 500 ms away. */
        s->frozen_phase_ns = RTC_FIRST_UPDATE_PHASE_NS;
    }
    s->cmos_data[RTC_REG_A] = new_a;
    s->cmos_data[RTC_REG_B] = new_b;
    if (!was_running && rtc_running(s)) {
        rtc_set_time(s, s->frozen_phase_ns);
    }
    if ((old_a ^ new_a) & (REG_A_RS_MASK | REG_A_DV_MASK)) {
        rtc_periodic_update(s, rtc_virtual_ns(s), s->period, true);
    } else if ((old_b ^ new_b) & REG_B_PIE) {
        rtc_periodic_update(s, rtc_virtual_ns(s), s->period, false);
    }
    rtc_update_irq(s);
    rtc_schedule_update(s);
}

static void rtc_write_data(RTCState *s, uint8_t val)
{
    uint8_t index = s->cmos_index;

    switch (index) {
    case RTC_REG_A:
    case RTC_REG_B:
        rtc_write_control(s, index, val);
        return;
    case RTC_REG_C:
    case RTC_REG_D:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "mc146818rtc: write 0x%02x to the "
                      "read-only register %c ignored\n",
                      val, 'A' + index - RTC_REG_A);
        return;
    }
    if (rtc_is_time_reg(index) && rtc_running(s)) {
        int64_t phase;

        rtc_update_time(s);
        phase = floor_mod(rtc_guest_ns(s), NANOSECONDS_PER_SECOND);
        s->cmos_data[index] = val;
        rtc_set_time(s, phase);
        rtc_schedule_update(s);
        return;
    }
    s->cmos_data[index] = val;
}

static uint8_t rtc_read_data(RTCState *s)
{
    uint8_t index = s->cmos_index, ret;

    switch (index) {
    case RTC_REG_A:
        ret = s->cmos_data[RTC_REG_A];
        if (rtc_update_in_progress(s)) {
            ret |= REG_A_UIP;
        }
        return ret;
    case RTC_REG_C:
        ret = s->cmos_data[RTC_REG_C];
        s->cmos_data[RTC_REG_C] = 0;
        rtc_update_irq(s);
        if (!timer_pending(s->update_timer)) {
            rtc_schedule_update(s);
        }
        return ret;
    case RTC_REG_D:
        return REG_D_VRT;
    }
    if (rtc_is_time_reg(index)) {
        rtc_update_time(s);
    }
    return s->cmos_data[index];
}

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        return 0xff; /* the index port is write-only */
    }
    return rtc_read_data(s);
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        /* Bit 7 gates NMI on the PC; there is no NMI source to gate. */
        s->cmos_index = val & RTC_INDEX_MASK;
        return;
    }
    rtc_write_data(s, val);
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Board interface ---------------------------------------------------- */

void rtc_set_memory(DeviceState *dev, int addr, uint8_t val)
{
    RTCState *s = MC146818_RTC(dev);

    if (addr >= 0 && addr < RTC_CMOS_SIZE) {
        s->cmos_data[addr] = val;
    }
}

uint8_t rtc_get_memory(DeviceState *dev, int addr)
{
    RTCState *s = MC146818_RTC(dev);

    return addr >= 0 && addr < RTC_CMOS_SIZE ? s->cmos_data[addr] : 0;
}

/* The latest -rtc base= date, in ns since the epoch. */
#define RTC_BASE_MAX_NS (INT64_MAX / 2)

/* -rtc base=: the guest's time now, in ns since the epoch. */
static bool rtc_parse_base(const char *base, int64_t *guest_ns, Error **errp)
{
    int64_t wall = g_get_real_time() * SCALE_US;
    int year, mon, mday, hour = 0, min = 0, sec = 0, n = -1;

    if (!strcmp(base, "utc")) {
        *guest_ns = wall;
        return true;
    }
    if (!strcmp(base, "localtime")) {
        time_t now = wall / NANOSECONDS_PER_SECOND;
        struct tm tm;

        localtime_r(&now, &tm);
        *guest_ns = wall + tm.tm_gmtoff * NANOSECONDS_PER_SECOND;
        return true;
    }
    if ((sscanf(base, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &mday, &hour,
                &min, &sec, &n) == 6 &&
         n == (int)strlen(base)) ||
        (sscanf(base, "%4d-%2d-%2d%n", &year, &mon, &mday, &n) == 3 &&
         n == (int)strlen(base))) {
        if (year >= 1900 && mon >= 1 && mon <= 12 && mday >= 1 && mday <= 31 &&
            hour < 24 && min < 60 && sec < 60) {
            int64_t secs = rtc_mktimegm(year, mon, mday, hour, min, sec);

            /*
             * The guest's time is kept in ns as clock + offset: each must
             * stay within half of int64_t (as rtc_set_time saturates the
             * guest's own writes), which ends early in 2116.
             */
            if (secs > RTC_BASE_MAX_NS / NANOSECONDS_PER_SECOND) {
                time_t last = RTC_BASE_MAX_NS / NANOSECONDS_PER_SECOND;
                struct tm tm;
                char text[32];

                gmtime_r(&last, &tm);
                strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &tm);
                error_setg(errp,
                           "-rtc base=%s: date out of range (the latest is "
                           "%s)",
                           base, text);
                return false;
            }
            *guest_ns = secs * NANOSECONDS_PER_SECOND;
            return true;
        }
    }
    error_setg(errp,
               "-rtc base=%s: invalid base (use utc, localtime or a "
               "date YYYY-MM-DDTHH:MM:SS / YYYY-MM-DD)",
               base);
    return false;
}

static bool rtc_parse_clock(const char *clock, RTCClockKind *kind, Error **errp)
{
    if (!strcmp(clock, "host")) {
        *kind = RTC_CLOCK_HOST;
    } else if (!strcmp(clock, "rt")) {
        *kind = RTC_CLOCK_RT;
    } else if (!strcmp(clock, "vm")) {
        *kind = RTC_CLOCK_VM;
    } else {
        error_setg(errp, "-rtc clock=%s: invalid clock (use host, rt or vm)",
                   clock);
        return false;
    }
    return true;
}

bool rtc_check_options(const char *base, const char *clock, Error **errp)
{
    int64_t ns;
    RTCClockKind kind;

    return (!base || rtc_parse_base(base, &ns, errp)) &&
           (!clock || rtc_parse_clock(clock, &kind, errp));
}

/* ---- Realize, reset ----------------------------------------------------- */

static void rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);
    MachineState *ms = sysbus_machine(dev);
    const char *base = s->base, *clock = s->clock;
    int64_t guest_ns;

    if (!ms || !ms->clocks) {
        error_setg(errp, "mc146818rtc: the machine has no clocks");
        return;
    }
    if (s->iobase > 0xfffe) {
        error_setg(errp,
                   "mc146818rtc: iobase 0x%x is not an I/O port "
                   "(0 to 0xfffe)",
                   s->iobase);
        return;
    }
    if (!base || !*base) {
        base = ms->rtc_base && *ms->rtc_base ? ms->rtc_base : "utc";
    }
    if (!clock || !*clock) {
        clock = ms->rtc_clock && *ms->rtc_clock ? ms->rtc_clock : "host";
    }
    if (!rtc_parse_clock(clock, &s->clock_kind, errp) ||
        !rtc_parse_base(base, &guest_ns, errp)) {
        return;
    }
    s->clocks = ms->clocks;
    s->irq = sysbus_get_irq(dev, RTC_ISA_IRQ);
    /*
     * Seconds end by the clock the time comes from: with clock=host or rt
     * the registers follow host time, so a virtual-clock timer would fire
     * ahead of them and re-arm once per virtual second (a qtest step to
     * the far future never ending).
     */
    s->update_clock = s->clock_kind == RTC_CLOCK_VM ? QEMU_CLOCK_VIRTUAL
                                                    : QEMU_CLOCK_REALTIME;
    s->update_timer =
        timer_new_ns(s->clocks, s->update_clock, rtc_update_timer_cb, s);
    s->periodic_timer =
        timer_new_ns(s->clocks, QEMU_CLOCK_VIRTUAL, rtc_periodic_timer_cb, s);

    s->cmos_data[RTC_REG_A] = RTC_REG_A_RESET;
    s->cmos_data[RTC_REG_B] = REG_B_24H;
    s->cmos_data[RTC_REG_C] = 0;
    s->cmos_data[RTC_REG_D] = REG_D_VRT;
    s->offset_ns = guest_ns - rtc_clock_ns(s);
    rtc_update_time(s);

    memory_region_init_io(&s->io, s, &rtc_io_ops, s, "rtc", 2);
    memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->io);
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    memory_region_destroy(&s->io);
    timer_free(s->update_timer);
    timer_free(s->periodic_timer);
    s->update_timer = s->periodic_timer = NULL;
    qemu_set_irq(s->irq, 0);
}

/* A reset stops the interrupts; the time and the RAM survive (battery). */
static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    s->cmos_data[RTC_REG_B] &=
        ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    s->cmos_data[RTC_REG_C] = 0;
    rtc_update_irq(s);
    rtc_periodic_update(s, rtc_virtual_ns(s), 0, false);
    rtc_schedule_update(s);
}

static const Property rtc_properties[] = {
    DEFINE_PROP_INT32("base_year", RTCState, base_year, 0),
    DEFINE_PROP_UINT32("iobase", RTCState, iobase, RTC_ISA_BASE),
    DEFINE_PROP_STRING("base", RTCState, base),
    DEFINE_PROP_STRING("clock", RTCState, clock),
    DEFINE_PROP_END_OF_LIST(),
};

static void rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = rtc_realize;
    dc->unrealize = rtc_unrealize;
    dc->reset = rtc_reset;
    dc->desc = "MC146818 real-time clock and CMOS RAM";
    dc->categories |= 1ul << DEVICE_CATEGORY_MISC;
    device_class_set_props(dc, rtc_properties);
}

static const TypeInfo rtc_type = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RTCState),
    .class_init = rtc_class_init,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_type);
}

type_init(rtc_register_types)
