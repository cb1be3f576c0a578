/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's IOAPIC as the board sees it ("ioapic"): 24 GPIO input lines,
 * one per global system interrupt, which the board hands its devices as
 * ISA IRQ n = GSI n.  Its registers at 0xFEC00000 live in the accelerator
 * (KVM's in-kernel IOAPIC); qtest intercepts these lines by the partial
 * QOM path "ioapic".
 */
#ifndef KEMU_HW_I386_IOAPIC_H
#define KEMU_HW_I386_IOAPIC_H

#include "hw/core/sysbus.h"

#define TYPE_IOAPIC     "ioapic"
#define IOAPIC_NUM_PINS 24

#endif
