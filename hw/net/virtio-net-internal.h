/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the two halves of the virtio network device share and nobody else
 * uses: virtio-net.c (queues, data path, VirtioDeviceOps, realize) and
 * virtio-net-ctrl.c (the control queue and the receive filter it
 * programs).  The contract for everyone else is virtio-net.h.
 */
#ifndef KEMU_HW_NET_VIRTIO_NET_INTERNAL_H
#define KEMU_HW_NET_VIRTIO_NET_INTERNAL_H

#include "hw/net/virtio-net.h"

#define ETH_ALEN  6
#define ETH_HLEN  14
#define VLAN_HLEN 4

/* The receive offloads a driver may turn on (features and GUEST_OFFLOADS). */
#define VIRTIO_NET_GUEST_OFFLOADS                                              \
    ((1ull << VIRTIO_NET_F_GUEST_CSUM) | (1ull << VIRTIO_NET_F_GUEST_TSO4) |   \
     (1ull << VIRTIO_NET_F_GUEST_TSO6) | (1ull << VIRTIO_NET_F_GUEST_ECN) |    \
     (1ull << VIRTIO_NET_F_GUEST_UFO))

static inline VirtIONet *to_vnet(VirtIODevice *vdev)
{
    return container_of(vdev, VirtIONet, parent_obj);
}

/* ---- virtio-net.c ---- */

/**
 * virtio_net_apply_offloads - give a tap peer (one with vnet headers) the
 * receive offloads in n->curr_guest_offloads, on every queue pair.
 */
void virtio_net_apply_offloads(VirtIONet *n);

/**
 * virtio_net_set_queue_pairs - use @pairs queue pairs from now on
 * (1..max_queue_pairs, checked by the caller): attach their backend
 * queues and detach the rest, restart vhost on the new count, flush what
 * the net layer held.
 */
void virtio_net_set_queue_pairs(VirtIONet *n, int pairs);

/* ---- virtio-net-ctrl.c ---- */

/**
 * virtio_net_reset_filter - the receive filter after reset: promiscuous,
 * every other rx mode off, an empty MAC table and no VLAN.
 */
void virtio_net_reset_filter(VirtIONet *n);

/**
 * virtio_net_filter - whether a received frame passes the filter the
 * driver set; @eth holds its first bytes (the Ethernet header and a VLAN
 * tag if any, zero-padded), @len is the frame's whole length.
 */
bool virtio_net_filter(VirtIONet *n, const uint8_t *eth, size_t len);

/**
 * virtio_net_handle_ctrl - the control queue's handler: run each command
 * (virtio 1.2, 5.1.6.5) and write its ack.  A message too short for its
 * header and ack breaks the device.
 */
void virtio_net_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq);

#endif
