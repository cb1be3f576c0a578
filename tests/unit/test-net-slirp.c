/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev user (libslirp) seen from a fake NIC, driven by the main loop,
 * loopback only: a DHCP DISCOVER gets an OFFER of 10.0.2.15, an ARP for
 * the gateway 10.0.2.2 is answered, a TCP connection to a hostfwd port on
 * 127.0.0.1 reaches the guest as a SYN (then carries data both ways), and
 * a guest SYN to 10.0.2.2 connects to a listener on the host's 127.0.0.1.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

static const uint8_t guest_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define GUEST_IP        IP4(10, 0, 2, 15)
#define GW_IP           IP4(10, 0, 2, 2)

enum { TCP_FIN = 1, TCP_SYN = 2, TCP_PSH = 8, TCP_ACK = 16 };

/* ---- Frame building and parsing ---- */

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

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    if (len & 1) {
        sum += p[len - 1] << 8;
    }
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/* TCP/UDP checksum over the pseudo header and @l4 of @len bytes. */
static uint16_t l4_csum(const uint8_t *ip, const uint8_t *l4, size_t len)
{
    uint8_t pseudo[12];

    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = ip[9];
    put16(pseudo + 10, len);
    return fold(sum16(l4, len, sum16(pseudo, 12, 0)));
}

/* An Ethernet + IPv4 frame around @l4; the L4 checksum filled in. */
static size_t build_ip(uint8_t *f, const uint8_t *dst_mac, uint32_t src,
                       uint32_t dst, uint8_t proto, const uint8_t *l4,
                       size_t l4len)
{
    uint8_t *ip = f + 14, *p = ip + 20;

    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + l4len);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    memcpy(p, l4, l4len);
    if (proto == 6) {
        put16(p + 16, l4_csum(ip, p, l4len));
    }
    return 14 + 20 + l4len;
}

static size_t build_tcp(uint8_t *f, const uint8_t *dst_mac, uint32_t src,
                        uint16_t sport, uint32_t dst, uint16_t dport,
                        uint32_t seq, uint32_t ack, uint8_t flags,
                        const void *data, size_t len)
{
    uint8_t tcp[20 + 1460] = {0};

    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, seq);
    put32(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    put16(tcp + 14, 65535);
    if (len) {
        memcpy(tcp + 20, data, len);
    }
    return build_ip(f, dst_mac, src, dst, 6, tcp, 20 + len);
}

static size_t build_dhcp_discover(uint8_t *f, uint32_t xid)
{
    /* slirp wants the whole BOOTP structure: 236 + 312 option bytes. */
    uint8_t udp[8 + 548] = {0};
    uint8_t *bp = udp + 8;

    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, sizeof(udp));
    bp[0] = 1; /* BOOTREQUEST */
    bp[1] = 1; /* Ethernet */
    bp[2] = 6;
    put32(bp + 4, xid);
    memcpy(bp + 28, guest_mac, 6);
    put32(bp + 236, 0x63825363); /* the DHCP magic cookie */
    bp[240] = 53;                /* message type: DISCOVER */
    bp[241] = 1;
    bp[242] = 1;
    bp[243] = 255;
    return build_ip(f, bcast_mac, 0, 0xffffffff, 17, udp, sizeof(udp));
}

static size_t build_arp(uint8_t *f, uint16_t op, const uint8_t *dst_mac,
                        uint32_t sip, const uint8_t *tha, uint32_t tip)
{
    memset(f, 0, 60);
    memcpy(f, dst_mac, 6);
    memcpy(f + 6, guest_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, op);
    memcpy(f + 22, guest_mac, 6);
    put32(f + 28, sip);
    memcpy(f + 32, tha, 6);
    put32(f + 38, tip);
    return 60;
}

/* The IPv4 header of frame @fr, or NULL; its L4 part in *@l4, *@l4len. */
static const uint8_t *frame_ip(GByteArray *fr, uint8_t proto,
                               const uint8_t **l4, size_t *l4len)
{
    const uint8_t *ip = fr->data + 14;
    size_t ihl, tot;

    if (fr->len < 34 || get16(fr->data + 12) != 0x0800 || ip[9] != proto) {
        return NULL;
    }
    ihl = (ip[0] & 15) * 4;
    tot = get16(ip + 2);
    if (tot > fr->len - 14 || tot < ihl) {
        return NULL;
    }
    *l4 = ip + ihl;
    *l4len = tot - ihl;
    return ip;
}

