/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-net-pci driven like a guest driver over qtest (the libqos virtio
 * driver): the features and configuration the driver sees, frames both
 * ways through a socketpair netdev (4-byte big-endian length prefix)
 * checked byte for byte, mergeable receive buffers, receive backpressure,
 * an MSI-X message landing in guest RAM, the control queue (receive
 * filter, MAC table, VLAN filter, errors), set_link and announce-self,
 * reset with traffic in flight, a malformed transmit chain, the packed
 * ring, and a tap with vnet headers and queues (offloads, multiqueue, load).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/net-socket.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqos/virtio-pci.h"
#include "tests/qtest/libqos/virtio.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define VNET_SLOT  4
#define TIMEOUT_US (10 * 1000 * 1000)
#define WAIT_MS    10000
#define HDR_LEN    12 /* struct virtio_net_hdr_mrg_rxbuf (VERSION_1) */

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
static const uint8_t other_mac[6] = {0x52, 0x54, 0x00, 0x99, 0x88, 0x77};
static const uint8_t bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

#define F(bit) (1ull << (bit))

/* What the driver accepts by default: everything but ring extras. */
#define WANT_ALL                                                               \
    (~(F(VIRTIO_RING_F_INDIRECT_DESC) | F(VIRTIO_RING_F_EVENT_IDX) |           \
       F(VIRTIO_F_RING_PACKED)))

typedef struct VNet {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QVirtioPCIDevice *pdev;
    QVirtioDevice *vdev;
    QVirtQueue *rx, *tx, *ctrl;
    uint64_t offered;
    uint64_t features;
    int sock; /* our end of the netdev's socketpair */
} VNet;

/* ---- Start, bring-up, stop ---- */

static void vnet_bring_up(VNet *t, uint64_t want)
{
    t->offered = qvirtio_get_features(t->vdev);
    t->features = t->offered & want;
    qvirtio_start_device(t->vdev, t->features);
    t->rx = qvirtqueue_setup(t->vdev, &t->alloc, 0);
    t->tx = qvirtqueue_setup(t->vdev, &t->alloc, 1);
    /* the control queue follows every pair when MQ is negotiated */
    t->ctrl = qvirtqueue_setup(
        t->vdev, &t->alloc,
        t->features & F(VIRTIO_NET_F_MQ)
            ? 2 * qvirtio_config_readw(
                      t->vdev,
                      offsetof(struct virtio_net_config, max_virtqueue_pairs))
            : 2);
    qvirtio_set_driver_ok(t->vdev);
}

static void vnet_free_queues(VNet *t)
{
    qvirtqueue_cleanup(t->vdev->bus, t->rx, &t->alloc);
    qvirtqueue_cleanup(t->vdev->bus, t->tx, &t->alloc);
    qvirtqueue_cleanup(t->vdev->bus, t->ctrl, &t->alloc);
    t->rx = t->tx = t->ctrl = NULL;
}

/* kemu with -netdev @netdev (id n0) and the device with @props. */
static VNet *vnet_start_netdev(const char *netdev, const char *props,
                               uint64_t want)
{
    VNet *t = g_new0(VNet, 1);

    t->sock = -1;
    t->qts =
        qtest_initf("-netdev %s,id=n0 "
                    "-device virtio-net-pci,netdev=n0,id=nic0,"
                    "addr=%02x.0%s%s",
                    netdev, VNET_SLOT, props ? "," : "", props ? props : "");
    pc_alloc_init(&t->alloc, t->qts, ALLOC_NO_FLAGS);
    t->bus = qpci_new_pc(t->qts, &t->alloc);
    t->pdev =
        qvirtio_pci_device_find_at(t->bus, QPCI_DEVFN(VNET_SLOT, 0), true);
    g_assert(t->pdev);
    t->vdev = &t->pdev->vdev;
    g_assert_cmpuint(t->vdev->device_type, ==, VIRTIO_ID_NET);
    qvirtio_pci_device_enable(t->pdev);
    vnet_bring_up(t, want);
    return t;
}

/* The same over a socketpair whose other end the test holds. */
static VNet *vnet_start_features(const char *props, uint64_t want)
{
    g_autofree char *netdev = NULL;
    VNet *t;
    int sv[2];

    g_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    netdev = g_strdup_printf("socket,fd=%d", sv[1]);
    t = vnet_start_netdev(netdev, props, want);
    close(sv[1]);
    t->sock = sv[0];
    return t;
}

static VNet *vnet_start(const char *props)
{
    return vnet_start_features(props, WANT_ALL);
}

static void vnet_stop(VNet *t)
{
    vnet_free_queues(t);
    qvirtio_pci_device_disable(t->pdev);
    qvirtio_pci_device_free(t->pdev);
    qpci_free_pc(t->bus);
    alloc_destroy(&t->alloc);
    qtest_quit(t->qts);
    if (t->sock >= 0) {
        close(t->sock);
    }
    g_free(t);
}

/* ---- The wire ---- */

static bool sock_read_ready(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    return poll(&pfd, 1, WAIT_MS) == 1;
}

/* The next frame the device sent (its length), or -1 if none came. */
static ssize_t wire_recv(VNet *t, uint8_t *buf, size_t max)
{
    return qnet_sock_recv(t->sock, buf, max, WAIT_MS);
}

static void wire_send(VNet *t, const uint8_t *frame, size_t len)
{
    qnet_sock_send(t->sock, frame, len);
}

/* ---- The guest's side of the queues ---- */

/* Post one receive buffer of @len bytes; its guest address. */
static uint64_t rx_post(VNet *t, size_t len, uint32_t *head)
{
    uint64_t addr = guest_alloc(&t->alloc, len);

    qtest_memset(t->qts, addr, 0xa5, len);
    *head = qvirtqueue_add(t->qts, t->rx, addr, len, true, false);
    qvirtqueue_kick(t->qts, t->vdev, t->rx, *head);
    return addr;
}

/* Wait for receive buffer @head; the bytes the device wrote. */
static uint32_t rx_wait(VNet *t, uint32_t head)
{
    uint32_t len = 0;

    qvirtio_wait_used_elem(t->qts, t->vdev, t->rx, head, &len, TIMEOUT_US);
    return len;
}

/* Receive @frame into a fresh @bufsize buffer and check every byte. */
static void rx_check_frame(VNet *t, const uint8_t *frame, size_t len,
                           size_t bufsize)
{
    uint8_t hdr[HDR_LEN], zero[HDR_LEN] = {0};
    g_autofree uint8_t *got = g_malloc(len);
    uint32_t head;
    uint64_t addr = rx_post(t, bufsize, &head);

    wire_send(t, frame, len);
    g_assert_cmpuint(rx_wait(t, head), ==, HDR_LEN + len);
    qtest_memread(t->qts, addr, hdr, HDR_LEN);
    if (t->features & F(VIRTIO_NET_F_MRG_RXBUF)) {
        zero[10] = 1; /* num_buffers */
    }
    g_assert(!memcmp(hdr, zero, HDR_LEN));
    qtest_memread(t->qts, addr + HDR_LEN, got, len);
    g_assert(!memcmp(got, frame, len));
    guest_free(&t->alloc, addr);
}

