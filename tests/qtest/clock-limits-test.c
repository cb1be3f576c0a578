/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual clock at its limits: steps saturate at the ceiling instead of
 * overflowing; a step to "infinity" with a periodic timer armed goes on in
 * pieces while the emulator still answers QMP and SIGTERM; -rtc base= past
 * what the clock can hold is refused in one line.  And a guest's exit and
 * a SIGTERM in the same main-loop turn: the guest's status wins.
 */
#include <glib.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define CLOCK_MAX "4611686018427387903" /* INT64_MAX / 2 */

/*
 * Without the PIT, whose channel 0 ticks from reset as on a real pc, no
 * timer is periodic: a step to the ceiling is one jump.
 */
static void test_step_saturates(void)
{
    QTestState *qts = qtest_init("-machine pit=off");
    g_autofree char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;

    r1 = qtest_raw_cmd(qts, "clock_step 9223372036854775807");
    CU_ASSERT_STRING_EQUAL(r1, "OK " CLOCK_MAX);
    /* A second large step used to overflow a signed add. */
    r2 = qtest_raw_cmd(qts, "clock_step 9223372036854775807");
    CU_ASSERT_STRING_EQUAL(r2, "OK " CLOCK_MAX);
    r3 = qtest_raw_cmd(qts, "clock_set 9223372036854775807");
    CU_ASSERT_STRING_EQUAL(r3, "FAIL " CLOCK_MAX);
    r4 = qtest_raw_cmd(qts, "clock_step 1");
    CU_ASSERT_STRING_EQUAL(r4, "OK " CLOCK_MAX);
    qtest_quit(qts);
}

/* The emulator, started by hand, with the qtest protocol on a socket. */
typedef struct Raw {
    GPid pid;
    int qtest;
    int qmp;
    char *dir;
} Raw;

static int raw_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    while (g_get_monotonic_time() < end) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
            return fd;
        }
        close(fd);
        g_usleep(10000);
    }
    CU_FAIL_FATAL("could not connect to the emulator");
    return -1;
}

/* The emulator must not outlive a killed test. */
static void raw_child_setup(gpointer unused)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static Raw raw_start(const char *extra)
{
    Raw r = {0};
    g_autofree char *qtest = NULL, *qmp = NULL, *cmd = NULL;
    g_auto(GStrv) argv = NULL;

    r.dir = g_dir_make_tmp("kemu-clock-XXXXXX", NULL);
    qtest = g_build_filename(r.dir, "qtest.sock", NULL);
    qmp = g_build_filename(r.dir, "qmp.sock", NULL);
    cmd = g_strdup_printf("%s -accel qtest -display none -qtest-log none "
                          "-qtest unix:%s,server=on,wait=off "
                          "-qmp unix:%s,server=on,wait=off %s",
                          qtest_qemu_binary(), qtest, qmp, extra);
    CU_ASSERT_TRUE_FATAL(g_shell_parse_argv(cmd, NULL, &argv, NULL));
    CU_ASSERT_TRUE_FATAL(g_spawn_async(NULL, argv, NULL,
                                       G_SPAWN_DO_NOT_REAP_CHILD,
                                       raw_child_setup, NULL, &r.pid, NULL));
    r.qtest = raw_connect(qtest);
    r.qmp = raw_connect(qmp);
    return r;
}

static void raw_send(int fd, const char *text)
{
    CU_ASSERT_EQUAL((size_t)send(fd, text, strlen(text), MSG_NOSIGNAL),
                    strlen(text));
}

/* Read from @fd until @want appears (or 30 s pass). */
static bool raw_expect(int fd, const char *want)
{
    g_autoptr(GString) got = g_string_new(NULL);
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;

    while (!strstr(got->str, want) && g_get_monotonic_time() < end) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        char buf[4096];
        ssize_t n;

        if (poll(&pfd, 1, 100) <= 0) {
            continue;
        }
        n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            break;
        }
        g_string_append_len(got, buf, n);
    }
    return strstr(got->str, want) != NULL;
}

