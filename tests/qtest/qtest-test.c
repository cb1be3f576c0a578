/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The qtest protocol itself, reply by reply, against QEMU's formats: memory
 * and port accesses on the pc machine, the hex and base64 transfers, the
 * virtual clock, interrupt interception (an RTC periodic interrupt through
 * the IOAPIC), unknown and malformed commands, and the traffic log.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

/* Guest RAM the tests scribble on (pc: 128 MiB from 0). */
#define RAM_ADDR 0x100000

/* An I/O port nothing on the pc board decodes. */
#define UNASSIGNED_PORT 0x2f0

static void assert_reply(QTestState *qts, const char *expected, const char *cmd)
{
    g_autofree char *reply = qtest_raw_cmd(qts, "%s", cmd);

    if (strcmp(reply, expected)) {
        fprintf(stderr, "'%s' replied '%s', expected '%s'\n", cmd, reply,
                expected);
    }
    CU_ASSERT_STRING_EQUAL(reply, expected);
}

static void test_mem_rw(void)
{
    QTestState *qts = qtest_init(NULL);

    qtest_writeb(qts, RAM_ADDR, 0xab);
    CU_ASSERT_EQUAL(qtest_readb(qts, RAM_ADDR), 0xab);
    qtest_writew(qts, RAM_ADDR, 0x1234);
    CU_ASSERT_EQUAL(qtest_readw(qts, RAM_ADDR), 0x1234);
    CU_ASSERT_EQUAL(qtest_readb(qts, RAM_ADDR), 0x34); /* little-endian */
    qtest_writel(qts, RAM_ADDR, 0xdeadbeef);
    CU_ASSERT_EQUAL(qtest_readl(qts, RAM_ADDR), 0xdeadbeef);
    qtest_writeq(qts, RAM_ADDR, 0x0123456789abcdefULL);
    CU_ASSERT_EQUAL(qtest_readq(qts, RAM_ADDR), 0x0123456789abcdefULL);

    /* QEMU's reply formats: every read is 16 hex digits. */
    assert_reply(qts, "OK", "writeb 0x100000 0x5a");
    assert_reply(qts, "OK 0x000000000000005a", "readb 0x100000");
    assert_reply(qts, "OK", "writew 0x100000 0xa55a");
    assert_reply(qts, "OK 0x000000000000a55a", "readw 0x100000");
    assert_reply(qts, "OK", "writel 0x100000 0x11223344");
    assert_reply(qts, "OK 0x0000000011223344", "readl 0x100000");
    assert_reply(qts, "OK", "writeq 0x100000 0x8877665544332211");
    assert_reply(qts, "OK 0x8877665544332211", "readq 0x100000");
    /* Decimal arguments work too (strtoul with base 0). */
    assert_reply(qts, "OK", "writeb 1048576 66");
    assert_reply(qts, "OK 0x0000000000000042", "readb 1048576");
    qtest_quit(qts);
}

static void test_hex_and_b64(void)
{
    QTestState *qts = qtest_init(NULL);
    uint8_t buf[64], back[64];
    g_autofree char *b64 = NULL;
    g_autofree char *expect = NULL;

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 7 + 3;
    }
    qtest_memwrite(qts, RAM_ADDR, buf, sizeof(buf));
    memset(back, 0, sizeof(back));
    qtest_memread(qts, RAM_ADDR, back, sizeof(back));
    CU_ASSERT_EQUAL(memcmp(buf, back, sizeof(buf)), 0);

    memset(back, 0, sizeof(back));
    qtest_bufread(qts, RAM_ADDR, back, sizeof(back));
    CU_ASSERT_EQUAL(memcmp(buf, back, sizeof(buf)), 0);

    buf[0] = 0xee;
    qtest_bufwrite(qts, RAM_ADDR + 0x100, buf, sizeof(buf));
    qtest_memread(qts, RAM_ADDR + 0x100, back, sizeof(back));
    CU_ASSERT_EQUAL(memcmp(buf, back, sizeof(buf)), 0);

    /* Raw replies: lower-case hex after "0x"; plain base64. */
    assert_reply(qts, "OK", "write 0x100000 0x4 0x0102abcd");
    assert_reply(qts, "OK 0x0102abcd", "read 0x100000 0x4");
    b64 = g_base64_encode((const guchar *)"\x01\x02\xab", 3);
    expect = g_strdup_printf("OK %s", b64);
    assert_reply(qts, expect, "b64read 0x100000 0x3");
    assert_reply(qts, "OK", "b64write 0x100000 0x2 /v8=");
    assert_reply(qts, "OK 0xfeffabcd", "read 0x100000 0x4");
    /* Short data is zero-filled to SIZE. */
    assert_reply(qts, "OK", "write 0x100000 0x4 0x77");
    assert_reply(qts, "OK 0x77000000", "read 0x100000 0x4");
    /* QEMU's answer to data too short to hold a byte. */
    assert_reply(qts, "ERR invalid argument size", "write 0x100000 0x1 0x");

    qtest_memset(qts, RAM_ADDR, 0x5c, 16);
    qtest_memread(qts, RAM_ADDR, back, 16);
    for (int i = 0; i < 16; i++) {
        CU_ASSERT_EQUAL(back[i], 0x5c);
    }
    assert_reply(qts, "OK", "memset 0x100000 0 0x11");
    assert_reply(qts, "OK 0x5c5c", "read 0x100000 0x2");
    qtest_quit(qts);
}

