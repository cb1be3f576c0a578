/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiqueue NICs without a kernel: a netdev of three fake backend queues
 * (one id, queue_index 0..2) and a NIC whose NICPeers hold all three.
 * Frames go queue to queue in both directions, set_link reaches every
 * queue with one hook call per side, `info network` lists each queue,
 * announce sends a RARP (behind a zero virtio-net header when the backend
 * wants one) and runs the NIC's hook, and unplugging either side leaves
 * no dangling pointer (the sanitizer build checks the frees).
 */
#include "util/osdep.h"
#include "tests/unit/test-net-fake.h"

#define QUEUES 3

/* A NIC that records on which subqueue each frame arrived. */
typedef struct MqNic {
    NICConf conf;
    NICState *nic;
    GPtrArray *rx; /* GByteArray *, first byte = queue index */
    int link_changes;
    int announces;
} MqNic;

static ssize_t mq_nic_receive(NetClientState *nc, const uint8_t *buf,
                              size_t size)
{
    MqNic *m = qemu_get_nic_opaque(nc);
    GByteArray *frame = g_byte_array_new();
    uint8_t q = nc->queue_index;

    g_byte_array_append(frame, &q, 1);
    g_byte_array_append(frame, buf, size);
    g_ptr_array_add(m->rx, frame);
    return size;
}

static void mq_nic_link_changed(NetClientState *nc)
{
    MqNic *m = qemu_get_nic_opaque(nc);

    CU_ASSERT_EQUAL(nc->queue_index, 0);
    m->link_changes++;
}

static void mq_nic_announce(NetClientState *nc)
{
    MqNic *m = qemu_get_nic_opaque(nc);

    CU_ASSERT_EQUAL(nc->queue_index, 0);
    m->announces++;
}

static const NetClientInfo mq_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = mq_nic_receive,
    .link_status_changed = mq_nic_link_changed,
    .announce = mq_nic_announce,
};

/* A fake backend queue that wants a virtio-net header of @hdr_len bytes. */
typedef struct MqBackend {
    FakeBackend fb;
    int hdr_len;
} MqBackend;

static int mq_backend_get_vnet_hdr_len(NetClientState *nc)
{
    return container_of(nc, MqBackend, fb.nc)->hdr_len;
}

static const NetClientInfo mq_backend_info = {
    .type = NET_CLIENT_DRIVER_NONE,
    .size = sizeof(MqBackend),
    .receive = fake_backend_receive,
    .can_receive = fake_backend_can_receive,
    .cleanup = fake_backend_cleanup,
    .get_vnet_hdr_len = mq_backend_get_vnet_hdr_len,
};

typedef struct Fixture {
    MainLoop *ml;
    NetState *ns;
    FakeBackend *be[QUEUES];
    MqNic *m;
} Fixture;

static void fixture_init(Fixture *fx, bool with_nic)
{
    fx->ml = main_loop_new();
    fx->ns = net_state_new(fx->ml);
    for (int i = 0; i < QUEUES; i++) {
        FakeBackend *b = (FakeBackend *)qemu_new_net_client(
            &mq_backend_info, NULL, "fake-backend", "mq", fx->ns);

        b->rx =
            g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
        b->can_receive = true;
        b->nc.queue_index = i;
        fx->be[i] = b;
    }
    fx->m = NULL;
    if (!with_nic) {
        return;
    }
    fx->m = g_new0(MqNic, 1);
    fx->m->rx =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    fx->m->conf.peers.queues =
        qemu_find_net_clients_except(fx->ns, "mq", fx->m->conf.peers.ncs,
                                     NET_CLIENT_DRIVER_NIC, MAX_QUEUE_NUM);
    memcpy(fx->m->conf.macaddr.a, "\x52\x54\x00\xab\xcd\xef", 6);
    fx->m->nic = qemu_new_nic(&mq_nic_info, &fx->m->conf, "mqnic", NULL, fx->m);
}

static void mq_nic_free(MqNic *m)
{
    if (m->nic) {
        qemu_del_nic(m->nic);
    }
    g_ptr_array_unref(m->rx);
    g_free(m);
}

