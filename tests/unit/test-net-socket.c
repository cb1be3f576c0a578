/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev socket: the bytes on the wire are a 4-byte big-endian length and
 * the frame, both ways; frames split across reads (even inside the length)
 * are put back together; reading stops while the NIC holds a frame and
 * resumes after its flush; listen= and connect= on 127.0.0.1.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
    FakeNic *nic;
    int peer_fd; /* the test's end of the socket */
} Fixture;

static void fixture_init_fd(Fixture *fx)
{
    int sv[2];
    g_autofree char *arg = NULL;

    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    arg = g_strdup_printf("socket,id=s0,fd=%d", sv[0]);
    CU_ASSERT_PTR_NULL_FATAL(net_test_init(fx->ns, arg, true));
    fx->nic = fake_nic_new(qemu_find_netdev(fx->ns, "s0"), NULL);
    fx->peer_fd = sv[1];
}

static void fixture_fini(Fixture *fx)
{
    fake_nic_free(fx->nic);
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
    if (fx->peer_fd >= 0) {
        close(fx->peer_fd);
    }
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* The wire form of @frame: length, then bytes. */
static GByteArray *wire(const uint8_t *frame, uint32_t len)
{
    GByteArray *w = g_byte_array_new();
    uint8_t hdr[4];

    put_be32(hdr, len);
    g_byte_array_append(w, hdr, 4);
    g_byte_array_append(w, frame, len);
    return w;
}

typedef struct RxWait {
    FakeNic *nic;
    guint count;
} RxWait;

static bool nic_has(void *opaque)
{
    RxWait *w = opaque;

    return w->nic->rx->len >= w->count;
}

static bool read_exact(int fd, uint8_t *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);

        if (n <= 0) {
            return false;
        }
        got += n;
    }
    return true;
}

static void test_socket_to_nic(void)
{
    Fixture fx;
    uint8_t f1[60], f2[1514];
    g_autoptr(GByteArray) w1 = NULL;
    g_autoptr(GByteArray) w2 = NULL;
    RxWait wait;

    fixture_init_fd(&fx);
    for (size_t i = 0; i < sizeof(f2); i++) {
        f2[i] = i * 13;
    }
    memset(f1, 0xab, sizeof(f1));
    w1 = wire(f1, sizeof(f1));
    w2 = wire(f2, sizeof(f2));

    /* One whole frame in one write. */
    CU_ASSERT_EQUAL(write(fx.peer_fd, w1->data, w1->len), (ssize_t)w1->len);
    wait = (RxWait){fx.nic, 1};
    CU_ASSERT_TRUE(net_test_wait(fx.ml, nic_has, &wait, 2000));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 0, f1, sizeof(f1)));

    /* Split inside the length, then inside the frame. */
    CU_ASSERT_EQUAL(write(fx.peer_fd, w2->data, 2), 2);
    net_test_spin(fx.ml, 20);
    CU_ASSERT_EQUAL(write(fx.peer_fd, w2->data + 2, 700), 700);
    net_test_spin(fx.ml, 20);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 1);
    CU_ASSERT_EQUAL(write(fx.peer_fd, w2->data + 702, w2->len - 702),
                    (ssize_t)(w2->len - 702));
    wait.count = 2;
    CU_ASSERT_TRUE(net_test_wait(fx.ml, nic_has, &wait, 2000));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 1, f2, sizeof(f2)));

    /* Two frames in one write. */
    {
        g_autoptr(GByteArray) both = g_byte_array_new();

        g_byte_array_append(both, w1->data, w1->len);
        g_byte_array_append(both, w2->data, w2->len);
        CU_ASSERT_EQUAL(write(fx.peer_fd, both->data, both->len),
                        (ssize_t)both->len);
    }
    wait.count = 4;
    CU_ASSERT_TRUE(net_test_wait(fx.ml, nic_has, &wait, 2000));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 2, f1, sizeof(f1)));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 3, f2, sizeof(f2)));
    fixture_fini(&fx);
}

