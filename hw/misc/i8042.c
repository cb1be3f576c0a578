/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A minimal Intel 8042 keyboard controller at 0x60 (data) / 0x64 (status,
 * command), after the IBM PC/AT technical reference: enough for firmware
 * and Linux's i8042/atkbd probes (self-tests, the command byte, a keyboard
 * that acknowledges commands but never types, no auxiliary port) and the
 * reset line: command 0xFE, or clearing output-port bit 0, resets the
 * machine.  Output-port bit 1 is the "a20" GPIO output.  IRQ 1 is raised
 * while a byte waits and the command byte enables it.
 */
#include "util/osdep.h"
#include "util/fifo8.h"
#include "util/log.h"
#include "hw/core/machine.h"
#include "hw/core/sysbus.h"
#include "exec/memory.h"

#define TYPE_I8042      "i8042"
#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT  0x64
#define I8042_IRQ       1
#define I8042_QUEUE_LEN 16

/* Status register. */
#define I8042_STR_OBF      0x01 /* output buffer full */
#define I8042_STR_SYS      0x04 /* system flag: self-test passed */
#define I8042_STR_CMD      0x08 /* last write was a command */
#define I8042_STR_UNLOCKED 0x10 /* keyboard not inhibited */
#define I8042_STR_AUXDATA  0x20 /* the byte is from the auxiliary port */

/* Command byte (controller configuration). */
#define I8042_CTR_KBDINT 0x01
#define I8042_CTR_AUXINT 0x02
#define I8042_CTR_SYS    0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20

/* Output port. */
#define I8042_OUT_RESET 0x01 /* active low: 0 resets the CPU */
#define I8042_OUT_A20   0x02

/* Controller commands. */
#define I8042_CMD_READ_CTR       0x20
#define I8042_CMD_WRITE_CTR      0x60
#define I8042_CMD_AUX_DISABLE    0xa7
#define I8042_CMD_AUX_ENABLE     0xa8
#define I8042_CMD_AUX_TEST       0xa9
#define I8042_CMD_SELF_TEST      0xaa
#define I8042_CMD_KBD_TEST       0xab
#define I8042_CMD_KBD_DISABLE    0xad
#define I8042_CMD_KBD_ENABLE     0xae
#define I8042_CMD_READ_OUTPORT   0xd0
#define I8042_CMD_WRITE_OUTPORT  0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_WRITE_AUX_OBUF 0xd3
#define I8042_CMD_WRITE_AUX      0xd4
#define I8042_CMD_PULSE_FIRST    0xf0 /* 0xf0-0xff pulse output bits 0-3 low */

/* Keyboard commands and replies. */
#define KBD_CMD_SET_LEDS          0xed
#define KBD_CMD_ECHO              0xee
#define KBD_CMD_SCANCODE          0xf0
#define KBD_CMD_GET_ID            0xf2
#define KBD_CMD_SET_RATE          0xf3
#define KBD_CMD_RESET             0xff
#define KBD_REPLY_ACK             0xfa
#define KBD_REPLY_POR             0xaa /* power-on reset passed */
#define KBD_REPLY_ID1             0xab
#define KBD_REPLY_ID2             0x83
#define I8042_SELF_TEST_OK        0x55
#define I8042_PORT_TEST_OK        0x00
#define I8042_PORT_TEST_CLOCK_LOW 0x01

OBJECT_DECLARE_SIMPLE_TYPE(I8042State, I8042)

struct I8042State {
    SysBusDevice parent_obj;
    MemoryRegion data_io;
    MemoryRegion cmd_io;
    qemu_irq irq;
    qemu_irq a20_out;

    uint8_t status;
    uint8_t ctr;
    uint8_t outport;
    uint8_t pending_cmd; /* controller command waiting for its data byte */
    uint8_t kbd_cmd;     /* keyboard command waiting for its parameter */
    uint8_t last_read;
    Fifo8 queue; /* bytes for the guest to read at 0x60 */
};

