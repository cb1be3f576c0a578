/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * 16550A UART unit tests through its I/O ports: reset values, register round
 * trips and the divisor latch, THR bytes reaching the chardev, input through
 * RBR with backpressure, the interrupt sources and their IIR priorities,
 * FIFO trigger levels, the character timeout on the virtual clock,
 * loopback, modem status deltas, overrun and break.
 */
#include "util/osdep.h"
#include "hw/char/serial.h"
#include "hw/char/serial-regs.h"
#include "tests/unit/devtest.h"
#include "tests/unit/unit.h"

#define COM1     SERIAL_COM1_IOBASE
#define COM1_IRQ SERIAL_COM1_IRQ
/* 8N1 at the reset divisor 12 (9600 baud): 10 bits per character. */
#define CHAR_TIME_NS (1000000000LL * 12 * 10 / UART_BASE_BAUD)

typedef struct SerialBench {
    DevTest *t;
    DevTestChardev *chr;
    DeviceState *dev;
} SerialBench;

static SerialBench bench_new(bool with_chardev)
{
    SerialBench b = {.t = devtest_new(0)};

    if (with_chardev) {
        b.chr = devtest_chr_new(b.t->root, "ser0");
        b.dev = devtest_add(b.t, &error_abort, TYPE_ISA_SERIAL, "chardev",
                            "ser0", NULL);
    } else {
        b.dev = devtest_add(b.t, &error_abort, TYPE_ISA_SERIAL, NULL);
    }
    return b;
}

static uint8_t rd(SerialBench *b, unsigned reg)
{
    return devtest_inb(b->t, COM1 + reg);
}

static void wr(SerialBench *b, unsigned reg, uint8_t val)
{
    devtest_outb(b->t, COM1 + reg, val);
}

static int irq(SerialBench *b)
{
    return b->t->level[COM1_IRQ];
}

static void test_reset_values(void)
{
    SerialBench b = bench_new(false);

    CU_ASSERT_EQUAL(rd(&b, UART_IER), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_NO_INT);
    CU_ASSERT_EQUAL(rd(&b, UART_LCR), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_MCR), UART_MCR_OUT2);
    CU_ASSERT_EQUAL(rd(&b, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CU_ASSERT_EQUAL(rd(&b, UART_MSR),
                    UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    CU_ASSERT_EQUAL(rd(&b, UART_SCR), 0);
    wr(&b, UART_LCR, UART_LCR_DLAB);
    CU_ASSERT_EQUAL(rd(&b, UART_DLL), 0x0c);
    CU_ASSERT_EQUAL(rd(&b, UART_DLM), 0);
    CU_ASSERT_EQUAL(irq(&b), 0);

    /* A device reset brings them back. */
    wr(&b, UART_DLL, 1);
    wr(&b, UART_LCR, 0x03);
    wr(&b, UART_SCR, 0x77);
    device_cold_reset(b.dev);
    CU_ASSERT_EQUAL(rd(&b, UART_LCR), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_SCR), 0);
    devtest_free(b.t);
}

static void test_register_round_trips(void)
{
    SerialBench b = bench_new(false);

    wr(&b, UART_SCR, 0x5a);
    CU_ASSERT_EQUAL(rd(&b, UART_SCR), 0x5a);
    wr(&b, UART_SCR, 0xa5);
    CU_ASSERT_EQUAL(rd(&b, UART_SCR), 0xa5);

    /* Divisor latch behind DLAB, not aliased onto RBR/IER. */
    wr(&b, UART_IER, 0);
    wr(&b, UART_LCR, UART_LCR_DLAB | 0x03);
    wr(&b, UART_DLL, 0x0c);
    wr(&b, UART_DLM, 0x05);
    CU_ASSERT_EQUAL(rd(&b, UART_LCR), UART_LCR_DLAB | 0x03);
    CU_ASSERT_EQUAL(rd(&b, UART_DLL), 0x0c);
    CU_ASSERT_EQUAL(rd(&b, UART_DLM), 0x05);
    wr(&b, UART_LCR, 0x03);
    CU_ASSERT_EQUAL(rd(&b, UART_IER), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_LCR), 0x03);

    /* IER keeps its four bits; MCR its five. */
    wr(&b, UART_IER, 0xff);
    CU_ASSERT_EQUAL(rd(&b, UART_IER), 0x0f);
    wr(&b, UART_IER, 0);
    wr(&b, UART_MCR, 0xff);
    CU_ASSERT_EQUAL(rd(&b, UART_MCR), 0x1f);
    devtest_free(b.t);
}

