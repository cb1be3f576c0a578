/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 driven like a guest driver over qtest: PCI identity and BARs,
 * bring-up from reset, the MAC from the EEPROM (EERD and bit-banged EECD),
 * the link-up interrupt after autonegotiation, frames both ways through a
 * socketpair netdev (4-byte big-endian length prefix, as QEMU's socket
 * netdev) checked byte for byte, multi-descriptor frames, TSO, receive
 * backpressure, and descriptors pointing outside RAM.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include "hw/net/e1000-regs.h"
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/pci-pc.h"
#include "tests/qtest/libqos/pci.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define E1000_SLOT  4
#define E1000_DEVFN QPCI_DEVFN(E1000_SLOT, 0)
#define PIIX3_DEVFN QPCI_DEVFN(1, 0)
#define PIIX_PIRQRC 0x60

#define RING_DESCS 16
#define BUF_SIZE   2048
#define WAIT_MS    5000

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};

typedef struct E1000Test {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0;
    int sock; /* our end of the netdev's socketpair */
    int irq;  /* the IOAPIC input INTA reaches */
    uint64_t tx_ring, rx_ring;
    uint64_t tx_buf;             /* 64 KiB */
    uint64_t rx_buf[RING_DESCS]; /* BUF_SIZE each */
    unsigned tx_tail;
} E1000Test;

/* ---- Registers ---- */

static uint32_t rd(E1000Test *t, uint32_t off)
{
    return qpci_io_readl(t->dev, t->bar0, off);
}

static void wr(E1000Test *t, uint32_t off, uint32_t val)
{
    qpci_io_writel(t->dev, t->bar0, off, val);
}

/* ---- Start and stop ---- */

static E1000Test *e1000_start(const char *extra)
{
    E1000Test *t = g_new0(E1000Test, 1);
    int sv[2];
    uint8_t pin;
    int pirq;

    g_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    t->qts = qtest_initf("-netdev socket,id=n0,fd=%d "
                         "-device e1000,netdev=n0,mac=52:54:00:12:34:56,"
                         "addr=%02x.0,id=nic0 %s",
                         sv[1], E1000_SLOT, extra ? extra : "");
    close(sv[1]);
    t->sock = sv[0];
    pc_alloc_init(&t->alloc, t->qts, ALLOC_NO_FLAGS);
    t->bus = qpci_new_pc(t->qts, &t->alloc);
    t->dev = qpci_device_find(t->bus, E1000_DEVFN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t->dev);
    /* INTx -> PIRQ (slot + x - 1) mod 4 -> the ISA IRQ PIIX3 routes it. */
    pin = qpci_config_readb(t->dev, QPCI_INTERRUPT_PIN); /* 1: INTA */
    pirq = (E1000_SLOT + pin - 2) & 3;
    t->irq =
        t->bus->config_readb(t->bus, PIIX3_DEVFN, PIIX_PIRQRC + pirq) & 0xf;
    qtest_irq_intercept_in(t->qts, "ioapic");
    return t;
}

static void e1000_stop(E1000Test *t)
{
    qtest_quit(t->qts);
    close(t->sock);
    g_free(t->dev);
    qpci_free_pc(t->bus);
    alloc_destroy(&t->alloc);
    g_free(t);
}

/*
 * What the Linux driver does from probe to open: enable the device, reset
 * the MAC, mask everything, set up both rings (RDT one short of RDH: the
 * whole ring but one descriptor is the guest's gift) and unmask.
 */
