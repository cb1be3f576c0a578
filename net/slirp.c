/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev user: the guest's network is libslirp's user-mode TCP/IP stack
 * (10.0.2.0/24, gateway 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15 by
 * default), with host-to-guest (hostfwd=) and guest-to-command (guestfwd=)
 * forwarding.  Slirp's sockets are polled by a GSource on the main loop
 * (slirp_pollfds_fill in prepare, slirp_pollfds_poll in dispatch) and its
 * timers are GSources with a ready time, both on the host's monotonic
 * clock, so the stack keeps time while the guest's clock is stopped.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "net/clients.h"
#include <libslirp.h>

typedef struct SlirpState SlirpState;

/* One of slirp's sockets in the poll source: its fd and GLib tag. */
typedef struct SlirpPollEntry {
    gpointer tag;
    GIOCondition cond;
    bool used; /* asked for by the current fill */
} SlirpPollEntry;

typedef struct SlirpPollSource {
    GSource source;
    SlirpState *s;
    GHashTable *entries; /* fd -> SlirpPollEntry * */
    GPtrArray *round;    /* index -> tag, for the current fill */
    gint64 deadline_us;  /* when slirp's own timers want a poll, or -1 */
    gint kick;           /* slirp has work (input, new socket): dispatch */
} SlirpPollSource;

typedef struct SlirpTimerSource {
    GSource source;
    SlirpState *s;
    SlirpTimerId id;
    void *cb_opaque;
} SlirpTimerSource;

struct SlirpState {
    NetClientState nc;
    MainLoop *loop;
    Slirp *slirp;
    SlirpPollSource *poll;
};

/* ---- Callbacks from slirp ---- */

static ssize_t slirp_cb_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpState *s = opaque;

    qemu_send_packet(&s->nc, buf, len);
    return len;
}

static void slirp_cb_guest_error(const char *msg, void *opaque)
{
    kemu_log_mask(LOG_GUEST_ERROR, "slirp: %s\n", msg);
}

static int64_t slirp_cb_clock_get_ns(void *opaque)
{
    return g_get_monotonic_time() * 1000;
}

static gboolean slirp_timer_dispatch(GSource *source, GSourceFunc cb,
                                     gpointer data)
{
    SlirpTimerSource *t = (SlirpTimerSource *)source;

    g_source_set_ready_time(source, -1);
    slirp_handle_timer(t->s->slirp, t->id, t->cb_opaque);
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs slirp_timer_funcs = {
    .dispatch = slirp_timer_dispatch,
};

static void *slirp_cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
                                       void *opaque)
{
    SlirpState *s = opaque;
    SlirpTimerSource *t = (SlirpTimerSource *)g_source_new(
        &slirp_timer_funcs, sizeof(SlirpTimerSource));

    t->s = s;
    t->id = id;
    t->cb_opaque = cb_opaque;
    g_source_set_name(&t->source, "kemu-slirp-timer");
    g_source_attach(&t->source, main_loop_get_context(s->loop));
    return t;
}

static void slirp_cb_timer_free(void *timer, void *opaque)
{
    GSource *source = timer;

    g_source_destroy(source);
    g_source_unref(source);
}

/* @expire_ms is on slirp's clock (slirp_cb_clock_get_ns), in ms. */
static void slirp_cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    g_source_set_ready_time(timer, MAX(expire_ms, 0) * 1000);
}

static void slirp_kick(SlirpState *s)
{
    if (s->poll) {
        g_atomic_int_set(&s->poll->kick, 1);
    }
    main_loop_wakeup(s->loop);
}

static void slirp_cb_register_poll_fd(int fd, void *opaque)
{
    SlirpState *s = opaque;

    /* A socket made outside the loop (the guest's SYN): poll it now. */
    slirp_kick(s);
}

static void slirp_cb_unregister_poll_fd(int fd, void *opaque)
{
}

static void slirp_cb_notify(void *opaque)
{
    slirp_kick(opaque);
}

