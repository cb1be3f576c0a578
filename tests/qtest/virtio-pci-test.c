/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport (hw/virtio/virtio-pci.c) against virtio-net-pci,
 * driven through libqos/virtio-pci as Linux's drivers drive it: the IDs,
 * capability list and BARs of each variant (transitional, disable-legacy,
 * disable-modern, vectors=0), modern and legacy bring-up with a frame
 * sent, feature negotiation, status reset, config generation, queue size
 * limits, the PCI_CFG window, MSI-X vectors whose messages land in guest
 * RAM (masked: pending, sent at unmask), INTx with ISR read-to-clear, a
 * ring outside RAM (NEEDS_RESET, the machine keeps answering), a machine
 * reset with live queues, and hot-unplug.
 */
#include <glib.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqos/virtio-pci.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define NET_SLOT    4
#define NET_DEVFN   QPCI_DEVFN(NET_SLOT, 0)
#define CAP_ID_VNDR 0x09
#define CAP_ID_MSIX 0x11
#define RX_QUEUE    0
#define TX_QUEUE    1
#define NET_HDR_LEN 12 /* struct virtio_net_hdr_mrg_rxbuf (VERSION_1) */
#define FRAME_LEN   60
#define STATUS_RUNNING                                                         \
    (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                    \
     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

typedef struct Net {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *dev;
    QVirtQueue *rx, *tx;
} Net;

static Net *net_start(const char *props, bool modern)
{
    Net *n = g_new0(Net, 1);

    n->qts = qtest_initf("-device virtio-net-pci,id=net0,addr=%02x%s%s",
                         NET_SLOT, props ? "," : "", props ? props : "");
    pc_alloc_init(&n->alloc, n->qts, ALLOC_NO_FLAGS);
    n->bus = qpci_new_pc(n->qts, &n->alloc);
    n->dev = qvirtio_pci_device_find_at(n->bus, NET_DEVFN, modern);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n->dev);
    return n;
}

static void net_stop(Net *n)
{
    if (n->rx) {
        qvirtqueue_cleanup(n->dev->vdev.bus, n->rx, &n->alloc);
    }
    if (n->tx) {
        qvirtqueue_cleanup(n->dev->vdev.bus, n->tx, &n->alloc);
    }
    qvirtio_pci_device_free(n->dev);
    qpci_free_pc(n->bus);
    alloc_destroy(&n->alloc);
    qtest_quit(n->qts);
    g_free(n);
}

/* Negotiate, set up rx and tx, DRIVER_OK: Linux's probe, in short. */
static void net_bring_up(Net *n)
{
    QVirtioDevice *d = &n->dev->vdev;
    uint64_t features;

    qvirtio_pci_device_enable(n->dev);
    features = qvirtio_get_features(d);
    if (n->dev->modern) {
        CU_ASSERT_TRUE((features & (1ull << VIRTIO_F_VERSION_1)) != 0);
        features &= (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_NET_F_MAC);
    } else {
        CU_ASSERT_FALSE((features & (1ull << VIRTIO_F_VERSION_1)) != 0);
        features &= 1ull << VIRTIO_NET_F_MAC;
    }
    qvirtio_start_device(d, features);
    n->rx = qvirtqueue_setup(d, &n->alloc, RX_QUEUE);
    n->tx = qvirtqueue_setup(d, &n->alloc, TX_QUEUE);
}

/*
 * Send one frame on tx and wait until the device used it.  The legacy
 * header is 10 bytes (no MRG_RXBUF), the modern one 12.
 */
static void net_send(Net *n)
{
    uint32_t hdr = n->dev->modern ? NET_HDR_LEN : 10;
    uint64_t buf = guest_alloc(&n->alloc, hdr + FRAME_LEN);
    uint32_t head;

    qtest_memset(n->qts, buf, 0, hdr);
    qtest_memset(n->qts, buf + hdr, 0xab, FRAME_LEN);
    head = qvirtqueue_add(n->qts, n->tx, buf, hdr + FRAME_LEN, false, false);
    qvirtqueue_kick(n->qts, &n->dev->vdev, n->tx, head);
    qvirtio_wait_used_elem(n->qts, &n->dev->vdev, n->tx, head, NULL,
                           QVIRTIO_TIMEOUT_US);
    guest_free(&n->alloc, buf);
}