static void e1000_driver_init(E1000Test *t, uint32_t rctl_extra)
{
    uint64_t size;

    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, &size);
    g_assert_cmpuint(size, ==, E1000_MMIO_SIZE);

    wr(t, E1000_CTRL, rd(t, E1000_CTRL) | E1000_CTRL_RST);
    CU_ASSERT_FALSE(rd(t, E1000_CTRL) & E1000_CTRL_RST);
    wr(t, E1000_IMC, 0xffffffff);
    rd(t, E1000_ICR);

    t->tx_ring = guest_alloc(&t->alloc, RING_DESCS * 16);
    t->rx_ring = guest_alloc(&t->alloc, RING_DESCS * 16);
    t->tx_buf = guest_alloc(&t->alloc, 65536);
    qtest_memset(t->qts, t->tx_ring, 0, RING_DESCS * 16);
    wr(t, E1000_TDBAL, (uint32_t)t->tx_ring);
    wr(t, E1000_TDBAH, t->tx_ring >> 32);
    wr(t, E1000_TDLEN, RING_DESCS * 16);
    wr(t, E1000_TDH, 0);
    wr(t, E1000_TDT, 0);
    wr(t, E1000_TIPG, 0x00602008);
    wr(t, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP | 0x0f << 4 | 0x40 << 12);
    t->tx_tail = 0;

    for (int i = 0; i < RING_DESCS; i++) {
        E1000RxDesc d = {0};

        t->rx_buf[i] = guest_alloc(&t->alloc, BUF_SIZE);
        d.buffer_addr = t->rx_buf[i];
        qtest_memwrite(t->qts, t->rx_ring + i * 16, &d, sizeof(d));
    }
    wr(t, E1000_RDBAL, (uint32_t)t->rx_ring);
    wr(t, E1000_RDBAH, t->rx_ring >> 32);
    wr(t, E1000_RDLEN, RING_DESCS * 16);
    wr(t, E1000_RDH, 0);
    wr(t, E1000_RDT, 0);
    wr(t, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | rctl_extra);
    wr(t, E1000_RDT, RING_DESCS - 1);
    wr(t, E1000_IMS,
       E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_LSC | E1000_ICR_RXDMT0 |
           E1000_ICR_RXO);
}

/* Rewrite receive descriptor @i with buffer @buf (status cleared). */
static void put_rxd(E1000Test *t, int i, uint64_t buf)
{
    E1000RxDesc d = {.buffer_addr = buf};

    qtest_memwrite(t->qts, t->rx_ring + i * 16, &d, sizeof(d));
}

static E1000RxDesc get_rxd(E1000Test *t, int i)
{
    E1000RxDesc d;

    qtest_memread(t->qts, t->rx_ring + i * 16, &d, sizeof(d));
    return d;
}

/* ---- The wire ---- */

/* Read exactly @len bytes from the socket; false on timeout or EOF. */
static bool sock_read_all(int fd, void *buf, size_t len, int timeout_ms)
{
    uint8_t *p = buf;

    while (len) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t n;

        if (poll(&pfd, 1, timeout_ms) <= 0) {
            return false;
        }
        n = read(fd, p, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) {
                continue;
            }
            return false;
        }
        p += n;
        len -= n;
    }
    return true;
}