/* Send @frame (with a zero header) in one descriptor; wait until used. */
static void tx_send(VNet *t, const uint8_t *frame, size_t len)
{
    uint64_t addr = guest_alloc(&t->alloc, HDR_LEN + len);
    uint32_t head, used = 0xdead;

    qtest_memset(t->qts, addr, 0, HDR_LEN);
    qtest_memwrite(t->qts, addr + HDR_LEN, frame, len);
    head = qvirtqueue_add(t->qts, t->tx, addr, HDR_LEN + len, false, false);
    qvirtqueue_kick(t->qts, t->vdev, t->tx, head);
    qvirtio_wait_used_elem(t->qts, t->vdev, t->tx, head, &used, TIMEOUT_US);
    g_assert_cmpuint(used, ==, 0);
    guest_free(&t->alloc, addr);
}

/* A control command with @len bytes of data; the device's ack byte. */
static uint8_t ctrl_cmd(VNet *t, uint8_t class, uint8_t cmd, const void *data,
                        size_t len)
{
    uint64_t req = guest_alloc(&t->alloc, 2 + len + 1);
    uint64_t ack = req + 2 + len;
    uint8_t hdr[2] = {class, cmd};
    uint32_t head, used = 0;

    qtest_memwrite(t->qts, req, hdr, 2);
    if (len) {
        qtest_memwrite(t->qts, req + 2, data, len);
    }
    qtest_writeb(t->qts, ack, 0xee);
    head = qvirtqueue_add(t->qts, t->ctrl, req, 2 + len, false, true);
    qvirtqueue_add(t->qts, t->ctrl, ack, 1, true, false);
    qvirtqueue_kick(t->qts, t->vdev, t->ctrl, head);
    qvirtio_wait_used_elem(t->qts, t->vdev, t->ctrl, head, &used, TIMEOUT_US);
    g_assert_cmpuint(used, ==, 1);
    hdr[0] = qtest_readb(t->qts, ack);
    guest_free(&t->alloc, req);
    return hdr[0];
}

static uint8_t ctrl_rx(VNet *t, uint8_t cmd, uint8_t on)
{
    return ctrl_cmd(t, VIRTIO_NET_CTRL_RX, cmd, &on, 1);
}

/* TABLE_SET with @nuni unicast and @nmulti multicast addresses. */
static uint8_t ctrl_mac_table(VNet *t, const uint8_t (*uni)[6], uint32_t nuni,
                              const uint8_t (*multi)[6], uint32_t nmulti)
{
    uint8_t buf[8 + 16 * 6];
    size_t off = 0;

    g_assert(nuni + nmulti <= 16);
    memcpy(buf + off, &nuni, 4); /* little-endian host */
    off += 4;
    memcpy(buf + off, uni, nuni * 6);
    off += nuni * 6;
    memcpy(buf + off, &nmulti, 4);
    off += 4;
    memcpy(buf + off, multi, nmulti * 6);
    off += nmulti * 6;
    return ctrl_cmd(t, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, buf,
                    off);
}

/* A counter of the device (x-rx-dropped, x-rx-filtered, x-tx-dropped). */
static int64_t counter(VNet *t, const char *name)
{
    JsonObject *rsp = qtest_qmp_assert_success_ref(
        t->qts,
        "{'execute': 'qom-get', 'arguments': {'path': "
        "'/machine/peripheral/nic0', 'property': %s}}",
        name);
    int64_t v = qdict_get_path_int(rsp, "return");

    json_object_unref(rsp);
    return v;
}

static uint8_t dev_status(VNet *t)
{
    return qvirtio_get_status(t->vdev);
}

static uint16_t cfg_status(VNet *t)
{
    return qvirtio_config_readw(t->vdev,
                                offsetof(struct virtio_net_config, status));
}

/*
 * Which of @frames (all sent, in order) the guest got: post one buffer,
 * send the frames, and return the index of the one in the buffer.  The
 * frames before it were dropped by the filter (the net layer keeps order).
 */
static int rx_first_accepted(VNet *t, uint8_t (*frames)[64], int n)
{
    uint8_t got[64];
    uint32_t head, len;
    uint64_t addr = rx_post(t, 2048, &head);

    for (int i = 0; i < n; i++) {
        wire_send(t, frames[i], 64);
    }
    len = rx_wait(t, head);
    g_assert_cmpuint(len, ==, HDR_LEN + 64);
    qtest_memread(t->qts, addr + HDR_LEN, got, 64);
    guest_free(&t->alloc, addr);
    for (int i = 0; i < n; i++) {
        if (!memcmp(got, frames[i], 64)) {
            return i;
        }
    }
    g_assert_not_reached();
}

/* ---- Tests ---- */

static void test_features_config(void)
{
    VNet *t = vnet_start("mac=52:54:00:12:34:56,host_mtu=1400");
    uint8_t mac[6];

    /* a socket peer has no vnet header: no offloads */
    g_assert(!(t->offered & F(VIRTIO_NET_F_CSUM)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_GUEST_CSUM)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_HOST_TSO4)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_GUEST_TSO4)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_MQ)));
    for (unsigned b = 0; b < 64; b++) {
        static const unsigned want[] = {
            VIRTIO_NET_F_MAC,           VIRTIO_NET_F_STATUS,
            VIRTIO_NET_F_MRG_RXBUF,     VIRTIO_NET_F_CTRL_VQ,
            VIRTIO_NET_F_CTRL_RX,       VIRTIO_NET_F_CTRL_VLAN,
            VIRTIO_NET_F_CTRL_RX_EXTRA, VIRTIO_NET_F_GUEST_ANNOUNCE,
            VIRTIO_NET_F_CTRL_MAC_ADDR, VIRTIO_NET_F_MTU,
            VIRTIO_F_VERSION_1,
        };
        bool wanted = false;

        for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
            wanted |= want[i] == b;
        }
        if (wanted) {
            g_assert(t->offered & F(b));
        }
    }
    for (int i = 0; i < 6; i++) {
        mac[i] = qvirtio_config_readb(t->vdev, i);
    }
    g_assert(!memcmp(mac, our_mac, 6));
    g_assert_cmpuint(cfg_status(t), ==, VIRTIO_NET_S_LINK_UP);
    g_assert_cmpuint(
        qvirtio_config_readw(t->vdev, offsetof(struct virtio_net_config, mtu)),
        ==, 1400);
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_DRIVER_OK, !=, 0);
    vnet_stop(t);

    /* property switches: off means not offered */
    t = vnet_start("mrg_rxbuf=off,ctrl_vq=off,status=off");
    g_assert(!(t->offered & F(VIRTIO_NET_F_MRG_RXBUF)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_CTRL_VQ)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_CTRL_RX))); /* needs ctrl_vq */
    g_assert(!(t->offered & F(VIRTIO_NET_F_GUEST_ANNOUNCE)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_STATUS)));
    g_assert(!(t->offered & F(VIRTIO_NET_F_MTU)));
    vnet_stop(t);

    /* mq=on over a one-queue netdev: MQ with one pair */
    t = vnet_start("mq=on");
    g_assert(t->offered & F(VIRTIO_NET_F_MQ));
    g_assert_cmpuint(
        qvirtio_config_readw(
            t->vdev, offsetof(struct virtio_net_config, max_virtqueue_pairs)),
        ==, 1);
    vnet_stop(t);
}

