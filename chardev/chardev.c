/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The chardev core: the abstract "chardev" type, creation from -chardev
 * options and from legacy specs (-serial, -qmp, -qtest, -monitor), the
 * /chardevs container, the helpers backends share (input to the frontend,
 * events, fd watches that poll only while the frontend can take input), and
 * the null backend.  The contract is in chardev/chardev.h.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/main-loop.h"
#include "chardev/chardev.h"
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* Per-read chunk of the fd backends. */
#define CHR_READ_BUF_LEN 4096

void qemu_chr_error(Error **errp, const char *ctx, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (ctx) {
        error_setg(errp, "%s: %s", ctx, msg);
    } else {
        error_setg(errp, "%s", msg);
    }
}

bool qemu_chr_opt_bool(KemuOpts *opts, const char *key, bool defval, bool *out,
                       const char *ctx, Error **errp)
{
    const char *v = kemu_opts_get(opts, key);

    if (!v) {
        *out = defval;
        return true;
    }
    if (!parse_bool_str(v, out)) {
        qemu_chr_error(errp, ctx,
                       "invalid boolean '%s' for '%s' (use on or "
                       "off)",
                       v, key);
        return false;
    }
    return true;
}

/* ---- Backend helpers ---------------------------------------------------- */

int qemu_chr_be_can_write(Chardev *chr)
{
    CharBackend *be = chr->be;

    if (!be || !be->chr_can_read) {
        return 0;
    }
    return be->chr_can_read(be->opaque);
}

void qemu_chr_be_write(Chardev *chr, const uint8_t *buf, int len)
{
    CharBackend *be = chr->be;

    if (be && be->chr_read && len > 0) {
        be->chr_read(be->opaque, buf, len);
    }
}

void qemu_chr_be_event(Chardev *chr, ChrEvent event)
{
    CharBackend *be = chr->be;

    if (event == CHR_EVENT_OPENED || event == CHR_EVENT_CLOSED) {
        bool open = event == CHR_EVENT_OPENED;

        if (chr->be_open == open) {
            return;
        }
        chr->be_open = open;
    }
    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

int qemu_chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    if (!cc->write || len <= 0) {
        return len;
    }
    return cc->write(chr, buf, len);
}

GMainContext *qemu_chr_context(Chardev *chr)
{
    return chr->context ? chr->context : g_main_context_default();
}

/*
 * The context of loop (the thread-default one without a loop), referenced,
 * so that a chardev never depends on the MainLoop outliving it.
 */
static GMainContext *chr_loop_context(MainLoop *loop)
{
    GMainContext *ctx;

    if (loop) {
        ctx = main_loop_get_context(loop);
    } else {
        ctx = g_main_context_get_thread_default();
    }
    return g_main_context_ref(ctx ? ctx : g_main_context_default());
}

void qemu_chr_init_common(Chardev *chr, MainLoop *loop, const char *id)
{
    chr->label = g_strdup(id);
    chr->context = chr_loop_context(loop);
}

/*
 * A GSource over one fd whose poll events are recomputed before every poll.
 * While the frontend takes nothing the fd is not polled at all, so a
 * hung-up peer with unread data (a pipe closed after "ping\n") neither
 * spins the loop nor loses the data: it is read once there is room.
 */
typedef struct ChrFdSource {
    GSource source;
    Chardev *chr;
    int fd;
    gpointer tag;      /* NULL while the fd is not polled */
    GIOCondition cond; /* what tag polls for */
    ChrWantFn *want;
    ChrReadyFn *ready;
} ChrFdSource;

static gboolean chr_fd_source_prepare(GSource *source, gint *timeout)
{
    ChrFdSource *s = (ChrFdSource *)source;
    GIOCondition cond = s->want(s->chr);

    if (!cond) {
        if (s->tag) {
            g_source_remove_unix_fd(source, s->tag);
            s->tag = NULL;
        }
    } else if (!s->tag) {
        s->tag = g_source_add_unix_fd(source, s->fd, cond);
        s->cond = cond;
    } else if (cond != s->cond) {
        /* GLib wakes the context on every change: only on real ones. */
        g_source_modify_unix_fd(source, s->tag, cond);
        s->cond = cond;
    }
    *timeout = -1;
    return FALSE;
}

