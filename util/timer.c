/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers: each clock keeps its armed timers in a singly linked
 * list sorted by expiry (ties in arming order), so the next deadline is the
 * list head and running due timers is popping from the front.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include <limits.h>
#include <time.h>

struct KemuTimer {
    KemuClocks *clocks;
    QEMUClockType type;
    KemuTimerCB *cb;
    void *opaque;
    int64_t expire; /* -1 when not armed */
    KemuTimer *next;
};

struct KemuClocks {
    KemuTimer *active[QEMU_CLOCK_MAX]; /* armed timers, soonest first */
    unsigned ntimers;                  /* allocated timers, for clocks_free */

    /* VIRTUAL = host + v_offset while running and not manual, else v_value */
    bool v_running;
    bool v_manual;
    bool v_stepping;
    int64_t v_offset;
    int64_t v_value;

    void (*notify)(void *opaque);
    void *notify_opaque;
};

static int64_t host_monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

KemuClocks *clocks_new(void)
{
    return g_new0(KemuClocks, 1);
}

void clocks_free(KemuClocks *clocks)
{
    if (!clocks) {
        return;
    }
    assert(clocks->ntimers == 0);
    g_free(clocks);
}

void clocks_set_notify(KemuClocks *clocks, void (*notify)(void *opaque),
                       void *opaque)
{
    clocks->notify = notify;
    clocks->notify_opaque = opaque;
}

static void clocks_notify(KemuClocks *clocks)
{
    if (clocks->notify) {
        clocks->notify(clocks->notify_opaque);
    }
}

/* Whether the clock moves by itself (so the main loop must watch it). */
static bool clock_self_running(KemuClocks *clocks, QEMUClockType type)
{
    if (type == QEMU_CLOCK_VIRTUAL) {
        return clocks->v_running && !clocks->v_manual;
    }
    return true;
}

int64_t clock_get_ns(KemuClocks *clocks, QEMUClockType type)
{
    switch (type) {
    case QEMU_CLOCK_REALTIME:
        return host_monotonic_ns();
    case QEMU_CLOCK_VIRTUAL:
        if (clock_self_running(clocks, type)) {
            return host_monotonic_ns() + clocks->v_offset;
        }
        return clocks->v_value;
    default:
        g_assert_not_reached();
    }
}

int64_t clock_deadline_ns(KemuClocks *clocks, QEMUClockType type)
{
    KemuTimer *t = clocks->active[type];
    int64_t now;

    if (!t) {
        return -1;
    }
    now = clock_get_ns(clocks, type);
    return t->expire > now ? t->expire - now : 0;
}

void clock_virtual_start(KemuClocks *clocks)
{
    if (clocks->v_running) {
        return;
    }
    clocks->v_running = true;
    if (!clocks->v_manual) {
        clocks->v_offset = clocks->v_value - host_monotonic_ns();
        clocks_notify(clocks);
    }
}

void clock_virtual_stop(KemuClocks *clocks)
{
    if (!clocks->v_running) {
        return;
    }
    clocks->v_value = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    clocks->v_running = false;
}

bool clock_virtual_is_running(KemuClocks *clocks)
{
    return clocks->v_running;
}

void clock_virtual_set_manual(KemuClocks *clocks, bool manual)
{
    if (manual == clocks->v_manual) {
        return;
    }
    if (manual) {
        clocks->v_value = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
        clocks->v_manual = true;
    } else {
        clocks->v_manual = false;
        clocks->v_offset = clocks->v_value - host_monotonic_ns();
        clocks_notify(clocks);
    }
}

bool clock_virtual_is_manual(KemuClocks *clocks)
{
    return clocks->v_manual;
}

/* Unlink and return the first timer of type if it is due at now. */
static KemuTimer *pop_expired(KemuClocks *clocks, QEMUClockType type,
                              int64_t now)
{
    KemuTimer *t = clocks->active[type];

    if (!t || t->expire > now) {
        return NULL;
    }
    clocks->active[type] = t->next;
    t->next = NULL;
    t->expire = -1;
    return t;
}

