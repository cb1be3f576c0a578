/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio network device (virtio 1.2, section 5.1): receive and
 * transmit queue pairs, the link status, multiqueue and vhost-net, the
 * virtio-net header exchanged with a tap peer that has one, and the
 * VirtioDeviceOps and realize.  The control queue and the receive filter
 * it programs are in virtio-net-ctrl.c.  The driver to satisfy is Linux's
 * drivers/net/virtio_net.c; QEMU's device is the reference for behaviour
 * the spec leaves open (VLAN filter closed once CTRL_VLAN is negotiated).
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "hw/core/machine.h"
#include "hw/net/vhost-net.h"
#include "hw/net/virtio-net.h"
#include "hw/net/virtio-net-internal.h"

/* The largest frame a guest can take: 64 KiB of GSO plus headers. */
#define VIRTIO_NET_MAX_FRAME (65535 + ETH_HLEN + VLAN_HLEN)

/* The offload features a tap peer's vnet header makes possible. */
#define VIRTIO_NET_HOST_OFFLOADS                                               \
    ((1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GSO) |                \
     (1ull << VIRTIO_NET_F_HOST_TSO4) | (1ull << VIRTIO_NET_F_HOST_TSO6) |     \
     (1ull << VIRTIO_NET_F_HOST_ECN) | (1ull << VIRTIO_NET_F_HOST_UFO))
/* Features that need the control queue (Linux refuses them without). */
#define VIRTIO_NET_CTRL_FEATURES                                               \
    ((1ull << VIRTIO_NET_F_CTRL_RX) | (1ull << VIRTIO_NET_F_CTRL_VLAN) |       \
     (1ull << VIRTIO_NET_F_CTRL_RX_EXTRA) |                                    \
     (1ull << VIRTIO_NET_F_GUEST_ANNOUNCE) | (1ull << VIRTIO_NET_F_MQ) |       \
     (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR) |                                    \
     (1ull << VIRTIO_NET_F_CTRL_GUEST_OFFLOADS))

/* The device configuration kemu exposes: mac, status, pairs, mtu. */
#define VIRTIO_NET_CONFIG_LEN offsetof(struct virtio_net_config, speed)

/* A transmit burst continued on the main loop; q is NULL once stale. */
typedef struct VirtIONetTxCall {
    VirtIONetQueue *q;
} VirtIONetTxCall;

static VirtIONetQueue *nc_to_queue(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);

    if (nc->queue_index < 0 || nc->queue_index >= n->max_queue_pairs) {
        return NULL; /* a netdev queue beyond the pairs (mq=off) */
    }
    return n->vqs[nc->queue_index].rx_vq ? &n->vqs[nc->queue_index] : NULL;
}

static bool virtio_net_started(VirtIONet *n)
{
    return virtio_device_started(&n->parent_obj);
}

static bool virtio_net_link_up(VirtIONet *n)
{
    return n->status & VIRTIO_NET_S_LINK_UP;
}

int virtio_net_max_queue_pairs(VirtIONet *n)
{
    int queues = n->f_mq ? n->nic_conf.peers.queues : 1;

    return MAX(1, MIN(queues, VIRTIO_NET_MAX_QUEUE_PAIRS));
}

/* ---- Header lengths and offloads ---- */

static NetClientState *virtio_net_peer(VirtIONet *n, int pair)
{
    return n->vqs[pair].nc->peer;
}

void virtio_net_apply_offloads(VirtIONet *n)
{
    uint64_t o = n->curr_guest_offloads;
    int i;

    if (!n->has_vnet_hdr) {
        return;
    }
    for (i = 0; i < n->max_queue_pairs; i++) {
        qemu_set_offload(virtio_net_peer(n, i),
                         !!(o & (1ull << VIRTIO_NET_F_GUEST_CSUM)),
                         !!(o & (1ull << VIRTIO_NET_F_GUEST_TSO4)),
                         !!(o & (1ull << VIRTIO_NET_F_GUEST_TSO6)),
                         !!(o & (1ull << VIRTIO_NET_F_GUEST_ECN)),
                         !!(o & (1ull << VIRTIO_NET_F_GUEST_UFO)));
    }
}

/* The header the driver uses, and the one the peer is set to. */
static void virtio_net_set_hdr_len(VirtIONet *n, bool mergeable, bool v1)
{
    int i;

    n->guest_hdr_len = (mergeable || v1)
                           ? (int)sizeof(struct virtio_net_hdr_mrg_rxbuf)
                           : (int)sizeof(struct virtio_net_hdr);
    if (!n->has_vnet_hdr) {
        n->host_hdr_len = 0;
        return;
    }
    if (qemu_has_vnet_hdr_len(virtio_net_peer(n, 0), n->guest_hdr_len)) {
        for (i = 0; i < n->max_queue_pairs; i++) {
            qemu_set_vnet_hdr_len(virtio_net_peer(n, i), n->guest_hdr_len);
        }
        n->host_hdr_len = n->guest_hdr_len;
    }
}