static void test_ports(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *cmd = NULL;

    /* Nothing decodes the port: reads float high, writes vanish. */
    CU_ASSERT_EQUAL(qtest_inb(qts, UNASSIGNED_PORT), 0xff);
    CU_ASSERT_EQUAL(qtest_inw(qts, UNASSIGNED_PORT), 0xffff);
    CU_ASSERT_EQUAL(qtest_inl(qts, UNASSIGNED_PORT), 0xffffffff);
    qtest_outb(qts, UNASSIGNED_PORT, 0x12);
    qtest_outw(qts, UNASSIGNED_PORT, 0x1234);
    qtest_outl(qts, UNASSIGNED_PORT, 0x12345678);
    /* QEMU's format for port reads: at least four hex digits. */
    assert_reply(qts, "OK 0x00ff", "inb 0x2f0");
    assert_reply(qts, "OK 0xffff", "inw 0x2f0");
    assert_reply(qts, "OK 0xffffffff", "inl 0x2f0");
    assert_reply(qts, "OK", "outb 0x2f0 0x1");

    /* The CMOS index/data pair answers through the same dispatch. */
    qtest_outb(qts, 0x70, 0x0e);
    qtest_outb(qts, 0x71, 0x5a);
    qtest_outb(qts, 0x70, 0x0e);
    CU_ASSERT_EQUAL(qtest_inb(qts, 0x71), 0x5a);
    qtest_quit(qts);
}

static void test_clock(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *reply = NULL;
    g_autofree char *expect = NULL;
    int64_t t0, t1;

    t0 = qtest_clock_step(qts, 0);
    t1 = qtest_clock_step(qts, 1000);
    CU_ASSERT_EQUAL(t1, t0 + 1000);
    CU_ASSERT_EQUAL(qtest_clock_set(qts, t1 + 5000000), t1 + 5000000);

    expect = g_strdup_printf("OK %" PRIi64, t1 + 5000000 + 250);
    assert_reply(qts, expect, "clock_step 250");
    /* Setting the clock back leaves it alone and says FAIL. */
    g_free(expect);
    expect = g_strdup_printf("FAIL %" PRIi64, t1 + 5000000 + 250);
    assert_reply(qts, expect, "clock_set 1");

    /* No argument: to the next timer deadline, or a FAIL without one. */
    reply = qtest_raw_cmd(qts, "clock_step");
    CU_ASSERT(g_str_has_prefix(reply, "OK ") ||
              !strcmp(reply, "FAIL cannot advance clock to the next "
                             "deadline because there is no pending "
                             "deadline"));
    if (g_str_has_prefix(reply, "OK ")) {
        CU_ASSERT(g_ascii_strtoll(reply + 3, NULL, 10) >= t1 + 5000000 + 250);
    }
    qtest_quit(qts);
}

