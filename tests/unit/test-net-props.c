/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NIC properties (hw/net/net-props.h) on a minimal system-bus NIC in
 * the devtest machine: netdev= finds the backend in the machine's NetState
 * and refuses unknown or used ones with QEMU's messages; realize peers the
 * NIC; mac= or the default MAC shows in `info network`; unplug frees the
 * backend for another NIC.
 */
#include "util/osdep.h"
#include "hw/core/sysbus.h"
#include "hw/net/net-props.h"
#include "tests/unit/devtest.h"
#include "tests/unit/test-net-fake.h"

#define TYPE_TEST_NET_NIC "test-net-nic"
OBJECT_DECLARE_SIMPLE_TYPE(TestNetNic, TEST_NET_NIC)

struct TestNetNic {
    SysBusDevice parent_obj;
    NICConf conf;
    NICState *nic;
};

static ssize_t test_nic_receive(NetClientState *nc, const uint8_t *buf,
                                size_t size)
{
    return size;
}

static NetClientInfo test_nic_info = {
    .type = NET_CLIENT_DRIVER_NIC,
    .size = sizeof(NICState),
    .receive = test_nic_receive,
};

static void test_nic_realize(DeviceState *dev, Error **errp)
{
    TestNetNic *s = TEST_NET_NIC(dev);

    qemu_macaddr_default_if_unset(qdev_get_machine(dev)->net, &s->conf.macaddr);
    s->nic =
        qemu_new_nic(&test_nic_info, &s->conf, TYPE_TEST_NET_NIC, dev->id, s);
    qemu_format_nic_info_str(qemu_get_queue(s->nic), s->conf.macaddr.a);
}

static void test_nic_unrealize(DeviceState *dev)
{
    qemu_del_nic(TEST_NET_NIC(dev)->nic);
}

static const Property test_nic_props[] = {
    DEFINE_NIC_PROPERTIES(TestNetNic, conf),
    DEFINE_PROP_END_OF_LIST(),
};

static void test_nic_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = test_nic_realize;
    dc->unrealize = test_nic_unrealize;
    dc->bus_type = TYPE_SYSTEM_BUS;
    device_class_set_props(dc, test_nic_props);
}

static const TypeInfo test_nic_type = {
    .name = TYPE_TEST_NET_NIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(TestNetNic),
    .class_init = test_nic_class_init,
};

static void test_nic_register(void)
{
    type_register_static(&test_nic_type);
}

type_init(test_nic_register)

    static void test_netdev_property(void)
{
    DevTest *t = devtest_new(0);
    NetState *ns = net_state_new(t->ms->main_loop);
    DeviceState *d0, *d1;
    NetClientState *h0;
    GString *info = g_string_new("");
    Error *err = NULL;
    g_autofree char *printed = NULL;

    t->ms->net = ns;
    CU_ASSERT_PTR_NULL(net_test_init(ns, "hubport,id=h0,hubid=0", true));
    CU_ASSERT_PTR_NULL(net_test_init(ns, "hubport,id=h1,hubid=0", true));
    h0 = qemu_find_netdev(ns, "h0");

    d0 = devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "h0", "mac",
                     "52:54:00:aa:bb:cc", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d0);
    CU_ASSERT_PTR_EQUAL(h0->peer, qemu_get_queue(TEST_NET_NIC(d0)->nic));
    printed = object_property_print(OBJECT(d0), "netdev", NULL);
    CU_ASSERT_STRING_EQUAL(printed, "h0");

    /* Used by d0: refused, and nothing is realized. */
    CU_ASSERT_PTR_NULL(
        devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "h0", NULL));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "Property 'test-net-nic.netdev' can't take value "
                           "'h0', it's in use");
    error_free(err);
    err = NULL;
    CU_ASSERT_PTR_NULL(
        devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "nope", NULL));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "Property 'test-net-nic.netdev' can't find value "
                           "'nope' (no -netdev with that id)");
    error_free(err);
    err = NULL;

    /* No mac=: the first default address. */
    d1 = devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "h1", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d1);
    net_print_info(ns, info);
    CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "model=test-net-nic,macaddr="
                                             "52:54:00:aa:bb:cc"));
    CU_ASSERT_PTR_NOT_NULL(strstr(info->str, "model=test-net-nic,macaddr="
                                             "52:54:00:12:34:56"));
    g_string_free(info, true);

    /* Unplugged: h0 is free again. */
    qdev_unrealize(d0);
    CU_ASSERT_PTR_NULL(h0->peer);

    net_state_free(ns);
    t->ms->net = NULL;
    devtest_free(t);
}

/* netdev= on a netdev of three queues: one NIC subqueue per queue. */
static void test_netdev_property_multiqueue(void)
{
    DevTest *t = devtest_new(0);
    NetState *ns = net_state_new(t->ms->main_loop);
    FakeBackend *be[3];
    DeviceState *d0;
    NICState *nic;
    Error *err = NULL;
    g_autofree char *printed = NULL;

    t->ms->net = ns;
    for (int i = 0; i < 3; i++) {
        be[i] = fake_backend_new(ns, "mq");
        be[i]->nc.queue_index = i;
    }
    d0 = devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "mq", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d0);
    nic = TEST_NET_NIC(d0)->nic;
    CU_ASSERT_EQUAL_FATAL(nic->queues, 3);
    CU_ASSERT_EQUAL(TEST_NET_NIC(d0)->conf.peers.queues, 3);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_PTR_EQUAL(be[i]->nc.peer, qemu_get_subqueue(nic, i));
        CU_ASSERT_PTR_EQUAL(qemu_get_subqueue(nic, i)->peer, &be[i]->nc);
    }
    printed = object_property_print(OBJECT(d0), "netdev", NULL);
    CU_ASSERT_STRING_EQUAL(printed, "mq");

    CU_ASSERT_PTR_NULL(
        devtest_add(t, &err, TYPE_TEST_NET_NIC, "netdev", "mq", NULL));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "Property 'test-net-nic.netdev' can't take value "
                           "'mq', it's in use");
    error_free(err);

    qdev_unrealize(d0);
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_PTR_NULL(be[i]->nc.peer);
    }
    net_state_free(ns);
    t->ms->net = NULL;
    devtest_free(t);
}

UNIT_SUITE(net_props, NULL, NULL, UNIT_TEST(test_netdev_property),
           UNIT_TEST(test_netdev_property_multiqueue));