/* ---- Receive ---- */

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = nc_to_queue(nc);

    return q && virtio_net_started(n) && q->index < n->curr_queue_pairs &&
           virtio_queue_ready(q->rx_vq) && !n->vhost_started;
}

/*
 * Whether the rx queue holds @bufsize bytes of buffers (one chain without
 * mergeable buffers).  If not, ask the driver to kick when it adds some:
 * the kick flushes what the net layer held for us.
 */
static bool virtio_net_has_buffers(VirtIONetQueue *q, unsigned bufsize)
{
    unsigned in = 0, out = 0;

    virtqueue_get_avail_bytes(q->rx_vq, &in, &out, bufsize, 0);
    if (in >= bufsize) {
        return true;
    }
    virtio_queue_set_notification(q->rx_vq, 1);
    /* the driver may have added buffers before it saw the flag */
    virtqueue_get_avail_bytes(q->rx_vq, &in, &out, bufsize, 0);
    if (in >= bufsize) {
        virtio_queue_set_notification(q->rx_vq, 0);
        return true;
    }
    return false;
}

/*
 * Fill the header the driver gets: the peer's (tap, possibly offloaded)
 * or all zero, num_buffers left for the caller.
 */
static void virtio_net_build_rx_hdr(VirtIONet *n, const struct iovec *iov,
                                    int iovcnt, uint8_t *hdr)
{
    memset(hdr, 0, sizeof(struct virtio_net_hdr_mrg_rxbuf));
    if (n->host_hdr_len) {
        iov_to_buf(
            iov, iovcnt, 0, hdr,
            MIN(n->host_hdr_len, (int)sizeof(struct virtio_net_hdr_mrg_rxbuf)));
        /* no checksum flags for a driver that did not ask (5.1.6.4) */
        if (!(n->curr_guest_offloads & (1ull << VIRTIO_NET_F_GUEST_CSUM))) {
            hdr[offsetof(struct virtio_net_hdr, flags)] = 0;
        }
    }
}

static ssize_t virtio_net_receive_iov(NetClientState *nc,
                                      const struct iovec *iov, int iovcnt)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIODevice *vdev = &n->parent_obj;
    VirtIONetQueue *q = nc_to_queue(nc);
    size_t size = iov_size(iov, iovcnt);
    uint8_t hdr[sizeof(struct virtio_net_hdr_mrg_rxbuf)];
    uint8_t eth[ETH_HLEN + VLAN_HLEN];
    bool mergeable = virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MRG_RXBUF);
    VirtQueueElement **elems = n->rx_elems;
    unsigned *lens = n->rx_lens;
    size_t frame_len, offset;
    unsigned bufsize;
    int count = 0, max, i;

    if (!virtio_net_can_receive(nc)) {
        return 0;
    }
    max = MIN(virtio_queue_get_num(vdev, virtio_queue_get_index(q->rx_vq)),
              VIRTQUEUE_MAX_SIZE);
    if (!virtio_net_link_up(n) || size < (size_t)n->host_hdr_len) {
        return size;
    }
    frame_len = size - n->host_hdr_len;
    if (frame_len == 0) {
        return size;
    }
    if (frame_len > VIRTIO_NET_MAX_FRAME) {
        n->rx_dropped_too_big++;
        return size;
    }
    memset(eth, 0, sizeof(eth));
    iov_to_buf(iov, iovcnt, n->host_hdr_len, eth, sizeof(eth));
    if (!virtio_net_filter(n, eth, frame_len)) {
        n->rx_filtered++;
        return size;
    }
    bufsize = frame_len + n->guest_hdr_len;
    if (!virtio_net_has_buffers(q, mergeable ? bufsize : 1)) {
        return 0;
    }
    virtio_net_build_rx_hdr(n, iov, iovcnt, hdr);

    offset = n->host_hdr_len; /* in the peer's frame */
    while (offset < size || count == 0) {
        VirtQueueElement *elem;
        size_t room, hdr_room = 0, len;

        if (count == max) {
            goto unwind;
        }
        elem = virtqueue_pop(q->rx_vq, sizeof(VirtQueueElement));
        if (!elem) {
            if (vdev->broken) {
                goto drop_all;
            }
            goto unwind;
        }
        elems[count] = elem;
        room = iov_size(elem->in_sg, elem->in_num);
        if (elem->out_num || (count == 0 && room < (size_t)n->guest_hdr_len)) {
            virtio_error(vdev,
                         "virtio-net: rx buffer of %zu bytes (%u readable "
                         "parts) cannot take a %d-byte header",
                         room, elem->out_num, n->guest_hdr_len);
            count++;
            goto drop_all;
        }
        if (count == 0) {
            hdr_room = n->guest_hdr_len;
        }
        len = iov_to_iov(elem->in_sg, elem->in_num, hdr_room, iov, iovcnt,
                         offset, size - offset);
        lens[count] = hdr_room + len;
        offset += len;
        count++;
        if (offset < size && !mergeable) {
            /* a non-mergeable frame must fit one buffer */
            n->rx_dropped_too_big++;
            goto unwind_drop;
        }
    }
    /* The header last: num_buffers is known now. */
    if (mergeable) {
        uint16_t num = GUINT16_TO_LE(count);

        memcpy(hdr + offsetof(struct virtio_net_hdr_mrg_rxbuf, num_buffers),
               &num, sizeof(num));
    }
    iov_from_buf(elems[0]->in_sg, elems[0]->in_num, 0, hdr, n->guest_hdr_len);
    for (i = 0; i < count; i++) {
        virtqueue_fill(q->rx_vq, elems[i], lens[i], i);
        g_free(elems[i]);
    }
    virtqueue_flush(q->rx_vq, count);
    virtio_notify(vdev, q->rx_vq);
    return size;

