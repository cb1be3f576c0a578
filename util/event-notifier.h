/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EventNotifier: one eventfd(2) used as a doorbell between KVM, vhost and
 * the main loop (a virtqueue's kick and call, an irqfd).  Non-blocking and
 * close-on-exec.
 */
#ifndef KEMU_UTIL_EVENT_NOTIFIER_H
#define KEMU_UTIL_EVENT_NOTIFIER_H

#include "util/osdep.h"

typedef struct EventNotifier {
    int fd; /* -1 when not initialized */
} EventNotifier;

/**
 * event_notifier_init - create the eventfd, already signalled if @active.
 * Return: 0, or -errno.
 */
int event_notifier_init(EventNotifier *e, bool active);

/** event_notifier_cleanup - close the eventfd (safe on a closed one). */
void event_notifier_cleanup(EventNotifier *e);

/** event_notifier_get_fd - the eventfd, or -1. */
static inline int event_notifier_get_fd(const EventNotifier *e)
{
    return e->fd;
}

/** event_notifier_set - signal it.  Return: 0, or -errno. */
int event_notifier_set(EventNotifier *e);

/**
 * event_notifier_test_and_clear - consume the signal.
 * Return: whether it was signalled.
 */
bool event_notifier_test_and_clear(EventNotifier *e);

#endif
