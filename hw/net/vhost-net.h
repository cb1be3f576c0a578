/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-net: the kernel's virtio-net data path (/dev/vhost-net, Linux's
 * drivers/vhost/net.c).  virtio-net hands each queue pair of a tap netdev
 * with vhost=on to the kernel on DRIVER_OK: the memory table, the
 * negotiated features, the vring addresses and indices, the kick
 * (ioeventfd) and call (irqfd) eventfds and the tap fd as backend.  It
 * takes them back (ring indices included) on reset, on set_link off and
 * around memory map changes.  The vhost and tap fds come from the netdev
 * (net/tap.c opens them); this code only drives them.
 */
#ifndef KEMU_HW_NET_VHOST_NET_H
#define KEMU_HW_NET_VHOST_NET_H

#include "util/osdep.h"
#include "util/error.h"
#include "hw/virtio/virtio.h"

typedef struct NetClientState NetClientState;
typedef struct VHostNetState VHostNetState;

/**
 * vhost_net_init - the vhost state of netdev queue @nc, or NULL (with
 * errp) when @nc asked for no vhost or it cannot be used.
 */
VHostNetState *vhost_net_init(NetClientState *nc, Error **errp);

/** vhost_net_cleanup - stop (if started) and free. */
void vhost_net_cleanup(VHostNetState *net);

/**
 * vhost_net_get_features - @features with what the kernel cannot do
 * removed (the virtio-net offload and ring bits it does not offer).
 */
uint64_t vhost_net_get_features(VHostNetState *net, uint64_t features);

/**
 * vhost_net_start - give queue pairs 0..@pairs-1 of @vdev (queues 2i and
 * 2i+1) to the kernel, @nets[i] for pair i.  The transport's host and guest
 * notifiers are bound first.  On failure nothing stays started and errp
 * says why (the caller falls back to userspace).
 */
bool vhost_net_start(VirtIODevice *vdev, VHostNetState **nets, int pairs,
                     Error **errp);

/** vhost_net_stop - take the rings back; userspace resumes where the
 * kernel left them. */
void vhost_net_stop(VirtIODevice *vdev, VHostNetState **nets, int pairs);

/** vhost_net_set_link - carry set_link to a started queue pair. */
void vhost_net_set_link(VHostNetState *net, bool up);

#endif