static void test_nic_to_socket(void)
{
    Fixture fx;
    uint8_t f[342], buf[4 + 342];
    struct iovec iov[2];

    fixture_init_fd(&fx);
    for (size_t i = 0; i < sizeof(f); i++) {
        f[i] = 0xff - i;
    }
    CU_ASSERT_EQUAL(qemu_send_packet(fx.nic->nc, f, sizeof(f)), 342);
    CU_ASSERT_TRUE_FATAL(read_exact(fx.peer_fd, buf, sizeof(buf)));
    CU_ASSERT_EQUAL(memcmp(buf, "\x00\x00\x01\x56", 4), 0);
    CU_ASSERT_EQUAL(memcmp(buf + 4, f, sizeof(f)), 0);

    /* A scattered frame goes out as one record. */
    iov[0] = (struct iovec){f, 14};
    iov[1] = (struct iovec){f + 14, 46};
    CU_ASSERT_EQUAL(qemu_sendv_packet(fx.nic->nc, iov, 2), 60);
    CU_ASSERT_TRUE_FATAL(read_exact(fx.peer_fd, buf, 64));
    CU_ASSERT_EQUAL(memcmp(buf, "\x00\x00\x00\x3c", 4), 0);
    CU_ASSERT_EQUAL(memcmp(buf + 4, f, 60), 0);
    fixture_fini(&fx);
}

/* The socket's send buffer fills: frames wait, none is lost or split. */
static void test_nic_to_socket_full(void)
{
    Fixture fx;
    enum { N = 200, LEN = 1500 };
    g_autofree uint8_t *got = g_malloc(N * (LEN + 4));
    uint8_t f[LEN];
    int sndbuf = 4096, queued = 0;
    size_t total = 0;

    fixture_init_fd(&fx);
    setsockopt(fx.peer_fd, SOL_SOCKET, SO_RCVBUF, &sndbuf, sizeof(sndbuf));
    for (int i = 0; i < N; i++) {
        memset(f, i, sizeof(f));
        if (qemu_send_packet(fx.nic->nc, f, LEN) == 0) {
            queued++;
        }
    }
    CU_ASSERT_TRUE(queued > 0);
    fcntl(fx.peer_fd, F_SETFL, O_NONBLOCK);
    for (int spins = 0; spins < 2000 && total < N * (LEN + 4); spins++) {
        ssize_t n = read(fx.peer_fd, got + total, N * (LEN + 4) - total);

        if (n > 0) {
            total += n;
        }
        main_loop_wait(fx.ml, true);
        if (n <= 0) {
            g_usleep(1000);
        }
    }
    CU_ASSERT_EQUAL(total, N * (LEN + 4));
    for (int i = 0; i < N && total == N * (LEN + 4); i++) {
        uint8_t *rec = got + i * (LEN + 4);

        CU_ASSERT_EQUAL(rec[2] << 8 | rec[3], LEN);
        CU_ASSERT_EQUAL(rec[4], (uint8_t)i);
        CU_ASSERT_EQUAL(rec[4 + LEN - 1], (uint8_t)i);
    }
    fixture_fini(&fx);
}

/* The NIC can't receive: the socket stops reading until it flushes. */
static void test_socket_backpressure(void)
{
    Fixture fx;
    uint8_t f[100];
    RxWait wait;

    fixture_init_fd(&fx);
    fx.nic->can_receive = false;
    for (int i = 0; i < 5; i++) {
        g_autoptr(GByteArray) w = NULL;

        memset(f, i + 1, sizeof(f));
        w = wire(f, sizeof(f));
        CU_ASSERT_EQUAL(write(fx.peer_fd, w->data, w->len), (ssize_t)w->len);
        net_test_spin(fx.ml, 10);
    }
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    /* The frames are held by the queue or still in the socket. */
    CU_ASSERT_TRUE(net_queue_length(fx.nic->nc->incoming_queue) >= 1);

    fx.nic->can_receive = true;
    qemu_flush_queued_packets(fx.nic->nc);
    wait = (RxWait){fx.nic, 5};
    CU_ASSERT_TRUE(net_test_wait(fx.ml, nic_has, &wait, 2000));
    for (int i = 0; i < 5; i++) {
        memset(f, i + 1, sizeof(f));
        CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, i, f, sizeof(f)));
    }
    fixture_fini(&fx);
}

