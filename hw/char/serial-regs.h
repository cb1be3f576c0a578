/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART registers and bits (National Semiconductor PC16550D / TI
 * TL16C550 datasheets), shared by the device model and its tests.
 */
#ifndef KEMU_HW_CHAR_SERIAL_REGS_H
#define KEMU_HW_CHAR_SERIAL_REGS_H

/* Register offsets from the base port. */
#define UART_RBR      0 /* receive buffer (read, DLAB=0) */
#define UART_THR      0 /* transmit holding (write, DLAB=0) */
#define UART_DLL      0 /* divisor latch low (DLAB=1) */
#define UART_IER      1 /* interrupt enable (DLAB=0) */
#define UART_DLM      1 /* divisor latch high (DLAB=1) */
#define UART_IIR      2 /* interrupt identification (read) */
#define UART_FCR      2 /* FIFO control (write) */
#define UART_LCR      3 /* line control */
#define UART_MCR      4 /* modem control */
#define UART_LSR      5 /* line status */
#define UART_MSR      6 /* modem status */
#define UART_SCR      7 /* scratch */
#define UART_NUM_REGS 8

#define UART_IER_RDI  0x01 /* received data available */
#define UART_IER_THRI 0x02 /* transmitter holding register empty */
#define UART_IER_RLSI 0x04 /* receiver line status */
#define UART_IER_MSI  0x08 /* modem status */
#define UART_IER_MASK 0x0f

#define UART_IIR_NO_INT 0x01 /* no interrupt pending */
#define UART_IIR_ID     0x0e /* the interrupt ID field */
#define UART_IIR_MSI    0x00 /* modem status */
#define UART_IIR_THRI   0x02 /* THR empty */
#define UART_IIR_RDI    0x04 /* received data available */
#define UART_IIR_RLSI   0x06 /* receiver line status */
#define UART_IIR_CTI    0x0c /* character timeout */
#define UART_IIR_FE     0xc0 /* FIFOs enabled */

#define UART_FCR_FE       0x01 /* FIFO enable */
#define UART_FCR_RFR      0x02 /* receiver FIFO reset */
#define UART_FCR_XFR      0x04 /* transmitter FIFO reset */
#define UART_FCR_DMS      0x08 /* DMA mode select */
#define UART_FCR_ITL_MASK 0xc0 /* receiver trigger level */
#define UART_FCR_ITL_1    0x00
#define UART_FCR_ITL_4    0x40
#define UART_FCR_ITL_8    0x80
#define UART_FCR_ITL_14   0xc0

#define UART_LCR_WLS  0x03 /* word length: 5 + value bits */
#define UART_LCR_STB  0x04 /* 2 stop bits (1.5 for 5-bit words) */
#define UART_LCR_PEN  0x08 /* parity enable */
#define UART_LCR_SBC  0x40 /* set break */
#define UART_LCR_DLAB 0x80 /* divisor latch access */

#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR      0x01 /* data ready */
#define UART_LSR_OE      0x02 /* overrun error */
#define UART_LSR_PE      0x04 /* parity error */
#define UART_LSR_FE      0x08 /* framing error */
#define UART_LSR_BI      0x10 /* break interrupt */
#define UART_LSR_THRE    0x20 /* THR empty */
#define UART_LSR_TEMT    0x40 /* transmitter empty */
#define UART_LSR_FIFOE   0x80 /* an error in the RX FIFO */
#define UART_LSR_INT_ANY 0x1e

#define UART_MSR_DCTS      0x01 /* delta clear to send */
#define UART_MSR_DDSR      0x02 /* delta data set ready */
#define UART_MSR_TERI      0x04 /* trailing edge ring indicator */
#define UART_MSR_DDCD      0x08 /* delta data carrier detect */
#define UART_MSR_ANY_DELTA 0x0f
#define UART_MSR_CTS       0x10
#define UART_MSR_DSR       0x20
#define UART_MSR_RI        0x40
#define UART_MSR_DCD       0x80

#define UART_FIFO_LENGTH 16
/* The input clock divided by 16: divisor 1 is 115200 baud. */
#define UART_BASE_BAUD 115200

#endif
