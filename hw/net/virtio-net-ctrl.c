/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio network device's control queue (virtio 1.2, 5.1.6.5): rx
 * modes, MAC table and address, VLAN filter, announce ack, queue pairs and
 * guest offloads; and the receive filter those commands program.  QEMU's
 * device is the reference where the spec leaves it open (promiscuous after
 * reset).  Every command is guest input: its data is read through
 * ctrl_take, never past the message.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "hw/net/virtio-net.h"
#include "hw/net/virtio-net-internal.h"

/* ---- Receive filter ---- */

void virtio_net_reset_filter(VirtIONet *n)
{
    n->promisc = true;
    n->allmulti = false;
    n->alluni = false;
    n->nomulti = false;
    n->nouni = false;
    n->nobcast = false;
    n->mac_table.in_use = 0;
    n->mac_table.first_multi = 0;
    n->mac_table.uni_overflow = false;
    n->mac_table.multi_overflow = false;
    memset(n->mac_table.macs, 0, VIRTIO_NET_MAC_TABLE_ENTRIES * ETH_ALEN);
    memset(n->vlans, 0, VIRTIO_NET_MAX_VLAN / 8);
}

static bool mac_in_table(VirtIONet *n, const uint8_t *mac, int from, int to)
{
    int i;

    for (i = from; i < to; i++) {
        if (!memcmp(mac, n->mac_table.macs + i * ETH_ALEN, ETH_ALEN)) {
            return true;
        }
    }
    return false;
}

bool virtio_net_filter(VirtIONet *n, const uint8_t *eth, size_t len)
{
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    if (n->promisc) {
        return true;
    }
    if (len < ETH_HLEN) {
        return false;
    }
    if (len >= ETH_HLEN + VLAN_HLEN && eth[12] == 0x81 && eth[13] == 0x00) {
        int vid = ((eth[14] << 8) | eth[15]) & 0xfff;

        if (!(n->vlans[vid >> 5] & (1u << (vid & 31)))) {
            return false;
        }
    }
    if (eth[0] & 1) {
        if (!memcmp(eth, bcast, ETH_ALEN)) {
            return !n->nobcast;
        }
        if (n->nomulti) {
            return false;
        }
        if (n->allmulti || n->mac_table.multi_overflow) {
            return true;
        }
        return mac_in_table(n, eth, n->mac_table.first_multi,
                            n->mac_table.in_use);
    }
    if (n->nouni) {
        return false;
    }
    if (n->alluni || n->mac_table.uni_overflow) {
        return true;
    }
    if (!memcmp(eth, n->mac, ETH_ALEN)) {
        return true;
    }
    return mac_in_table(n, eth, 0, n->mac_table.first_multi);
}

/* ---- Control queue ---- */

/* The command-specific data of a control message: [off, end) of iov. */
typedef struct CtrlMsg {
    const struct iovec *iov;
    unsigned cnt;
    size_t off;
    size_t end;
} CtrlMsg;

static size_t ctrl_left(const CtrlMsg *m)
{
    return m->end - m->off;
}

/* Take @len bytes of the command data, or fail: never read past it. */
static bool ctrl_take(CtrlMsg *m, void *buf, size_t len)
{
    if (ctrl_left(m) < len) {
        return false;
    }
    iov_to_buf(m->iov, m->cnt, m->off, buf, len);
    m->off += len;
    return true;
}

static uint8_t virtio_net_ctrl_rx(VirtIONet *n, uint8_t cmd, CtrlMsg *m)
{
    uint8_t on;
    bool *flag;

    if (ctrl_left(m) != 1 || !ctrl_take(m, &on, 1)) {
        return VIRTIO_NET_ERR;
    }
    switch (cmd) {
    case VIRTIO_NET_CTRL_RX_PROMISC:
        flag = &n->promisc;
        break;
    case VIRTIO_NET_CTRL_RX_ALLMULTI:
        flag = &n->allmulti;
        break;
    case VIRTIO_NET_CTRL_RX_ALLUNI:
        flag = &n->alluni;
        break;
    case VIRTIO_NET_CTRL_RX_NOMULTI:
        flag = &n->nomulti;
        break;
    case VIRTIO_NET_CTRL_RX_NOUNI:
        flag = &n->nouni;
        break;
    case VIRTIO_NET_CTRL_RX_NOBCAST:
        flag = &n->nobcast;
        break;
    default:
        return VIRTIO_NET_ERR;
    }
    *flag = on != 0;
    return VIRTIO_NET_OK;
}

