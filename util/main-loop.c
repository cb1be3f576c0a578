/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main loop: GLib's prepare/query/check/dispatch cycle run by hand so
 * that the poll takes a nanosecond timeout (the nearest timer deadline) and
 * drops the machine lock while it sleeps.  Timers and async calls are two
 * small GSources on the same context.
 */
#include "util/osdep.h"
#include "util/main-loop.h"
#include <glib-unix.h>
#include <poll.h>

typedef struct TimerSource {
    GSource source;
    KemuClocks *clocks;
} TimerSource;

typedef struct AsyncCall {
    MainLoopFunc fn;
    void *opaque;
    GDestroyNotify destroy; /* may be NULL */
} AsyncCall;

typedef struct AsyncSource {
    GSource source;
    MainLoop *ml;
} AsyncSource;

struct MainLoop {
    GMainContext *ctx;
    GSource *timer_source; /* NULL while no clocks are attached */
    KemuClocks *clocks;
    GSource *async_source;

    void (*lock)(void *opaque);
    void (*unlock)(void *opaque);
    void *lock_opaque;

    GPollFD *fds;
    gint nfds_alloc;

    /* Shared with other threads, under state_lock. */
    GMutex state_lock;
    GQueue async_calls; /* of AsyncCall */
    bool quit;
    int exit_status;
};

/* ppoll() takes the GPollFD array as it is. */
G_STATIC_ASSERT(sizeof(GPollFD) == sizeof(struct pollfd));
G_STATIC_ASSERT(offsetof(GPollFD, fd) == offsetof(struct pollfd, fd));
G_STATIC_ASSERT(offsetof(GPollFD, events) == offsetof(struct pollfd, events));
G_STATIC_ASSERT(offsetof(GPollFD, revents) == offsetof(struct pollfd, revents));

static gboolean timer_source_prepare(GSource *source, gint *timeout)
{
    TimerSource *ts = (TimerSource *)source;
    int64_t deadline = clocks_deadline_ns(ts->clocks);

    /* GLib's timeout is in ms: round up, main_loop_wait() refines it. */
    if (deadline < 0) {
        *timeout = -1;
    } else {
        *timeout = (gint)MIN(DIV_ROUND_UP(deadline, SCALE_MS), G_MAXINT);
    }
    return deadline == 0;
}

static gboolean timer_source_check(GSource *source)
{
    TimerSource *ts = (TimerSource *)source;

    return clocks_deadline_ns(ts->clocks) == 0;
}

static gboolean timer_source_dispatch(GSource *source, GSourceFunc callback,
                                      gpointer user_data)
{
    TimerSource *ts = (TimerSource *)source;

    clocks_run_expired(ts->clocks);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_source_prepare,
    .check = timer_source_check,
    .dispatch = timer_source_dispatch,
};

static bool async_pending(MainLoop *ml)
{
    bool pending;

    g_mutex_lock(&ml->state_lock);
    pending = !g_queue_is_empty(&ml->async_calls);
    g_mutex_unlock(&ml->state_lock);
    return pending;
}

static gboolean async_source_prepare(GSource *source, gint *timeout)
{
    *timeout = -1;
    return async_pending(((AsyncSource *)source)->ml);
}

static gboolean async_source_check(GSource *source)
{
    return async_pending(((AsyncSource *)source)->ml);
}

static void async_call_free(gpointer p)
{
    AsyncCall *call = p;

    if (call->destroy) {
        call->destroy(call->opaque);
    }
    g_free(call);
}

