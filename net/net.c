/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The net layer's core: clients and peers, the send path into the peer's
 * NetQueue (contract in net/queue.c), NICs, link state, and NetState with
 * the -netdev / -nic / -object filter-dump entry points and `info network`.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/iov.h"
#include "util/log.h"
#include "net/announce.h"
#include "net/clients.h"

static const char *const driver_names[NET_CLIENT_DRIVER_MAX] = {
    [NET_CLIENT_DRIVER_NONE] = "none",
    [NET_CLIENT_DRIVER_NIC] = "nic",
    [NET_CLIENT_DRIVER_USER] = "user",
    [NET_CLIENT_DRIVER_TAP] = "tap",
    [NET_CLIENT_DRIVER_SOCKET] = "socket",
    [NET_CLIENT_DRIVER_HUBPORT] = "hubport",
};

typedef struct NetBackend {
    const char *type;
    NetInitFunc *init;
    const char *help;
} NetBackend;

static const NetBackend net_backends[] = {
    {"user", net_init_slirp,
     "user-mode network stack (libslirp): DHCP, "
     "DNS, hostfwd=, guestfwd="},
    {"tap", net_init_tap,
     "a host TAP interface (ifname=, fd=, fds=, queues=, vnet_hdr=, "
     "vhost=)"},
    {"socket", net_init_socket,
     "length-prefixed frames on a stream socket (fd=, listen=, connect=)"},
    {"hubport", net_init_hubport, "a port of hub hubid= (netdev=)"},
};

const char *net_client_driver_str(NetClientDriver type)
{
    if (type >= NET_CLIENT_DRIVER_MAX || !driver_names[type]) {
        return "unknown";
    }
    return driver_names[type];
}

/* ---- Delivery into a client (the NetQueue's ops) ---- */

static ssize_t net_client_deliver(void *opaque, NetClientState *sender,
                                  const struct iovec *iov, int iovcnt)
{
    NetClientState *nc = opaque;
    size_t size;

    if (nc->link_down) {
        return iov_size(iov, iovcnt);
    }
    if (nc->info->receive_iov) {
        return nc->info->receive_iov(nc, iov, iovcnt);
    }
    if (iovcnt == 1) {
        return nc->info->receive(nc, iov[0].iov_base, iov[0].iov_len);
    }
    size = iov_size(iov, iovcnt);
    if (size > nc->rx_buf_size) {
        nc->rx_buf = g_realloc(nc->rx_buf, size);
        nc->rx_buf_size = size;
    }
    iov_to_buf(iov, iovcnt, 0, nc->rx_buf, size);
    return nc->info->receive(nc, nc->rx_buf, size);
}

static bool net_client_can_deliver(void *opaque)
{
    NetClientState *nc = opaque;

    if (nc->ns && !nc->ns->running) {
        return false;
    }
    return !nc->info->can_receive || nc->info->can_receive(nc);
}

static const NetQueueOps net_client_queue_ops = {
    .deliver = net_client_deliver,
    .can_deliver = net_client_can_deliver,
};

/* ---- Clients ---- */

static void net_client_setup(NetClientState *nc, const NetClientInfo *info,
                             NetClientState *peer, const char *model,
                             const char *name, NetState *ns)
{
    nc->info = info;
    nc->ns = ns;
    nc->model = g_strdup(model);
    nc->name = g_strdup(name);
    nc->incoming_queue =
        net_queue_new(&net_client_queue_ops, nc, NET_QUEUE_MAXLEN);
    if (peer) {
        assert(!peer->peer);
        nc->peer = peer;
        peer->peer = nc;
    }
    if (ns) {
        ns->clients = g_list_append(ns->clients, nc);
    }
}

NetClientState *qemu_new_net_client(const NetClientInfo *info,
                                    NetClientState *peer, const char *model,
                                    const char *name, NetState *ns)
{
    NetClientState *nc;

    assert(info->size >= sizeof(NetClientState));
    assert(info->receive || info->receive_iov);
    assert(info->type != NET_CLIENT_DRIVER_NIC);
    nc = g_malloc0(info->size);
    net_client_setup(nc, info, peer, model, name, ns);
    return nc;
}

