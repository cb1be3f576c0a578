/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The net layer: NetClientState endpoints joined in pairs (a NIC and its
 * backend), the send/receive API with the queueing contract of
 * net/queue.c, the NIC side (NICState, NICConf), and NetState, which owns
 * every backend of one machine (-netdev, -nic, -object filter-dump).
 * Backends know nothing of devices; devices reach the layer through this
 * header and hw/net/net-props.h (DEFINE_PROP_NETDEV).
 */
#ifndef KEMU_NET_NET_H
#define KEMU_NET_NET_H

#include "util/osdep.h"
#include "util/error.h"
#include "util/option.h"
#include "net/macaddr.h"
#include "net/queue.h"
#include <sys/uio.h>

typedef struct MainLoop MainLoop;
typedef struct NetState NetState;
typedef struct NetDump NetDump;

/* The largest frame a backend reads or builds: 64 KiB of TSO plus slack. */
#define NET_BUFSIZE (4096 + 65536)

/* Packets a client's queue holds for fire-and-forget senders. */
#define NET_QUEUE_MAXLEN 10000

/* The most queues of one netdev (-netdev tap,queues=N) or one NIC. */
#define MAX_QUEUE_NUM 1024

typedef enum NetClientDriver {
    NET_CLIENT_DRIVER_NONE,
    NET_CLIENT_DRIVER_NIC,
    NET_CLIENT_DRIVER_USER,
    NET_CLIENT_DRIVER_TAP,
    NET_CLIENT_DRIVER_SOCKET,
    NET_CLIENT_DRIVER_HUBPORT,
    NET_CLIENT_DRIVER_MAX,
} NetClientDriver;

/** net_client_driver_str - "nic", "user", "tap", "socket", "hubport". */
const char *net_client_driver_str(NetClientDriver type);

typedef ssize_t NetReceive(NetClientState *nc, const uint8_t *buf, size_t size);
typedef ssize_t NetReceiveIOV(NetClientState *nc, const struct iovec *iov,
                              int iovcnt);
typedef bool NetCanReceive(NetClientState *nc);
typedef void NetCleanup(NetClientState *nc);
typedef void LinkStatusChanged(NetClientState *nc);

/**
 * NetClientInfo - what a kind of client does.
 * @type: the driver.
 * @size: sizeof the state struct that starts with the NetClientState
 *        (sizeof(NICState) for a NIC).
 * @receive: take a frame from the peer (the contract of net/queue.c: the
 *           size, < 0 dropped, 0 "queued, wait").  Used when @receive_iov
 *           is NULL; one of them must be set.
 * @receive_iov: the same for a scattered frame.
 * @can_receive: false while the client cannot take frames (NULL: always).
 * @cleanup: release the state (the struct itself is freed by the layer).
 * @link_status_changed: the link of this client or its peer went up/down.
 * The vnet-header hooks are the offloads of a backend (tap), reached by a
 * NIC through qemu_has_vnet_hdr() and friends on its peer;
 * @get_vnet_hdr_len is the header length the backend expects on frames
 * from its NIC now (0 unless using_vnet_hdr(true)).
 * @set_queue_enabled: attach/detach this queue of a multiqueue backend
 *           (tap: TUNSETQUEUE); see qemu_set_queue_enabled().
 * @get_vhost_fd, @get_backend_fd, @get_vhost_force, @set_backend_polling:
 *           what vhost-net needs of a backend queue; see the wrappers.
 * @announce: a NIC announces itself (virtio-net: VIRTIO_NET_S_ANNOUNCE);
 *           see qemu_announce_self().
 */