unwind_drop:
    for (i = count - 1; i >= 0; i--) {
        virtqueue_unpop(q->rx_vq, elems[i], 0);
        g_free(elems[i]);
    }
    return size;
unwind:
    /* not enough buffers after all: give them back and wait for a kick */
    for (i = count - 1; i >= 0; i--) {
        virtqueue_unpop(q->rx_vq, elems[i], 0);
        g_free(elems[i]);
    }
    virtio_queue_set_notification(q->rx_vq, 1);
    return 0;
drop_all:
    for (i = 0; i < count; i++) {
        virtqueue_detach_element(q->rx_vq, elems[i], 0);
        g_free(elems[i]);
    }
    return size;
}

/* The driver added receive buffers: deliver what the net layer held. */
static void virtio_net_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = to_vnet(vdev);
    int pair = virtio_queue_get_index(vq) / 2;

    if (pair >= n->max_queue_pairs) {
        return;
    }
    virtio_queue_set_notification(vq, 0);
    qemu_flush_queued_packets(n->vqs[pair].nc);
}

/* ---- Transmit ---- */

static void virtio_net_tx_run(VirtIONetQueue *q);

static void virtio_net_tx_call(void *opaque)
{
    VirtIONetTxCall *call = opaque;
    VirtIONetQueue *q = call->q;

    if (!q) {
        return; /* reset or unplugged since */
    }
    q->tx_call = NULL;
    virtio_net_tx_run(q);
}

static void virtio_net_tx_cancel_call(VirtIONetQueue *q)
{
    if (q->tx_call) {
        q->tx_call->q = NULL;
        q->tx_call = NULL;
    }
}

static void virtio_net_tx_schedule(VirtIONetQueue *q)
{
    VirtIONetTxCall *call;

    if (q->tx_call) {
        return;
    }
    call = g_new0(VirtIONetTxCall, 1);
    call->q = q;
    q->tx_call = call;
    main_loop_call_async_full(q->n->parent_obj.main_loop, virtio_net_tx_call,
                              call, g_free);
}

static void virtio_net_tx_complete(NetClientState *nc, ssize_t len)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIONetQueue *q = nc_to_queue(nc);

    (void)len;
    if (!q || !q->async_tx_elem) {
        return; /* reset since: the element went with the queue */
    }
    virtqueue_push(q->tx_vq, q->async_tx_elem, 0);
    virtio_notify(&n->parent_obj, q->tx_vq);
    g_free(q->async_tx_elem);
    q->async_tx_elem = NULL;
    virtio_net_tx_run(q);
}

/*
 * Send up to tx_burst chains of @q.  Return: the number sent, -EBUSY when
 * the peer holds one (tx_complete resumes), -EINVAL when the device broke.
 */