/* Everything qemu_del_net_client() does but freeing @nc itself. */
static void net_client_teardown(NetClientState *nc)
{
    NetClientState *peer = nc->peer;

    while (nc->dumps) {
        net_dump_close(nc->dumps->data);
    }
    /* What nc sent and its peer still holds, then what nc holds. */
    qemu_purge_queued_packets(nc);
    net_queue_purge(nc->incoming_queue, NULL);
    if (peer) {
        /* A NIC keeps no pointer to a backend that is gone. */
        if (peer->info->type == NET_CLIENT_DRIVER_NIC) {
            NICConf *conf = qemu_get_nic(peer)->conf;

            if (conf && peer->queue_index < conf->peers.queues &&
                conf->peers.ncs[peer->queue_index] == nc) {
                conf->peers.ncs[peer->queue_index] = NULL;
            }
        }
        peer->peer = NULL;
        nc->peer = NULL;
    }
    if (nc->ns) {
        nc->ns->clients = g_list_remove(nc->ns->clients, nc);
    }
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    net_queue_free(nc->incoming_queue);
    g_free(nc->model);
    g_free(nc->name);
    g_free(nc->rx_buf);
}

void qemu_del_net_client(NetClientState *nc)
{
    assert(nc->info->type != NET_CLIENT_DRIVER_NIC); /* qemu_del_nic() */
    net_client_teardown(nc);
    g_free(nc);
}

void qemu_set_info_str(NetClientState *nc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(nc->info_str, sizeof(nc->info_str), fmt, ap);
    va_end(ap);
}

/* ---- Sending and receiving ---- */

ssize_t qemu_sendv_packet_async(NetClientState *nc, const struct iovec *iov,
                                int iovcnt, NetPacketSent *sent_cb)
{
    size_t size = iov_size(iov, iovcnt);

    if (nc->link_down || !nc->peer) {
        return size;
    }
    if (nc->dumps) {
        net_dump_packet(nc, NET_DUMP_TX, iov, iovcnt);
    }
    if (nc->peer->dumps) {
        net_dump_packet(nc->peer, NET_DUMP_RX, iov, iovcnt);
    }
    kemu_log_mask(LOG_NET, "net: %s -> %s: %zu bytes\n", nc->name,
                  nc->peer->name, size);
    return net_queue_send_iov(nc->peer->incoming_queue, nc, iov, iovcnt,
                              sent_cb);
}

ssize_t qemu_send_packet_async(NetClientState *nc, const uint8_t *buf,
                               size_t size, NetPacketSent *sent_cb)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = size};

    return qemu_sendv_packet_async(nc, &iov, 1, sent_cb);
}

ssize_t qemu_send_packet(NetClientState *nc, const uint8_t *buf, size_t size)
{
    return qemu_send_packet_async(nc, buf, size, NULL);
}

ssize_t qemu_sendv_packet(NetClientState *nc, const struct iovec *iov,
                          int iovcnt)
{
    return qemu_sendv_packet_async(nc, iov, iovcnt, NULL);
}

ssize_t qemu_send_packet_raw(NetClientState *nc, const uint8_t *buf,
                             size_t size)
{
    static const uint8_t zero_hdr[64];
    NetClientState *peer = nc->peer;
    int hdr = 0;
    struct iovec iov[2];

    if (peer && peer->info->get_vnet_hdr_len) {
        hdr = peer->info->get_vnet_hdr_len(peer);
    }
    assert(hdr >= 0 && hdr <= (int)sizeof(zero_hdr));
    iov[0].iov_base = (void *)zero_hdr;
    iov[0].iov_len = hdr;
    iov[1].iov_base = (void *)buf;
    iov[1].iov_len = size;
    return qemu_sendv_packet(nc, hdr ? iov : iov + 1, hdr ? 2 : 1);
}

