/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fakes for the net unit tests: a NIC that records the frames it receives
 * and can refuse them (can_receive false) or answer 0 ("queued"), a bare
 * backend client, and a helper that runs the main loop until a condition
 * holds or a time limit passes.
 */
#ifndef KEMU_TESTS_NET_FAKE_H
#define KEMU_TESTS_NET_FAKE_H

#include "util/osdep.h"
#include "util/main-loop.h"
#include "net/net.h"
#include "tests/unit/unit.h"

typedef struct FakeNic {
    NICConf conf;
    NICState *nic;
    NetClientState *nc;
    bool can_receive;
    int busy;      /* receive() answers 0 this many more times */
    GPtrArray *rx; /* GByteArray *, in arrival order */
    int link_changes;
    /* Called after each frame is recorded (may send, for echo tests). */
    void (*on_rx)(struct FakeNic *f, const uint8_t *buf, size_t size);
} FakeNic;

static inline bool fake_nic_can_receive(NetClientState *nc)
{
    FakeNic *f = qemu_get_nic_opaque(nc);

    return f->can_receive;
}

static inline ssize_t fake_nic_receive(NetClientState *nc, const uint8_t *buf,
                                       size_t size)
{
    FakeNic *f = qemu_get_nic_opaque(nc);
    GByteArray *frame;

    if (f->busy > 0) {
        f->busy--;
        return 0;
    }
    frame = g_byte_array_new();
    g_byte_array_append(frame, buf, size);
    g_ptr_array_add(f->rx, frame);
    if (f->on_rx) {
        f->on_rx(f, buf, size);
    }
    return size;
}

static inline void fake_nic_link_changed(NetClientState *nc)
{
    FakeNic *f = qemu_get_nic_opaque(nc);

    f->link_changes++;
}

static const NetClientInfo fake_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = fake_nic_receive,
    .can_receive = fake_nic_can_receive,
    .link_status_changed = fake_nic_link_changed,
};

/* A NIC peered with @peer (may be NULL), named @id or "fake.N". */
static inline FakeNic *fake_nic_new(NetClientState *peer, const char *id)
{
    FakeNic *f = g_new0(FakeNic, 1);

    f->can_receive = true;
    f->rx = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    f->conf.peers.ncs[0] = peer;
    f->conf.peers.queues = peer ? 1 : 0;
    f->nic = qemu_new_nic(&fake_nic_info, &f->conf, "fake", id, f);
    f->nc = qemu_get_queue(f->nic);
    return f;
}

/* A NIC on every queue of netdev @netdev of @ns (its subqueue i on queue i). */
static inline FakeNic *fake_nic_new_mq(NetState *ns, const char *netdev,
                                       const char *id)
{
    FakeNic *f = g_new0(FakeNic, 1);

    f->can_receive = true;
    f->rx = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    f->conf.peers.queues = qemu_find_net_clients_except(
        ns, netdev, f->conf.peers.ncs, NET_CLIENT_DRIVER_NIC, MAX_QUEUE_NUM);
    f->nic = qemu_new_nic(&fake_nic_info, &f->conf, "fake", id, f);
    f->nc = qemu_get_queue(f->nic);
    return f;
}

static inline void fake_nic_free(FakeNic *f)
{
    if (f->nic) {
        qemu_del_nic(f->nic);
    }
    g_ptr_array_unref(f->rx);
    g_free(f);
}

static inline GByteArray *fake_nic_frame(FakeNic *f, guint i)
{
    return i < f->rx->len ? f->rx->pdata[i] : NULL;
}

/* Whether frame @i of @f is exactly @buf. */
static inline bool fake_nic_frame_is(FakeNic *f, guint i, const void *buf,
                                     size_t size)
{
    GByteArray *frame = fake_nic_frame(f, i);

    return frame && frame->len == size && !memcmp(frame->data, buf, size);
}

/* ---- A bare backend: records frames, like a NIC but not one ---- */

typedef struct FakeBackend {
    NetClientState nc;
    GPtrArray *rx;
    bool can_receive;
} FakeBackend;

static inline ssize_t fake_backend_receive(NetClientState *nc,
                                           const uint8_t *buf, size_t size)
{
    FakeBackend *b = container_of(nc, FakeBackend, nc);
    GByteArray *frame = g_byte_array_new();

    g_byte_array_append(frame, buf, size);
    g_ptr_array_add(b->rx, frame);
    return size;
}

static inline bool fake_backend_can_receive(NetClientState *nc)
{
    return container_of(nc, FakeBackend, nc)->can_receive;
}

static inline void fake_backend_cleanup(NetClientState *nc)
{
    g_ptr_array_unref(container_of(nc, FakeBackend, nc)->rx);
}

static const NetClientInfo fake_backend_info = {
    .type = NET_CLIENT_DRIVER_NONE,
    .size = sizeof(FakeBackend),
    .receive = fake_backend_receive,
    .can_receive = fake_backend_can_receive,
    .cleanup = fake_backend_cleanup,
};

/* A backend named @id in @ns (freed by net_state_free()). */
static inline FakeBackend *fake_backend_new(NetState *ns, const char *id)
{
    FakeBackend *b = (FakeBackend *)qemu_new_net_client(
        &fake_backend_info, NULL, "fake-backend", id, ns);

    b->rx = g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    b->can_receive = true;
    return b;
}

/* ---- Options and the main loop ---- */

/* net_client_init() on a -netdev/-nic string; the error text, or NULL. */
static inline char *net_test_init(NetState *ns, const char *arg, bool is_netdev)
{
    Error *err = NULL;
    KemuOpts *opts =
        kemu_opts_parse(is_netdev ? "-netdev" : "-nic", arg, "type", &err);
    char *msg = NULL;

    if (opts) {
        net_client_init(ns, opts, is_netdev, &err);
        kemu_opts_free(opts);
    }
    if (err) {
        msg = g_strdup(error_get_pretty(err));
        error_free(err);
    }
    return msg;
}

static inline gboolean net_test_tick(gpointer opaque)
{
    return G_SOURCE_CONTINUE;
}

/* Run @ml until @done(@opaque) or @timeout_ms pass; return done(). */
static inline bool net_test_wait(MainLoop *ml, bool (*done)(void *opaque),
                                 void *opaque, int timeout_ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    guint tick = g_timeout_add(10, net_test_tick, NULL);

    while (!done(opaque) && g_get_monotonic_time() < end) {
        main_loop_wait(ml, false);
    }
    g_source_remove(tick);
    return done(opaque);
}

/* Run @ml for @ms milliseconds. */
static inline void net_test_spin(MainLoop *ml, int ms)
{
    gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
    guint tick = g_timeout_add(5, net_test_tick, NULL);

    while (g_get_monotonic_time() < end) {
        main_loop_wait(ml, false);
    }
    g_source_remove(tick);
}

#endif
