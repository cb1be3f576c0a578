/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "pit": the 8254 PIT at 0x40-0x43.  Channel 0 in mode 2 (rate
 * generator, 1 kHz) interrupts on IRQ 0 through the 8259 PIC and LINT0;
 * the latched count moves; channel 0 in mode 0 (one-shot) interrupts once;
 * channel 2 gated through port 0x61 raises OUT2 (how Linux calibrates TSC).
 */
#include "lib.h"

#define PIT_SEL_CH0      0x00
#define PIT_SEL_CH2      0x80
#define PIT_ACCESS_LOHI  0x30
#define PIT_MODE_ONESHOT 0x00 /* mode 0: interrupt on terminal count */
#define PIT_MODE_RATE    0x04 /* mode 2: rate generator */
#define PIT_LATCH_CH0    0x00
#define PORT_B_GATE2     0x01
#define PORT_B_SPEAKER   0x02
#define PORT_B_OUT2      0x20

#define PERIODIC_HZ         1000
#define PERIODIC_TICKS      100
#define PERIODIC_TIMEOUT_MS 10000 /* 100 ms of ticks, late on a slow host */
#define PERIOD_MIN_US       980   /* 1193 / 1193182 s is 999.8 us */
#define BACKLOG_TICKS       5     /* may be pending or latched at the unmask */
#define LAPIC_TIMER_VECTOR  0x40
#define LAPIC_DIVIDE_BY_4   0x01 /* KVM: 1 ns per bus cycle, so 4 ns */
#define LAPIC_COUNTS_PER_US 250u
#define LAPIC_COUNT_MAX     0xffffffffu /* 17 s at 4 ns */
#define ONESHOT_MS          10
#define ONESHOT_TIMEOUT_MS  1000
#define ONESHOT_DRAIN_MS    1
#define ONESHOT_QUIET_MS    100
#define CH2_MS              5
#define CH2_TIMEOUT_MS      1000
#define LATCH_SAMPLES       8
#define MS_PER_S            1000
#define US_PER_MS           1000
#define BYTE_BITS           8
#define BYTE_MASK           0xff

const char test_name[] = "pit";

static volatile uint32_t ticks;

static void pit_irq(struct isr_frame *frame)
{
    (void)frame;
    ticks++;
    pic_eoi(PIT_IRQ);
}

/*
 * A clock for the checks: KVM's LAPIC timer (a 1 ns bus cycle, so 4 ns per
 * count at divide 4), one-shot from the top, masked, counting down.
 */
static uint32_t lapic_clock_start(void)
{
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | LAPIC_TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_DIVIDE, LAPIC_DIVIDE_BY_4);
    lapic_write(LAPIC_TIMER_INITIAL, LAPIC_COUNT_MAX);
    return lapic_read(LAPIC_TIMER_CURRENT);
}

static uint32_t lapic_us_since(uint32_t start)
{
    return (start - lapic_read(LAPIC_TIMER_CURRENT)) / LAPIC_COUNTS_PER_US;
}

static void pit_program(uint8_t sel, uint16_t port, uint8_t mode,
                        uint16_t count)
{
    outb(PIT_CMD, sel | PIT_ACCESS_LOHI | mode);
    outb(port, count & BYTE_MASK);
    outb(port, count >> BYTE_BITS);
}

static uint16_t pit_read_ch0(void)
{
    uint8_t lo, hi;

    outb(PIT_CMD, PIT_LATCH_CH0);
    lo = inb(PIT_CH0);
    hi = inb(PIT_CH0);
    return (uint16_t)(lo | (hi << BYTE_BITS));
}