ssize_t qemu_receive_packet(NetClientState *nc, const uint8_t *buf, size_t size)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = size};

    return net_queue_deliver_now(nc->incoming_queue, nc, &iov, 1);
}

bool qemu_can_receive_packet(NetClientState *nc)
{
    return !net_queue_blocked(nc->incoming_queue) && net_client_can_deliver(nc);
}

bool qemu_can_send_packet(NetClientState *nc)
{
    return !nc->peer || qemu_can_receive_packet(nc->peer);
}

void qemu_flush_queued_packets(NetClientState *nc)
{
    if (nc->peer && nc->peer->info->type == NET_CLIENT_DRIVER_HUBPORT) {
        net_hub_flush_peers(nc->peer);
    }
    net_queue_flush(nc->incoming_queue);
}

void qemu_purge_queued_packets(NetClientState *nc)
{
    if (nc->peer) {
        net_queue_purge(nc->peer->incoming_queue, nc);
    }
}

/* ---- NICs ---- */

static char *nic_default_name(NetState *ns, const char *model)
{
    unsigned n = 0;

    for (GList *l = ns ? ns->clients : NULL; l; l = l->next) {
        NetClientState *nc = l->data;

        if (nc->info->type == NET_CLIENT_DRIVER_NIC && nc->queue_index == 0 &&
            !g_strcmp0(nc->model, model)) {
            n++;
        }
    }
    return g_strdup_printf("%s.%u", model, n);
}

NICState *qemu_new_nic(const NetClientInfo *info, NICConf *conf,
                       const char *model, const char *id, void *opaque)
{
    NICPeers *peers = &conf->peers;
    int queues = MAX(1, peers->queues);
    NetState *ns = NULL;
    g_autofree char *name = NULL;
    NICState *nic;

    assert(info->type == NET_CLIENT_DRIVER_NIC);
    assert(info->size >= sizeof(NICState));
    assert(peers->queues >= 0 && peers->queues <= MAX_QUEUE_NUM);
    for (int i = 0; i < peers->queues; i++) {
        NetClientState *peer = peers->ncs[i];

        if (peer && peer->peer) {
            warn_report("netdev '%s' is already in use; %s gets no peer",
                        peer->name, id ? id : model);
            memset(peers->ncs, 0, sizeof(peers->ncs));
            peers->queues = 0;
            queues = 1;
            break;
        }
        if (peer && !ns) {
            ns = peer->ns;
        }
    }
    name = id ? g_strdup(id) : nic_default_name(ns, model);
    nic = g_malloc0(info->size + queues * sizeof(NetClientState));
    nic->ncs = (NetClientState *)((char *)nic + info->size);
    nic->conf = conf;
    nic->opaque = opaque;
    nic->queues = queues;
    for (int i = 0; i < queues; i++) {
        NetClientState *nc = &nic->ncs[i];

        nc->queue_index = i;
        net_client_setup(nc, info, i < peers->queues ? peers->ncs[i] : NULL,
                         model, name, ns);
    }
    return nic;
}

void qemu_del_nic(NICState *nic)
{
    NICConf *conf = nic->conf;

    for (int i = 0; i < nic->queues; i++) {
        net_client_teardown(&nic->ncs[i]);
    }
    if (conf) {
        memset(conf->peers.ncs, 0, sizeof(conf->peers.ncs));
        conf->peers.queues = 0;
    }
    g_free(nic);
}

NetClientState *qemu_get_subqueue(NICState *nic, int queue_index)
{
    assert(queue_index >= 0 && queue_index < nic->queues);
    return &nic->ncs[queue_index];
}

NetClientState *qemu_get_queue(NICState *nic)
{
    return qemu_get_subqueue(nic, 0);
}

