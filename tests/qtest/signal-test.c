/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals as a user's launcher sends them: the handlers exist before the
 * first chardev; SIGTERM or SIGINT at any moment of start-up ends the
 * emulator by exit(0), never by the signal, and cleans up (a server socket
 * file is removed) -- also while a wait=on server socket waits for its
 * client; SIGPIPE is ignored, so a stderr nobody reads any more does not
 * kill it.
 */
#include "util/osdep.h"
#include <signal.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <sys/wait.h>
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define EARLY_TRIES 60

typedef struct Child {
    pid_t pid;
    bool block_termsigs; /* blocked across exec, as a launcher may have */
    int stderr_fd;       /* -1: inherit */
} Child;

/*
 * Start the emulator with @args (space separated), SIGPIPE at its default;
 * return once it was exec'd (a close-on-exec pipe tells).
 */
static void child_spawn(Child *c, const char *args)
{
    g_auto(GStrv) split = g_strsplit(args, " ", -1);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    sigset_t termsigs, old;
    int sync[2];
    char byte;

    g_ptr_array_add(argv, (gpointer)qtest_qemu_binary());
    for (char **a = split; *a; a++) {
        if (**a) {
            g_ptr_array_add(argv, *a);
        }
    }
    g_ptr_array_add(argv, NULL);
    sigemptyset(&termsigs);
    sigaddset(&termsigs, SIGTERM);
    sigaddset(&termsigs, SIGINT);
    sigaddset(&termsigs, SIGHUP);
    CU_ASSERT_EQUAL_FATAL(pipe2(sync, O_CLOEXEC), 0);
    /* Blocked from before the fork: the child gets no signal of ours. */
    sigprocmask(SIG_BLOCK, &termsigs, &old);
    c->pid = fork();
    CU_ASSERT_FATAL(c->pid >= 0);
    if (c->pid == 0) {
        close(sync[0]);
        if (!c->block_termsigs) {
            sigprocmask(SIG_UNBLOCK, &termsigs, NULL);
        }
        /* The test runner ignores SIGPIPE; the emulator must not need it. */
        signal(SIGPIPE, SIG_DFL);
        if (c->stderr_fd >= 0) {
            dup2(c->stderr_fd, STDERR_FILENO);
        }
        execv(argv->pdata[0], (char **)argv->pdata);
        _exit(127);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(sync[1]);
    while (read(sync[0], &byte, 1) < 0 && errno == EINTR) {
    }
    close(sync[0]);
}

/* The wait status, or -1 after killing the child on a timeout. */
static int child_wait(Child *c, int seconds)
{
    for (int i = 0; i < seconds * 200; i++) {
        int status;

        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            return status;
        }
        g_usleep(5 * 1000);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, NULL, 0);
    return -1;
}

static bool exited_zero(int status, const char *what)
{
    bool ok = status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;

    if (!ok) {
        fprintf(stderr, "\n  %s: %s %d\n", what,
                status == -1          ? "hung; status"
                : WIFSIGNALED(status) ? "killed by signal"
                                      : "exit status",
                status == -1          ? -1
                : WIFSIGNALED(status) ? WTERMSIG(status)
                                      : WEXITSTATUS(status));
    }
    return ok;
}

static char *tmp_path(const char *what)
{
    return g_strdup_printf("%s/signal-test-%d-%s", g_get_tmp_dir(), getpid(),
                           what);
}

/*
 * Whether @pid has handlers for SIGTERM, SIGINT and SIGHUP (SigCgt in
 * /proc/PID/status); false when it cannot tell.
 */
static bool termsigs_caught(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *status = NULL;
    const char *line;
    unsigned long long mask;

    if (!g_file_get_contents(path, &status, NULL, NULL) ||
        !(line = strstr(status, "\nSigCgt:")) ||
        sscanf(line + strlen("\nSigCgt:"), "%llx", &mask) != 1) {
        return false;
    }
    return (mask & (1ull << (SIGTERM - 1))) &&
           (mask & (1ull << (SIGINT - 1))) && (mask & (1ull << (SIGHUP - 1)));
}