static void test_thr_reaches_chardev(void)
{
    SerialBench b = bench_new(true);
    const char *msg = "hello, kemu\r\n";

    wr(&b, UART_LCR, 0x03);
    for (const char *p = msg; *p; p++) {
        CU_ASSERT_TRUE(rd(&b, UART_LSR) & UART_LSR_THRE);
        wr(&b, UART_THR, *p);
    }
    CU_ASSERT_STRING_EQUAL(b.chr->out->str, msg);
    CU_ASSERT_EQUAL(rd(&b, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
                    UART_LSR_THRE | UART_LSR_TEMT);

    /* With the FIFOs on, the same bytes come out in order. */
    g_string_truncate(b.chr->out, 0);
    wr(&b, UART_FCR, UART_FCR_FE | UART_FCR_RFR | UART_FCR_XFR);
    for (int i = 0; i < 40; i++) {
        wr(&b, UART_THR, 'a' + i % 26);
    }
    CU_ASSERT_EQUAL(b.chr->out->len, 40);
    CU_ASSERT_EQUAL(b.chr->out->str[27], 'b');
    devtest_free(b.t);
}

static void test_thre_interrupt(void)
{
    SerialBench b = bench_new(true);

    /* Enabling ETBEI with THR empty interrupts at once. */
    wr(&b, UART_IER, UART_IER_THRI);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(b.t->raises[COM1_IRQ], 1);
    /* Reading IIR with THRE as the source clears it. */
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_THRI);
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_NO_INT);
    /* A THR write clears it; THR empties again and it comes back. */
    wr(&b, UART_THR, 'x');
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(b.t->raises[COM1_IRQ], 2);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_THRI);
    /* Disabling ETBEI drops it. */
    wr(&b, UART_THR, 'y');
    CU_ASSERT_EQUAL(irq(&b), 1);
    wr(&b, UART_IER, 0);
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_STRING_EQUAL(b.chr->out->str, "xy");
    devtest_free(b.t);
}

static void test_receive_non_fifo(void)
{
    SerialBench b = bench_new(true);

    wr(&b, UART_IER, UART_IER_RDI);
    CU_ASSERT_EQUAL(irq(&b), 0);
    /* Without FIFOs the UART holds one byte: the rest waits. */
    CU_ASSERT_EQUAL(devtest_chr_input(b.chr, "AB", 2), 1);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_RDI);
    CU_ASSERT_TRUE(rd(&b, UART_LSR) & UART_LSR_DR);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'A');
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_FALSE(rd(&b, UART_LSR) & UART_LSR_DR);
    /* Room again: the backend delivers the next byte. */
    CU_ASSERT_EQUAL(devtest_chr_flush(b.chr), 0);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'B');
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_EQUAL(b.t->raises[COM1_IRQ], 2);
    devtest_free(b.t);
}

