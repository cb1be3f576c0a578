/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EventNotifier over eventfd(2): see event-notifier.h.
 */
#include "util/osdep.h"
#include "util/event-notifier.h"
#include <sys/eventfd.h>

int event_notifier_init(EventNotifier *e, bool active)
{
    e->fd = eventfd(active ? 1 : 0, EFD_NONBLOCK | EFD_CLOEXEC);
    return e->fd < 0 ? -errno : 0;
}

void event_notifier_cleanup(EventNotifier *e)
{
    if (e->fd >= 0) {
        close(e->fd);
    }
    e->fd = -1;
}

int event_notifier_set(EventNotifier *e)
{
    uint64_t one = 1;
    ssize_t r;

    do {
        r = write(e->fd, &one, sizeof(one));
    } while (r < 0 && errno == EINTR);
    /* EAGAIN: the counter is saturated, so it is signalled anyway. */
    return r < 0 && errno != EAGAIN ? -errno : 0;
}

bool event_notifier_test_and_clear(EventNotifier *e)
{
    uint64_t value;
    ssize_t r;

    do {
        r = read(e->fd, &value, sizeof(value));
    } while (r < 0 && errno == EINTR);
    return r == sizeof(value) && value != 0;
}
