/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Termination signals (termsig.h): the handler stores the signal and its
 * sender and writes to an eventfd; everything else happens outside it.
 */
#include "util/osdep.h"
#include "util/termsig.h"
#include "util/error.h"
#include <signal.h>
#include <sys/eventfd.h>

static const int termsig_signals[] = {SIGTERM, SIGINT, SIGHUP};

static int termsig_efd = -1;
static volatile sig_atomic_t termsig_signo;
static volatile sig_atomic_t termsig_pid;

static void termsig_handler(int signo, siginfo_t *info, void *ctx)
{
    int saved = errno;
    uint64_t one = 1;

    if (!termsig_signo) {
        termsig_pid = info && info->si_code <= 0 ? info->si_pid : 0;
        termsig_signo = signo;
        /* Async-signal-safe; stays readable: nobody drains it. */
        if (write(termsig_efd, &one, sizeof(one)) < 0) {
            /* Only EAGAIN is possible, and then it is readable already. */
        }
    }
    errno = saved;
}

void termsig_init(void)
{
    struct sigaction sa = {.sa_sigaction = termsig_handler};
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigset_t set;

    if (termsig_efd >= 0) {
        return;
    }
    termsig_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (termsig_efd < 0) {
        /* No fd to poll: the signal is still recorded, never fatal. */
        termsig_efd = -1;
    }
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, NULL);
    /* SA_RESTART: a signal must not fail a read elsewhere with EINTR. */
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&set);
    for (size_t i = 0; i < ARRAY_SIZE(termsig_signals); i++) {
        sigaddset(&sa.sa_mask, termsig_signals[i]);
        sigaddset(&set, termsig_signals[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(termsig_signals); i++) {
        sigaction(termsig_signals[i], &sa, NULL);
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int termsig_received(void)
{
    return termsig_signo;
}

int termsig_fd(void)
{
    return termsig_efd;
}

void termsig_report(void)
{
    static bool reported;
    int signo = termsig_signo;
    int pid = termsig_pid;
    g_autofree char *comm = NULL;

    if (!signo || reported) {
        return;
    }
    reported = true;
    if (pid > 0) {
        g_autofree char *path = g_strdup_printf("/proc/%d/comm", pid);

        if (g_file_get_contents(path, &comm, NULL, NULL)) {
            g_strchomp(comm);
        }
        fprintf(stderr, "%s: terminating on signal %d from pid %d (%s)\n",
                error_get_progname(), signo, pid, comm ? comm : "<unknown>");
    } else {
        fprintf(stderr, "%s: terminating on signal %d\n", error_get_progname(),
                signo);
    }
}