/* Poll until @pid caught the termination signals, or 10 s went by. */
static bool wait_termsigs_caught(pid_t pid)
{
    for (int i = 0; i < 10000; i++) {
        if (termsigs_caught(pid)) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/*
 * SIGTERM or SIGINT at a random moment, 0 to 100 ms after the exec: during
 * start-up (machine, chardevs, monitors, devices) or in the main loop.
 * Half the tries block the signals across exec, as a launcher may: one
 * sent even before main() is then delivered when the emulator takes it.
 * The others get it as a shell sends it; a moment that falls before the
 * handlers exist (the dynamic loader, which no handler can cover, on a
 * busy host maybe tens of ms) is moved to when they do: that they come
 * before anything slow is test_handlers_first's business.
 */
static void test_early_signals(void)
{
    g_autofree char *sock = tmp_path("early.sock");
    g_autofree char *args =
        g_strdup_printf("-M pc -accel qtest -display none -nodefaults "
                        "-chardev socket,id=q0,path=%s,server=on,wait=off "
                        "-mon chardev=q0,mode=control -device e1000",
                        sock);
    GRand *rand = g_rand_new();
    int failures = 0, moved = 0;

    for (int i = 0; i < EARLY_TRIES && failures < 3; i++) {
        Child c = {.block_termsigs = i % 2, .stderr_fd = -1};
        int delay_us = g_rand_int_range(rand, 0, 100 * 1000);
        int sig = (i / 2) % 2 ? SIGINT : SIGTERM;
        g_autofree char *what = NULL;
        int status;

        child_spawn(&c, args);
        g_usleep(delay_us);
        if (!c.block_termsigs && !termsigs_caught(c.pid)) {
            wait_termsigs_caught(c.pid);
            moved++;
        }
        kill(c.pid, sig);
        status = child_wait(&c, 10);
        what = g_strdup_printf(
            "try %d: signal %d %d us after exec%s", i, sig, delay_us,
            c.block_termsigs ? " (blocked across exec)" : "");
        if (!exited_zero(status, what)) {
            failures++;
        }
        if (g_file_test(sock, G_FILE_TEST_EXISTS)) {
            fprintf(stderr, "\n  %s: %s left behind\n", what, sock);
            g_unlink(sock);
            failures++;
        }
    }
    g_rand_free(rand);
    CU_ASSERT_EQUAL(failures, 0);
    /* Most moments fall after main()'s first line. */
    CU_ASSERT_TRUE(moved < EARLY_TRIES / 4);
}

/*
 * The handlers exist before anything that can block or take time: by the
 * time the first chardev's socket file appears, SIGTERM, SIGINT and SIGHUP
 * are caught (kemu used to take them only after its chardevs and monitors,
 * and a signal before that killed it).
 */
static void test_handlers_first(void)
{
    g_autofree char *sock = tmp_path("first.sock");
    g_autofree char *args =
        g_strdup_printf("-M pc -accel qtest -display none -nodefaults "
                        "-chardev socket,id=q0,path=%s,server=on,wait=off "
                        "-mon chardev=q0,mode=control",
                        sock);
    Child c = {.stderr_fd = -1};
    bool appeared = false;

    child_spawn(&c, args);
    for (int i = 0; i < 100000 && !appeared; i++) {
        appeared = g_file_test(sock, G_FILE_TEST_EXISTS);
        if (!appeared) {
            g_usleep(100);
        }
    }
    CU_ASSERT_TRUE(appeared);
    CU_ASSERT_TRUE(termsigs_caught(c.pid));
    kill(c.pid, SIGTERM);
    CU_ASSERT_TRUE(exited_zero(child_wait(&c, 10), "SIGTERM after start"));
    g_unlink(sock);
}

/* A wait=on server socket waiting for its client still serves SIGTERM. */
static void test_sigterm_while_waiting(void)
{
    g_autofree char *sock = tmp_path("wait.sock");
    g_autofree char *args =
        g_strdup_printf("-M pc -accel qtest -display none -nodefaults "
                        "-chardev socket,path=%s,server=on,wait=on,id=c0",
                        sock);
    Child c = {.stderr_fd = -1};
    int status;

    child_spawn(&c, args);
    for (int i = 0; i < 2000 && !g_file_test(sock, G_FILE_TEST_EXISTS); i++) {
        g_usleep(10 * 1000);
    }
    CU_ASSERT_TRUE(g_file_test(sock, G_FILE_TEST_EXISTS));
    /* Well into the wait. */
    g_usleep(200 * 1000);
    kill(c.pid, SIGTERM);
    status = child_wait(&c, 20);
    CU_ASSERT_TRUE(exited_zero(status, "SIGTERM in wait=on"));
    CU_ASSERT_FALSE(g_file_test(sock, G_FILE_TEST_EXISTS));
    g_unlink(sock);
}

/*
 * stderr is a pipe whose reader is gone: the -global warning meets EPIPE,
 * and the emulator, with SIGPIPE at its default, runs on until SIGTERM.
 */
static void test_sigpipe_ignored(void)
{
    Child c;
    int fds[2];
    int status;

    CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
    close(fds[0]);
    c = (Child){.stderr_fd = fds[1]};
    child_spawn(&c, "-M pc -accel qtest -display none -nodefaults "
                    "-global nosuch.prop=1");
    close(fds[1]);
    g_usleep(500 * 1000);
    kill(c.pid, SIGTERM);
    status = child_wait(&c, 20);
    CU_ASSERT_TRUE(exited_zero(status, "stderr without a reader"));
}

QTEST_SUITE(signal, QTEST_CASE(test_handlers_first),
            QTEST_CASE(test_early_signals),
            QTEST_CASE(test_sigterm_while_waiting),
            QTEST_CASE(test_sigpipe_ignored));
