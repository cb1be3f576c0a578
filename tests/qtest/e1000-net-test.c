/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 on real backends, with the test playing the guest's network
 * stack through the rings: -netdev user (libslirp) hands out an address by
 * DHCP, carries a TCP connection from the host's loopback into the guest
 * (hostfwd) and one from the guest to a listener on the host's loopback
 * (via 10.0.2.2); -netdev tap inside a network namespace the test makes
 * passes frames both ways and lets the namespace's kernel answer ARP and
 * ping.  Nothing leaves loopback or the namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include "tests/qtest/libqos/e1000.h"
#include "tests/qtest/libqos/net-socket.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define E1000_SLOT 4
#define WAIT_MS    5000

#define ETH_HDR      14
#define IP_HDR       20
#define UDP_HDR      8
#define TCP_HDR      20
#define ETHERTYPE_EX 0x88b5 /* IEEE local experimental */

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

/* slirp's defaults */
#define SLIRP_GUEST IP4(10, 0, 2, 15)
#define SLIRP_HOST  IP4(10, 0, 2, 2)
#define SLIRP_DNS   IP4(10, 0, 2, 3)
#define SLIRP_MASK  IP4(255, 255, 255, 0)

/* the tap test's subnet: the namespace's side and the guest's */
#define TAP_HOST  IP4(192, 168, 76, 1)
#define TAP_GUEST IP4(192, 168, 76, 2)

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* The guest side: the NIC and what its IPv4 stack knows. */
typedef struct NetGuest {
    QE1000 nic;
    uint32_t ip;     /* 0 until configured */
    uint16_t ip_id;  /* next IPv4 identification */
    uint32_t arp_ip; /* an ARP reply we wait for */
    uint8_t arp_mac[6];
    bool arp_done;
} NetGuest;

/* A received IPv4 packet, its headers checked. */
typedef struct Pkt {
    uint8_t frame[QE1000_BUF_SIZE];
    size_t len;
    uint32_t src, dst;
    uint8_t proto;
    uint8_t *l4;
    size_t l4len;
} Pkt;

/* A TCP connection as the guest's end sees it. */
typedef struct TcpConn {
    uint32_t lip, rip;
    uint16_t lport, rport;
    uint32_t snd_nxt, rcv_nxt;
    uint8_t rmac[6];
} TcpConn;

/* A received TCP segment (pointing into a Pkt). */
typedef struct TcpSeg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    const uint8_t *data;
    size_t len;
} TcpSeg;

/* ---- Bytes and checksums ---- */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* The TCP/UDP sum over the IPv4 pseudo-header and @len bytes at @l4. */
static uint16_t l4_sum(uint32_t src, uint32_t dst, uint8_t proto,
                       const uint8_t *l4, size_t len)
{
    uint8_t ph[12];

    put32(ph, src);
    put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = proto;
    put16(ph + 10, len);
    return qnet_csum_fold(qnet_csum_add(qnet_csum_add(0, ph, 12), l4, len));
}

/* ---- Frames ---- */

/*
 * Ethernet and IPv4 headers for @l4len bytes of @proto from @src to @dst;
 * returns where the layer-4 header goes.
 */
static uint8_t *put_eth_ip(NetGuest *g, uint8_t *f, const uint8_t *dst_mac,
                           uint32_t src, uint32_t dst, uint8_t proto,
                           size_t l4len)
{
    uint8_t *ip = f + ETH_HDR;

    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, ETHERTYPE_IP);
    memset(ip, 0, IP_HDR);
    ip[0] = 0x45;
    put16(ip + 2, IP_HDR + l4len);
    put16(ip + 4, g->ip_id++);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, ~qnet_csum_fold(qnet_csum_add(0, ip, IP_HDR)));
    return ip + IP_HDR;
}

static void guest_send(NetGuest *g, const uint8_t *f, size_t len)
{
    uint8_t padded[60] = {0};

    if (len < sizeof(padded)) {
        memcpy(padded, f, len);
        f = padded;
        len = sizeof(padded);
    }
    CU_ASSERT_TRUE_FATAL(qe1000_send(&g->nic, f, len, WAIT_MS));
}