static uint64_t bar_size(QPCIDevice *pdev, int bar)
{
    uint8_t reg = QPCI_BASE_ADDRESS_0 + bar * 4;
    uint32_t lo, hi = 0xffffffff;

    qpci_config_writel(pdev, reg, 0xffffffff);
    lo = qpci_config_readl(pdev, reg);
    if (!lo) {
        return 0;
    }
    if (lo & 1) {
        return (uint16_t)(~(lo & ~3u) + 1);
    }
    if ((lo & 6) == 4) {
        qpci_config_writel(pdev, reg + 4, 0xffffffff);
        hi = qpci_config_readl(pdev, reg + 4);
        return ~((uint64_t)hi << 32 | (lo & ~0xfu)) + 1;
    }
    return (uint32_t)(~(lo & ~0xfu) + 1);
}

static char *qom_get_str(QTestState *qts, const char *prop)
{
    JsonObject *rsp = qtest_qmp_assert_success_ref(
        qts,
        "{'execute': 'qom-get', 'arguments': {'path': "
        "'/machine/peripheral/net0', 'property': %s}}",
        prop);
    JsonNode *node = qdict_get_path(rsp, "return");
    char *val;

    if (JSON_NODE_HOLDS_VALUE(node) &&
        json_node_get_value_type(node) == G_TYPE_BOOLEAN) {
        val = g_strdup(json_node_get_boolean(node) ? "true" : "false");
    } else if (JSON_NODE_HOLDS_VALUE(node) &&
               json_node_get_value_type(node) == G_TYPE_INT64) {
        val = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
    } else {
        val = g_strdup(json_node_get_string(node));
    }
    json_object_unref(rsp);
    return val;
}

/* ---- Identity, capabilities, BARs ---- */

/* The transitional default: QEMU's IDs, list order and BAR 4 layout. */
static void test_transitional_layout(void)
{
    Net *n = net_start(NULL, true);
    QPCIDevice *p = n->dev->pdev;
    static const struct {
        uint8_t pos, type, len;
        uint32_t offset;
    } caps[] = {
        {0x84, VIRTIO_PCI_CAP_PCI_CFG, 20, 0},
        {0x70, VIRTIO_PCI_CAP_NOTIFY_CFG, 20, 0x3000},
        {0x60, VIRTIO_PCI_CAP_DEVICE_CFG, 16, 0x2000},
        {0x50, VIRTIO_PCI_CAP_ISR_CFG, 16, 0x1000},
        {0x40, VIRTIO_PCI_CAP_COMMON_CFG, 16, 0x0000},
    };
    uint8_t pos;

    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_VENDOR_ID), 0x1af4);
    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_DEVICE_ID), 0x1000);
    CU_ASSERT_EQUAL(qpci_config_readb(p, 0x08), 0); /* revision */
    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_CLASS_DEVICE), 0x0200);
    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_SUBSYSTEM_VENDOR_ID), 0x1af4);
    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_SUBSYSTEM_ID), VIRTIO_ID_NET);
    CU_ASSERT_EQUAL(qpci_config_readb(p, QPCI_INTERRUPT_PIN), 1);
    /* The list: MSI-X first (added last), then the vendor capabilities. */
    pos = qpci_config_readb(p, QPCI_CAPABILITY_LIST);
    CU_ASSERT_EQUAL(pos, 0x98);
    CU_ASSERT_EQUAL(qpci_config_readb(p, pos), CAP_ID_MSIX);
    CU_ASSERT_EQUAL(qpci_config_readw(p, pos + QPCI_MSIX_FLAGS) &
                        QPCI_MSIX_FLAGS_QSIZE,
                    4 - 1); /* virtio-net's default: 4 vectors */
    pos = qpci_config_readb(p, pos + 1);
    for (size_t i = 0; i < G_N_ELEMENTS(caps); i++) {
        CU_ASSERT_EQUAL_FATAL(pos, caps[i].pos);
        CU_ASSERT_EQUAL(qpci_config_readb(p, pos), CAP_ID_VNDR);
        CU_ASSERT_EQUAL(qpci_config_readb(p, pos + VIRTIO_PCI_CAP_LEN),
                        caps[i].len);
        CU_ASSERT_EQUAL(qpci_config_readb(p, pos + VIRTIO_PCI_CAP_CFG_TYPE),
                        caps[i].type);
        if (caps[i].type != VIRTIO_PCI_CAP_PCI_CFG) {
            CU_ASSERT_EQUAL(qpci_config_readb(p, pos + VIRTIO_PCI_CAP_BAR), 4);
            CU_ASSERT_EQUAL(qpci_config_readl(p, pos + VIRTIO_PCI_CAP_OFFSET),
                            caps[i].offset);
            CU_ASSERT_EQUAL(qpci_config_readl(p, pos + VIRTIO_PCI_CAP_LENGTH),
                            0x1000);
        }
        if (caps[i].type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
            CU_ASSERT_EQUAL(
                qpci_config_readl(p, pos + VIRTIO_PCI_NOTIFY_CAP_MULT), 4);
        }
        pos = qpci_config_readb(p, pos + 1);
    }
    CU_ASSERT_EQUAL(pos, 0);
    /* BAR 0: legacy I/O; BAR 1: MSI-X; BAR 4: 16 KiB 64-bit prefetchable. */
    CU_ASSERT_TRUE(qpci_config_readl(p, QPCI_BASE_ADDRESS_0) & 1);
    CU_ASSERT_TRUE(bar_size(p, 0) >= 32);
    CU_ASSERT_EQUAL(bar_size(p, 0) & (bar_size(p, 0) - 1), 0);
    CU_ASSERT_EQUAL(bar_size(p, 1), 0x1000); /* QEMU's: table, PBA at 2K */
    CU_ASSERT_EQUAL(qpci_config_readl(p, 0x98 + QPCI_MSIX_PBA), 0x800 | 1);
    CU_ASSERT_EQUAL(qpci_config_readl(p, QPCI_BASE_ADDRESS_0 + 16) & 0xf,
                    0xc); /* 64-bit, prefetchable */
    CU_ASSERT_EQUAL(bar_size(p, 4), 0x4000);
    CU_ASSERT_EQUAL(bar_size(p, 2), 0);
    net_stop(n);
}