/* The peer closes: the link goes down, frames to it are dropped. */
static void test_socket_eof(void)
{
    Fixture fx;
    uint8_t f[60] = {0};
    NetClientState *s0;

    fixture_init_fd(&fx);
    s0 = qemu_find_netdev(fx.ns, "s0");
    close(fx.peer_fd);
    fx.peer_fd = -1;
    net_test_spin(fx.ml, 50);
    CU_ASSERT_TRUE(s0->link_down);
    CU_ASSERT_STRING_EQUAL(s0->info_str, "socket: disconnected");
    CU_ASSERT_EQUAL(qemu_send_packet(fx.nic->nc, f, 60), 60);
    fixture_fini(&fx);
}

static int port_of(const char *info)
{
    const char *colon = strrchr(info, ':');

    return colon ? atoi(colon + 1) : -1;
}

static bool link_up(void *opaque)
{
    return !((NetClientState *)opaque)->link_down;
}

static void test_listen_connect(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    NetClientState *l, *c;
    FakeNic *nl, *nc;
    g_autofree char *arg = NULL;
    uint8_t f[80];
    RxWait wait;
    int port;

    CU_ASSERT_PTR_NULL_FATAL(
        net_test_init(ns, "socket,id=l0,listen=127.0.0.1:0", true));
    l = qemu_find_netdev(ns, "l0");
    CU_ASSERT_TRUE(g_str_has_prefix(l->info_str,
                                    "socket: wait for connection on "
                                    "127.0.0.1:"));
    port = port_of(l->info_str);
    CU_ASSERT_TRUE_FATAL(port > 0);
    arg = g_strdup_printf("socket,id=c0,connect=127.0.0.1:%d", port);
    CU_ASSERT_PTR_NULL_FATAL(net_test_init(ns, arg, true));
    c = qemu_find_netdev(ns, "c0");
    nl = fake_nic_new(l, NULL);
    nc = fake_nic_new(c, NULL);
    CU_ASSERT_TRUE(net_test_wait(ml, link_up, l, 2000));
    CU_ASSERT_TRUE(
        g_str_has_prefix(l->info_str, "socket: connection from 127.0.0.1:"));

    memset(f, 0x42, sizeof(f));
    qemu_send_packet(nc->nc, f, sizeof(f));
    wait = (RxWait){nl, 1};
    CU_ASSERT_TRUE(net_test_wait(ml, nic_has, &wait, 2000));
    CU_ASSERT_TRUE(fake_nic_frame_is(nl, 0, f, sizeof(f)));
    memset(f, 0x24, sizeof(f));
    qemu_send_packet(nl->nc, f, 70);
    wait = (RxWait){nc, 1};
    CU_ASSERT_TRUE(net_test_wait(ml, nic_has, &wait, 2000));
    CU_ASSERT_TRUE(fake_nic_frame_is(nc, 0, f, 70));

    fake_nic_free(nl);
    fake_nic_free(nc);
    net_state_free(ns);
    main_loop_free(ml);
}

static void test_connect_refused(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    g_autofree char *arg = NULL, *err = NULL, *want = NULL;

    /* A port that was just free: nothing listens there. */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    close(fd);
    arg = g_strdup_printf("socket,id=c0,connect=127.0.0.1:%d",
                          ntohs(sa.sin_port));
    want = g_strdup_printf("-netdev socket: can't connect to "
                           "'127.0.0.1:%d': Connection refused",
                           ntohs(sa.sin_port));
    err = net_test_init(ns, arg, true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(err, want);
    CU_ASSERT_PTR_NULL(qemu_find_netdev(ns, "c0"));
    net_state_free(ns);
    main_loop_free(ml);
}

UNIT_SUITE(net_socket, NULL, NULL, UNIT_TEST(test_socket_to_nic),
           UNIT_TEST(test_nic_to_socket), UNIT_TEST(test_nic_to_socket_full),
           UNIT_TEST(test_socket_backpressure), UNIT_TEST(test_socket_eof),
           UNIT_TEST(test_listen_connect), UNIT_TEST(test_connect_refused));