/* One half of TABLE_SET: a le32 count and that many addresses. */
static bool ctrl_mac_list(CtrlMsg *m, uint8_t *macs, int *in_use,
                          bool *overflow)
{
    uint32_t entries;

    if (!ctrl_take(m, &entries, sizeof(entries))) {
        return false;
    }
    entries = GUINT32_FROM_LE(entries);
    if (entries > ctrl_left(m) / ETH_ALEN) {
        return false;
    }
    if (*in_use + entries > VIRTIO_NET_MAC_TABLE_ENTRIES) {
        *overflow = true;
        m->off += (size_t)entries * ETH_ALEN;
        return true;
    }
    if (!ctrl_take(m, macs + *in_use * ETH_ALEN, entries * ETH_ALEN)) {
        return false;
    }
    *in_use += entries;
    return true;
}

static uint8_t virtio_net_ctrl_mac(VirtIONet *n, uint8_t cmd, CtrlMsg *m)
{
    uint8_t macs[VIRTIO_NET_MAC_TABLE_ENTRIES * ETH_ALEN];
    bool uni_overflow = false, multi_overflow = false;
    int in_use = 0, first_multi;

    if (cmd == VIRTIO_NET_CTRL_MAC_ADDR_SET) {
        uint8_t mac[ETH_ALEN];

        if (ctrl_left(m) != ETH_ALEN || !ctrl_take(m, mac, ETH_ALEN)) {
            return VIRTIO_NET_ERR;
        }
        memcpy(n->mac, mac, ETH_ALEN);
        qemu_format_nic_info_str(qemu_get_queue(n->nic), n->mac);
        return VIRTIO_NET_OK;
    }
    if (cmd != VIRTIO_NET_CTRL_MAC_TABLE_SET) {
        return VIRTIO_NET_ERR;
    }
    memset(macs, 0, sizeof(macs));
    if (!ctrl_mac_list(m, macs, &in_use, &uni_overflow)) {
        return VIRTIO_NET_ERR;
    }
    first_multi = in_use;
    if (!ctrl_mac_list(m, macs, &in_use, &multi_overflow) || ctrl_left(m)) {
        return VIRTIO_NET_ERR;
    }
    memcpy(n->mac_table.macs, macs, sizeof(macs));
    n->mac_table.in_use = in_use;
    n->mac_table.first_multi = first_multi;
    n->mac_table.uni_overflow = uni_overflow;
    n->mac_table.multi_overflow = multi_overflow;
    return VIRTIO_NET_OK;
}

static uint8_t virtio_net_ctrl_vlan(VirtIONet *n, uint8_t cmd, CtrlMsg *m)
{
    uint16_t vid;

    if (ctrl_left(m) != sizeof(vid) || !ctrl_take(m, &vid, sizeof(vid))) {
        return VIRTIO_NET_ERR;
    }
    vid = GUINT16_FROM_LE(vid);
    if (vid >= VIRTIO_NET_MAX_VLAN) {
        return VIRTIO_NET_ERR;
    }
    if (cmd == VIRTIO_NET_CTRL_VLAN_ADD) {
        n->vlans[vid >> 5] |= 1u << (vid & 31);
    } else if (cmd == VIRTIO_NET_CTRL_VLAN_DEL) {
        n->vlans[vid >> 5] &= ~(1u << (vid & 31));
    } else {
        return VIRTIO_NET_ERR;
    }
    return VIRTIO_NET_OK;
}

static uint8_t virtio_net_ctrl_announce(VirtIONet *n, uint8_t cmd)
{
    if (cmd != VIRTIO_NET_CTRL_ANNOUNCE_ACK ||
        !(n->status & VIRTIO_NET_S_ANNOUNCE)) {
        return VIRTIO_NET_ERR;
    }
    n->status &= ~VIRTIO_NET_S_ANNOUNCE;
    return VIRTIO_NET_OK;
}