typedef struct NetClientInfo {
    NetClientDriver type;
    size_t size;
    NetReceive *receive;
    NetReceiveIOV *receive_iov;
    NetCanReceive *can_receive;
    NetCleanup *cleanup;
    LinkStatusChanged *link_status_changed;
    bool (*has_ufo)(NetClientState *nc);
    bool (*has_vnet_hdr)(NetClientState *nc);
    bool (*has_vnet_hdr_len)(NetClientState *nc, int len);
    void (*using_vnet_hdr)(NetClientState *nc, bool enable);
    void (*set_offload)(NetClientState *nc, int csum, int tso4, int tso6,
                        int ecn, int ufo);
    int (*set_vnet_hdr_len)(NetClientState *nc, int len);
    int (*get_vnet_hdr_len)(NetClientState *nc);
    int (*set_queue_enabled)(NetClientState *nc, bool enable);
    int (*get_vhost_fd)(NetClientState *nc);
    int (*get_backend_fd)(NetClientState *nc);
    bool (*get_vhost_force)(NetClientState *nc);
    void (*set_backend_polling)(NetClientState *nc, bool enable);
    void (*announce)(NetClientState *nc);
} NetClientInfo;

/**
 * NetClientState - one endpoint.  Fields are read freely; change them only
 * through the functions below.
 */
struct NetClientState {
    const NetClientInfo *info;
    NetState *ns;             /* NULL for a NIC with no netdev */
    NetClientState *peer;     /* the other end, or NULL */
    NetQueue *incoming_queue; /* frames held for this client */
    char *model;              /* "e1000", "user", "tap", ... */
    char *name;               /* netdev id, or the NIC's id / "e1000.0";
                                 every queue of a netdev or NIC has it */
    int queue_index;          /* 0..N-1 within its netdev or NIC */
    char info_str[256];       /* for `info network` */
    bool link_down;
    GSList *dumps;   /* NetDump *: filter-dump on this client */
    uint8_t *rx_buf; /* flattening buffer for receive() */
    size_t rx_buf_size;
};

/* ---- Clients ---- */

/**
 * qemu_new_net_client - a client of @info (zeroed state of info->size
 * bytes), named @name, peered with @peer (which must have no peer), and
 * registered in @ns (NULL: not registered).
 */
NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name, NetState *ns);

/**
 * qemu_del_net_client - purge what @nc sent and what was held for it
 * (callbacks run with 0), unpeer it, run info->cleanup and free it.
 */
void qemu_del_net_client(NetClientState *nc);

/** qemu_set_info_str - set nc->info_str printf-style. */
void qemu_set_info_str(NetClientState *nc, const char *fmt, ...)
    KEMU_PRINTF(2, 3);

/* ---- Sending and receiving ---- */

/**
 * qemu_send_packet_async - send @buf to @nc's peer (see net/queue.c).
 *
 * Return: @size when delivered or dropped (no peer, link down, queue
 * full), < 0 when the peer refused it, 0 when it was queued: @sent_cb
 * runs later and the sender should wait for it.
 */
ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb);

/** qemu_sendv_packet_async - the same for a scattered frame. */
ssize_t qemu_sendv_packet_async(NetClientState *nc, const struct iovec *iov,
                                int iovcnt, NetPacketSent *sent_cb);

/** qemu_send_packet - fire and forget (queued, or dropped if full). */
ssize_t qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size);

/** qemu_sendv_packet - qemu_send_packet() for a scattered frame. */
ssize_t qemu_sendv_packet(NetClientState *nc, const struct iovec *iov,
                          int iovcnt);

/**
 * qemu_send_packet_raw - qemu_send_packet() of a plain Ethernet frame the
 * NIC built itself (an announcement): when the peer takes frames with a
 * virtio-net header from this NIC (qemu_using_vnet_hdr), a zero header of
 * the peer's length is put in front.
 */
ssize_t qemu_send_packet_raw(NetClientState *nc, const uint8_t *buf,
                             size_t size);

/**
 * qemu_receive_packet - hand @buf to @nc itself, as if its peer had sent
 * it (a NIC's loopback mode); never queued.
 *
 * Return: the receiver's answer, or 0 when it cannot take it now.
 */