static void arp_send(NetGuest *g, uint16_t op, const uint8_t *dst_mac,
                     const uint8_t *tha, uint32_t tpa)
{
    uint8_t f[ETH_HDR + 28];
    uint8_t *a = f + ETH_HDR;

    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, ETHERTYPE_ARP);
    put16(a, 1);          /* Ethernet */
    put16(a + 2, 0x0800); /* IPv4 */
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, guest_mac, 6);
    put32(a + 14, g->ip);
    memcpy(a + 18, tha, 6);
    put32(a + 24, tpa);
    guest_send(g, f, sizeof(f));
}

/* An ARP frame: answer requests for our address, note awaited replies. */
static void arp_input(NetGuest *g, const uint8_t *f, size_t len)
{
    const uint8_t *a = f + ETH_HDR;

    if (len < ETH_HDR + 28 || get16(a) != 1 || get16(a + 2) != 0x0800) {
        return;
    }
    if (get16(a + 6) == 1 && g->ip && get32(a + 24) == g->ip) {
        arp_send(g, 2, a + 8, a + 8, get32(a + 14));
    } else if (get16(a + 6) == 2 && get32(a + 14) == g->arp_ip) {
        CU_ASSERT_EQUAL(memcmp(a + 18, guest_mac, 6), 0);
        CU_ASSERT_EQUAL(get32(a + 24), g->ip);
        memcpy(g->arp_mac, a + 8, 6);
        g->arp_done = true;
    }
}

/* Check an IPv4 frame's headers and checksums; fills @p's fields. */
static bool parse_ipv4(Pkt *p)
{
    uint8_t *ip = p->frame + ETH_HDR;
    size_t ihl, total;

    if (p->len < ETH_HDR + IP_HDR || get16(p->frame + 12) != ETHERTYPE_IP ||
        ip[0] >> 4 != 4) {
        return false;
    }
    ihl = (ip[0] & 0xf) * 4;
    total = get16(ip + 2);
    CU_ASSERT_FATAL(ihl >= IP_HDR && total >= ihl && total <= p->len - ETH_HDR);
    CU_ASSERT_EQUAL(qnet_csum_fold(qnet_csum_add(0, ip, ihl)), 0xffff);
    p->src = get32(ip + 12);
    p->dst = get32(ip + 16);
    p->proto = ip[9];
    p->l4 = ip + ihl;
    p->l4len = total - ihl;
    if (p->proto == IPPROTO_TCP ||
        (p->proto == IPPROTO_UDP && p->l4len >= UDP_HDR &&
         get16(p->l4 + 6) != 0)) {
        CU_ASSERT_EQUAL(l4_sum(p->src, p->dst, p->proto, p->l4, p->l4len),
                        0xffff);
    }
    return true;
}

/*
 * Receive until an IPv4 packet of @proto for us (or broadcast) arrives,
 * to layer-4 port @dport (0: any) for TCP and UDP; ARP is handled on the
 * way and anything else (IPv6 chatter) skipped.  False on timeout.
 */
static bool guest_recv(NetGuest *g, uint8_t proto, uint16_t dport, Pkt *p,
                       int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000LL;

    for (;;) {
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        ssize_t n;

        if (left < 0) {
            return false;
        }
        n = qe1000_recv(&g->nic, p->frame, sizeof(p->frame), left);
        if (n < 0) {
            return false;
        }
        p->len = n;
        if (n >= ETH_HDR && get16(p->frame + 12) == ETHERTYPE_ARP) {
            arp_input(g, p->frame, n);
            continue;
        }
        if (!parse_ipv4(p) || p->proto != proto) {
            continue;
        }
        if (g->ip && p->dst != g->ip && p->dst != 0xffffffff) {
            continue;
        }
        if (dport && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) &&
            (p->l4len < 4 || get16(p->l4 + 2) != dport)) {
            continue;
        }
        return true;
    }
}

