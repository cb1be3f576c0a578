/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "nopit", run with -machine pit=off: the machine has no 8254.
 * Programming channel 0 as a 1 kHz rate generator changes nothing: its
 * latched count reads back as 0xffff (nothing decodes 0x40-0x43) and no
 * interrupt arrives on IRQ 0 in 100 ms.
 */
#include "lib.h"

#define PIT_SEL_CH0     0x00
#define PIT_ACCESS_LOHI 0x30
#define PIT_MODE_RATE   0x04
#define PIT_LATCH_CH0   0x00
#define RATE_HZ         1000
#define QUIET_MS        100
#define BYTE_BITS       8
#define BYTE_MASK       0xff
#define ABSENT          0xffff

const char test_name[] = "nopit";

static volatile uint32_t ticks;

static void pit_irq(struct isr_frame *frame)
{
    (void)frame;
    ticks++;
    pic_eoi(PIT_IRQ);
}

void test_main(void)
{
    uint16_t divisor = PIT_HZ / RATE_HZ;
    uint16_t latched;

    pic_init();
    lapic_enable();
    isr_set_handler(PIC_VECTOR_BASE + PIT_IRQ, pit_irq);
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_ACCESS_LOHI | PIT_MODE_RATE);
    outb(PIT_CH0, divisor & BYTE_MASK);
    outb(PIT_CH0, divisor >> BYTE_BITS);
    outb(PIT_CMD, PIT_LATCH_CH0);
    latched = inb(PIT_CH0);
    latched |= inb(PIT_CH0) << BYTE_BITS;
    if (latched != ABSENT) {
        test_fail("channel 0 latched 0x%x: a PIT answers at 0x40", latched);
    }
    pic_unmask(PIT_IRQ);
    irq_enable();
    delay_ms(QUIET_MS);
    irq_disable();
    if (ticks) {
        test_fail("%u interrupts on IRQ 0 without a PIT", ticks);
    }
    printf("nopit: ports 0x40-0x43 read 0xff, no IRQ 0 in %u ms\n", QUIET_MS);
}