static void test_misc_commands(void)
{
    QTestState *qts = qtest_init(NULL);

    CU_ASSERT_FALSE(qtest_big_endian(qts));
    assert_reply(qts, "OK little", "endianness");
    assert_reply(qts, "FAIL Unknown command 'frobnicate'", "frobnicate 1 2");
    assert_reply(qts, "FAIL Unknown command ''", "");
    assert_reply(qts, "FAIL", "module_load accel qtest");
    /* Malformed arguments fail the command, not the server. */
    assert_reply(qts, "FAIL Invalid arguments for 'outb'", "outb");
    assert_reply(qts, "FAIL Invalid arguments for 'readl'", "readl zzz");
    assert_reply(qts, "FAIL Invalid arguments for 'inb'", "inb 0x10000");
    assert_reply(qts, "FAIL Invalid arguments for 'read'", "read 0x0 0x0");
    assert_reply(qts, "FAIL Invalid arguments for 'write'",
                 "write 0x100000 0x1 0xzz");
    assert_reply(qts, "FAIL Invalid arguments for 'clock_step'",
                 "clock_step -5");
    CU_ASSERT_EQUAL(qtest_inb(qts, UNASSIGNED_PORT), 0xff);
    qtest_quit(qts);
}

/* The path of some board device other than the IOAPIC (g_free it). */
static char *other_device_path(QTestState *qts)
{
    g_autoptr(JsonObject) rsp =
        qtest_qmp(qts, "{'execute': 'qom-list', 'arguments': {'path': %s}}",
                  "/machine/unattached");
    JsonArray *props = qdict_get_path_array(rsp, "return");

    for (guint i = 0; props && i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *name = json_object_get_string_member(p, "name");

        if (g_str_has_prefix(name, "device[")) {
            return g_strdup_printf("/machine/unattached/%s", name);
        }
    }
    return NULL;
}

static void test_irq_intercept(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *other = other_device_path(qts);
    g_autofree char *cmd = g_strdup_printf("irq_intercept_in %s", other);

    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    assert_reply(qts, "FAIL Unknown device", "irq_intercept_in nosuchdev");
    qtest_irq_intercept_in(qts, "ioapic");
    /* Asking again for the same device is fine; another one is not. */
    assert_reply(qts, "OK", "irq_intercept_in ioapic");
    assert_reply(qts, "FAIL IRQ intercept already enabled", cmd);
    assert_reply(qts,
                 "FAIL Interception of named in-GPIOs not yet "
                 "supported",
                 "irq_intercept_in ioapic foo");

    CU_ASSERT_FALSE(qtest_get_irq(qts, 5));
    qtest_set_irq_in(qts, "ioapic", "unnamed-gpio-in", 5, 1);
    CU_ASSERT_TRUE(qtest_get_irq(qts, 5));
    qtest_set_irq_in(qts, "ioapic", NULL, 5, 0);
    CU_ASSERT_FALSE(qtest_get_irq(qts, 5));
    assert_reply(qts, "FAIL Unknown device",
                 "set_irq_in nosuchdev unnamed-gpio-in 1 1");
    assert_reply(qts, "FAIL No such input line",
                 "set_irq_in ioapic unnamed-gpio-in 999 1");
    qtest_quit(qts);
}

/* The unprompted line itself, before the reply it precedes. */
static void test_irq_line_format(void)
{
    QTestState *qts = qtest_init(NULL);
    g_autofree char *reply = NULL;

    qtest_irq_intercept_in(qts, "ioapic");
    reply = qtest_raw_cmd(qts, "set_irq_in ioapic unnamed-gpio-in 7 1");
    CU_ASSERT_STRING_EQUAL(reply, "OK");
    CU_ASSERT_TRUE(qtest_get_irq(qts, 7));
    qtest_quit(qts);
}

/* MC146818 registers. */
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_PIE     0x40
#define RTC_24H     0x02
#define RTC_ISA_IRQ 8

static uint8_t cmos_read(QTestState *qts, uint8_t reg)
{
    qtest_outb(qts, 0x70, reg);
    return qtest_inb(qts, 0x71);
}

static void cmos_write(QTestState *qts, uint8_t reg, uint8_t val)
{
    qtest_outb(qts, 0x70, reg);
    qtest_outb(qts, 0x71, val);
}