/* Ask who has @ip; the MAC of the answer, or fail the test. */
static void arp_resolve(NetGuest *g, uint32_t ip, uint8_t *mac)
{
    static const uint8_t zero[6];
    Pkt *p = g_new(Pkt, 1);

    g->arp_ip = ip;
    g->arp_done = false;
    arp_send(g, 1, bcast_mac, zero, ip);
    /* guest_recv handles the reply; wait for anything else in between. */
    for (gint64 end = g_get_monotonic_time() + WAIT_MS * 1000LL;
         !g->arp_done && g_get_monotonic_time() < end;) {
        guest_recv(g, 0xff, 0, p, 50);
    }
    g_free(p);
    CU_ASSERT_TRUE_FATAL(g->arp_done);
    memcpy(mac, g->arp_mac, 6);
}

/* ---- DHCP (RFC 2131) ---- */

#define BOOTP_SIZE   548 /* with the 312-byte options field */
#define BOOTP_VEND   236
#define DHCP_COOKIE  0x63825363
#define DHCPDISCOVER 1
#define DHCPOFFER    2
#define DHCPREQUEST  3
#define DHCPACK      5

typedef struct DhcpReply {
    uint8_t type;
    uint32_t yiaddr, server_id, router, mask, dns;
    uint8_t server_mac[6];
} DhcpReply;

static void dhcp_send(NetGuest *g, uint8_t type, uint32_t xid, uint32_t req_ip,
                      uint32_t server)
{
    uint8_t f[ETH_HDR + IP_HDR + UDP_HDR + BOOTP_SIZE] = {0};
    uint8_t *udp = put_eth_ip(g, f, bcast_mac, 0, 0xffffffff, IPPROTO_UDP,
                              UDP_HDR + BOOTP_SIZE);
    uint8_t *bp = udp + UDP_HDR, *opt = bp + BOOTP_VEND + 4;

    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, UDP_HDR + BOOTP_SIZE);
    bp[0] = 1; /* BOOTREQUEST */
    bp[1] = 1; /* Ethernet */
    bp[2] = 6;
    put32(bp + 4, xid);
    put16(bp + 10, 0x8000); /* reply by broadcast */
    memcpy(bp + 28, guest_mac, 6);
    put32(bp + BOOTP_VEND, DHCP_COOKIE);
    *opt++ = 53;
    *opt++ = 1;
    *opt++ = type;
    if (req_ip) {
        *opt++ = 50;
        *opt++ = 4;
        put32(opt, req_ip);
        opt += 4;
    }
    if (server) {
        *opt++ = 54;
        *opt++ = 4;
        put32(opt, server);
        opt += 4;
    }
    *opt++ = 55; /* parameter request: mask, router, DNS */
    *opt++ = 3;
    *opt++ = 1;
    *opt++ = 3;
    *opt++ = 6;
    *opt = 255;
    put16(udp + 6,
          ~l4_sum(0, 0xffffffff, IPPROTO_UDP, udp, UDP_HDR + BOOTP_SIZE));
    guest_send(g, f, sizeof(f));
}

/* The next DHCP reply for @xid; fails the test if none comes. */
static DhcpReply dhcp_recv(NetGuest *g, uint32_t xid)
{
    Pkt *p = g_new(Pkt, 1);
    DhcpReply r = {0};
    const uint8_t *bp, *opt, *end;

    CU_ASSERT_TRUE_FATAL(guest_recv(g, IPPROTO_UDP, 68, p, WAIT_MS));
    bp = p->l4 + UDP_HDR;
    CU_ASSERT_FATAL(p->l4len >= UDP_HDR + BOOTP_VEND + 4);
    CU_ASSERT_EQUAL(get16(p->l4), 67);
    CU_ASSERT_EQUAL(bp[0], 2); /* BOOTREPLY */
    CU_ASSERT_EQUAL(get32(bp + 4), xid);
    CU_ASSERT_EQUAL(memcmp(bp + 28, guest_mac, 6), 0);
    CU_ASSERT_EQUAL(get32(bp + BOOTP_VEND), DHCP_COOKIE);
    r.yiaddr = get32(bp + 16);
    memcpy(r.server_mac, p->frame + 6, 6);
    opt = bp + BOOTP_VEND + 4;
    end = p->l4 + p->l4len;
    while (opt < end && *opt != 255) {
        if (*opt == 0) {
            opt++;
            continue;
        }
        CU_ASSERT_FATAL(opt + 2 <= end && opt + 2 + opt[1] <= end);
        switch (opt[0]) {
        case 53:
            r.type = opt[2];
            break;
        case 54:
            r.server_id = get32(opt + 2);
            break;
        case 3:
            r.router = get32(opt + 2);
            break;
        case 1:
            r.mask = get32(opt + 2);
            break;
        case 6:
            r.dns = get32(opt + 2);
            break;
        }
        opt += 2 + opt[1];
    }
    g_free(p);
    return r;
}

