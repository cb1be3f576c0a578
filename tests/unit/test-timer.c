/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/timer and util/main-loop.  Timers on the manual virtual clock (as
 * under qtest): expiry order, no early firing, re-arming, deleting, stepping
 * past several deadlines.  The self-running virtual clock's stop/start.  The
 * main loop: ended by a realtime timer, by an async call from another
 * thread, and woken by a timer armed under the lock from another thread.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "util/main-loop.h"
#include "tests/unit/unit.h"

/* What the callbacks saw: which timer fired, and at what virtual time. */
typedef struct Log {
    KemuClocks *clocks;
    GString *fired; /* "a@100 b@200 " */
} Log;

typedef struct TestTimer {
    Log *log;
    const char *name;
    KemuTimer *timer;
    int64_t period;    /* re-arm by this much when non-zero */
    KemuTimer *victim; /* timer_del this one when firing */
    int count;
} TestTimer;

static void test_timer_cb(void *opaque)
{
    TestTimer *tt = opaque;
    int64_t now = clock_get_ns(tt->log->clocks, QEMU_CLOCK_VIRTUAL);

    g_string_append_printf(tt->log->fired, "%s@%" PRId64 " ", tt->name, now);
    tt->count++;
    if (tt->period) {
        timer_mod(tt->timer, now + tt->period);
    }
    if (tt->victim) {
        timer_del(tt->victim);
    }
}

static void log_init(Log *log)
{
    log->clocks = clocks_new();
    clock_virtual_set_manual(log->clocks, true);
    log->fired = g_string_new(NULL);
}

static void log_check(Log *log, const char *want)
{
    if (strcmp(log->fired->str, want)) {
        fprintf(stderr, "\nfired '%s', want '%s'", log->fired->str, want);
    }
    CU_ASSERT_STRING_EQUAL(log->fired->str, want);
    g_string_truncate(log->fired, 0);
}

static void log_destroy(Log *log)
{
    clocks_free(log->clocks);
    g_string_free(log->fired, TRUE);
}

static void tt_init(TestTimer *tt, Log *log, const char *name)
{
    memset(tt, 0, sizeof(*tt));
    tt->log = log;
    tt->name = name;
    tt->timer =
        timer_new_ns(log->clocks, QEMU_CLOCK_VIRTUAL, test_timer_cb, tt);
}

static void test_order(void)
{
    TestTimer a, b, c, d;
    Log log;

    log_init(&log);
    tt_init(&a, &log, "a");
    tt_init(&b, &log, "b");
    tt_init(&c, &log, "c");
    tt_init(&d, &log, "d");
    timer_mod(c.timer, 300);
    timer_mod(a.timer, 100);
    timer_mod(b.timer, 200);
    timer_mod(d.timer, 200); /* a tie: after b, which was armed first */
    CU_ASSERT_EQUAL(clock_get_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 0);
    CU_ASSERT_EQUAL(clock_deadline_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 100);

    /* One step past every deadline: in order, each at its own time. */
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 1000), 1000);
    log_check(&log, "a@100 b@200 d@200 c@300 ");
    CU_ASSERT_EQUAL(clock_get_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 1000);
    CU_ASSERT_FALSE(timer_pending(a.timer));
    CU_ASSERT_EQUAL(clock_deadline_ns(log.clocks, QEMU_CLOCK_VIRTUAL), -1);

    timer_free(a.timer);
    timer_free(b.timer);
    timer_free(c.timer);
    timer_free(d.timer);
    log_destroy(&log);
}

static void test_not_early(void)
{
    TestTimer a;
    Log log;

    log_init(&log);
    tt_init(&a, &log, "a");
    timer_mod(a.timer, 100);
    CU_ASSERT_TRUE(timer_pending(a.timer));
    CU_ASSERT_EQUAL(timer_expire_time_ns(a.timer), 100);
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 99), 99);
    log_check(&log, "");
    CU_ASSERT_EQUAL(clock_deadline_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 1);
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 0), 99);
    log_check(&log, "");
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 1), 100);
    log_check(&log, "a@100 ");
    CU_ASSERT_EQUAL(timer_expire_time_ns(a.timer), -1);

    /* A deadline already past fires on the next step, clock unmoved. */
    timer_mod(a.timer, 50);
    CU_ASSERT_EQUAL(clock_deadline_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 0);
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 0), 100);
    log_check(&log, "a@100 ");
    /* Negative expiry times mean 0. */
    timer_mod(a.timer, -5);
    CU_ASSERT_EQUAL(timer_expire_time_ns(a.timer), 0);
    timer_free(a.timer);
    log_destroy(&log);
}