static void test_tx_frame(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frame[100], got[200];

    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 1);
    tx_send(t, frame, sizeof(frame));
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));

    /* header and frame in separate descriptors, frame split too */
    {
        uint64_t h = guest_alloc(&t->alloc, HDR_LEN);
        uint64_t a = guest_alloc(&t->alloc, 40), b = guest_alloc(&t->alloc, 60);
        uint32_t head, used;

        qnet_make_frame(frame, bcast_mac, our_mac, sizeof(frame), 9);
        qtest_memset(t->qts, h, 0, HDR_LEN);
        qtest_memwrite(t->qts, a, frame, 40);
        qtest_memwrite(t->qts, b, frame + 40, 60);
        head = qvirtqueue_add(t->qts, t->tx, h, HDR_LEN, false, true);
        qvirtqueue_add(t->qts, t->tx, a, 40, false, true);
        qvirtqueue_add(t->qts, t->tx, b, 60, false, false);
        qvirtqueue_kick(t->qts, t->vdev, t->tx, head);
        qvirtio_wait_used_elem(t->qts, t->vdev, t->tx, head, &used, TIMEOUT_US);
        g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
        g_assert(!memcmp(got, frame, sizeof(frame)));
    }
    vnet_stop(t);
}

static void test_rx_frame(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frame[200];

    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 2);
    rx_check_frame(t, frame, sizeof(frame), 1526);
    /* a runt is delivered as is in the default (promiscuous) mode */
    rx_check_frame(t, (const uint8_t *)"TEST", 5, 64);
    vnet_stop(t);
}

/* A 3000-byte frame over 1024-byte buffers: three, num_buffers = 3. */
static void test_mergeable(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frame[3000], got[3000 + HDR_LEN];
    uint64_t addr[4];
    uint32_t head[4], len[3];
    uint16_t num;
    size_t off = 0;

    g_assert(t->features & F(VIRTIO_NET_F_MRG_RXBUF));
    for (int i = 0; i < 4; i++) {
        addr[i] = rx_post(t, 1024, &head[i]);
    }
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 3);
    wire_send(t, frame, sizeof(frame));
    for (int i = 0; i < 3; i++) {
        len[i] = rx_wait(t, head[i]);
    }
    g_assert_cmpuint(len[0], ==, 1024);
    g_assert_cmpuint(len[1], ==, 1024);
    g_assert_cmpuint(len[2], ==, sizeof(frame) + HDR_LEN - 2048);
    for (int i = 0; i < 3; i++) {
        qtest_memread(t->qts, addr[i], got + off, len[i]);
        off += len[i];
    }
    memcpy(&num, got + 10, 2);
    g_assert_cmpuint(num, ==, 3);
    g_assert(!memcmp(got + HDR_LEN, frame, sizeof(frame)));
    /* the fourth buffer is still the driver's: the next frame goes there */
    qnet_make_frame(frame, our_mac, peer_mac, 80, 4);
    wire_send(t, frame, 80);
    g_assert_cmpuint(rx_wait(t, head[3]), ==, 80 + HDR_LEN);
    vnet_stop(t);
}

/*
 * A frame that needs more buffers than the driver has given waits for
 * more, and goes out as soon as they are there (the device must count the
 * buffers added since it last looked).
 */
static void test_mergeable_late_buffers(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frame[3000], got[3000 + HDR_LEN];
    uint64_t addr[4];
    uint32_t head[4], len;
    size_t off = 0;

    for (int i = 0; i < 2; i++) {
        addr[i] = rx_post(t, 1024, &head[i]);
    }
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 33);
    wire_send(t, frame, sizeof(frame));
    for (int i = 0; i < 20; i++) {
        qtest_clock_step(t->qts, 1000);
    }
    for (int i = 2; i < 4; i++) {
        addr[i] = rx_post(t, 1024, &head[i]);
    }
    for (int i = 0; i < 3; i++) {
        len = rx_wait(t, head[i]);
        qtest_memread(t->qts, addr[i], got + off, len);
        off += len;
    }
    g_assert_cmpuint(off, ==, sizeof(frame) + HDR_LEN);
    g_assert_cmpuint(got[10], ==, 3); /* num_buffers */
    g_assert(!memcmp(got + HDR_LEN, frame, sizeof(frame)));
    vnet_stop(t);
}

/* Without mergeable buffers a frame larger than the buffer is dropped. */
static void test_rx_too_big(void)
{
    VNet *t = vnet_start_features(NULL, WANT_ALL & ~F(VIRTIO_NET_F_MRG_RXBUF));
    uint8_t big[1500], small[64];
    uint32_t head, len;
    uint64_t addr = rx_post(t, 200, &head);
    uint8_t got[64];

    qnet_make_frame(big, our_mac, peer_mac, sizeof(big), 5);
    qnet_make_frame(small, our_mac, peer_mac, sizeof(small), 6);
    wire_send(t, big, sizeof(big));
    wire_send(t, small, sizeof(small));
    len = rx_wait(t, head);
    g_assert_cmpuint(len, ==, HDR_LEN + sizeof(small));
    qtest_memread(t->qts, addr + HDR_LEN, got, sizeof(got));
    g_assert(!memcmp(got, small, sizeof(small)));
    g_assert_cmpint(counter(t, "x-rx-dropped"), ==, 1);
    vnet_stop(t);
}

/* A frame larger than any backend takes is completed, not sent. */
static void test_tx_too_big(void)
{
    VNet *t = vnet_start(NULL);
    size_t big = 70000; /* > NET_BUFSIZE (64 KiB + 4 KiB) */
    uint64_t addr = guest_alloc(&t->alloc, HDR_LEN + big);
    uint8_t frame[64], got[64];
    uint32_t head, used = 0xdead;

    qtest_memset(t->qts, addr, 0x5a, HDR_LEN + big);
    qtest_memset(t->qts, addr, 0, HDR_LEN);
    head = qvirtqueue_add(t->qts, t->tx, addr, HDR_LEN + big, false, false);
    qvirtqueue_kick(t->qts, t->vdev, t->tx, head);
    qvirtio_wait_used_elem(t->qts, t->vdev, t->tx, head, &used, TIMEOUT_US);
    g_assert_cmpuint(used, ==, 0);
    g_assert_cmpint(counter(t, "x-tx-dropped"), ==, 1);
    /* the next frame is the first on the wire */
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 34);
    tx_send(t, frame, sizeof(frame));
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    vnet_stop(t);
}