static void test_fifo_trigger_levels(void)
{
    static const struct {
        uint8_t itl;
        unsigned level;
    } levels[] = {
        {UART_FCR_ITL_1, 1},
        {UART_FCR_ITL_4, 4},
        {UART_FCR_ITL_8, 8},
        {UART_FCR_ITL_14, 14},
    };
    SerialBench b = bench_new(true);
    uint8_t data[UART_FIFO_LENGTH + 4];

    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = 0x30 + i;
    }
    wr(&b, UART_IER, UART_IER_RDI);
    for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
        unsigned level = levels[l].level;

        wr(&b, UART_FCR, UART_FCR_FE | UART_FCR_RFR | levels[l].itl);
        CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_FE | UART_IIR_NO_INT);
        /* One byte short of the level: data ready, no interrupt. */
        devtest_chr_input(b.chr, data, level - 1);
        CU_ASSERT_EQUAL(irq(&b), 0);
        CU_ASSERT_EQUAL(rd(&b, UART_LSR) & UART_LSR_DR, level > 1);
        devtest_chr_input(b.chr, data + level - 1, 1);
        CU_ASSERT_EQUAL(irq(&b), 1);
        CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_FE | UART_IIR_RDI);
        for (unsigned i = 0; i < level; i++) {
            CU_ASSERT_EQUAL(rd(&b, UART_RBR), data[i]);
        }
        CU_ASSERT_EQUAL(irq(&b), 0);
        CU_ASSERT_FALSE(rd(&b, UART_LSR) & UART_LSR_DR);
    }

    /* The FIFO takes 16 bytes; the backend keeps the rest. */
    CU_ASSERT_EQUAL(devtest_chr_input(b.chr, data, sizeof(data)), 4);
    for (unsigned i = 0; i < UART_FIFO_LENGTH; i++) {
        CU_ASSERT_EQUAL(rd(&b, UART_RBR), data[i]);
    }
    CU_ASSERT_EQUAL(devtest_chr_flush(b.chr), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), data[UART_FIFO_LENGTH]);
    CU_ASSERT_FALSE(rd(&b, UART_LSR) & UART_LSR_OE);
    devtest_free(b.t);
}

static void test_character_timeout(void)
{
    SerialBench b = bench_new(true);

    wr(&b, UART_LCR, 0x03);
    wr(&b, UART_FCR, UART_FCR_FE | UART_FCR_ITL_8);
    wr(&b, UART_IER, UART_IER_RDI);
    devtest_chr_input(b.chr, "hi!", 3);
    CU_ASSERT_EQUAL(irq(&b), 0);
    /* Nothing for 4 character times: the timeout interrupt. */
    devtest_step(b.t, 4 * CHAR_TIME_NS - 1000);
    CU_ASSERT_EQUAL(irq(&b), 0);
    devtest_step(b.t, 2000);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_FE | UART_IIR_CTI);
    /* A read clears it and restarts the count. */
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'h');
    CU_ASSERT_EQUAL(irq(&b), 0);
    devtest_step(b.t, 4 * CHAR_TIME_NS + 1000);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'i');
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), '!');
    CU_ASSERT_EQUAL(irq(&b), 0);
    /* An empty FIFO never times out. */
    devtest_step(b.t, 100 * CHAR_TIME_NS);
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_FE | UART_IIR_NO_INT);
    devtest_free(b.t);
}

static void test_loopback_and_modem_status(void)
{
    SerialBench b = bench_new(true);

    wr(&b, UART_IER, UART_IER_RDI);
    wr(&b, UART_MCR, UART_MCR_LOOP);
    /* The outputs are off: CTS, DSR and DCD drop, with their deltas. */
    CU_ASSERT_EQUAL(rd(&b, UART_MSR),
                    UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    CU_ASSERT_EQUAL(rd(&b, UART_MSR), 0);
    wr(&b, UART_THR, 'L');
    CU_ASSERT_EQUAL(b.chr->out->len, 0);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'L');
    CU_ASSERT_EQUAL(irq(&b), 0);
    /* Line input is cut off in loopback. */
    CU_ASSERT_EQUAL(devtest_chr_input(b.chr, "z", 1), 1);

    /* Outputs wired back: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    wr(&b, UART_IER, UART_IER_MSI);
    wr(&b, UART_MCR,
       UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT1 |
           UART_MCR_OUT2);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_MSI);
    CU_ASSERT_EQUAL(rd(&b, UART_MSR),
                    0xf0 | UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_DDCD);
    CU_ASSERT_EQUAL(irq(&b), 0);
    /* Ring indicator: only its trailing edge is a delta. */
    wr(&b, UART_MCR,
       UART_MCR_LOOP | UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
    CU_ASSERT_EQUAL(rd(&b, UART_MSR), 0xb0 | UART_MSR_TERI);

    /* Leaving loopback: the backend's byte arrives. */
    wr(&b, UART_IER, UART_IER_RDI);
    wr(&b, UART_MCR, UART_MCR_OUT2);
    CU_ASSERT_EQUAL(devtest_chr_flush(b.chr), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 'z');
    devtest_free(b.t);
}

static void test_overrun_and_priorities(void)
{
    SerialBench b = bench_new(true);

    /* Two bytes into the one-byte holding register: overrun. */
    wr(&b, UART_MCR, UART_MCR_LOOP);
    wr(&b, UART_THR, '1');
    wr(&b, UART_THR, '2');
    wr(&b, UART_IER,
       UART_IER_RDI | UART_IER_THRI | UART_IER_RLSI | UART_IER_MSI);
    /* Line status outranks data, THRE and modem status. */
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_RLSI);
    CU_ASSERT_TRUE(rd(&b, UART_LSR) & UART_LSR_OE);
    CU_ASSERT_FALSE(rd(&b, UART_LSR) & UART_LSR_OE);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_RDI);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), '2');
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_THRI);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_MSI);
    rd(&b, UART_MSR);
    CU_ASSERT_EQUAL(rd(&b, UART_IIR), UART_IIR_NO_INT);
    CU_ASSERT_EQUAL(irq(&b), 0);
    devtest_free(b.t);
}

