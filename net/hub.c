/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev hubport,id=ID,hubid=N[,netdev=ND]: a port of hub N, which
 * forwards every frame a port receives to all its other ports (as QEMU's
 * net/hub.c).  A NIC or a backend (netdev=) is the peer of a port.  Hubs
 * are made on first use and live in the NetState.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "net/clients.h"

typedef struct NetHub {
    unsigned id;
    GList *ports; /* NetHubPort *, in creation order */
} NetHub;

typedef struct NetHubPort {
    NetClientState nc;
    NetHub *hub;
} NetHubPort;

static NetHubPort *to_port(NetClientState *nc)
{
    assert(nc->info->type == NET_CLIENT_DRIVER_HUBPORT);
    return container_of(nc, NetHubPort, nc);
}

static ssize_t hub_port_receive_iov(NetClientState *nc, const struct iovec *iov,
                                    int iovcnt)
{
    NetHubPort *src = to_port(nc);

    for (GList *l = src->hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;

        if (port != src) {
            qemu_sendv_packet(&port->nc, iov, iovcnt);
        }
    }
    return iov_size(iov, iovcnt);
}

/* A frame is taken when at least one other port's peer takes it now. */
static bool hub_port_can_receive(NetClientState *nc)
{
    NetHubPort *src = to_port(nc);

    for (GList *l = src->hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;

        if (port != src && qemu_can_send_packet(&port->nc)) {
            return true;
        }
    }
    return false;
}

static void hub_port_cleanup(NetClientState *nc)
{
    NetHubPort *port = to_port(nc);

    port->hub->ports = g_list_remove(port->hub->ports, port);
}

static const NetClientInfo hub_port_info = {
    .type = NET_CLIENT_DRIVER_HUBPORT,
    .size = sizeof(NetHubPort),
    .receive_iov = hub_port_receive_iov,
    .can_receive = hub_port_can_receive,
    .cleanup = hub_port_cleanup,
};

bool net_hub_flush_peers(NetClientState *nc)
{
    NetHubPort *src = to_port(nc);
    bool empty = true;

    for (GList *l = src->hub->ports; l; l = l->next) {
        NetHubPort *port = l->data;

        if (port != src) {
            empty &= net_queue_flush(port->nc.incoming_queue);
        }
    }
    return empty;
}

static NetHub *hub_get(NetState *ns, unsigned id)
{
    NetHub *hub;

    for (GList *l = ns->hubs; l; l = l->next) {
        hub = l->data;
        if (hub->id == id) {
            return hub;
        }
    }
    hub = g_new0(NetHub, 1);
    hub->id = id;
    ns->hubs = g_list_append(ns->hubs, hub);
    return hub;
}

NetClientState *net_init_hubport(NetState *ns, KemuOpts *opts, const char *id,
                                 Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *netdev = kemu_opts_get(opts, "netdev");
    NetClientState *peer = NULL;
    NetHubPort *port;
    NetHub *hub;
    uint64_t hubid;

    if (!kemu_opts_get(opts, "hubid")) {
        error_setg(errp, "%s: Parameter 'hubid' is missing", ctx);
        return NULL;
    }
    if (!kemu_opts_get_number(opts, "hubid", 0, &hubid, errp) ||
        !kemu_opts_check_unused(opts, errp)) {
        return NULL;
    }
    if (hubid > INT32_MAX) {
        error_setg(errp, "%s: hubid %" PRIu64 " is too large", ctx, hubid);
        return NULL;
    }
    if (netdev) {
        peer = qemu_find_netdev(ns, netdev);
        if (!peer) {
            error_setg(errp, "%s: netdev '%s' not found", ctx, netdev);
            return NULL;
        }
        if (peer->peer) {
            error_setg(errp, "%s: netdev '%s' is already in use", ctx, netdev);
            return NULL;
        }
    }
    hub = hub_get(ns, hubid);
    port =
        (NetHubPort *)qemu_new_net_client(&hub_port_info, peer, "hub", id, ns);
    port->hub = hub;
    hub->ports = g_list_append(hub->ports, port);
    qemu_set_info_str(&port->nc, "hubid=%u", hub->id);
    return &port->nc;
}

void net_hub_free_all(NetState *ns)
{
    g_list_free_full(ns->hubs, g_free);
    ns->hubs = NULL;
}

void net_hub_print(NetState *ns, GString *out)
{
    for (GList *l = ns->hubs; l; l = l->next) {
        NetHub *hub = l->data;

        g_string_append_printf(out, "hub %u\n", hub->id);
        for (GList *p = hub->ports; p; p = p->next) {
            NetHubPort *port = p->data;
            NetClientState *peer = port->nc.peer;

            g_string_append_printf(out, " \\ %s: index=0,type=hubport,%s\n",
                                   port->nc.name, port->nc.info_str);
            if (peer) {
                g_string_append_printf(
                    out, "    \\ %s: index=0,type=%s,%s\n", peer->name,
                    net_client_driver_str(peer->info->type), peer->info_str);
            }
        }
    }
}

void net_hubs_check(NetState *ns)
{
    for (GList *l = ns->hubs; l; l = l->next) {
        NetHub *hub = l->data;
        unsigned n = g_list_length(hub->ports);

        if (n == 1) {
            warn_report("hub %u is connected to only one port", hub->id);
        }
        for (GList *p = hub->ports; p; p = p->next) {
            NetHubPort *port = p->data;

            if (!port->nc.peer) {
                warn_report("hub port %s has no peer", port->nc.name);
            }
        }
    }
}
