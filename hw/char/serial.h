/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ISA 16550A UART ("isa-serial"): properties iobase (default 0x3f8),
 * irq (default 4) and chardev (a chardev id).  Registers: serial-regs.h.
 */
#ifndef KEMU_HW_CHAR_SERIAL_H
#define KEMU_HW_CHAR_SERIAL_H

#define TYPE_ISA_SERIAL "isa-serial"

/* The PC's COM1..COM4 ports and IRQs. */
#define SERIAL_COM1_IOBASE 0x3f8
#define SERIAL_COM2_IOBASE 0x2f8
#define SERIAL_COM3_IOBASE 0x3e8
#define SERIAL_COM4_IOBASE 0x2e8
#define SERIAL_COM1_IRQ    4
#define SERIAL_COM2_IRQ    3

#endif