static const SlirpCb slirp_callbacks = {
    .send_packet = slirp_cb_send_packet,
    .guest_error = slirp_cb_guest_error,
    .clock_get_ns = slirp_cb_clock_get_ns,
    .timer_free = slirp_cb_timer_free,
    .timer_mod = slirp_cb_timer_mod,
    .register_poll_fd = slirp_cb_register_poll_fd,
    .unregister_poll_fd = slirp_cb_unregister_poll_fd,
    .notify = slirp_cb_notify,
    .timer_new_opaque = slirp_cb_timer_new_opaque,
};

/* ---- The poll source ---- */

static GIOCondition slirp_to_gio(int events)
{
    return (events & SLIRP_POLL_IN ? G_IO_IN : 0) |
           (events & SLIRP_POLL_OUT ? G_IO_OUT : 0) |
           (events & SLIRP_POLL_PRI ? G_IO_PRI : 0) |
           (events & SLIRP_POLL_ERR ? G_IO_ERR : 0) |
           (events & SLIRP_POLL_HUP ? G_IO_HUP : 0);
}

static int gio_to_slirp(GIOCondition cond)
{
    return (cond & G_IO_IN ? SLIRP_POLL_IN : 0) |
           (cond & G_IO_OUT ? SLIRP_POLL_OUT : 0) |
           (cond & G_IO_PRI ? SLIRP_POLL_PRI : 0) |
           (cond & G_IO_ERR ? SLIRP_POLL_ERR : 0) |
           (cond & G_IO_HUP ? SLIRP_POLL_HUP : 0);
}

static int slirp_add_poll(int fd, int events, void *opaque)
{
    SlirpPollSource *ps = opaque;
    SlirpPollEntry *e = g_hash_table_lookup(ps->entries, GINT_TO_POINTER(fd));
    GIOCondition cond = slirp_to_gio(events);

    if (!e) {
        e = g_new0(SlirpPollEntry, 1);
        e->tag = g_source_add_unix_fd(&ps->source, fd, cond);
        e->cond = cond;
        g_hash_table_insert(ps->entries, GINT_TO_POINTER(fd), e);
    } else if (e->cond != cond) {
        /* Only on a change: GLib wakes the loop on every modify. */
        g_source_modify_unix_fd(&ps->source, e->tag, cond);
        e->cond = cond;
    }
    e->used = true;
    g_ptr_array_add(ps->round, e->tag);
    return ps->round->len - 1;
}

static gboolean drop_unused(gpointer key, gpointer value, gpointer opaque)
{
    SlirpPollSource *ps = opaque;
    SlirpPollEntry *e = value;

    if (e->used) {
        e->used = false;
        return FALSE;
    }
    g_source_remove_unix_fd(&ps->source, e->tag);
    return TRUE;
}

static gboolean slirp_poll_prepare(GSource *source, gint *timeout)
{
    SlirpPollSource *ps = (SlirpPollSource *)source;
    uint32_t ms = UINT32_MAX;

    g_ptr_array_set_size(ps->round, 0);
    slirp_pollfds_fill(ps->s->slirp, &ms, slirp_add_poll, ps);
    /* Entries left unused are sockets slirp closed. */
    g_hash_table_foreach_remove(ps->entries, drop_unused, ps);
    *timeout = ms == UINT32_MAX ? -1 : (gint)MIN(ms, (uint32_t)G_MAXINT);
    ps->deadline_us =
        ms == UINT32_MAX ? -1 : g_source_get_time(source) + (gint64)ms * 1000;
    return ms == 0;
}

/*
 * Dispatch when a socket is ready or when slirp's timeout (its TCP timers,
 * frames waiting for an ARP answer) has passed.  Not on every loop turn:
 * GLib blocks and unblocks a dispatched source's fds, which wakes the loop,
 * so dispatching unconditionally made the main loop spin at 100% CPU.
 */