/* DISCOVER, OFFER, REQUEST, ACK; the guest then has slirp's address. */
static DhcpReply dhcp_lease(NetGuest *g)
{
    const uint32_t xid = 0x6b656d75;
    DhcpReply offer, ack;

    dhcp_send(g, DHCPDISCOVER, xid, 0, 0);
    offer = dhcp_recv(g, xid);
    CU_ASSERT_EQUAL_FATAL(offer.type, DHCPOFFER);
    CU_ASSERT_EQUAL(offer.yiaddr, SLIRP_GUEST);
    CU_ASSERT_EQUAL(offer.server_id, SLIRP_HOST);
    dhcp_send(g, DHCPREQUEST, xid, offer.yiaddr, offer.server_id);
    ack = dhcp_recv(g, xid);
    CU_ASSERT_EQUAL_FATAL(ack.type, DHCPACK);
    CU_ASSERT_EQUAL_FATAL(ack.yiaddr, SLIRP_GUEST);
    g->ip = ack.yiaddr;
    return ack;
}

/* ---- TCP (RFC 793), just enough for one connection at a time ---- */

static void tcp_send(NetGuest *g, TcpConn *c, uint8_t flags, const void *data,
                     size_t len)
{
    size_t hlen = TCP_HDR + (flags & TCP_SYN ? 4 : 0);
    uint8_t *f = g_malloc0(ETH_HDR + IP_HDR + hlen + len);
    uint8_t *tcp =
        put_eth_ip(g, f, c->rmac, c->lip, c->rip, IPPROTO_TCP, hlen + len);

    put16(tcp, c->lport);
    put16(tcp + 2, c->rport);
    put32(tcp + 4, c->snd_nxt);
    put32(tcp + 8, flags & TCP_ACK ? c->rcv_nxt : 0);
    tcp[12] = hlen / 4 << 4;
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (flags & TCP_SYN) {
        tcp[20] = 2; /* MSS 1460 */
        tcp[21] = 4;
        put16(tcp + 22, 1460);
    }
    if (len) {
        memcpy(tcp + hlen, data, len); /* data may be NULL when len is 0 */
    }
    put16(tcp + 16, ~l4_sum(c->lip, c->rip, IPPROTO_TCP, tcp, hlen + len));
    guest_send(g, f, ETH_HDR + IP_HDR + hlen + len);
    g_free(f);
    c->snd_nxt += len + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
}

/* The next segment to our port of @c (lport), in @p; false on timeout. */
static bool tcp_recv(NetGuest *g, TcpConn *c, Pkt *p, TcpSeg *s, int timeout_ms)
{
    size_t hlen;

    if (!guest_recv(g, IPPROTO_TCP, c->lport, p, timeout_ms)) {
        return false;
    }
    CU_ASSERT_FATAL(p->l4len >= TCP_HDR);
    hlen = (p->l4[12] >> 4) * 4;
    CU_ASSERT_FATAL(hlen >= TCP_HDR && hlen <= p->l4len);
    s->sport = get16(p->l4);
    s->dport = get16(p->l4 + 2);
    s->seq = get32(p->l4 + 4);
    s->ack = get32(p->l4 + 8);
    s->flags = p->l4[13];
    s->data = p->l4 + hlen;
    s->len = p->l4len - hlen;
    CU_ASSERT_FALSE(s->flags & TCP_RST);
    return true;
}

/*
 * Receive @len bytes on @c into @buf (in order: slirp does not reorder on
 * loopback), acknowledging them; pure ACKs in between are skipped.  With
 * @fin, a FIN must follow the data.
 */
