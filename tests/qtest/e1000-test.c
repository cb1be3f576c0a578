/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 driven like a guest driver over qtest: PCI identity and BARs,
 * bring-up from reset, the MAC from the EEPROM (EERD and bit-banged EECD),
 * the link-up interrupt after autonegotiation, frames both ways through a
 * socketpair netdev (4-byte big-endian length prefix, as QEMU's socket
 * netdev) checked byte for byte, multi-descriptor frames, TSO, receive
 * backpressure, descriptors pointing outside RAM, and the 82544GC and
 * 82545EM variants' IDs.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib.h>
#include "tests/qtest/libqos/e1000.h"
#include "tests/qtest/libqos/net-socket.h"
#include "tests/qtest/libqtest.h"
#include "tests/qtest/qtest-main.h"

#define E1000_SLOT 4
#define WAIT_MS    5000

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};

typedef struct E1000Test {
    QE1000 d;
    int sock; /* our end of the netdev's socketpair */
} E1000Test;

/* ---- Start and stop ---- */

static E1000Test *e1000_start(const char *extra)
{
    E1000Test *t = g_new0(E1000Test, 1);
    QTestState *qts;
    int sv[2];

    g_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    qts = qtest_initf("-netdev socket,id=n0,fd=%d "
                      "-device e1000,netdev=n0,mac=52:54:00:12:34:56,"
                      "addr=%02x.0,id=nic0 %s",
                      sv[1], E1000_SLOT, extra ? extra : "");
    close(sv[1]);
    t->sock = sv[0];
    qe1000_init(&t->d, qts, E1000_SLOT);
    return t;
}

static void e1000_stop(E1000Test *t)
{
    qtest_quit(t->d.qts);
    close(t->sock);
    qe1000_destroy(&t->d);
    g_free(t);
}

/* ---- The wire ---- */

/* The next frame the device sent, or -1 if none came in time. */
static ssize_t wire_recv(E1000Test *t, uint8_t *buf, size_t max, int timeout_ms)
{
    return qnet_sock_recv(t->sock, buf, max, timeout_ms);
}

static void wire_send(E1000Test *t, const uint8_t *frame, size_t len)
{
    qnet_sock_send(t->sock, frame, len);
}

/* Poll RDH (each read lets the emulator's main loop run) until @want. */
static bool wait_rdh(E1000Test *t, uint32_t want)
{
    for (int i = 0; i < WAIT_MS; i++) {
        if (qe1000_rd(&t->d, E1000_RDH) == want) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

/* ---- Frames ---- */

/* ---- Checksums for checking ---- */

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

    CU_ASSERT_EQUAL(qpci_config_readw(t->d.dev, QPCI_VENDOR_ID),
                    E1000_VENDOR_ID);
    CU_ASSERT_EQUAL(qpci_config_readw(t->d.dev, QPCI_DEVICE_ID),
                    E1000_DEV_ID_82540EM);
    CU_ASSERT_EQUAL(qpci_config_readw(t->d.dev, QPCI_CLASS_DEVICE), 0x0200);
    CU_ASSERT_EQUAL(qpci_config_readw(t->d.dev, QPCI_SUBSYSTEM_VENDOR_ID),
                    E1000_SUBSYS_VENDOR_ID);
    CU_ASSERT_EQUAL(qpci_config_readw(t->d.dev, QPCI_SUBSYSTEM_ID),
                    E1000_SUBSYS_ID);
    CU_ASSERT_EQUAL(qpci_config_readb(t->d.dev, QPCI_INTERRUPT_PIN), 1);
    /* BAR0 128 KiB of memory, BAR1 I/O. */
    qpci_device_enable(t->d.dev);
    t->d.bar0 = qpci_iomap(t->d.dev, 0, &size);
    CU_ASSERT_FALSE(t->d.bar0.is_io);
    CU_ASSERT_EQUAL(size, E1000_MMIO_SIZE);
    bar1 = qpci_iomap(t->d.dev, 1, &size);
    CU_ASSERT_TRUE(bar1.is_io);
    CU_ASSERT_EQUAL(size, E1000_IO_SIZE);
    /* The same register through both: IOADDR/IODATA reach BAR0. */
    qe1000_wr(&t->d, E1000_TIPG, 0x00a0200a);
    qpci_io_writel(t->d.dev, bar1, E1000_IOADDR, E1000_TIPG);
    CU_ASSERT_EQUAL(qpci_io_readl(t->d.dev, bar1, E1000_IODATA), 0x00a0200a);
    qpci_io_writel(t->d.dev, bar1, E1000_IODATA, 0x00602008);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_TIPG), 0x00602008);
    e1000_stop(t);
}

