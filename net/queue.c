/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NetQueue: packets held for one receiver until it can take them.
 *
 * The delivery contract (senders, receivers and this queue all rely on it):
 *
 * 1. A sender hands a packet to its peer with qemu_send_packet_async(nc,
 *    buf, size, sent_cb).  The packet is delivered at once when the
 *    receiver can take it (its can_receive() is true, it has not answered
 *    0 since its last flush, nothing is held before it, and no delivery to
 *    it is in progress); otherwise a copy is held here.
 * 2. The receiver's receive() returns the size (taken), a negative value
 *    (dropped, e.g. the guest's ring is off), or 0: "not taken now; queue
 *    it, and make the sender wait for the sent callback".  After a 0 the
 *    queue is blocked: every packet for this receiver is held, in order.
 * 3. The send call returns 0 when the packet was held.  A sender that
 *    passed a sent_cb then stops sending (a tap stops reading its fd) until
 *    sent_cb(sender, ret) runs; that happens when the held packet is
 *    delivered (ret is the receiver's answer) or purged (ret == 0).
 * 4. When the receiver can take packets again (the guest gave it buffers),
 *    it calls qemu_flush_queued_packets(), which unblocks the queue and
 *    delivers the held packets in order, running each sender's callback,
 *    until the queue is empty or the receiver answers 0 or can_receive()
 *    turns false again.
 * 5. The queue is bounded: a packet without a sent_cb (fire-and-forget,
 *    e.g. slirp's output) is dropped and counted when maxlen packets are
 *    held.  A packet with a sent_cb is always held, since its sender stops
 *    after it, so each such sender has at most one packet here.
 * 6. Purge (a client unplugged or deleted): the held packets of a sender are
 *    dropped and their callbacks run with 0, so no sender waits forever.
 *
 * Delivery is not reentrant: a receive() that makes another packet for the
 * same receiver (a hub, a loopback) has it held and delivered by the flush
 * that ends the outer delivery.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "net/queue.h"

typedef struct NetPacket {
    NetClientState *sender;
    NetPacketSent *sent_cb;
    size_t size;
    uint8_t data[];
} NetPacket;

struct NetQueue {
    const NetQueueOps *ops;
    void *opaque;
    unsigned maxlen;
    GQueue packets; /* of NetPacket, oldest first */
    uint64_t dropped;
    bool delivering; /* inside ops->deliver() */
    bool blocked;    /* the receiver answered 0; wait for a flush */
};

NetQueue *net_queue_new(const NetQueueOps *ops, void *opaque, unsigned maxlen)
{
    NetQueue *q = g_new0(NetQueue, 1);

    q->ops = ops;
    q->opaque = opaque;
    q->maxlen = maxlen;
    g_queue_init(&q->packets);
    return q;
}

void net_queue_free(NetQueue *q)
{
    if (!q) {
        return;
    }
    g_queue_clear_full(&q->packets, g_free);
    g_free(q);
}

static void hold(NetQueue *q, NetClientState *sender, const struct iovec *iov,
                 int iovcnt, NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);
    NetPacket *p = g_malloc(sizeof(*p) + size);

    p->sender = sender;
    p->sent_cb = sent_cb;
    p->size = iov_to_buf(iov, iovcnt, 0, p->data, size);
    g_queue_push_tail(&q->packets, p);
}

static ssize_t deliver(NetQueue *q, NetClientState *sender,
                       const struct iovec *iov, int iovcnt)
{
    ssize_t ret;

    q->delivering = true;
    ret = q->ops->deliver(q->opaque, sender, iov, iovcnt);
    q->delivering = false;
    if (ret == 0) {
        q->blocked = true;
    }
    return ret;
}

static bool can_deliver_now(NetQueue *q)
{
    return !q->delivering && !q->blocked && q->ops->can_deliver(q->opaque);
}

ssize_t net_queue_send_iov(NetQueue *q, NetClientState *sender,
                           const struct iovec *iov, int iovcnt,
                           NetPacketSent *sent_cb)
{
    ssize_t ret;

    /* Held packets go first: flush them before this one may overtake. */
    if (!g_queue_is_empty(&q->packets) && can_deliver_now(q)) {
        net_queue_flush(q);
    }
    if (!g_queue_is_empty(&q->packets) || !can_deliver_now(q)) {
        if (!sent_cb && g_queue_get_length(&q->packets) >= q->maxlen) {
            q->dropped++;
            kemu_log_mask(LOG_NET, "net: queue full (%u), packet dropped\n",
                          q->maxlen);
            return iov_size(iov, iovcnt);
        }
        hold(q, sender, iov, iovcnt, sent_cb);
        return 0;
    }
    ret = deliver(q, sender, iov, iovcnt);
    if (ret == 0) {
        hold(q, sender, iov, iovcnt, sent_cb);
        return 0;
    }
    /* Packets made for this receiver while it was receiving. */
    net_queue_flush(q);
    return ret;
}

ssize_t net_queue_deliver_now(NetQueue *q, NetClientState *sender,
                              const struct iovec *iov, int iovcnt)
{
    if (!can_deliver_now(q)) {
        return 0;
    }
    return deliver(q, sender, iov, iovcnt);
}

bool net_queue_flush(NetQueue *q)
{
    if (q->delivering) {
        return g_queue_is_empty(&q->packets);
    }
    q->blocked = false;
    while (!g_queue_is_empty(&q->packets)) {
        NetPacket *p;
        struct iovec iov;
        ssize_t ret;

        if (!q->ops->can_deliver(q->opaque)) {
            return false;
        }
        p = g_queue_peek_head(&q->packets);
        iov.iov_base = p->data;
        iov.iov_len = p->size;
        ret = deliver(q, p->sender, &iov, 1);
        if (ret == 0) {
            return false;
        }
        g_queue_pop_head(&q->packets);
        if (p->sent_cb) {
            p->sent_cb(p->sender, ret);
        }
        g_free(p);
    }
    return true;
}

void net_queue_purge(NetQueue *q, NetClientState *from)
{
    GQueue purged = G_QUEUE_INIT;
    GList *l = q->packets.head;
    NetPacket *p;

    /* Unlink first: a callback may send again, into this queue. */
    while (l) {
        GList *next = l->next;

        p = l->data;
        if (!from || p->sender == from) {
            g_queue_unlink(&q->packets, l);
            g_queue_push_tail_link(&purged, l);
        }
        l = next;
    }
    while ((p = g_queue_pop_head(&purged))) {
        if (p->sent_cb) {
            p->sent_cb(p->sender, 0);
        }
        g_free(p);
    }
}

unsigned net_queue_length(const NetQueue *q)
{
    return g_queue_get_length((GQueue *)&q->packets);
}

uint64_t net_queue_dropped(const NetQueue *q)
{
    return q->dropped;
}

bool net_queue_blocked(const NetQueue *q)
{
    return q->blocked;
}
