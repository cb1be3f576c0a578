/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "lapic-timer": the local APIC at 0xfee00000 (xAPIC MMIO).  ID and
 * version registers, then the LVT timer at vector 0x40: periodic mode
 * (interrupts keep coming), one-shot mode (exactly one, current count ends
 * at 0) and a masked one-shot (count runs down, no interrupt).
 */
#include "lib.h"

#define TIMER_VECTOR       0x40
#define TIMER_DIVIDE_BY_16 0x3
/* 62500 bus cycles / 16 = 1 ms with KVM's 1 GHz APIC bus (not relied on). */
#define TIMER_COUNT                  62500
#define PERIODIC_TICKS               50
#define PERIODIC_TIMEOUT_MS          3000
#define ONESHOT_TIMEOUT_MS           1000
#define ONESHOT_QUIET_MS             50
#define MASKED_TIMEOUT_MS            1000
#define DRAIN_MS                     1
#define LAPIC_VERSION_MASK           0xff
#define LAPIC_VERSION_INTEGRATED_MIN 0x10
#define LAPIC_VERSION_INTEGRATED_MAX 0x1f
#define LAPIC_MAX_LVT_SHIFT          16
#define LAPIC_MAX_LVT_MASK           0xff
#define LAPIC_MIN_MAX_LVT            3 /* timer, LINT0, LINT1, error: index 3 */

const char test_name[] = "lapic-timer";

static volatile uint32_t ticks;

static void timer_irq(struct isr_frame *frame)
{
    (void)frame;
    ticks++;
    lapic_eoi();
}

static void check_registers(void)
{
    uint32_t version = lapic_read(LAPIC_VERSION);
    uint32_t max_lvt = (version >> LAPIC_MAX_LVT_SHIFT) & LAPIC_MAX_LVT_MASK;

    printf("lapic: id %u version %08x\n", lapic_id(), version);
    if ((version & LAPIC_VERSION_MASK) < LAPIC_VERSION_INTEGRATED_MIN ||
        (version & LAPIC_VERSION_MASK) > LAPIC_VERSION_INTEGRATED_MAX) {
        test_fail("LAPIC version %08x: not an integrated APIC", version);
    }
    if (max_lvt < LAPIC_MIN_MAX_LVT) {
        test_fail("LAPIC max LVT entry %u, want >= %u", max_lvt,
                  LAPIC_MIN_MAX_LVT);
    }
    if (lapic_id() != 0) {
        test_fail("boot CPU has APIC ID %u, want 0", lapic_id());
    }
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    if (lapic_read(LAPIC_TIMER_DIVIDE) != TIMER_DIVIDE_BY_16) {
        test_fail("timer divide register reads %x, wrote %x",
                  lapic_read(LAPIC_TIMER_DIVIDE), TIMER_DIVIDE_BY_16);
    }
}

static void check_periodic(void)
{
    uint32_t c1, c2;

    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_TIMER_PERIODIC | TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT);
    c1 = lapic_read(LAPIC_TIMER_CURRENT);
    c2 = lapic_read(LAPIC_TIMER_CURRENT);
    if (c1 > TIMER_COUNT || c2 > TIMER_COUNT || c1 == 0) {
        test_fail("current count %u then %u with initial count %u", c1, c2,
                  TIMER_COUNT);
    }
    if (!wait_count(&ticks, PERIODIC_TICKS, PERIODIC_TIMEOUT_MS)) {
        test_fail("%u of %u periodic timer interrupts", ticks, PERIODIC_TICKS);
    }
    irq_disable();
    lapic_write(LAPIC_TIMER_INITIAL, 0); /* stops the timer */
    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | TIMER_VECTOR);
    printf("lapic: %u periodic interrupts at vector 0x%x\n", ticks,
           TIMER_VECTOR);
}

static void check_oneshot(void)
{
    uint32_t base;

    irq_enable();
    delay_ms(DRAIN_MS); /* let a last periodic interrupt in */
    base = ticks;
    lapic_write(LAPIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
    lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT);
    if (!wait_count(&ticks, base + 1, ONESHOT_TIMEOUT_MS)) {
        test_fail("no one-shot timer interrupt");
    }
    delay_ms(ONESHOT_QUIET_MS);
    irq_disable();
    if (ticks != base + 1) {
        test_fail("one-shot timer gave %u interrupts, want 1", ticks - base);
    }
    if (lapic_read(LAPIC_TIMER_CURRENT) != 0) {
        test_fail("current count %u after the one-shot expired",
                  lapic_read(LAPIC_TIMER_CURRENT));
    }
    printf("lapic: one-shot interrupted once, current count 0\n");
}

static void check_masked(void)
{
    uint32_t base = ticks;
    uint64_t deadline = tsc_deadline(MASKED_TIMEOUT_MS);

    lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | TIMER_VECTOR);
    lapic_write(LAPIC_TIMER_INITIAL, TIMER_COUNT);
    irq_enable();
    while (lapic_read(LAPIC_TIMER_CURRENT) != 0) {
        if (tsc_expired(deadline)) {
            test_fail("masked one-shot: current count stuck at %u",
                      lapic_read(LAPIC_TIMER_CURRENT));
        }
    }
    delay_ms(DRAIN_MS);
    irq_disable();
    if (ticks != base) {
        test_fail("masked LVT timer still interrupted (%u)", ticks - base);
    }
    printf("lapic: masked one-shot ran down without an interrupt\n");
}

void test_main(void)
{
    lapic_enable();
    isr_set_handler(TIMER_VECTOR, timer_irq);
    check_registers();
    check_periodic();
    check_oneshot();
    check_masked();
}