static int virtio_net_flush_tx(VirtIONetQueue *q)
{
    VirtIONet *n = q->n;
    VirtIODevice *vdev = &n->parent_obj;
    struct iovec *sg;
    int num = 0;

    if (q->async_tx_elem) {
        return -EBUSY;
    }
    if (!virtio_net_started(n) || q->index >= n->curr_queue_pairs) {
        return 0;
    }
    sg = g_new(struct iovec, VIRTQUEUE_MAX_SIZE + 1);
    while (num < (int)n->tx_burst) {
        VirtQueueElement *elem;
        size_t size;
        unsigned cnt = 0;
        ssize_t ret;

        elem = virtqueue_pop(q->tx_vq, sizeof(VirtQueueElement));
        if (!elem) {
            break;
        }
        size = iov_size(elem->out_sg, elem->out_num);
        if (elem->in_num || size < (size_t)n->guest_hdr_len) {
            virtio_error(vdev,
                         "virtio-net: tx chain of %zu bytes (%u writable "
                         "parts) is shorter than its %d-byte header",
                         size, elem->in_num, n->guest_hdr_len);
            virtqueue_detach_element(q->tx_vq, elem, 0);
            g_free(elem);
            g_free(sg);
            return -EINVAL;
        }
        if (!virtio_net_link_up(n) || size - n->guest_hdr_len > NET_BUFSIZE) {
            /* link down, or larger than any backend takes: dropped */
            if (virtio_net_link_up(n)) {
                n->tx_dropped_too_big++;
            }
            virtqueue_push(q->tx_vq, elem, 0);
            virtio_notify(vdev, q->tx_vq);
            g_free(elem);
            num++;
            continue;
        }
        if (n->host_hdr_len) {
            cnt = iov_copy(sg, VIRTQUEUE_MAX_SIZE + 1, elem->out_sg,
                           elem->out_num, 0,
                           MIN(n->host_hdr_len, n->guest_hdr_len));
        }
        cnt +=
            iov_copy(sg + cnt, VIRTQUEUE_MAX_SIZE + 1 - cnt, elem->out_sg,
                     elem->out_num, n->guest_hdr_len, size - n->guest_hdr_len);
        ret = qemu_sendv_packet_async(q->nc, sg, cnt, virtio_net_tx_complete);
        if (ret == 0) {
            q->async_tx_elem = elem;
            g_free(sg);
            return -EBUSY;
        }
        virtqueue_push(q->tx_vq, elem, 0);
        virtio_notify(vdev, q->tx_vq);
        g_free(elem);
        num++;
    }
    g_free(sg);
    return num;
}

/*
 * Drain @q with the driver's kicks off; a full burst continues on the main
 * loop so one busy guest cannot starve the rest, otherwise kicks are
 * turned back on (and the ring checked once more for what raced them).
 */
static void virtio_net_tx_run(VirtIONetQueue *q)
{
    int ret;

    virtio_queue_set_notification(q->tx_vq, 0);
    ret = virtio_net_flush_tx(q);
    if (ret == -EBUSY || ret == -EINVAL) {
        return;
    }
    if (ret >= (int)q->n->tx_burst) {
        virtio_net_tx_schedule(q);
        return;
    }
    virtio_queue_set_notification(q->tx_vq, 1);
    ret = virtio_net_flush_tx(q);
    if (ret > 0) {
        virtio_queue_set_notification(q->tx_vq, 0);
        virtio_net_tx_schedule(q);
    }
}

static void virtio_net_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = to_vnet(vdev);
    int pair = virtio_queue_get_index(vq) / 2;
    VirtIONetQueue *q;

    if (pair >= n->max_queue_pairs) {
        return;
    }
    q = &n->vqs[pair];
    if (q->async_tx_elem || q->tx_call || n->vhost_started) {
        return; /* a completion or the scheduled call resumes */
    }
    virtio_net_tx_run(q);
}

/* ---- Queue pairs, vhost ---- */

static void virtio_net_vhost_stop(VirtIONet *n)
{
    if (!n->vhost_started) {
        return;
    }
    vhost_net_stop(&n->parent_obj, n->vhost, n->curr_queue_pairs);
    n->vhost_started = false;
}

static void virtio_net_vhost_start(VirtIONet *n)
{
    Error *err = NULL;
    int i;

    if (n->vhost_started || n->vhost_failed || !n->vhost[0] || !n->vm_running ||
        !virtio_net_link_up(n) || !virtio_net_started(n)) {
        return;
    }
    /* the rings change hands: nothing of ours may be in flight */
    for (i = 0; i < n->curr_queue_pairs; i++) {
        qemu_purge_queued_packets(n->vqs[i].nc);
    }
    if (!vhost_net_start(&n->parent_obj, n->vhost, n->curr_queue_pairs, &err)) {
        /* once: vhost_failed keeps this device in userspace from now on */
        warn_report("vhost-net could not be started, the data path stays "
                    "in kemu: %s",
                    error_get_pretty(err));
        error_free(err);
        n->vhost_failed = true;
        return;
    }
    n->vhost_started = true;
}

/* The machine stopped or runs again: the kernel's data path follows. */
static void virtio_net_vm_notify(MachineNotifier *mn, MachineEvent event,
                                 const char *reason, bool guest)
{
    VirtIONet *n = container_of(mn, VirtIONet, vm_notifier);

    (void)reason;
    (void)guest;
    if (event == MACHINE_EVENT_STOP) {
        n->vm_running = false;
        virtio_net_vhost_stop(n);
    } else if (event == MACHINE_EVENT_RESUME) {
        n->vm_running = true;
        virtio_net_vhost_start(n);
    }
}

