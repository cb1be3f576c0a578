/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's 16550A UART driven like a guest driver over qtest: reset values
 * and register round trips, THR bytes reaching a file chardev, bytes from a
 * socket client arriving in RBR with the receive interrupt on IRQ 4 (seen
 * through the IOAPIC), the THRE interrupt, FIFO trigger level and character
 * timeout on the virtual clock, and a second UART added with -device.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"
#include "hw/char/serial-regs.h"

#define COM1       0x3f8
#define COM1_IRQ   4
#define COM2       0x2f8
#define COM2_IRQ   3
#define WAIT_LOOPS 2000

typedef struct SerialTest {
    QTestState *qts;
    char *dir;
    char *path; /* the file or socket behind COM1 */
    int sock;   /* our end of a socket chardev, or -1 */
} SerialTest;

static SerialTest serial_start_file(void)
{
    SerialTest t = {.sock = -1};

    t.dir = g_dir_make_tmp("kemu-serial-XXXXXX", NULL);
    t.path = g_build_filename(t.dir, "com1.log", NULL);
    t.qts = qtest_initf("-serial file:%s", t.path);
    return t;
}

static SerialTest serial_start_socket(void)
{
    SerialTest t = {.sock = -1};
    struct sockaddr_un sun = {.sun_family = AF_UNIX};

    t.dir = g_dir_make_tmp("kemu-serial-XXXXXX", NULL);
    t.path = g_build_filename(t.dir, "com1.sock", NULL);
    t.qts = qtest_initf("-serial unix:%s,server=on,wait=off", t.path);
    g_strlcpy(sun.sun_path, t.path, sizeof(sun.sun_path));
    t.sock = socket(AF_UNIX, SOCK_STREAM, 0);
    CU_ASSERT_EQUAL_FATAL(connect(t.sock, (struct sockaddr *)&sun, sizeof(sun)),
                          0);
    return t;
}

static void serial_stop(SerialTest *t)
{
    qtest_quit(t->qts);
    if (t->sock >= 0) {
        close(t->sock);
    }
    g_unlink(t->path);
    g_rmdir(t->dir);
    g_free(t->path);
    g_free(t->dir);
}

static uint8_t rd(SerialTest *t, unsigned reg)
{
    return qtest_inb(t->qts, COM1 + reg);
}

static void wr(SerialTest *t, unsigned reg, uint8_t val)
{
    qtest_outb(t->qts, COM1 + reg, val);
}

/* Poll LSR until data is ready (the socket input is read by the loop). */
static bool wait_data_ready(SerialTest *t)
{
    for (int i = 0; i < WAIT_LOOPS; i++) {
        if (rd(t, UART_LSR) & UART_LSR_DR) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

static void test_reset_and_registers(void)
{
    SerialTest t = serial_start_file();

    CU_ASSERT_EQUAL(rd(&t, UART_IER), 0);
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_NO_INT);
    CU_ASSERT_EQUAL(rd(&t, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
    CU_ASSERT_EQUAL(rd(&t, UART_MSR) & 0xf0,
                    UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
    wr(&t, UART_SCR, 0x5a);
    CU_ASSERT_EQUAL(rd(&t, UART_SCR), 0x5a);
    wr(&t, UART_LCR, UART_LCR_DLAB | 0x03);
    wr(&t, UART_DLL, 0x01);
    wr(&t, UART_DLM, 0x02);
    CU_ASSERT_EQUAL(rd(&t, UART_DLL), 0x01);
    CU_ASSERT_EQUAL(rd(&t, UART_DLM), 0x02);
    wr(&t, UART_LCR, 0x03);
    CU_ASSERT_EQUAL(rd(&t, UART_LCR), 0x03);
    CU_ASSERT_EQUAL(rd(&t, UART_IER), 0);
    /* system_reset brings the UART back to its power-on state. */
    qtest_qmp_assert_success(t.qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(t.qts, "RESET");
    CU_ASSERT_EQUAL(rd(&t, UART_LCR), 0);
    CU_ASSERT_EQUAL(rd(&t, UART_SCR), 0);
    serial_stop(&t);
}

static void test_thr_to_file(void)
{
    SerialTest t = serial_start_file();
    const char *msg = "kemu serial says hi\r\n";
    g_autofree char *content = NULL;

    wr(&t, UART_LCR, 0x03);
    wr(&t, UART_FCR, UART_FCR_FE);
    for (const char *p = msg; *p; p++) {
        CU_ASSERT_TRUE(rd(&t, UART_LSR) & UART_LSR_THRE);
        wr(&t, UART_THR, *p);
    }
    CU_ASSERT_TRUE(g_file_get_contents(t.path, &content, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(content, msg);
    serial_stop(&t);
}

static void test_thre_interrupt(void)
{
    SerialTest t = serial_start_file();

    qtest_irq_intercept_in(t.qts, "ioapic");
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));
    wr(&t, UART_IER, UART_IER_THRI);
    CU_ASSERT_TRUE(qtest_get_irq(t.qts, COM1_IRQ));
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_THRI);
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));
    wr(&t, UART_THR, 'x');
    CU_ASSERT_TRUE(qtest_get_irq(t.qts, COM1_IRQ));
    wr(&t, UART_IER, 0);
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));
    serial_stop(&t);
}