static void test_modern_only(void)
{
    Net *n = net_start("disable-legacy=on", true);
    QPCIDevice *p = n->dev->pdev;

    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_DEVICE_ID), 0x1041);
    CU_ASSERT_EQUAL(qpci_config_readb(p, 0x08), 1);
    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_SUBSYSTEM_ID), 0x1100);
    CU_ASSERT_EQUAL(bar_size(p, 0), 0);
    CU_ASSERT_EQUAL(bar_size(p, 4), 0x4000);
    CU_ASSERT_NOT_EQUAL(qvirtio_pci_find_cap(p, VIRTIO_PCI_CAP_COMMON_CFG), 0);
    net_bring_up(n);
    qvirtio_set_driver_ok(&n->dev->vdev);
    net_send(n);
    net_stop(n);
}

static void test_legacy_only(void)
{
    Net *n = net_start("disable-modern=on", false);
    QPCIDevice *p = n->dev->pdev;

    CU_ASSERT_EQUAL(qpci_config_readw(p, QPCI_DEVICE_ID), 0x1000);
    CU_ASSERT_EQUAL(qvirtio_pci_find_cap(p, VIRTIO_PCI_CAP_COMMON_CFG), 0);
    CU_ASSERT_EQUAL(bar_size(p, 4), 0);
    CU_ASSERT_TRUE(bar_size(p, 0) >= 32);
    net_bring_up(n);
    qvirtio_set_driver_ok(&n->dev->vdev);
    net_send(n);
    net_stop(n);
}

/* vectors=0: no MSI-X capability, no BAR 1, config at 20 in BAR 0. */
static void test_no_vectors(void)
{
    Net *n = net_start("vectors=0", false);
    QPCIDevice *p = n->dev->pdev;
    uint8_t mac[6];

    CU_ASSERT_EQUAL(qpci_find_capability(p, CAP_ID_MSIX, 0), 0);
    CU_ASSERT_EQUAL(bar_size(p, 1), 0);
    qvirtio_pci_device_enable(n->dev);
    for (int i = 0; i < 6; i++) {
        mac[i] = qpci_io_readb(p, n->dev->bar, 20 + i);
    }
    CU_ASSERT_EQUAL(mac[0], 0x52); /* the default 52:54:00:12:34:56 */
    CU_ASSERT_EQUAL(mac[1], 0x54);
    net_stop(n);
}

