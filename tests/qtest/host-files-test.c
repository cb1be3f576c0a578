/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host files the emulator opens: the -qtest-log and -D log files are
 * close-on-exec (a tap script or other child does not inherit them), and
 * a -qmp unix server socket is owner-only (0600) whatever the umask.
 */
#include <glib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

/* The open flags the emulator has @path open with, or -1. */
static long emulator_fd_flags(QTestState *qts, const char *path)
{
    g_autofree char *fddir = g_strdup_printf("/proc/%d/fd", qtest_pid(qts));
    g_autoptr(GDir) fds = g_dir_open(fddir, 0, NULL);
    const char *name;

    while (fds && (name = g_dir_read_name(fds))) {
        g_autofree char *link = g_strdup_printf("%s/%s", fddir, name);
        g_autofree char *target = g_file_read_link(link, NULL);
        g_autofree char *info = NULL;
        g_autofree char *infopath = NULL;
        const char *flags;

        if (!target || strcmp(target, path)) {
            continue;
        }
        infopath = g_strdup_printf("/proc/%d/fdinfo/%s", qtest_pid(qts), name);
        if (!g_file_get_contents(infopath, &info, NULL, NULL) ||
            !(flags = strstr(info, "flags:"))) {
            return -1;
        }
        return strtol(flags + strlen("flags:"), NULL, 8);
    }
    return -1;
}

static void test_files(void)
{
    g_autofree char *dir = g_dir_make_tmp("kemu-files-XXXXXX", NULL);
    g_autofree char *qlog = g_build_filename(dir, "qtest.log", NULL);
    g_autofree char *dlog = g_build_filename(dir, "d.log", NULL);
    g_autofree char *qmp = g_build_filename(dir, "qmp.sock", NULL);
    mode_t old = umask(022);
    QTestState *qts = qtest_initf("-qtest-log %s -D %s -d guest-errors "
                                  "-qmp unix:%s,server=on,wait=off",
                                  qlog, dlog, qmp);
    struct stat st;
    long flags;

    umask(old);
    /* libqtest passes its own -qtest-log too: ours, given last, wins. */
    flags = emulator_fd_flags(qts, qlog);
    CU_ASSERT_TRUE(flags >= 0 && (flags & O_CLOEXEC));
    flags = emulator_fd_flags(qts, dlog);
    CU_ASSERT_TRUE(flags >= 0 && (flags & O_CLOEXEC));
    CU_ASSERT_EQUAL_FATAL(lstat(qmp, &st), 0);
    CU_ASSERT_TRUE(S_ISSOCK(st.st_mode));
    CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
    qtest_quit(qts);
    unlink(qlog);
    unlink(dlog);
    unlink(qmp);
    rmdir(dir);
}

QTEST_SUITE(host_files, QTEST_CASE(test_files))