/* The next frame the device sent, or -1 if none came in time. */
static ssize_t wire_recv(E1000Test *t, uint8_t *buf, size_t max, int timeout_ms)
{
    uint8_t hdr[4];
    uint32_t len;

    if (!sock_read_all(t->sock, hdr, 4, timeout_ms)) {
        return -1;
    }
    len = (uint32_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
    g_assert_cmpuint(len, <=, max);
    g_assert(sock_read_all(t->sock, buf, len, WAIT_MS));
    return len;
}

static void wire_send(E1000Test *t, const uint8_t *frame, size_t len)
{
    uint8_t hdr[4] = {len >> 24, len >> 16, len >> 8, len};

    g_assert(write(t->sock, hdr, 4) == 4);
    g_assert(write(t->sock, frame, len) == (ssize_t)len);
}

/* Poll RDH (each read lets the emulator's main loop run) until @want. */
static bool wait_rdh(E1000Test *t, uint32_t want)
{
    for (int i = 0; i < WAIT_MS; i++) {
        if (rd(t, E1000_RDH) == want) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/* ---- Frames ---- */

static size_t make_frame(uint8_t *p, const uint8_t *dst, const uint8_t *src,
                         size_t len, uint8_t seed)
{
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    p[12] = 0x88;
    p[13] = 0xb5; /* local experimental EtherType */
    for (size_t i = 14; i < len; i++) {
        p[i] = seed + i * 13;
    }
    return len;
}

static void put_txd(E1000Test *t, uint64_t addr, uint32_t lower, uint32_t upper)
{
    E1000TxDesc d = {.buffer_addr = addr, .lower = lower, .upper = upper};

    qtest_memwrite(t->qts, t->tx_ring + t->tx_tail * 16, &d, sizeof(d));
    t->tx_tail = (t->tx_tail + 1) % RING_DESCS;
}

static void put_tx_ctx(E1000Test *t, const E1000TxContextDesc *c)
{
    qtest_memwrite(t->qts, t->tx_ring + t->tx_tail * 16, c, sizeof(*c));
    t->tx_tail = (t->tx_tail + 1) % RING_DESCS;
}

static uint8_t txd_status(E1000Test *t, unsigned i)
{
    return qtest_readb(t->qts, t->tx_ring + i * 16 + 12);
}

/* ---- Checksums for checking ---- */

static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 2) {
        sum += p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    }
    return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

static uint16_t be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* ---- Tests ---- */

static void test_pci_identity(void)
{
    E1000Test *t = e1000_start(NULL);
    uint64_t size;
    QPCIBar bar1;

    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_VENDOR_ID), E1000_VENDOR_ID);
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_DEVICE_ID),
                    E1000_DEV_ID_82540EM);
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_CLASS_DEVICE), 0x0200);
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_SUBSYSTEM_VENDOR_ID),
                    E1000_SUBSYS_VENDOR_ID);
    CU_ASSERT_EQUAL(qpci_config_readw(t->dev, QPCI_SUBSYSTEM_ID),
                    E1000_SUBSYS_ID);
    CU_ASSERT_EQUAL(qpci_config_readb(t->dev, QPCI_INTERRUPT_PIN), 1);
    /* BAR0 128 KiB of memory, BAR1 I/O. */
    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, &size);
    CU_ASSERT_FALSE(t->bar0.is_io);
    CU_ASSERT_EQUAL(size, E1000_MMIO_SIZE);
    bar1 = qpci_iomap(t->dev, 1, &size);
    CU_ASSERT_TRUE(bar1.is_io);
    CU_ASSERT_EQUAL(size, E1000_IO_SIZE);
    /* The same register through both: IOADDR/IODATA reach BAR0. */
    wr(t, E1000_TIPG, 0x00a0200a);
    qpci_io_writel(t->dev, bar1, E1000_IOADDR, E1000_TIPG);
    CU_ASSERT_EQUAL(qpci_io_readl(t->dev, bar1, E1000_IODATA), 0x00a0200a);
    qpci_io_writel(t->dev, bar1, E1000_IODATA, 0x00602008);
    CU_ASSERT_EQUAL(rd(t, E1000_TIPG), 0x00602008);
    e1000_stop(t);
}