static void i8042_update_irq(I8042State *s)
{
    bool full = !fifo8_is_empty(&s->queue);

    s->status &= ~(I8042_STR_OBF | I8042_STR_AUXDATA);
    if (full) {
        s->status |= I8042_STR_OBF;
    }
    qemu_set_irq(s->irq, full && (s->ctr & I8042_CTR_KBDINT));
}

/* A byte from the keyboard side (all there is: no aux port). */
static void i8042_queue(I8042State *s, uint8_t val)
{
    if (!fifo8_is_full(&s->queue)) {
        fifo8_push(&s->queue, val);
    }
    i8042_update_irq(s);
}

/* A controller reply replaces whatever the guest has not read. */
static void i8042_reply(I8042State *s, uint8_t val)
{
    fifo8_reset(&s->queue);
    i8042_queue(s, val);
}

static void i8042_write_outport(I8042State *s, uint8_t val)
{
    s->outport = val;
    qemu_set_irq(s->a20_out, !!(val & I8042_OUT_A20));
    if (!(val & I8042_OUT_RESET)) {
        machine_request_reset(sysbus_machine(DEVICE(s)), "guest-reset", true);
    }
}

/* A byte for the keyboard itself: acknowledge, answer what it asks. */
static void i8042_kbd_write(I8042State *s, uint8_t val)
{
    if (s->kbd_cmd) {
        /* The parameter of LEDs, rate or scan code set. */
        uint8_t cmd = s->kbd_cmd;

        s->kbd_cmd = 0;
        i8042_queue(s, KBD_REPLY_ACK);
        if (cmd == KBD_CMD_SCANCODE && val == 0) {
            i8042_queue(s, 2); /* the current set */
        }
        return;
    }
    switch (val) {
    case KBD_CMD_ECHO:
        i8042_queue(s, KBD_CMD_ECHO);
        break;
    case KBD_CMD_RESET:
        i8042_queue(s, KBD_REPLY_ACK);
        i8042_queue(s, KBD_REPLY_POR);
        break;
    case KBD_CMD_GET_ID:
        i8042_queue(s, KBD_REPLY_ACK);
        i8042_queue(s, KBD_REPLY_ID1);
        i8042_queue(s, KBD_REPLY_ID2);
        break;
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SCANCODE:
    case KBD_CMD_SET_RATE:
        s->kbd_cmd = val;
        i8042_queue(s, KBD_REPLY_ACK);
        break;
    default:
        i8042_queue(s, KBD_REPLY_ACK);
        break;
    }
}

/* ---- Registers ---------------------------------------------------------- */

static uint64_t i8042_data_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    if (!fifo8_is_empty(&s->queue)) {
        s->last_read = fifo8_pop(&s->queue);
    }
    i8042_update_irq(s);
    return s->last_read;
}

static void i8042_data_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    I8042State *s = opaque;
    uint8_t cmd = s->pending_cmd;

    s->status &= ~I8042_STR_CMD;
    s->pending_cmd = 0;
    switch (cmd) {
    case I8042_CMD_WRITE_CTR:
        s->ctr = val;
        if (val & I8042_CTR_SYS) {
            s->status |= I8042_STR_SYS;
        } else {
            s->status &= ~I8042_STR_SYS;
        }
        i8042_update_irq(s);
        break;
    case I8042_CMD_WRITE_OUTPORT:
        i8042_write_outport(s, val);
        break;
    case I8042_CMD_WRITE_KBD_OBUF:
        i8042_queue(s, val);
        break;
    case I8042_CMD_WRITE_AUX_OBUF:
        /* No aux port: the byte comes back, but not as aux data. */
        i8042_reply(s, val);
        break;
    case I8042_CMD_WRITE_AUX:
        break; /* nothing listens on the aux port */
    default:
        i8042_kbd_write(s, val);
        break;
    }
}