NICState *qemu_get_nic(NetClientState *nc)
{
    NetClientState *nc0;

    assert(nc->info->type == NET_CLIENT_DRIVER_NIC);
    nc0 = nc - nc->queue_index;
    return (NICState *)((char *)nc0 - nc->info->size);
}

void *qemu_get_nic_opaque(NetClientState *nc)
{
    return qemu_get_nic(nc)->opaque;
}

void qemu_format_nic_info_str(NetClientState *nc, const uint8_t macaddr[6])
{
    NICState *nic = qemu_get_nic(nc);

    for (int i = 0; i < nic->queues; i++) {
        qemu_set_info_str(&nic->ncs[i],
                          "model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x",
                          nc->model, macaddr[0], macaddr[1], macaddr[2],
                          macaddr[3], macaddr[4], macaddr[5]);
    }
}

void qemu_macaddr_default_if_unset(NetState *ns, MACAddr *macaddr)
{
    static const MACAddr zero;
    unsigned n;

    if (memcmp(macaddr, &zero, sizeof(zero))) {
        return;
    }
    n = ns ? ns->next_mac++ : 0;
    macaddr->a[0] = 0x52;
    macaddr->a[1] = 0x54;
    macaddr->a[2] = 0x00;
    macaddr->a[3] = 0x12;
    macaddr->a[4] = 0x34;
    macaddr->a[5] = 0x56 + n % (0x100 - 0x56);
}

/* ---- Offloads ---- */

bool qemu_has_ufo(NetClientState *nc)
{
    return nc && nc->info->has_ufo && nc->info->has_ufo(nc);
}

bool qemu_has_vnet_hdr(NetClientState *nc)
{
    return nc && nc->info->has_vnet_hdr && nc->info->has_vnet_hdr(nc);
}

bool qemu_has_vnet_hdr_len(NetClientState *nc, int len)
{
    return nc && nc->info->has_vnet_hdr_len &&
           nc->info->has_vnet_hdr_len(nc, len);
}

void qemu_using_vnet_hdr(NetClientState *nc, bool enable)
{
    if (nc && nc->info->using_vnet_hdr) {
        nc->info->using_vnet_hdr(nc, enable);
    }
}

void qemu_set_offload(NetClientState *nc, int csum, int tso4, int tso6, int ecn,
                      int ufo)
{
    if (nc && nc->info->set_offload) {
        nc->info->set_offload(nc, csum, tso4, tso6, ecn, ufo);
    }
}

int qemu_set_vnet_hdr_len(NetClientState *nc, int len)
{
    if (!nc || !nc->info->set_vnet_hdr_len) {
        return -ENOSYS;
    }
    return nc->info->set_vnet_hdr_len(nc, len);
}

/* ---- Multiqueue and vhost ---- */

int qemu_set_queue_enabled(NetClientState *nc, bool enable)
{
    if (!nc || !nc->info->set_queue_enabled) {
        return 0;
    }
    return nc->info->set_queue_enabled(nc, enable);
}

int qemu_get_vhost_fd(NetClientState *nc)
{
    return nc && nc->info->get_vhost_fd ? nc->info->get_vhost_fd(nc) : -1;
}

int qemu_get_backend_fd(NetClientState *nc)
{
    return nc && nc->info->get_backend_fd ? nc->info->get_backend_fd(nc) : -1;
}

bool qemu_get_vhost_force(NetClientState *nc)
{
    return nc && nc->info->get_vhost_force && nc->info->get_vhost_force(nc);
}

void qemu_set_backend_polling(NetClientState *nc, bool enable)
{
    if (nc && nc->info->set_backend_polling) {
        nc->info->set_backend_polling(nc, enable);
    }
}

/* ---- NetState ---- */

NetState *net_state_new(MainLoop *loop)
{
    NetState *ns = g_new0(NetState, 1);

    ns->loop = loop;
    ns->running = true;
    ns->vhost_net_dev = "/dev/vhost-net";
    return ns;
}