/* Configurations that cannot work are refused at device_add. */
static void test_no_interface_refused(void)
{
    QTestState *qts = qtest_init("");
    JsonObject *rsp = qtest_qmp(
        qts, "{'execute': 'device_add', 'arguments': {'driver': "
             "'virtio-net-pci', 'disable-legacy': 'on', 'disable-modern': "
             "'on'}}");

    qmp_expect_error_and_unref(rsp, "GenericError");
    /* A table MSI-X cannot have: refused, and nothing is left behind. */
    rsp = qtest_qmp(qts, "{'execute': 'device_add', 'arguments': {'driver': "
                         "'virtio-net-pci', 'id': 'bad', 'vectors': '5000'}}");
    qmp_expect_error_and_unref(rsp, "GenericError");
    qtest_qmp_device_add(qts, "virtio-net-pci", "good", "{'addr': '05'}");
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    qtest_quit(qts);
}

/* ---- Bring-up and negotiation ---- */

static void test_modern_bring_up(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    uint8_t mac[6];

    net_bring_up(n);
    CU_ASSERT_EQUAL(
        qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_NUMQ) >= 2, true);
    qvirtio_set_driver_ok(d);
    CU_ASSERT_EQUAL(qvirtio_get_status(d), STATUS_RUNNING);
    for (int i = 0; i < 6; i++) {
        mac[i] = qvirtio_config_readb(d, i);
    }
    CU_ASSERT_EQUAL(mac[0], 0x52);
    CU_ASSERT_EQUAL(mac[5], 0x56);
    /* Two frames; qtest has no ioeventfd: each kick is an exit. */
    net_send(n);
    net_send(n);
    g_autofree char *ioeventfd = qom_get_str(n->qts, "x-ioeventfd-active");
    g_autofree char *irqfd = qom_get_str(n->qts, "x-irqfd-active");
    g_autofree char *exits = qom_get_str(n->qts, "x-notify-exits");
    CU_ASSERT_STRING_EQUAL(ioeventfd, "false");
    CU_ASSERT_STRING_EQUAL(irqfd, "false");
    CU_ASSERT_STRING_EQUAL(exits, "2");
    net_stop(n);
}

static void test_legacy_bring_up(void)
{
    Net *n = net_start(NULL, false);
    QVirtioDevice *d = &n->dev->vdev;

    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    CU_ASSERT_EQUAL(qvirtio_get_status(d), VIRTIO_CONFIG_S_ACKNOWLEDGE |
                                               VIRTIO_CONFIG_S_DRIVER |
                                               VIRTIO_CONFIG_S_DRIVER_OK);
    /* The legacy PFN reads back; the size is the device's. */
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_QUEUE_SEL, TX_QUEUE);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readl(n->dev, VIRTIO_PCI_QUEUE_PFN),
                    n->tx->desc >> 12);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_QUEUE_NUM),
                    n->tx->size);
    net_send(n);
    net_stop(n);
}

static void test_features_ok_refused(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    uint64_t offered;

    qvirtio_pci_device_enable(n->dev);
    offered = qvirtio_get_features(d);
    /* The legacy-only transport bits are not offered to a 1.x driver. */
    CU_ASSERT_FALSE((offered & (1ull << VIRTIO_F_ANY_LAYOUT)) != 0);
    CU_ASSERT_FALSE((offered & (1ull << VIRTIO_F_NOTIFY_ON_EMPTY)) != 0);
    CU_ASSERT_TRUE((offered & (1ull << VIRTIO_F_VERSION_1)) != 0);
    /* A feature never offered (bit 63). */
    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    qvirtio_set_features(d, (1ull << VIRTIO_F_VERSION_1) | (1ull << 63));
    CU_ASSERT_FALSE(qvirtio_set_features_ok(d));
    /* VERSION_1 left out on the modern interface. */
    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    qvirtio_set_features(d, 1ull << VIRTIO_NET_F_MAC);
    CU_ASSERT_FALSE(qvirtio_set_features_ok(d));
    /* What was offered is kept, and reads back. */
    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    qvirtio_set_features(d, offered);
    CU_ASSERT_TRUE(qvirtio_set_features_ok(d));
    CU_ASSERT_EQUAL(d->bus->get_guest_features(d), offered);
    net_stop(n);
}

