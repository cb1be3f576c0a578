/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mux chardev: one backend (stdio for -nographic) shared by up to
 * MAX_MUX frontends, e.g. the serial port and the HMP monitor.  Output from
 * every frontend goes to the backend; input goes to the focused frontend.
 * Ctrl-A is the escape key, as in QEMU:
 *   C-a h  help          C-a x  quit           C-a c  switch frontend
 *   C-a b  send break    C-a C-a  a literal C-a
 * Input is buffered per frontend, so the escapes work even while the guest
 * is not reading its UART (data past the buffer is dropped, as an overrun).
 */
#include "util/osdep.h"
#include "chardev/chardev.h"

#define MUX_BUFFER_SIZE 4096
#define MUX_ESCAPE_CHAR 0x01 /* Ctrl-A */

OBJECT_DECLARE_SIMPLE_TYPE(MuxChardev, CHARDEV_MUX)

typedef struct MuxBuffer {
    uint8_t data[MUX_BUFFER_SIZE];
    unsigned head; /* oldest byte */
    unsigned num;
} MuxBuffer;

struct MuxChardev {
    Chardev parent_obj;
    CharBackend drv_be; /* our end of the backend */
    CharBackend *backends[MAX_MUX];
    bool is_monitor[MAX_MUX];
    MuxBuffer buf[MAX_MUX];
    int mux_cnt;       /* tags handed out */
    int focus;         /* -1: no frontend */
    bool focus_chosen; /* the user switched with C-a c */
    bool got_escape;
    GSource *flush_source;
};

static const char mux_help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit emulator\r\n"
                               "C-a b    send break (magic sysrq)\r\n"
                               "C-a c    switch between console and monitor\r\n"
                               "C-a C-a  sends C-a\r\n";

static void mux_print(MuxChardev *d, const char *text)
{
    qemu_chr_fe_write_all(&d->drv_be, (const uint8_t *)text, strlen(text));
}

static void mux_send_event(MuxChardev *d, int tag, ChrEvent event)
{
    CharBackend *be = tag >= 0 ? d->backends[tag] : NULL;

    if (be && be->chr_event) {
        be->chr_event(be->opaque, event);
    }
}

static void mux_set_focus(MuxChardev *d, int focus)
{
    if (focus == d->focus) {
        return;
    }
    mux_send_event(d, d->focus, CHR_EVENT_MUX_OUT);
    d->focus = focus;
    mux_send_event(d, d->focus, CHR_EVENT_MUX_IN);
}

/* The frontend focused at start: the first that is not a monitor. */
static int mux_default_focus(MuxChardev *d)
{
    int any = -1;

    for (int i = 0; i < d->mux_cnt; i++) {
        if (!d->backends[i]) {
            continue;
        }
        if (!d->is_monitor[i]) {
            return i;
        }
        if (any < 0) {
            any = i;
        }
    }
    return any;
}

static void mux_switch_focus(MuxChardev *d)
{
    for (int i = 1; i <= d->mux_cnt; i++) {
        int next = (d->focus + i) % d->mux_cnt;

        if (d->backends[next]) {
            d->focus_chosen = true;
            mux_set_focus(d, next);
            return;
        }
    }
}

/* C-a x: ask the emulator to quit, through the handler the machine set. */
static void mux_quit(MuxChardev *d)
{
    mux_print(d, "kemu: Terminated\r\n");
    qemu_chr_request_quit(CHARDEV(d));
}

/* ---- Input from the backend --------------------------------------------- */

/* Deliver buffered input of frontend tag as far as it takes it. */
static void mux_flush(MuxChardev *d, int tag)
{
    CharBackend *be = d->backends[tag];
    MuxBuffer *b = &d->buf[tag];

    while (b->num && be && be->chr_can_read && be->chr_read) {
        int room = be->chr_can_read(be->opaque);
        unsigned n = MIN(b->num, MUX_BUFFER_SIZE - b->head);
        const uint8_t *p = &b->data[b->head];

        if (room <= 0) {
            break;
        }
        n = MIN(n, (unsigned)room);
        b->head = (b->head + n) % MUX_BUFFER_SIZE;
        b->num -= n;
        be->chr_read(be->opaque, p, n);
    }
}

static void mux_deliver(MuxChardev *d, uint8_t ch)
{
    MuxBuffer *b;

    if (d->focus < 0) {
        return;
    }
    b = &d->buf[d->focus];
    if (b->num < MUX_BUFFER_SIZE) {
        b->data[(b->head + b->num) % MUX_BUFFER_SIZE] = ch;
        b->num++;
    }
}

static void mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        if (ch == MUX_ESCAPE_CHAR) {
            d->got_escape = true;
        } else {
            mux_deliver(d, ch);
        }
        return;
    }
    d->got_escape = false;
    switch (ch) {
    case MUX_ESCAPE_CHAR:
        mux_deliver(d, ch);
        break;
    case 'h':
    case '?':
        mux_print(d, mux_help);
        break;
    case 'x':
        mux_quit(d);
        break;
    case 'b':
        mux_send_event(d, d->focus, CHR_EVENT_BREAK);
        break;
    case 'c':
        mux_switch_focus(d);
        break;
    default:
        break;
    }
}

static int mux_can_read(void *opaque)
{
    MuxChardev *d = opaque;
    unsigned used = d->focus >= 0 ? d->buf[d->focus].num : 0;

    /* Always at least one byte: an escape must get through. */
    return MAX(1, MUX_BUFFER_SIZE - (int)used);
}

static void mux_read(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < size; i++) {
        mux_proc_byte(d, buf[i]);
    }
    if (d->focus >= 0) {
        mux_flush(d, d->focus);
    }
}