static gboolean async_source_dispatch(GSource *source, GSourceFunc callback,
                                      gpointer user_data)
{
    MainLoop *ml = ((AsyncSource *)source)->ml;
    GQueue calls = G_QUEUE_INIT;
    AsyncCall *call;

    /* Take the whole batch: calls queued by these callbacks run next time. */
    g_mutex_lock(&ml->state_lock);
    calls = ml->async_calls;
    g_queue_init(&ml->async_calls);
    g_mutex_unlock(&ml->state_lock);

    while ((call = g_queue_pop_head(&calls))) {
        call->fn(call->opaque);
        async_call_free(call);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs async_source_funcs = {
    .prepare = async_source_prepare,
    .check = async_source_check,
    .dispatch = async_source_dispatch,
};

MainLoop *main_loop_new(void)
{
    MainLoop *ml = g_new0(MainLoop, 1);
    AsyncSource *as;

    ml->ctx = g_main_context_ref(g_main_context_default());
    g_mutex_init(&ml->state_lock);
    g_queue_init(&ml->async_calls);

    as = (AsyncSource *)g_source_new(&async_source_funcs, sizeof(*as));
    as->ml = ml;
    ml->async_source = &as->source;
    g_source_set_name(ml->async_source, "kemu-async");
    g_source_attach(ml->async_source, ml->ctx);
    return ml;
}

void main_loop_free(MainLoop *ml)
{
    if (!ml) {
        return;
    }
    main_loop_attach_clocks(ml, NULL);
    g_source_destroy(ml->async_source);
    g_source_unref(ml->async_source);
    /* Dropped, not run: what they would act on may be gone already. */
    g_queue_clear_full(&ml->async_calls, async_call_free);
    g_mutex_clear(&ml->state_lock);
    g_free(ml->fds);
    g_main_context_unref(ml->ctx);
    g_free(ml);
}

GMainContext *main_loop_get_context(MainLoop *ml)
{
    return ml->ctx;
}

static void main_loop_notify(void *opaque)
{
    main_loop_wakeup(opaque);
}

void main_loop_attach_clocks(MainLoop *ml, KemuClocks *clocks)
{
    TimerSource *ts;

    if (ml->timer_source) {
        clocks_set_notify(ml->clocks, NULL, NULL);
        g_source_destroy(ml->timer_source);
        g_source_unref(ml->timer_source);
        ml->timer_source = NULL;
        ml->clocks = NULL;
    }
    if (!clocks) {
        return;
    }
    ts = (TimerSource *)g_source_new(&timer_source_funcs, sizeof(*ts));
    ts->clocks = clocks;
    ml->timer_source = &ts->source;
    ml->clocks = clocks;
    g_source_set_name(ml->timer_source, "kemu-timers");
    g_source_attach(ml->timer_source, ml->ctx);
    clocks_set_notify(clocks, main_loop_notify, ml);
}

void main_loop_set_lock_hooks(MainLoop *ml, void (*lock)(void *opaque),
                              void (*unlock)(void *opaque), void *opaque)
{
    ml->lock = lock;
    ml->unlock = unlock;
    ml->lock_opaque = opaque;
}

static void poll_ns(GPollFD *fds, gint nfds, int64_t timeout_ns)
{
    struct timespec ts, *tsp = NULL;

    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout_ns % NANOSECONDS_PER_SECOND;
        tsp = &ts;
    }
    /* EINTR is fine: the caller's check finds nothing and loops. */
    ppoll((struct pollfd *)fds, nfds, tsp, NULL);
}

void main_loop_wait(MainLoop *ml, bool nonblocking)
{
    GMainContext *ctx = ml->ctx;
    gint max_priority, timeout_ms, nfds;
    int64_t timeout_ns, deadline;

    if (!g_main_context_acquire(ctx)) {
        g_error("main_loop_wait: the main context belongs to another thread");
    }
    g_main_context_prepare(ctx, &max_priority);
    while ((nfds = g_main_context_query(ctx, max_priority, &timeout_ms, ml->fds,
                                        ml->nfds_alloc)) > ml->nfds_alloc) {
        ml->nfds_alloc = nfds;
        ml->fds = g_renew(GPollFD, ml->fds, nfds);
    }

    timeout_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * SCALE_MS;
    deadline = ml->clocks ? clocks_deadline_ns(ml->clocks) : -1;
    if (deadline >= 0 && (timeout_ns < 0 || deadline < timeout_ns)) {
        timeout_ns = deadline;
    }
    if (nonblocking) {
        timeout_ns = 0;
    }

    if (ml->unlock) {
        ml->unlock(ml->lock_opaque);
    }
    poll_ns(ml->fds, nfds, timeout_ns);
    if (ml->lock) {
        ml->lock(ml->lock_opaque);
    }

    if (g_main_context_check(ctx, max_priority, ml->fds, nfds)) {
        g_main_context_dispatch(ctx);
    }
    g_main_context_release(ctx);
}

static bool take_quit(MainLoop *ml, int *status)
{
    bool quit;

    g_mutex_lock(&ml->state_lock);
    quit = ml->quit;
    if (quit) {
        *status = ml->exit_status;
        ml->quit = false;
        ml->exit_status = 0;
    }
    g_mutex_unlock(&ml->state_lock);
    return quit;
}

int main_loop_run(MainLoop *ml)
{
    int status;

    while (!take_quit(ml, &status)) {
        main_loop_wait(ml, false);
    }
    return status;
}

void main_loop_quit(MainLoop *ml, int exit_status)
{
    g_mutex_lock(&ml->state_lock);
    if (!ml->quit) {
        ml->quit = true;
        ml->exit_status = exit_status;
    }
    g_mutex_unlock(&ml->state_lock);
    main_loop_wakeup(ml);
}

void main_loop_wakeup(MainLoop *ml)
{
    g_main_context_wakeup(ml->ctx);
}

void main_loop_call_async(MainLoop *ml, MainLoopFunc fn, void *opaque)
{
    main_loop_call_async_full(ml, fn, opaque, NULL);
}

void main_loop_call_async_full(MainLoop *ml, MainLoopFunc fn, void *opaque,
                               GDestroyNotify destroy)
{
    AsyncCall *call = g_new(AsyncCall, 1);

    call->fn = fn;
    call->opaque = opaque;
    call->destroy = destroy;
    g_mutex_lock(&ml->state_lock);
    g_queue_push_tail(&ml->async_calls, call);
    g_mutex_unlock(&ml->state_lock);
    main_loop_wakeup(ml);
}

guint main_loop_add_fd(MainLoop *ml, int fd, GIOCondition cond,
                       MainLoopFdFunc cb, void *opaque)
{
    GSource *source = g_unix_fd_source_new(fd, cond);
    guint id;

    g_source_set_callback(source, G_SOURCE_FUNC(cb), opaque, NULL);
    id = g_source_attach(source, ml->ctx);
    g_source_unref(source);
    return id;
}

void main_loop_remove_fd(MainLoop *ml, guint id)
{
    GSource *source;

    if (!id) {
        return;
    }
    source = g_main_context_find_source_by_id(ml->ctx, id);
    if (source) {
        g_source_destroy(source);
    }
}
