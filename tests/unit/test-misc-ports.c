/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's small ports: isa-debug-exit's shutdown request and exit status,
 * port 0x92's A20 bit and fast reset, the i8042's self-tests, command
 * byte, keyboard replies, IRQ 1 and reset line, and port 0x80.
 */
#include "util/osdep.h"
#include "tests/unit/devtest.h"
#include "tests/unit/unit.h"

typedef struct EventLog {
    MachineNotifier n;
    int resets;
    int shutdowns;
    char *reason;
} EventLog;

static void log_notify(MachineNotifier *n, MachineEvent event,
                       const char *reason, bool guest)
{
    EventLog *log = container_of(n, EventLog, n);

    if (event == MACHINE_EVENT_RESET) {
        log->resets++;
    } else if (event == MACHINE_EVENT_SHUTDOWN) {
        log->shutdowns++;
    }
    g_free(log->reason);
    log->reason = g_strdup(reason);
}

static void log_attach(DevTest *t, EventLog *log)
{
    memset(log, 0, sizeof(*log));
    log->n.notify = log_notify;
    machine_add_notifier(t->ms, &log->n);
}

static void log_detach(DevTest *t, EventLog *log)
{
    machine_remove_notifier(t->ms, &log->n);
    g_free(log->reason);
}

static void a20_handler(void *opaque, int n, int level)
{
    *(int *)opaque = level;
}

static void test_debug_exit(void)
{
    DevTest *t = devtest_new(0);
    EventLog log;

    log_attach(t, &log);
    devtest_add(t, &error_abort, "isa-debug-exit", NULL);
    devtest_outb(t, 0x501, 0x10);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(t->ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(t->ms->exit_status, (0x10 << 1) | 1);
    CU_ASSERT_EQUAL(log.shutdowns, 1);
    CU_ASSERT_STRING_EQUAL(log.reason, "guest-shutdown");
    log_detach(t, &log);
    devtest_free(t);

    /* iobase=0xf4,iosize=0x04, as test guests use it: a 32-bit write. */
    t = devtest_new(0);
    devtest_add(t, &error_abort, "isa-debug-exit", "iobase", "0xf4", "iosize",
                "0x04", NULL);
    devtest_out(t, 0xf4, 1, 4);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(t->ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(t->ms->exit_status, 3);
    devtest_free(t);

    /* Nothing outside its ports. */
    t = devtest_new(0);
    devtest_add(t, &error_abort, "isa-debug-exit", "iobase", "0xf4", "iosize",
                "0x04", NULL);
    devtest_outb(t, 0xf8, 1);
    devtest_run_pending(t);
    CU_ASSERT_NOT_EQUAL(t->ms->runstate, RUN_STATE_SHUTDOWN);
    devtest_free(t);
}

static void test_debug_exit_bad_range(void)
{
    DevTest *t = devtest_new(0);
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(devtest_add(t, &err, "isa-debug-exit", "iobase",
                                   "0xffff", "iosize", "4", NULL));
    CU_ASSERT_PTR_NOT_NULL(err);
    error_free(err);
    devtest_free(t);
}

static void test_port92(void)
{
    DevTest *t = devtest_new(0);
    DeviceState *dev = devtest_add(t, &error_abort, "port92", NULL);
    int a20 = -1;
    EventLog log;

    log_attach(t, &log);
    qdev_connect_gpio_out_named(dev, "a20", 0,
                                qemu_allocate_irq(a20_handler, &a20, 0));
    CU_ASSERT_EQUAL(devtest_inb(t, 0x92), 0);
    devtest_outb(t, 0x92, 0x02);
    CU_ASSERT_EQUAL(a20, 1);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x92), 0x02);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(log.resets, 0);
    /* Fast reset: bit 0 from 0 to 1. */
    devtest_outb(t, 0x92, 0x03);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(log.resets, 1);
    CU_ASSERT_STRING_EQUAL(log.reason, "guest-reset");
    CU_ASSERT_EQUAL(devtest_inb(t, 0x92), 0x02);
    devtest_outb(t, 0x92, 0x00);
    CU_ASSERT_EQUAL(a20, 0);
    log_detach(t, &log);
    qemu_free_irq(qdev_get_gpio_out_named(dev, "a20", 0));
    devtest_free(t);
}

static uint8_t kbd_status(DevTest *t)
{
    return devtest_inb(t, 0x64);
}

static void test_i8042(void)
{
    DevTest *t = devtest_new(0);
    EventLog log;

    log_attach(t, &log);
    devtest_add(t, &error_abort, "i8042", NULL);
    CU_ASSERT_EQUAL(kbd_status(t) & 0x01, 0);
    /* Controller self-test and keyboard interface test. */
    devtest_outb(t, 0x64, 0xaa);
    CU_ASSERT_EQUAL(kbd_status(t) & 0x05, 0x05);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0x55);
    CU_ASSERT_EQUAL(kbd_status(t) & 0x01, 0);
    devtest_outb(t, 0x64, 0xab);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0x00);
    /* The command byte round trip; IRQ 1 follows KBDINT. */
    devtest_outb(t, 0x64, 0x60);
    devtest_outb(t, 0x60, 0x44);
    devtest_outb(t, 0x64, 0x20);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0x44);
    CU_ASSERT_EQUAL(t->level[1], 0);
    devtest_outb(t, 0x64, 0x60);
    devtest_outb(t, 0x60, 0x45);
    /* Keyboard reset and identify, acknowledged with interrupts. */
    devtest_outb(t, 0x60, 0xff);
    CU_ASSERT_EQUAL(t->level[1], 1);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xfa);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xaa);
    CU_ASSERT_EQUAL(t->level[1], 0);
    devtest_outb(t, 0x60, 0xf2);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xfa);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xab);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0x83);
    devtest_outb(t, 0x60, 0xed);
    devtest_outb(t, 0x60, 0x07);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xfa);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60), 0xfa);
    /* No aux port. */
    devtest_outb(t, 0x64, 0xa9);
    CU_ASSERT_NOT_EQUAL(devtest_inb(t, 0x60), 0x00);
    /* Output port: A20 and reset line high. */
    devtest_outb(t, 0x64, 0xd0);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x60) & 0x03, 0x03);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(log.resets, 0);
    /* 0xfe pulses the reset line. */
    devtest_outb(t, 0x64, 0xfe);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(log.resets, 1);
    CU_ASSERT_STRING_EQUAL(log.reason, "guest-reset");
    /* So does writing the output port with bit 0 clear. */
    devtest_outb(t, 0x64, 0xd1);
    devtest_outb(t, 0x60, 0x02);
    devtest_run_pending(t);
    CU_ASSERT_EQUAL(log.resets, 2);
    log_detach(t, &log);
    devtest_free(t);
}

static void test_ioport80(void)
{
    DevTest *t = devtest_new(0);

    devtest_add(t, &error_abort, "ioport80", NULL);
    devtest_outb(t, 0x80, 0x12);
    CU_ASSERT_EQUAL(devtest_inb(t, 0x80), 0xff);
    devtest_free(t);
}

UNIT_SUITE(misc_ports, NULL, NULL, UNIT_TEST(test_debug_exit),
           UNIT_TEST(test_debug_exit_bad_range), UNIT_TEST(test_port92),
           UNIT_TEST(test_i8042), UNIT_TEST(test_ioport80))
