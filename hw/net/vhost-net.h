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
#include "hw/virtio/vhost.h"

typedef struct NetClientState NetClientState;
typedef struct VHostNetState VHostNetState;

/**
 * vhost_net_init - the vhost state of tap queue @nc (one per queue pair),
 * taking over the /dev/vhost-net fd the tap opened (VHOST_SET_OWNER).
 * Return: the state; or NULL with errp untouched when @nc has no vhost fd
 * (vhost=off, not a tap, or the tap could not open /dev/vhost-net and
 * already warned); or NULL after one warning "vhost-net requested but
 * could not be initialized: <why>" (the device runs its queues in
 * userspace); or NULL with errp set to that message when vhostforce=on.
 */
VHostNetState *vhost_net_init(NetClientState *nc, Error **errp);

/**
 * vhost_net_init_with - vhost_net_init() talking to @ioctl_fn (with
 * @opaque in VhostDev.opaque) instead of the kernel: unit tests.
 */
VHostNetState *vhost_net_init_with(NetClientState *nc, VhostIoctlFn ioctl_fn,
                                   void *opaque, Error **errp);

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
 * notifiers are bound first (requires its ioeventfd: KVM), userspace stops
 * reading the kick eventfds and the tap stops polling its fd; the tap is
 * attached as backend if the link is up, and each queue kicked once for
 * buffers already available.  While started, the netdev's `info network`
 * line ends in ",vhost=started" and -d net logs "vhost-net: ID: started".
 * On failure nothing stays started and errp says why (the caller falls
 * back to userspace).
 */
bool vhost_net_start(VirtIODevice *vdev, VHostNetState **nets, int pairs,
                     Error **errp);

/**
 * vhost_net_stop - take the rings back; userspace resumes where the
 * kernel left them (its next available index), the tap polls again, and
 * each queue's handler runs once.  Safe after a reset of @vdev.
 */
void vhost_net_stop(VirtIODevice *vdev, VHostNetState **nets, int pairs);

/**
 * vhost_net_set_link - carry set_link to a started queue pair: link down
 * detaches the tap from the kernel's rings (VHOST_NET_SET_BACKEND -1),
 * link up attaches it again.  (virtio-net stops vhost on link down
 * instead, as QEMU does; either works.)
 */
void vhost_net_set_link(VHostNetState *net, bool up);

#endif