static void fixture_fini(Fixture *fx)
{
    if (fx->m) {
        mq_nic_free(fx->m);
    }
    net_state_free(fx->ns);
    main_loop_free(fx->ml);
}

static void test_find_and_peer(void)
{
    Fixture fx;
    NetClientState *ncs[MAX_QUEUE_NUM];
    NICState *nic;

    fixture_init(&fx, true);
    nic = fx.m->nic;
    /* qemu_find_net_clients_except: the three queues in order, no NIC. */
    CU_ASSERT_EQUAL(qemu_find_net_clients_except(
                        fx.ns, "mq", ncs, NET_CLIENT_DRIVER_NIC, MAX_QUEUE_NUM),
                    QUEUES);
    CU_ASSERT_EQUAL(qemu_find_net_clients_except(fx.ns, "mq", ncs,
                                                 NET_CLIENT_DRIVER_NIC, 2),
                    QUEUES);
    CU_ASSERT_EQUAL(qemu_find_net_clients_except(fx.ns, "mqnic.0", ncs,
                                                 NET_CLIENT_DRIVER_MAX,
                                                 MAX_QUEUE_NUM),
                    QUEUES);
    CU_ASSERT_EQUAL(qemu_find_net_clients_except(fx.ns, "mqnic.0", ncs,
                                                 NET_CLIENT_DRIVER_NIC,
                                                 MAX_QUEUE_NUM),
                    0);
    CU_ASSERT_PTR_EQUAL(qemu_find_netdev(fx.ns, "mq"), &fx.be[0]->nc);

    /* One subqueue per backend queue, peered index to index. */
    CU_ASSERT_EQUAL_FATAL(nic->queues, QUEUES);
    for (int i = 0; i < QUEUES; i++) {
        NetClientState *sq = qemu_get_subqueue(nic, i);

        CU_ASSERT_EQUAL(sq->queue_index, i);
        CU_ASSERT_STRING_EQUAL(sq->name, "mqnic.0");
        CU_ASSERT_PTR_EQUAL(sq->peer, &fx.be[i]->nc);
        CU_ASSERT_PTR_EQUAL(fx.be[i]->nc.peer, sq);
        CU_ASSERT_PTR_EQUAL(qemu_get_nic(sq), nic);
        CU_ASSERT_PTR_EQUAL(qemu_get_nic_opaque(sq), fx.m);
    }
    CU_ASSERT_PTR_EQUAL(qemu_get_queue(nic), qemu_get_subqueue(nic, 0));

    /* A second NIC cannot take queues already in use: it gets none. */
    {
        MqNic *other = g_new0(MqNic, 1);

        other->rx =
            g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
        other->conf.peers.queues =
            qemu_find_net_clients_except(fx.ns, "mq", other->conf.peers.ncs,
                                         NET_CLIENT_DRIVER_NIC, MAX_QUEUE_NUM);
        other->nic =
            qemu_new_nic(&mq_nic_info, &other->conf, "mqnic", "n2", other);
        CU_ASSERT_EQUAL(other->nic->queues, 1);
        CU_ASSERT_PTR_NULL(qemu_get_queue(other->nic)->peer);
        CU_ASSERT_EQUAL(other->conf.peers.queues, 0);
        mq_nic_free(other);
    }
    /* The first NIC is untouched by that. */
    CU_ASSERT_PTR_EQUAL(fx.be[2]->nc.peer, qemu_get_subqueue(nic, 2));
    fixture_fini(&fx);
}

