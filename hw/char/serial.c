/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The 16550A UART on the ISA bus, after the National PC16550D datasheet:
 * divisor latch, 16-byte FIFOs with receive trigger levels, the interrupt
 * priorities of IIR, character timeout, loopback and modem status.  Output
 * is not throttled to the baud rate: a THR write reaches the chardev at
 * once and THR is empty again, with the THRE interrupt raised as the chip
 * would when it finished sending.
 */
#include "util/osdep.h"
#include "util/fifo8.h"
#include "util/log.h"
#include "util/timer.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties-system.h"
#include "hw/core/sysbus.h"
#include "chardev/chardev.h"
#include "exec/memory.h"
#include "hw/char/serial.h"
#include "hw/char/serial-regs.h"

/* The modem inputs of an idle line: carrier, data set ready, clear to send. */
#define UART_MSR_IDLE_INPUTS (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)
/* Reset divisor: 9600 baud, as QEMU. */
#define UART_RESET_DIVISOR 0x0c

OBJECT_DECLARE_SIMPLE_TYPE(SerialState, ISA_SERIAL)

struct SerialState {
    SysBusDevice parent_obj;

    /* Properties. */
    uint32_t iobase;
    uint32_t irq_num;
    CharBackend chr;

    MemoryRegion io;
    qemu_irq irq;
    KemuTimer *fifo_timeout_timer;

    uint16_t divider;
    uint8_t ier;
    uint8_t iir; /* the FIFO bits and the pending interrupt ID */
    uint8_t lcr;
    uint8_t mcr;
    uint8_t lsr;
    uint8_t msr;
    uint8_t scr;
    uint8_t fcr;
    uint8_t rbr;       /* last byte received, read again if RX is empty */
    bool thr_ipending; /* THRE interrupt pending (until IIR read/THR write) */
    bool timeout_ipending;
    unsigned recv_fifo_itl;     /* receive trigger level in bytes */
    int64_t char_transmit_time; /* ns per character at the line settings */
    Fifo8 recv_fifo;
    Fifo8 xmit_fifo;
};

static const uint8_t serial_trigger_levels[4] = {1, 4, 8, 14};

static bool serial_fifo_enabled(SerialState *s)
{
    return s->fcr & UART_FCR_FE;
}

/* Recompute IIR from the pending conditions, by priority, and the line. */
static void serial_update_irq(SerialState *s)
{
    uint8_t id = UART_IIR_NO_INT;

    if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY)) {
        id = UART_IIR_RLSI;
    } else if ((s->ier & UART_IER_RDI) && s->timeout_ipending) {
        id = UART_IIR_CTI;
    } else if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR) &&
               (!serial_fifo_enabled(s) ||
                fifo8_num_used(&s->recv_fifo) >= s->recv_fifo_itl)) {
        id = UART_IIR_RDI;
    } else if ((s->ier & UART_IER_THRI) && s->thr_ipending) {
        id = UART_IIR_THRI;
    } else if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA)) {
        id = UART_IIR_MSI;
    }
    s->iir = (s->iir & UART_IIR_FE) | id;
    qemu_set_irq(s->irq, id != UART_IIR_NO_INT);
}

/* Character time from the divisor and LCR: start, data, parity, stop bits. */
static void serial_update_parameters(SerialState *s)
{
    unsigned bits = 1 + 5 + (s->lcr & UART_LCR_WLS);
    uint16_t divider = s->divider ? s->divider : 1;

    bits += (s->lcr & UART_LCR_PEN) ? 1 : 0;
    bits += (s->lcr & UART_LCR_STB) ? 2 : 1;
    s->char_transmit_time =
        (NANOSECONDS_PER_SECOND * (int64_t)divider * bits) / UART_BASE_BAUD;
}

static int64_t serial_now(SerialState *s)
{
    return clock_get_ns(sysbus_machine(DEVICE(s))->clocks, QEMU_CLOCK_VIRTUAL);
}

/* Restart the 4-character receive timeout (FIFO mode, data waiting). */
static void serial_rearm_timeout(SerialState *s)
{
    if (serial_fifo_enabled(s) && !fifo8_is_empty(&s->recv_fifo)) {
        timer_mod(s->fifo_timeout_timer,
                  serial_now(s) + 4 * s->char_transmit_time);
    } else {
        timer_del(s->fifo_timeout_timer);
    }
}