void net_state_free(NetState *ns)
{
    GList *l;

    if (!ns) {
        return;
    }
    while (ns->dumps) {
        net_dump_close(ns->dumps->data);
    }
    /* NICs belong to their devices: detach them, keep them. */
    l = ns->clients;
    while (l) {
        GList *next = l->next;
        NetClientState *nc = l->data;

        if (nc->info->type == NET_CLIENT_DRIVER_NIC) {
            ns->clients = g_list_delete_link(ns->clients, l);
            nc->ns = NULL;
        }
        l = next;
    }
    while (ns->clients) {
        qemu_del_net_client(ns->clients->data);
    }
    net_announce_cleanup(ns);
    net_hub_free_all(ns);
    g_list_free_full(ns->pending_nics, net_pending_nic_free);
    g_free(ns);
}

MainLoop *net_state_get_loop(NetState *ns)
{
    return ns->loop;
}

void net_state_set_running(NetState *ns, bool running)
{
    ns->running = running;
    if (!running) {
        return;
    }
    for (GList *l = ns->clients; l; l = l->next) {
        qemu_flush_queued_packets(l->data);
    }
}

NetClientState *qemu_find_netdev(NetState *ns, const char *id)
{
    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (nc->info->type != NET_CLIENT_DRIVER_NIC && !strcmp(nc->name, id)) {
            return nc;
        }
    }
    return NULL;
}

int qemu_find_net_clients_except(NetState *ns, const char *id,
                                 NetClientState **ncs, NetClientDriver type,
                                 int max)
{
    int n = 0;

    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (nc->info->type == type || strcmp(nc->name, id)) {
            continue;
        }
        if (n < max) {
            ncs[n] = nc;
        }
        n++;
    }
    return n;
}

static const NetBackend *find_backend(const char *type)
{
    for (size_t i = 0; i < ARRAY_SIZE(net_backends); i++) {
        if (!strcmp(net_backends[i].type, type)) {
            return &net_backends[i];
        }
    }
    return NULL;
}

void net_print_help(FILE *out)
{
    fprintf(out, "Available netdev backend types:\n");
    for (size_t i = 0; i < ARRAY_SIZE(net_backends); i++) {
        fprintf(out, "  %-8s %s\n", net_backends[i].type, net_backends[i].help);
    }
}

bool net_client_init(NetState *ns, KemuOpts *opts, bool is_netdev, Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *type = kemu_opts_get(opts, "type");
    const char *id = kemu_opts_get(opts, "id");
    const char *model = NULL, *mac = NULL;
    g_autofree char *auto_id = NULL;
    const NetBackend *backend;
    NetPendingNic *pending;
    MACAddr macaddr;

    if (!type) {
        error_setg(errp,
                   "%s: missing backend type (use user, tap, socket "
                   "or hubport)",
                   ctx);
        return false;
    }
    if (!is_netdev && !strcmp(type, "none")) {
        if (!kemu_opts_check_unused(opts, errp)) {
            return false;
        }
        ns->nic_none = true;
        return true;
    }
    backend = find_backend(type);
    if (!backend) {
        error_setg(errp,
                   "%s: unknown netdev type '%s' (use user, tap, "
                   "socket or hubport)",
                   ctx, type);
        return false;
    }
    if (!is_netdev) {
        model = kemu_opts_get(opts, "model");
        mac = kemu_opts_get(opts, "mac");
        if (mac && !macaddr_parse(mac, &macaddr)) {
            error_setg(errp,
                       "%s: invalid MAC address '%s' (expected "
                       "a MAC address such as 52:54:00:12:34:56)",
                       ctx, mac);
            return false;
        }
        if (!id) {
            auto_id = g_strdup_printf("__org.kemu.nic%u", ns->next_nic_id++);
            id = auto_id;
        }
    }
    if (!id) {
        error_setg(errp, "%s: Parameter 'id' is missing", ctx);
        return false;
    }
    if (!auto_id && !id_wellformed(id)) {
        error_setg(errp,
                   "%s: invalid id '%s' (use a letter, then letters, "
                   "digits, '-', '.' or '_')",
                   ctx, id);
        return false;
    }
    if (qemu_find_netdev(ns, id)) {
        error_setg(errp, "%s: duplicate netdev id '%s'", ctx, id);
        return false;
    }
    if (!backend->init(ns, opts, id, errp)) {
        return false;
    }
    if (!is_netdev) {
        pending = g_new0(NetPendingNic, 1);
        pending->model = g_strdup(model);
        pending->netdev = g_strdup(id);
        pending->mac = g_strdup(mac);
        ns->pending_nics = g_list_append(ns->pending_nics, pending);
    }
    return true;
}

