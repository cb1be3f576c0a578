/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The frontend half of the chardev layer: what a device or a monitor calls
 * through its CharBackend (bind, handlers, write, accept input).  The
 * "chardev" device property kind that binds one by id is hw/core's
 * (hw/core/qdev-properties-system.h).
 */
#include "util/osdep.h"
#include "chardev/chardev.h"

/* Bind be to chr; a bound frontend holds a reference on its chardev. */
static bool chr_fe_bind(CharBackend *be, Chardev *chr, bool monitor,
                        Error **errp)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    assert(!be->chr);
    if (cc->fe_attach) {
        if (!cc->fe_attach(chr, be, monitor, errp)) {
            return false;
        }
    } else if (chr->be) {
        error_setg(errp, "chardev '%s' is already in use", chr->label);
        return false;
    } else {
        be->chr = chr;
        be->tag = 0;
        chr->be = be;
    }
    object_ref(chr);
    return true;
}

bool qemu_chr_fe_init(CharBackend *be, Chardev *chr, Error **errp)
{
    return chr_fe_bind(be, chr, false, errp);
}

bool qemu_chr_mux_attach_monitor(CharBackend *be, Chardev *chr, Error **errp)
{
    if (!chr_fe_bind(be, chr, true, errp)) {
        return false;
    }
    chr->wants_monitor = false;
    return true;
}

void qemu_chr_fe_deinit(CharBackend *be, bool del)
{
    Chardev *chr = be->chr;
    ChardevClass *cc;

    if (!chr) {
        return;
    }
    qemu_chr_fe_set_handlers(be, NULL, NULL, NULL, NULL);
    cc = CHARDEV_GET_CLASS(chr);
    if (cc->fe_detach) {
        cc->fe_detach(chr, be);
    } else if (chr->be == be) {
        chr->be = NULL;
    }
    be->chr = NULL;
    if (del) {
        qemu_chr_delete(chr);
    }
    object_unref(chr);
}

void qemu_chr_fe_set_handlers(CharBackend *be, IOCanReadHandler *fd_can_read,
                              IOReadHandler *fd_read, IOEventHandler *fd_event,
                              void *opaque)
{
    Chardev *chr = be->chr;

    be->chr_can_read = fd_can_read;
    be->chr_read = fd_read;
    be->chr_event = fd_event;
    be->opaque = opaque;
    if (!chr) {
        return;
    }
    g_main_context_wakeup(qemu_chr_context(chr));
    if (fd_event && chr->be_open) {
        fd_event(opaque, CHR_EVENT_OPENED);
    }
}

int qemu_chr_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_write_all(be->chr, buf, len);
}

/* The chardev whose fd carries @chr's output. */
static Chardev *chr_out_target(Chardev *chr)
{
    ChardevClass *cc = CHARDEV_GET_CLASS(chr);

    return cc->out_target ? cc->out_target(chr) : chr;
}

int qemu_chr_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return qemu_chr_out_write_now(chr_out_target(be->chr), buf, len);
}

guint qemu_chr_fe_add_watch(CharBackend *be, GIOCondition cond,
                            FEWatchFunc *func, void *opaque)
{
    if (!be->chr || !(cond & G_IO_OUT)) {
        return 0;
    }
    return qemu_chr_out_add_watch(chr_out_target(be->chr), func, opaque);
}

void qemu_chr_fe_remove_watch(CharBackend *be, guint tag)
{
    GSource *source;

    if (!be->chr || !tag) {
        return;
    }
    source = g_main_context_find_source_by_id(
        qemu_chr_context(chr_out_target(be->chr)), tag);
    if (source) {
        g_source_destroy(source);
    }
}

void qemu_chr_fe_accept_input(CharBackend *be)
{
    if (be->chr) {
        g_main_context_wakeup(qemu_chr_context(be->chr));
    }
}

Chardev *qemu_chr_fe_get_driver(CharBackend *be)
{
    return be->chr;
}

bool qemu_chr_fe_backend_connected(CharBackend *be)
{
    return be->chr != NULL;
}

bool qemu_chr_fe_backend_open(CharBackend *be)
{
    return be->chr && be->chr->be_open;
}
