/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-net: hands virtio-net queue pairs to the kernel's /dev/vhost-net
 * (Linux drivers/vhost/net.c), one vhost device per pair with the pair's
 * tap queue as backend (see hw/net/vhost-net.h).  The generic part (memory
 * table, rings) is hw/virtio/vhost.c; this file adds the net feature bits,
 * the vnet header, the backend and the start/stop order of the notifiers.
 */
#include "hw/net/vhost-net.h"
#include "hw/virtio/vhost.h"
#include "net/net.h"
#include "util/log.h"
#include <linux/virtio_net.h>

/* vhost-net's queues within a pair: RX then TX, as virtio-net's. */
#define VHOST_NET_VQS 2

/* The message of QEMU's fallback, kept so that logs read the same. */
#define VHOST_NET_INIT_FAILED "vhost-net requested but could not be initialized"

struct VHostNetState {
    NetClientState *nc; /* the tap queue */
    int backend_fd;     /* its fd (owned by the tap) */
    VhostDev dev;
    uint64_t backend_features; /* VHOST_NET_F_VIRTIO_NET_HDR without vnet hdr */
    bool started;
    bool attached;  /* the tap is the kernel's backend */
    char *info_str; /* nc->info_str when vhost is not running */
};

/*
 * The feature bits that depend on the kernel: ring layouts and
 * notification schemes it must parse, and the header it must build.
 * Offloads are the tap's business (virtio-net asks the tap), and
 * VIRTIO_NET_F_MTU is only configuration space, so those pass.
 */
static const int vhost_net_feature_bits[] = {
    VIRTIO_F_NOTIFY_ON_EMPTY,
    VIRTIO_RING_F_INDIRECT_DESC,
    VIRTIO_RING_F_EVENT_IDX,
    VIRTIO_F_ANY_LAYOUT,
    VIRTIO_F_VERSION_1,
    VIRTIO_NET_F_MRG_RXBUF,
    VIRTIO_F_RING_PACKED,
    VIRTIO_F_ACCESS_PLATFORM,
    VIRTIO_F_IN_ORDER,
    VIRTIO_F_RING_RESET,
    VIRTIO_NET_F_HASH_REPORT,
    VIRTIO_NET_F_RSS,
    -1,
};

static void vhost_net_fail(NetClientState *nc, Error *err, Error **errp)
{
    if (qemu_get_vhost_force(nc)) {
        error_prepend(&err, VHOST_NET_INIT_FAILED ": ");
        error_propagate(errp, err);
    } else {
        warn_report(VHOST_NET_INIT_FAILED ": %s", error_get_pretty(err));
        error_free(err);
    }
}

VHostNetState *vhost_net_init_with(NetClientState *nc, VhostIoctlFn ioctl_fn,
                                   void *opaque, Error **errp)
{
    Error *err = NULL;
    VHostNetState *net;
    int vhostfd;

    vhostfd = nc ? qemu_get_vhost_fd(nc) : -1;
    if (vhostfd < 0) {
        return NULL; /* vhost not requested, or the tap fell back */
    }
    net = g_new0(VHostNetState, 1);
    net->nc = nc;
    net->backend_fd = qemu_get_backend_fd(nc);
    if (nc->info->type != NET_CLIENT_DRIVER_TAP || net->backend_fd < 0) {
        error_setg(&err, "netdev '%s' is not a tap", nc->name);
        goto fail;
    }
    if (!vhost_dev_init(&net->dev, vhostfd, VHOST_NET_VQS, ioctl_fn, opaque,
                        &err)) {
        goto fail;
    }
    if (!qemu_has_vnet_hdr(nc)) {
        /* The kernel adds and strips the header itself. */
        if (!virtio_has_feature(net->dev.features,
                                VHOST_NET_F_VIRTIO_NET_HDR)) {
            error_setg(&err, "the tap has no vnet header and the kernel's "
                             "vhost-net cannot add one");
            vhost_dev_cleanup(&net->dev);
            goto fail;
        }
        net->backend_features = 1ull << VHOST_NET_F_VIRTIO_NET_HDR;
    }
    if (!qemu_has_vnet_hdr_len(nc, sizeof(struct virtio_net_hdr_mrg_rxbuf))) {
        net->dev.features &= ~(1ull << VIRTIO_NET_F_MRG_RXBUF);
    }
    net->info_str = g_strdup(nc->info_str);
    return net;

fail:
    vhost_net_fail(nc, err, errp);
    g_free(net);
    return NULL;
}

