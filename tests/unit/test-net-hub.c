/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * -netdev hubport: a frame from one port reaches every other port's peer
 * and never its own; a blocked peer does not stop the others; when no
 * other peer can take it the frame waits at the hub until one flushes;
 * hubport,netdev= joins a backend to the hub.
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
    FakeNic *nic[3];
} Fixture;

static void fixture_init(Fixture *fx)
{
    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
    for (int i = 0; i < 3; i++) {
        g_autofree char *arg = g_strdup_printf("hubport,id=p%d,hubid=0", i);
        g_autofree char *id = g_strdup_printf("p%d", i);

        CU_ASSERT_PTR_NULL(net_test_init(fx->ns, arg, true));
        fx->nic[i] = fake_nic_new(qemu_find_netdev(fx->ns, id), NULL);
    }
}

static void fixture_fini(Fixture *fx)
{
    for (int i = 0; i < 3; i++) {
        fake_nic_free(fx->nic[i]);
    }
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
}

static void test_hub_forwards(void)
{
    Fixture fx;
    uint8_t f[64];
    GString *info = g_string_new("");

    fixture_init(&fx);
    for (size_t i = 0; i < sizeof(f); i++) {
        f[i] = i ^ 0x5a;
    }
    CU_ASSERT_EQUAL(qemu_send_packet(fx.nic[0]->nc, f, sizeof(f)), 64);
    CU_ASSERT_EQUAL(fx.nic[0]->rx->len, 0);
    CU_ASSERT_EQUAL(fx.nic[1]->rx->len, 1);
    CU_ASSERT_EQUAL(fx.nic[2]->rx->len, 1);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic[1], 0, f, sizeof(f)));
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic[2], 0, f, sizeof(f)));

    qemu_send_packet(fx.nic[2]->nc, f, 60);
    CU_ASSERT_EQUAL(fx.nic[0]->rx->len, 1);
    CU_ASSERT_EQUAL(fx.nic[1]->rx->len, 2);
    CU_ASSERT_EQUAL(fx.nic[2]->rx->len, 1);

    net_print_info(fx.ns, info);
    CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "hub 0\n \\ p0: index=0,type="
                                             "hubport,hubid=0\n    \\ fake.0"));
    g_string_free(info, true);
    fixture_fini(&fx);
}

static GArray *sent_log;

static void sent_cb(NetClientState *sender, ssize_t ret)
{
    g_array_append_val(sent_log, ret);
}

static void test_hub_backpressure(void)
{
    Fixture fx;
    uint8_t f[60] = {0x11}, g[60] = {0x22};

    fixture_init(&fx);
    sent_log = g_array_new(false, false, sizeof(ssize_t));

    /* One blocked peer: the other still gets the frame at once. */
    fx.nic[1]->can_receive = false;
    CU_ASSERT_EQUAL(qemu_send_packet_async(fx.nic[0]->nc, f, 60, sent_cb), 60);
    CU_ASSERT_EQUAL(fx.nic[2]->rx->len, 1);
    CU_ASSERT_EQUAL(fx.nic[1]->rx->len, 0);
    fx.nic[1]->can_receive = true;
    qemu_flush_queued_packets(fx.nic[1]->nc);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic[1], 0, f, 60));

    /* All other peers blocked: the frame waits in the hub port. */
    fx.nic[1]->can_receive = false;
    fx.nic[2]->can_receive = false;
    CU_ASSERT_FALSE(qemu_can_send_packet(fx.nic[0]->nc));
    CU_ASSERT_EQUAL(qemu_send_packet_async(fx.nic[0]->nc, g, 60, sent_cb), 0);
    CU_ASSERT_EQUAL(sent_log->len, 0);
    fx.nic[2]->can_receive = true;
    qemu_flush_queued_packets(fx.nic[2]->nc);
    CU_ASSERT_EQUAL(sent_log->len, 1);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic[2], 1, g, 60));
    CU_ASSERT_EQUAL(fx.nic[1]->rx->len, 1);
    fx.nic[1]->can_receive = true;
    qemu_flush_queued_packets(fx.nic[1]->nc);
    CU_ASSERT_TRUE(fake_nic_frame_is(fx.nic[1], 1, g, 60));
    CU_ASSERT_EQUAL(fx.nic[0]->rx->len, 0);
    g_array_free(sent_log, true);
    fixture_fini(&fx);
}

static void test_hubport_netdev(void)
{
    MainLoop *ml = main_loop_new();
    NetState *ns = net_state_new(ml);
    FakeBackend *be = fake_backend_new(ns, "be");
    FakeNic *nic;
    uint8_t f[60] = {0x33};
    g_autofree char *err = NULL;

    CU_ASSERT_PTR_NULL(
        net_test_init(ns, "hubport,id=q0,hubid=7,netdev=be", true));
    CU_ASSERT_PTR_EQUAL(be->nc.peer, qemu_find_netdev(ns, "q0"));
    err = net_test_init(ns, "hubport,id=q9,hubid=7,netdev=be", true);
    CU_ASSERT_STRING_EQUAL(err,
                           "-netdev hubport: netdev 'be' is already in use");
    CU_ASSERT_PTR_NULL(net_test_init(ns, "hubport,id=q1,hubid=7", true));
    nic = fake_nic_new(qemu_find_netdev(ns, "q1"), NULL);

    qemu_send_packet(nic->nc, f, 60);
    CU_ASSERT_EQUAL(be->rx->len, 1);
    qemu_send_packet(&be->nc, f, 50);
    CU_ASSERT_EQUAL(nic->rx->len, 1);
    CU_ASSERT_TRUE(fake_nic_frame_is(nic, 0, f, 50));
    fake_nic_free(nic);
    net_state_free(ns);
    main_loop_free(ml);
}

UNIT_SUITE(net_hub, NULL, NULL, UNIT_TEST(test_hub_forwards),
           UNIT_TEST(test_hub_backpressure), UNIT_TEST(test_hubport_netdev));