static void serial_fifo_timeout(void *opaque)
{
    SerialState *s = opaque;

    if (!fifo8_is_empty(&s->recv_fifo)) {
        s->timeout_ipending = true;
        serial_update_irq(s);
    }
}

/* One character arrives at the receiver (the line or the loopback). */
static void serial_receive1(SerialState *s, uint8_t ch)
{
    if (serial_fifo_enabled(s)) {
        if (fifo8_is_full(&s->recv_fifo)) {
            s->lsr |= UART_LSR_OE;
        } else {
            fifo8_push(&s->recv_fifo, ch);
        }
    } else {
        if (s->lsr & UART_LSR_DR) {
            s->lsr |= UART_LSR_OE;
        }
        fifo8_reset(&s->recv_fifo);
        fifo8_push(&s->recv_fifo, ch);
    }
    s->rbr = ch;
    s->lsr |= UART_LSR_DR;
}

/* Send what the transmitter holds: to the line, or back in loopback. */
static void serial_xmit(SerialState *s)
{
    while (!fifo8_is_empty(&s->xmit_fifo)) {
        uint8_t ch = fifo8_pop(&s->xmit_fifo);

        if (s->mcr & UART_MCR_LOOP) {
            serial_receive1(s, ch);
        } else {
            qemu_chr_fe_write_all(&s->chr, &ch, 1);
        }
    }
    if (s->mcr & UART_MCR_LOOP) {
        serial_rearm_timeout(s);
        s->timeout_ipending = false;
    }
    s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
    s->thr_ipending = true;
}

/* The modem inputs, wired to the outputs in loopback; deltas on change. */
static void serial_update_msr(SerialState *s)
{
    uint8_t in = UART_MSR_IDLE_INPUTS, changed;

    if (s->mcr & UART_MCR_LOOP) {
        in = ((s->mcr & (UART_MCR_OUT1 | UART_MCR_OUT2)) << 4) |
             ((s->mcr & UART_MCR_RTS) << 3) | ((s->mcr & UART_MCR_DTR) << 5);
    }
    changed = (s->msr ^ in) & 0xf0;
    if (changed & UART_MSR_CTS) {
        s->msr |= UART_MSR_DCTS;
    }
    if (changed & UART_MSR_DSR) {
        s->msr |= UART_MSR_DDSR;
    }
    if ((changed & UART_MSR_RI) && !(in & UART_MSR_RI)) {
        s->msr |= UART_MSR_TERI;
    }
    if (changed & UART_MSR_DCD) {
        s->msr |= UART_MSR_DDCD;
    }
    s->msr = (s->msr & UART_MSR_ANY_DELTA) | in;
}

static void serial_write_fcr(SerialState *s, uint8_t val)
{
    if ((val ^ s->fcr) & UART_FCR_FE) {
        /* Switching the FIFOs on or off empties them. */
        val |= UART_FCR_RFR | UART_FCR_XFR;
    }
    if (val & UART_FCR_RFR) {
        fifo8_reset(&s->recv_fifo);
        timer_del(s->fifo_timeout_timer);
        s->timeout_ipending = false;
        s->lsr &= ~(UART_LSR_DR | UART_LSR_BI | UART_LSR_FIFOE);
    }
    if (val & UART_FCR_XFR) {
        fifo8_reset(&s->xmit_fifo);
        s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
        s->thr_ipending = true;
    }
    s->fcr = val & (UART_FCR_FE | UART_FCR_DMS | UART_FCR_ITL_MASK);
    if (val & UART_FCR_FE) {
        s->iir |= UART_IIR_FE;
        s->recv_fifo_itl = serial_trigger_levels[val >> 6];
    } else {
        s->iir &= ~UART_IIR_FE;
        s->recv_fifo_itl = 1;
    }
    serial_update_irq(s);
}

/* ---- Registers ---------------------------------------------------------- */