/* Frames that arrive with no receive buffer wait for the driver. */
static void test_rx_backpressure(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t f1[90], f2[120], got[120];
    uint32_t h1, h2;
    uint64_t a1, a2;

    qnet_make_frame(f1, our_mac, peer_mac, sizeof(f1), 7);
    qnet_make_frame(f2, our_mac, peer_mac, sizeof(f2), 8);
    wire_send(t, f1, sizeof(f1));
    wire_send(t, f2, sizeof(f2));
    /* let the device see them (each qtest command runs its main loop) */
    for (int i = 0; i < 20; i++) {
        qtest_clock_step(t->qts, 1000);
    }
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    a1 = rx_post(t, 1526, &h1);
    g_assert_cmpuint(rx_wait(t, h1), ==, HDR_LEN + sizeof(f1));
    qtest_memread(t->qts, a1 + HDR_LEN, got, sizeof(f1));
    g_assert(!memcmp(got, f1, sizeof(f1)));
    a2 = rx_post(t, 1526, &h2);
    g_assert_cmpuint(rx_wait(t, h2), ==, HDR_LEN + sizeof(f2));
    qtest_memread(t->qts, a2 + HDR_LEN, got, sizeof(f2));
    g_assert(!memcmp(got, f2, sizeof(f2)));
    vnet_stop(t);
}

/* The receive queue's MSI-X vector writes its message into guest RAM. */
static void test_msix(void)
{
    VNet *t = vnet_start(NULL);
    QVirtQueuePCI *rxp = (QVirtQueuePCI *)t->rx;
    uint8_t frame[64];
    uint32_t head;

    qvirtio_pci_msix_enable(t->pdev);
    g_assert_cmpuint(qpci_msix_table_size(t->pdev->pdev), ==, 4);
    qvirtqueue_pci_msix_setup(t->pdev, rxp, &t->alloc, 1);
    qtest_writel(t->qts, rxp->msix_addr, 0);
    rx_post(t, 1526, &head);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 9);
    wire_send(t, frame, sizeof(frame));
    rx_wait(t, head);
    for (int i = 0;
         i < 1000 && qtest_readl(t->qts, rxp->msix_addr) != rxp->msix_data;
         i++) {
        qtest_clock_step(t->qts, 100);
    }
    g_assert_cmphex(qtest_readl(t->qts, rxp->msix_addr), ==, rxp->msix_data);
    qvirtio_pci_msix_disable(t->pdev);
    vnet_stop(t);

    /* vectors= is the table size; unset, 2 per netdev queue + 2 */
    t = vnet_start("vectors=7");
    qvirtio_pci_msix_enable(t->pdev);
    g_assert_cmpuint(qpci_msix_table_size(t->pdev->pdev), ==, 7);
    qvirtio_pci_msix_disable(t->pdev);
    vnet_stop(t);
    t = vnet_start(NULL);
    qvirtio_pci_msix_enable(t->pdev);
    g_assert_cmpuint(qpci_msix_table_size(t->pdev->pdev), ==, 4);
    qvirtio_pci_msix_disable(t->pdev);
    vnet_stop(t);
    t = vnet_start("mq=on");
    qvirtio_pci_msix_enable(t->pdev);
    g_assert_cmpuint(qpci_msix_table_size(t->pdev->pdev), ==, 4);
    qvirtio_pci_msix_disable(t->pdev);
    vnet_stop(t);
}

static void test_ctrl_filter(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frames[4][64];
    const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x42};
    const uint8_t table_uni[1][6] = {{0x52, 0x54, 0x00, 0x99, 0x88, 0x77}};
    const uint8_t table_multi[1][6] = {{0x01, 0x00, 0x5e, 0x00, 0x00, 0x42}};

    g_assert(t->features & F(VIRTIO_NET_F_CTRL_RX));
    /* promiscuous (the default): a frame for someone else gets in */
    qnet_make_frame(frames[0], other_mac, peer_mac, 64, 10);
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);

    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    /* now it is dropped; ours gets in */
    qnet_make_frame(frames[0], other_mac, peer_mac, 64, 11);
    qnet_make_frame(frames[1], mcast, peer_mac, 64, 12);
    qnet_make_frame(frames[2], our_mac, peer_mac, 64, 13);
    g_assert_cmpint(rx_first_accepted(t, frames, 3), ==, 2);
    g_assert_cmpint(counter(t, "x-rx-filtered"), ==, 2);
    /* broadcast passes until NOBCAST */
    qnet_make_frame(frames[0], bcast_mac, peer_mac, 64, 14);
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_NOBCAST, 1), ==,
                     VIRTIO_NET_OK);
    qnet_make_frame(frames[0], bcast_mac, peer_mac, 64, 15);
    qnet_make_frame(frames[1], our_mac, peer_mac, 64, 16);
    g_assert_cmpint(rx_first_accepted(t, frames, 2), ==, 1);

    /* the MAC table lets other_mac and the multicast group in */
    g_assert_cmpuint(ctrl_mac_table(t, table_uni, 1, table_multi, 1), ==,
                     VIRTIO_NET_OK);
    qnet_make_frame(frames[0], other_mac, peer_mac, 64, 17);
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);
    qnet_make_frame(frames[0], mcast, peer_mac, 64, 18);
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);
    /* ALLMULTI lets any group in */
    qnet_make_frame(frames[0], (const uint8_t[6]){0x01, 0, 0x5e, 1, 2, 3},
                    peer_mac, 64, 19);
    qnet_make_frame(frames[1], our_mac, peer_mac, 64, 20);
    g_assert_cmpint(rx_first_accepted(t, frames, 2), ==, 1);
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_ALLMULTI, 1), ==,
                     VIRTIO_NET_OK);
    qnet_make_frame(frames[0], (const uint8_t[6]){0x01, 0, 0x5e, 1, 2, 3},
                    peer_mac, 64, 21);
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);

    /* MAC_ADDR_SET: the config follows, the old address is filtered */
    {
        uint8_t mac[6];

        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MAC,
                                  VIRTIO_NET_CTRL_MAC_ADDR_SET, peer_mac, 6),
                         ==, VIRTIO_NET_OK);
        for (int i = 0; i < 6; i++) {
            mac[i] = qvirtio_config_readb(t->vdev, i);
        }
        g_assert(!memcmp(mac, peer_mac, 6));
        qnet_make_frame(frames[0], our_mac, other_mac, 64, 22);
        qnet_make_frame(frames[1], peer_mac, other_mac, 64, 23);
        g_assert_cmpint(rx_first_accepted(t, frames, 2), ==, 1);
    }
    vnet_stop(t);
}

static void test_ctrl_vlan(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frames[2][64];
    uint16_t vid = 5;

    g_assert(t->features & F(VIRTIO_NET_F_CTRL_VLAN));
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    qnet_make_frame(frames[0], our_mac, peer_mac, 64, 30);
    frames[0][12] = 0x81; /* 802.1Q, VLAN 5 */
    frames[0][13] = 0x00;
    frames[0][14] = 0x00;
    frames[0][15] = 0x05;
    memcpy(frames[1], frames[0], 64);
    frames[1][20] ^= 0xff;
    qnet_make_frame(frames[1], our_mac, peer_mac, 64, 31); /* untagged */
    g_assert_cmpint(rx_first_accepted(t, frames, 2), ==, 1);
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
        ==, VIRTIO_NET_OK);
    frames[0][30] ^= 0x5a;
    g_assert_cmpint(rx_first_accepted(t, frames, 1), ==, 0);
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_DEL, &vid, 2),
        ==, VIRTIO_NET_OK);
    frames[0][30] ^= 0x5a;
    qnet_make_frame(frames[1], our_mac, peer_mac, 64, 32);
    g_assert_cmpint(rx_first_accepted(t, frames, 2), ==, 1);
    /* an id out of range */
    vid = 4096;
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD, &vid, 2),
        ==, VIRTIO_NET_ERR);
    vnet_stop(t);
}