static uint8_t virtio_net_ctrl_mq(VirtIONet *n, uint8_t cmd, CtrlMsg *m)
{
    VirtIODevice *vdev = &n->parent_obj;
    uint16_t pairs;

    if (cmd != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET ||
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_MQ) ||
        ctrl_left(m) != sizeof(pairs) || !ctrl_take(m, &pairs, sizeof(pairs))) {
        return VIRTIO_NET_ERR;
    }
    pairs = GUINT16_FROM_LE(pairs);
    if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN || pairs > n->max_queue_pairs) {
        return VIRTIO_NET_ERR;
    }
    virtio_net_set_queue_pairs(n, pairs);
    return VIRTIO_NET_OK;
}

static uint8_t virtio_net_ctrl_offloads(VirtIONet *n, uint8_t cmd, CtrlMsg *m)
{
    VirtIODevice *vdev = &n->parent_obj;
    uint64_t offloads;

    if (cmd != VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET ||
        !virtio_vdev_has_feature(vdev, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS) ||
        ctrl_left(m) != sizeof(offloads) ||
        !ctrl_take(m, &offloads, sizeof(offloads))) {
        return VIRTIO_NET_ERR;
    }
    offloads = GUINT64_FROM_LE(offloads);
    /* only offloads the driver accepted as features can be turned on */
    if (offloads & ~(vdev->guest_features & VIRTIO_NET_GUEST_OFFLOADS)) {
        return VIRTIO_NET_ERR;
    }
    n->curr_guest_offloads = offloads;
    virtio_net_apply_offloads(n);
    return VIRTIO_NET_OK;
}

void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = to_vnet(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq, sizeof(VirtQueueElement)))) {
        size_t out = iov_size(elem->out_sg, elem->out_num);
        size_t in = iov_size(elem->in_sg, elem->in_num);
        struct virtio_net_ctrl_hdr ctrl;
        uint8_t status = VIRTIO_NET_ERR;
        CtrlMsg m;

        if (in < sizeof(status) || out < sizeof(ctrl)) {
            virtio_error(vdev,
                         "virtio-net: control message of %zu+%zu bytes has "
                         "no room for its header and ack",
                         out, in);
            virtqueue_detach_element(vq, elem, 0);
            g_free(elem);
            break;
        }
        iov_to_buf(elem->out_sg, elem->out_num, 0, &ctrl, sizeof(ctrl));
        m.iov = elem->out_sg;
        m.cnt = elem->out_num;
        m.off = sizeof(ctrl);
        m.end = out;
        switch (ctrl.class) {
        case VIRTIO_NET_CTRL_RX:
            status = virtio_net_ctrl_rx(n, ctrl.cmd, &m);
            break;
        case VIRTIO_NET_CTRL_MAC:
            status = virtio_net_ctrl_mac(n, ctrl.cmd, &m);
            break;
        case VIRTIO_NET_CTRL_VLAN:
            status = virtio_net_ctrl_vlan(n, ctrl.cmd, &m);
            break;
        case VIRTIO_NET_CTRL_ANNOUNCE:
            status = virtio_net_ctrl_announce(n, ctrl.cmd);
            break;
        case VIRTIO_NET_CTRL_MQ:
            status = virtio_net_ctrl_mq(n, ctrl.cmd, &m);
            break;
        case VIRTIO_NET_CTRL_GUEST_OFFLOADS:
            status = virtio_net_ctrl_offloads(n, ctrl.cmd, &m);
            break;
        default:
            kemu_log_mask(LOG_GUEST_ERROR,
                          "virtio-net: unknown control class %u command %u\n",
                          ctrl.class, ctrl.cmd);
            break;
        }
        iov_from_buf(elem->in_sg, elem->in_num, 0, &status, sizeof(status));
        virtqueue_push(vq, elem, sizeof(status));
        virtio_notify(vdev, vq);
        g_free(elem);
    }
}