static gboolean chr_fd_source_check(GSource *source)
{
    ChrFdSource *s = (ChrFdSource *)source;

    return s->tag && g_source_query_unix_fd(source, s->tag) != 0;
}

static gboolean chr_fd_source_dispatch(GSource *source, GSourceFunc callback,
                                       gpointer data)
{
    ChrFdSource *s = (ChrFdSource *)source;

    if (!s->tag) {
        return G_SOURCE_CONTINUE;
    }
    return s->ready(s->chr, g_source_query_unix_fd(source, s->tag));
}

static GSourceFuncs chr_fd_source_funcs = {
    .prepare = chr_fd_source_prepare,
    .check = chr_fd_source_check,
    .dispatch = chr_fd_source_dispatch,
};

GSource *qemu_chr_fd_watch_add(Chardev *chr, int fd, ChrWantFn *want,
                               ChrReadyFn *ready)
{
    GSource *source = g_source_new(&chr_fd_source_funcs, sizeof(ChrFdSource));
    ChrFdSource *s = (ChrFdSource *)source;

    s->chr = chr;
    s->fd = fd;
    s->want = want;
    s->ready = ready;
    g_source_attach(source, qemu_chr_context(chr));
    return source;
}

/* ---- Output without blocking -------------------------------------------- */

/* How ChrOutput.fd is written without blocking. */
typedef enum ChrOutMode {
    CHR_OUT_SEND,  /* a socket: send(MSG_DONTWAIT) */
    CHR_OUT_WRITE, /* O_NONBLOCK, or a regular file that never waits */
    CHR_OUT_POLL,  /* shared and blocking: PIPE_BUF when poll() says so */
} ChrOutMode;

static ChrOutMode chr_out_mode(int fd)
{
    struct stat st;
    int flags = fcntl(fd, F_GETFL);

    if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
        return CHR_OUT_SEND;
    }
    if ((flags >= 0 && (flags & O_NONBLOCK)) ||
        (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))) {
        return CHR_OUT_WRITE;
    }
    return CHR_OUT_POLL;
}

/*
 * Write what o->fd takes now: the bytes written, 0 when it would block, -1
 * with errno on an error.
 */
static ssize_t chr_out_try(ChrOutput *o, const uint8_t *buf, size_t len)
{
    ssize_t n;

    do {
        if (o->mode == CHR_OUT_SEND) {
            n = send(o->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
        } else if (o->mode == CHR_OUT_WRITE) {
            n = write(o->fd, buf, len);
        } else {
            struct pollfd pfd = {.fd = o->fd, .events = POLLOUT};

            if (poll(&pfd, 1, 0) <= 0) {
                return 0;
            }
            /* POLLOUT on a pipe: PIPE_BUF bytes go in without waiting. */
            n = write(o->fd, buf, MIN(len, PIPE_BUF));
        }
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return 0;
    }
    return n;
}

static void chr_out_drop_queue(ChrOutput *o)
{
    if (o->queue) {
        g_byte_array_set_size(o->queue, 0);
    }
    o->head = 0;
    o->dropping = false;
}

static gboolean chr_out_closing_cb(gpointer opaque)
{
    Chardev *chr = opaque;
    ChrOutput *o = &chr->out;

    g_source_unref(o->closing);
    o->closing = NULL;
    if (o->broken) {
        CHARDEV_GET_CLASS(chr)->disconnect(chr);
    }
    return G_SOURCE_REMOVE;
}

/*
 * Output is lost from here (the queue overflowed or a write failed): a
 * backend with a peer drops it from the main loop (the writer may be a
 * frontend handler that the disconnect event would pull the rug from
 * under); the others drop output, reported once.
 */
static void chr_out_give_up(Chardev *chr, bool overflow, int err)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);
    ChrOutput *o = &chr->out;
    size_t queued = o->queue ? o->queue->len - o->head : 0;

    if (cc->disconnect) {
        if (overflow) {
            warn_report("chardev '%s': the peer is not reading its output "
                        "(%zu bytes queued); disconnecting it",
                        chr->label, queued);
        }
        chr_out_drop_queue(o);
        o->broken = true;
        if (!o->closing) {
            o->closing = g_idle_source_new();
            g_source_set_callback(o->closing, chr_out_closing_cb, chr, NULL);
            g_source_attach(o->closing, qemu_chr_context(chr));
        }
        return;
    }
    if (overflow) {
        if (!o->dropping) {
            warn_report("chardev '%s': output is not being read (%zu bytes "
                        "queued); dropping output until it drains",
                        chr->label, queued);
            o->dropping = true;
        }
        return;
    }
    chr_out_drop_queue(o);
    if (!o->failed) {
        warn_report("chardev '%s': write failed: %s; output is dropped until "
                    "a write succeeds",
                    chr->label, g_strerror(err));
        o->failed = true;
    }
}