static gboolean slirp_poll_check(GSource *source)
{
    SlirpPollSource *ps = (SlirpPollSource *)source;

    if (g_atomic_int_get(&ps->kick) ||
        (ps->deadline_us >= 0 &&
         g_source_get_time(source) >= ps->deadline_us)) {
        return TRUE;
    }
    for (guint i = 0; i < ps->round->len; i++) {
        if (g_source_query_unix_fd(source, ps->round->pdata[i])) {
            return TRUE;
        }
    }
    return FALSE;
}

static int slirp_get_revents(int idx, void *opaque)
{
    SlirpPollSource *ps = opaque;

    if (idx < 0 || (guint)idx >= ps->round->len) {
        return 0;
    }
    return gio_to_slirp(
        g_source_query_unix_fd(&ps->source, ps->round->pdata[idx]));
}

static gboolean slirp_poll_dispatch(GSource *source, GSourceFunc cb,
                                    gpointer data)
{
    SlirpPollSource *ps = (SlirpPollSource *)source;

    g_atomic_int_set(&ps->kick, 0);
    slirp_pollfds_poll(ps->s->slirp, 0, slirp_get_revents, ps);
    /* The tags of this round may be stale once slirp closed sockets. */
    g_ptr_array_set_size(ps->round, 0);
    return G_SOURCE_CONTINUE;
}

static void slirp_poll_finalize(GSource *source)
{
    SlirpPollSource *ps = (SlirpPollSource *)source;

    g_hash_table_destroy(ps->entries);
    g_ptr_array_free(ps->round, TRUE);
}

static GSourceFuncs slirp_poll_funcs = {
    .prepare = slirp_poll_prepare,
    .check = slirp_poll_check,
    .dispatch = slirp_poll_dispatch,
    .finalize = slirp_poll_finalize,
};

/* ---- The client ---- */

static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf,
                                 size_t size)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    slirp_input(s->slirp, buf, size);
    /* Answers and queued frames go out from the poll source's dispatch. */
    slirp_kick(s);
    return size;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpState *s = container_of(nc, SlirpState, nc);

    if (s->poll) {
        g_source_destroy(&s->poll->source);
        g_source_unref(&s->poll->source);
    }
    if (s->slirp) {
        slirp_cleanup(s->slirp);
    }
}