static uint8_t serial_read_rbr(SerialState *s)
{
    uint8_t ret = s->rbr;

    if (!fifo8_is_empty(&s->recv_fifo)) {
        ret = fifo8_pop(&s->recv_fifo);
    }
    if (fifo8_is_empty(&s->recv_fifo)) {
        s->lsr &= ~(UART_LSR_DR | UART_LSR_BI);
    }
    s->timeout_ipending = false;
    serial_rearm_timeout(s);
    serial_update_irq(s);
    if (!(s->mcr & UART_MCR_LOOP)) {
        qemu_chr_fe_accept_input(&s->chr);
    }
    return ret;
}

static uint64_t serial_read(void *opaque, hwaddr addr, unsigned size)
{
    SerialState *s = opaque;
    uint8_t ret;

    switch (addr) {
    case UART_RBR:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider & 0xff;
        }
        return serial_read_rbr(s);
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            return s->divider >> 8;
        }
        return s->ier;
    case UART_IIR:
        ret = s->iir;
        if ((ret & UART_IIR_ID) == UART_IIR_THRI) {
            s->thr_ipending = false;
            serial_update_irq(s);
        }
        return ret;
    case UART_LCR:
        return s->lcr;
    case UART_MCR:
        return s->mcr;
    case UART_LSR:
        ret = s->lsr;
        if (s->lsr & (UART_LSR_INT_ANY | UART_LSR_FIFOE)) {
            s->lsr &= ~(UART_LSR_INT_ANY | UART_LSR_FIFOE);
            serial_update_irq(s);
        }
        return ret;
    case UART_MSR:
        ret = s->msr;
        if (s->msr & UART_MSR_ANY_DELTA) {
            s->msr &= ~UART_MSR_ANY_DELTA;
            serial_update_irq(s);
        }
        return ret;
    case UART_SCR:
        return s->scr;
    }
    return 0xff;
}

static void serial_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    SerialState *s = opaque;
    uint8_t old;

    switch (addr) {
    case UART_THR:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0xff00) | val;
            serial_update_parameters(s);
            break;
        }
        s->thr_ipending = false;
        s->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
        if (fifo8_is_full(&s->xmit_fifo)) {
            fifo8_pop(&s->xmit_fifo);
        }
        fifo8_push(&s->xmit_fifo, val);
        serial_xmit(s);
        serial_update_irq(s);
        break;
    case UART_IER:
        if (s->lcr & UART_LCR_DLAB) {
            s->divider = (s->divider & 0x00ff) | (val << 8);
            serial_update_parameters(s);
            break;
        }
        old = s->ier;
        s->ier = val & UART_IER_MASK;
        if ((s->ier ^ old) & UART_IER_THRI) {
            /* Enabling it with THR empty interrupts at once. */
            s->thr_ipending =
                (s->ier & UART_IER_THRI) && (s->lsr & UART_LSR_THRE);
        }
        serial_update_irq(s);
        break;
    case UART_FCR:
        serial_write_fcr(s, val);
        break;
    case UART_LCR:
        s->lcr = val;
        serial_update_parameters(s);
        break;
    case UART_MCR:
        old = s->mcr;
        s->mcr = val & UART_MCR_MASK;
        serial_update_msr(s);
        serial_update_irq(s);
        if ((old & UART_MCR_LOOP) && !(s->mcr & UART_MCR_LOOP)) {
            qemu_chr_fe_accept_input(&s->chr);
        }
        break;
    case UART_LSR:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "isa-serial: write 0x%02x to the "
                      "read-only LSR ignored\n",
                      (unsigned)val);
        break;
    case UART_MSR:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "isa-serial: write 0x%02x to the "
                      "read-only MSR ignored\n",
                      (unsigned)val);
        break;
    case UART_SCR:
        s->scr = val;
        break;
    }
}