/* Status 0 resets: status, features, queues and vectors. */
static void test_status_reset(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;

    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    net_send(n);
    qvirtio_set_status(d, 0);
    CU_ASSERT_EQUAL(qvirtio_get_status(d), 0);
    CU_ASSERT_EQUAL(d->bus->get_guest_features(d), 0);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SELECT, TX_QUEUE);
    CU_ASSERT_EQUAL(
        qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_ENABLE), 0);
    CU_ASSERT_EQUAL(
        qvirtio_pci_common_readl(n->dev, VIRTIO_PCI_COMMON_Q_DESCLO), 0);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_MSIX),
                    VIRTIO_MSI_NO_VECTOR);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_MSIX),
                    VIRTIO_MSI_NO_VECTOR);
    /* And it comes back up as new. */
    qvirtqueue_cleanup(d->bus, n->rx, &n->alloc);
    qvirtqueue_cleanup(d->bus, n->tx, &n->alloc);
    n->rx = n->tx = NULL;
    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    net_send(n);
    net_stop(n);
}

/* A configuration change (the link going down) bumps the generation. */
static void test_config_generation(void)
{
    Net *n = net_start("netdev=hs0 -netdev hubport,id=hs0,hubid=0", true);
    QVirtioDevice *d = &n->dev->vdev;
    uint8_t gen;

    qvirtio_pci_device_enable(n->dev);
    qvirtio_start_device(d, (1ull << VIRTIO_F_VERSION_1) |
                                (1ull << VIRTIO_NET_F_STATUS));
    qvirtio_set_driver_ok(d);
    gen = qvirtio_pci_common_readb(n->dev, VIRTIO_PCI_COMMON_CFGGENERATION);
    CU_ASSERT_EQUAL(qvirtio_config_readw(d, 6) & VIRTIO_NET_S_LINK_UP,
                    VIRTIO_NET_S_LINK_UP);
    qtest_qmp_assert_success(n->qts, "{'execute': 'set_link', 'arguments': "
                                     "{'name': 'net0', 'up': false}}");
    CU_ASSERT_NOT_EQUAL(
        qvirtio_pci_common_readb(n->dev, VIRTIO_PCI_COMMON_CFGGENERATION), gen);
    CU_ASSERT_EQUAL(qvirtio_config_readw(d, 6) & VIRTIO_NET_S_LINK_UP, 0);
    /* MSI-X off: the ISR's config bit says so. */
    CU_ASSERT_TRUE(qvirtio_pci_isr_read(n->dev) & VIRTIO_PCI_ISR_CONFIG);
    net_stop(n);
}

static void test_queue_size(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    uint16_t max;

    qvirtio_pci_device_enable(n->dev);
    qvirtio_start_device(d, 1ull << VIRTIO_F_VERSION_1);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SELECT, TX_QUEUE);
    max = qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE);
    CU_ASSERT_TRUE_FATAL(max >= 64);
    /* Above the maximum, zero, not a power of two: refused. */
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SIZE, max * 2);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE),
                    max);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SIZE, 0);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE),
                    max);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SIZE, 48);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE),
                    max);
    /* Smaller is fine, and a ring of that size works. */
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SIZE, 32);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE),
                    32);
    n->tx = qvirtqueue_setup(d, &n->alloc, TX_QUEUE);
    CU_ASSERT_EQUAL(n->tx->size, 32);
    n->rx = qvirtqueue_setup(d, &n->alloc, RX_QUEUE);
    qvirtio_set_driver_ok(d);
    for (int i = 0; i < 40; i++) { /* wraps the 32 entries */
        net_send(n);
        n->tx->num_free++;
    }
    /* Queues that do not exist read size 0. */
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SELECT, 1000);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_SIZE),
                    0);
    net_stop(n);
}

/* The next frame on a socket netdev's stream (4-byte big-endian length). */
static size_t sock_recv_frame(int fd, uint8_t *buf, size_t max)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    uint32_t be_len;
    size_t len, got = 0;

    CU_ASSERT_EQUAL_FATAL(poll(&pfd, 1, 10000), 1);
    CU_ASSERT_EQUAL_FATAL(read(fd, &be_len, 4), 4);
    len = g_ntohl(be_len);
    CU_ASSERT_TRUE_FATAL(len <= max);
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);

        CU_ASSERT_TRUE_FATAL(r > 0);
        got += r;
    }
    return len;
}