static void test_ctrl_errors(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t junk[16] = {0};
    uint32_t huge = 1000000;

    /* unknown class and command */
    g_assert_cmpuint(ctrl_cmd(t, 200, 0, NULL, 0), ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_RX, 99, junk, 1), ==,
                     VIRTIO_NET_ERR);
    /* wrong sizes */
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, junk, 2),
        ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, NULL, 0),
        ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(
        ctrl_cmd(t, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, junk, 5),
        ==, VIRTIO_NET_ERR);
    /* a MAC table claiming more entries than it carries */
    memcpy(junk, &huge, 4);
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_TABLE_SET, junk, 16),
                     ==, VIRTIO_NET_ERR);
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MAC,
                              VIRTIO_NET_CTRL_MAC_TABLE_SET, junk, 2),
                     ==, VIRTIO_NET_ERR);
    /* MQ not negotiated (mq=off): refused */
    {
        uint16_t pairs = 1;

        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                                  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                         ==, VIRTIO_NET_ERR);
    }
    /* ANNOUNCE_ACK with nothing announced */
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_ANNOUNCE,
                              VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
                     ==, VIRTIO_NET_ERR);
    /* the device is fine after all that */
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_PROMISC, 1), ==,
                     VIRTIO_NET_OK);
    vnet_stop(t);

    /* mq=on: pairs within 1..max */
    t = vnet_start("mq=on");
    {
        uint16_t pairs = 1;

        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                                  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                         ==, VIRTIO_NET_OK);
        pairs = 2;
        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                                  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                         ==, VIRTIO_NET_ERR);
        pairs = 0;
        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                                  VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                         ==, VIRTIO_NET_ERR);
    }
    vnet_stop(t);
}

static void test_set_link(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t frame[64], got[64];

    g_assert_cmpuint(cfg_status(t) & VIRTIO_NET_S_LINK_UP, !=, 0);
    qtest_qmp_assert_success(t->qts, "{'execute': 'set_link', 'arguments': "
                                     "{'name': 'nic0', 'up': false}}");
    qvirtio_wait_config_isr(t->vdev, TIMEOUT_US);
    g_assert_cmpuint(cfg_status(t) & VIRTIO_NET_S_LINK_UP, ==, 0);
    /* a frame sent while down is completed, not put on the wire */
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 40);
    tx_send(t, frame, sizeof(frame));

    qtest_qmp_assert_success(t->qts, "{'execute': 'set_link', 'arguments': "
                                     "{'name': 'nic0', 'up': true}}");
    qvirtio_wait_config_isr(t->vdev, TIMEOUT_US);
    g_assert_cmpuint(cfg_status(t) & VIRTIO_NET_S_LINK_UP, !=, 0);
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 41);
    tx_send(t, frame, sizeof(frame));
    /* only the second frame crossed */
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    vnet_stop(t);
}

static void test_announce(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t got[128];
    ssize_t len;

    g_assert(t->features & F(VIRTIO_NET_F_GUEST_ANNOUNCE));
    qtest_qmp_assert_success(t->qts,
                             "{'execute': 'announce-self', 'arguments': "
                             "{'initial': 50, 'max': 550, 'rounds': 1, "
                             "'step': 100}}");
    /* a RARP from the MAC */
    len = wire_recv(t, got, sizeof(got));
    g_assert_cmpint(len, >=, 42);
    g_assert(!memcmp(got, bcast_mac, 6));
    g_assert(!memcmp(got + 6, our_mac, 6));
    g_assert_cmpuint(got[12], ==, 0x80);
    g_assert_cmpuint(got[13], ==, 0x35);
    /* and the guest is asked to announce itself */
    qvirtio_wait_config_isr(t->vdev, TIMEOUT_US);
    g_assert_cmpuint(cfg_status(t), ==,
                     VIRTIO_NET_S_LINK_UP | VIRTIO_NET_S_ANNOUNCE);
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_ANNOUNCE,
                              VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
                     ==, VIRTIO_NET_OK);
    g_assert_cmpuint(cfg_status(t), ==, VIRTIO_NET_S_LINK_UP);
    vnet_stop(t);
}

/* A reset with a frame held for the guest and traffic done before. */
static void test_reset_active(void)
{
    VNet *t = vnet_start(NULL);
    uint8_t f1[70], f2[80], f3[90], got[90];
    uint32_t head;
    uint64_t addr;

    qnet_make_frame(f1, peer_mac, our_mac, sizeof(f1), 50);
    tx_send(t, f1, sizeof(f1));
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(f1));
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    /* a frame held (no buffers) while the driver resets */
    qnet_make_frame(f2, our_mac, peer_mac, sizeof(f2), 51);
    wire_send(t, f2, sizeof(f2));
    for (int i = 0; i < 20; i++) {
        qtest_clock_step(t->qts, 1000);
    }
    vnet_free_queues(t);
    vnet_bring_up(t, WANT_ALL);
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET, ==, 0);
    /* the held frame reaches the new rings */
    addr = rx_post(t, 1526, &head);
    g_assert_cmpuint(rx_wait(t, head), ==, HDR_LEN + sizeof(f2));
    qtest_memread(t->qts, addr + HDR_LEN, got, sizeof(f2));
    g_assert(!memcmp(got, f2, sizeof(f2)));
    /* promiscuous again: a frame for another MAC gets in */
    qnet_make_frame(f3, other_mac, peer_mac, sizeof(f3), 52);
    rx_check_frame(t, f3, sizeof(f3), 1526);
    tx_send(t, f1, sizeof(f1));
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(f1));
    g_assert(!memcmp(got, f1, sizeof(f1)));
    vnet_stop(t);
}

/* A transmit chain shorter than its header breaks the device, not kemu. */
static void test_malformed_tx(void)
{
    VNet *t = vnet_start(NULL);
    uint64_t addr = guest_alloc(&t->alloc, 16);
    uint8_t frame[64], got[64];
    uint32_t head;
    JsonObject *rsp;

    head = qvirtqueue_add(t->qts, t->tx, addr, 4, false, false);
    qvirtqueue_kick(t->qts, t->vdev, t->tx, head);
    for (int i = 0; i < 1000; i++) {
        if (dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET) {
            break;
        }
        qtest_clock_step(t->qts, 100);
    }
    g_assert_cmpuint(dev_status(t) & VIRTIO_CONFIG_S_NEEDS_RESET, !=, 0);
    rsp = qtest_qmp(t->qts, "{'execute': 'query-status'}");
    g_assert(rsp && !qmp_rsp_is_err(rsp));
    json_object_unref(rsp);
    /* a reset brings it back */
    vnet_free_queues(t);
    vnet_bring_up(t, WANT_ALL);
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 60);
    tx_send(t, frame, sizeof(frame));
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    vnet_stop(t);
}

