/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * isa-debug-exit over qtest: a write ends the emulator with exit status
 * (value << 1) | 1 at the default port and at iobase=0xf4,iosize=0x04 (as
 * test guests use it), while writes elsewhere do nothing; and the device
 * is listed by -device help.
 */
#include <glib.h>
#include <string.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

static void expect_exit(QTestState *qts, int status)
{
    qtest_set_expected_status(qts, status);
    qtest_wait_qemu(qts);
    qtest_quit(qts);
}

static void test_default_port(void)
{
    QTestState *qts = qtest_init("-device isa-debug-exit");

    qtest_outb(qts, 0x501, 0x10);
    expect_exit(qts, (0x10 << 1) | 1);
}

static void test_test_guest_port(void)
{
    QTestState *qts = qtest_init("-device isa-debug-exit,iobase=0xf4,"
                                 "iosize=0x04");

    /* Outside the device's 4 ports: nothing happens. */
    qtest_outb(qts, 0xf8, 0x01);
    CU_ASSERT_TRUE(qtest_probe_child(qts));
    qtest_outl(qts, 0xf4, 0);
    expect_exit(qts, 1);
}

static void test_word_write(void)
{
    QTestState *qts = qtest_init("-device isa-debug-exit,iobase=0xf4,"
                                 "iosize=0x04");

    qtest_outw(qts, 0xf6, 0x02);
    expect_exit(qts, 5);
}

static void test_listed_in_help(void)
{
    g_autofree char *out = NULL;
    g_autofree char *cmd =
        g_strdup_printf("%s -device help", qtest_qemu_binary());
    int status = -1;

    CU_ASSERT_TRUE(g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL));
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "name \"isa-debug-exit\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "name \"isa-serial\""));
}

QTEST_SUITE(debugexit, QTEST_CASE(test_default_port),
            QTEST_CASE(test_test_guest_port), QTEST_CASE(test_word_write),
            QTEST_CASE(test_listed_in_help))
