/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's 8254 programmable interval timer (PIT) at ports 0x40-0x43.
 * Under KVM it runs in the kernel: the "kvm-pit" device stands for it in
 * the machine's tree, carries its properties and asks the accelerator to
 * create it (hw/core/machine.h, AccelOps.create_pit).  Elsewhere (qtest)
 * kemu emulates it: "isa-pit" (hw/timer/i8254.c).
 */
#ifndef KEMU_HW_TIMER_I8254_H
#define KEMU_HW_TIMER_I8254_H

#include "hw/core/sysbus.h"

#define TYPE_KVM_PIT "kvm-pit"
#define TYPE_ISA_PIT "isa-pit"
#define PIT_IOBASE   0x40
#define PIT_ISA_IRQ  0

#endif
