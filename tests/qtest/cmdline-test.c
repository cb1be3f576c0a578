/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line as a user meets it: help outputs, and every kind of bad
 * input (unknown flag, bad value, unknown device or property, bad backend)
 * answered with exactly one line naming the problem and exit status 1.
 */
#include "util/osdep.h"
#include <sys/wait.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

typedef struct RunResult {
    int status; /* exit status, or 128 + signal */
    char *out;
    char *err;
} RunResult;

static const char *emulator(void)
{
    const char *bin = getenv("QTEST_QEMU_BINARY");

    return bin ? bin : "build/kemu-system-x86_64";
}

/* Run the emulator with a whitespace-separated argument string. */
static RunResult run_kemu(const char *args)
{
    g_auto(GStrv) split = g_strsplit(args, " ", -1);
    GPtrArray *argv = g_ptr_array_new();
    RunResult r = {-1, NULL, NULL};
    GError *gerr = NULL;
    int wait_status = 0;

    g_ptr_array_add(argv, (gpointer)emulator());
    for (char **a = split; *a; a++) {
        if (**a) {
            g_ptr_array_add(argv, *a);
        }
    }
    g_ptr_array_add(argv, NULL);
    if (g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                     NULL, &r.out, &r.err, &wait_status, &gerr)) {
        r.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status)
                                          : 128 + WTERMSIG(wait_status);
    } else {
        fprintf(stderr, "spawn failed: %s\n", gerr->message);
        g_error_free(gerr);
    }
    g_ptr_array_free(argv, true);
    return r;
}

static void run_result_free(RunResult *r)
{
    g_free(r->out);
    g_free(r->err);
}

/* args must fail with one stderr line that starts with want_prefix. */
static void expect_one_line_error(const char *args, const char *want)
{
    RunResult r = run_kemu(args);
    g_autofree char *expected = g_strdup_printf("kemu-system-x86_64: %s", want);
    int lines = 0;

    for (const char *p = r.err; p && *p; p++) {
        lines += *p == '\n';
    }
    if (r.status != 1 || lines != 1 || !g_str_has_prefix(r.err, expected)) {
        fprintf(stderr, "\n  args: %s\n  status %d, stderr: %s  want: %s\n",
                args, r.status, r.err, expected);
    }
    CU_ASSERT_EQUAL(r.status, 1);
    CU_ASSERT_EQUAL(lines, 1);
    CU_ASSERT_TRUE(g_str_has_prefix(r.err, expected));
    run_result_free(&r);
}

static void test_version_and_help(void)
{
    RunResult r = run_kemu("--version");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_TRUE(g_str_has_prefix(r.out, "kemu-system-x86_64 version "));
    run_result_free(&r);
    r = run_kemu("-h");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "-device"));
    run_result_free(&r);
    r = run_kemu("-machine help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pc "));
    run_result_free(&r);
}

static void test_device_help(void)
{
    RunResult r = run_kemu("-device help");

    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "Network devices:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"e1000\", bus PCI"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"isa-serial\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "name \"isa-debug-exit\""));
    run_result_free(&r);
    r = run_kemu("-device e1000,help");
    CU_ASSERT_EQUAL(r.status, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "e1000 options:\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "mac=<str>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "netdev=<str>"));
    run_result_free(&r);
}

static void test_bad_flags(void)
{
    expect_one_line_error("-foo", "-foo: invalid option");
    expect_one_line_error("--bar", "--bar: invalid option");
    expect_one_line_error("disk.img", "disk.img: invalid argument");
    expect_one_line_error("-m", "-m: requires an argument");
    expect_one_line_error("-m abc", "-m: invalid size 'abc' for 'size'");
    expect_one_line_error("-smp cpus=300", "-smp: invalid number of CPUs");
    expect_one_line_error("-machine foo", "-machine foo: unsupported machine");
    expect_one_line_error("-accel foo", "-accel foo: invalid accelerator");
    /* pentium is one of QEMU 7.2's models; pentium9 is none. */
    expect_one_line_error("-cpu pentium9", "-cpu: unable to find CPU model "
                                           "'pentium9'");
    expect_one_line_error("-cpu qemu64,+nosuchflag",
                          "-cpu: CPU flag or property 'nosuchflag' not found");
    expect_one_line_error("-cpu qemu64,hv_relaxed",
                          "-cpu: CPU flag 'hv_relaxed': Hyper-V");
    expect_one_line_error("-cpu Nehalem,family=x",
                          "-cpu: CPU property 'family': 'x' is not a number");
    expect_one_line_error("-d nope", "-d: unknown log item 'nope'");
    expect_one_line_error("-drive file=x.img", "-drive: not supported");
    expect_one_line_error("-display gtk", "-display: display 'gtk' is not");
    expect_one_line_error("-rtc base=yesterday", "-rtc base=yesterday: "
                                                 "invalid base");
}

static void test_bad_devices(void)
{
    expect_one_line_error("-device nosuch",
                          "-device nosuch: 'nosuch' is not a valid device "
                          "model name");
    expect_one_line_error("-device i440FX", "-device i440FX: device 'i440FX' "
                                            "can't be added");
    expect_one_line_error("-accel qtest -device e1000,foo=1",
                          "-device e1000: invalid parameter 'foo'");
    expect_one_line_error("-accel qtest -device e1000,mac=zz",
                          "-device e1000: property 'e1000.mac' doesn't take "
                          "value 'zz' (expected a MAC address");
    expect_one_line_error("-accel qtest -device e1000,netdev=nope",
                          "-device e1000: Property 'e1000.netdev' can't find "
                          "value 'nope'");
    expect_one_line_error("-accel qtest -device isa-debug-exit,iosize=x",
                          "-device isa-debug-exit: property "
                          "'isa-debug-exit.iosize' doesn't take value 'x'");
    expect_one_line_error("-accel qtest -device e1000,addr=40",
                          "-device e1000: property 'e1000.addr' doesn't "
                          "take value '40'");
    expect_one_line_error("-accel qtest -device isa-serial,id=a "
                          "-device isa-serial,id=a,iobase=0x2f8",
                          "-device isa-serial: duplicate device id 'a'");
}

static void test_bad_backends(void)
{
    expect_one_line_error("-netdev user", "-netdev user: Parameter 'id' is "
                                          "missing");
    expect_one_line_error("-netdev user,id=n0,foo=1",
                          "-netdev user: invalid parameter 'foo'");
    expect_one_line_error("-netdev bogus,id=x",
                          "-netdev bogus: unknown netdev type 'bogus'");
    expect_one_line_error("-chardev foo,id=x",
                          "-chardev foo: unknown chardev backend 'foo'");
    expect_one_line_error("-serial bogus:x",
                          "-serial bogus:x: unknown chardev backend");
}

static void test_bad_images(void)
{
    expect_one_line_error("-kernel /nonexistent", "-kernel /nonexistent: ");
    expect_one_line_error("-kernel /etc/hostname",
                          "-kernel /etc/hostname: not an ELF image");
    expect_one_line_error("-bios /nonexistent", "-bios /nonexistent: ");
}

QTEST_SUITE(cmdline, QTEST_CASE(test_version_and_help),
            QTEST_CASE(test_device_help), QTEST_CASE(test_bad_flags),
            QTEST_CASE(test_bad_devices), QTEST_CASE(test_bad_backends),
            QTEST_CASE(test_bad_images));