/* Wait for the emulator to exit; its exit status, or -1 (killed). */
static int raw_wait(Raw *r, int secs)
{
    gint64 end = g_get_monotonic_time() + secs * G_USEC_PER_SEC;
    int st = 0;

    while (g_get_monotonic_time() < end) {
        pid_t p = waitpid(r->pid, &st, WNOHANG);

        if (p == r->pid) {
            close(r->qtest);
            close(r->qmp);
            g_spawn_close_pid(r->pid);
            rmdir(r->dir); /* the sockets went with the emulator */
            g_free(r->dir);
            return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        }
        g_usleep(10000);
    }
    kill(r->pid, SIGKILL);
    waitpid(r->pid, &st, 0);
    CU_FAIL("the emulator did not exit");
    return -1;
}

/*
 * A step to "infinity" with periodic timers (the RTC's 1024 Hz interrupt
 * on the virtual clock, the PIT): it goes on in pieces, QMP answers
 * meanwhile, and SIGTERM ends the emulator with status 0.
 */
static void test_endless_step_stays_responsive(void)
{
    Raw r = raw_start("-rtc clock=vm");

    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"QMP\""));
    raw_send(r.qmp, "{\"execute\": \"qmp_capabilities\"}\n");
    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"return\""));
    raw_send(r.qtest, "outb 0x70 0xa\noutb 0x71 0x26\n"
                      "outb 0x70 0xb\noutb 0x71 0x42\n");
    CU_ASSERT_TRUE(raw_expect(r.qtest, "OK\nOK\nOK\nOK\n"));
    raw_send(r.qtest, "clock_step 9223372036854775807\n");
    g_usleep(200 * 1000);
    raw_send(r.qmp, "{\"execute\": \"query-status\"}\n");
    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"running\""));
    kill(r.pid, SIGTERM);
    CU_ASSERT_EQUAL(raw_wait(&r, 30), 0);
}

static void test_rtc_base_out_of_range(void)
{
    g_autofree char *cmd = g_strdup_printf(
        "timeout 10 %s -accel qtest -display none -rtc base=2262-04-12",
        qtest_qemu_binary());
    g_autofree char *out = NULL, *err = NULL;
    int status = -1;

    CU_ASSERT_TRUE(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
    CU_ASSERT_TRUE(g_spawn_check_wait_status(status, NULL) == FALSE);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err, "-rtc base=2262-04-12: date out of range (the latest is "
                    "2116-02-20T23:53:38)\n"));
    CU_ASSERT_EQUAL(strchr(err, '\n') - err + 1, (long)strlen(err));
}

/*
 * isa-debug-exit and SIGTERM in the same main-loop turn: the emulator is
 * stopped while both arrive, so one turn sees both; the guest's status
 * wins and nothing leaks (the sanitizer build would exit 23 on a leak).
 */
static void test_guest_exit_and_sigterm(void)
{
    Raw r = raw_start("-device isa-debug-exit");

    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"QMP\""));
    raw_send(r.qtest, "inb 0x80\n");
    CU_ASSERT_TRUE(raw_expect(r.qtest, "OK"));
    kill(r.pid, SIGSTOP);
    raw_send(r.qtest, "outb 0x501 0x10\n");
    kill(r.pid, SIGTERM);
    g_usleep(100 * 1000);
    kill(r.pid, SIGCONT);
    CU_ASSERT_EQUAL(raw_wait(&r, 30), (0x10 << 1) | 1);
}

/* The same with QMP's quit as the host's request. */
static void test_guest_exit_and_qmp_quit(void)
{
    Raw r = raw_start("-device isa-debug-exit");

    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"QMP\""));
    raw_send(r.qmp, "{\"execute\": \"qmp_capabilities\"}\n");
    CU_ASSERT_TRUE(raw_expect(r.qmp, "\"return\""));
    kill(r.pid, SIGSTOP);
    raw_send(r.qmp, "{\"execute\": \"quit\"}\n");
    raw_send(r.qtest, "outb 0x501 0x10\n");
    g_usleep(100 * 1000);
    kill(r.pid, SIGCONT);
    CU_ASSERT_EQUAL(raw_wait(&r, 30), (0x10 << 1) | 1);
}

QTEST_SUITE(clock_limits, QTEST_CASE(test_step_saturates),
            QTEST_CASE(test_endless_step_stays_responsive),
            QTEST_CASE(test_rtc_base_out_of_range),
            QTEST_CASE(test_guest_exit_and_sigterm),
            QTEST_CASE(test_guest_exit_and_qmp_quit))