static uint64_t i8042_status_read(void *opaque, hwaddr addr, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void i8042_command_write(void *opaque, hwaddr addr, uint64_t val,
                                unsigned size)
{
    I8042State *s = opaque;

    s->status |= I8042_STR_CMD;
    s->pending_cmd = 0;
    if (val >= I8042_CMD_PULSE_FIRST) {
        if (!(val & I8042_OUT_RESET)) {
            /* 0xfe: pulse the reset line. */
            machine_request_reset(sysbus_machine(DEVICE(s)), "guest-reset",
                                  true);
        }
        return;
    }
    switch (val) {
    case I8042_CMD_READ_CTR:
        i8042_reply(s, s->ctr);
        break;
    case I8042_CMD_WRITE_CTR:
    case I8042_CMD_WRITE_OUTPORT:
    case I8042_CMD_WRITE_KBD_OBUF:
    case I8042_CMD_WRITE_AUX_OBUF:
    case I8042_CMD_WRITE_AUX:
        s->pending_cmd = val;
        break;
    case I8042_CMD_AUX_DISABLE:
        s->ctr |= I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_ENABLE:
        s->ctr &= ~I8042_CTR_AUXDIS;
        break;
    case I8042_CMD_AUX_TEST:
        i8042_reply(s, I8042_PORT_TEST_CLOCK_LOW); /* no aux device */
        break;
    case I8042_CMD_SELF_TEST:
        s->status |= I8042_STR_SYS;
        i8042_reply(s, I8042_SELF_TEST_OK);
        break;
    case I8042_CMD_KBD_TEST:
        i8042_reply(s, I8042_PORT_TEST_OK);
        break;
    case I8042_CMD_KBD_DISABLE:
        s->ctr |= I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_KBD_ENABLE:
        s->ctr &= ~I8042_CTR_KBDDIS;
        break;
    case I8042_CMD_READ_OUTPORT:
        i8042_reply(s, s->outport);
        break;
    default:
        kemu_log_mask(LOG_UNIMP, "i8042: command 0x%02x not implemented\n",
                      (unsigned)val);
        break;
    }
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_command_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- Realize, reset ----------------------------------------------------- */

static void i8042_realize(DeviceState *dev, Error **errp)
{
    I8042State *s = I8042(dev);

    s->irq = sysbus_get_irq(dev, I8042_IRQ);
    fifo8_create(&s->queue, I8042_QUEUE_LEN);
    memory_region_init_io(&s->data_io, s, &i8042_data_ops, s, "i8042-data", 1);
    memory_region_add_subregion(sysbus_io(dev), I8042_DATA_PORT, &s->data_io);
    memory_region_init_io(&s->cmd_io, s, &i8042_cmd_ops, s, "i8042-cmd", 1);
    memory_region_add_subregion(sysbus_io(dev), I8042_CMD_PORT, &s->cmd_io);
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    memory_region_destroy(&s->data_io);
    memory_region_destroy(&s->cmd_io);
    fifo8_destroy(&s->queue);
    qemu_set_irq(s->irq, 0);
}

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = I8042(dev);

    s->status = I8042_STR_CMD | I8042_STR_UNLOCKED;
    s->ctr = I8042_CTR_KBDINT | I8042_CTR_AUXINT;
    s->outport = I8042_OUT_RESET | I8042_OUT_A20;
    s->pending_cmd = 0;
    s->kbd_cmd = 0;
    s->last_read = 0;
    fifo8_reset(&s->queue);
    i8042_update_irq(s);
}

static void i8042_instance_init(Object *obj)
{
    I8042State *s = I8042(obj);

    qdev_init_gpio_out_named(DEVICE(obj), &s->a20_out, "a20", 1);
}

static void i8042_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = i8042_realize;
    dc->unrealize = i8042_unrealize;
    dc->reset = i8042_reset;
    dc->desc = "8042 keyboard controller (reset line, no aux port)";
    dc->categories |= 1ul << DEVICE_CATEGORY_INPUT;
}

static const TypeInfo i8042_type = {
    .name = TYPE_I8042,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(I8042State),
    .instance_init = i8042_instance_init,
    .class_init = i8042_class_init,
};

static void i8042_register_types(void)
{
    type_register_static(&i8042_type);
}

type_init(i8042_register_types)