GList *net_state_take_pending_nics(NetState *ns)
{
    GList *list = ns->pending_nics;

    ns->pending_nics = NULL;
    return list;
}

void net_pending_nic_free(gpointer p)
{
    NetPendingNic *pending = p;

    g_free(pending->model);
    g_free(pending->netdev);
    g_free(pending->mac);
    g_free(pending);
}

bool net_state_nic_none(NetState *ns)
{
    return ns->nic_none;
}

void net_state_check_clients(NetState *ns)
{
    net_hubs_check(ns);
    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (!nc->peer && nc->info->type != NET_CLIENT_DRIVER_HUBPORT) {
            warn_report("%s %s has no peer",
                        nc->info->type == NET_CLIENT_DRIVER_NIC ? "nic"
                                                                : "netdev",
                        nc->name);
        }
    }
}

bool qmp_set_link(NetState *ns, const char *name, bool up, Error **errp)
{
    GPtrArray *found = g_ptr_array_new();

    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;

        if (!strcmp(nc->name, name)) {
            g_ptr_array_add(found, nc);
        }
    }
    if (!found->len) {
        g_ptr_array_free(found, true);
        error_setg(errp, "Device '%s' not found", name);
        return false;
    }
    for (guint i = 0; i < found->len; i++) {
        NetClientState *nc = found->pdata[i];
        NetClientState *peer = nc->peer;

        nc->link_down = !up;
        /* A NIC follows its backend; a backend keeps its own state. */
        if (peer && peer->info->type == NET_CLIENT_DRIVER_NIC) {
            peer->link_down = !up;
        }
    }
    /* Then each side hears it once, on queue 0 (after all queues moved). */
    for (guint i = 0; i < found->len; i++) {
        NetClientState *nc = found->pdata[i];
        NetClientState *peer = nc->peer;

        if (nc->queue_index != 0) {
            continue;
        }
        if (nc->info->link_status_changed) {
            nc->info->link_status_changed(nc);
        }
        if (peer && peer->info->link_status_changed) {
            peer->info->link_status_changed(peer);
        }
    }
    g_ptr_array_free(found, true);
    return true;
}

/* Ethernet type of RARP and its fields (RFC 903). */
#define ETH_P_RARP_FRAME 0x8035
#define RARP_OP_REQUEST  3

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v & 0xff;
}

/* A RARP "request reverse" from @mac, padded to the 60-byte minimum. */
static size_t announce_build_rarp(uint8_t *buf, const uint8_t mac[6])
{
    memset(buf, 0, 60);
    memset(buf, 0xff, 6);                 /* broadcast */
    memcpy(buf + 6, mac, 6);              /* source */
    put_be16(buf + 12, ETH_P_RARP_FRAME); /* ethertype */
    put_be16(buf + 14, 1);                /* hardware: Ethernet */
    put_be16(buf + 16, 0x0800);           /* protocol: IPv4 */
    buf[18] = 6;                          /* hardware address length */
    buf[19] = 4;                          /* protocol address length */
    put_be16(buf + 20, RARP_OP_REQUEST);  /* operation */
    memcpy(buf + 22, mac, 6);             /* sender hardware address */
    memcpy(buf + 32, mac, 6);             /* target hardware address */
    return 60;
}

