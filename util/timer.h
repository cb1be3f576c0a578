/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clocks and timers.  A machine owns one KemuClocks (clocks_new()) and hands
 * it to its devices; there is no global clock state.
 *
 * Clocks, in nanoseconds:
 *   QEMU_CLOCK_REALTIME  host monotonic time; always runs.
 *   QEMU_CLOCK_VIRTUAL   guest time.  Created stopped at 0.  Normally (kvm)
 *                        it follows host monotonic time while running and
 *                        stands still while stopped: the machine calls
 *                        clock_virtual_start() when the guest first runs
 *                        (after -S, at `cont`) and clock_virtual_stop() when
 *                        it pauses.  In manual mode (the qtest accelerator)
 *                        it moves only by clock_virtual_step()/_set(), which
 *                        run the timers that fall due on the way.
 *
 * Timers run their callback once when their clock reaches the expiry time;
 * a callback may re-arm (timer_mod) or free its own timer.  Timers of
 * REALTIME and of a running, non-manual VIRTUAL clock are run by the main
 * loop (util/main-loop.h), on the main thread.
 *
 * Threading: a KemuClocks and its timers are touched only from the main
 * thread or by a thread holding the machine lock (which the main loop also
 * holds while it runs timers).  The notify hook (clocks_set_notify()) is how
 * a timer armed from a vCPU thread wakes the sleeping main loop.
 */
#ifndef KEMU_TIMER_H
#define KEMU_TIMER_H

#include "util/osdep.h"

/*
 * The virtual clock's ceiling (about 146 years): steps saturate here, so a
 * device adding a period to the time (now + 1 s) never overflows int64_t.
 */
#define CLOCK_VIRTUAL_MAX (INT64_MAX / 2)

#define SCALE_US               1000LL
#define SCALE_MS               1000000LL
#define NANOSECONDS_PER_SECOND 1000000000LL

typedef enum {
    QEMU_CLOCK_REALTIME,
    QEMU_CLOCK_VIRTUAL,
    QEMU_CLOCK_MAX,
} QEMUClockType;

typedef struct KemuClocks KemuClocks;
typedef struct KemuTimer KemuTimer;
typedef void KemuTimerCB(void *opaque);

/** clocks_new - the clocks of one machine: REALTIME, and VIRTUAL stopped. */
KemuClocks *clocks_new(void);

/**
 * clocks_free - free @clocks (NULL is fine).  Every timer made on them must
 * have been freed first.
 */
void clocks_free(KemuClocks *clocks);

/**
 * clocks_set_notify - call @notify(@opaque) whenever the next deadline of
 * the self-running clocks may have moved earlier (a timer became the first
 * of its list, the virtual clock started or left manual mode).  It may be
 * called from any thread that arms timers, so it must be thread-safe; the
 * main loop installs one that wakes its GMainContext.  NULL removes it.
 */
void clocks_set_notify(KemuClocks *clocks, void (*notify)(void *opaque),
                       void *opaque);

/** clock_get_ns - the current time of clock @type. */
int64_t clock_get_ns(KemuClocks *clocks, QEMUClockType type);

/**
 * clock_deadline_ns - nanoseconds from now until the first timer of clock
 * @type expires (0 when one already has), or -1 when none is pending.
 * The qtest "clock_step" with no argument steps by this much.
 */
int64_t clock_deadline_ns(KemuClocks *clocks, QEMUClockType type);

/** clock_virtual_start - let the virtual clock run (no-op if it does). */
void clock_virtual_start(KemuClocks *clocks);

/** clock_virtual_stop - freeze the virtual clock (no-op if stopped). */
void clock_virtual_stop(KemuClocks *clocks);

/** clock_virtual_is_running - whether started and not stopped since. */
bool clock_virtual_is_running(KemuClocks *clocks);

/**
 * clock_virtual_set_manual - in manual mode (true) the virtual clock keeps
 * its current value and moves only by clock_virtual_step()/_set(),
 * whatever start/stop say; leaving it resumes from that value.
 */
void clock_virtual_set_manual(KemuClocks *clocks, bool manual);

/** clock_virtual_is_manual - whether in manual mode. */
bool clock_virtual_is_manual(KemuClocks *clocks);

/**
 * clock_virtual_set - manual mode only: advance the virtual clock to @ns,
 * running every virtual timer due by then in deadline order (ties in the
 * order they were armed), including timers re-armed by those callbacks.
 * Each callback sees the clock at its own timer's deadline.  A time in the
 * past leaves the clock where it is; one past CLOCK_VIRTUAL_MAX stops
 * there.  Not reentrant: callbacks must not
 * step the clock.
 *
 * Return: the virtual time afterwards.
 */
int64_t clock_virtual_set(KemuClocks *clocks, int64_t ns);

/**
 * clock_virtual_step - clock_virtual_set() to @ns (>= 0) past the current
 * virtual time, saturating at CLOCK_VIRTUAL_MAX.
 *
 * Return: the virtual time afterwards.
 */
int64_t clock_virtual_step(KemuClocks *clocks, int64_t ns);

/**
 * clock_virtual_step_target - the time clock_virtual_step(@ns) goes to:
 * now + @ns (>= 0), at most CLOCK_VIRTUAL_MAX.
 */
int64_t clock_virtual_step_target(KemuClocks *clocks, int64_t ns);

/**
 * clock_virtual_advance - clock_virtual_set() towards @ns (at most
 * CLOCK_VIRTUAL_MAX) running at most @budget timer callbacks, so that a
 * long step with periodic timers can be cut into pieces between which the
 * main loop runs.  When the budget runs out first the clock stays at the
 * deadline of the last timer run.
 *
 * Return: whether the clock reached @ns (or the ceiling).
 */
bool clock_virtual_advance(KemuClocks *clocks, int64_t ns, unsigned budget);

/**
 * clocks_deadline_ns - the main loop's poll timeout: nanoseconds until the
 * first timer of REALTIME or of a running, non-manual VIRTUAL clock (0 if
 * one is due), or -1 when there is none.
 */
int64_t clocks_deadline_ns(KemuClocks *clocks);

/**
 * clocks_run_expired - run the due timers of REALTIME and of a running,
 * non-manual VIRTUAL clock, in deadline order per clock.
 *
 * Return: whether any callback ran.
 */
bool clocks_run_expired(KemuClocks *clocks);

/**
 * timer_new_ns - a timer on clock @type of @clocks that calls @cb(@opaque);
 * not armed.  Free it with timer_free().
 */
KemuTimer *timer_new_ns(KemuClocks *clocks, QEMUClockType type, KemuTimerCB *cb,
                        void *opaque);

/** timer_free - disarm and free @t (NULL is fine). */
void timer_free(KemuTimer *t);

/**
 * timer_mod - arm (or re-arm) @t to expire when its clock reaches
 * @expire_ns (absolute; negative means 0).  A time already past fires at
 * the next chance.
 */
void timer_mod(KemuTimer *t, int64_t expire_ns);

/** timer_del - disarm @t; no-op when it is not armed. */
void timer_del(KemuTimer *t);

/** timer_pending - whether @t is armed. */
bool timer_pending(const KemuTimer *t);

/** timer_expire_time_ns - when @t expires, or -1 when not armed. */
int64_t timer_expire_time_ns(const KemuTimer *t);

#endif