VHostNetState *vhost_net_init(NetClientState *nc, Error **errp)
{
    return vhost_net_init_with(nc, NULL, NULL, errp);
}

void vhost_net_cleanup(VHostNetState *net)
{
    if (!net) {
        return;
    }
    if (net->started) {
        /* The device is going away without stop: the kernel lets go of
         * the rings; nobody takes them back. */
        if (net->attached) {
            for (int i = 0; i < VHOST_NET_VQS; i++) {
                struct vhost_vring_file f = {.index = i, .fd = -1};

                vhost_dev_ioctl(&net->dev, VHOST_NET_SET_BACKEND, &f);
            }
        }
        qemu_set_backend_polling(net->nc, true);
    }
    vhost_dev_cleanup(&net->dev);
    g_free(net->info_str);
    g_free(net);
}

uint64_t vhost_net_get_features(VHostNetState *net, uint64_t features)
{
    if (!net) {
        return features;
    }
    return vhost_dev_get_features(&net->dev, vhost_net_feature_bits, features);
}

/* Attach (@fd the tap) or detach (-1) the backend of each live queue. */
static int vhost_net_set_backend(VHostNetState *net, int fd)
{
    int ret = 0;

    for (int i = 0; i < VHOST_NET_VQS; i++) {
        struct vhost_vring_file f = {.index = i, .fd = fd};
        int r;

        if (!vhost_dev_vq_live(&net->dev, i)) {
            continue;
        }
        r = vhost_dev_ioctl(&net->dev, VHOST_NET_SET_BACKEND, &f);
        if (r < 0 && !ret) {
            ret = r;
        }
    }
    net->attached = fd >= 0 && !ret;
    return ret;
}

static bool vhost_net_link_up(VHostNetState *net)
{
    return !net->nc->link_down && !(net->nc->peer && net->nc->peer->link_down);
}

/*
 * Give the host notifiers of queues @first..@first+@n-1 back to the core.
 * Under ioeventfd the transport keeps them assigned from DRIVER_OK to the
 * reset (it tears them down itself), so only userspace reading resumes;
 * otherwise we undo our assignment.
 */
static void vhost_net_release_host_notifiers(VirtIODevice *vdev, int first,
                                             int n)
{
    const VirtioTransportOps *t = vdev->transport;
    bool keep = t->ioeventfd_enabled(vdev->transport_opaque);

    for (int i = first; i < first + n; i++) {
        VirtQueue *vq = virtio_get_queue(vdev, i);

        if (!keep) {
            t->set_host_notifier(vdev->transport_opaque, i, false);
        }
        virtio_queue_host_notifier_read_enable(vq, true);
        /* Let userspace look at the ring once: the kernel may have left
         * buffers it was kicked for but never saw. */
        event_notifier_set(virtio_queue_get_host_notifier(vq));
    }
}

/* Unbind the guest notifiers we bound, unless the transport wants them. */
static void vhost_net_release_guest_notifiers(VirtIODevice *vdev, int nvqs)
{
    const VirtioTransportOps *t = vdev->transport;

    if (!t->query_guest_notifiers ||
        !t->query_guest_notifiers(vdev->transport_opaque)) {
        t->set_guest_notifiers(vdev->transport_opaque, nvqs, false);
    }
}

static void vhost_net_stop_one(VHostNetState *net, VirtIODevice *vdev)
{
    int first = net->dev.vq_index;

    if (!net->started) {
        return;
    }
    if (net->attached) {
        vhost_net_set_backend(net, -1);
    }
    vhost_dev_stop(&net->dev);
    vhost_net_release_host_notifiers(vdev, first, VHOST_NET_VQS);
    qemu_set_backend_polling(net->nc, true);
    qemu_set_info_str(net->nc, "%s", net->info_str);
    net->started = false;
    kemu_log_mask(LOG_NET, "vhost-net: %s: stopped\n", net->nc->name);
}