void qemu_announce_self(NetState *ns)
{
    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;
        NICState *nic;
        uint8_t buf[60];

        if (nc->info->type != NET_CLIENT_DRIVER_NIC || nc->queue_index) {
            continue;
        }
        nic = qemu_get_nic(nc);
        if (nic->conf) {
            qemu_send_packet_raw(
                nc, buf, announce_build_rarp(buf, nic->conf->macaddr.a));
        }
        if (nc->info->announce) {
            nc->info->announce(nc);
        }
    }
}

static void print_client(GString *out, NetClientState *nc)
{
    g_string_append_printf(out, "%s: index=%d,type=%s,%s%s\n", nc->name,
                           nc->queue_index,
                           net_client_driver_str(nc->info->type), nc->info_str,
                           nc->link_down ? ",link=down" : "");
}

void net_print_info(NetState *ns, GString *out)
{
    net_hub_print(ns, out);
    for (GList *l = ns->clients; l; l = l->next) {
        NetClientState *nc = l->data;
        NetClientState *peer = nc->peer;
        bool is_nic = nc->info->type == NET_CLIENT_DRIVER_NIC;

        if (nc->info->type == NET_CLIENT_DRIVER_HUBPORT ||
            (peer && peer->info->type == NET_CLIENT_DRIVER_HUBPORT)) {
            continue; /* printed with its hub */
        }
        if (!peer || is_nic) {
            print_client(out, nc);
        }
        if (peer && is_nic) {
            g_string_append(out, " \\ ");
            print_client(out, peer);
        }
    }
}

bool net_object_add(NetState *ns, KemuOpts *opts, Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *type = kemu_opts_get(opts, "qom-type");
    const char *id = kemu_opts_get(opts, "id");
    const char *netdev = kemu_opts_get(opts, "netdev");
    const char *file = kemu_opts_get(opts, "file");
    const char *queue = kemu_opts_get(opts, "queue");
    NetClientState *nc;
    uint64_t maxlen;
    NetDump *d;
    int dirs = NET_DUMP_RX | NET_DUMP_TX;

    if (!type) {
        type = kemu_opts_get(opts, "type");
    }
    if (!type || strcmp(type, "filter-dump")) {
        error_setg(errp,
                   "%s: unsupported net object type '%s' (use "
                   "filter-dump)",
                   ctx, type ? type : "");
        return false;
    }
    if (!kemu_opts_get_size(opts, "maxlen", 65536, &maxlen, errp)) {
        return false;
    }
    if (!kemu_opts_check_unused(opts, errp)) {
        return false;
    }
    if (!id || !netdev || !file) {
        error_setg(errp, "%s: Parameter '%s' is missing", ctx,
                   !id       ? "id"
                   : !netdev ? "netdev"
                             : "file");
        return false;
    }
    if (maxlen == 0 || maxlen > UINT32_MAX) {
        error_setg(errp, "%s: maxlen must be between 1 and 4294967295", ctx);
        return false;
    }
    if (queue && !strcmp(queue, "rx")) {
        dirs = NET_DUMP_RX;
    } else if (queue && !strcmp(queue, "tx")) {
        dirs = NET_DUMP_TX;
    } else if (queue && strcmp(queue, "all")) {
        error_setg(errp, "%s: invalid queue '%s' (use all, rx or tx)", ctx,
                   queue);
        return false;
    }
    for (GList *l = ns->dumps; l; l = l->next) {
        if (!strcmp(net_dump_id(l->data), id)) {
            error_setg(errp, "%s: duplicate object id '%s'", ctx, id);
            return false;
        }
    }
    nc = qemu_find_netdev(ns, netdev);
    if (!nc) {
        error_setg(errp, "%s: netdev '%s' not found", ctx, netdev);
        return false;
    }
    d = net_dump_new(nc, id, file, maxlen, dirs, errp);
    if (!d) {
        return false;
    }
    ns->dumps = g_list_append(ns->dumps, d);
    return true;
}
