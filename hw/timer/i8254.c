/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-pit: the 8254 programmable interval timer in kemu, for accelerators
 * without an in-kernel one (qtest); under KVM the pc uses KVM's (kvm-pit).
 * Intel 82C54 datasheet: three 16-bit down counters clocked at 1.193182
 * MHz, the control word at 0x43 (mode, LSB/MSB access, counter latch,
 * read-back), modes 0-5 with their OUT waveforms.  Counts follow the
 * virtual clock, so a qtest steps them exactly; channel 0's OUT drives
 * ISA IRQ 0 (IOAPIC pin 2, the board's interrupt source override).
 * Simplifications: the gates are not modelled (no port 0x61 here), a
 * new count restarts the counter at once, BCD counts are taken as binary
 * (as QEMU's), and IRQ 0 stays low until the guest programs channel 0.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "hw/core/machine.h"
#include "hw/core/qdev-properties.h"
#include "hw/timer/i8254.h"
#include "exec/memory.h"

#define PIT_FREQ_HZ   1193182
#define PIT_CHANNELS  3
#define PIT_PORTS     4
#define PIT_CTRL      3
#define PIT_IOAPIC_IN 2 /* ISA IRQ 0 on the pc's IOAPIC */
#define PIT_MAX_COUNT 0x10000

/* Control word fields. */
#define CW_SELECT_SHIFT   6
#define CW_READBACK       3
#define CW_ACCESS_SHIFT   4
#define CW_ACCESS_MASK    3
#define CW_ACCESS_LATCH   0
#define CW_ACCESS_LSB     1
#define CW_ACCESS_MSB     2
#define CW_ACCESS_LSB_MSB 3
#define CW_MODE_SHIFT     1
#define CW_MODE_MASK      7
#define CW_BCD            0x01
#define RB_NO_COUNT       0x20 /* read-back: do not latch the counts */
#define RB_NO_STATUS      0x10 /* read-back: do not latch the status */
#define RB_CHANNEL(i)     (0x02 << (i))
#define ST_OUT            0x80
#define ST_NULL_COUNT     0x40

OBJECT_DECLARE_SIMPLE_TYPE(PITState, ISA_PIT)

typedef struct PITChannel {
    uint32_t count; /* 1..0x10000 */
    uint8_t mode;   /* 0..5 */
    uint8_t access; /* CW_ACCESS_* */
    bool bcd;
    bool waiting;    /* control word written, no count yet */
    bool null_count; /* a count written and not yet loaded */
    int64_t load_ns; /* virtual time the count was loaded */
    uint8_t write_lsb;
    bool write_msb_next;
    bool read_msb_next;
    bool count_latched;
    uint16_t latched_count;
    bool latched_msb_next;
    bool status_latched;
    uint8_t latched_status;
} PITChannel;

struct PITState {
    SysBusDevice parent_obj;
    MemoryRegion io;
    uint32_t iobase;
    KemuClocks *clocks;
    KemuTimer *irq_timer; /* channel 0's next OUT edge */
    qemu_irq irq;
    PITChannel ch[PIT_CHANNELS];
};

static int64_t pit_now(PITState *s)
{
    return clock_get_ns(s->clocks, QEMU_CLOCK_VIRTUAL);
}

/* Input clock ticks since the count was loaded. */
static uint64_t pit_ticks(const PITChannel *c, int64_t now)
{
    if (c->waiting || now <= c->load_ns) {
        return 0;
    }
    return (uint64_t)((__int128)(now - c->load_ns) * PIT_FREQ_HZ /
                      NANOSECONDS_PER_SECOND);
}

/* Mode 3 keeps OUT high for the first half of the period (odd: longer). */
static uint32_t pit_high_ticks(const PITChannel *c)
{
    return (c->count + 1) / 2;
}

static uint16_t pit_counter(const PITChannel *c, int64_t now)
{
    uint64_t d = pit_ticks(c, now);

    if (c->waiting) {
        return c->count;
    }
    switch (c->mode) {
    case 2:
        return c->count - d % c->count;
    case 3:
        /* The counter counts down by two, twice per period. */
        return c->count - (2 * d) % c->count;
    default:
        return (c->count - d) & 0xffff;
    }
}

static bool pit_out(const PITChannel *c, int64_t now)
{
    uint64_t d = pit_ticks(c, now);

    if (c->waiting) {
        return c->mode != 0; /* mode 0 drops OUT with the control word */
    }
    switch (c->mode) {
    case 0:
    case 1:
        return d >= c->count;
    case 2:
        return c->count == 1 || d % c->count != c->count - 1;
    case 3:
        return d % c->count < pit_high_ticks(c);
    default: /* 4, 5: one low tick at the terminal count */
        return d != c->count;
    }
}

/* The tick count at which OUT changes next after d, or 0 for never. */
static uint64_t pit_next_edge(const PITChannel *c, uint64_t d)
{
    uint64_t base = d - d % c->count, r = d % c->count;

    switch (c->mode) {
    case 0:
    case 1:
        return d < c->count ? c->count : 0;
    case 2:
        if (c->count == 1) {
            return 0;
        }
        return r < c->count - 1 ? base + c->count - 1 : base + c->count;
    case 3:
        return r < pit_high_ticks(c) ? base + pit_high_ticks(c)
                                     : base + c->count;
    default:
        return d < c->count ? c->count : d == c->count ? c->count + 1 : 0;
    }
}

/* Drive IRQ 0 from channel 0's OUT now and arm the timer for its next edge. */
static void pit_update_irq(PITState *s)
{
    PITChannel *c = &s->ch[0];
    int64_t now = pit_now(s);
    uint64_t next;

    qemu_set_irq(s->irq, pit_out(c, now));
    next = c->waiting ? 0 : pit_next_edge(c, pit_ticks(c, now));
    if (!next) {
        timer_del(s->irq_timer);
        return;
    }
    /* The first nanosecond at which the tick count reaches next. */
    timer_mod(s->irq_timer,
              c->load_ns + (int64_t)(((__int128)next * NANOSECONDS_PER_SECOND +
                                      PIT_FREQ_HZ - 1) /
                                     PIT_FREQ_HZ));
}

static void pit_irq_timer_cb(void *opaque)
{
    pit_update_irq(opaque);
}

static void pit_load(PITState *s, int i, uint32_t value)
{
    PITChannel *c = &s->ch[i];

    c->count = value ? value : PIT_MAX_COUNT;
    c->load_ns = pit_now(s);
    c->waiting = false;
    c->null_count = false;
    if (i == 0) {
        pit_update_irq(s);
    }
}

static uint8_t pit_status(const PITChannel *c, int64_t now)
{
    return (pit_out(c, now) ? ST_OUT : 0) |
           (c->null_count ? ST_NULL_COUNT : 0) | c->access << CW_ACCESS_SHIFT |
           c->mode << CW_MODE_SHIFT | (c->bcd ? CW_BCD : 0);
}

static void pit_latch_count(PITChannel *c, int64_t now)
{
    if (!c->count_latched) {
        c->count_latched = true;
        c->latched_count = pit_counter(c, now);
        c->latched_msb_next = c->access == CW_ACCESS_MSB;
    }
}

static void pit_control(PITState *s, uint8_t val)
{
    unsigned sel = val >> CW_SELECT_SHIFT;
    unsigned access = (val >> CW_ACCESS_SHIFT) & CW_ACCESS_MASK;
    int64_t now = pit_now(s);
    PITChannel *c;

    if (sel == CW_READBACK) {
        for (int i = 0; i < PIT_CHANNELS; i++) {
            c = &s->ch[i];
            if (!(val & RB_CHANNEL(i))) {
                continue;
            }
            if (!(val & RB_NO_COUNT)) {
                pit_latch_count(c, now);
            }
            if (!(val & RB_NO_STATUS) && !c->status_latched) {
                c->status_latched = true;
                c->latched_status = pit_status(c, now);
            }
        }
        return;
    }
    c = &s->ch[sel];
    if (access == CW_ACCESS_LATCH) {
        pit_latch_count(c, now);
        return;
    }
    c->access = access;
    c->mode = (val >> CW_MODE_SHIFT) & CW_MODE_MASK;
    if (c->mode > 5) {
        c->mode -= 4; /* 6 and 7 are modes 2 and 3 */
    }
    c->bcd = val & CW_BCD;
    c->waiting = true;
    c->null_count = true;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->count_latched = false;
    if (sel == 0) {
        pit_update_irq(s);
    }
}

static void pit_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;

    if (addr == PIT_CTRL) {
        pit_control(s, val);
        return;
    }
    c = &s->ch[addr];
    switch (c->access) {
    case CW_ACCESS_LSB:
        pit_load(s, addr, val & 0xff);
        break;
    case CW_ACCESS_MSB:
        pit_load(s, addr, (val & 0xff) << 8);
        break;
    default:
        if (!c->write_msb_next) {
            c->write_lsb = val;
            c->write_msb_next = true;
        } else {
            c->write_msb_next = false;
            pit_load(s, addr, c->write_lsb | (val & 0xff) << 8);
        }
        break;
    }
}

static uint64_t pit_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;
    uint16_t v;
    bool msb;

    if (addr == PIT_CTRL) {
        return 0xff; /* the control word is write-only */
    }
    c = &s->ch[addr];
    if (c->status_latched) {
        c->status_latched = false;
        return c->latched_status;
    }
    if (c->count_latched) {
        v = c->latched_count;
        msb = c->latched_msb_next;
        if (c->access == CW_ACCESS_LSB_MSB && !msb) {
            c->latched_msb_next = true;
        } else {
            c->count_latched = false;
        }
        return msb ? v >> 8 : v & 0xff;
    }
    v = pit_counter(c, pit_now(s));
    switch (c->access) {
    case CW_ACCESS_LSB:
        return v & 0xff;
    case CW_ACCESS_MSB:
        return v >> 8;
    default:
        msb = c->read_msb_next;
        c->read_msb_next = !msb;
        return msb ? v >> 8 : v & 0xff;
    }
}