static void test_init_from_reset(void)
{
    E1000Test *t = e1000_start(NULL);
    uint32_t status;

    qpci_device_enable(t->d.dev);
    t->d.bar0 = qpci_iomap(t->d.dev, 0, NULL);
    /* Scribble, then reset: the registers come back to power-on values. */
    qe1000_wr(&t->d, E1000_IMS, E1000_ICR_RXT0);
    qe1000_wr(&t->d, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_UPE);
    qe1000_wr(&t->d, E1000_RAL(0), 0);
    qe1000_wr(&t->d, E1000_CTRL, qe1000_rd(&t->d, E1000_CTRL) | E1000_CTRL_RST);
    CU_ASSERT_FALSE(qe1000_rd(&t->d, E1000_CTRL) & E1000_CTRL_RST);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_IMS), 0);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_RCTL), 0);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_RAL(0)), 0x12005452);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_RAH(0)), 0x5634 | E1000_RAH_AV);
    status = qe1000_rd(&t->d, E1000_STATUS);
    CU_ASSERT(status & E1000_STATUS_LU);
    CU_ASSERT(status & E1000_STATUS_FD);
    CU_ASSERT(status & E1000_STATUS_SPEED_1000);
    /* ICS/IMS/ICR round trip on the real line. */
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    qe1000_wr(&t->d, E1000_ICS, E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    qe1000_wr(&t->d, E1000_IMS, E1000_ICR_TXDW);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_ICR), E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_ICR), 0);
    e1000_stop(t);
}

/* The Linux driver's Microwire read of one EEPROM word over EECD. */
static uint16_t eecd_read_word(E1000Test *t, unsigned addr)
{
    uint32_t eecd =
        (qe1000_rd(&t->d, E1000_EECD) & ~(E1000_EECD_SK | E1000_EECD_DI)) |
        E1000_EECD_CS;
    uint32_t cmd = E1000_EEPROM_READ_OPCODE << E1000_EEPROM_ADDR_BITS | addr;
    uint16_t v = 0;

    qe1000_wr(&t->d, E1000_EECD, eecd);
    for (int bit = 8; bit >= 0; bit--) {
        eecd = (eecd & ~E1000_EECD_DI) | (cmd >> bit & 1 ? E1000_EECD_DI : 0);
        qe1000_wr(&t->d, E1000_EECD, eecd);
        qe1000_wr(&t->d, E1000_EECD, eecd | E1000_EECD_SK);
        qe1000_wr(&t->d, E1000_EECD, eecd);
    }
    eecd &= ~E1000_EECD_DI;
    for (int i = 0; i < 16; i++) {
        qe1000_wr(&t->d, E1000_EECD, eecd | E1000_EECD_SK);
        v = v << 1 | !!(qe1000_rd(&t->d, E1000_EECD) & E1000_EECD_DO);
        qe1000_wr(&t->d, E1000_EECD, eecd);
    }
    qe1000_wr(&t->d, E1000_EECD, eecd & ~E1000_EECD_CS);
    return v;
}