static void test_rearm(void)
{
    TestTimer p, q;
    Log log;

    log_init(&log);
    tt_init(&p, &log, "p");
    tt_init(&q, &log, "q");
    p.period = 10;
    timer_mod(p.timer, 10);
    timer_mod(q.timer, 25);
    /* p re-arms inside the step and keeps firing until the target. */
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 55), 55);
    log_check(&log, "p@10 p@20 q@25 p@30 p@40 p@50 ");
    CU_ASSERT_EQUAL(timer_expire_time_ns(p.timer), 60);

    /* clock_virtual_set to an absolute time; the past leaves it alone. */
    CU_ASSERT_EQUAL(clock_virtual_set(log.clocks, 70), 70);
    log_check(&log, "p@60 p@70 ");
    CU_ASSERT_EQUAL(clock_virtual_set(log.clocks, 10), 70);
    log_check(&log, "");

    /* Re-arming an armed timer moves it, later or earlier. */
    timer_mod(p.timer, 200);
    timer_mod(p.timer, 90);
    p.period = 0;
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 100), 170);
    log_check(&log, "p@90 ");
    timer_free(p.timer);
    timer_free(q.timer);
    log_destroy(&log);
}

static void test_del(void)
{
    TestTimer a, b, c;
    Log log;

    log_init(&log);
    tt_init(&a, &log, "a");
    tt_init(&b, &log, "b");
    tt_init(&c, &log, "c");
    timer_del(a.timer); /* not armed: no-op */
    timer_mod(a.timer, 10);
    timer_mod(b.timer, 20);
    timer_mod(c.timer, 30);
    timer_del(b.timer);
    CU_ASSERT_FALSE(timer_pending(b.timer));
    /* a deletes c, due later in the same step: c must not fire. */
    a.victim = c.timer;
    CU_ASSERT_EQUAL(clock_virtual_step(log.clocks, 100), 100);
    log_check(&log, "a@10 ");
    CU_ASSERT_FALSE(timer_pending(c.timer));

    /* Freeing an armed timer disarms it. */
    timer_mod(b.timer, 150);
    timer_free(b.timer);
    clock_virtual_step(log.clocks, 100);
    log_check(&log, "");
    timer_free(a.timer);
    timer_free(c.timer);
    timer_free(NULL);
    log_destroy(&log);
}

static void free_self_cb(void *opaque)
{
    KemuTimer **t = opaque;

    timer_free(*t);
    *t = NULL;
}

static void test_free_in_callback(void)
{
    KemuClocks *clocks = clocks_new();
    KemuTimer *t;

    clock_virtual_set_manual(clocks, true);
    t = timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, free_self_cb, &t);
    timer_mod(t, 5);
    clock_virtual_step(clocks, 10);
    CU_ASSERT_PTR_NULL(t);
    clocks_free(clocks);
}

static void test_manual_not_self_running(void)
{
    TestTimer a;
    Log log;

    log_init(&log);
    tt_init(&a, &log, "a");
    timer_mod(a.timer, 0);
    /* The main loop never runs manual virtual timers. */
    CU_ASSERT_EQUAL(clocks_deadline_ns(log.clocks), -1);
    CU_ASSERT_FALSE(clocks_run_expired(log.clocks));
    log_check(&log, "");
    /* Nor does starting the clock move it. */
    clock_virtual_start(log.clocks);
    g_usleep(1000);
    CU_ASSERT_EQUAL(clock_get_ns(log.clocks, QEMU_CLOCK_VIRTUAL), 0);
    timer_free(a.timer);
    log_destroy(&log);
}

static void test_virtual_stop_start(void)
{
    KemuClocks *clocks = clocks_new();
    int64_t t0, t1, t2, r0, r1;

    /* Created stopped at 0. */
    CU_ASSERT_FALSE(clock_virtual_is_running(clocks));
    CU_ASSERT_FALSE(clock_virtual_is_manual(clocks));
    CU_ASSERT_EQUAL(clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL), 0);
    g_usleep(1000);
    CU_ASSERT_EQUAL(clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL), 0);

    clock_virtual_start(clocks);
    CU_ASSERT_TRUE(clock_virtual_is_running(clocks));
    g_usleep(2000);
    t0 = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    CU_ASSERT_TRUE(t0 >= 2 * SCALE_MS);

    /*
     * Paused time does not count: after a restart the virtual clock has
     * moved no more than real time since the restart.
     */
    clock_virtual_stop(clocks);
    t1 = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    g_usleep(20000);
    CU_ASSERT_EQUAL(clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL), t1);
    r0 = clock_get_ns(clocks, QEMU_CLOCK_REALTIME);
    clock_virtual_start(clocks);
    t2 = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    r1 = clock_get_ns(clocks, QEMU_CLOCK_REALTIME);
    CU_ASSERT_TRUE(t2 >= t1 && t2 - t1 <= r1 - r0);

    /* Manual mode freezes it where it is; leaving resumes from there. */
    clock_virtual_set_manual(clocks, true);
    t1 = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    g_usleep(1000);
    CU_ASSERT_EQUAL(clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL), t1);
    CU_ASSERT_EQUAL(clock_virtual_step(clocks, 5), t1 + 5);
    r0 = clock_get_ns(clocks, QEMU_CLOCK_REALTIME);
    clock_virtual_set_manual(clocks, false);
    t2 = clock_get_ns(clocks, QEMU_CLOCK_VIRTUAL);
    r1 = clock_get_ns(clocks, QEMU_CLOCK_REALTIME);
    CU_ASSERT_TRUE(t2 >= t1 + 5 && t2 - (t1 + 5) <= r1 - r0);
    clocks_free(clocks);
}