/* A device timer fires as the virtual clock is stepped, never by itself. */
static void test_rtc_periodic_irq(void)
{
    QTestState *qts = qtest_init(NULL);
    int64_t start;

    qtest_irq_intercept_in(qts, "ioapic");
    cmos_read(qts, RTC_REG_C);
    /* 1024 Hz periodic interrupt (RS = 6), divider running. */
    cmos_write(qts, RTC_REG_A, 0x26);
    cmos_write(qts, RTC_REG_B, RTC_24H | RTC_PIE);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));

    /* Wall time does not move the guest's clock. */
    g_usleep(20 * 1000);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));

    start = qtest_clock_step(qts, 0);
    CU_ASSERT_TRUE(
        qtest_irq_wait(qts, RTC_ISA_IRQ, true, 10 * 1000 * 1000, 100 * 1000));
    /* Within two periods of 976.5 us. */
    CU_ASSERT(qtest_clock_step(qts, 0) - start <= 2 * 976563 + 100000);
    /* Reading C acknowledges the interrupt. */
    CU_ASSERT(cmos_read(qts, RTC_REG_C) & RTC_PIE);
    CU_ASSERT_FALSE(qtest_get_irq(qts, RTC_ISA_IRQ));
    qtest_quit(qts);
}

/* -accel options QEMU's tests pass first: the first one that works wins. */
static void test_accel_fallback(void)
{
    QTestState *qts = qtest_init("-accel tcg");
    int64_t t;

    t = qtest_clock_step(qts, 100);
    CU_ASSERT_EQUAL(qtest_clock_step(qts, 100), t + 100);
    qtest_quit(qts);
}

static void test_log(void)
{
    g_autofree char *path =
        g_strdup_printf("%s/qtest-log-%d.txt", g_get_tmp_dir(), getpid());
    g_autofree char *text = NULL;
    QTestState *qts = qtest_initf("-qtest-log %s", path);

    qtest_outb(qts, UNASSIGNED_PORT, 0x42);
    qtest_quit(qts);
    CU_ASSERT_TRUE(g_file_get_contents(path, &text, NULL, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "] OPENED"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "] outb 0x2f0 0x42\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "[S +"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "] OK\n"));
    g_unlink(path);
}

/* -qtest chardev:ID: the protocol on a chardev kemu listens on. */
static void test_qtest_chardev(void)
{
    g_autofree char *path =
        g_strdup_printf("%s/qtest-chr-%d.sock", g_get_tmp_dir(), getpid());
    g_autofree char *cmd = g_strdup_printf(
        "exec %s -display none -chardev socket,id=qt,path=%s,server=on,"
        "wait=off -qtest chardev:qt -qtest-log none -accel qtest",
        qtest_qemu_binary(), path);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    static const char script[] = "endianness\nclock_step 10\n"
                                 "outb 0x2f0 0x1\ninb 0x2f0\n";
    static const char expect[] = "OK little\nOK 10\nOK\nOK 0x00ff\n";
    char reply[sizeof(expect)] = "";
    size_t got = 0;
    GPid pid;
    int fd, status;

    g_unlink(path);
    CU_ASSERT_TRUE_FATAL(g_spawn_async(NULL, (char **)argv, NULL,
                                       G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                       &pid, NULL));
    fd = qtest_socket_client(path);
    CU_ASSERT_EQUAL(write(fd, script, strlen(script)), (ssize_t)strlen(script));
    while (got < strlen(expect)) {
        GPollFD pfd = {.fd = fd, .events = G_IO_IN};
        ssize_t n;

        if (g_poll(&pfd, 1, 20000) <= 0) {
            break;
        }
        n = read(fd, reply + got, strlen(expect) - got);
        if (n <= 0) {
            break;
        }
        got += n;
    }
    CU_ASSERT_STRING_EQUAL(reply, expect);
    close(fd);
    kill(pid, SIGTERM);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    g_unlink(path);
}

QTEST_SUITE(qtest_protocol, QTEST_CASE(test_mem_rw),
            QTEST_CASE(test_hex_and_b64), QTEST_CASE(test_ports),
            QTEST_CASE(test_clock), QTEST_CASE(test_misc_commands),
            QTEST_CASE(test_irq_intercept), QTEST_CASE(test_irq_line_format),
            QTEST_CASE(test_rtc_periodic_irq), QTEST_CASE(test_accel_fallback),
            QTEST_CASE(test_log), QTEST_CASE(test_qtest_chardev));