ssize_t qemu_receive_packet(NetClientState *nc, const uint8_t *buf,
                            size_t size);

/**
 * qemu_can_send_packet - whether @nc's peer would take a frame now (true
 * without a peer: the frame would be dropped, not held).
 */
bool qemu_can_send_packet(NetClientState *nc);

/**
 * qemu_can_receive_packet - whether @nc takes frames now: the machine is
 * running, @nc has not answered 0 since its last flush, and its
 * can_receive() agrees.
 */
bool qemu_can_receive_packet(NetClientState *nc);

/**
 * qemu_flush_queued_packets - @nc can take frames again: deliver what is
 * held for it (and, behind a hub, for the hub's other ports).  A NIC calls
 * it when the guest gives it receive buffers.
 */
void qemu_flush_queued_packets(NetClientState *nc);

/**
 * qemu_purge_queued_packets - drop the frames @nc sent that its peer still
 * holds, running their callbacks with 0 (a NIC being reset or unplugged).
 */
void qemu_purge_queued_packets(NetClientState *nc);

/* ---- NICs ---- */

/**
 * NICPeers - the netdev queues a NIC is peered with: ncs[i] for subqueue i
 * (DEFINE_PROP_NETDEV fills every queue of the netdev), @queues of them;
 * 0 for a NIC with no netdev.
 */
typedef struct NICPeers {
    NetClientState *ncs[MAX_QUEUE_NUM];
    int32_t queues;
} NICPeers;

/** NICConf - what every NIC model's properties hold. */
typedef struct NICConf {
    MACAddr macaddr; /* DEFINE_PROP_MACADDR("mac", ...) */
    NICPeers peers;  /* DEFINE_PROP_NETDEV("netdev", ...) */
    int32_t bootindex;
} NICConf;

/**
 * NICState - a NIC's endpoints: @queues subqueues, ncs[i] peered with
 * conf->peers.ncs[i].  A NIC model's info->size is sizeof(NICState); the
 * subqueues live in the same allocation, after info->size bytes.
 */
typedef struct NICState {
    NetClientState *ncs;
    NICConf *conf;
    void *opaque; /* the device */
    int queues;
} NICState;

/**
 * qemu_new_nic - the NIC endpoints of a device: MAX(1, conf->peers.queues)
 * subqueues, subqueue i peered with conf->peers.ncs[i] (if any) and
 * registered in that netdev's NetState.  Every subqueue has the same name
 * and info; nc->queue_index tells them apart.
 * @info: info->type must be NET_CLIENT_DRIVER_NIC and info->size at least
 *        sizeof(NICState).
 * @model: the device type ("e1000").
 * @id: the device's id, or NULL: the name is then "MODEL.N".
 * @opaque: returned by qemu_get_nic_opaque().
 */
NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *id, void *opaque);

/**
 * qemu_del_nic - unplug: purge and unpeer every subqueue (the netdev
 * stays), clear conf->peers and free.
 */
void qemu_del_nic(NICState *nic);

/** qemu_get_subqueue - subqueue @queue_index (< nic->queues) of @nic. */
NetClientState *qemu_get_subqueue(NICState *nic, int queue_index);

/** qemu_get_queue - subqueue 0 (pass it to qemu_send_*). */
NetClientState *qemu_get_queue(NICState *nic);

/** qemu_get_nic - the NICState of any subqueue of a NIC. */
NICState *qemu_get_nic(NetClientState *nc);

/** qemu_get_nic_opaque - the @opaque given to qemu_new_nic(). */
void *qemu_get_nic_opaque(NetClientState *nc);

/**
 * qemu_format_nic_info_str - "model=e1000,macaddr=52:54:00:12:34:56" on
 * every subqueue of NIC client @nc.
 */
void qemu_format_nic_info_str(NetClientState *nc, const uint8_t macaddr[6]);