static void mux_event(void *opaque, ChrEvent event)
{
    MuxChardev *d = opaque;
    Chardev *chr = CHARDEV(d);

    if (event == CHR_EVENT_OPENED || event == CHR_EVENT_CLOSED) {
        chr->be_open = event == CHR_EVENT_OPENED;
        for (int i = 0; i < d->mux_cnt; i++) {
            mux_send_event(d, i, event);
        }
    } else {
        mux_send_event(d, d->focus, event);
    }
}

/*
 * A source that hands buffered input to the focused frontend once it can
 * read again (qemu_chr_fe_accept_input() wakes the context).
 */
typedef struct MuxFlushSource {
    GSource source;
    MuxChardev *mux;
} MuxFlushSource;

static bool mux_flush_pending(MuxChardev *d)
{
    CharBackend *be = d->focus >= 0 ? d->backends[d->focus] : NULL;

    return be && d->buf[d->focus].num && be->chr_can_read &&
           be->chr_can_read(be->opaque) > 0;
}

static gboolean mux_flush_prepare(GSource *source, gint *timeout)
{
    *timeout = -1;
    return mux_flush_pending(((MuxFlushSource *)source)->mux);
}

static gboolean mux_flush_check(GSource *source)
{
    return mux_flush_pending(((MuxFlushSource *)source)->mux);
}

static gboolean mux_flush_dispatch(GSource *source, GSourceFunc callback,
                                   gpointer data)
{
    MuxChardev *d = ((MuxFlushSource *)source)->mux;

    mux_flush(d, d->focus);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs mux_flush_funcs = {
    .prepare = mux_flush_prepare,
    .check = mux_flush_check,
    .dispatch = mux_flush_dispatch,
};

/* ---- Frontends ------------------------------------------------------------
 */

static int mux_chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    return qemu_chr_fe_write_all(&CHARDEV_MUX(chr)->drv_be, buf, len);
}

static Chardev *mux_chr_out_target(Chardev *chr)
{
    Chardev *drv = CHARDEV_MUX(chr)->drv_be.chr;

    return drv ? drv : chr;
}

static bool mux_fe_attach(Chardev *chr, CharBackend *be, bool monitor,
                          Error **errp)
{
    MuxChardev *d = CHARDEV_MUX(chr);
    int tag = d->mux_cnt;

    if (tag >= MAX_MUX) {
        error_setg(errp,
                   "too many uses of multiplexed chardev '%s' (at most "
                   "%d)",
                   chr->label, MAX_MUX);
        return false;
    }
    d->mux_cnt++;
    d->backends[tag] = be;
    d->is_monitor[tag] = monitor;
    be->chr = chr;
    be->tag = tag;
    if (!d->focus_chosen) {
        mux_set_focus(d, mux_default_focus(d));
    }
    return true;
}

static void mux_fe_detach(Chardev *chr, CharBackend *be)
{
    MuxChardev *d = CHARDEV_MUX(chr);
    int tag = be->tag;

    if (tag < 0 || tag >= d->mux_cnt || d->backends[tag] != be) {
        return;
    }
    d->backends[tag] = NULL;
    d->buf[tag].num = 0;
    /*
     * A frontend goes away when its device or monitor is torn down (at
     * exit, mostly): leave input unfocused rather than announce another
     * frontend on the console; C-a c still picks one.
     */
    if (d->focus == tag) {
        d->focus = -1;
    }
}

Chardev *qemu_chr_mux_new(Object *root, MainLoop *loop, const char *id,
                          Chardev *drv, Error **errp)
{
    MuxChardev *d;
    Chardev *chr;
    MuxFlushSource *fs;

    if (qemu_chr_find(root, id)) {
        error_setg(errp, "duplicate chardev id '%s'", id);
        return NULL;
    }
    d = CHARDEV_MUX(object_new(TYPE_CHARDEV_MUX));
    chr = CHARDEV(d);
    qemu_chr_init_common(chr, loop, id);
    if (!qemu_chr_fe_init(&d->drv_be, drv, errp)) {
        object_unref(d);
        return NULL;
    }
    fs = (MuxFlushSource *)g_source_new(&mux_flush_funcs,
                                        sizeof(MuxFlushSource));
    fs->mux = d;
    d->flush_source = &fs->source;
    g_source_attach(d->flush_source, qemu_chr_context(chr));
    qemu_chr_fe_set_handlers(&d->drv_be, mux_can_read, mux_read, mux_event, d);
    object_property_add_child(qemu_chr_container(root), id, OBJECT(d));
    object_unref(d);
    return chr;
}

static void mux_chr_instance_init(Object *obj)
{
    CHARDEV_MUX(obj)->focus = -1;
}

static void mux_chr_finalize(Object *obj)
{
    MuxChardev *d = CHARDEV_MUX(obj);

    qemu_chr_fe_deinit(&d->drv_be, false);
    if (d->flush_source) {
        g_source_destroy(d->flush_source);
        g_source_unref(d->flush_source);
    }
}

static void mux_chr_class_init(ObjectClass *oc, void *data)
{
    ChardevClass *cc = CHARDEV_CLASS(oc);

    cc->write = mux_chr_write;
    cc->out_target = mux_chr_out_target;
    cc->fe_attach = mux_fe_attach;
    cc->fe_detach = mux_fe_detach;
}

static const TypeInfo mux_chr_type = {
    .name = TYPE_CHARDEV_MUX,
    .parent = TYPE_CHARDEV,
    .instance_size = sizeof(MuxChardev),
    .instance_init = mux_chr_instance_init,
    .instance_finalize = mux_chr_finalize,
    .class_init = mux_chr_class_init,
};

static void mux_chr_register_types(void)
{
    type_register_static(&mux_chr_type);
}

type_init(mux_chr_register_types)