/* ---- The fixture: a user netdev, a fake NIC, an ARP responder ---- */

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
    NetClientState *user;
    FakeNic *nic;
    guint seen;        /* frames already looked at by the responder */
    guint consumed;    /* frames before this one were matched past */
    uint8_t gw_mac[6]; /* learnt from slirp's frames */
    int hostfwd_port;
} Fixture;

static int free_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    return ntohs(sa.sin_port);
}

static void fixture_init(Fixture *fx)
{
    g_autofree char *arg = NULL;

    memset(fx, 0, sizeof(*fx));
    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
    fx->hostfwd_port = free_port();
    arg = g_strdup_printf("user,id=u0,ipv6=off,hostfwd=tcp:127.0.0.1:%d-:22",
                          fx->hostfwd_port);
    CU_ASSERT_PTR_NULL_FATAL(net_test_init(fx->ns, arg, true));
    fx->user = qemu_find_netdev(fx->ns, "u0");
    fx->nic = fake_nic_new(fx->user, NULL);
}

static void fixture_fini(Fixture *fx)
{
    fake_nic_free(fx->nic);
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
}

/* Answer slirp's ARP requests for the guest (outside slirp's callbacks). */
static void arp_responder(Fixture *fx)
{
    for (; fx->seen < fx->nic->rx->len; fx->seen++) {
        GByteArray *fr = fake_nic_frame(fx->nic, fx->seen);
        uint8_t reply[60];

        memcpy(fx->gw_mac, fr->data + 6, 6);
        if (fr->len >= 42 && get16(fr->data + 12) == 0x0806 &&
            get16(fr->data + 20) == 1 && get32(fr->data + 38) == GUEST_IP) {
            build_arp(reply, 2, fr->data + 6, GUEST_IP, fr->data + 22,
                      get32(fr->data + 28));
            qemu_send_packet(fx->nic->nc, reply, sizeof(reply));
        }
    }
}

typedef struct Wait {
    Fixture *fx;
    bool (*match)(GByteArray *fr, void *opaque);
    void *opaque;
    GByteArray *found;
    guint next; /* the next frame to match against */
} Wait;

static bool wait_done(void *opaque)
{
    Wait *w = opaque;

    arp_responder(w->fx);
    for (; !w->found && w->next < w->fx->nic->rx->len; w->next++) {
        GByteArray *fr = fake_nic_frame(w->fx->nic, w->next);

        if (w->match(fr, w->opaque)) {
            w->found = fr;
            w->fx->consumed = w->next + 1;
        }
    }
    return w->found != NULL;
}

/* The first frame after the last one matched that @match accepts. */
static GByteArray *wait_frame(Fixture *fx, bool (*match)(GByteArray *, void *),
                              void *opaque)
{
    Wait w = {fx, match, opaque, NULL, fx->consumed};

    net_test_wait(fx->ml, wait_done, &w, 5000);
    return w.found;
}

/* ---- DHCP and ARP ---- */

static bool is_dhcp_reply(GByteArray *fr, void *opaque)
{
    const uint8_t *udp;
    size_t len;

    return frame_ip(fr, 17, &udp, &len) && len >= 8 + 244 && get16(udp) == 67 &&
           get16(udp + 2) == 68 && get32(udp + 8 + 4) == *(uint32_t *)opaque;
}

/* The value of DHCP option @code in the BOOTP message @bp, or -1. */
static int dhcp_option(const uint8_t *bp, size_t len, uint8_t code)
{
    size_t off = 240;

    while (off + 2 <= len && bp[off] != 255) {
        if (bp[off] == 0) {
            off++;
            continue;
        }
        if (bp[off] == code) {
            return bp[off + 2];
        }
        off += 2 + bp[off + 1];
    }
    return -1;
}

static void test_dhcp_offer(void)
{
    Fixture fx;
    uint8_t f[700];
    uint32_t xid = 0x4b454d55;
    GByteArray *reply;
    const uint8_t *udp, *bp, *ip;
    size_t len;

    fixture_init(&fx);
    qemu_send_packet(fx.nic->nc, f, build_dhcp_discover(f, xid));
    reply = wait_frame(&fx, is_dhcp_reply, &xid);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
    ip = frame_ip(reply, 17, &udp, &len);
    bp = udp + 8;
    CU_ASSERT_EQUAL(bp[0], 2);                         /* BOOTREPLY */
    CU_ASSERT_EQUAL(get32(bp + 16), GUEST_IP);         /* yiaddr */
    CU_ASSERT_EQUAL(memcmp(bp + 28, guest_mac, 6), 0); /* chaddr */
    CU_ASSERT_EQUAL(get32(bp + 236), 0x63825363);
    CU_ASSERT_EQUAL(dhcp_option(bp, len - 8, 53), 2); /* OFFER */
    CU_ASSERT_EQUAL(get32(ip + 12), GW_IP);           /* from the gateway */
    CU_ASSERT_EQUAL(fold(sum16(ip, 20, 0)), 0);       /* IP checksum */
    fixture_fini(&fx);
}