static void test_eeprom_mac(void)
{
    E1000Test *t = e1000_start(NULL);
    uint16_t words[E1000_EEPROM_WORDS], sum = 0;
    uint32_t eecd;

    qpci_device_enable(t->d.dev);
    t->d.bar0 = qpci_iomap(t->d.dev, 0, NULL);
    /* EERD: all 64 words, the MAC first, adding up to 0xBABA. */
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        uint32_t v;

        qe1000_wr(&t->d, E1000_EERD,
                  i << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
        v = qe1000_rd(&t->d, E1000_EERD);
        CU_ASSERT(v & E1000_EERD_DONE);
        words[i] = v >> E1000_EERD_DATA_SHIFT;
        sum += words[i];
    }
    CU_ASSERT_EQUAL(memcmp(words, our_mac, 6), 0);
    CU_ASSERT_EQUAL(sum, E1000_EEPROM_SUM);
    /* The same words bit-banged, after asking for the EEPROM. */
    qe1000_wr(&t->d, E1000_EECD, E1000_EECD_REQ);
    eecd = qe1000_rd(&t->d, E1000_EECD);
    CU_ASSERT(eecd & E1000_EECD_GNT);
    CU_ASSERT(eecd & E1000_EECD_PRES);
    for (unsigned i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(eecd_read_word(t, i), words[i]);
    }
    CU_ASSERT_EQUAL(eecd_read_word(t, E1000_EEPROM_CHECKSUM_REG),
                    words[E1000_EEPROM_CHECKSUM_REG]);
    qe1000_wr(&t->d, E1000_EECD, 0);
    e1000_stop(t);
}

static uint16_t mdic_rw(E1000Test *t, uint32_t op, unsigned reg, uint16_t data)
{
    uint32_t v;

    qe1000_wr(&t->d, E1000_MDIC,
              op | E1000_PHY_ADDR << E1000_MDIC_PHY_SHIFT |
                  reg << E1000_MDIC_REG_SHIFT | data);
    v = qe1000_rd(&t->d, E1000_MDIC);
    CU_ASSERT(v & E1000_MDIC_READY);
    CU_ASSERT_FALSE(v & E1000_MDIC_ERROR);
    return v;
}

static void test_link_up_interrupt(void)
{
    E1000Test *t = e1000_start(NULL);
    uint16_t bmsr;

    qe1000_driver_init(&t->d, 0);
    CU_ASSERT_EQUAL(mdic_rw(t, E1000_MDIC_OP_READ, MII_PHYID1, 0),
                    E1000_PHY_ID1);
    CU_ASSERT_EQUAL(mdic_rw(t, E1000_MDIC_OP_READ, MII_PHYID2, 0),
                    E1000_PHY_ID2);
    /* Restart autonegotiation as the driver does: the link drops... */
    mdic_rw(t, E1000_MDIC_OP_WRITE, MII_BMCR,
            MII_BMCR_AUTOEN | MII_BMCR_ANRESTART);
    CU_ASSERT_FALSE(qe1000_rd(&t->d, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    /* ...and comes back on the virtual clock, with LSC. */
    qtest_clock_step(t->d.qts, E1000_AUTONEG_NS / 2);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    qtest_clock_step(t->d.qts, E1000_AUTONEG_NS / 2);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT(qe1000_rd(&t->d, E1000_STATUS) & E1000_STATUS_LU);
    bmsr = mdic_rw(t, E1000_MDIC_OP_READ, MII_BMSR, 0);
    CU_ASSERT(bmsr & MII_BMSR_LINK_ST);
    CU_ASSERT(bmsr & MII_BMSR_AN_COMP);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_ICR), E1000_ICR_LSC);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    e1000_stop(t);
}

static void test_set_link(void)
{
    E1000Test *t = e1000_start(NULL);
    JsonObject *rsp;

    qe1000_driver_init(&t->d, 0);
    rsp = qtest_qmp(t->d.qts, "{'execute': 'set_link',"
                              " 'arguments': {'name': 'n0', 'up': false}}");
    if (qmp_rsp_is_err(rsp)) {
        json_object_unref(rsp);
        e1000_stop(t);
        QTEST_SKIP("QMP set_link is not available");
    }
    json_object_unref(rsp);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT_FALSE(qe1000_rd(&t->d, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_ICR), E1000_ICR_LSC);
    qtest_qmp_assert_success(t->d.qts,
                             "{'execute': 'set_link',"
                             " 'arguments': {'name': 'n0', 'up': true}}");
    qtest_clock_step(t->d.qts, E1000_AUTONEG_NS);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT(qe1000_rd(&t->d, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_ICR), E1000_ICR_LSC);
    e1000_stop(t);
}

