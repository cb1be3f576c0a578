/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NetQueue: the packets waiting for one receiving NetClientState, and the
 * delivery contract every receiver and sender follows.  The contract itself
 * is written at the top of net/queue.c; net/net.c owns one queue per client.
 */
#ifndef KEMU_NET_QUEUE_H
#define KEMU_NET_QUEUE_H

#include "util/osdep.h"
#include <sys/uio.h>

typedef struct NetClientState NetClientState;
typedef struct NetQueue NetQueue;

/**
 * NetPacketSent - a sender's completion callback: the packet it sent with
 * qemu_send_packet_async() and that was queued (the call returned 0) has now
 * been delivered (@ret > 0), dropped by the receiver (@ret < 0) or purged
 * (@ret == 0).  The sender may send again from inside the callback.
 */
typedef void NetPacketSent(NetClientState *sender, ssize_t ret);

/**
 * NetQueueOps - how a queue reaches its receiver (@opaque is the one given
 * to net_queue_new()).
 * @deliver: hand one packet to the receiver.  Return its size (taken), a
 *           negative value (dropped) or 0 (not taken: "queued, wait for
 *           the sent callback"; the receiver calls net_queue_flush() later).
 * @can_deliver: whether the receiver can take a packet now.
 */
typedef struct NetQueueOps {
    ssize_t (*deliver)(void *opaque, NetClientState *sender,
                       const struct iovec *iov, int iovcnt);
    bool (*can_deliver)(void *opaque);
} NetQueueOps;

/**
 * net_queue_new - an empty queue for one receiver.
 * @maxlen: how many packets without a sent callback it holds before it
 *          drops them (packets with a callback are always held: their
 *          sender stops until the callback runs).
 */
NetQueue *net_queue_new(const NetQueueOps *ops, void *opaque, unsigned maxlen);

/** net_queue_free - free @q and its packets without calling callbacks. */
void net_queue_free(NetQueue *q);

/**
 * net_queue_send_iov - deliver @iov from @sender now, or hold a copy.
 * @sent_cb: called when a held packet is finally delivered or purged;
 *           NULL for fire-and-forget senders.
 *
 * Return: the receiver's answer when delivered now (> 0 taken, < 0
 * dropped), 0 when held (then @sent_cb runs later), or the packet's size
 * when a fire-and-forget packet is dropped because the queue is full.
 */
ssize_t net_queue_send_iov(NetQueue *q, NetClientState *sender,
                           const struct iovec *iov, int iovcnt,
                           NetPacketSent *sent_cb);

/**
 * net_queue_deliver_now - hand @iov to the receiver without queueing (a
 * NIC's loopback): 0 when the receiver cannot take it now.
 */
ssize_t net_queue_deliver_now(NetQueue *q, NetClientState *sender,
                              const struct iovec *iov, int iovcnt);

/**
 * net_queue_flush - the receiver can take packets again: deliver the held
 * packets in order, calling their senders' callbacks, until the queue is
 * empty or the receiver stops taking them.
 *
 * Return: true when the queue is empty afterwards.
 */
bool net_queue_flush(NetQueue *q);

/**
 * net_queue_purge - drop the held packets sent by @from (NULL: all),
 * calling their callbacks with 0.
 */
void net_queue_purge(NetQueue *q, NetClientState *from);

/** net_queue_length - the number of held packets. */
unsigned net_queue_length(const NetQueue *q);

/** net_queue_dropped - how many packets were dropped because it was full. */
uint64_t net_queue_dropped(const NetQueue *q);

/** net_queue_blocked - whether the receiver answered 0 and not flushed. */
bool net_queue_blocked(const NetQueue *q);

#endif