/* ---- The packed ring (packed=on), driven by hand ---- */

/* One packed queue of @size descriptors: its three areas in guest RAM. */
typedef struct PackedQ {
    uint16_t index, size, notify_off;
    uint64_t desc, driver, device;
} PackedQ;

static void packed_setup(VNet *t, PackedQ *q, uint16_t index)
{
    QVirtioPCIDevice *d = t->pdev;

    q->index = index;
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_SELECT, index);
    q->size = qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_Q_SIZE);
    g_assert_cmpuint(q->size, >=, 2);
    q->desc = guest_alloc(&t->alloc, 16 * q->size);
    q->driver = guest_alloc(&t->alloc, 4);
    q->device = guest_alloc(&t->alloc, 4);
    qtest_memset(t->qts, q->desc, 0, 16 * q->size);
    qtest_writel(t->qts, q->driver, 0); /* interrupts wanted */
    qtest_writel(t->qts, q->device, 0);
    q->notify_off =
        qvirtio_pci_queue_set_rings(d, index, q->desc, q->driver, q->device);
}

/* Make descriptor 0 (first lap: AVAIL=1, USED=0) available and notify. */
static void packed_add0(VNet *t, PackedQ *q, uint64_t addr, uint32_t len,
                        bool write)
{
    uint16_t flags = 1 << VRING_PACKED_DESC_F_AVAIL;

    if (write) {
        flags |= VRING_DESC_F_WRITE;
    }
    qtest_writeq(t->qts, q->desc, addr);
    qtest_writel(t->qts, q->desc + 8, len);
    qtest_writew(t->qts, q->desc + 12, 0x33); /* buffer id */
    qtest_writew(t->qts, q->desc + 14, flags);
    qvirtio_pci_queue_notify(t->pdev, q->index, q->notify_off);
}

/* Wait until the device used descriptor 0; the length it wrote. */
static uint32_t packed_wait0(VNet *t, PackedQ *q)
{
    const uint16_t used =
        1 << VRING_PACKED_DESC_F_AVAIL | 1 << VRING_PACKED_DESC_F_USED;

    for (int i = 0; i < 100000; i++) {
        if ((qtest_readw(t->qts, q->desc + 14) & used) == used) {
            g_assert_cmphex(qtest_readw(t->qts, q->desc + 12), ==, 0x33);
            return qtest_readl(t->qts, q->desc + 8);
        }
        qtest_clock_step(t->qts, 100);
    }
    g_assert_not_reached();
}

/* packed=on: the ring is offered, and a frame crosses each way. */
static void test_packed(void)
{
    g_autofree char *netdev = NULL;
    uint8_t frame[100], got[128];
    uint64_t rxbuf, txbuf;
    PackedQ rx, tx;
    VNet *t = g_new0(VNet, 1);
    int sv[2];

    g_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    t->sock = sv[0];
    t->qts = qtest_initf("-netdev socket,id=n0,fd=%d -device virtio-net-pci,"
                         "netdev=n0,addr=%02x.0,packed=on",
                         sv[1], VNET_SLOT);
    close(sv[1]);
    pc_alloc_init(&t->alloc, t->qts, ALLOC_NO_FLAGS);
    t->bus = qpci_new_pc(t->qts, &t->alloc);
    t->pdev =
        qvirtio_pci_device_find_at(t->bus, QPCI_DEVFN(VNET_SLOT, 0), true);
    t->vdev = &t->pdev->vdev;
    qvirtio_pci_device_enable(t->pdev);
    t->offered = qvirtio_get_features(t->vdev);
    g_assert(t->offered & F(VIRTIO_F_RING_PACKED));
    t->features = t->offered & (WANT_ALL | F(VIRTIO_F_RING_PACKED));
    qvirtio_start_device(t->vdev, t->features);
    packed_setup(t, &rx, 0);
    packed_setup(t, &tx, 1);
    qvirtio_set_driver_ok(t->vdev);

    /* host -> guest */
    rxbuf = guest_alloc(&t->alloc, 1526);
    packed_add0(t, &rx, rxbuf, 1526, true);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 70);
    wire_send(t, frame, sizeof(frame));
    g_assert_cmpuint(packed_wait0(t, &rx), ==, HDR_LEN + sizeof(frame));
    qtest_memread(t->qts, rxbuf, got, HDR_LEN + sizeof(frame));
    g_assert_cmpuint(got[10], ==, 1); /* num_buffers */
    g_assert(!memcmp(got + HDR_LEN, frame, sizeof(frame)));

    /* guest -> host */
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 71);
    txbuf = guest_alloc(&t->alloc, HDR_LEN + sizeof(frame));
    qtest_memset(t->qts, txbuf, 0, HDR_LEN);
    qtest_memwrite(t->qts, txbuf + HDR_LEN, frame, sizeof(frame));
    packed_add0(t, &tx, txbuf, HDR_LEN + sizeof(frame), false);
    g_assert_cmpint(wire_recv(t, got, sizeof(got)), ==, sizeof(frame));
    g_assert(!memcmp(got, frame, sizeof(frame)));
    packed_wait0(t, &tx);
    g_assert_cmpuint(qvirtio_get_status(t->vdev) & VIRTIO_CONFIG_S_NEEDS_RESET,
                     ==, 0);

    qvirtio_pci_device_disable(t->pdev);
    qvirtio_pci_device_free(t->pdev);
    qpci_free_pc(t->bus);
    alloc_destroy(&t->alloc);
    qtest_quit(t->qts);
    close(t->sock);
    g_free(t);
}

/* ---- tap with vnet headers and queues, in a network namespace ---- */

#define TAP_HOST_IP  0xc0a84d01 /* 192.168.77.1 */
#define TAP_GUEST_IP 0xc0a84d02 /* 192.168.77.2 */
#define UDP_PORT     7777

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/*
 * An Ethernet/IPv4/UDP frame from the guest to the tap's address; the UDP
 * checksum field holds the pseudo-header sum only (checksum offload).
 */
static size_t make_udp(uint8_t *f, const uint8_t *dst_mac, const char *data,
                       size_t len)
{
    uint8_t *ip = f + 14, *udp = ip + 20, ph[12];
    size_t ulen = 8 + len;

    memcpy(f, dst_mac, 6);
    memcpy(f + 6, our_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + ulen);
    ip[8] = 64;
    ip[9] = IPPROTO_UDP;
    put16(ip + 12, TAP_GUEST_IP >> 16);
    put16(ip + 14, TAP_GUEST_IP & 0xffff);
    put16(ip + 16, TAP_HOST_IP >> 16);
    put16(ip + 18, TAP_HOST_IP & 0xffff);
    put16(ip + 10, ~qnet_csum_fold(qnet_csum_add(0, ip, 20)));
    put16(udp, 4000);
    put16(udp + 2, UDP_PORT);
    put16(udp + 4, ulen);
    memcpy(udp + 8, data, len);
    memcpy(ph, ip + 12, 8);
    ph[8] = 0;
    ph[9] = IPPROTO_UDP;
    put16(ph + 10, ulen);
    put16(udp + 6, qnet_csum_fold(qnet_csum_add(0, ph, 12)));
    return 14 + 20 + ulen;
}