/* Write the queue out as far as the fd takes it. */
static void chr_out_flush(Chardev *chr)
{
    ChrOutput *o = &chr->out;

    while (o->queue && o->head < o->queue->len) {
        ssize_t n =
            chr_out_try(o, o->queue->data + o->head, o->queue->len - o->head);

        if (n < 0) {
            chr_out_give_up(chr, false, errno);
            return;
        }
        if (n == 0) {
            break;
        }
        o->failed = false;
        o->head += n;
    }
    if (!o->queue || o->head == o->queue->len) {
        chr_out_drop_queue(o);
    } else if (o->head >= CHR_OUT_LIMIT / 4) {
        g_byte_array_remove_range(o->queue, 0, o->head);
        o->head = 0;
    }
}

size_t qemu_chr_out_pending(Chardev *chr)
{
    ChrOutput *o = &chr->out;

    return o->queue ? o->queue->len - o->head : 0;
}

static GIOCondition chr_out_want(Chardev *chr)
{
    return qemu_chr_out_pending(chr) ? G_IO_OUT : 0;
}

static gboolean chr_out_ready(Chardev *chr, GIOCondition revents)
{
    chr_out_flush(chr);
    return G_SOURCE_CONTINUE;
}

void qemu_chr_out_set_fd(Chardev *chr, int fd)
{
    ChrOutput *o = &chr->out;

    if (o->watch) {
        g_source_destroy(o->watch);
        g_source_unref(o->watch);
        o->watch = NULL;
    }
    chr_out_drop_queue(o);
    o->broken = false;
    o->failed = false;
    o->fd = fd;
    if (fd < 0) {
        return;
    }
    o->mode = chr_out_mode(fd);
    if (!o->queue) {
        o->queue = g_byte_array_new();
    }
    o->watch = qemu_chr_fd_watch_add(chr, fd, chr_out_want, chr_out_ready);
}

/*
 * Write what the fd takes now, when nothing is queued before it.  Returns
 * the bytes written, or -1 when the output failed and was given up.
 */
static ssize_t chr_out_write_direct(Chardev *chr, const uint8_t *buf,
                                    size_t len)
{
    ChrOutput *o = &chr->out;
    size_t done = 0;

    while (done < len) {
        ssize_t n = chr_out_try(o, buf + done, len - done);

        if (n < 0) {
            chr_out_give_up(chr, false, errno);
            return -1;
        }
        if (n == 0) {
            break;
        }
        o->failed = false;
        done += n;
    }
    return done;
}

int qemu_chr_out_write(Chardev *chr, const uint8_t *buf, int len)
{
    ChrOutput *o = &chr->out;
    size_t done = 0;

    /* Dropping lasts until the queue drained: one gap, not many. */
    if (o->fd < 0 || o->broken || o->dropping || len <= 0) {
        return len;
    }
    if (!qemu_chr_out_pending(chr)) {
        ssize_t n = chr_out_write_direct(chr, buf, len);

        if (n < 0) {
            return len;
        }
        done = n;
        if (done == (size_t)len) {
            return len;
        }
    }
    if (qemu_chr_out_pending(chr) + (len - done) > CHR_OUT_LIMIT) {
        chr_out_give_up(chr, true, 0);
        return len;
    }
    g_byte_array_append(o->queue, buf + done, len - done);
    /* The main loop may be asleep without polling the fd for output. */
    g_main_context_wakeup(qemu_chr_context(chr));
    return len;
}

int qemu_chr_out_write_now(Chardev *chr, const uint8_t *buf, int len)
{
    ChrOutput *o = &chr->out;
    size_t done = 0;

    if (!o->queue) {
        /* Not an fd backend (null, a test's): it takes everything. */
        return qemu_chr_write_all(chr, buf, len);
    }
    if (o->fd < 0 || o->broken || len <= 0) {
        return len;
    }
    if (!qemu_chr_out_pending(chr)) {
        ssize_t n = chr_out_write_direct(chr, buf, len);

        if (n < 0) {
            return len;
        }
        done = n;
    }
    if (done == 0) {
        errno = EAGAIN;
        return -1;
    }
    return done;
}