/*
 * Attach the backend queues of the pairs in use, detach the rest (tap
 * steers frames only to attached queues).
 */
static void virtio_net_update_peer_queues(VirtIONet *n)
{
    NICState *nic = n->nic;
    int i;

    for (i = 0; i < nic->queues; i++) {
        NetClientState *peer = qemu_get_subqueue(nic, i)->peer;
        int ret;

        if (!peer) {
            continue;
        }
        ret = qemu_set_queue_enabled(peer, i < n->curr_queue_pairs);
        if (ret < 0) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "virtio-net: cannot %s queue %d of netdev %s: %s\n",
                          i < n->curr_queue_pairs ? "attach" : "detach", i,
                          peer->name, strerror(-ret));
        }
    }
}

void virtio_net_set_queue_pairs(VirtIONet *n, int pairs)
{
    int i, old = n->curr_queue_pairs;
    bool vhost = n->vhost_started;

    if (pairs == old) {
        return;
    }
    if (vhost) {
        virtio_net_vhost_stop(n);
    }
    n->curr_queue_pairs = pairs;
    for (i = pairs; i < old; i++) {
        qemu_purge_queued_packets(n->vqs[i].nc);
    }
    virtio_net_update_peer_queues(n);
    if (vhost) {
        virtio_net_vhost_start(n);
    }
    for (i = 0; i < pairs; i++) {
        qemu_flush_queued_packets(n->vqs[i].nc);
    }
}

/* ---- VirtioDeviceOps ---- */

static uint64_t virtio_net_get_features(VirtIODevice *vdev, uint64_t features,
                                        Error **errp)
{
    VirtIONet *n = to_vnet(vdev);

    (void)errp;
    if (!n->f_event_idx) {
        features &= ~(1ull << VIRTIO_RING_F_EVENT_IDX);
    }
    if (!n->f_indirect_desc) {
        features &= ~(1ull << VIRTIO_RING_F_INDIRECT_DESC);
    }
    if (!n->f_any_layout) {
        features &= ~(1ull << VIRTIO_F_ANY_LAYOUT);
    }
    if (!n->has_vnet_hdr) {
        features &= ~(VIRTIO_NET_HOST_OFFLOADS | VIRTIO_NET_GUEST_OFFLOADS);
    } else if (!qemu_has_ufo(virtio_net_peer(n, 0))) {
        features &= ~((1ull << VIRTIO_NET_F_HOST_UFO) |
                      (1ull << VIRTIO_NET_F_GUEST_UFO));
    }
    if (!virtio_has_feature(features, VIRTIO_NET_F_CTRL_VQ)) {
        features &= ~VIRTIO_NET_CTRL_FEATURES;
    }
    if (n->vhost[0]) {
        features = vhost_net_get_features(n->vhost[0], features);
    }
    return features;
}

/*
 * Lay the queues out for @pairs pairs: rx/tx pairs 0..@pairs-1, then the
 * control queue.  A driver without MQ sees one pair and the control queue
 * at index 2 whatever mq= says (virtio 1.2, 5.1.2).
 */
static void virtio_net_layout_queues(VirtIONet *n, int pairs)
{
    VirtIODevice *vdev = &n->parent_obj;
    int i;

    if (n->ctrl_vq && virtio_queue_get_index(n->ctrl_vq) == 2 * pairs) {
        return;
    }
    for (i = virtio_get_num_queues(vdev) - 1; i >= 2; i--) {
        virtio_del_queue(vdev, i);
    }
    for (i = 1; i < n->max_queue_pairs; i++) {
        VirtIONetQueue *q = &n->vqs[i];

        q->rx_vq = NULL;
        q->tx_vq = NULL;
        if (i < pairs) {
            q->rx_vq =
                virtio_add_queue(vdev, n->rx_queue_size, virtio_net_handle_rx);
            q->tx_vq =
                virtio_add_queue(vdev, n->tx_queue_size, virtio_net_handle_tx);
        }
    }
    n->ctrl_vq = virtio_add_queue(vdev, 64, virtio_net_handle_ctrl);
}

static void virtio_net_set_features(VirtIODevice *vdev, uint64_t features)
{
    VirtIONet *n = to_vnet(vdev);

    virtio_net_layout_queues(n, virtio_has_feature(features, VIRTIO_NET_F_MQ)
                                    ? n->max_queue_pairs
                                    : 1);
    virtio_net_set_hdr_len(n,
                           virtio_has_feature(features, VIRTIO_NET_F_MRG_RXBUF),
                           virtio_has_feature(features, VIRTIO_F_VERSION_1));
    n->curr_guest_offloads = features & VIRTIO_NET_GUEST_OFFLOADS;
    virtio_net_apply_offloads(n);
    /* QEMU's rule: a driver that can filter VLANs starts with none */
    memset(n->vlans,
           virtio_has_feature(features, VIRTIO_NET_F_CTRL_VLAN) ? 0 : 0xff,
           VIRTIO_NET_MAX_VLAN / 8);
}

