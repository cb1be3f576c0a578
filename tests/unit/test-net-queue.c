/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The net queue and send path with fake clients: direct delivery, the
 * "0 = queued, wait for the sent callback" contract, can_receive false,
 * flush order, purge, the bounded queue, link state, a stopped machine,
 * and the NIC helpers (names, default MACs, info strings).
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
    FakeBackend *be;
    FakeNic *nic;
} Fixture;

static void fixture_init(Fixture *fx)
{
    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
    fx->be = fake_backend_new(fx->ns, "n0");
    fx->nic = fake_nic_new(&fx->be->nc, NULL);
}

static void fixture_fini(Fixture *fx)
{
    fake_nic_free(fx->nic);
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
}

/* Completion callbacks: which sender, with what value, in what order. */
static GArray *sent_log;

static void sent_cb(NetClientState *sender, ssize_t ret)
{
    g_array_append_val(sent_log, ret);
}

static void frame_fill(uint8_t *buf, size_t size, uint8_t seed)
{
    for (size_t i = 0; i < size; i++) {
        buf[i] = seed + i * 7;
    }
}

static void test_direct_delivery(void)
{
    Fixture fx;
    uint8_t f1[60], f2[1514];

    fixture_init(&fx);
    frame_fill(f1, sizeof(f1), 1);
    frame_fill(f2, sizeof(f2), 2);
    CU_ASSERT_PTR_EQUAL(fx.be->nc.peer, fx.nic->nc);
    CU_ASSERT_PTR_EQUAL(fx.nic->nc->peer, &fx.be->nc);

    CU_ASSERT_EQUAL(qemu_send_packet(&fx.be->nc, f1, sizeof(f1)), 60);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 1);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 0, f1, sizeof(f1)));

    CU_ASSERT_EQUAL(qemu_send_packet(fx.nic->nc, f2, sizeof(f2)), 1514);
    CU_ASSERT_EQUAL(fx.be->rx->len, 1);
    CU_ASSERT_EQUAL(((GByteArray *)fx.be->rx->pdata[0])->len, 1514);
    CU_ASSERT_EQUAL(
        memcmp(((GByteArray *)fx.be->rx->pdata[0])->data, f2, sizeof(f2)), 0);
    fixture_fini(&fx);
}

static void test_sendv_flattened(void)
{
    Fixture fx;
    uint8_t a[14] = {1, 2, 3}, b[20] = {4, 5}, c[30] = {6};
    uint8_t flat[64];
    struct iovec iov[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};

    fixture_init(&fx);
    memcpy(flat, a, 14);
    memcpy(flat + 14, b, 20);
    memcpy(flat + 34, c, 30);
    CU_ASSERT_EQUAL(qemu_sendv_packet(&fx.be->nc, iov, 3), 64);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 0, flat, sizeof(flat)));
    fixture_fini(&fx);
}

static void test_zero_means_queued(void)
{
    Fixture fx;
    uint8_t f[3][64];

    fixture_init(&fx);
    sent_log = g_array_new(false, false, sizeof(ssize_t));
    for (int i = 0; i < 3; i++) {
        frame_fill(f[i], sizeof(f[i]), 10 * i);
    }
    /* The NIC answers 0 to the first frame: held, sender must wait. */
    fx.nic->busy = 1;
    CU_ASSERT_EQUAL(qemu_send_packet_async(&fx.be->nc, f[0], 64, sent_cb), 0);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    CU_ASSERT_EQUAL(sent_log->len, 0);
    CU_ASSERT_FALSE(qemu_can_send_packet(&fx.be->nc));
    /* Until the NIC flushes, later frames are held behind it. */
    CU_ASSERT_EQUAL(qemu_send_packet_async(&fx.be->nc, f[1], 64, sent_cb), 0);
    CU_ASSERT_EQUAL(qemu_send_packet_async(&fx.be->nc, f[2], 64, sent_cb), 0);
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue), 3);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);

    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 3);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, i, f[i], 64));
    }
    CU_ASSERT_EQUAL(sent_log->len, 3);
    for (guint i = 0; i < sent_log->len; i++) {
        CU_ASSERT_EQUAL(g_array_index(sent_log, ssize_t, i), 64);
    }
    CU_ASSERT_TRUE(qemu_can_send_packet(&fx.be->nc));
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue), 0);
    g_array_free(sent_log, true);
    fixture_fini(&fx);
}