static bool is_arp_reply(GByteArray *fr, void *opaque)
{
    return fr->len >= 42 && get16(fr->data + 12) == 0x0806 &&
           get16(fr->data + 20) == 2 && get32(fr->data + 28) == GW_IP;
}

static void test_arp_gateway(void)
{
    Fixture fx;
    uint8_t f[60];
    static const uint8_t zero[6];
    GByteArray *reply;

    fixture_init(&fx);
    build_arp(f, 1, bcast_mac, GUEST_IP, zero, GW_IP);
    qemu_send_packet(fx.nic->nc, f, sizeof(f));
    reply = wait_frame(&fx, is_arp_reply, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
    CU_ASSERT_EQUAL(memcmp(reply->data, guest_mac, 6), 0); /* to us */
    CU_ASSERT_EQUAL(memcmp(reply->data + 6, reply->data + 22, 6), 0);
    CU_ASSERT_EQUAL(memcmp(reply->data + 32, guest_mac, 6), 0);
    CU_ASSERT_EQUAL(get32(reply->data + 38), GUEST_IP);
    fixture_fini(&fx);
}

/* ---- TCP ---- */

typedef struct TcpMatch {
    uint16_t sport, dport;
    uint8_t flags; /* all of these set */
    bool with_data;
} TcpMatch;

static bool is_tcp(GByteArray *fr, void *opaque)
{
    TcpMatch *m = opaque;
    const uint8_t *tcp;
    size_t len;

    return frame_ip(fr, 6, &tcp, &len) && len >= 20 &&
           (!m->sport || get16(tcp) == m->sport) &&
           get16(tcp + 2) == m->dport && (tcp[13] & m->flags) == m->flags &&
           (!m->with_data || len > (size_t)(tcp[12] >> 4) * 4);
}

static int connect_nonblock(int port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connect(fd, (struct sockaddr *)&sa, sizeof(sa));
    return fd;
}

typedef struct FdRead {
    int fd;
    char buf[64];
    size_t len, want;
} FdRead;

static bool fd_read_done(void *opaque)
{
    FdRead *r = opaque;
    ssize_t n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);

    if (n > 0) {
        r->len += n;
    }
    return r->len >= r->want;
}

