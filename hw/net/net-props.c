/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "netdev" property kind: "-device e1000,netdev=n0" stores the backend
 * n0 of the machine's NetState in the NIC's NICPeers; qemu_new_nic() peers
 * them at realize.  Errors name the property and the value, as QEMU's.
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
    NetClientState *nc;

    nc = ms && ms->net ? qemu_find_netdev(ms->net, value) : NULL;
    if (!nc) {
        error_setg(errp,
                   "Property '%s.%s' can't find value '%s' (no "
                   "-netdev with that id)",
                   type, prop->name, value);
        return false;
    }
    if (nc->peer && nc->peer != peers->ncs) {
        error_setg(errp,
                   "Property '%s.%s' can't take value '%s', it's in "
                   "use",
                   type, prop->name, value);
        return false;
    }
    peers->ncs = nc;
    return true;
}

static char *netdev_print(DeviceState *dev, const Property *prop)
{
    NICPeers *peers = qdev_prop_ptr(dev, prop);

    return g_strdup(peers->ncs ? peers->ncs->name : "");
}

const PropertyInfo qdev_prop_netdev = {
    .name = "str",
    .description = "ID of a netdev to use as a backend",
    .json = PROP_JSON_STRING,
    .parse = netdev_parse,
    .print = netdev_print,
};