/* A frame as a two-descriptor chain, then through an indirect table. */
static void test_chain_and_indirect(void)
{
    g_autofree char *props = NULL;
    QVirtioDevice *d;
    QVRingIndirectDesc *table;
    uint8_t frame[FRAME_LEN], got[FRAME_LEN + 16];
    uint64_t hdr, data;
    uint32_t head;
    int sv[2];
    Net *n;

    CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    props = g_strdup_printf("netdev=s0 -netdev socket,id=s0,fd=%d", sv[1]);
    n = net_start(props, true);
    close(sv[1]);
    d = &n->dev->vdev;
    qvirtio_pci_device_enable(n->dev);
    CU_ASSERT_TRUE(
        (qvirtio_get_features(d) & (1ull << VIRTIO_RING_F_INDIRECT_DESC)) != 0);
    qvirtio_start_device(d, (1ull << VIRTIO_F_VERSION_1) |
                                (1ull << VIRTIO_RING_F_INDIRECT_DESC));
    n->rx = qvirtqueue_setup(d, &n->alloc, RX_QUEUE);
    n->tx = qvirtqueue_setup(d, &n->alloc, TX_QUEUE);
    CU_ASSERT_TRUE(n->tx->indirect);
    qvirtio_set_driver_ok(d);
    hdr = guest_alloc(&n->alloc, NET_HDR_LEN);
    data = guest_alloc(&n->alloc, FRAME_LEN);
    qtest_memset(n->qts, hdr, 0, NET_HDR_LEN);
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < FRAME_LEN; i++) {
            frame[i] = i * 7 + round;
        }
        qtest_memwrite(n->qts, data, frame, FRAME_LEN);
        if (round == 0) {
            head = qvirtqueue_add(n->qts, n->tx, hdr, NET_HDR_LEN, false, true);
            qvirtqueue_add(n->qts, n->tx, data, FRAME_LEN, false, false);
        } else {
            table = qvring_indirect_desc_setup(n->qts, d, &n->alloc, 2);
            qvring_indirect_desc_add(d, n->qts, table, hdr, NET_HDR_LEN, false);
            qvring_indirect_desc_add(d, n->qts, table, data, FRAME_LEN, false);
            head = qvirtqueue_add_indirect(n->qts, n->tx, table);
        }
        qvirtqueue_kick(n->qts, d, n->tx, head);
        qvirtio_wait_used_elem(n->qts, d, n->tx, head, NULL,
                               QVIRTIO_TIMEOUT_US);
        CU_ASSERT_EQUAL(sock_recv_frame(sv[0], got, sizeof(got)), FRAME_LEN);
        CU_ASSERT_EQUAL(memcmp(got, frame, FRAME_LEN), 0);
        if (round == 1) {
            guest_free(&n->alloc, table->desc);
            g_free(table);
        }
    }
    net_stop(n);
    close(sv[0]);
}

/* The PCI_CFG capability: BAR 4 through config space only. */
static void test_pci_cfg_window(void)
{
    Net *n = net_start(NULL, true);
    QPCIDevice *p = n->dev->pdev;
    uint8_t cap = qvirtio_pci_find_cap(p, VIRTIO_PCI_CAP_PCI_CFG);
    uint8_t data = cap + 16;

    CU_ASSERT_TRUE_FATAL(cap != 0);
    qvirtio_pci_device_enable(n->dev);
    qpci_config_writeb(p, cap + VIRTIO_PCI_CAP_BAR, 4);
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_OFFSET, VIRTIO_PCI_COMMON_NUMQ);
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_LENGTH, 2);
    CU_ASSERT_EQUAL(qpci_config_readw(p, data),
                    qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_NUMQ));
    /* A write: the status byte. */
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_OFFSET,
                       VIRTIO_PCI_COMMON_STATUS);
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_LENGTH, 1);
    qpci_config_writeb(p, data, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    CU_ASSERT_EQUAL(qvirtio_get_status(&n->dev->vdev),
                    VIRTIO_CONFIG_S_ACKNOWLEDGE);
    /* The ISR through the window, and a length the BAR does not take. */
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_OFFSET, 0x1000);
    qpci_config_writel(p, cap + VIRTIO_PCI_CAP_LENGTH, 3);
    qpci_config_writel(p, data, 0x5a5a5a5a);
    CU_ASSERT_EQUAL(qvirtio_get_status(&n->dev->vdev),
                    VIRTIO_CONFIG_S_ACKNOWLEDGE);
    net_stop(n);
}

/* ---- Interrupts ---- */

