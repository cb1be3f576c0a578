/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-net: hands virtio-net queue pairs to the kernel's /dev/vhost-net
 * (see hw/net/vhost-net.h).  Placeholder: every entry point reports that
 * vhost is not available, so virtio-net runs its queues in userspace.
 */
#include "hw/net/vhost-net.h"

VHostNetState *vhost_net_init(NetClientState *nc, Error **errp)
{
    error_setg(errp, "vhost-net: not available yet");
    return NULL;
}

void vhost_net_cleanup(VHostNetState *net)
{
}

uint64_t vhost_net_get_features(VHostNetState *net, uint64_t features)
{
    return features;
}

bool vhost_net_start(VirtIODevice *vdev, VHostNetState **nets, int pairs,
                     Error **errp)
{
    error_setg(errp, "vhost-net: not available yet");
    return false;
}

void vhost_net_stop(VirtIODevice *vdev, VHostNetState **nets, int pairs)
{
}

void vhost_net_set_link(VHostNetState *net, bool up)
{
}