UNIT_SUITE(timer, NULL, NULL, UNIT_TEST(test_order), UNIT_TEST(test_not_early),
           UNIT_TEST(test_rearm), UNIT_TEST(test_del),
           UNIT_TEST(test_free_in_callback),
           UNIT_TEST(test_manual_not_self_running),
           UNIT_TEST(test_virtual_stop_start))

/* The main loop. */

typedef struct LoopTest {
    MainLoop *ml;
    KemuClocks *clocks;
    KemuTimer *timer;
    QEMUClockType type;
    int64_t deadline;
    int64_t fired_at;
    GMutex lock; /* stands in for the machine lock */
    int calls;
} LoopTest;

static void loop_test_init(LoopTest *lt)
{
    memset(lt, 0, sizeof(*lt));
    lt->ml = main_loop_new();
    lt->clocks = clocks_new();
    main_loop_attach_clocks(lt->ml, lt->clocks);
    g_mutex_init(&lt->lock);
}

static void loop_test_destroy(LoopTest *lt)
{
    timer_free(lt->timer);
    main_loop_free(lt->ml);
    clocks_free(lt->clocks);
    g_mutex_clear(&lt->lock);
}

static void quit_timer_cb(void *opaque)
{
    LoopTest *lt = opaque;

    lt->fired_at = clock_get_ns(lt->clocks, lt->type);
    main_loop_quit(lt->ml, 3);
}

static void test_loop_realtime_timer(void)
{
    LoopTest lt;

    loop_test_init(&lt);
    lt.type = QEMU_CLOCK_REALTIME;
    lt.timer = timer_new_ns(lt.clocks, QEMU_CLOCK_REALTIME, quit_timer_cb, &lt);
    /* 300 us: below GLib's millisecond, so the ns poll timeout matters. */
    lt.deadline = clock_get_ns(lt.clocks, QEMU_CLOCK_REALTIME) + 300 * SCALE_US;
    timer_mod(lt.timer, lt.deadline);
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 3);
    CU_ASSERT_TRUE(lt.fired_at >= lt.deadline);
    CU_ASSERT_FALSE(timer_pending(lt.timer));
    loop_test_destroy(&lt);
}

static void test_loop_virtual_timer(void)
{
    LoopTest lt;

    loop_test_init(&lt);
    lt.type = QEMU_CLOCK_VIRTUAL;
    lt.timer = timer_new_ns(lt.clocks, QEMU_CLOCK_VIRTUAL, quit_timer_cb, &lt);
    lt.deadline = 2 * SCALE_MS;
    timer_mod(lt.timer, lt.deadline);
    /* A stopped clock never gets there: the loop has nothing to wait for. */
    CU_ASSERT_EQUAL(clocks_deadline_ns(lt.clocks), -1);
    clock_virtual_start(lt.clocks);
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 3);
    CU_ASSERT_TRUE(lt.fired_at >= lt.deadline);
    loop_test_destroy(&lt);
}

static void count_call(void *opaque)
{
    LoopTest *lt = opaque;

    lt->calls++;
}

static void quit_call(void *opaque)
{
    LoopTest *lt = opaque;

    main_loop_quit(lt->ml, lt->calls);
}

static gpointer async_thread(gpointer opaque)
{
    LoopTest *lt = opaque;

    g_usleep(5000);
    for (int i = 0; i < 10; i++) {
        main_loop_call_async(lt->ml, count_call, lt);
    }
    main_loop_call_async(lt->ml, quit_call, lt);
    return NULL;
}

static void test_loop_async_call(void)
{
    LoopTest lt;
    GThread *thread;

    loop_test_init(&lt);
    thread = g_thread_new("async", async_thread, &lt);
    /* The calls run in order on this thread: quit sees all ten counted. */
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 10);
    g_thread_join(thread);
    loop_test_destroy(&lt);
}

static void lock_hook(void *opaque)
{
    g_mutex_lock(opaque);
}

