/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Termination signals.  SIGTERM, SIGINT and SIGHUP ask the emulator to shut
 * down with status 0; once termsig_init() ran they never kill it.  main()
 * calls it first, before anything that can block or take time, so that a
 * signal at any moment of start-up is honoured: the handler only records
 * the signal and makes an fd readable, which start-up code that blocks
 * (a wait=on server socket waiting for its client) polls and the main loop
 * watches.  termsig_init() also ignores SIGPIPE, as QEMU does: a write to a
 * pipe or socket whose reader went away fails with EPIPE instead.
 */
#ifndef KEMU_TERMSIG_H
#define KEMU_TERMSIG_H

#include "util/osdep.h"

/**
 * termsig_init - install the handler for SIGTERM, SIGINT and SIGHUP and
 * unblock them (a launcher may have blocked them: a signal sent before
 * this call is then delivered now), and ignore SIGPIPE.  Once per process,
 * before any thread is created.
 */
void termsig_init(void);

/** termsig_received - the first termination signal received, or 0. */
int termsig_received(void);

/**
 * termsig_fd - an fd that becomes readable (G_IO_IN) when the first
 * termination signal arrives and stays readable; -1 before termsig_init(),
 * which poll() ignores.
 */
int termsig_fd(void);

/**
 * termsig_report - print "PROGNAME: terminating on signal N from pid P
 * (COMMAND)" on stderr for the signal received, as QEMU does (the sender
 * when the kernel named it), once: later calls print nothing, as does a
 * call before any signal.  Main thread only.
 */
void termsig_report(void);

#endif