static void test_can_receive_false(void)
{
    Fixture fx;
    uint8_t f1[60] = {0xaa}, f2[70] = {0xbb};

    fixture_init(&fx);
    sent_log = g_array_new(false, false, sizeof(ssize_t));
    fx.nic->can_receive = false;
    CU_ASSERT_FALSE(qemu_can_send_packet(&fx.be->nc));
    CU_ASSERT_EQUAL(qemu_send_packet_async(&fx.be->nc, f1, 60, sent_cb), 0);
    CU_ASSERT_EQUAL(qemu_send_packet(&fx.be->nc, f2, 70), 0);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);

    /* A flush while the NIC still can't receive delivers nothing. */
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    CU_ASSERT_EQUAL(sent_log->len, 0);

    fx.nic->can_receive = true;
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 2);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 0, f1, 60));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 1, f2, 70));
    CU_ASSERT_EQUAL(sent_log->len, 1);
    CU_ASSERT_EQUAL(g_array_index(sent_log, ssize_t, 0), 60);
    g_array_free(sent_log, true);
    fixture_fini(&fx);
}

/* The NIC stops again half-way through a flush: order is kept. */
static void test_flush_stops_and_resumes(void)
{
    Fixture fx;
    uint8_t f[4][32];

    fixture_init(&fx);
    fx.nic->can_receive = false;
    for (int i = 0; i < 4; i++) {
        frame_fill(f[i], 32, i * 3);
        qemu_send_packet(&fx.be->nc, f[i], 32);
    }
    /* The flush meets a 0 at once: everything stays, in order. */
    fx.nic->can_receive = true;
    fx.nic->busy = 1;
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue), 4);
    /* A frame sent now still waits behind them. */
    qemu_send_packet(&fx.be->nc, f[0], 32);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 5);
    for (int i = 0; i < 4; i++) {
        CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, i, f[i], 32));
    }
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic, 4, f[0], 32));
    fixture_fini(&fx);
}

static void test_purge(void)
{
    Fixture fx;
    uint8_t f[60] = {1};

    fixture_init(&fx);
    sent_log = g_array_new(false, false, sizeof(ssize_t));
    fx.nic->can_receive = false;
    qemu_send_packet_async(&fx.be->nc, f, 60, sent_cb);
    qemu_send_packet_async(&fx.be->nc, f, 60, sent_cb);
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue), 2);
    qemu_purge_queued_packets(&fx.be->nc);
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue), 0);
    CU_ASSERT_EQUAL(sent_log->len, 2);
    CU_ASSERT_EQUAL(g_array_index(sent_log, ssize_t, 0), 0);
    CU_ASSERT_EQUAL(g_array_index(sent_log, ssize_t, 1), 0);
    fx.nic->can_receive = true;
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);

    /* Unplugging the NIC purges what it holds, callbacks with 0. */
    fx.nic->can_receive = false;
    qemu_send_packet_async(&fx.be->nc, f, 60, sent_cb);
    fake_nic_free(fx.nic);
    fx.nic = NULL;
    CU_ASSERT_EQUAL(sent_log->len, 3);
    CU_ASSERT_EQUAL(g_array_index(sent_log, ssize_t, 2), 0);
    CU_ASSERT_PTR_NULL(fx.be->nc.peer);
    g_array_free(sent_log, true);
    net_state_free(fx.ns);
    main_loop_free(fx.ml);
}

static void test_bounded_queue(void)
{
    Fixture fx;
    uint8_t f[16];

    fixture_init(&fx);
    fx.nic->can_receive = false;
    for (unsigned i = 0; i < NET_QUEUE_MAXLEN + 5; i++) {
        f[0] = i;
        f[1] = i >> 8;
        qemu_send_packet(&fx.be->nc, f, sizeof(f));
    }
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue),
                    NET_QUEUE_MAXLEN);
    CU_ASSERT_EQUAL(net_queue_dropped(fx.nic->nc->incoming_queue), 5);
    /* A sender with a callback is never dropped: it waits instead. */
    sent_log = g_array_new(false, false, sizeof(ssize_t));
    CU_ASSERT_EQUAL(qemu_send_packet_async(&fx.be->nc, f, 16, sent_cb), 0);
    CU_ASSERT_EQUAL(net_queue_length(fx.nic->nc->incoming_queue),
                    NET_QUEUE_MAXLEN + 1);

    fx.nic->can_receive = true;
    qemu_flush_queued_packets(fx.nic->nc);
    CU_ASSERT_EQUAL(fx.nic->rx->len, NET_QUEUE_MAXLEN + 1);
    /* The first frames were kept, the last fire-and-forget ones dropped. */
    CU_ASSERT_EQUAL(fake_nic_frame(fx.nic, 0)->data[0], 0);
    CU_ASSERT_EQUAL(fake_nic_frame(fx.nic, NET_QUEUE_MAXLEN - 1)->data[0],
                    (uint8_t)(NET_QUEUE_MAXLEN - 1));
    CU_ASSERT_EQUAL(sent_log->len, 1);
    g_array_free(sent_log, true);
    fixture_fini(&fx);
}