bool clock_virtual_advance(KemuClocks *clocks, int64_t ns, unsigned budget)
{
    KemuTimer *t;

    assert(clocks->v_manual);
    assert(!clocks->v_stepping);
    ns = MIN(ns, CLOCK_VIRTUAL_MAX);
    clocks->v_stepping = true;
    while ((t = clocks->active[QEMU_CLOCK_VIRTUAL]) && t->expire <= ns) {
        if (budget-- == 0) {
            clocks->v_stepping = false;
            return false;
        }
        clocks->v_value = MAX(clocks->v_value, t->expire);
        pop_expired(clocks, QEMU_CLOCK_VIRTUAL, ns);
        t->cb(t->opaque); /* may free or re-arm t */
    }
    clocks->v_value = MAX(clocks->v_value, ns);
    clocks->v_stepping = false;
    return true;
}

int64_t clock_virtual_set(KemuClocks *clocks, int64_t ns)
{
    while (!clock_virtual_advance(clocks, ns, UINT_MAX)) {
    }
    return clocks->v_value;
}

int64_t clock_virtual_step_target(KemuClocks *clocks, int64_t ns)
{
    int64_t now = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);

    assert(ns >= 0);
    if (now >= CLOCK_VIRTUAL_MAX || ns > CLOCK_VIRTUAL_MAX - now) {
        return MAX(now, CLOCK_VIRTUAL_MAX);
    }
    return now + ns;
}

int64_t clock_virtual_step(KemuClocks *clocks, int64_t ns)
{
    assert(clocks->v_manual);
    return clock_virtual_set(clocks, clock_virtual_step_target(clocks, ns));
}

int64_t clocks_deadline_ns(KemuClocks *clocks)
{
    int64_t deadline = -1;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t d;

        if (!clock_self_running(clocks, type)) {
            continue;
        }
        d = clock_deadline_ns(clocks, type);
        if (d >= 0 && (deadline < 0 || d < deadline)) {
            deadline = d;
        }
    }
    return deadline;
}

bool clocks_run_expired(KemuClocks *clocks)
{
    bool ran = false;

    for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
        int64_t now;
        KemuTimer *t;

        if (!clock_self_running(clocks, type) || !clocks->active[type]) {
            continue;
        }
        /*
         * One reading of the clock per pass: a timer that re-arms itself
         * for "now" waits for the next pass instead of spinning here.
         */
        now = clock_get_ns(clocks, type);
        while ((t = pop_expired(clocks, type, now))) {
            t->cb(t->opaque); /* may free or re-arm t */
            ran = true;
            if (!clock_self_running(clocks, type)) {
                break; /* a callback stopped the virtual clock */
            }
        }
    }
    return ran;
}

KemuTimer *timer_new_ns(KemuClocks *clocks, QEMUClockType type, KemuTimerCB *cb,
                        void *opaque)
{
    KemuTimer *t = g_new0(KemuTimer, 1);

    assert(type >= 0 && type < QEMU_CLOCK_MAX);
    t->clocks = clocks;
    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    clocks->ntimers++;
    return t;
}

void timer_free(KemuTimer *t)
{
    if (!t) {
        return;
    }
    timer_del(t);
    t->clocks->ntimers--;
    g_free(t);
}

void timer_del(KemuTimer *t)
{
    KemuTimer **pt;

    if (t->expire < 0) {
        return;
    }
    for (pt = &t->clocks->active[t->type]; *pt; pt = &(*pt)->next) {
        if (*pt == t) {
            *pt = t->next;
            break;
        }
    }
    t->next = NULL;
    t->expire = -1;
}

void timer_mod(KemuTimer *t, int64_t expire_ns)
{
    KemuClocks *clocks = t->clocks;
    KemuTimer **pt;

    timer_del(t);
    t->expire = MAX(expire_ns, 0);
    pt = &clocks->active[t->type];
    while (*pt && (*pt)->expire <= t->expire) {
        pt = &(*pt)->next;
    }
    t->next = *pt;
    *pt = t;
    if (pt == &clocks->active[t->type] && clock_self_running(clocks, t->type)) {
        clocks_notify(clocks);
    }
}

bool timer_pending(const KemuTimer *t)
{
    return t->expire >= 0;
}

int64_t timer_expire_time_ns(const KemuTimer *t)
{
    return t->expire;
}