static void test_receive_from_socket(void)
{
    SerialTest t = serial_start_socket();
    char buf[8];

    qtest_irq_intercept_in(t.qts, "ioapic");
    wr(&t, UART_LCR, 0x03);
    wr(&t, UART_IER, UART_IER_RDI);
    CU_ASSERT_EQUAL(send(t.sock, "ok", 2, 0), 2);
    CU_ASSERT_TRUE(wait_data_ready(&t));
    CU_ASSERT_TRUE(qtest_get_irq(t.qts, COM1_IRQ));
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_RDI);
    CU_ASSERT_EQUAL(rd(&t, UART_RBR), 'o');
    /* The second byte waited in the socket: one at a time without FIFO. */
    CU_ASSERT_TRUE(wait_data_ready(&t));
    CU_ASSERT_EQUAL(rd(&t, UART_RBR), 'k');
    CU_ASSERT_FALSE(rd(&t, UART_LSR) & UART_LSR_DR);
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));

    /* And the other way, to the socket. */
    wr(&t, UART_THR, '!');
    CU_ASSERT_EQUAL(recv(t.sock, buf, 1, 0), 1);
    CU_ASSERT_EQUAL(buf[0], '!');
    serial_stop(&t);
}

static void test_fifo_and_timeout(void)
{
    SerialTest t = serial_start_socket();

    qtest_irq_intercept_in(t.qts, "ioapic");
    wr(&t, UART_LCR, 0x03);
    wr(&t, UART_FCR, UART_FCR_FE | UART_FCR_RFR | UART_FCR_ITL_4);
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_FE | UART_IIR_NO_INT);
    wr(&t, UART_IER, UART_IER_RDI);
    /* Three bytes: below the trigger level of 4, no interrupt yet. */
    CU_ASSERT_EQUAL(send(t.sock, "abc", 3, 0), 3);
    CU_ASSERT_TRUE(wait_data_ready(&t));
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));
    /* Four character times of silence: the timeout interrupt. */
    CU_ASSERT_TRUE(
        qtest_irq_wait(t.qts, COM1_IRQ, true, 10 * 1000 * 1000, 100 * 1000));
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_FE | UART_IIR_CTI);
    CU_ASSERT_EQUAL(rd(&t, UART_RBR), 'a');
    CU_ASSERT_EQUAL(rd(&t, UART_RBR), 'b');
    CU_ASSERT_EQUAL(rd(&t, UART_RBR), 'c');
    CU_ASSERT_FALSE(qtest_get_irq(t.qts, COM1_IRQ));
    /* Four bytes reach the trigger level at once. */
    CU_ASSERT_EQUAL(send(t.sock, "wxyz", 4, 0), 4);
    for (int i = 0; i < WAIT_LOOPS && !qtest_get_irq(t.qts, COM1_IRQ); i++) {
        g_usleep(1000);
    }
    CU_ASSERT_TRUE(qtest_get_irq(t.qts, COM1_IRQ));
    CU_ASSERT_EQUAL(rd(&t, UART_IIR), UART_IIR_FE | UART_IIR_RDI);
    serial_stop(&t);
}

static void test_second_uart(void)
{
    QTestState *qts = qtest_init("-device isa-serial,iobase=0x2f8,irq=3");

    qtest_irq_intercept_in(qts, "ioapic");
    qtest_outb(qts, COM2 + UART_SCR, 0xa5);
    CU_ASSERT_EQUAL(qtest_inb(qts, COM2 + UART_SCR), 0xa5);
    qtest_outb(qts, COM2 + UART_IER, UART_IER_THRI);
    CU_ASSERT_TRUE(qtest_get_irq(qts, COM2_IRQ));
    CU_ASSERT_FALSE(qtest_get_irq(qts, COM1_IRQ));
    qtest_quit(qts);
}

QTEST_SUITE(serial, QTEST_CASE(test_reset_and_registers),
            QTEST_CASE(test_thr_to_file), QTEST_CASE(test_thre_interrupt),
            QTEST_CASE(test_receive_from_socket),
            QTEST_CASE(test_fifo_and_timeout), QTEST_CASE(test_second_uart))