void qemu_chr_out_close(Chardev *chr)
{
    ChrOutput *o = &chr->out;
    gint64 end = g_get_monotonic_time() + CHR_OUT_DRAIN_MS * 1000;

    while (o->fd >= 0 && !o->broken && qemu_chr_out_pending(chr)) {
        struct pollfd pfd = {.fd = o->fd, .events = POLLOUT};
        gint64 left = end - g_get_monotonic_time();

        if (left <= 0 || poll(&pfd, 1, left / 1000 + 1) <= 0) {
            break;
        }
        chr_out_flush(chr);
    }
    qemu_chr_out_set_fd(chr, -1);
}

static void chr_out_cleanup(Chardev *chr)
{
    ChrOutput *o = &chr->out;

    if (o->watch) {
        g_source_destroy(o->watch);
        g_source_unref(o->watch);
    }
    if (o->closing) {
        g_source_destroy(o->closing);
        g_source_unref(o->closing);
    }
    if (o->queue) {
        g_byte_array_unref(o->queue);
    }
}

/*
 * qemu_chr_fe_add_watch's source: ready when the chardev takes output; it
 * polls the fd for G_IO_OUT only while nothing is queued (the chardev's own
 * flush goes first, and prepare looks again after it).
 */
typedef struct ChrOutWatch {
    GSource source;
    Chardev *chr; /* a reference */
    FEWatchFunc *func;
    void *opaque;
    gpointer tag;
    int fd;
} ChrOutWatch;

static gboolean chr_out_watch_prepare(GSource *source, gint *timeout)
{
    ChrOutWatch *w = (ChrOutWatch *)source;
    ChrOutput *o = &w->chr->out;
    bool poll_fd = o->fd >= 0 && !o->broken && !qemu_chr_out_pending(w->chr);

    *timeout = -1;
    if (w->tag && (!poll_fd || w->fd != o->fd)) {
        g_source_remove_unix_fd(source, w->tag);
        w->tag = NULL;
    }
    if (o->fd < 0 || o->broken) {
        return TRUE;
    }
    if (poll_fd && !w->tag) {
        w->fd = o->fd;
        w->tag = g_source_add_unix_fd(source, w->fd, G_IO_OUT);
    }
    return FALSE;
}

static gboolean chr_out_watch_check(GSource *source)
{
    ChrOutWatch *w = (ChrOutWatch *)source;

    return w->tag && g_source_query_unix_fd(source, w->tag) != 0;
}

static gboolean chr_out_watch_dispatch(GSource *source, GSourceFunc callback,
                                       gpointer data)
{
    ChrOutWatch *w = (ChrOutWatch *)source;

    return w->func(NULL, G_IO_OUT, w->opaque);
}

static void chr_out_watch_finalize(GSource *source)
{
    object_unref(((ChrOutWatch *)source)->chr);
}

static GSourceFuncs chr_out_watch_funcs = {
    .prepare = chr_out_watch_prepare,
    .check = chr_out_watch_check,
    .dispatch = chr_out_watch_dispatch,
    .finalize = chr_out_watch_finalize,
};

guint qemu_chr_out_add_watch(Chardev *chr, FEWatchFunc *func, void *opaque)
{
    GSource *source = g_source_new(&chr_out_watch_funcs, sizeof(ChrOutWatch));
    ChrOutWatch *w = (ChrOutWatch *)source;
    guint id;

    object_ref(chr);
    w->chr = chr;
    w->func = func;
    w->opaque = opaque;
    id = g_source_attach(source, qemu_chr_context(chr));
    g_source_unref(source);
    return id;
}

/* ---- Lookup and creation ------------------------------------------------ */

Chardev *qemu_chr_find(Object *root, const char *id)
{
    Object *chardevs = object_resolve_path_component(root, "chardevs");
    Object *obj;

    if (!chardevs || !id) {
        return NULL;
    }
    obj = object_resolve_path_component(chardevs, id);
    return obj ? (Chardev *)object_dynamic_cast(obj, TYPE_CHARDEV) : NULL;
}