/* Address and raise @name; a permanent ARP entry for the guest. */
static bool tap_up(int ifd, const char *name, uint8_t *mac)
{
    struct ifreq ifr = {0};
    struct arpreq arp = {0};
    struct sockaddr_in *in = (struct sockaddr_in *)&ifr.ifr_addr;

    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(TAP_HOST_IP);
    if (ioctl(ifd, SIOCSIFADDR, &ifr) < 0) {
        return false;
    }
    in->sin_addr.s_addr = htonl(0xffffff00);
    if (ioctl(ifd, SIOCSIFNETMASK, &ifr) < 0 ||
        ioctl(ifd, SIOCGIFFLAGS, &ifr) < 0) {
        return false;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(ifd, SIOCSIFFLAGS, &ifr) < 0 ||
        ioctl(ifd, SIOCGIFHWADDR, &ifr) < 0) {
        return false;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    in = (struct sockaddr_in *)&arp.arp_pa;
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(TAP_GUEST_IP);
    arp.arp_ha.sa_family = ARPHRD_ETHER;
    memcpy(arp.arp_ha.sa_data, our_mac, 6);
    arp.arp_flags = ATF_COM | ATF_PERM;
    snprintf(arp.arp_dev, sizeof(arp.arp_dev), "%s", name);
    return ioctl(ifd, SIOCSARP, &arp) == 0;
}

/*
 * With a tap that has vnet headers every offload is offered, checksum
 * offload crosses in both directions (a frame whose UDP checksum the
 * guest left to the host reaches a socket in the namespace; a datagram
 * from there arrives with VIRTIO_NET_HDR_F_NEEDS_CSUM, or checksummed
 * once the driver turns its offloads off), and the netdev's
 * queues become queue pairs (mq=on): VQ_PAIRS_SET within them, the
 * control queue after the last pair, or at index 2 without MQ.
 */
static void test_tap_offloads_mq(void)
{
    static const char msg[] = "checksum left to the host";
    static const unsigned offloads[] = {
        VIRTIO_NET_F_CSUM,       VIRTIO_NET_F_GUEST_CSUM,
        VIRTIO_NET_F_HOST_TSO4,  VIRTIO_NET_F_HOST_TSO6,
        VIRTIO_NET_F_HOST_ECN,   VIRTIO_NET_F_GUEST_TSO4,
        VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_ECN,
    };
    uint8_t tap_mac[6], frame[200], got[2048];
    struct sockaddr_in to = {.sin_family = AF_INET};
    g_autofree char *why = NULL;
    int orig_ns, udp, ifd;
    uint16_t pairs;
    uint32_t head, len;
    uint64_t addr;
    VNet *t;

    orig_ns = qnet_netns_enter(&why);
    if (orig_ns < 0) {
        QTEST_SKIP("tap: %s", why);
    }
    t = vnet_start_netdev("tap,ifname=vtap0,script=no,downscript=no,queues=2",
                          "mq=on", WANT_ALL);
    udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    qnet_netns_leave(orig_ns);
    g_assert(udp >= 0 && ifd >= 0);
    g_assert(tap_up(ifd, "vtap0", tap_mac));
    to.sin_port = htons(UDP_PORT);
    g_assert(bind(udp, (struct sockaddr *)&to, sizeof(to)) == 0);

    /* offloads offered and accepted; two pairs, ctrl after them */
    for (size_t i = 0; i < G_N_ELEMENTS(offloads); i++) {
        g_assert(t->features & F(offloads[i]));
    }
    g_assert(t->features & F(VIRTIO_NET_F_MQ));
    g_assert_cmpuint(
        qvirtio_config_readw(
            t->vdev, offsetof(struct virtio_net_config, max_virtqueue_pairs)),
        ==, 2);
    pairs = 2;
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                              VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                     ==, VIRTIO_NET_OK);
    pairs = 3;
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                              VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                     ==, VIRTIO_NET_ERR);
    pairs = 1; /* the traffic below stays on pair 0, the one set up */
    g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_MQ,
                              VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &pairs, 2),
                     ==, VIRTIO_NET_OK);

    /* guest -> host: NEEDS_CSUM; the tap's kernel completes the sum */
    {
        size_t flen = make_udp(frame, tap_mac, msg, sizeof(msg));
        uint64_t a = guest_alloc(&t->alloc, HDR_LEN + flen);
        uint8_t hdr[HDR_LEN] = {VIRTIO_NET_HDR_F_NEEDS_CSUM};
        uint32_t used;

        hdr[6] = 14 + 20; /* csum_start */
        hdr[8] = 6;       /* csum_offset */
        qtest_memwrite(t->qts, a, hdr, HDR_LEN);
        qtest_memwrite(t->qts, a + HDR_LEN, frame, flen);
        head = qvirtqueue_add(t->qts, t->tx, a, HDR_LEN + flen, false, false);
        qvirtqueue_kick(t->qts, t->vdev, t->tx, head);
        qvirtio_wait_used_elem(t->qts, t->vdev, t->tx, head, &used, TIMEOUT_US);
        g_assert(sock_read_ready(udp));
        g_assert_cmpint(recv(udp, got, sizeof(got), 0), ==, sizeof(msg));
        g_assert(!memcmp(got, msg, sizeof(msg)));
    }

    /* host -> guest: the partial checksum is passed on, not computed */
    addr = rx_post(t, 2048, &head);
    to.sin_addr.s_addr = htonl(TAP_GUEST_IP);
    to.sin_port = htons(UDP_PORT + 1);
    g_assert(sendto(udp, msg, sizeof(msg), 0, (struct sockaddr *)&to,
                    sizeof(to)) == sizeof(msg));
    len = rx_wait(t, head);
    g_assert_cmpuint(len, ==, HDR_LEN + 14 + 20 + 8 + sizeof(msg));
    qtest_memread(t->qts, addr, got, len);
    g_assert_cmpuint(got[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM, !=, 0);
    g_assert_cmpuint(got[6], ==, 14 + 20); /* csum_start */
    g_assert_cmpuint(got[8], ==, 6);       /* csum_offset */
    g_assert_cmpuint(got[10], ==, 1);      /* num_buffers */
    g_assert(!memcmp(got + HDR_LEN, our_mac, 6));
    g_assert(!memcmp(got + len - sizeof(msg), msg, sizeof(msg)));

    /* GUEST_OFFLOADS_SET 0: the host now sums for the guest */
    {
        uint64_t none = 0, bad = F(VIRTIO_NET_F_HOST_TSO4);
        uint8_t *ip, *udph, ph[12];

        g_assert(t->features & F(VIRTIO_NET_F_CTRL_GUEST_OFFLOADS));
        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
                                  VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &bad, 8),
                         ==, VIRTIO_NET_ERR);
        g_assert_cmpuint(ctrl_cmd(t, VIRTIO_NET_CTRL_GUEST_OFFLOADS,
                                  VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET, &none, 8),
                         ==, VIRTIO_NET_OK);
        addr = rx_post(t, 2048, &head);
        g_assert(sendto(udp, msg, sizeof(msg), 0, (struct sockaddr *)&to,
                        sizeof(to)) == sizeof(msg));
        len = rx_wait(t, head);
        qtest_memread(t->qts, addr, got, len);
        g_assert_cmpuint(got[0], ==, 0); /* no flags */
        ip = got + HDR_LEN + 14;
        udph = ip + 20;
        memcpy(ph, ip + 12, 8);
        ph[8] = 0;
        ph[9] = IPPROTO_UDP;
        memcpy(ph + 10, udph + 4, 2);
        g_assert_cmphex(
            qnet_csum_fold(qnet_csum_add(qnet_csum_add(0, ph, 12), udph,
                                         len - HDR_LEN - 14 - 20)),
            ==, 0xffff);
    }

    /* a driver without MQ: one pair, the control queue at index 2 */
    vnet_free_queues(t);
    vnet_bring_up(t, WANT_ALL & ~F(VIRTIO_NET_F_MQ));
    g_assert_cmpuint(ctrl_rx(t, VIRTIO_NET_CTRL_RX_PROMISC, 0), ==,
                     VIRTIO_NET_OK);
    close(udp);
    close(ifd);
    vnet_stop(t);
}