static void test_link_down(void)
{
    Fixture fx;
    uint8_t f[60] = {9};
    Error *err = NULL;

    fixture_init(&fx);
    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "n0", false, &err));
    CU_ASSERT_TRUE(fx.be->nc.link_down);
    CU_ASSERT_TRUE(fx.nic->nc->link_down);
    CU_ASSERT_EQUAL(fx.nic->link_changes, 1);
    /* Dropped both ways, reported as sent. */
    CU_ASSERT_EQUAL(qemu_send_packet(&fx.be->nc, f, 60), 60);
    CU_ASSERT_EQUAL(qemu_send_packet(fx.nic->nc, f, 60), 60);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    CU_ASSERT_EQUAL(fx.be->rx->len, 0);

    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "n0", true, &err));
    CU_ASSERT_FALSE(fx.nic->nc->link_down);
    CU_ASSERT_EQUAL(fx.nic->link_changes, 2);
    qemu_send_packet(&fx.be->nc, f, 60);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 1);

    /* By NIC name: the NIC's link only. */
    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "fake.0", false, &err));
    CU_ASSERT_TRUE(fx.nic->nc->link_down);
    CU_ASSERT_FALSE(fx.be->nc.link_down);
    CU_ASSERT_EQUAL(fx.nic->link_changes, 3);

    CU_ASSERT_FALSE(qmp_set_link(fx.ns, "nope", true, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "Device 'nope' not found");
    error_free(err);
    fixture_fini(&fx);
}

static void test_no_peer(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeBackend *be = fake_backend_new(ns, "lonely");
    uint8_t f[60] = {0};

    CU_ASSERT_EQUAL(qemu_send_packet(&be->nc, f, 60), 60);
    CU_ASSERT_TRUE(qemu_can_send_packet(&be->nc));
    net_state_free(ns);
    main_loop_free(ml);
}

static void test_machine_stopped(void)
{
    Fixture fx;
    uint8_t f[60] = {5};

    fixture_init(&fx);
    net_state_set_running(fx.ns, false);
    CU_ASSERT_FALSE(qemu_can_send_packet(&fx.be->nc));
    CU_ASSERT_EQUAL(qemu_send_packet(&fx.be->nc, f, 60), 0);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 0);
    net_state_set_running(fx.ns, true);
    CU_ASSERT_EQUAL(fx.nic->rx->len, 1);
    fixture_fini(&fx);
}

/* The NIC answers each frame with an echo; the backend's reply to the
 * first echo reaches the NIC only after the frame being delivered. */
static FakeBackend *echo_backend;

static void echo_on_rx(FakeNic *f, const uint8_t *buf, size_t size)
{
    qemu_send_packet(f->nc, buf, size);
}

static ssize_t echo_backend_receive(NetClientState *nc, const uint8_t *buf,
                                    size_t size)
{
    static const uint8_t second[2] = {2, 2};
    ssize_t ret = fake_backend_receive(nc, buf, size);

    if (buf[0] == 1) {
        /* Sent while the NIC is inside receive(): held, then flushed. */
        CU_ASSERT_EQUAL(qemu_send_packet(nc, second, 2), 0);
    }
    return ret;
}

static void test_reentrant_send(void)
{
    static const uint8_t first[2] = {1, 1};
    static NetClientInfo echo_info;
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeNic *nic;

    echo_info = fake_backend_info;
    echo_info.receive = echo_backend_receive;
    echo_backend =
        (FakeBackend *)qemu_new_net_client(&echo_info, NULL, "echo", "e0", ns);
    echo_backend->rx =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    echo_backend->can_receive = true;
    nic = fake_nic_new(&echo_backend->nc, NULL);
    nic->on_rx = echo_on_rx;

    qemu_send_packet(&echo_backend->nc, first, 2);
    CU_ASSERT_EQUAL(nic->rx->len, 2);
    CU_ASSERT_TRUE(fake_nic_frame_is(nic, 0, first, 2));
    CU_ASSERT_EQUAL(fake_nic_frame(nic, 1)->data[0], 2);
    CU_ASSERT_EQUAL(echo_backend->rx->len, 2);
    fake_nic_free(nic);
    net_state_free(ns);
    main_loop_free(ml);
}