/* ---- /chardevs and the quit handler ------------------------------------ */

/*
 * /chardevs: a container that also keeps what the chardevs under it may ask
 * of the emulator.  It lists as "chardevs" (child<chardev-container>).
 */
#define TYPE_CHARDEV_CONTAINER "chardev-container"
OBJECT_DECLARE_SIMPLE_TYPE(ChardevContainer, CHARDEV_CONTAINER)

struct ChardevContainer {
    Object parent_obj;
    ChrQuitHandler *quit;
    void *quit_opaque;
};

Object *qemu_chr_container(Object *root)
{
    Object *obj = object_resolve_path_component(root, "chardevs");

    if (!obj) {
        obj = object_new(TYPE_CHARDEV_CONTAINER);
        object_property_add_child(root, "chardevs", obj);
        object_unref(obj);
    }
    return obj;
}

void qemu_chr_set_quit_handler(Object *root, ChrQuitHandler *fn, void *opaque)
{
    ChardevContainer *c = CHARDEV_CONTAINER(qemu_chr_container(root));

    c->quit = fn;
    c->quit_opaque = opaque;
}

void qemu_chr_request_quit(Chardev *chr)
{
    Object *root = object_get_root_of(OBJECT(chr));
    Object *obj = object_resolve_path_component(root, "chardevs");
    ChardevContainer *c;

    obj = obj ? object_dynamic_cast(obj, TYPE_CHARDEV_CONTAINER) : NULL;
    c = (ChardevContainer *)obj;
    if (c && c->quit) {
        c->quit(c->quit_opaque);
    }
}

bool qemu_chr_wants_monitor(Chardev *chr)
{
    return chr && chr->wants_monitor;
}

bool qemu_chr_is_mux(Chardev *chr)
{
    return chr && object_dynamic_cast(OBJECT(chr), TYPE_CHARDEV_MUX);
}

void qemu_chr_delete(Chardev *chr)
{
    object_unparent(OBJECT(chr));
}

/* The class whose -chardev name is backend, or NULL. */
static ChardevClass *chr_find_backend(const char *backend)
{
    GSList *list = object_class_get_list(TYPE_CHARDEV, false);
    ChardevClass *found = NULL;

    for (GSList *e = list; e; e = e->next) {
        ChardevClass *cc = CHARDEV_CLASS(e->data);

        if (cc->backend && !strcmp(cc->backend, backend)) {
            found = cc;
            break;
        }
    }
    g_slist_free(list);
    return found;
}

void qemu_chr_print_help(FILE *out)
{
    GSList *list = object_class_get_list(TYPE_CHARDEV, false);

    fprintf(out, "Available chardev backend types:\n");
    for (GSList *e = list; e; e = e->next) {
        ChardevClass *cc = CHARDEV_CLASS(e->data);

        if (cc->backend) {
            fprintf(out, "  %-8s %s\n", cc->backend, cc->help ? cc->help : "");
        }
    }
    fprintf(out, "Common options: id=ID (required), mux=on|off\n");
    g_slist_free(list);
}

static bool chr_check_id(Object *root, const char *id, const char *ctx,
                         Error **errp)
{
    if (!id_wellformed(id)) {
        qemu_chr_error(errp, ctx,
                       "invalid id '%s' (use letters, digits, '-', '.', '_', "
                       "starting with a letter)",
                       id);
        return false;
    }
    if (qemu_chr_find(root, id)) {
        qemu_chr_error(errp, ctx, "duplicate chardev id '%s'", id);
        return false;
    }
    return true;
}

/* Put chr at /chardevs/id; the tree holds the only reference afterwards. */
static void chr_add_to_tree(Object *root, Chardev *chr)
{
    Object *chardevs = qemu_chr_container(root);

    object_property_add_child(chardevs, chr->label, OBJECT(chr));
    object_unref(chr);
}

/*
 * Create a chardev of class cc with id from opts: the backend reads its
 * options, leftovers are refused, then it opens.
 */