static void unlock_hook(void *opaque)
{
    g_mutex_unlock(opaque);
}

static gpointer arm_thread(gpointer opaque)
{
    LoopTest *lt = opaque;

    g_usleep(5000);
    /* Like a vCPU thread: only with the lock, which the loop drops in poll. */
    g_mutex_lock(&lt->lock);
    lt->deadline = clock_get_ns(lt->clocks, QEMU_CLOCK_REALTIME);
    timer_mod(lt->timer, lt->deadline);
    g_mutex_unlock(&lt->lock);
    return NULL;
}

static void test_loop_wakeup_lock(void)
{
    LoopTest lt;
    GThread *thread;

    loop_test_init(&lt);
    lt.type = QEMU_CLOCK_REALTIME;
    lt.timer = timer_new_ns(lt.clocks, QEMU_CLOCK_REALTIME, quit_timer_cb, &lt);
    main_loop_set_lock_hooks(lt.ml, lock_hook, unlock_hook, &lt.lock);
    g_mutex_lock(&lt.lock);
    /* Nothing armed: the loop sleeps until the thread's timer wakes it. */
    thread = g_thread_new("arm", arm_thread, &lt);
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 3);
    g_mutex_unlock(&lt.lock);
    g_thread_join(thread);
    CU_ASSERT_TRUE(lt.fired_at >= lt.deadline);
    loop_test_destroy(&lt);
}

static gboolean pipe_cb(int fd, GIOCondition cond, void *opaque)
{
    LoopTest *lt = opaque;
    char c;

    CU_ASSERT_TRUE(cond & G_IO_IN);
    CU_ASSERT_EQUAL(read(fd, &c, 1), 1);
    main_loop_quit(lt->ml, c);
    return G_SOURCE_CONTINUE;
}

static void test_loop_fd(void)
{
    LoopTest lt;
    int fds[2];
    guint id;

    loop_test_init(&lt);
    CU_ASSERT_FATAL(pipe(fds) == 0);
    id = main_loop_add_fd(lt.ml, fds[0], G_IO_IN, pipe_cb, &lt);
    CU_ASSERT_NOT_EQUAL(id, 0);
    CU_ASSERT_EQUAL(write(fds[1], "x", 1), 1);
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 'x');
    main_loop_remove_fd(lt.ml, id);
    /* Removed: data waiting on the fd no longer runs anything. */
    CU_ASSERT_EQUAL(write(fds[1], "y", 1), 1);
    main_loop_wait(lt.ml, true);
    main_loop_quit(lt.ml, 7); /* before run: run returns at once */
    CU_ASSERT_EQUAL(main_loop_run(lt.ml), 7);
    close(fds[0]);
    close(fds[1]);
    loop_test_destroy(&lt);
}

/* A heap event a call owns, as device-add's DEVICE_DELETED is. */
typedef struct OwnedEvent {
    GString *log; /* "run", "free" in the order they happened */
} OwnedEvent;

static void owned_event_run(void *opaque)
{
    OwnedEvent *ev = opaque;

    g_string_append(ev->log, "run,");
}

static void owned_event_free(void *opaque)
{
    OwnedEvent *ev = opaque;

    g_string_append(ev->log, "free,");
    g_free(ev);
}

static void quit_now(void *opaque)
{
    main_loop_quit(opaque, 0);
}

/*
 * A call still queued when the loop is freed is dropped, and its destroy
 * notify frees what it owned (LSan sees the leak otherwise); a call that
 * ran is freed right after it ran.
 */
static void test_loop_async_destroy(void)
{
    g_autoptr(GString) log = g_string_new(NULL);
    MainLoop *ml = main_loop_new();
    OwnedEvent *ev = g_new0(OwnedEvent, 1);

    ev->log = log;
    main_loop_call_async_full(ml, owned_event_run, ev, owned_event_free);
    main_loop_call_async(ml, quit_now, ml);
    CU_ASSERT_EQUAL(main_loop_run(ml), 0);
    CU_ASSERT_STRING_EQUAL(log->str, "run,free,");

    g_string_truncate(log, 0);
    ev = g_new0(OwnedEvent, 1);
    ev->log = log;
    main_loop_call_async_full(ml, owned_event_run, ev, owned_event_free);
    main_loop_free(ml);
    CU_ASSERT_STRING_EQUAL(log->str, "free,");
}

UNIT_SUITE(main_loop, NULL, NULL, UNIT_TEST(test_loop_realtime_timer),
           UNIT_TEST(test_loop_virtual_timer), UNIT_TEST(test_loop_async_call),
           UNIT_TEST(test_loop_wakeup_lock), UNIT_TEST(test_loop_fd),
           UNIT_TEST(test_loop_async_destroy))
