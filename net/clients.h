/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the net layer: the backend constructors net.c dispatches -netdev
 * to, the hub's flush hook, and the dump hooks on the send path.  Not for
 * devices: they use net/net.h.
 */
#ifndef KEMU_NET_CLIENTS_H
#define KEMU_NET_CLIENTS_H

#include "net/net.h"

/*
 * A backend constructor reads every option it knows from @opts, calls
 * kemu_opts_check_unused() before it opens anything, then creates the
 * client named @id in @ns (peer NULL).  Errors start with
 * kemu_opts_context(@opts).
 */
typedef NetClientState *NetInitFunc(NetState *ns, KemuOpts *opts,
                                    const char *id, Error **errp);

NetInitFunc net_init_slirp;
NetInitFunc net_init_tap;
NetInitFunc net_init_socket;
NetInitFunc net_init_hubport;

/* The state behind NetState; backends reach the loop and the hubs. */
struct NetState {
    MainLoop *loop;
    GList *clients;      /* NetClientState *, in creation order */
    GList *hubs;         /* NetHub * (hub.c) */
    GList *dumps;        /* NetDump * (dump.c) */
    GList *pending_nics; /* NetPendingNic *, from -nic */
    bool nic_none;       /* -nic none */
    bool running;
    unsigned next_mac;    /* qemu_macaddr_default_if_unset() */
    unsigned next_nic_id; /* -nic backends without id= */
    /* "/dev/vhost-net"; the unit tests point it elsewhere (no option). */
    const char *vhost_net_dev;
    struct NetAnnouncer *announcer; /* announce-self timers (announce.c) */
};

/** net_hub_flush_peers - flush every other port of @port's hub. */
bool net_hub_flush_peers(NetClientState *port);

/** net_hub_free_all - free the hubs of @ns (their ports are gone). */
void net_hub_free_all(NetState *ns);

/** net_hub_print - hub lines for `info network`. */
void net_hub_print(NetState *ns, GString *out);

/** net_hubs_check - warn about hubs with fewer than two ports. */
void net_hubs_check(NetState *ns);

/* Directions of a frame as a dump on a client sees it. */
enum {
    NET_DUMP_RX = 1 << 0, /* the client received it from its peer */
    NET_DUMP_TX = 1 << 1, /* the client sent it to its peer */
};

/** net_dump_packet - record @iov in every dump of @nc for @dir. */
void net_dump_packet(NetClientState *nc, int dir, const struct iovec *iov,
                     int iovcnt);

/** net_dump_close - detach @d from its client, close and free it. */
void net_dump_close(NetDump *d);

/**
 * net_dump_new - a pcap writer on @path recording at most @snaplen bytes
 * of each frame of @nc in the directions @dirs.
 */
NetDump *net_dump_new(NetClientState *nc, const char *id, const char *path,
                      uint32_t snaplen, int dirs, Error **errp);

/** net_dump_id - the -object id of @d. */
const char *net_dump_id(NetDump *d);

#endif