static const NetClientInfo net_slirp_info = {
    .type = NET_CLIENT_DRIVER_USER,
    .size = sizeof(SlirpState),
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

/* ---- Options ---- */

static bool parse_ip4(const char *ctx, const char *key, const char *str,
                      struct in_addr *out, Error **errp)
{
    if (!inet_pton(AF_INET, str, out)) {
        error_setg(errp, "%s: invalid IPv4 address '%s' for '%s'", ctx, str,
                   key);
        return false;
    }
    return true;
}

/* net=ADDR[/BITS|/MASK]; without a mask, QEMU's classful guess. */
static bool parse_net(const char *ctx, const char *str, struct in_addr *net,
                      struct in_addr *mask, Error **errp)
{
    g_autofree char *addr = g_strdup(str);
    char *slash = strchr(addr, '/');
    uint32_t a, m;

    if (slash) {
        *slash++ = '\0';
    }
    if (!parse_ip4(ctx, "net", addr, net, errp)) {
        return false;
    }
    a = ntohl(net->s_addr);
    if (!slash) {
        if (!(a & 0x80000000)) {
            m = 0xff000000;
        } else if ((a & 0xfff00000) == 0xac100000) {
            m = 0xfff00000;
        } else if ((a & 0xc0000000) == 0x80000000) {
            m = 0xffff0000;
        } else if ((a & 0xffff0000) == 0xc0a80000) {
            m = 0xffff0000;
        } else if ((a & 0xe0000000) == 0xe0000000) {
            m = 0xffffff00;
        } else {
            m = 0xfffffff0;
        }
    } else if (strchr(slash, '.')) {
        struct in_addr ma;

        if (!parse_ip4(ctx, "net", slash, &ma, errp)) {
            return false;
        }
        m = ntohl(ma.s_addr);
    } else {
        uint64_t bits;

        if (!parse_uint64_full(slash, &bits, 10) || bits < 1 || bits > 30) {
            error_setg(errp,
                       "%s: invalid netmask '/%s' for 'net' (use 1 to "
                       "30 bits)",
                       ctx, slash);
            return false;
        }
        m = 0xffffffffu << (32 - bits);
    }
    mask->s_addr = htonl(m);
    net->s_addr &= mask->s_addr;
    return true;
}

/* @addr must be a host address inside net/mask. */
static bool check_in_net(const char *ctx, const char *key, struct in_addr addr,
                         struct in_addr net, struct in_addr mask, Error **errp)
{
    if ((addr.s_addr & mask.s_addr) != net.s_addr ||
        addr.s_addr == net.s_addr ||
        addr.s_addr == (net.s_addr | ~mask.s_addr)) {
        char buf[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &addr, buf, sizeof(buf));
        error_setg(errp,
                   "%s: '%s' address %s is not a host address in the "
                   "guest network",
                   ctx, key, buf);
        return false;
    }
    return true;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool add_hostfwd(SlirpState *s, const char *ctx, const char *rule,
                        struct in_addr default_guest, Error **errp)
{
    g_auto(GStrv) sides = g_strsplit(rule, "-", 2);
    g_auto(GStrv) h = NULL;
    g_auto(GStrv) g = NULL;
    struct in_addr haddr = {.s_addr = INADDR_ANY}, gaddr = default_guest;
    uint64_t hport, gport;
    bool udp;

    if (g_strv_length(sides) != 2) {
        goto bad;
    }
    h = g_strsplit(sides[0], ":", 3);
    g = g_strsplit(sides[1], ":", 2);
    if (g_strv_length(h) != 3 || g_strv_length(g) != 2) {
        goto bad;
    }
    if (!strcmp(h[0], "tcp") || !h[0][0]) {
        udp = false;
    } else if (!strcmp(h[0], "udp")) {
        udp = true;
    } else {
        goto bad;
    }
    if ((h[1][0] && !inet_pton(AF_INET, h[1], &haddr)) ||
        (g[0][0] && !inet_pton(AF_INET, g[0], &gaddr)) ||
        !parse_uint64_full(h[2], &hport, 10) || hport > 65535 ||
        !parse_uint64_full(g[1], &gport, 10) || gport < 1 || gport > 65535) {
        goto bad;
    }
    if (slirp_add_hostfwd(s->slirp, udp, haddr, hport, gaddr, gport) < 0) {
        error_setg_errno(errp, errno,
                         "%s: could not set up host forwarding "
                         "rule '%s'",
                         ctx, rule);
        return false;
    }
    return true;

bad:
    error_setg(errp,
               "%s: invalid host forwarding rule '%s' (use "
               "[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)",
               ctx, rule);
    return false;
}

/* tcp:[server]:port-cmd:COMMAND */
static bool add_guestfwd(SlirpState *s, const char *ctx, const char *rule,
                         struct in_addr net, Error **errp)
{
    const char *dash = strchr(rule, '-');
    g_autofree char *left = dash ? g_strndup(rule, dash - rule) : NULL;
    g_auto(GStrv) parts = left ? g_strsplit(left, ":", 3) : NULL;
    struct in_addr server = {.s_addr = net.s_addr | htonl(0x64)};
    uint64_t port;

    if (!parts || g_strv_length(parts) != 3 || strcmp(parts[0], "tcp") ||
        (parts[1][0] && !inet_pton(AF_INET, parts[1], &server)) ||
        !parse_uint64_full(parts[2], &port, 10) || port < 1 || port > 65535) {
        error_setg(errp,
                   "%s: invalid guest forwarding rule '%s' (use "
                   "tcp:[server]:port-cmd:COMMAND)",
                   ctx, rule);
        return false;
    }
    if (!g_str_has_prefix(dash + 1, "cmd:") || !dash[5]) {
        error_setg(errp,
                   "%s: guestfwd rule '%s': only forwarding to a command "
                   "is supported (tcp:[server]:port-cmd:COMMAND)",
                   ctx, rule);
        return false;
    }
    if (slirp_add_exec(s->slirp, dash + 5, &server, port) < 0) {
        error_setg(errp,
                   "%s: could not set up guest forwarding rule '%s' (the "
                   "server must be in the guest network, not the host or "
                   "DNS address, and the port unused)",
                   ctx, rule);
        return false;
    }
    return true;
}

static bool parse_ip6_prefix(const char *ctx, const char *str,
                             struct in6_addr *prefix, uint8_t *len,
                             Error **errp)
{
    g_autofree char *addr = g_strdup(str);
    char *slash = strchr(addr, '/');
    uint64_t bits = 64;

    if (slash) {
        *slash++ = '\0';
        if (!parse_uint64_full(slash, &bits, 10) || bits > 126) {
            goto bad;
        }
    }
    if (!inet_pton(AF_INET6, addr, prefix)) {
        goto bad;
    }
    *len = bits;
    return true;

bad:
    error_setg(errp, "%s: invalid IPv6 prefix '%s' for 'ipv6-net'", ctx, str);
    return false;
}

NetClientState *net_init_slirp(NetState *ns, KemuOpts *opts, const char *id,
                               Error **errp)
{
    const char *ctx = kemu_opts_context(opts);
    const char *net_str = kemu_opts_get(opts, "net");
    const char *host_str = kemu_opts_get(opts, "host");
    const char *dhcp_str = kemu_opts_get(opts, "dhcpstart");
    const char *dns_str = kemu_opts_get(opts, "dns");
    const char *hostname = kemu_opts_get(opts, "hostname");
    const char *domainname = kemu_opts_get(opts, "domainname");
    const char *tftp = kemu_opts_get(opts, "tftp");
    const char *bootfile = kemu_opts_get(opts, "bootfile");
    const char *tftp_server = kemu_opts_get(opts, "tftp-server-name");
    const char *ip6_net = kemu_opts_get(opts, "ipv6-net");
    const char *ip6_host = kemu_opts_get(opts, "ipv6-host");
    const char *ip6_dns = kemu_opts_get(opts, "ipv6-dns");
    g_autoptr(GPtrArray) hostfwd = g_ptr_array_new();
    g_autoptr(GPtrArray) guestfwd = g_ptr_array_new();
    g_autoptr(GPtrArray) dnssearch = g_ptr_array_new();
    SlirpConfig cfg = {.version = 4};
    struct in_addr net, mask, host, dhcp, dns;
    bool restrict_on, ipv4, ipv6;
    KemuOptsIter it;
    const char *key, *value;
    char net_buf[INET_ADDRSTRLEN];
    SlirpState *s;
    SlirpPollSource *ps;

    kemu_opts_iter_init(&it, opts, "hostfwd");
    while (kemu_opts_iter_next(&it, &key, &value)) {
        g_ptr_array_add(hostfwd, (gpointer)value);
    }
    kemu_opts_iter_init(&it, opts, "guestfwd");
    while (kemu_opts_iter_next(&it, &key, &value)) {
        g_ptr_array_add(guestfwd, (gpointer)value);
    }
    kemu_opts_iter_init(&it, opts, "dnssearch");
    while (kemu_opts_iter_next(&it, &key, &value)) {
        g_ptr_array_add(dnssearch, (gpointer)value);
    }
    g_ptr_array_add(dnssearch, NULL);
    if (!kemu_opts_get_bool(opts, "restrict", false, &restrict_on, errp) ||
        !kemu_opts_get_bool(opts, "ipv4", true, &ipv4, errp) ||
        !kemu_opts_get_bool(opts, "ipv6", true, &ipv6, errp) ||
        !kemu_opts_check_unused(opts, errp)) {
        return NULL;
    }
    if (!ipv4 && !ipv6) {
        error_setg(errp, "%s: ipv4=off and ipv6=off leave no network", ctx);
        return NULL;
    }

    if (!parse_net(ctx, net_str ? net_str : "10.0.2.0/24", &net, &mask, errp)) {
        return NULL;
    }
    host.s_addr = net.s_addr | htonl(0x02);
    dhcp.s_addr = net.s_addr | htonl(0x0f);
    dns.s_addr = net.s_addr | htonl(0x03);
    if ((host_str && !parse_ip4(ctx, "host", host_str, &host, errp)) ||
        (dhcp_str && !parse_ip4(ctx, "dhcpstart", dhcp_str, &dhcp, errp)) ||
        (dns_str && !parse_ip4(ctx, "dns", dns_str, &dns, errp)) ||
        !check_in_net(ctx, "host", host, net, mask, errp) ||
        !check_in_net(ctx, "dhcpstart", dhcp, net, mask, errp) ||
        !check_in_net(ctx, "dns", dns, net, mask, errp)) {
        return NULL;
    }
    if (host.s_addr == dns.s_addr || host.s_addr == dhcp.s_addr ||
        dns.s_addr == dhcp.s_addr) {
        error_setg(errp,
                   "%s: host, dns and dhcpstart must be different "
                   "addresses",
                   ctx);
        return NULL;
    }

    cfg.restricted = restrict_on;
    cfg.in_enabled = ipv4;
    cfg.vnetwork = net;
    cfg.vnetmask = mask;
    cfg.vhost = host;
    cfg.vdhcp_start = dhcp;
    cfg.vnameserver = dns;
    cfg.in6_enabled = ipv6;
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    cfg.vprefix_len = 64;
    if (ip6_net && !parse_ip6_prefix(ctx, ip6_net, &cfg.vprefix_addr6,
                                     &cfg.vprefix_len, errp)) {
        return NULL;
    }
    cfg.vhost6 = cfg.vprefix_addr6;
    cfg.vhost6.s6_addr[15] |= 2;
    cfg.vnameserver6 = cfg.vprefix_addr6;
    cfg.vnameserver6.s6_addr[15] |= 3;
    if (ip6_host && !inet_pton(AF_INET6, ip6_host, &cfg.vhost6)) {
        error_setg(errp, "%s: invalid IPv6 address '%s' for 'ipv6-host'", ctx,
                   ip6_host);
        return NULL;
    }
    if (ip6_dns && !inet_pton(AF_INET6, ip6_dns, &cfg.vnameserver6)) {
        error_setg(errp, "%s: invalid IPv6 address '%s' for 'ipv6-dns'", ctx,
                   ip6_dns);
        return NULL;
    }
    cfg.vhostname = hostname;
    cfg.vdomainname = domainname;
    cfg.vdnssearch =
        dnssearch->len > 1 ? (const char **)dnssearch->pdata : NULL;
    cfg.tftp_path = tftp;
    cfg.bootfile = bootfile;
    cfg.tftp_server_name = tftp_server;

    s = (SlirpState *)qemu_new_net_client(&net_slirp_info, NULL, "user", id,
                                          ns);
    s->loop = net_state_get_loop(ns);
    s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "%s: libslirp refused the configuration", ctx);
        qemu_del_net_client(&s->nc);
        return NULL;
    }
    ps = (SlirpPollSource *)g_source_new(&slirp_poll_funcs,
                                         sizeof(SlirpPollSource));
    ps->s = s;
    ps->entries = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    ps->round = g_ptr_array_new();
    ps->deadline_us = -1;
    g_source_set_name(&ps->source, "kemu-slirp");
    g_source_attach(&ps->source, main_loop_get_context(s->loop));
    s->poll = ps;

    for (guint i = 0; i < hostfwd->len; i++) {
        if (!add_hostfwd(s, ctx, hostfwd->pdata[i], dhcp, errp)) {
            qemu_del_net_client(&s->nc);
            return NULL;
        }
    }
    for (guint i = 0; i < guestfwd->len; i++) {
        if (!add_guestfwd(s, ctx, guestfwd->pdata[i], net, errp)) {
            qemu_del_net_client(&s->nc);
            return NULL;
        }
    }
    inet_ntop(AF_INET, &net, net_buf, sizeof(net_buf));
    qemu_set_info_str(&s->nc, "net=%s,restrict=%s", net_buf,
                      restrict_on ? "on" : "off");
    return &s->nc;
}