/*
 * Load through a tap: the host sends datagrams faster than the guest
 * takes them while the guest sends too; nothing wedges: the last
 * datagram still arrives and the guest's frames still reach the host.
 */
static void test_tap_load(void)
{
    g_autofree char *why = NULL;
    uint8_t tap_mac[6], frame[200], got[2048];
    struct sockaddr_in to = {.sin_family = AF_INET};
    int orig_ns, udp, ifd, sent_tx = 0, got_tx = 0;
    uint64_t bufs[128], at[256] = {0};
    uint32_t heads[128];
    bool end = false;
    VNet *t;

    orig_ns = qnet_netns_enter(&why);
    if (orig_ns < 0) {
        QTEST_SKIP("tap: %s", why);
    }
    t = vnet_start_netdev("tap,ifname=vtap1,script=no,downscript=no", NULL,
                          WANT_ALL | F(VIRTIO_RING_F_EVENT_IDX));
    udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ifd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    qnet_netns_leave(orig_ns);
    g_assert(tap_up(ifd, "vtap1", tap_mac));
    to.sin_port = htons(UDP_PORT);
    g_assert(bind(udp, (struct sockaddr *)&to, sizeof(to)) == 0);
    to.sin_addr.s_addr = htonl(TAP_GUEST_IP);
    to.sin_port = htons(UDP_PORT + 1);

    for (int i = 0; i < 128; i++) {
        bufs[i] = guest_alloc(&t->alloc, 2048);
        heads[i] = qvirtqueue_add(t->qts, t->rx, bufs[i], 2048, true, false);
        at[heads[i]] = bufs[i];
        qvirtqueue_kick(t->qts, t->vdev, t->rx, heads[i]);
    }
    for (int round = 0; round < 400 && !end; round++) {
        char data[1000];
        uint32_t idx, len;

        /* the host: a burst */
        for (int k = 0; k < 20 && round < 300; k++) {
            memset(data, round, sizeof(data));
            if (round == 299 && k == 19) {
                memcpy(data, "END", 4);
            }
            sendto(udp, data, sizeof(data), 0, (struct sockaddr *)&to,
                   sizeof(to));
        }
        /* the guest: take a few, give them back, send one */
        for (int k = 0; k < 8 && qvirtqueue_get_buf(t->qts, t->rx, &idx, &len);
             k++) {
            qtest_memread(t->qts, at[idx] + len - 1000, data, 4);
            if (!memcmp(data, "END", 4)) {
                end = true;
            }
            t->rx->num_free++;
            heads[0] =
                qvirtqueue_add(t->qts, t->rx, at[idx], 2048, true, false);
            at[heads[0]] = at[idx];
            qvirtqueue_kick(t->qts, t->vdev, t->rx, heads[0]);
        }
        if (round % 4 == 0 && t->tx->num_free > 1) {
            size_t flen = make_udp(frame, tap_mac, "tx", 3);
            uint64_t a = guest_alloc(&t->alloc, HDR_LEN + flen);
            uint8_t hdr[HDR_LEN] = {VIRTIO_NET_HDR_F_NEEDS_CSUM};
            uint32_t h;

            hdr[6] = 34;
            hdr[8] = 6;
            qtest_memwrite(t->qts, a, hdr, HDR_LEN);
            qtest_memwrite(t->qts, a + HDR_LEN, frame, flen);
            h = qvirtqueue_add(t->qts, t->tx, a, HDR_LEN + flen, false, false);
            qvirtqueue_kick(t->qts, t->vdev, t->tx, h);
            sent_tx++;
        }
        while (qvirtqueue_get_buf(t->qts, t->tx, &idx, &len)) {
            t->tx->num_free++;
        }
        while (recv(udp, got, sizeof(got), MSG_DONTWAIT) > 0) {
            got_tx++;
        }
    }
    /* drain what is left */
    for (int i = 0; i < 2000 && !end; i++) {
        uint32_t idx, len;
        char data[4];

        if (i % 100 == 0) {
            char e[1000] = "END";

            sendto(udp, e, sizeof(e), 0, (struct sockaddr *)&to, sizeof(to));
        }
        if (!qvirtqueue_get_buf(t->qts, t->rx, &idx, &len)) {
            qtest_clock_step(t->qts, 100);
            continue;
        }
        qtest_memread(t->qts, at[idx] + len - 1000, data, 4);
        end = !memcmp(data, "END", 4);
        t->rx->num_free++;
        heads[0] = qvirtqueue_add(t->qts, t->rx, at[idx], 2048, true, false);
        at[heads[0]] = at[idx];
        qvirtqueue_kick(t->qts, t->vdev, t->rx, heads[0]);
    }
    /* every frame the guest sent reaches the host's socket */
    while (got_tx < sent_tx && sock_read_ready(udp)) {
        if (recv(udp, got, sizeof(got), MSG_DONTWAIT) > 0) {
            got_tx++;
        }
    }
    g_assert(end);
    g_assert_cmpint(got_tx, ==, sent_tx);
    close(udp);
    close(ifd);
    vnet_stop(t);
}

QTEST_SUITE(virtio_net, QTEST_CASE(test_features_config),
            QTEST_CASE(test_tx_frame), QTEST_CASE(test_rx_frame),
            QTEST_CASE(test_mergeable), QTEST_CASE(test_mergeable_late_buffers),
            QTEST_CASE(test_rx_too_big), QTEST_CASE(test_tx_too_big),
            QTEST_CASE(test_rx_backpressure), QTEST_CASE(test_msix),
            QTEST_CASE(test_ctrl_filter), QTEST_CASE(test_ctrl_vlan),
            QTEST_CASE(test_ctrl_errors), QTEST_CASE(test_set_link),
            QTEST_CASE(test_announce), QTEST_CASE(test_reset_active),
            QTEST_CASE(test_malformed_tx), QTEST_CASE(test_packed),
            QTEST_CASE(test_tap_offloads_mq), QTEST_CASE(test_tap_load));