static void test_frames_per_queue(void)
{
    Fixture fx;
    uint8_t f[60];

    fixture_init(&fx, true);
    for (int i = 0; i < QUEUES; i++) {
        memset(f, 0x10 + i, sizeof(f));
        /* Backend queue i -> NIC subqueue i. */
        CU_ASSERT_EQUAL(qemu_send_packet(&fx.be[i]->nc, f, sizeof(f)), 60);
        /* NIC subqueue i -> backend queue i only. */
        CU_ASSERT_EQUAL(
            qemu_send_packet(qemu_get_subqueue(fx.m->nic, i), f, sizeof(f)),
            60);
    }
    CU_ASSERT_EQUAL_FATAL(fx.m->rx->len, QUEUES);
    for (int i = 0; i < QUEUES; i++) {
        GByteArray *got = fx.m->rx->pdata[i];

        memset(f, 0x10 + i, sizeof(f));
        CU_ASSERT_EQUAL(got->len, 61);
        CU_ASSERT_EQUAL(got->data[0], i);
        CU_ASSERT_EQUAL(memcmp(got->data + 1, f, 60), 0);
        CU_ASSERT_EQUAL_FATAL(fx.be[i]->rx->len, 1);
        CU_ASSERT_TRUE(
            fake_nic_frame_is(&(FakeNic){.rx = fx.be[i]->rx}, 0, f, sizeof(f)));
    }
    /* Queues that have no hooks: the multiqueue/vhost wrappers say so. */
    CU_ASSERT_EQUAL(qemu_set_queue_enabled(&fx.be[1]->nc, false), 0);
    CU_ASSERT_EQUAL(qemu_set_queue_enabled(NULL, true), 0);
    CU_ASSERT_EQUAL(qemu_get_vhost_fd(&fx.be[1]->nc), -1);
    CU_ASSERT_EQUAL(qemu_get_backend_fd(&fx.be[1]->nc), -1);
    CU_ASSERT_FALSE(qemu_get_vhost_force(&fx.be[1]->nc));
    qemu_set_backend_polling(&fx.be[1]->nc, false);
    fixture_fini(&fx);
}

static void test_set_link_all_queues(void)
{
    Fixture fx;
    uint8_t f[60] = {0};

    fixture_init(&fx, true);
    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "mq", false, NULL));
    for (int i = 0; i < QUEUES; i++) {
        CU_ASSERT_TRUE(fx.be[i]->nc.link_down);
        CU_ASSERT_TRUE(qemu_get_subqueue(fx.m->nic, i)->link_down);
    }
    CU_ASSERT_EQUAL(fx.m->link_changes, 1);
    /* Nothing passes on any queue, either way. */
    for (int i = 0; i < QUEUES; i++) {
        qemu_send_packet(&fx.be[i]->nc, f, sizeof(f));
        qemu_send_packet(qemu_get_subqueue(fx.m->nic, i), f, sizeof(f));
        CU_ASSERT_EQUAL(fx.be[i]->rx->len, 0);
    }
    CU_ASSERT_EQUAL(fx.m->rx->len, 0);

    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "mq", true, NULL));
    CU_ASSERT_EQUAL(fx.m->link_changes, 2);
    /* By the NIC's name: all its subqueues; the backend keeps its state. */
    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "mqnic.0", false, NULL));
    CU_ASSERT_EQUAL(fx.m->link_changes, 3);
    for (int i = 0; i < QUEUES; i++) {
        CU_ASSERT_TRUE(qemu_get_subqueue(fx.m->nic, i)->link_down);
        CU_ASSERT_FALSE(fx.be[i]->nc.link_down);
    }
    qemu_send_packet(qemu_get_subqueue(fx.m->nic, 2), f, sizeof(f));
    CU_ASSERT_EQUAL(fx.be[2]->rx->len, 0);
    CU_ASSERT_TRUE(qmp_set_link(fx.ns, "mqnic.0", true, NULL));
    qemu_send_packet(qemu_get_subqueue(fx.m->nic, 2), f, sizeof(f));
    CU_ASSERT_EQUAL(fx.be[2]->rx->len, 1);
    fixture_fini(&fx);
}

static void test_info_network(void)
{
    Fixture fx;
    GString *out = g_string_new("");

    fixture_init(&fx, true);
    qemu_format_nic_info_str(qemu_get_queue(fx.m->nic), fx.m->conf.macaddr.a);
    for (int i = 0; i < QUEUES; i++) {
        qemu_set_info_str(&fx.be[i]->nc, "q%d", i);
    }
    net_print_info(fx.ns, out);
    CU_ASSERT_STRING_EQUAL(out->str, "mqnic.0: index=0,type=nic,model=mqnic,"
                                     "macaddr=52:54:00:ab:cd:ef\n"
                                     " \\ mq: index=0,type=none,q0\n"
                                     "mqnic.0: index=1,type=nic,model=mqnic,"
                                     "macaddr=52:54:00:ab:cd:ef\n"
                                     " \\ mq: index=1,type=none,q1\n"
                                     "mqnic.0: index=2,type=nic,model=mqnic,"
                                     "macaddr=52:54:00:ab:cd:ef\n"
                                     " \\ mq: index=2,type=none,q2\n");
    g_string_free(out, true);
    fixture_fini(&fx);
}