static void check_periodic(void)
{
    uint16_t divisor = PIT_HZ / PERIODIC_HZ;
    uint16_t first, prev;
    int moved = 0;
    uint32_t start, elapsed_us;

    pit_program(PIT_SEL_CH0, PIT_CH0, PIT_MODE_RATE, divisor);
    first = prev = pit_read_ch0();
    for (int i = 0; i < LATCH_SAMPLES; i++) {
        uint16_t now = pit_read_ch0();

        if (now > divisor) {
            test_fail("latched count %u above the divisor %u", now, divisor);
        }
        if (now != prev) {
            moved = 1;
        }
        prev = now;
    }
    if (!moved) {
        test_fail("latched channel 0 count stuck at %u", first);
    }

    /*
     * KVM's PIT reinjects the ticks a slow guest has not taken yet, so on a
     * loaded or nested host they come late, but none is lost: wait for all
     * of them, and check they never outrun the period (a PIT counting too
     * fast fails), timed by the LAPIC timer (KVM's own: a 1 ns bus cycle,
     * 4 ns per count at divide 4) from the unmask: the ticks after the
     * first need (ticks - 1) periods of 1193 / 1193182 s, less a few that
     * may already wait at the unmask (nested, 100 came in 96.8 ms).
     */
    start = lapic_clock_start();
    pic_unmask(PIT_IRQ);
    if (!wait_count(&ticks, PERIODIC_TICKS, PERIODIC_TIMEOUT_MS)) {
        test_fail("%u of %u periodic ticks on IRQ 0 in %u ms (TSC guess)",
                  ticks, PERIODIC_TICKS, PERIODIC_TIMEOUT_MS);
    }
    elapsed_us = lapic_us_since(start);
    irq_disable();
    printf("pit: %u periodic ticks at %u Hz on IRQ 0 (vector 0x%x) in %u us\n",
           ticks, PERIODIC_HZ, PIC_VECTOR_BASE + PIT_IRQ, elapsed_us);
    if (elapsed_us < (ticks - 1 - BACKLOG_TICKS) * PERIOD_MIN_US) {
        test_fail("%u ticks of a %u Hz PIT in %u us of the LAPIC timer", ticks,
                  PERIODIC_HZ, elapsed_us);
    }
}

static void check_oneshot(void)
{
    uint32_t base;

    /*
     * Entering mode 0 drops OUT until the terminal count.  A rate-generator
     * edge may still be latched in the PIC's IRR: let it in before counting.
     */
    irq_disable();
    pit_program(PIT_SEL_CH0, PIT_CH0, PIT_MODE_ONESHOT,
                PIT_HZ / MS_PER_S * ONESHOT_MS);
    irq_enable();
    delay_ms(ONESHOT_DRAIN_MS);
    base = ticks;
    if (!wait_count(&ticks, base + 1, ONESHOT_TIMEOUT_MS)) {
        test_fail("no interrupt from a %u ms one-shot (mode 0)", ONESHOT_MS);
    }
    delay_ms(ONESHOT_QUIET_MS);
    irq_disable();
    if (ticks != base + 1) {
        test_fail("one-shot (mode 0) gave %u interrupts, want 1", ticks - base);
    }
    pic_mask(PIT_IRQ);
    printf("pit: one-shot (mode 0) interrupted once\n");
}

static void check_channel2(void)
{
    uint64_t deadline;
    uint8_t portb = inb(PORT_B);
    uint32_t start, read_us;
    int out2;

    /*
     * Mode 0 drops OUT2 until the terminal count.  KVM's PIT counts from
     * the count's load even with the gate low, so OUT2 must read low only
     * when the read came back within the count (a stalled vCPU, nested,
     * may read it later).
     */
    outb(PORT_B, (portb & ~(PORT_B_SPEAKER | PORT_B_GATE2)));
    start = lapic_clock_start();
    pit_program(PIT_SEL_CH2, PIT_CH2, PIT_MODE_ONESHOT,
                PIT_HZ / MS_PER_S * CH2_MS);
    out2 = inb(PORT_B) & PORT_B_OUT2;
    read_us = lapic_us_since(start);
    if (out2 && read_us < CH2_MS * US_PER_MS) {
        test_fail("port 0x61 OUT2 high %u us after programming channel 2 "
                  "for %u ms",
                  read_us, CH2_MS);
    }
    if (out2) {
        printf("pit: OUT2 read %u us after programming, past the %u ms "
               "count: high, as it may be\n",
               read_us, CH2_MS);
    }
    outb(PORT_B, (portb & ~PORT_B_SPEAKER) | PORT_B_GATE2);
    deadline = tsc_deadline(CH2_TIMEOUT_MS);
    while (!(inb(PORT_B) & PORT_B_OUT2)) {
        if (tsc_expired(deadline)) {
            test_fail("port 0x61 OUT2 never rose after a %u ms count", CH2_MS);
        }
    }
    outb(PORT_B, portb & ~(PORT_B_SPEAKER | PORT_B_GATE2));
    printf("pit: channel 2 OUT2 rose in port 0x61\n");
}

void test_main(void)
{
    pic_init();
    lapic_enable();
    isr_set_handler(PIC_VECTOR_BASE + PIT_IRQ, pit_irq);
    check_periodic();
    check_oneshot();
    check_channel2();
}