static void test_tx_frame(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[200], got[2048];
    ssize_t n;

    qe1000_driver_init(&t->d, 0);
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 1);
    qtest_memwrite(t->d.qts, t->d.tx_buf, frame, sizeof(frame));
    qe1000_put_txd(&t->d, t->d.tx_buf,
                   sizeof(frame) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS |
                       E1000_TXD_CMD_RS,
                   0);
    qe1000_wr(&t->d, E1000_TDT, t->d.tx_tail);
    n = wire_recv(t, got, sizeof(got), WAIT_MS);
    CU_ASSERT_EQUAL(n, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(qe1000_txd_status(&t->d, 0) & E1000_TXD_STAT_DD,
                    E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_TDH), 1);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT(qe1000_rd(&t->d, E1000_ICR) & E1000_ICR_TXDW);
    CU_ASSERT_FALSE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_GPTC), 1);
    e1000_stop(t);
}

static void test_rx_frame(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[300], got[300];
    E1000RxDesc d;

    qe1000_driver_init(&t->d, 0);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 2);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    d = qe1000_get_rxd(&t->d, 0);
    CU_ASSERT_EQUAL(d.length, sizeof(frame) + 4); /* with the FCS */
    CU_ASSERT_EQUAL(d.status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP),
                    E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
    CU_ASSERT_EQUAL(d.errors, 0);
    qtest_memread(t->d.qts, t->d.rx_buf[0], got, sizeof(got));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_TRUE(qtest_get_irq(t->d.qts, t->d.irq));
    CU_ASSERT(qe1000_rd(&t->d, E1000_ICR) & E1000_ICR_RXT0);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_GPRC), 1);
    /* A frame for someone else is filtered out; a broadcast is not. */
    qnet_make_frame(frame, peer_mac, peer_mac, 100, 3);
    wire_send(t, frame, 100);
    memset(frame, 0xff, 6);
    wire_send(t, frame, 100);
    CU_ASSERT_TRUE(wait_rdh(t, 2));
    qtest_memread(t->d.qts, t->d.rx_buf[1], got, 100);
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
    qe1000_driver_init(&t->d, E1000_RCTL_SZ_256);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 4);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 3));
    for (int i = 0; i < 3; i++) {
        E1000RxDesc d = qe1000_get_rxd(&t->d, i);
        size_t want = i < 2 ? 256 : 604 - 512;

        CU_ASSERT_EQUAL(d.length, want);
        CU_ASSERT_EQUAL(!!(d.status & E1000_RXD_STAT_EOP), i == 2);
        qtest_memread(t->d.qts, t->d.rx_buf[i], got, MIN(want, 600 - 256 * i));
        CU_ASSERT_EQUAL(memcmp(got, frame + 256 * i, MIN(want, 600 - 256 * i)),
                        0);
    }
    /* And a frame gathered from three transmit descriptors. */
    for (int i = 0; i < 3; i++) {
        uint64_t buf = t->d.tx_buf + 0x1000 * i;

        qtest_memwrite(t->d.qts, buf, frame + off, parts[i]);
        qe1000_put_txd(
            &t->d, buf,
            parts[i] | (i == 2 ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS : 0), 0);
        off += parts[i];
    }
    qe1000_wr(&t->d, E1000_TDT, t->d.tx_tail);
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), WAIT_MS), sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT(qe1000_txd_status(&t->d, 2) & E1000_TXD_STAT_DD);
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

    qe1000_driver_init(&t->d, 0);
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
    seed = qnet_csum_fold(qnet_csum_add(0, pkt + 26, 8) +
                          6); /* pseudo-header, len 0 */
    pkt[50] = seed >> 8;
    pkt[51] = seed;
    qtest_memwrite(t->d.qts, t->d.tx_buf, pkt, sizeof(pkt));
    qe1000_put_tx_ctx(&t->d, &ctx);
    qe1000_put_txd(&t->d, t->d.tx_buf, 1500 | dcmd, popts);
    qe1000_put_txd(&t->d, t->d.tx_buf + 1500,
                   (sizeof(pkt) - 1500) | dcmd | E1000_TXD_CMD_EOP |
                       E1000_TXD_CMD_RS,
                   popts);
    qe1000_wr(&t->d, E1000_TDT, t->d.tx_tail);

    for (int i = 0; i < 3; i++) {
        size_t pay = i < 2 ? MSS : PAYLOAD - 2 * MSS;
        ssize_t n = wire_recv(t, got, sizeof(got), WAIT_MS);
        uint8_t *ip = got + 14, *tcp = got + 34;
        uint32_t sum;

        CU_ASSERT_EQUAL_FATAL(n, HDR + pay);
        CU_ASSERT_EQUAL(memcmp(got, pkt, 14), 0);
        CU_ASSERT_EQUAL(be16(ip + 2), 40 + pay);
        CU_ASSERT_EQUAL(be16(ip + 4), 0x1234 + i);
        CU_ASSERT_EQUAL(qnet_csum_fold(qnet_csum_add(0, ip, 20)), 0xffff);
        CU_ASSERT_EQUAL(be32(tcp + 4), 0xdeadbeef + MSS * i);
        CU_ASSERT_EQUAL(tcp[13], i == 2 ? 0x19 : 0x10);
        sum = qnet_csum_add(0, ip + 12, 8) + 6 + 20 + pay;
        CU_ASSERT_EQUAL(qnet_csum_fold(qnet_csum_add(sum, tcp, 20 + pay)),
                        0xffff);
        CU_ASSERT_EQUAL(memcmp(got + HDR, pkt + HDR + MSS * i, pay), 0);
    }
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), 100), -1);
    CU_ASSERT(qe1000_txd_status(&t->d, 2) & E1000_TXD_STAT_DD);
    e1000_stop(t);
}

