/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chardev output never stalls the emulator: a QMP client that sends and
 * never reads, and a guest printing to -serial file:FIFO that nobody reads,
 * leave the qtest channel answering and SIGTERM working; the QMP client
 * that falls too far behind is dropped and the next one is served; the
 * FIFO's reader, once it reads, gets the guest's bytes in order.
 */
#include <glib.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define COM1 0x3f8

static int unix_connect(const char *path)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
    CU_ASSERT_EQUAL_FATAL(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
    return fd;
}

/* Send @count copies of @cmd without reading anything back. */
static void send_commands(int fd, const char *cmd, int count)
{
    size_t len = strlen(cmd);

    for (int i = 0; i < count; i++) {
        size_t done = 0;

        while (done < len) {
            ssize_t n = send(fd, cmd + done, len - done, MSG_NOSIGNAL);

            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                return; /* dropped by the emulator: that is allowed */
            }
            done += n;
        }
    }
}

/* Read @fd until EOF or an error; false if it stays open past 30 s. */
static bool read_until_eof(int fd, size_t *total)
{
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    char buf[65536];

    *total = 0;
    while (g_get_monotonic_time() < end) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (poll(&pfd, 1, 1000) <= 0) {
            continue;
        }
        n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0) {
            return true;
        }
        *total += n;
    }
    return false;
}

/*
 * A second QMP monitor whose client sends 1000 commands and reads none of
 * the replies: the qtest channel and the first monitor still answer, and
 * SIGTERM still ends the emulator with status 0.
 */
static void test_qmp_client_not_reading(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-bp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qmp2.sock", NULL);
    QTestState *qts = qtest_initf(
        "-qmp unix:%s,server=on,wait=off -device isa-debug-exit", path);
    int fd = unix_connect(path);

    send_commands(fd, "{'execute': 'qmp_capabilities'}\n", 1);
    send_commands(fd, "{'execute': 'query-status'}\n", 1000);
    for (int i = 0; i < 100; i++) {
        CU_ASSERT_EQUAL(qtest_inb(qts, 0x64) & 0x10, 0x10);
    }
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
    close(fd);
    unlink(path);
    rmdir(dir);
}

/*
 * A client that keeps asking for large replies and never reads them is
 * dropped once its queue is full; the emulator answers meanwhile and
 * serves the next client.
 */
static void test_qmp_client_dropped(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-bp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "qmp2.sock", NULL);
    QTestState *qts = qtest_initf("-qmp unix:%s,server=on,wait=off", path);
    int fd = unix_connect(path);
    char greeting[16] = "";
    size_t total = 0;
    int fd2;

    send_commands(fd, "{'execute': 'qmp_capabilities'}\n", 1);
    send_commands(fd, "{'execute': 'qom-list-types'}\n", 2000);
    CU_ASSERT_EQUAL(qtest_inb(qts, 0x64) & 0x10, 0x10);
    /* What was queued arrives, then the end: the client was dropped. */
    CU_ASSERT_TRUE(read_until_eof(fd, &total));
    CU_ASSERT_TRUE(total > 0);
    close(fd);
    fd2 = unix_connect(path);
    CU_ASSERT_EQUAL(recv(fd2, greeting, 7, MSG_WAITALL), 7);
    CU_ASSERT_EQUAL(memcmp(greeting, "{\"QMP\":", 7), 0);
    close(fd2);
    qtest_quit(qts);
    unlink(path);
    rmdir(dir);
}

/*
 * -serial file:FIFO with a reader that reads nothing (a 4 KiB pipe): the
 * guest prints 20000 bytes and the emulator goes on answering; when the
 * reader reads, the bytes arrive in order; SIGTERM still works.
 */
static void test_serial_fifo_not_read(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-bp-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "com1.fifo", NULL);
    enum { LEN = 20000 };
    g_autofree char *got = g_malloc0(LEN);
    gint64 end;
    size_t total = 0;
    QTestState *qts;
    int rfd;

    CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
    rfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    CU_ASSERT_TRUE_FATAL(rfd >= 0);
    CU_ASSERT_EQUAL(fcntl(rfd, F_SETPIPE_SZ, 4096), 4096);
    qts = qtest_initf("-serial file:%s", path);
    for (int i = 0; i < LEN; i++) {
        qtest_outb(qts, COM1, 'a' + i % 26);
    }
    CU_ASSERT_EQUAL(qtest_inb(qts, COM1 + 5) & 0x60, 0x60); /* THRE, TEMT */
    end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (total < LEN && g_get_monotonic_time() < end) {
        struct pollfd pfd = {.fd = rfd, .events = POLLIN};
        ssize_t n;

        poll(&pfd, 1, 100);
        n = read(rfd, got + total, LEN - total);
        if (n > 0) {
            total += n;
        }
    }
    CU_ASSERT_EQUAL(total, LEN);
    for (size_t i = 0; i < total; i++) {
        if (got[i] != 'a' + (char)(i % 26)) {
            CU_FAIL("serial output out of order");
            break;
        }
    }
    qtest_quit(qts);
    close(rfd);
    unlink(path);
    rmdir(dir);
}

QTEST_SUITE(chardev_backpressure, QTEST_CASE(test_qmp_client_not_reading),
            QTEST_CASE(test_qmp_client_dropped),
            QTEST_CASE(test_serial_fifo_not_read))