static void test_hostfwd_syn(void)
{
    Fixture fx;
    TcpMatch m = {0, 22, TCP_SYN, false};
    GByteArray *syn, *data;
    const uint8_t *ip, *tcp;
    size_t len;
    uint32_t isn, our_isn = 0x10000000;
    uint16_t sport;
    uint8_t f[200];
    FdRead r = {0};
    int fd;

    fixture_init(&fx);
    fd = connect_nonblock(fx.hostfwd_port);
    CU_ASSERT_TRUE_FATAL(fd >= 0);
    syn = wait_frame(&fx, is_tcp, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(syn);
    ip = frame_ip(syn, 6, &tcp, &len);
    CU_ASSERT_EQUAL(memcmp(syn->data, guest_mac, 6), 0);
    CU_ASSERT_EQUAL(get32(ip + 12), GW_IP);    /* the host, as 10.0.2.2 */
    CU_ASSERT_EQUAL(get32(ip + 16), GUEST_IP); /* dhcpstart by default */
    CU_ASSERT_EQUAL(fold(sum16(ip, 20, 0)), 0);
    CU_ASSERT_EQUAL(get16(tcp + 2), 22);
    CU_ASSERT_EQUAL(tcp[13] & 0x3f, TCP_SYN); /* SYN alone */
    CU_ASSERT_EQUAL(get32(tcp + 8), 0);
    CU_ASSERT_EQUAL(l4_csum(ip, tcp, len), 0); /* valid checksum */
    sport = get16(tcp);
    isn = get32(tcp + 4);

    /* Finish the handshake as the guest and send data to the host. */
    qemu_send_packet(fx.nic->nc, f,
                     build_tcp(f, fx.gw_mac, GUEST_IP, 22, GW_IP, sport,
                               our_isn, isn + 1, TCP_SYN | TCP_ACK, NULL, 0));
    qemu_send_packet(fx.nic->nc, f,
                     build_tcp(f, fx.gw_mac, GUEST_IP, 22, GW_IP, sport,
                               our_isn + 1, isn + 1, TCP_ACK | TCP_PSH,
                               "SSH-2.0-kemu\r\n", 14));
    r.fd = fd;
    r.want = 14;
    CU_ASSERT_TRUE(net_test_wait(fx.ml, fd_read_done, &r, 5000));
    CU_ASSERT_EQUAL(r.len, 14);
    CU_ASSERT_EQUAL(memcmp(r.buf, "SSH-2.0-kemu\r\n", 14), 0);

    /* And from the host to the guest. */
    CU_ASSERT_EQUAL(write(fd, "hello", 5), 5);
    m = (TcpMatch){sport, 22, TCP_ACK, true};
    data = wait_frame(&fx, is_tcp, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    ip = frame_ip(data, 6, &tcp, &len);
    CU_ASSERT_EQUAL(len - (tcp[12] >> 4) * 4, 5);
    CU_ASSERT_EQUAL(memcmp(tcp + (tcp[12] >> 4) * 4, "hello", 5), 0);
    CU_ASSERT_EQUAL(get32(tcp + 4), isn + 1);
    CU_ASSERT_EQUAL(l4_csum(ip, tcp, len), 0);
    close(fd);
    fixture_fini(&fx);
}

static bool accepted(void *opaque)
{
    int *fds = opaque;

    if (fds[1] < 0) {
        fds[1] = accept(fds[0], NULL, NULL);
    }
    return fds[1] >= 0;
}

static void test_guest_to_host_loopback(void)
{
    Fixture fx;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t salen = sizeof(sa);
    int fds[2] = {socket(AF_INET, SOCK_STREAM, 0), -1};
    uint16_t port;
    uint8_t f[200];
    TcpMatch m;
    GByteArray *synack;
    const uint8_t *tcp, *ip;
    size_t len;

    fixture_init(&fx);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_EQUAL_FATAL(bind(fds[0], (struct sockaddr *)&sa, sizeof(sa)), 0);
    CU_ASSERT_EQUAL_FATAL(listen(fds[0], 1), 0);
    getsockname(fds[0], (struct sockaddr *)&sa, &salen);
    port = ntohs(sa.sin_port);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);

    /* The gateway's MAC first, as a guest would. */
    {
        static const uint8_t zero[6];

        build_arp(f, 1, bcast_mac, GUEST_IP, zero, GW_IP);
        qemu_send_packet(fx.nic->nc, f, 60);
        CU_ASSERT_PTR_NOT_NULL_FATAL(wait_frame(&fx, is_arp_reply, NULL));
    }
    qemu_send_packet(fx.nic->nc, f,
                     build_tcp(f, fx.gw_mac, GUEST_IP, 40000, GW_IP, port,
                               0x20000000, 0, TCP_SYN, NULL, 0));
    CU_ASSERT_TRUE(net_test_wait(fx.ml, accepted, fds, 5000));
    m = (TcpMatch){port, 40000, TCP_SYN | TCP_ACK, false};
    synack = wait_frame(&fx, is_tcp, &m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(synack);
    ip = frame_ip(synack, 6, &tcp, &len);
    CU_ASSERT_EQUAL(get32(ip + 12), GW_IP);
    CU_ASSERT_EQUAL(get32(tcp + 8), 0x20000001);
    CU_ASSERT_EQUAL(l4_csum(ip, tcp, len), 0);
    if (fds[1] >= 0) {
        close(fds[1]);
    }
    close(fds[0]);
    fixture_fini(&fx);
}

static void test_hostfwd_port_in_use(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t salen = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    g_autofree char *arg = NULL, *err = NULL;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    listen(fd, 1);
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    arg = g_strdup_printf("user,id=u0,hostfwd=tcp:127.0.0.1:%d-:22",
                          ntohs(sa.sin_port));
    err = net_test_init(ns, arg, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_TRUE(g_str_has_prefix(err, "-netdev user: could not set up "
                                         "host forwarding rule 'tcp:"));
    CU_ASSERT_PTR_NULL(qemu_find_netdev(ns, "u0"));
    close(fd);
    net_state_free(ns);
    main_loop_free(ml);
}

UNIT_SUITE(net_slirp, NULL, NULL, UNIT_TEST(test_dhcp_offer),
           UNIT_TEST(test_arp_gateway), UNIT_TEST(test_hostfwd_syn),
           UNIT_TEST(test_guest_to_host_loopback),
           UNIT_TEST(test_hostfwd_port_in_use));