static void tcp_expect(NetGuest *g, TcpConn *c, void *buf, size_t len, bool fin)
{
    Pkt *p = g_new(Pkt, 1);
    uint8_t *out = buf;
    size_t got = 0;
    bool got_fin = false;
    TcpSeg s;

    while (got < len || (fin && !got_fin)) {
        CU_ASSERT_TRUE_FATAL(tcp_recv(g, c, p, &s, WAIT_MS));
        CU_ASSERT_EQUAL(s.sport, c->rport);
        CU_ASSERT_TRUE(s.flags & TCP_ACK);
        if (!s.len && !(s.flags & TCP_FIN)) {
            continue;
        }
        CU_ASSERT_EQUAL_FATAL(s.seq, c->rcv_nxt);
        CU_ASSERT_FATAL(got + s.len <= len);
        if (s.len) {
            memcpy(out + got, s.data, s.len); /* out is NULL for a bare FIN */
        }
        got += s.len;
        c->rcv_nxt += s.len;
        if (s.flags & TCP_FIN) {
            CU_ASSERT_TRUE_FATAL(fin);
            CU_ASSERT_EQUAL(got, len);
            c->rcv_nxt++;
            got_fin = true;
        }
        tcp_send(g, c, TCP_ACK, NULL, 0);
    }
    g_free(p);
}

/* ---- The host side ---- */

static int tcp_listener(uint16_t *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    CU_ASSERT_FATAL(listen(fd, 1) == 0);
    CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&a, &alen) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* A port on 127.0.0.1 that was free a moment ago. */
static uint16_t free_port(void)
{
    uint16_t port;
    int fd = tcp_listener(&port);

    close(fd);
    return port;
}

static bool fd_wait(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = {.fd = fd, .events = events};

    return poll(&pfd, 1, timeout_ms) == 1;
}

/* Read exactly @len bytes into @buf (NULL: expect EOF); false if not. */
static bool host_read(int fd, void *buf, size_t len)
{
    uint8_t *p = buf, extra;

    while (len) {
        ssize_t n;

        if (!fd_wait(fd, POLLIN, WAIT_MS)) {
            return false;
        }
        n = read(fd, p, len);
        if (n <= 0) {
            return false;
        }
        p += n;
        len -= n;
    }
    return buf || (fd_wait(fd, POLLIN, WAIT_MS) && read(fd, &extra, 1) == 0);
}

/* ---- Tests: -netdev user ---- */

static NetGuest *slirp_start(const char *netdev_opts)
{
    NetGuest *g = g_new0(NetGuest, 1);
    QTestState *qts;

    qts = qtest_initf("-netdev user,id=n0%s "
                      "-device e1000,netdev=n0,mac=52:54:00:12:34:56,"
                      "addr=%02x.0",
                      netdev_opts, E1000_SLOT);
    qe1000_init(&g->nic, qts, E1000_SLOT);
    qe1000_driver_init(&g->nic, 0);
    g->ip_id = 1;
    return g;
}

static void guest_stop(NetGuest *g)
{
    qtest_quit(g->nic.qts);
    qe1000_destroy(&g->nic);
    g_free(g);
}

static void test_slirp_dhcp(void)
{
    NetGuest *g = slirp_start("");
    DhcpReply ack = dhcp_lease(g);
    uint8_t mac[6];

    CU_ASSERT_EQUAL(ack.server_id, SLIRP_HOST);
    CU_ASSERT_EQUAL(ack.router, SLIRP_HOST);
    CU_ASSERT_EQUAL(ack.mask, SLIRP_MASK);
    CU_ASSERT_EQUAL(ack.dns, SLIRP_DNS);
    /* The gateway answers ARP from the leased address, with the MAC the
     * DHCP server used. */
    arp_resolve(g, SLIRP_HOST, mac);
    CU_ASSERT_EQUAL(memcmp(mac, ack.server_mac, 6), 0);
    guest_stop(g);
}

