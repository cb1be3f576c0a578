/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "netdev" property kind: "-device e1000,netdev=n0" stores every queue
 * of backend n0 of the machine's NetState in the NIC's NICPeers;
 * qemu_new_nic() peers them, queue by queue, at realize.  Errors name the
 * property and the value, as QEMU's.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/net/net-props.h"

static bool netdev_parse(DeviceState *dev, const Property *prop,
                         const char *value, Error **errp)
{
    NICPeers *peers = qdev_prop_ptr(dev, prop);
    MachineState *ms = qdev_get_machine(dev);
    const char *type = object_get_typename(OBJECT(dev));
    NetClientState *ncs[MAX_QUEUE_NUM];
    int queues = 0;

    if (ms && ms->net) {
        queues = qemu_find_net_clients_except(
            ms->net, value, ncs, NET_CLIENT_DRIVER_NIC, MAX_QUEUE_NUM);
    }
    if (queues == 0) {
        error_setg(errp,
                   "Property '%s.%s' can't find value '%s' (no "
                   "-netdev with that id)",
                   type, prop->name, value);
        return false;
    }
    if (queues > MAX_QUEUE_NUM) {
        error_setg(errp,
                   "Property '%s.%s' can't take value '%s': it has %d "
                   "queues, the most is %d",
                   type, prop->name, value, queues, MAX_QUEUE_NUM);
        return false;
    }
    for (int i = 0; i < queues; i++) {
        if (ncs[i]->peer) {
            error_setg(errp,
                       "Property '%s.%s' can't take value '%s', it's in "
                       "use",
                       type, prop->name, value);
            return false;
        }
    }
    for (int i = 0; i < MAX_QUEUE_NUM; i++) {
        peers->ncs[i] = i < queues ? ncs[i] : NULL;
    }
    peers->queues = queues;
    return true;
}

static char *netdev_print(DeviceState *dev, const Property *prop)
{
    NICPeers *peers = qdev_prop_ptr(dev, prop);

    return g_strdup(peers->queues && peers->ncs[0] ? peers->ncs[0]->name : "");
}

const PropertyInfo qdev_prop_netdev = {
    .name = "str",
    .description = "ID of a netdev to use as a backend",
    .json = PROP_JSON_STRING,
    .parse = netdev_parse,
    .print = netdev_print,
};