static const uint8_t rarp_of_mac[60] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0xab,
    0xcd, 0xef, 0x80, 0x35,             /* RARP */
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, /* Ethernet, IPv4, 6, 4 */
    0x00, 0x03,                         /* reverse request */
    0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0,    0,    0,    0, /* sender */
    0x52, 0x54, 0x00, 0xab, 0xcd, 0xef, 0,    0,    0,    0, /* target */
};

static void test_announce(void)
{
    Fixture fx;
    uint8_t with_hdr[12 + 60] = {0};
    FakeNic plain_view;

    fixture_init(&fx, true);
    qemu_announce_self(fx.ns);
    CU_ASSERT_EQUAL(fx.m->announces, 1);
    /* One RARP, on queue 0 only. */
    plain_view.rx = fx.be[0]->rx;
    CU_ASSERT_EQUAL_FATAL(fx.be[0]->rx->len, 1);
    CU_ASSERT_TRUE(
        fake_nic_frame_is(&plain_view, 0, rarp_of_mac, sizeof(rarp_of_mac)));
    CU_ASSERT_EQUAL(fx.be[1]->rx->len, 0);
    CU_ASSERT_EQUAL(fx.be[2]->rx->len, 0);

    /* A backend that takes virtio-net headers gets a zero one first. */
    container_of(fx.be[0], MqBackend, fb)->hdr_len = 12;
    memcpy(with_hdr + 12, rarp_of_mac, 60);
    qemu_announce_self(fx.ns);
    CU_ASSERT_EQUAL(fx.m->announces, 2);
    CU_ASSERT_EQUAL_FATAL(fx.be[0]->rx->len, 2);
    CU_ASSERT_TRUE(
        fake_nic_frame_is(&plain_view, 1, with_hdr, sizeof(with_hdr)));
    fixture_fini(&fx);
}

static void test_unplug_either_side(void)
{
    Fixture fx;
    NICConf *conf;

    /* NIC first: the backends lose their peer and stay. */
    fixture_init(&fx, true);
    conf = &fx.m->conf;
    qemu_del_nic(fx.m->nic);
    fx.m->nic = NULL;
    CU_ASSERT_EQUAL(conf->peers.queues, 0);
    for (int i = 0; i < QUEUES; i++) {
        CU_ASSERT_PTR_NULL(fx.be[i]->nc.peer);
        CU_ASSERT_PTR_NULL(conf->peers.ncs[i]);
    }
    CU_ASSERT_PTR_EQUAL(qemu_find_netdev(fx.ns, "mq"), &fx.be[0]->nc);
    fixture_fini(&fx);

    /* Backends first (net_state_free): the NIC keeps no pointer to them. */
    fixture_init(&fx, true);
    conf = &fx.m->conf;
    net_state_free(fx.ns);
    fx.ns = NULL;
    for (int i = 0; i < QUEUES; i++) {
        CU_ASSERT_PTR_NULL(conf->peers.ncs[i]);
        CU_ASSERT_PTR_NULL(qemu_get_subqueue(fx.m->nic, i)->peer);
        CU_ASSERT_PTR_NULL(qemu_get_subqueue(fx.m->nic, i)->ns);
    }
    mq_nic_free(fx.m);
    main_loop_free(fx.ml);
}

UNIT_SUITE(net_mq, NULL, NULL, UNIT_TEST(test_find_and_peer),
           UNIT_TEST(test_frames_per_queue),
           UNIT_TEST(test_set_link_all_queues), UNIT_TEST(test_info_network),
           UNIT_TEST(test_announce), UNIT_TEST(test_unplug_either_side));