static Chardev *chr_create(Object *root, MainLoop *loop, ChardevClass *cc,
                           const char *id, KemuOpts *opts, const char *ctx,
                           Error **errp)
{
    Chardev *chr;
    const char *unused;

    if (!chr_check_id(root, id, ctx, errp)) {
        return NULL;
    }
    chr = CHARDEV(object_new(object_class_get_name(OBJECT_CLASS(cc))));
    qemu_chr_init_common(chr, loop, id);
    if (cc->parse && !cc->parse(chr, opts, ctx, errp)) {
        object_unref(chr);
        return NULL;
    }
    unused = kemu_opts_first_unused(opts);
    if (unused) {
        qemu_chr_error(errp, ctx, "invalid parameter '%s'", unused);
        object_unref(chr);
        return NULL;
    }
    if (cc->open && !cc->open(chr, ctx, errp)) {
        object_unref(chr);
        return NULL;
    }
    chr_add_to_tree(root, chr);
    return chr;
}

/* chr_create, then with mux a mux named id over it (renamed id-base). */
static Chardev *chr_create_maybe_mux(Object *root, MainLoop *loop,
                                     ChardevClass *cc, const char *id, bool mux,
                                     KemuOpts *opts, const char *ctx,
                                     Error **errp)
{
    g_autofree char *base_id = NULL;
    Chardev *drv, *chr;

    if (!mux) {
        return chr_create(root, loop, cc, id, opts, ctx, errp);
    }
    if (!chr_check_id(root, id, ctx, errp)) {
        return NULL;
    }
    base_id = g_strdup_printf("%s-base", id);
    drv = chr_create(root, loop, cc, base_id, opts, ctx, errp);
    if (!drv) {
        return NULL;
    }
    chr = qemu_chr_mux_new(root, loop, id, drv, errp);
    if (!chr) {
        qemu_chr_delete(drv);
    }
    return chr;
}

Chardev *qemu_chr_new_from_opts(Object *root, MainLoop *loop, KemuOpts *opts,
                                Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    g_autofree char *ctx_copy = g_strdup(ctx);
    const char *backend = kemu_opts_get(opts, "backend");
    const char *id = kemu_opts_get(opts, "id");
    ChardevClass *cc;
    bool mux;

    if (!backend) {
        qemu_chr_error(errp, ctx_copy,
                       "missing the backend (e.g. "
                       "-chardev socket,id=ID,path=PATH; see -chardev help)");
        return NULL;
    }
    cc = chr_find_backend(backend);
    if (!cc) {
        qemu_chr_error(errp, ctx_copy,
                       "unknown chardev backend '%s' (see -chardev help)",
                       backend);
        return NULL;
    }
    if (!id) {
        qemu_chr_error(errp, ctx_copy, "parameter 'id' is missing");
        return NULL;
    }
    if (!qemu_chr_opt_bool(opts, "mux", false, &mux, ctx_copy, errp)) {
        return NULL;
    }
    return chr_create_maybe_mux(root, loop, cc, id, mux, opts, ctx_copy, errp);
}

/*
 * The options after a legacy path: "server", "nowait" and key=value pairs,
 * into opts.  Returns false with errp set on a malformed element.
 */
static bool chr_legacy_opts(KemuOpts *opts, const char *spec, const char *rest,
                            Error **errp)
{
    g_auto(GStrv) parts = g_strsplit(rest, ",", -1);

    for (int i = 0; parts[i]; i++) {
        const char *p = parts[i];
        const char *eq = strchr(p, '=');

        if (!*p) {
            continue;
        }
        if (eq) {
            g_autofree char *key = g_strndup(p, eq - p);

            kemu_opts_set(opts, key, eq + 1);
        } else if (!strcmp(p, "nowait")) {
            kemu_opts_set(opts, "wait", "off");
        } else if (!strcmp(p, "server") || !strcmp(p, "wait")) {
            kemu_opts_set(opts, p, "on");
        } else {
            error_setg(errp, "invalid parameter '%s' in '%s'", p, spec);
            return false;
        }
    }
    return true;
}

/*
 * Split "PATH[,opts]" (unix:, file:, pipe:) or "HOST:PORT[,opts]" (tcp:)
 * into opts.
 */