static const MemoryRegionOps serial_io_ops = {
    .read = serial_read,
    .write = serial_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Chardev glue ------------------------------------------------------- */

static int serial_can_receive(void *opaque)
{
    SerialState *s = opaque;

    if (s->mcr & UART_MCR_LOOP) {
        return 0; /* the line input is disconnected in loopback */
    }
    if (serial_fifo_enabled(s)) {
        return fifo8_num_free(&s->recv_fifo);
    }
    return (s->lsr & UART_LSR_DR) ? 0 : 1;
}

static void serial_receive(void *opaque, const uint8_t *buf, int size)
{
    SerialState *s = opaque;

    for (int i = 0; i < size; i++) {
        serial_receive1(s, buf[i]);
    }
    s->timeout_ipending = false;
    serial_rearm_timeout(s);
    serial_update_irq(s);
}

static void serial_event(void *opaque, ChrEvent event)
{
    SerialState *s = opaque;

    if (event == CHR_EVENT_BREAK && !(s->mcr & UART_MCR_LOOP)) {
        serial_receive1(s, 0);
        s->lsr |= UART_LSR_BI;
        if (serial_fifo_enabled(s)) {
            s->lsr |= UART_LSR_FIFOE;
        }
        serial_update_irq(s);
    }
}

/* ---- Realize, reset ----------------------------------------------------- */

static void serial_realize(DeviceState *dev, Error **errp)
{
    SerialState *s = ISA_SERIAL(dev);
    MachineState *ms = sysbus_machine(dev);

    if (s->iobase > 0xffff - (UART_NUM_REGS - 1)) {
        error_setg(errp,
                   "isa-serial: iobase 0x%x is not an I/O port "
                   "(0 to 0xfff8)",
                   s->iobase);
        return;
    }
    if (!ms || !ms->clocks) {
        error_setg(errp, "isa-serial: the machine has no clocks");
        return;
    }
    s->irq = sysbus_get_irq(dev, s->irq_num);
    fifo8_create(&s->recv_fifo, UART_FIFO_LENGTH);
    fifo8_create(&s->xmit_fifo, UART_FIFO_LENGTH);
    s->fifo_timeout_timer =
        timer_new_ns(ms->clocks, QEMU_CLOCK_VIRTUAL, serial_fifo_timeout, s);
    memory_region_init_io(&s->io, s, &serial_io_ops, s, "serial",
                          UART_NUM_REGS);
    memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->io);
    qemu_chr_fe_set_handlers(&s->chr, serial_can_receive, serial_receive,
                             serial_event, s);
}

static void serial_unrealize(DeviceState *dev)
{
    SerialState *s = ISA_SERIAL(dev);

    qemu_chr_fe_set_handlers(&s->chr, NULL, NULL, NULL, NULL);
    memory_region_destroy(&s->io);
    timer_free(s->fifo_timeout_timer);
    s->fifo_timeout_timer = NULL;
    fifo8_destroy(&s->recv_fifo);
    fifo8_destroy(&s->xmit_fifo);
    qemu_set_irq(s->irq, 0);
}

static void serial_reset(DeviceState *dev)
{
    SerialState *s = ISA_SERIAL(dev);

    s->divider = UART_RESET_DIVISOR;
    s->ier = 0;
    s->iir = UART_IIR_NO_INT;
    s->lcr = 0;
    s->mcr = UART_MCR_OUT2;
    s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    s->msr = UART_MSR_IDLE_INPUTS;
    s->scr = 0;
    s->fcr = 0;
    s->rbr = 0;
    s->thr_ipending = false;
    s->timeout_ipending = false;
    s->recv_fifo_itl = 1;
    fifo8_reset(&s->recv_fifo);
    fifo8_reset(&s->xmit_fifo);
    timer_del(s->fifo_timeout_timer);
    serial_update_parameters(s);
    serial_update_irq(s);
    qemu_chr_fe_accept_input(&s->chr);
}

static const Property serial_properties[] = {
    DEFINE_PROP_UINT32("iobase", SerialState, iobase, SERIAL_COM1_IOBASE),
    DEFINE_PROP_UINT32("irq", SerialState, irq_num, SERIAL_COM1_IRQ),
    DEFINE_PROP_CHR("chardev", SerialState, chr),
    DEFINE_PROP_END_OF_LIST(),
};

static void serial_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = serial_realize;
    dc->unrealize = serial_unrealize;
    dc->reset = serial_reset;
    dc->desc = "16550A UART (a PC COM port)";
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
    dc->user_creatable = true;
    device_class_set_props(dc, serial_properties);
}

static const TypeInfo serial_type = {
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SerialState),
    .class_init = serial_class_init,
};

static void serial_register_types(void)
{
    type_register_static(&serial_type);
}

type_init(serial_register_types)