static void test_slirp_hostfwd(void)
{
    static const char to_guest[] = "GET / from the host's loopback\n";
    static const char to_host[] = "HTTP/1.0 200 from the guest's port 80\n";
    uint16_t port = free_port();
    g_autofree char *opts =
        g_strdup_printf(",hostfwd=tcp:127.0.0.1:%u-10.0.2.15:80", port);
    NetGuest *g = slirp_start(opts);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    TcpConn c = {.lip = SLIRP_GUEST, .lport = 80, .snd_nxt = 0x10000000};
    Pkt *p = g_new(Pkt, 1);
    char buf[64];
    TcpSeg s;
    int fd;

    dhcp_lease(g);
    /* The host connects to the forwarded port... */
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CU_ASSERT_FATAL(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
    /* ...and the guest's port 80 sees a SYN from the gateway. */
    CU_ASSERT_TRUE_FATAL(tcp_recv(g, &c, p, &s, WAIT_MS));
    CU_ASSERT_EQUAL_FATAL(s.flags & (TCP_SYN | TCP_ACK), TCP_SYN);
    CU_ASSERT_EQUAL(p->src, SLIRP_HOST);
    CU_ASSERT_EQUAL(p->dst, SLIRP_GUEST);
    CU_ASSERT_EQUAL(memcmp(p->frame, guest_mac, 6), 0);
    c.rip = p->src;
    c.rport = s.sport;
    c.rcv_nxt = s.seq + 1;
    memcpy(c.rmac, p->frame + 6, 6);
    tcp_send(g, &c, TCP_SYN | TCP_ACK, NULL, 0);
    /* Host to guest. */
    CU_ASSERT_FATAL(write(fd, to_guest, strlen(to_guest)) ==
                    (ssize_t)strlen(to_guest));
    tcp_expect(g, &c, buf, strlen(to_guest), false);
    CU_ASSERT_EQUAL(memcmp(buf, to_guest, strlen(to_guest)), 0);
    /* Guest to host. */
    tcp_send(g, &c, TCP_PSH | TCP_ACK, to_host, strlen(to_host));
    CU_ASSERT_TRUE(host_read(fd, buf, strlen(to_host)));
    CU_ASSERT_EQUAL(memcmp(buf, to_host, strlen(to_host)), 0);
    /* The host closes: the guest gets a FIN, answers with its own, and
     * the host reads end-of-file. */
    shutdown(fd, SHUT_WR);
    tcp_expect(g, &c, NULL, 0, true);
    tcp_send(g, &c, TCP_FIN | TCP_ACK, NULL, 0);
    CU_ASSERT_TRUE(host_read(fd, NULL, 0));
    close(fd);
    g_free(p);
    guest_stop(g);
}

static void test_slirp_to_host(void)
{
    static const char to_host[] = "hello from the guest to 10.0.2.2\n";
    static const char to_guest[] = "hello back from the host's loopback\n";
    NetGuest *g = slirp_start("");
    TcpConn c = {.lip = SLIRP_GUEST,
                 .lport = 40000,
                 .rip = SLIRP_HOST,
                 .snd_nxt = 0x20000000};
    Pkt *p = g_new(Pkt, 1);
    uint16_t port;
    int lfd, fd;
    char buf[64];
    TcpSeg s;

    lfd = tcp_listener(&port);
    c.rport = port;
    dhcp_lease(g);
    arp_resolve(g, SLIRP_HOST, c.rmac);
    /* SYN to 10.0.2.2: slirp connects to the host's 127.0.0.1. */
    tcp_send(g, &c, TCP_SYN, NULL, 0);
    CU_ASSERT_TRUE_FATAL(fd_wait(lfd, POLLIN, WAIT_MS));
    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_TRUE_FATAL(tcp_recv(g, &c, p, &s, WAIT_MS));
    CU_ASSERT_EQUAL_FATAL(s.flags & (TCP_SYN | TCP_ACK), TCP_SYN | TCP_ACK);
    CU_ASSERT_EQUAL(p->src, SLIRP_HOST);
    CU_ASSERT_EQUAL(s.sport, port);
    CU_ASSERT_EQUAL(s.ack, c.snd_nxt);
    c.rcv_nxt = s.seq + 1;
    tcp_send(g, &c, TCP_ACK, NULL, 0);
    /* Guest to host, host to guest. */
    tcp_send(g, &c, TCP_PSH | TCP_ACK, to_host, strlen(to_host));
    CU_ASSERT_TRUE(host_read(fd, buf, strlen(to_host)));
    CU_ASSERT_EQUAL(memcmp(buf, to_host, strlen(to_host)), 0);
    CU_ASSERT_FATAL(write(fd, to_guest, strlen(to_guest)) ==
                    (ssize_t)strlen(to_guest));
    tcp_expect(g, &c, buf, strlen(to_guest), false);
    CU_ASSERT_EQUAL(memcmp(buf, to_guest, strlen(to_guest)), 0);
    /* The guest closes; the host reads EOF, closes, the guest sees FIN. */
    tcp_send(g, &c, TCP_FIN | TCP_ACK, NULL, 0);
    CU_ASSERT_TRUE(host_read(fd, NULL, 0));
    close(fd);
    tcp_expect(g, &c, NULL, 0, true);
    close(lfd);
    g_free(p);
    guest_stop(g);
}

/* ---- Tests: -netdev tap in a network namespace ---- */

static int ifreq_ioctl(int fd, unsigned long req, struct ifreq *ifr)
{
    int r = ioctl(fd, req, ifr);

    if (r < 0) {
        printf("  ioctl %#lx on %s: %s\n", req, ifr->ifr_name, strerror(errno));
    }
    return r;
}

static void set_inaddr(struct sockaddr *sa, uint32_t ip)
{
    struct sockaddr_in *in = (struct sockaddr_in *)sa;

    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(ip);
}

/* Address ktap0 as TAP_HOST/24 and bring it up; its MAC into @mac. */
static bool tap_configure(int ifd, uint8_t *mac, int *ifindex)
{
    struct ifreq ifr = {0};

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "ktap0");
    if (ifreq_ioctl(ifd, SIOCGIFINDEX, &ifr) < 0) {
        return false;
    }
    *ifindex = ifr.ifr_ifindex;
    set_inaddr(&ifr.ifr_addr, TAP_HOST);
    if (ifreq_ioctl(ifd, SIOCSIFADDR, &ifr) < 0) {
        return false;
    }
    set_inaddr(&ifr.ifr_netmask, IP4(255, 255, 255, 0));
    if (ifreq_ioctl(ifd, SIOCSIFNETMASK, &ifr) < 0 ||
        ifreq_ioctl(ifd, SIOCGIFFLAGS, &ifr) < 0) {
        return false;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ifreq_ioctl(ifd, SIOCSIFFLAGS, &ifr) < 0 ||
        ifreq_ioctl(ifd, SIOCGIFHWADDR, &ifr) < 0) {
        return false;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return true;
}

/* The next frame of EtherType @type that arrived on ktap0 from kemu. */
static ssize_t packet_recv(int pfd, uint16_t type, uint8_t *buf, size_t max)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        struct sockaddr_ll from;
        socklen_t flen = sizeof(from);
        ssize_t n;

        if (!fd_wait(pfd, POLLIN, 100)) {
            continue;
        }
        n = recvfrom(pfd, buf, max, 0, (struct sockaddr *)&from, &flen);
        if (n >= ETH_HDR && from.sll_pkttype != PACKET_OUTGOING &&
            get16(buf + 12) == type) {
            return n;
        }
    }
    return -1;
}