/**
 * qemu_macaddr_default_if_unset - give an all-zero @macaddr the next
 * default address 52:54:00:12:34:56, :57, ... counted in @ns (NULL: the
 * first one).
 */
void qemu_macaddr_default_if_unset(NetState *ns, MACAddr *macaddr);

/* ---- Offloads of the peer (tap with vnet headers) ---- */

/** qemu_has_ufo - whether @nc (a NIC's peer) takes UDP fragmentation. */
bool qemu_has_ufo(NetClientState *nc);
/** qemu_has_vnet_hdr - whether @nc exchanges virtio-net headers. */
bool qemu_has_vnet_hdr(NetClientState *nc);
/** qemu_has_vnet_hdr_len - whether @nc supports a header of @len bytes. */
bool qemu_has_vnet_hdr_len(NetClientState *nc, int len);
/**
 * qemu_using_vnet_hdr - @enable: the NIC sends and takes frames prefixed by
 * the header; otherwise @nc adds and strips a zero header itself.
 */
void qemu_using_vnet_hdr(NetClientState *nc, bool enable);
/** qemu_set_offload - the offloads the NIC's guest accepts (TUNSETOFFLOAD). */
void qemu_set_offload(NetClientState *nc, int csum, int tso4, int tso6, int ecn,
                      int ufo);
/** qemu_set_vnet_hdr_len - the header size (10, or 12 with mergeable). */
int qemu_set_vnet_hdr_len(NetClientState *nc, int len);

/* ---- Multiqueue and vhost: a NIC asks its peer (a backend queue) ---- */

/**
 * qemu_set_queue_enabled - attach (@enable) or detach backend queue @nc
 * (a NIC subqueue's peer) from its interface: tap uses TUNSETQUEUE with
 * IFF_ATTACH_QUEUE / IFF_DETACH_QUEUE, so that the kernel spreads frames
 * only over the queues the guest enabled (virtio-net VQ_PAIRS_SET).  A
 * detached queue is not read, and what it sent and the NIC still holds is
 * purged.  Queues start attached; asking for the current state does
 * nothing.
 *
 * Return: 0 (also when @nc is NULL or has no queues to switch: hubs, user,
 * socket), or a negative errno from the kernel.
 */
int qemu_set_queue_enabled(NetClientState *nc, bool enable);

/**
 * qemu_get_vhost_fd - the /dev/vhost-net fd of backend queue @nc (tap with
 * vhost=on, opened per queue or passed with vhostfd=/vhostfds=), or -1:
 * none (not a tap, vhost=off, or /dev/vhost-net could not be opened and
 * the netdev fell back to userspace).  The netdev owns and closes it.
 */
int qemu_get_vhost_fd(NetClientState *nc);

/**
 * qemu_get_backend_fd - the fd vhost-net uses as VHOST_NET_SET_BACKEND of
 * backend queue @nc (tap: the queue's tap fd), or -1.  Owned by the netdev.
 */
int qemu_get_backend_fd(NetClientState *nc);

/** qemu_get_vhost_force - whether @nc was created with vhostforce=on. */
bool qemu_get_vhost_force(NetClientState *nc);

/**
 * qemu_set_backend_polling - @enable false: backend queue @nc stops
 * reading and writing its fd on the main loop (vhost owns it: every frame
 * must reach the kernel's vhost worker); true (the default): it resumes
 * and flushes what is held for it.  No-op for backends without the hook.
 */
void qemu_set_backend_polling(NetClientState *nc, bool enable);

/* ---- NetState: the backends of one machine ---- */

/** net_state_new - no clients yet; backends watch their fds on @loop. */
NetState *net_state_new(MainLoop *loop);

/**
 * net_state_free - delete every backend, hub and dump (NICs still plugged
 * lose their peer), then free @ns.  NULL is fine.
 */
void net_state_free(NetState *ns);

/** net_state_get_loop - the MainLoop given to net_state_new(). */
MainLoop *net_state_get_loop(NetState *ns);