static const MemoryRegionOps pit_ops = {
    .read = pit_read,
    .write = pit_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
};

static void pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = ISA_PIT(dev);
    MachineState *ms = qdev_get_machine(dev);

    if (!ms || !ms->clocks) {
        error_setg(errp, "isa-pit: the machine has no clocks");
        return;
    }
    if (s->iobase > 0x10000 - PIT_PORTS) {
        error_setg(errp, "isa-pit: iobase 0x%x is not an I/O port range",
                   s->iobase);
        return;
    }
    s->clocks = ms->clocks;
    s->irq = sysbus_get_irq(dev, PIT_IOAPIC_IN);
    s->irq_timer =
        timer_new_ns(s->clocks, QEMU_CLOCK_VIRTUAL, pit_irq_timer_cb, s);
    memory_region_init_io(&s->io, s, &pit_ops, s, "pit", PIT_PORTS);
    memory_region_add_subregion(sysbus_io(dev), s->iobase, &s->io);
}

static void pit_unrealize(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);

    memory_region_destroy(&s->io);
    timer_free(s->irq_timer);
    s->irq_timer = NULL;
    qemu_set_irq(s->irq, 0);
}

/*
 * Power-on: every channel in mode 3 with a count of 65536, running.  IRQ 0
 * follows channel 0 only once the guest programs it: until then no timer
 * is pending, so a qtest's step to the far future (which runs every
 * deadline on the way) ends, and firmware reprograms the PIT anyway.
 */
static void pit_reset(DeviceState *dev)
{
    PITState *s = ISA_PIT(dev);
    int64_t now = pit_now(s);

    for (int i = 0; i < PIT_CHANNELS; i++) {
        PITChannel *c = &s->ch[i];

        memset(c, 0, sizeof(*c));
        c->mode = 3;
        c->access = CW_ACCESS_LSB_MSB;
        c->count = PIT_MAX_COUNT;
        c->load_ns = now;
    }
    timer_del(s->irq_timer);
    qemu_set_irq(s->irq, 0);
}

static const Property pit_props[] = {
    DEFINE_PROP_UINT32("iobase", PITState, iobase, PIT_IOBASE),
    DEFINE_PROP_END_OF_LIST(),
};

static void pit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = pit_realize;
    dc->unrealize = pit_unrealize;
    dc->reset = pit_reset;
    dc->desc = "8254 PIT";
    dc->user_creatable = false; /* the pc board makes it (-machine pit=) */
    device_class_set_props(dc, pit_props);
}

static const TypeInfo pit_types[] = {
    {
        .name = TYPE_ISA_PIT,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(PITState),
        .class_init = pit_class_init,
    },
};

DEFINE_TYPES(pit_types)
