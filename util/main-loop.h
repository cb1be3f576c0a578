/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: the main thread's event loop on GLib's default
 * GMainContext.  It watches fds (chardevs, QMP, qtest, tap, slirp), runs the
 * timers of the attached KemuClocks with nanosecond poll timeouts, and runs
 * callbacks queued from other threads.
 *
 * Contract:
 * - One MainLoop at a time; it drives g_main_context_default(), so sources
 *   attached there with plain GLib calls (g_idle_add, g_timeout_add) run too.
 * - Only the main thread runs it.  main_loop_call_async(), main_loop_quit()
 *   and main_loop_wakeup() may be called from any thread; everything else
 *   belongs to the main thread.
 * - With lock hooks installed (main_loop_set_lock_hooks()), the caller of
 *   main_loop_run()/main_loop_wait() holds the machine lock; the loop drops
 *   it only while it sleeps in poll, so every fd callback, timer and async
 *   call runs with the lock held.
 */
#ifndef KEMU_MAIN_LOOP_H
#define KEMU_MAIN_LOOP_H

#include "util/osdep.h"
#include "util/timer.h"

typedef struct MainLoop MainLoop;

/**
 * MainLoopFdFunc - called on the main thread when @fd is ready for
 * @cond (which may include G_IO_HUP or G_IO_ERR).  Return G_SOURCE_CONTINUE
 * to keep the watch, G_SOURCE_REMOVE to drop it.
 */
typedef gboolean (*MainLoopFdFunc)(int fd, GIOCondition cond, void *opaque);

/** MainLoopFunc - a callback queued with main_loop_call_async(). */
typedef void (*MainLoopFunc)(void *opaque);

/** main_loop_new - a main loop on the default GMainContext. */
MainLoop *main_loop_new(void);

/**
 * main_loop_free - detach everything the loop added to the context and
 * free it (NULL is fine).  Async calls still queued are dropped, not run
 * (the machine they would act on is usually gone by then): each one's
 * destroy notify (main_loop_call_async_full()) runs instead, so an opaque
 * the call owned is freed.  fd watches added with main_loop_add_fd() are
 * left to their owners to remove.
 */
void main_loop_free(MainLoop *ml);

/** main_loop_get_context - the GMainContext, to attach other GSources. */
GMainContext *main_loop_get_context(MainLoop *ml);

/**
 * main_loop_attach_clocks - run the timers of @clocks (REALTIME, and
 * VIRTUAL when running and not manual) from this loop, waking it when a
 * timer is armed from another thread.  NULL detaches.  @clocks must be
 * detached (or the loop freed) before they are freed.
 */
void main_loop_attach_clocks(MainLoop *ml, KemuClocks *clocks);

/**
 * main_loop_set_lock_hooks - the machine lock's @lock and @unlock, which
 * the loop calls around its poll (see the contract above).  NULL hooks
 * (the default) mean no lock.
 */
void main_loop_set_lock_hooks(MainLoop *ml, void (*lock)(void *opaque),
                              void (*unlock)(void *opaque), void *opaque);

/**
 * main_loop_run - dispatch events until main_loop_quit() is called.  A quit
 * requested before the call makes it return at once.
 *
 * Return: the exit status given to main_loop_quit().
 */
int main_loop_run(MainLoop *ml);

/**
 * main_loop_wait - one iteration: poll (without sleeping if @nonblocking),
 * then run whatever is ready.  For callers that wait for a condition, e.g.
 * `while (!done) main_loop_wait(ml, false);`.
 */
void main_loop_wait(MainLoop *ml, bool nonblocking);

/**
 * main_loop_quit - make main_loop_run() return @exit_status after the
 * current iteration.  Thread-safe.  The first request's status wins until
 * main_loop_run() returns.
 */
void main_loop_quit(MainLoop *ml, int exit_status);

/** main_loop_wakeup - interrupt the loop's poll.  Thread-safe. */
void main_loop_wakeup(MainLoop *ml);

/**
 * main_loop_call_async - run @fn(@opaque) on the main thread in a coming
 * iteration.  Thread-safe (vCPU threads use it); calls run in the order
 * they were queued.
 */
void main_loop_call_async(MainLoop *ml, MainLoopFunc fn, void *opaque);

/**
 * main_loop_call_async_full - main_loop_call_async() for an @opaque the
 * call owns (a heap event, say): @destroy(@opaque) runs once, right after
 * @fn did, or instead of @fn when main_loop_free() drops the call before
 * it ran.  @fn must then not free @opaque itself.
 */
void main_loop_call_async_full(MainLoop *ml, MainLoopFunc fn, void *opaque,
                               GDestroyNotify destroy);

/**
 * main_loop_add_fd - call @cb when @fd is ready for @cond (G_IO_IN,
 * G_IO_OUT, ...).
 *
 * Return: the watch id for main_loop_remove_fd() (never 0).
 */
guint main_loop_add_fd(MainLoop *ml, int fd, GIOCondition cond,
                       MainLoopFdFunc cb, void *opaque);

/**
 * main_loop_remove_fd - stop the watch @id (a no-op for 0).  The watch
 * must still exist: one whose callback returned G_SOURCE_REMOVE is gone.
 */
void main_loop_remove_fd(MainLoop *ml, guint id);

#endif