static void test_break(void)
{
    SerialBench b = bench_new(true);

    wr(&b, UART_IER, UART_IER_RLSI);
    qemu_chr_be_event(CHARDEV(b.chr), CHR_EVENT_BREAK);
    CU_ASSERT_EQUAL(irq(&b), 1);
    CU_ASSERT_EQUAL(rd(&b, UART_LSR) & (UART_LSR_BI | UART_LSR_DR),
                    UART_LSR_BI | UART_LSR_DR);
    CU_ASSERT_EQUAL(irq(&b), 0);
    CU_ASSERT_EQUAL(rd(&b, UART_RBR), 0);
    devtest_free(b.t);
}

static void test_chardev_property(void)
{
    DevTest *t = devtest_new(0);
    Error *err = NULL;
    DeviceState *dev;

    dev = devtest_add(t, &err, TYPE_ISA_SERIAL, "chardev", "nosuch", NULL);
    CU_ASSERT_PTR_NULL(dev);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "Property 'isa-serial.chardev' can't find value "
                           "'nosuch'");
    error_free(err);
    err = NULL;

    devtest_chr_new(t->root, "c0");
    dev = devtest_add(t, &error_abort, TYPE_ISA_SERIAL, "chardev", "c0", NULL);
    CU_ASSERT_PTR_NOT_NULL(dev);
    {
        g_autofree char *v =
            object_property_print(OBJECT(dev), "chardev", &error_abort);

        CU_ASSERT_STRING_EQUAL(v, "c0");
    }
    /* A second UART on the same chardev is refused. */
    dev = devtest_add(t, &err, TYPE_ISA_SERIAL, "iobase", "0x2f8", "irq", "3",
                      "chardev", "c0", NULL);
    CU_ASSERT_PTR_NULL(dev);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "Property 'isa-serial.chardev' can't take value "
                           "'c0', it's in use");
    error_free(err);
    devtest_free(t);
}

static void test_com2(void)
{
    DevTest *t = devtest_new(0);

    devtest_add(t, &error_abort, TYPE_ISA_SERIAL, "iobase", "0x2f8", "irq", "3",
                NULL);
    devtest_outb(t, 0x2f8 + UART_IER, UART_IER_THRI);
    CU_ASSERT_EQUAL(t->level[3], 1);
    CU_ASSERT_EQUAL(t->level[COM1_IRQ], 0);
    /* Nothing at COM1. */
    CU_ASSERT_EQUAL(devtest_inb(t, COM1 + UART_LSR), 0xff);
    devtest_free(t);
}

UNIT_SUITE(serial, NULL, NULL, UNIT_TEST(test_reset_values),
           UNIT_TEST(test_register_round_trips),
           UNIT_TEST(test_thr_reaches_chardev), UNIT_TEST(test_thre_interrupt),
           UNIT_TEST(test_receive_non_fifo),
           UNIT_TEST(test_fifo_trigger_levels),
           UNIT_TEST(test_character_timeout),
           UNIT_TEST(test_loopback_and_modem_status),
           UNIT_TEST(test_overrun_and_priorities), UNIT_TEST(test_break),
           UNIT_TEST(test_chardev_property), UNIT_TEST(test_com2))