static void test_nic_helpers(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeBackend *b0 = fake_backend_new(ns, "b0");
    FakeBackend *b1 = fake_backend_new(ns, "b1");
    FakeNic *n0 = fake_nic_new(&b0->nc, NULL);
    FakeNic *n1 = fake_nic_new(&b1->nc, "mynic");
    FakeBackend *b2 = fake_backend_new(ns, "b2");
    FakeNic *n2 = fake_nic_new(&b2->nc, NULL);
    MACAddr mac = {{0}};
    MACAddr set = {{0x02, 0, 0, 0, 0, 1}};
    GString *info = g_string_new("");

    CU_ASSERT_STRING_EQUAL(n0->nc->name, "fake.0");
    CU_ASSERT_STRING_EQUAL(n1->nc->name, "mynic");
    CU_ASSERT_STRING_EQUAL(n2->nc->name, "fake.2");
    CU_ASSERT_PTR_EQUAL(qemu_get_nic(n0->nc), n0->nic);
    CU_ASSERT_PTR_EQUAL(qemu_get_nic_opaque(n1->nc), n1);
    CU_ASSERT_PTR_EQUAL(qemu_find_netdev(ns, "b1"), &b1->nc);
    CU_ASSERT_PTR_NULL(qemu_find_netdev(ns, "mynic"));

    qemu_macaddr_default_if_unset(ns, &mac);
    CU_ASSERT_EQUAL(memcmp(mac.a, "\x52\x54\x00\x12\x34\x56", 6), 0);
    memset(&mac, 0, sizeof(mac));
    qemu_macaddr_default_if_unset(ns, &mac);
    CU_ASSERT_EQUAL(memcmp(mac.a, "\x52\x54\x00\x12\x34\x57", 6), 0);
    qemu_macaddr_default_if_unset(ns, &set);
    CU_ASSERT_EQUAL(memcmp(set.a, "\x02\x00\x00\x00\x00\x01", 6), 0);

    qemu_format_nic_info_str(n0->nc, mac.a);
    CU_ASSERT_STRING_EQUAL(n0->nc->info_str,
                           "model=fake,macaddr=52:54:00:12:34:57");
    qemu_set_info_str(&b0->nc, "test=1");
    net_print_info(ns, info);
    CU_ASSERT_PTR_NOT_NULL(strstr(
        info->str, "fake.0: index=0,type=nic,model=fake,macaddr="
                   "52:54:00:12:34:57\n \\ b0: index=0,type=none,test=1\n"));
    g_string_free(info, true);

    /* The offload hooks are safe on a backend without them. */
    CU_ASSERT_FALSE(qemu_has_vnet_hdr(n0->nc->peer));
    CU_ASSERT_FALSE(qemu_has_vnet_hdr(NULL));
    CU_ASSERT_EQUAL(qemu_set_vnet_hdr_len(n0->nc->peer, 12), -ENOSYS);

    /* net_state_free() leaves plugged NICs alive, without a peer. */
    net_state_free(ns);
    CU_ASSERT_PTR_NULL(n0->nc->peer);
    CU_ASSERT_PTR_NULL(n0->nc->ns);
    fake_nic_free(n0);
    fake_nic_free(n1);
    fake_nic_free(n2);
    main_loop_free(ml);
}

UNIT_SUITE(net_queue, NULL, NULL, UNIT_TEST(test_direct_delivery),
           UNIT_TEST(test_sendv_flattened), UNIT_TEST(test_zero_means_queued),
           UNIT_TEST(test_can_receive_false),
           UNIT_TEST(test_flush_stops_and_resumes), UNIT_TEST(test_purge),
           UNIT_TEST(test_bounded_queue), UNIT_TEST(test_link_down),
           UNIT_TEST(test_no_peer), UNIT_TEST(test_machine_stopped),
           UNIT_TEST(test_reentrant_send), UNIT_TEST(test_nic_helpers));