/**
 * net_state_set_running - the machine stopped (false: frames are held for
 * NICs and from them) or runs again (true, the default: held frames are
 * flushed).
 */
void net_state_set_running(NetState *ns, bool running);

/**
 * net_client_init - create a backend from `-netdev` (@is_netdev) or `-nic`
 * options (parsed with implied key "type").
 *   -netdev TYPE,id=ID,...   user, tap, socket, hubport
 *   -nic TYPE[,model=M][,mac=MAC][,id=ID],...   the same backend (id made
 *                            up when absent) plus a pending NIC; -nic none
 *                            only marks that the user wants no NIC.
 * Errors are one line naming the option: unknown type, missing or
 * duplicate id, an invalid parameter or value.
 */
bool net_client_init(NetState *ns, KemuOpts *opts, bool is_netdev,
                     Error **errp);

/** net_print_help - the backend types, for `-netdev help`. */
void net_print_help(FILE *out);

/** NetPendingNic - a NIC asked for with -nic, for the board to create. */
typedef struct NetPendingNic {
    char *model;  /* "e1000", or NULL for the board's default model */
    char *netdev; /* the backend's id, for the device's netdev= */
    char *mac;    /* "52:54:00:...", or NULL */
} NetPendingNic;

/**
 * net_state_take_pending_nics - the -nic NICs in command-line order
 * (NetPendingNic *); the caller owns the list:
 * g_list_free_full(list, net_pending_nic_free).
 */
GList *net_state_take_pending_nics(NetState *ns);
void net_pending_nic_free(gpointer p);

/** net_state_nic_none - whether `-nic none` was given. */
bool net_state_nic_none(NetState *ns);

/**
 * qemu_find_netdev - the backend named @id (never a NIC), or NULL; for a
 * multiqueue netdev its queue 0.
 */
NetClientState *qemu_find_netdev(NetState *ns, const char *id);

/**
 * qemu_find_net_clients_except - store in @ncs (room for @max) the clients
 * named @id whose driver is not @type (NET_CLIENT_DRIVER_MAX: any), in
 * queue order; e.g. every queue of netdev @id with type NIC.
 *
 * Return: how many match (may exceed @max; only @max are stored).
 */
int qemu_find_net_clients_except(NetState *ns, const char *id,
                                 NetClientState **ncs, NetClientDriver type,
                                 int max);

/**
 * net_state_check_clients - after the board and -device NICs are built:
 * warn (QEMU's "netdev n0 has no peer") about backends no NIC uses, NICs
 * without a backend and hubs with one port.  Only warns.
 */
void net_state_check_clients(NetState *ns);

/**
 * qmp_set_link - QMP set_link: every client named @name (a netdev id or a
 * NIC name: all their queues) goes up/down; a NIC peer of a netdev follows
 * (all its subqueues), and both are told through link_status_changed, once
 * each, on queue 0.  Error: "Device 'NAME' not found".
 */
bool qmp_set_link(NetState *ns, const char *name, bool up, Error **errp);

/**
 * qemu_announce_self - announce every NIC of @ns once: a RARP broadcast
 * from its MAC on subqueue 0 (as after migration, so that switches learn
 * where the guest is), then its info->announce hook, if any (virtio-net
 * asks the guest to send gratuitous ARPs).
 */
void qemu_announce_self(NetState *ns);

/**
 * net_print_info - `info network`: NICs with their backends (one line
 * each per queue, "index=N"), then the rest.
 */
void net_print_info(NetState *ns, GString *out);

/**
 * net_object_add - `-object filter-dump,id=ID,netdev=NETDEV,file=PATH
 * [,maxlen=BYTES][,queue=all|rx|tx]`: record the frames NETDEV sends and
 * receives in a pcap file.  The caller dispatched on the type.
 */
bool net_object_add(NetState *ns, KemuOpts *opts, Error **errp);

#endif