static bool chr_legacy_parse(KemuOpts *opts, const char *spec,
                             const char *backend, const char *arg, Error **errp)
{
    const char *comma = strchr(arg, ',');
    g_autofree char *main_part =
        comma ? g_strndup(arg, comma - arg) : g_strdup(arg);

    kemu_opts_set(opts, "backend", backend);
    if (!strcmp(backend, "socket") && !strncmp(spec, "tcp:", 4)) {
        const char *colon = strrchr(main_part, ':');
        g_autofree char *host = NULL;

        if (!colon || !colon[1]) {
            error_setg(errp, "'%s' needs tcp:HOST:PORT", spec);
            return false;
        }
        host = g_strndup(main_part, colon - main_part);
        kemu_opts_set(opts, "host", host);
        kemu_opts_set(opts, "port", colon + 1);
    } else {
        if (!*main_part) {
            error_setg(errp, "'%s' needs a path", spec);
            return false;
        }
        kemu_opts_set(opts, "path", main_part);
    }
    return !comma || chr_legacy_opts(opts, spec, comma + 1, errp);
}

Chardev *qemu_chr_new(Object *root, MainLoop *loop, const char *id,
                      const char *spec, Error **errp)
{
    static const struct {
        const char *prefix;
        const char *backend;
    } prefixes[] = {
        {"file:", "file"},
        {"pipe:", "pipe"},
        {"unix:", "socket"},
        {"tcp:", "socket"},
    };
    g_autoptr(KemuOpts) opts = kemu_opts_new("chardev", NULL);
    const char *backend = NULL, *arg;
    ChardevClass *cc;
    Chardev *chr;
    bool mon = false;

    if (!strcmp(spec, "none")) {
        return NULL;
    }
    if (g_str_has_prefix(spec, "chardev:")) {
        chr = qemu_chr_find(root, spec + 8);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", spec + 8);
        }
        return chr;
    }
    arg = spec;
    if (g_str_has_prefix(arg, "mon:")) {
        mon = true;
        arg += 4;
    }
    if (!strcmp(arg, "stdio") || !strcmp(arg, "null")) {
        backend = arg;
        kemu_opts_set(opts, "backend", backend);
        if (mon && !strcmp(arg, "stdio")) {
            /* QEMU: with the monitor muxed in, Ctrl-C goes to the guest. */
            kemu_opts_set(opts, "signal", "off");
        }
    } else {
        for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
            if (g_str_has_prefix(arg, prefixes[i].prefix)) {
                backend = prefixes[i].backend;
                if (!chr_legacy_parse(opts, arg, backend,
                                      arg + strlen(prefixes[i].prefix), errp)) {
                    return NULL;
                }
                break;
            }
        }
    }
    if (!backend) {
        g_autofree char *name = g_strndup(arg, strcspn(arg, ":,"));

        error_setg(errp,
                   "unknown chardev backend '%s' (use stdio, null, "
                   "none, file:PATH, pipe:PATH, unix:PATH, tcp:HOST:PORT, "
                   "mon:stdio or chardev:ID)",
                   name);
        return NULL;
    }
    kemu_opts_get(opts, "backend");
    cc = chr_find_backend(backend);
    assert(cc);
    chr = chr_create_maybe_mux(root, loop, cc, id, mon, opts, NULL, errp);
    if (chr && mon) {
        chr->wants_monitor = true;
    }
    return chr;
}

/* ---- The base type and the null backend --------------------------------- */

static void chardev_instance_init(Object *obj)
{
    CHARDEV(obj)->out.fd = -1;
}

static void chardev_finalize(Object *obj)
{
    Chardev *chr = CHARDEV(obj);

    chr_out_cleanup(chr);
    g_free(chr->label);
    if (chr->context) {
        g_main_context_unref(chr->context);
    }
}

static int null_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return len;
}

static bool null_chr_open(Chardev *chr, const char *ctx, Error **errp)
{
    chr->be_open = true;
    return true;
}

static void null_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->backend = "null";
    cc->help = "discards output, gives no input";
    cc->open = null_chr_open;
    cc->write = null_chr_write;
}

static const TypeInfo chardev_types[] = {
    {
        .name = TYPE_CHARDEV,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(Chardev),
        .instance_init = chardev_instance_init,
        .instance_finalize = chardev_finalize,
        .class_size = sizeof(ChardevClass),
        .abstract = true,
    },
    {
        .name = TYPE_CHARDEV_NULL,
        .parent = TYPE_CHARDEV,
        .class_init = null_chr_class_init,
    },
    {
        .name = TYPE_CHARDEV_CONTAINER,
        .parent = TYPE_CONTAINER,
        .instance_size = sizeof(ChardevContainer),
    },
};

DEFINE_TYPES(chardev_types)