static void virtio_net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *n = to_vnet(vdev);
    struct virtio_net_config cfg;

    memset(&cfg, 0, sizeof(cfg));
    memcpy(cfg.mac, n->mac, ETH_ALEN);
    cfg.status = GUINT16_TO_LE(n->status);
    cfg.max_virtqueue_pairs = GUINT16_TO_LE(n->max_queue_pairs);
    cfg.mtu = GUINT16_TO_LE(n->host_mtu);
    memcpy(config, &cfg, VIRTIO_NET_CONFIG_LEN);
}

static void virtio_net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIONet *n = to_vnet(vdev);

    /* legacy drivers without CTRL_MAC_ADDR write the MAC here */
    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_MAC_ADDR) ||
        virtio_vdev_has_feature(vdev, VIRTIO_F_VERSION_1) ||
        !memcmp(config, n->mac, ETH_ALEN)) {
        return;
    }
    memcpy(n->mac, config, ETH_ALEN);
    qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
}

static void virtio_net_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIONet *n = to_vnet(vdev);
    int i;

    (void)status;
    if (!virtio_net_started(n)) {
        virtio_net_vhost_stop(n);
        return;
    }
    virtio_net_vhost_start(n);
    if (n->vhost_started) {
        return;
    }
    for (i = 0; i < n->curr_queue_pairs; i++) {
        qemu_flush_queued_packets(n->vqs[i].nc);
    }
}

static void virtio_net_reset(VirtIODevice *vdev)
{
    VirtIONet *n = to_vnet(vdev);
    int i;

    virtio_net_vhost_stop(n);
    for (i = 0; i < n->max_queue_pairs; i++) {
        VirtIONetQueue *q = &n->vqs[i];

        virtio_net_tx_cancel_call(q);
        /* the queues are gone: a late completion finds nothing to push */
        g_free(q->async_tx_elem);
        q->async_tx_elem = NULL;
        qemu_purge_queued_packets(q->nc);
    }
    virtio_net_reset_filter(n);
    memcpy(n->mac, n->nic_conf.macaddr.a, ETH_ALEN);
    qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
    n->curr_queue_pairs = 1;
    virtio_net_update_peer_queues(n);
    virtio_net_layout_queues(n, n->max_queue_pairs);
    n->curr_guest_offloads = 0;
    n->status &= ~VIRTIO_NET_S_ANNOUNCE;
    virtio_net_set_hdr_len(n, false, false);
    virtio_net_apply_offloads(n);
}

static const VirtioDeviceOps virtio_net_ops = {
    .get_features = virtio_net_get_features,
    .set_features = virtio_net_set_features,
    .get_config = virtio_net_get_config,
    .set_config = virtio_net_set_config,
    .set_status = virtio_net_set_status,
    .reset = virtio_net_reset,
};

/* ---- Net layer glue ---- */

static void virtio_net_link_status_changed(NetClientState *nc)
{
    VirtIONet *n = qemu_get_nic_opaque(nc);
    VirtIODevice *vdev = &n->parent_obj;
    uint16_t old = n->status;
    int i;

    if (nc->link_down) {
        n->status &= ~VIRTIO_NET_S_LINK_UP;
    } else {
        n->status |= VIRTIO_NET_S_LINK_UP;
    }
    if (n->status == old) {
        return;
    }
    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_STATUS)) {
        virtio_notify_config(vdev);
    }
    if (!virtio_net_link_up(n)) {
        virtio_net_vhost_stop(n);
        /* drop what the guest queued while the link was up */
        for (i = 0; i < n->curr_queue_pairs; i++) {
            if (!n->vqs[i].async_tx_elem && !n->vqs[i].tx_call) {
                virtio_net_tx_run(&n->vqs[i]);
            }
        }
        return;
    }
    virtio_net_vhost_start(n);
    for (i = 0; i < n->curr_queue_pairs && !n->vhost_started; i++) {
        qemu_flush_queued_packets(n->vqs[i].nc);
    }
}

void virtio_net_announce(VirtIONet *n)
{
    VirtIODevice *vdev = &n->parent_obj;

    if (virtio_vdev_has_feature(vdev, VIRTIO_NET_F_GUEST_ANNOUNCE) &&
        virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_VQ) &&
        virtio_net_started(n)) {
        n->status |= VIRTIO_NET_S_ANNOUNCE;
        virtio_notify_config(vdev);
    }
}