static void test_tap_netns(void)
{
    static const uint8_t peer_mac[6] = {0x02, 0x00, 0x00, 0x76, 0x00, 0x01};
    NetGuest *g;
    Pkt *p;
    uint8_t frame[300], got[2048], tap_mac[6], mac[6], echo[64 + 8];
    g_autofree char *why = NULL;
    int orig_ns, pfd, ifd, ifindex = 0;
    struct sockaddr_ll ll = {.sll_family = AF_PACKET};
    ssize_t n;

    /*
     * A namespace of our own: kemu starts inside it, we come back out and
     * keep sockets in it; it goes away with the last of them.
     */
    orig_ns = qnet_netns_enter(&why);
    if (orig_ns < 0) {
        QTEST_SKIP("tap: %s", why);
    }
    g = g_new0(NetGuest, 1);
    g->nic.qts =
        qtest_initf("-netdev tap,id=n0,ifname=ktap0,script=no,downscript=no "
                    "-device e1000,netdev=n0,mac=52:54:00:12:34:56,addr=%02x.0",
                    E1000_SLOT);
    pfd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    ifd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    qnet_netns_leave(orig_ns);
    CU_ASSERT_FATAL(pfd >= 0 && ifd >= 0);
    CU_ASSERT_FATAL(tap_configure(ifd, tap_mac, &ifindex));
    ll.sll_protocol = htons(ETH_P_ALL);
    ll.sll_ifindex = ifindex;
    CU_ASSERT_FATAL(bind(pfd, (struct sockaddr *)&ll, sizeof(ll)) == 0);

    qe1000_init(&g->nic, g->nic.qts, E1000_SLOT);
    qe1000_driver_init(&g->nic, 0);
    g->ip = TAP_GUEST;
    g->ip_id = 1;
    p = g_new(Pkt, 1);

    /* A frame from the transmit ring arrives on ktap0, byte for byte. */
    memcpy(frame, peer_mac, 6);
    memcpy(frame + 6, guest_mac, 6);
    put16(frame + 12, ETHERTYPE_EX);
    for (size_t i = ETH_HDR; i < sizeof(frame); i++) {
        frame[i] = i * 7 + 1;
    }
    CU_ASSERT_TRUE_FATAL(qe1000_send(&g->nic, frame, sizeof(frame), WAIT_MS));
    n = packet_recv(pfd, ETHERTYPE_EX, got, sizeof(got));
    CU_ASSERT_EQUAL(n, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);

    /* A frame sent on ktap0 lands in the receive ring. */
    memcpy(frame, guest_mac, 6);
    memcpy(frame + 6, peer_mac, 6);
    for (size_t i = ETH_HDR; i < sizeof(frame); i++) {
        frame[i] = i * 11 + 3;
    }
    ll.sll_halen = 6;
    memcpy(ll.sll_addr, guest_mac, 6);
    CU_ASSERT_EQUAL(sendto(pfd, frame, sizeof(frame), 0, (struct sockaddr *)&ll,
                           sizeof(ll)),
                    sizeof(frame));
    do {
        n = qe1000_recv(&g->nic, got, sizeof(got), WAIT_MS);
    } while (n >= ETH_HDR && get16(got + 12) != ETHERTYPE_EX);
    CU_ASSERT_EQUAL(n, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);

    /* The namespace's kernel answers the guest's ARP and ping. */
    arp_resolve(g, TAP_HOST, mac);
    CU_ASSERT_EQUAL(memcmp(mac, tap_mac, 6), 0);
    {
        uint8_t f[ETH_HDR + IP_HDR + sizeof(echo)];
        uint8_t *icmp = put_eth_ip(g, f, mac, TAP_GUEST, TAP_HOST, IPPROTO_ICMP,
                                   sizeof(echo));

        icmp[0] = 8; /* echo request */
        icmp[1] = 0;
        put16(icmp + 2, 0);
        put16(icmp + 4, 0x6b65);
        put16(icmp + 6, 1);
        for (size_t i = 8; i < sizeof(echo); i++) {
            icmp[i] = i;
        }
        put16(icmp + 2, ~qnet_csum_fold(qnet_csum_add(0, icmp, sizeof(echo))));
        memcpy(echo, icmp, sizeof(echo));
        guest_send(g, f, sizeof(f));
    }
    CU_ASSERT_TRUE_FATAL(guest_recv(g, IPPROTO_ICMP, 0, p, WAIT_MS));
    CU_ASSERT_EQUAL(p->src, TAP_HOST);
    CU_ASSERT_EQUAL_FATAL(p->l4len, sizeof(echo));
    CU_ASSERT_EQUAL(p->l4[0], 0); /* echo reply */
    CU_ASSERT_EQUAL(qnet_csum_fold(qnet_csum_add(0, p->l4, p->l4len)), 0xffff);
    CU_ASSERT_EQUAL(memcmp(p->l4 + 4, echo + 4, sizeof(echo) - 4), 0);

    close(pfd);
    close(ifd);
    g_free(p);
    guest_stop(g);
}

QTEST_SUITE(e1000_net, QTEST_CASE(test_slirp_dhcp),
            QTEST_CASE(test_slirp_hostfwd), QTEST_CASE(test_slirp_to_host),
            QTEST_CASE(test_tap_netns));