static bool vhost_net_start_one(VHostNetState *net, VirtIODevice *vdev,
                                int first, Error **errp)
{
    const VirtioTransportOps *t = vdev->transport;
    uint64_t features;
    int i, r;

    for (i = 0; i < VHOST_NET_VQS; i++) {
        r = t->set_host_notifier(vdev->transport_opaque, first + i, true);
        if (r < 0) {
            error_setg_errno(errp, -r, "vhost-net: queue %d: host notifier",
                             first + i);
            vhost_net_release_host_notifiers(vdev, first, i);
            return false;
        }
        virtio_queue_host_notifier_read_enable(
            virtio_get_queue(vdev, first + i), false);
    }

    features =
        (vdev->guest_features & net->dev.features) | net->backend_features;
    if (qemu_has_vnet_hdr(net->nc)) {
        bool big = virtio_has_feature(features, VIRTIO_F_VERSION_1) ||
                   virtio_has_feature(features, VIRTIO_NET_F_MRG_RXBUF);

        qemu_set_vnet_hdr_len(net->nc,
                              big ? sizeof(struct virtio_net_hdr_mrg_rxbuf)
                                  : sizeof(struct virtio_net_hdr));
    }
    qemu_set_backend_polling(net->nc, false);
    if (!vhost_dev_start(&net->dev, vdev, first, features, errp)) {
        goto fail;
    }
    net->started = true;
    if (vhost_net_link_up(net)) {
        r = vhost_net_set_backend(net, net->backend_fd);
        if (r < 0) {
            error_setg_errno(errp, -r, "vhost-net: VHOST_NET_SET_BACKEND");
            vhost_net_set_backend(net, -1);
            vhost_dev_stop(&net->dev);
            net->started = false;
            goto fail;
        }
    }
    /* Buffers made available before the hand-over. */
    for (i = 0; i < VHOST_NET_VQS; i++) {
        if (vhost_dev_vq_live(&net->dev, i)) {
            event_notifier_set(virtio_queue_get_host_notifier(
                virtio_get_queue(vdev, first + i)));
        }
    }
    qemu_set_info_str(net->nc, "%s,vhost=started", net->info_str);
    kemu_log_mask(LOG_NET, "vhost-net: %s: started\n", net->nc->name);
    return true;

fail:
    qemu_set_backend_polling(net->nc, true);
    vhost_net_release_host_notifiers(vdev, first, VHOST_NET_VQS);
    return false;
}

bool vhost_net_start(VirtIODevice *vdev, VHostNetState **nets, int pairs,
                     Error **errp)
{
    const VirtioTransportOps *t = vdev->transport;
    void *opaque = vdev->transport_opaque;
    int r;

    if (pairs < 1 || 2 * pairs > virtio_get_num_queues(vdev)) {
        error_setg(errp, "vhost-net: %d queue pairs for %d queues", pairs,
                   virtio_get_num_queues(vdev));
        return false;
    }
    for (int i = 0; i < pairs; i++) {
        if (!nets[i]) {
            error_setg(errp, "vhost-net: queue pair %d has no vhost", i);
            return false;
        }
    }
    if (!t || !t->set_host_notifier || !t->set_guest_notifiers ||
        !t->ioeventfd_enabled || !t->ioeventfd_enabled(opaque)) {
        error_setg(errp, "vhost-net: the transport has no ioeventfd "
                         "(vhost needs KVM and ioeventfd=on)");
        return false;
    }
    r = t->set_guest_notifiers(opaque, 2 * pairs, true);
    if (r < 0) {
        error_setg_errno(errp, -r, "vhost-net: binding guest notifiers");
        return false;
    }
    for (int i = 0; i < pairs; i++) {
        if (!vhost_net_start_one(nets[i], vdev, 2 * i, errp)) {
            while (--i >= 0) {
                vhost_net_stop_one(nets[i], vdev);
            }
            vhost_net_release_guest_notifiers(vdev, 2 * pairs);
            return false;
        }
    }
    return true;
}

void vhost_net_stop(VirtIODevice *vdev, VHostNetState **nets, int pairs)
{
    bool any = false;

    for (int i = 0; i < pairs; i++) {
        if (nets[i] && nets[i]->started) {
            vhost_net_stop_one(nets[i], vdev);
            any = true;
        }
    }
    if (any) {
        vhost_net_release_guest_notifiers(vdev, 2 * pairs);
    }
}

void vhost_net_set_link(VHostNetState *net, bool up)
{
    int r;

    if (!net || !net->started || up == net->attached) {
        return;
    }
    r = vhost_net_set_backend(net, up ? net->backend_fd : -1);
    if (r < 0) {
        error_report("vhost-net: %s: VHOST_NET_SET_BACKEND (link %s): %s",
                     net->nc->name, up ? "up" : "down", strerror(-r));
    }
    kemu_log_mask(LOG_NET, "vhost-net: %s: link %s, backend %s\n",
                  net->nc->name, up ? "up" : "down",
                  net->attached ? "attached" : "detached");
}