/* The net layer's announce round: it sent a RARP already. */
static void virtio_net_announce_nc(NetClientState *nc)
{
    virtio_net_announce(qemu_get_nic_opaque(nc));
}

static NetClientInfo virtio_net_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive_iov = virtio_net_receive_iov,
    .can_receive = virtio_net_can_receive,
    .link_status_changed = virtio_net_link_status_changed,
    .announce = virtio_net_announce_nc,
};

/* ---- realize / unrealize ---- */

static uint64_t virtio_net_host_features(VirtIONet *n)
{
    static const struct {
        size_t field;
        unsigned bit;
    } props[] = {
#define F(field, bit) {offsetof(VirtIONet, field), VIRTIO_NET_F_##bit}
        F(f_csum, CSUM),
        F(f_guest_csum, GUEST_CSUM),
        F(f_gso, GSO),
        F(f_guest_tso4, GUEST_TSO4),
        F(f_guest_tso6, GUEST_TSO6),
        F(f_guest_ecn, GUEST_ECN),
        F(f_guest_ufo, GUEST_UFO),
        F(f_guest_announce, GUEST_ANNOUNCE),
        F(f_host_tso4, HOST_TSO4),
        F(f_host_tso6, HOST_TSO6),
        F(f_host_ecn, HOST_ECN),
        F(f_host_ufo, HOST_UFO),
        F(f_mrg_rxbuf, MRG_RXBUF),
        F(f_status, STATUS),
        F(f_ctrl_vq, CTRL_VQ),
        F(f_ctrl_rx, CTRL_RX),
        F(f_ctrl_vlan, CTRL_VLAN),
        F(f_ctrl_rx_extra, CTRL_RX_EXTRA),
        F(f_ctrl_mac_addr, CTRL_MAC_ADDR),
        F(f_ctrl_guest_offloads, CTRL_GUEST_OFFLOADS),
        F(f_mq, MQ),
#undef F
    };
    uint64_t f = 1ull << VIRTIO_NET_F_MAC;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(props); i++) {
        if (*(bool *)((char *)n + props[i].field)) {
            f |= 1ull << props[i].bit;
        }
    }
    if (n->host_mtu) {
        f |= 1ull << VIRTIO_NET_F_MTU;
    }
    if (n->f_packed) {
        f |= 1ull << VIRTIO_F_RING_PACKED;
    }
    return f;
}

static bool virtio_net_check_queue_size(const char *name, unsigned size,
                                        Error **errp)
{
    if (size < 256 || size > VIRTQUEUE_MAX_SIZE || (size & (size - 1))) {
        error_setg(errp,
                   "virtio-net: %s=%u: must be a power of 2 between 256 "
                   "and %d",
                   name, size, VIRTQUEUE_MAX_SIZE);
        return false;
    }
    return true;
}