static void test_rx_backpressure(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[128], got[128];

    qe1000_driver_init(&t->d, 0);
    /* Take every descriptor back: RDT == RDH, the ring is full. */
    qe1000_wr(&t->d, E1000_RDT, 0);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 5);
    wire_send(t, frame, sizeof(frame));
    for (int i = 0; i < 50; i++) {
        CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_RDH), 0);
        g_usleep(2000);
    }
    CU_ASSERT_FALSE(qe1000_get_rxd(&t->d, 0).status & E1000_RXD_STAT_DD);
    /* The driver frees descriptors: the held frame arrives, intact. */
    qe1000_wr(&t->d, E1000_RDT, 4);
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    qtest_memread(t->d.qts, t->d.rx_buf[0], got, sizeof(got));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT(qe1000_get_rxd(&t->d, 0).status & E1000_RXD_STAT_EOP);
    e1000_stop(t);
}

static void test_outside_ram(void)
{
    E1000Test *t = e1000_start(NULL);
    uint8_t frame[100], got[2048];
    JsonObject *rsp;

    qe1000_driver_init(&t->d, 0);
    qnet_make_frame(frame, peer_mac, our_mac, sizeof(frame), 6);
    qtest_memwrite(t->d.qts, t->d.tx_buf, frame, sizeof(frame));
    /* Buffers far past RAM and on the device's own registers. */
    qe1000_put_txd(&t->d, 0x4000000000ull,
                   100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    qe1000_put_txd(&t->d, t->d.bar0.addr + E1000_CTRL,
                   100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    qe1000_put_txd(&t->d, t->d.tx_buf,
                   100 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    qe1000_wr(&t->d, E1000_TDT, t->d.tx_tail);
    /* Only the good one reaches the wire; all three complete. */
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), WAIT_MS), sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(got, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(wire_recv(t, got, sizeof(got), 100), -1);
    CU_ASSERT_EQUAL(qe1000_rd(&t->d, E1000_TDH), 3);
    CU_ASSERT(qe1000_rd(&t->d, E1000_STATUS) & E1000_STATUS_LU);
    /* A receive buffer outside RAM: the frame is dropped with RXE. */
    qe1000_put_rxd(&t->d, 0, 0x4000000000ull);
    qnet_make_frame(frame, our_mac, peer_mac, sizeof(frame), 7);
    wire_send(t, frame, sizeof(frame));
    CU_ASSERT_TRUE(wait_rdh(t, 1));
    CU_ASSERT(qe1000_get_rxd(&t->d, 0).errors & E1000_RXD_ERR_RXE);
    /* A transmit ring outside RAM. */
    qe1000_wr(&t->d, E1000_TDBAL, 0);
    qe1000_wr(&t->d, E1000_TDBAH, 0x40);
    qe1000_wr(&t->d, E1000_TDT,
              (qe1000_rd(&t->d, E1000_TDH) + 1) % QE1000_RING_DESCS);

    /* The emulator lives on. */
    rsp = qtest_qmp(t->d.qts, "{'execute': 'query-status'}");
    CU_ASSERT_FALSE(qmp_rsp_is_err(rsp));
    CU_ASSERT_STRING_EQUAL(qdict_get_path_str(rsp, "return.status"), "running");
    json_object_unref(rsp);
    CU_ASSERT_TRUE(qtest_probe_child(t->d.qts));
    e1000_stop(t);
}

/*
 * The three parts QEMU names, each with its own IDs in PCI config space,
 * the EEPROM (words 0x0b and 0x0d, checksum intact) and the PHY.
 */
static void test_variants(void)
{
    static const struct {
        const char *type;
        uint16_t device_id, subsystem_id, phy_id2;
    } models[] = {
        {"e1000", E1000_DEV_ID_82540EM, E1000_SUBSYS_ID, E1000_PHY_ID2},
        {"e1000-82544gc", E1000_DEV_ID_82544GC, E1000_SUBSYS_ID_82544GC,
         E1000_PHY_ID2_82544},
        {"e1000-82545em", E1000_DEV_ID_82545EM, E1000_SUBSYS_ID_82545EM,
         E1000_PHY_ID2},
    };

    for (size_t m = 0; m < G_N_ELEMENTS(models); m++) {
        E1000Test t = {.sock = -1};
        QTestState *qts =
            qtest_initf("-device %s,addr=%02x.0", models[m].type, E1000_SLOT);
        uint16_t words[E1000_EEPROM_WORDS], sum = 0;

        qe1000_init(&t.d, qts, E1000_SLOT);
        CU_ASSERT_EQUAL(qpci_config_readw(t.d.dev, QPCI_VENDOR_ID),
                        E1000_VENDOR_ID);
        CU_ASSERT_EQUAL(qpci_config_readw(t.d.dev, QPCI_DEVICE_ID),
                        models[m].device_id);
        CU_ASSERT_EQUAL(qpci_config_readw(t.d.dev, QPCI_SUBSYSTEM_ID),
                        models[m].subsystem_id);
        qpci_device_enable(t.d.dev);
        t.d.bar0 = qpci_iomap(t.d.dev, 0, NULL);
        for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
            qe1000_wr(&t.d, E1000_EERD,
                      i << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
            words[i] = qe1000_rd(&t.d, E1000_EERD) >> E1000_EERD_DATA_SHIFT;
            sum += words[i];
        }
        CU_ASSERT_EQUAL(sum, E1000_EEPROM_SUM);
        CU_ASSERT_EQUAL(words[0x0b], models[m].subsystem_id);
        CU_ASSERT_EQUAL(words[0x0d], models[m].device_id);
        CU_ASSERT_EQUAL(words[0x0e], E1000_VENDOR_ID);
        CU_ASSERT_EQUAL(mdic_rw(&t, E1000_MDIC_OP_READ, MII_PHYID1, 0),
                        E1000_PHY_ID1);
        CU_ASSERT_EQUAL(mdic_rw(&t, E1000_MDIC_OP_READ, MII_PHYID2, 0),
                        models[m].phy_id2);
        qtest_quit(qts);
        qe1000_destroy(&t.d);
    }
}

QTEST_SUITE(e1000, QTEST_CASE(test_pci_identity),
            QTEST_CASE(test_init_from_reset), QTEST_CASE(test_eeprom_mac),
            QTEST_CASE(test_link_up_interrupt), QTEST_CASE(test_set_link),
            QTEST_CASE(test_tx_frame), QTEST_CASE(test_rx_frame),
            QTEST_CASE(test_multi_descriptor), QTEST_CASE(test_tso),
            QTEST_CASE(test_rx_backpressure), QTEST_CASE(test_outside_ram),
            QTEST_CASE(test_variants));