static void test_init_from_reset(void)
{
    E1000Test *t = e1000_start(NULL);
    uint32_t status;

    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, NULL);
    /* Scribble, then reset: the registers come back to power-on values. */
    wr(t, E1000_IMS, E1000_ICR_RXT0);
    wr(t, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_UPE);
    wr(t, E1000_RAL(0), 0);
    wr(t, E1000_CTRL, rd(t, E1000_CTRL) | E1000_CTRL_RST);
    CU_ASSERT_FALSE(rd(t, E1000_CTRL) & E1000_CTRL_RST);
    CU_ASSERT_EQUAL(rd(t, E1000_IMS), 0);
    CU_ASSERT_EQUAL(rd(t, E1000_RCTL), 0);
    CU_ASSERT_EQUAL(rd(t, E1000_RAL(0)), 0x12005452);
    CU_ASSERT_EQUAL(rd(t, E1000_RAH(0)), 0x5634 | E1000_RAH_AV);
    status = rd(t, E1000_STATUS);
    CU_ASSERT(status & E1000_STATUS_LU);
    CU_ASSERT(status & E1000_STATUS_FD);
    CU_ASSERT(status & E1000_STATUS_SPEED_1000);
    /* ICS/IMS/ICR round trip on the real line. */
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    wr(t, E1000_ICS, E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    wr(t, E1000_IMS, E1000_ICR_TXDW);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT_EQUAL(rd(t, E1000_ICR), E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT_EQUAL(rd(t, E1000_ICR), 0);
    e1000_stop(t);
}

/* The Linux driver's Microwire read of one EEPROM word over EECD. */
static uint16_t eecd_read_word(E1000Test *t, unsigned addr)
{
    uint32_t eecd =
        (rd(t, E1000_EECD) & ~(E1000_EECD_SK | E1000_EECD_DI)) | E1000_EECD_CS;
    uint32_t cmd = E1000_EEPROM_READ_OPCODE << E1000_EEPROM_ADDR_BITS | addr;
    uint16_t v = 0;

    wr(t, E1000_EECD, eecd);
    for (int bit = 8; bit >= 0; bit--) {
        eecd = (eecd & ~E1000_EECD_DI) | (cmd >> bit & 1 ? E1000_EECD_DI : 0);
        wr(t, E1000_EECD, eecd);
        wr(t, E1000_EECD, eecd | E1000_EECD_SK);
        wr(t, E1000_EECD, eecd);
    }
    eecd &= ~E1000_EECD_DI;
    for (int i = 0; i < 16; i++) {
        wr(t, E1000_EECD, eecd | E1000_EECD_SK);
        v = v << 1 | !!(rd(t, E1000_EECD) & E1000_EECD_DO);
        wr(t, E1000_EECD, eecd);
    }
    wr(t, E1000_EECD, eecd & ~E1000_EECD_CS);
    return v;
}

static void test_eeprom_mac(void)
{
    E1000Test *t = e1000_start(NULL);
    uint16_t words[E1000_EEPROM_WORDS], sum = 0;
    uint32_t eecd;

    qpci_device_enable(t->dev);
    t->bar0 = qpci_iomap(t->dev, 0, NULL);
    /* EERD: all 64 words, the MAC first, adding up to 0xBABA. */
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        uint32_t v;

        wr(t, E1000_EERD, i << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
        v = rd(t, E1000_EERD);
        CU_ASSERT(v & E1000_EERD_DONE);
        words[i] = v >> E1000_EERD_DATA_SHIFT;
        sum += words[i];
    }
    CU_ASSERT_EQUAL(memcmp(words, our_mac, 6), 0);
    CU_ASSERT_EQUAL(sum, E1000_EEPROM_SUM);
    /* The same words bit-banged, after asking for the EEPROM. */
    wr(t, E1000_EECD, E1000_EECD_REQ);
    eecd = rd(t, E1000_EECD);
    CU_ASSERT(eecd & E1000_EECD_GNT);
    CU_ASSERT(eecd & E1000_EECD_PRES);
    for (unsigned i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(eecd_read_word(t, i), words[i]);
    }
    CU_ASSERT_EQUAL(eecd_read_word(t, E1000_EEPROM_CHECKSUM_REG),
                    words[E1000_EEPROM_CHECKSUM_REG]);
    wr(t, E1000_EECD, 0);
    e1000_stop(t);
}

static uint16_t mdic_rw(E1000Test *t, uint32_t op, unsigned reg, uint16_t data)
{
    uint32_t v;

    wr(t, E1000_MDIC,
       op | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
           reg << E1000_MDIC_REG_SHIFT | data);
    v = rd(t, E1000_MDIC);
    CU_ASSERT(v & E1000_MDIC_READY);
    CU_ASSERT_FALSE(v & E1000_MDIC_ERROR);
    return v;
}

static void test_link_up_interrupt(void)
{
    E1000Test *t = e1000_start(NULL);
    uint16_t bmsr;

    e1000_driver_init(t, 0);
    CU_ASSERT_EQUAL(mdic_rw(t, E1000_MDIC_OP_READ, MII_PHYID1, 0),
                    E1000_PHY_ID1);
    CU_ASSERT_EQUAL(mdic_rw(t, E1000_MDIC_OP_READ, MII_PHYID2, 0),
                    E1000_PHY_ID2);
    /* Restart autonegotiation as the driver does: the link drops... */
    mdic_rw(t, E1000_MDIC_OP_WRITE, MII_BMCR,
            MII_BMCR_AUTOEN | MII_BMCR_ANRESTART);
    CU_ASSERT_FALSE(rd(t, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    /* ...and comes back on the virtual clock, with LSC. */
    qtest_clock_step(t->qts, E1000_AUTONEG_NS / 2);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    qtest_clock_step(t->qts, E1000_AUTONEG_NS / 2);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT(rd(t, E1000_STATUS) & E1000_STATUS_LU);
    bmsr = mdic_rw(t, E1000_MDIC_OP_READ, MII_BMSR, 0);
    CU_ASSERT(bmsr & MII_BMSR_LINK_ST);
    CU_ASSERT(bmsr & MII_BMSR_AN_COMP);
    CU_ASSERT_EQUAL(rd(t, E1000_ICR), E1000_ICR_LSC);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    e1000_stop(t);
}

static void test_set_link(void)
{
    E1000Test *t = e1000_start(NULL);
    JsonObject *rsp;

    e1000_driver_init(t, 0);
    rsp = qtest_qmp(t->qts, "{'execute': 'set_link',"
                            " 'arguments': {'name': 'n0', 'up': false}}");
    if (qmp_rsp_is_err(rsp)) {
        json_object_unref(rsp);
        e1000_stop(t);
        QTEST_SKIP("QMP set_link is not available");
    }
    json_object_unref(rsp);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT_FALSE(rd(t, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(rd(t, E1000_ICR), E1000_ICR_LSC);
    qtest_qmp_assert_success(t->qts,
                             "{'execute': 'set_link',"
                             " 'arguments': {'name': 'n0', 'up': true}}");
    qtest_clock_step(t->qts, E1000_AUTONEG_NS);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT(rd(t, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(rd(t, E1000_ICR), E1000_ICR_LSC);
    e1000_stop(t);
}

static void test_tx_frame(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[200], got[2048];
    ssize_t n;

    e1000_driver_init(t, 0);
    make_frame(frame, peer_mac, our_mac, sizeof(frame), 1);
    qtest_memwrite(t->qts, t->tx_buf, frame, sizeof(frame));
    put_txd(t, t->tx_buf,
            sizeof(frame) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS |
                E1000_TXD_CMD_RS,
            0);
    wr(t, E1000_TDT, t->tx_tail);
    n = wire_recv(t, got, sizeof(got), WAIT_MS);
    CU_ASSERT_EQUAL(n, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(txd_status(t, 0) & E1000_TXD_STAT_DD, E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(rd(t, E1000_TDH), 1);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT(rd(t, E1000_ICR) & E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT_EQUAL(rd(t, E1000_GPTC), 1);
    e1000_stop(t);
}

static void test_rx_frame(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[300], got[300];
    E1000RxDesc d;

    e1000_driver_init(t, 0);
    make_frame(frame, our_mac, peer_mac, sizeof(frame), 2);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    d = get_rxd(t, 0);
    CU_ASSERT_EQUAL(d.length, sizeof(frame) + 4); /* with the FCS */
    CU_ASSERT_EQUAL(d.status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP),
                    E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
    CU_ASSERT_EQUAL(d.errors, 0);
    qtest_memread(t->qts, t->rx_buf[0], got, sizeof(got));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_TRUE(qtest_get_irq(t->qts, t->irq));
    CU_ASSERT(rd(t, E1000_ICR) & E1000_ICR_RXT0);
    CU_ASSERT_EQUAL(rd(t, E1000_GPRC), 1);
    /* A frame for someone else is filtered out; a broadcast is not. */
    make_frame(frame, peer_mac, peer_mac, 100, 3);
    wire_send(t, frame, 100);
    memset(frame, 0xff, 6);
    wire_send(t, frame, 100);
    CU_ASSERT_TRUE(wait_rdh(t, 2));
    qtest_memread(t->qts, t->rx_buf[1], got, 100);
    CU_ASSERT_EQUAL(memcmp(got, frame, 100), 0);
    e1000_stop(t);
}

static void test_multi_descriptor(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[600], got[2048];
    static const size_t parts[] = {14, 300, 286};
    size_t off = 0;

    /* 256-byte receive buffers: 600 + 4 bytes take three descriptors. */
    e1000_driver_init(t, E1000_RCTL_SZ_256);
    make_frame(frame, our_mac, peer_mac, sizeof(frame), 4);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 3));
    for (int i = 0; i < 3; i++) {
        E1000RxDesc d = get_rxd(t, i);
        size_t want = i < 2 ? 256 : 604 - 512;

        CU_ASSERT_EQUAL(d.length, want);
        CU_ASSERT_EQUAL(!!(d.status & E1000_RXD_STAT_EOP), i == 2);
        qtest_memread(t->qts, t->rx_buf[i], got, MIN(want, 600 - 256 * i));
        CU_ASSERT_EQUAL(memcmp(got, frame + 256 * i, MIN(want, 600 - 256 * i)),
                        0);
    }
    /* And a frame gathered from three transmit descriptors. */
    for (int i = 0; i < 3; i++) {
        uint64_t buf = t->tx_buf + 0x1000 * i;

        qtest_memwrite(t->qts, buf, frame + off, parts[i]);
        put_txd(t, buf,
                parts[i] | (i == 2 ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS : 0),
                0);
        off += parts[i];
    }
    wr(t, E1000_TDT, t->tx_tail);
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), WAIT_MS), sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT(txd_status(t, 2) & E1000_TXD_STAT_DD);
    e1000_stop(t);
}

static void test_tso(void)
{
    E1000Test *t = e1000_start(NULL);
    enum { HDR = 54, PAYLOAD = 2600, MSS = 1000 };
    static uint8_t pkt[HDR + PAYLOAD];
    uint8_t got[2048];
    uint32_t seed;
    E1000TxContextDesc ctx = {
        .ipcss = 14,
        .ipcso = 24,
        .ipcse = 33,
        .tucss = 34,
        .tucso = 50,
        .tucse = 0,
        .cmd_and_length = E1000_TXD_CMD_DEXT | E1000_TXD_CMD_IP |
                          E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE | PAYLOAD,
        .hdr_len = HDR,
        .mss = MSS,
    };
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;
    uint32_t popts = (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                     << E1000_TXD_POPTS_SHIFT;

    e1000_driver_init(t, 0);
    /* Ethernet, IPv4 (length and checksum 0), TCP with PSH|FIN|ACK. */
    memcpy(pkt, peer_mac, 6);
    memcpy(pkt + 6, our_mac, 6);
    pkt[12] = 0x08;
    pkt[14] = 0x45;
    pkt[18] = 0x12;
    pkt[19] = 0x34;
    pkt[20] = 0x40;
    pkt[22] = 64;
    pkt[23] = 6;
    memcpy(pkt + 26, (uint8_t[]){10, 0, 2, 15, 10, 0, 2, 2}, 8);
    memcpy(pkt + 34,
           (uint8_t[]){0x9c, 0x40, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0,
                       1, 0x50, 0x19, 0xff, 0xff},
           16);
    for (int i = 0; i < PAYLOAD; i++) {
        pkt[HDR + i] = i * 31 + 7;
    }
    seed = ref_fold(ref_sum(0, pkt + 26, 8) + 6); /* pseudo-header, len 0 */
    pkt[50] = seed >> 8;
    pkt[51] = seed;
    qtest_memwrite(t->qts, t->tx_buf, pkt, sizeof(pkt));
    put_tx_ctx(t, &ctx);
    put_txd(t, t->tx_buf, 1500 | dcmd, popts);
    put_txd(t, t->tx_buf + 1500,
            (sizeof(pkt) - 1500) | dcmd | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
            popts);
    wr(t, E1000_TDT, t->tx_tail);

    for (int i = 0; i < 3; i++) {
        size_t pay = i < 2 ? MSS : PAYLOAD - 2 * MSS;
        ssize_t n = wire_recv(t, got, sizeof(got), WAIT_MS);
        uint8_t *ip = got + 14, *tcp = got + 34;
        uint32_t sum;

        CU_ASSERT_EQUAL_FATAL(n, HDR + pay);
        CU_ASSERT_EQUAL(memcmp(got, pkt, 14), 0);
        CU_ASSERT_EQUAL(be16(ip + 2), 40 + pay);
        CU_ASSERT_EQUAL(be16(ip + 4), 0x1234 + i);
        CU_ASSERT_EQUAL(ref_fold(ref_sum(0, ip, 20)), 0xffff);
        CU_ASSERT_EQUAL(be32(tcp + 4), 0xdeadbeef + MSS * i);
        CU_ASSERT_EQUAL(tcp[13], i == 2 ? 0x19 : 0x10);
        sum = ref_sum(0, ip + 12, 8) + 6 + 20 + pay;
        CU_ASSERT_EQUAL(ref_fold(ref_sum(sum, tcp, 20 + pay)), 0xffff);
        CU_ASSERT_EQUAL(memcmp(got + HDR, pkt + HDR + MSS * i, pay), 0);
    }
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), 100), -1);
    CU_ASSERT(txd_status(t, 2) & E1000_TXD_STAT_DD);
    e1000_stop(t);
}

static void test_rx_backpressure(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[128], got[128];

    e1000_driver_init(t, 0);
    /* Take every descriptor back: RDT == RDH, the ring is full. */
    wr(t, E1000_RDT, 0);
    make_frame(frame, our_mac, peer_mac, sizeof(frame), 5);
    wire_send(t, frame, sizeof(frame));
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(rd(t, E1000_RDH), 0);
        g_usleep(2000);
    }
    CU_ASSERT_FALSE(get_rxd(t, 0).status & E1000_RXD_STAT_DD);
    /* The driver frees descriptors: the held frame arrives, intact. */
    wr(t, E1000_RDT, 4);
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    qtest_memread(t->qts, t->rx_buf[0], got, sizeof(got));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT(get_rxd(t, 0).status & E1000_RXD_STAT_EOP);
    e1000_stop(t);
}

static void test_outside_ram(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[100], got[2048];
    JsonObject *rsp;

    e1000_driver_init(t, 0);
    make_frame(frame, peer_mac, our_mac, sizeof(frame), 6);
    qtest_memwrite(t->qts, t->tx_buf, frame, sizeof(frame));
    /* Buffers far past RAM and on the device's own registers. */
    put_txd(t, 0x4000000000ull, 100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    put_txd(t, t->bar0.addr + E1000_CTRL,
            100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    put_txd(t, t->tx_buf, 100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    wr(t, E1000_TDT, t->tx_tail);
    /* Only the good one reaches the wire; all three complete. */
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), WAIT_MS), sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), 100), -1);
    CU_ASSERT_EQUAL(rd(t, E1000_TDH), 3);
    CU_ASSERT(rd(t, E1000_STATUS) & E1000_STATUS_LU);
    /* A receive buffer outside RAM: the frame is dropped with RXE. */
    put_rxd(t, 0, 0x4000000000ull);
    make_frame(frame, our_mac, peer_mac, sizeof(frame), 7);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    CU_ASSERT(get_rxd(t, 0).errors & E1000_RXD_ERR_RXE);
    /* A transmit ring outside RAM. */
    wr(t, E1000_TDBAL, 0);
    wr(t, E1000_TDBAH, 0x40);
    wr(t, E1000_TDT, (rd(t, E1000_TDH) + 1) % RING_DESCS);

    /* The emulator lives on. */
    rsp = qtest_qmp(t->qts, "{'execute': 'query-status'}");
    CU_ASSERT_FALSE(qmp_rsp_is_err(rsp));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"), "running");
    json_object_unref(rsp);
    CU_ASSERT_TRUE(qtest_probe_child(t->qts));
    e1000_stop(t);
}

QTEST_SUITE(e1000, QTEST_CASE(test_pci_identity),
            QTEST_CASE(test_init_from_reset), QTEST_CASE(test_eeprom_mac),
            QTEST_CASE(test_link_up_interrupt), QTEST_CASE(test_set_link),
            QTEST_CASE(test_tx_frame), QTEST_CASE(test_rx_frame),
            QTEST_CASE(test_multi_descriptor), QTEST_CASE(test_tso),
            QTEST_CASE(test_rx_backpressure), QTEST_CASE(test_outside_ram));