bool virtio_net_realize(VirtIONet *n, DeviceState *owner, AddressSpace *dma_as,
                        Error **errp)
{
    VirtIODevice *vdev = &n->parent_obj;
    MachineState *ms = qdev_get_machine(owner);
    NetClientState *peer;
    int i;

    if (!ms || !ms->main_loop) {
        error_setg(errp, "virtio-net: needs a machine");
        return false;
    }
    if (!virtio_net_check_queue_size("rx_queue_size", n->rx_queue_size, errp) ||
        !virtio_net_check_queue_size("tx_queue_size", n->tx_queue_size, errp)) {
        return false;
    }
    if (n->host_mtu && n->host_mtu < 68) {
        error_setg(errp, "virtio-net: host_mtu=%u: must be at least 68",
                   n->host_mtu);
        return false;
    }
    if (n->tx_burst == 0) {
        error_setg(errp, "virtio-net: x-txburst must be at least 1");
        return false;
    }
    if (n->f_mq && !n->f_ctrl_vq) {
        error_setg(errp, "virtio-net: mq=on needs ctrl_vq=on");
        return false;
    }
    if (n->f_mq && n->nic_conf.peers.queues > VIRTIO_NET_MAX_QUEUE_PAIRS) {
        error_setg(errp,
                   "virtio-net: the netdev has %d queues, mq=on takes "
                   "at most %d",
                   n->nic_conf.peers.queues, VIRTIO_NET_MAX_QUEUE_PAIRS);
        return false;
    }
    n->max_queue_pairs = virtio_net_max_queue_pairs(n);
    n->curr_queue_pairs = 1;

    vdev->ops = &virtio_net_ops;
    vdev->name = "virtio-net";
    vdev->device_id = VIRTIO_ID_NET;
    vdev->config_len = VIRTIO_NET_CONFIG_LEN;
    vdev->host_features = virtio_net_host_features(n);
    vdev->use_packed = n->f_packed;
    virtio_init(vdev, owner, dma_as, ms->main_loop);

    n->vqs = g_new0(VirtIONetQueue, n->max_queue_pairs);
    for (i = 0; i < n->max_queue_pairs; i++) {
        n->vqs[i].n = n;
        n->vqs[i].index = i;
    }
    n->vqs[0].rx_vq =
        virtio_add_queue(vdev, n->rx_queue_size, virtio_net_handle_rx);
    n->vqs[0].tx_vq =
        virtio_add_queue(vdev, n->tx_queue_size, virtio_net_handle_tx);
    virtio_net_layout_queues(n, n->max_queue_pairs);

    qemu_macaddr_default_if_unset(ms->net, &n->nic_conf.macaddr);
    memcpy(n->mac, n->nic_conf.macaddr.a, ETH_ALEN);
    n->nic = qemu_new_nic(&virtio_net_info, &n->nic_conf,
                          object_get_typename(OBJECT(owner)), owner->id, n);
    for (i = 0; i < n->max_queue_pairs; i++) {
        n->vqs[i].nc = qemu_get_subqueue(n->nic, i);
    }
    qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
    n->status = qemu_get_queue(n->nic)->link_down ? 0 : VIRTIO_NET_S_LINK_UP;

    n->rx_elems = g_new0(VirtQueueElement *, VIRTQUEUE_MAX_SIZE);
    n->rx_lens = g_new0(unsigned, VIRTQUEUE_MAX_SIZE);
    n->mac_table.macs = g_malloc0(VIRTIO_NET_MAC_TABLE_ENTRIES * ETH_ALEN);
    n->vlans = g_malloc0(VIRTIO_NET_MAX_VLAN / 8);
    virtio_net_reset_filter(n);

    peer = virtio_net_peer(n, 0);
    if (peer && qemu_has_vnet_hdr(peer)) {
        n->has_vnet_hdr = true;
        for (i = 0; i < n->max_queue_pairs; i++) {
            qemu_using_vnet_hdr(virtio_net_peer(n, i), true);
        }
    }
    virtio_net_set_hdr_len(n, false, false);
    virtio_net_apply_offloads(n);
    virtio_net_update_peer_queues(n);
    n->machine = ms;
    n->vm_running = ms->runstate == RUN_STATE_RUNNING;
    n->vm_notifier.notify = virtio_net_vm_notify;
    machine_add_notifier(ms, &n->vm_notifier);
    if (peer && peer->info->type == NET_CLIENT_DRIVER_TAP) {
        Error *err = NULL;

        for (i = 0; i < n->max_queue_pairs; i++) {
            n->vhost[i] = vhost_net_init(virtio_net_peer(n, i), &err);
            if (!n->vhost[i]) {
                break;
            }
        }
        if (i < n->max_queue_pairs) {
            /* all pairs or none */
            while (i-- > 0) {
                vhost_net_cleanup(n->vhost[i]);
                n->vhost[i] = NULL;
            }
        }
        if (err) {
            /* vhostforce=on: no userspace fallback */
            error_propagate(errp, err);
            virtio_net_unrealize(n);
            return false;
        }
    }
    return true;
}

void virtio_net_unrealize(VirtIONet *n)
{
    VirtIODevice *vdev = &n->parent_obj;
    int i;

    if (n->machine) {
        machine_remove_notifier(n->machine, &n->vm_notifier);
        n->machine = NULL;
    }
    virtio_net_vhost_stop(n);
    for (i = 0; i < VIRTIO_NET_MAX_QUEUE_PAIRS; i++) {
        if (n->vhost[i]) {
            vhost_net_cleanup(n->vhost[i]);
            n->vhost[i] = NULL;
        }
    }
    for (i = 0; i < n->max_queue_pairs; i++) {
        virtio_net_tx_cancel_call(&n->vqs[i]);
        g_free(n->vqs[i].async_tx_elem);
        n->vqs[i].async_tx_elem = NULL;
    }
    if (n->has_vnet_hdr) {
        for (i = 0; i < n->max_queue_pairs; i++) {
            if (virtio_net_peer(n, i)) {
                qemu_using_vnet_hdr(virtio_net_peer(n, i), false);
            }
        }
    }
    qemu_del_nic(n->nic);
    n->nic = NULL;
    virtio_cleanup(vdev);
    g_free(n->vqs);
    n->vqs = NULL;
    g_free(n->rx_elems);
    n->rx_elems = NULL;
    g_free(n->rx_lens);
    n->rx_lens = NULL;
    g_free(n->mac_table.macs);
    n->mac_table.macs = NULL;
    g_free(n->vlans);
    n->vlans = NULL;
}