static void test_msix(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    QVirtQueuePCI *tx;
    int gsi;

    qvirtio_pci_device_enable(n->dev);
    gsi = qpci_intx_gsi(n->dev->pdev);
    qtest_irq_intercept_in(n->qts, "ioapic");
    qvirtio_pci_msix_enable(n->dev);
    qvirtio_start_device(d, 1ull << VIRTIO_F_VERSION_1);
    qvirtio_pci_set_msix_configuration_vector(n->dev, &n->alloc, 0);
    n->rx = qvirtqueue_setup(d, &n->alloc, RX_QUEUE);
    n->tx = qvirtqueue_setup(d, &n->alloc, TX_QUEUE);
    tx = (QVirtQueuePCI *)n->tx;
    qvirtqueue_pci_msix_setup(n->dev, tx, &n->alloc, 2);
    /* A vector past the table reads NO_VECTOR. */
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SELECT, RX_QUEUE);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_MSIX, 4);
    CU_ASSERT_EQUAL(qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_MSIX),
                    VIRTIO_MSI_NO_VECTOR);
    qvirtio_set_driver_ok(d);
    /* The message lands in guest RAM; INTx stays low; the ISR says 0... */
    net_send(n);
    CU_ASSERT_EQUAL(qtest_readl(n->qts, tx->msix_addr), tx->msix_data);
    CU_ASSERT_FALSE(qtest_get_irq(n->qts, gsi));
    qtest_writel(n->qts, tx->msix_addr, 0);
    /* Masked: nothing lands, the PBA has it, the unmask sends it. */
    qpci_io_writel(n->dev->pdev, n->dev->pdev->msix_table_bar,
                   n->dev->pdev->msix_table_off + 2 * QPCI_MSIX_ENTRY_SIZE +
                       QPCI_MSIX_ENTRY_VECTOR_CTRL,
                   QPCI_MSIX_ENTRY_CTRL_MASKBIT);
    net_send(n);
    CU_ASSERT_EQUAL(qtest_readl(n->qts, tx->msix_addr), 0);
    CU_ASSERT_TRUE(qpci_msix_pending(n->dev->pdev, 2));
    qpci_io_writel(n->dev->pdev, n->dev->pdev->msix_table_bar,
                   n->dev->pdev->msix_table_off + 2 * QPCI_MSIX_ENTRY_SIZE +
                       QPCI_MSIX_ENTRY_VECTOR_CTRL,
                   0);
    CU_ASSERT_EQUAL(qtest_readl(n->qts, tx->msix_addr), tx->msix_data);
    CU_ASSERT_FALSE(qpci_msix_pending(n->dev->pdev, 2));
    net_stop(n);
}

/* MSI-X off: the ISR and the INTx line; reading the ISR clears both. */
static void test_intx_isr(void)
{
    Net *n = net_start(NULL, true);
    int gsi;

    net_bring_up(n);
    gsi = qpci_intx_gsi(n->dev->pdev);
    CU_ASSERT_TRUE_FATAL(gsi > 0);
    qtest_irq_intercept_in(n->qts, "ioapic");
    qvirtio_set_driver_ok(&n->dev->vdev);
    CU_ASSERT_FALSE(qtest_get_irq(n->qts, gsi));
    net_send(n);
    CU_ASSERT_TRUE(qtest_get_irq(n->qts, gsi));
    CU_ASSERT_EQUAL(qvirtio_pci_isr_read(n->dev), 1);
    CU_ASSERT_FALSE(qtest_get_irq(n->qts, gsi));
    CU_ASSERT_EQUAL(qvirtio_pci_isr_read(n->dev), 0);
    net_stop(n);
}

/* ---- Hostile rings, resets, unplug ---- */

/* A descriptor outside RAM: NEEDS_RESET, and the machine answers. */
static void test_ring_outside_ram(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    uint32_t head;

    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    head = qvirtqueue_add(n->qts, n->tx, 0xfffffff000000000ull, 4096, false,
                          false);
    qvirtqueue_kick(n->qts, d, n->tx, head);
    qtest_clock_step(n->qts, 100);
    CU_ASSERT_TRUE(qvirtio_get_status(d) & VIRTIO_CONFIG_S_NEEDS_RESET);
    CU_ASSERT_EQUAL(qpci_config_readw(n->dev->pdev, QPCI_VENDOR_ID), 0x1af4);
    qtest_qmp_assert_success(n->qts, "{'execute': 'query-status'}");
    /* The driver's reset recovers the device. */
    qvirtqueue_cleanup(d->bus, n->rx, &n->alloc);
    qvirtqueue_cleanup(d->bus, n->tx, &n->alloc);
    n->rx = n->tx = NULL;
    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    CU_ASSERT_FALSE(qvirtio_get_status(d) & VIRTIO_CONFIG_S_NEEDS_RESET);
    net_send(n);
    net_stop(n);
}

/* system_reset with live queues: all back to power-on, and usable. */
static void test_machine_reset(void)
{
    Net *n = net_start(NULL, true);
    QVirtioDevice *d = &n->dev->vdev;
    uint64_t buf = guest_alloc(&n->alloc, 64);

    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    /* An rx buffer the device holds when the reset comes. */
    qvirtqueue_kick(n->qts, d, n->rx,
                    qvirtqueue_add(n->qts, n->rx, buf, 64, true, false));
    qtest_qmp_assert_success(n->qts, "{'execute': 'system_reset'}");
    qtest_qmp_eventwait(n->qts, "RESET");
    CU_ASSERT_EQUAL(qpci_config_readw(n->dev->pdev, QPCI_COMMAND), 0);
    qvirtio_pci_device_enable(n->dev);
    CU_ASSERT_EQUAL(qvirtio_get_status(d), 0);
    qvirtio_pci_common_writew(n->dev, VIRTIO_PCI_COMMON_Q_SELECT, RX_QUEUE);
    CU_ASSERT_EQUAL(
        qvirtio_pci_common_readw(n->dev, VIRTIO_PCI_COMMON_Q_ENABLE), 0);
    qvirtqueue_cleanup(d->bus, n->rx, &n->alloc);
    qvirtqueue_cleanup(d->bus, n->tx, &n->alloc);
    n->rx = n->tx = NULL;
    net_bring_up(n);
    qvirtio_set_driver_ok(d);
    net_send(n);
    net_stop(n);
}

/* device_del + the guest's ACPI eject, with the device running. */
static void test_hot_unplug(void)
{
    QTestState *qts = qtest_init("");
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *dev;
    QVirtQueue *tx;

    pc_alloc_init(&alloc, qts, ALLOC_NO_FLAGS);
    bus = qpci_new_pc(qts, &alloc);
    qtest_qmp_device_add(qts, "virtio-net-pci", "net1", "{'addr': '06'}");
    dev = qvirtio_pci_device_find_at(bus, QPCI_DEVFN(6, 0), true);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dev);
    qvirtio_pci_device_enable(dev);
    qvirtio_pci_msix_enable(dev);
    qvirtio_start_device(&dev->vdev, 1ull << VIRTIO_F_VERSION_1);
    tx = qvirtqueue_setup(&dev->vdev, &alloc, TX_QUEUE);
    qvirtqueue_pci_msix_setup(dev, (QVirtQueuePCI *)tx, &alloc, 1);
    qvirtio_set_driver_ok(&dev->vdev);
    qpci_unplug_acpi_device_test(qts, "net1", 6);
    CU_ASSERT_EQUAL(qpci_config_readw(dev->pdev, QPCI_VENDOR_ID), 0xffff);
    /* A notify to where the BAR was reaches nothing. */
    qpci_io_writew(dev->pdev, dev->bar, dev->notify_cfg, TX_QUEUE);
    qtest_qmp_assert_success(qts, "{'execute': 'query-status'}");
    guest_free(&alloc, tx->ring_mem);
    g_free(tx);
    qvirtio_pci_device_free(dev);
    qpci_free_pc(bus);
    alloc_destroy(&alloc);
    qtest_quit(qts);
}

QTEST_SUITE(virtio_pci, QTEST_CASE(test_transitional_layout),
            QTEST_CASE(test_modern_only), QTEST_CASE(test_legacy_only),
            QTEST_CASE(test_no_vectors), QTEST_CASE(test_no_interface_refused),
            QTEST_CASE(test_modern_bring_up), QTEST_CASE(test_legacy_bring_up),
            QTEST_CASE(test_features_ok_refused), QTEST_CASE(test_status_reset),
            QTEST_CASE(test_config_generation), QTEST_CASE(test_queue_size),
            QTEST_CASE(test_chain_and_indirect),
            QTEST_CASE(test_pci_cfg_window), QTEST_CASE(test_msix),
            QTEST_CASE(test_intx_isr), QTEST_CASE(test_ring_outside_ram),
            QTEST_CASE(test_machine_reset), QTEST_CASE(test_hot_unplug))
