/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The e1000 core (hw/net/e1000-core.c) without a VM: registers through
 * their MemoryRegionOps, the EEPROM over EERD and bit-banged Microwire,
 * the PHY over MDIC with autonegotiation on a manual virtual clock,
 * interrupt causes, delays and throttling, and both rings against a fake
 * guest memory, checking the bytes that reach the wire and the guest.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "exec/memory.h"
#include "hw/net/e1000-core.h"
#include "tests/unit/unit.h"

#define RAM_SIZE      (1 * MiB)
#define TX_RING       0x1000
#define RX_RING       0x2000
#define TX_BUF        0x10000
#define RX_BUF        0x40000
#define RX_BUF_STRIDE 0x4000
#define OUTSIDE_RAM   0x80000000ull

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

typedef struct Fixture {
    E1000Core core;
    KemuClocks *clocks;
    MemoryRegion mmio;
    MemoryRegion io;
    uint8_t *ram;
    bool irq;
    int irq_raises;
    GPtrArray *sent;  /* GByteArray * per frame */
    GArray *offloads; /* E1000TxOffload per frame (zero: none) */
    int rx_ready;
    int mac_changes;
} Fixture;

/* ---- Fake surroundings ---- */

static bool in_ram(uint64_t addr, size_t len)
{
    return addr <= RAM_SIZE && len <= RAM_SIZE - addr;
}

static MemTxResult fake_dma_read(void *opaque, uint64_t addr, void *buf,
                                 size_t len)
{
    Fixture *f = opaque;

    if (!in_ram(addr, len)) {
        return MEMTX_DECODE_ERROR;
    }
    memcpy(buf, f->ram + addr, len);
    return MEMTX_OK;
}

static MemTxResult fake_dma_write(void *opaque, uint64_t addr, const void *buf,
                                  size_t len)
{
    Fixture *f = opaque;

    if (!in_ram(addr, len)) {
        return MEMTX_DECODE_ERROR;
    }
    memcpy(f->ram + addr, buf, len);
    return MEMTX_OK;
}

static void fake_set_irq(void *opaque, bool level)
{
    Fixture *f = opaque;

    f->irq_raises += level && !f->irq;
    f->irq = level;
}

static void fake_send(void *opaque, const struct iovec *iov, int iovcnt,
                      const E1000TxOffload *off)
{
    Fixture *f = opaque;
    GByteArray *frame = g_byte_array_new();
    E1000TxOffload o = {0};

    if (off) {
        o = *off;
    }
    g_array_append_val(f->offloads, o);
    for (int i = 0; i < iovcnt; i++) {
        g_byte_array_append(frame, iov[i].iov_base, iov[i].iov_len);
    }
    g_ptr_array_add(f->sent, frame);
}

static void fake_rx_ready(void *opaque)
{
    ((Fixture *)opaque)->rx_ready++;
}

static void fake_mac_changed(void *opaque, const uint8_t mac[6])
{
    ((Fixture *)opaque)->mac_changes++;
}

static const E1000CoreOps fake_ops = {
    .dma_read = fake_dma_read,
    .dma_write = fake_dma_write,
    .set_irq = fake_set_irq,
    .send = fake_send,
    .rx_ready = fake_rx_ready,
    .mac_changed = fake_mac_changed,
};

static Fixture *fixture_new(void)
{
    Fixture *f = g_new0(Fixture, 1);

    f->clocks = clocks_new();
    clock_virtual_set_manual(f->clocks, true);
    f->ram = g_malloc0(RAM_SIZE);
    f->sent =
        g_ptr_array_new_with_free_func((GDestroyNotify)g_byte_array_unref);
    f->offloads = g_array_new(false, true, sizeof(E1000TxOffload));
    e1000_core_init(&f->core, &e1000_model_82540em, &fake_ops, f, f->clocks,
                    our_mac);
    memory_region_init_io(&f->mmio, NULL, &e1000_mmio_ops, &f->core,
                          "e1000-mmio", E1000_MMIO_SIZE);
    memory_region_init_io(&f->io, NULL, &e1000_io_ops, &f->core, "e1000-io",
                          E1000_IO_SIZE);
    return f;
}

static void fixture_free(Fixture *f)
{
    memory_region_destroy(&f->mmio);
    memory_region_destroy(&f->io);
    e1000_core_cleanup(&f->core);
    clocks_free(f->clocks);
    g_ptr_array_unref(f->sent);
    g_array_unref(f->offloads);
    g_free(f->ram);
    g_free(f);
}

static uint32_t rd(Fixture *f, uint32_t off)
{
    uint64_t v = 0;

    CU_ASSERT_EQUAL(memory_region_dispatch_read(&f->mmio, off, &v, 4),
                    MEMTX_OK);
    return v;
}

static void wr(Fixture *f, uint32_t off, uint32_t val)
{
    CU_ASSERT_EQUAL(memory_region_dispatch_write(&f->mmio, off, val, 4),
                    MEMTX_OK);
}

static void step(Fixture *f, int64_t ns)
{
    clock_virtual_step(f->clocks, ns);
}

/* ---- Reference checksums and packet builders ---- */

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

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* Whether the TCP/UDP checksum of an IPv4 packet at @ip verifies. */
static bool l4_csum_ok_v4(const uint8_t *ip, size_t iplen, uint8_t proto)
{
    size_t ihl = (ip[0] & 15) * 4;
    uint32_t sum = ref_sum(0, ip + 12, 8);

    sum += proto + (uint32_t)(iplen - ihl);
    sum = ref_sum(sum, ip + ihl, iplen - ihl);
    return ref_fold(sum) == 0xffff;
}

static bool ip_csum_ok(const uint8_t *ip)
{
    return ref_fold(ref_sum(0, ip, (ip[0] & 15) * 4)) == 0xffff;
}

/* Ethernet + IPv4 + TCP, as a driver hands it for TSO/checksum offload. */
static size_t build_tcp4(uint8_t *p, size_t payload, uint16_t id, uint32_t seq,
                         uint8_t flags, bool tso)
{
    size_t tot = 20 + 20 + payload;
    uint32_t seed;

    memcpy(p, (uint8_t[]){0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc}, 6);
    memcpy(p + 6, our_mac, 6);
    put16(p + 12, 0x0800);
    p[14] = 0x45;
    p[15] = 0;
    put16(p + 16, tso ? 0 : tot);
    put16(p + 18, id);
    put16(p + 20, 0x4000);
    p[22] = 64;
    p[23] = 6;
    put16(p + 24, 0);
    memcpy(p + 26, (uint8_t[]){10, 0, 2, 15}, 4);
    memcpy(p + 30, (uint8_t[]){10, 0, 2, 2}, 4);
    put16(p + 34, 40000);
    put16(p + 36, 80);
    p[38] = seq >> 24;
    p[39] = seq >> 16;
    p[40] = seq >> 8;
    p[41] = seq;
    memset(p + 42, 0, 4);
    p[46] = 5 << 4;
    p[47] = flags;
    put16(p + 48, 0xffff);
    put16(p + 50, 0);
    put16(p + 52, 0);
    for (size_t i = 0; i < payload; i++) {
        p[54 + i] = i * 7 + 3;
    }
    /* The pseudo-header seed, with the length only when not segmenting. */
    seed = ref_sum(0, p + 26, 8) + 6 + (tso ? 0 : 20 + payload);
    put16(p + 50, ref_fold(seed));
    return 54 + payload;
}

static void put_txd(Fixture *f, int i, uint64_t addr, uint32_t lower,
                    uint32_t upper)
{
    E1000TxDesc d = {.buffer_addr = htole64(addr),
                     .lower = htole32(lower),
                     .upper = htole32(upper)};

    memcpy(f->ram + TX_RING + i * 16, &d, 16);
}

static void put_ctx(Fixture *f, int i, uint8_t ipcss, uint8_t ipcso,
                    uint16_t ipcse, uint8_t tucss, uint8_t tucso,
                    uint16_t tucse, uint32_t cmd_len, uint8_t hdr_len,
                    uint16_t mss)
{
    E1000TxContextDesc d = {
        .ipcss = ipcss,
        .ipcso = ipcso,
        .ipcse = htole16(ipcse),
        .tucss = tucss,
        .tucso = tucso,
        .tucse = htole16(tucse),
        .cmd_and_length = htole32(cmd_len | E1000_TXD_CMD_DEXT),
        .hdr_len = hdr_len,
        .mss = htole16(mss),
    };

    memcpy(f->ram + TX_RING + i * 16, &d, 16);
}

static uint8_t txd_status(Fixture *f, int i)
{
    return f->ram[TX_RING + i * 16 + 12];
}

/* A 16-descriptor transmit ring, enabled, with TDT still at 0. */
static void tx_setup(Fixture *f)
{
    wr(f, E1000_TDBAL, TX_RING);
    wr(f, E1000_TDBAH, 0);
    wr(f, E1000_TDLEN, 16 * 16);
    wr(f, E1000_TDH, 0);
    wr(f, E1000_TDT, 0);
    wr(f, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
}

static GByteArray *sent(Fixture *f, unsigned i)
{
    CU_ASSERT_FATAL(i < f->sent->len);
    return g_ptr_array_index(f->sent, i);
}

/* An @n-descriptor receive ring of @bufsize buffers; RDT = @tail. */
static void rx_setup(Fixture *f, int n, uint32_t rctl_size, int tail)
{
    for (int i = 0; i < n; i++) {
        E1000RxDesc d = {.buffer_addr =
                             htole64(RX_BUF + (uint64_t)i * RX_BUF_STRIDE)};

        memcpy(f->ram + RX_RING + i * 16, &d, 16);
    }
    wr(f, E1000_RDBAL, RX_RING);
    wr(f, E1000_RDBAH, 0);
    wr(f, E1000_RDLEN, n * 16);
    wr(f, E1000_RDH, 0);
    wr(f, E1000_RDT, tail);
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | rctl_size);
}

static E1000RxDesc rxd(Fixture *f, int i)
{
    E1000RxDesc d;

    memcpy(&d, f->ram + RX_RING + i * 16, 16);
    return d;
}

static ssize_t rx_frame(Fixture *f, const uint8_t *buf, size_t len)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};

    return e1000_core_receive_iov(&f->core, &iov, 1);
}

static size_t frame_to(uint8_t *p, const uint8_t *dst, size_t len)
{
    memcpy(p, dst, 6);
    memcpy(p + 6, (uint8_t[]){0x02, 0, 0, 0, 0, 1}, 6);
    put16(p + 12, 0x0800);
    for (size_t i = 14; i < len; i++) {
        p[i] = i;
    }
    return len;
}

/* ---- Registers ---- */

static void test_reset_state(void)
{
    Fixture *f = fixture_new();
    uint32_t status = rd(f, E1000_STATUS);

    CU_ASSERT(status & E1000_STATUS_LU);
    CU_ASSERT(status & E1000_STATUS_FD);
    CU_ASSERT(status & E1000_STATUS_SPEED_1000);
    CU_ASSERT_EQUAL(rd(f, E1000_RAL(0)), 0x12005452);
    CU_ASSERT_EQUAL(rd(f, E1000_RAH(0)), 0x5634 | E1000_RAH_AV);
    CU_ASSERT_EQUAL(rd(f, E1000_IMS), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), 0);
    CU_ASSERT_FALSE(f->irq);
    fixture_free(f);
}

static void test_storage_registers(void)
{
    static const uint32_t regs[] = {
        E1000_TIPG,     E1000_RXCSUM, E1000_FCRTL,    E1000_FCRTH,
        E1000_TXDCTL,   E1000_RXDCTL, E1000_WUC,      E1000_MANC,
        E1000_LEDCTL,   E1000_PBA,    E1000_SWSM,     E1000_FCAL,
        E1000_FCAH,     E1000_FCT,    E1000_VET,      E1000_MTA + 0x1fc,
        E1000_VFTA + 4, E1000_RAL(3), E1000_CTRL_EXT,
    };
    Fixture *f = fixture_new();

    for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
        wr(f, regs[i], 0x1234 + i);
        CU_ASSERT_EQUAL(rd(f, regs[i]), 0x1234 + i);
    }
    /* Head/tail registers keep 16 bits, lengths multiples of 128. */
    wr(f, E1000_RDH, 0xabcd1234);
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 0x1234);
    wr(f, E1000_TDLEN, 0x12345);
    CU_ASSERT_EQUAL(rd(f, E1000_TDLEN), 0x12300);
    /* STATUS is read-only; an unknown register reads 0. */
    wr(f, E1000_STATUS, 0);
    CU_ASSERT(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    wr(f, 0x5ff0, 0xffffffff);
    CU_ASSERT_EQUAL(rd(f, 0x5ff0), 0);
    CU_ASSERT_EQUAL(rd(f, 0x12000), 0);
    fixture_free(f);
}

static void test_io_window(void)
{
    Fixture *f = fixture_new();
    uint64_t v;

    memory_region_dispatch_write(&f->io, E1000_IOADDR, E1000_TIPG, 4);
    memory_region_dispatch_write(&f->io, E1000_IODATA, 0x00602008, 4);
    CU_ASSERT_EQUAL(rd(f, E1000_TIPG), 0x00602008);
    memory_region_dispatch_read(&f->io, E1000_IOADDR, &v, 4);
    CU_ASSERT_EQUAL(v, E1000_TIPG);
    memory_region_dispatch_write(&f->io, E1000_IOADDR, E1000_STATUS, 4);
    memory_region_dispatch_read(&f->io, E1000_IODATA, &v, 4);
    CU_ASSERT(v & E1000_STATUS_LU);
    fixture_free(f);
}

static void test_interrupt_causes(void)
{
    Fixture *f = fixture_new();

    /* A masked cause is latched but not signalled. */
    wr(f, E1000_ICS, E1000_ICR_RXT0);
    CU_ASSERT_FALSE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_ICS), E1000_ICR_RXT0); /* no clear */
    wr(f, E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_LSC);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_IMS), E1000_ICR_RXT0 | E1000_ICR_LSC);
    /* IMC masks it again, the cause stays. */
    wr(f, E1000_IMC, E1000_ICR_RXT0);
    CU_ASSERT_FALSE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_IMS), E1000_ICR_LSC);
    wr(f, E1000_IMS, E1000_ICR_RXT0);
    CU_ASSERT_TRUE(f->irq);
    /* ICR clears on read and lowers the line. */
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_RXT0);
    CU_ASSERT_FALSE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), 0);
    /* Writing ICR clears the bits written. */
    wr(f, E1000_ICS, E1000_ICR_RXT0 | E1000_ICR_LSC);
    wr(f, E1000_ICR, E1000_ICR_RXT0);
    CU_ASSERT_EQUAL(rd(f, E1000_ICS), E1000_ICR_LSC);
    CU_ASSERT_TRUE(f->irq);
    rd(f, E1000_ICR);
    CU_ASSERT_FALSE(f->irq);
    fixture_free(f);
}

static void test_itr_throttling(void)
{
    Fixture *f = fixture_new();

    wr(f, E1000_ITR, 1000); /* 256 us between interrupts */
    wr(f, E1000_IMS, E1000_ICR_RXT0);
    wr(f, E1000_ICS, E1000_ICR_RXT0);
    CU_ASSERT_TRUE(f->irq);
    rd(f, E1000_ICR);
    CU_ASSERT_FALSE(f->irq);
    step(f, 100000);
    wr(f, E1000_ICS, E1000_ICR_RXT0);
    CU_ASSERT_FALSE(f->irq); /* too soon */
    step(f, 155000);
    CU_ASSERT_FALSE(f->irq);
    step(f, 1000);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT_EQUAL(f->irq_raises, 2);
    fixture_free(f);
}

static void test_ctrl_reset(void)
{
    Fixture *f = fixture_new();

    wr(f, E1000_IMS, E1000_ICR_LSC);
    wr(f, E1000_RCTL, E1000_RCTL_EN);
    wr(f, E1000_RAL(0), 0);
    wr(f, E1000_ICS, E1000_ICR_LSC);
    CU_ASSERT_TRUE(f->irq);
    wr(f, E1000_CTRL, rd(f, E1000_CTRL) | E1000_CTRL_RST);
    CU_ASSERT_FALSE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_CTRL) & E1000_CTRL_RST, 0);
    CU_ASSERT_EQUAL(rd(f, E1000_IMS), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RCTL), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RAL(0)), 0x12005452);
    CU_ASSERT(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    fixture_free(f);
}

static void test_statistics_clear_on_read(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[100];

    tx_setup(f);
    memset(frame, 0xff, 6); /* broadcast */
    memset(frame + 6, 1, sizeof(frame) - 6);
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    put_txd(f, 0, TX_BUF, sizeof(frame) | E1000_TXD_CMD_EOP, 0);
    wr(f, E1000_TDT, 1);
    CU_ASSERT_EQUAL(f->sent->len, 1);
    CU_ASSERT_EQUAL(rd(f, E1000_GPTC), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_GPTC), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_TPT), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_BPTC), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_PTC127), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_GOTCL), 104);
    CU_ASSERT_EQUAL(rd(f, E1000_GOTCL), 104); /* the low half keeps */
    CU_ASSERT_EQUAL(rd(f, E1000_GOTCH), 0);   /* the high one clears both */
    CU_ASSERT_EQUAL(rd(f, E1000_GOTCL), 0);
    fixture_free(f);
}

/* ---- EEPROM ---- */

static void test_eeprom_image(void)
{
    uint16_t e[E1000_EEPROM_WORDS];
    uint16_t sum = 0;

    e1000_eeprom_init(e, &e1000_model_82540em, our_mac);
    for (int i = 0; i < E1000_EEPROM_WORDS; i++) {
        sum += e[i];
    }
    CU_ASSERT_EQUAL(sum, E1000_EEPROM_SUM);
    CU_ASSERT_EQUAL(e[0], 0x5452);
    CU_ASSERT_EQUAL(e[1], 0x1200);
    CU_ASSERT_EQUAL(e[2], 0x5634);
    CU_ASSERT_EQUAL(e[0x0d], E1000_DEV_ID_82540EM);
    CU_ASSERT_EQUAL(e[0x0e], E1000_VENDOR_ID);
}

static void test_eerd(void)
{
    Fixture *f = fixture_new();
    uint16_t words[3];

    for (int i = 0; i < 3; i++) {
        uint32_t v;

        wr(f, E1000_EERD, i << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
        v = rd(f, E1000_EERD);
        CU_ASSERT(v & E1000_EERD_DONE);
        words[i] = v >> E1000_EERD_DATA_SHIFT;
    }
    CU_ASSERT_EQUAL(memcmp(words, our_mac, 6), 0);
    fixture_free(f);
}

/* The Linux driver's Microwire helpers, over EECD. */
static void ee_clock(Fixture *f, uint32_t *eecd, bool high)
{
    *eecd = high ? *eecd | E1000_EECD_SK : *eecd & ~E1000_EECD_SK;
    wr(f, E1000_EECD, *eecd);
}

static void ee_shift_out(Fixture *f, uint32_t *eecd, uint16_t data, int count)
{
    for (int bit = count - 1; bit >= 0; bit--) {
        *eecd &= ~E1000_EECD_DI;
        if (data & (1 << bit)) {
            *eecd |= E1000_EECD_DI;
        }
        wr(f, E1000_EECD, *eecd);
        ee_clock(f, eecd, true);
        ee_clock(f, eecd, false);
    }
    *eecd &= ~E1000_EECD_DI;
    wr(f, E1000_EECD, *eecd);
}

static uint16_t ee_shift_in(Fixture *f, uint32_t *eecd)
{
    uint16_t data = 0;

    for (int i = 0; i < 16; i++) {
        data <<= 1;
        ee_clock(f, eecd, true);
        if (rd(f, E1000_EECD) & E1000_EECD_DO) {
            data |= 1;
        }
        ee_clock(f, eecd, false);
    }
    return data;
}

static uint16_t ee_read_word(Fixture *f, unsigned addr)
{
    uint32_t eecd = rd(f, E1000_EECD) & ~(E1000_EECD_SK | E1000_EECD_DI);
    uint16_t v;

    eecd |= E1000_EECD_CS;
    wr(f, E1000_EECD, eecd);
    ee_shift_out(f, &eecd, E1000_EEPROM_READ_OPCODE, 3);
    ee_shift_out(f, &eecd, addr, E1000_EEPROM_ADDR_BITS);
    v = ee_shift_in(f, &eecd);
    /* standby: CS low, then high again for the next command */
    eecd &= ~(E1000_EECD_CS | E1000_EECD_SK);
    wr(f, E1000_EECD, eecd);
    return v;
}

static void test_eecd_bitbang(void)
{
    Fixture *f = fixture_new();
    uint16_t sum = 0;
    uint32_t eecd;

    /* Request the EEPROM; it is present, 64 words, and granted. */
    wr(f, E1000_EECD, E1000_EECD_REQ);
    eecd = rd(f, E1000_EECD);
    CU_ASSERT(eecd & E1000_EECD_GNT);
    CU_ASSERT(eecd & E1000_EECD_PRES);
    CU_ASSERT_FALSE(eecd & E1000_EECD_SIZE);
    for (unsigned i = 0; i < E1000_EEPROM_WORDS; i++) {
        uint16_t w = ee_read_word(f, i);

        CU_ASSERT_EQUAL(w, f->core.eeprom[i]);
        sum += w;
    }
    CU_ASSERT_EQUAL(sum, E1000_EEPROM_SUM);
    CU_ASSERT_EQUAL(ee_read_word(f, 1), 0x1200);
    fixture_free(f);
}

/* ---- PHY ---- */

static uint32_t mdic(Fixture *f, uint32_t op, unsigned phy, unsigned reg,
                     uint16_t data)
{
    uint32_t v;

    wr(f, E1000_MDIC,
       op | phy << E1000_MDIC_PHY_SHIFT | reg << E1000_MDIC_REG_SHIFT | data);
    v = rd(f, E1000_MDIC);
    CU_ASSERT(v & E1000_MDIC_READY);
    return v;
}

static void test_mdic(void)
{
    Fixture *f = fixture_new();

    CU_ASSERT_EQUAL(mdic(f, E1000_MDIC_OP_READ, 1, MII_PHYID1, 0) & 0xffff,
                    E1000_PHY_ID1);
    CU_ASSERT_EQUAL(mdic(f, E1000_MDIC_OP_READ, 1, MII_PHYID2, 0) & 0xffff,
                    E1000_PHY_ID2);
    CU_ASSERT(mdic(f, E1000_MDIC_OP_READ, 1, MII_BMSR, 0) & MII_BMSR_LINK_ST);
    mdic(f, E1000_MDIC_OP_WRITE, 1, MII_ANAR, 0x01e1);
    CU_ASSERT_EQUAL(mdic(f, E1000_MDIC_OP_READ, 1, MII_ANAR, 0) & 0xffff,
                    0x01e1);
    mdic(f, E1000_MDIC_OP_WRITE, 1, MII_PHYID1, 0);
    CU_ASSERT_EQUAL(mdic(f, E1000_MDIC_OP_READ, 1, MII_PHYID1, 0) & 0xffff,
                    E1000_PHY_ID1);
    CU_ASSERT(mdic(f, E1000_MDIC_OP_READ, 2, MII_PHYID1, 0) & E1000_MDIC_ERROR);
    /* INT_EN raises MDAC when the access completes. */
    wr(f, E1000_IMS, E1000_ICR_MDAC);
    mdic(f, E1000_MDIC_OP_READ | E1000_MDIC_INT_EN, 1, MII_BMCR, 0);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_MDAC);
    fixture_free(f);
}

static void test_autonegotiation(void)
{
    Fixture *f = fixture_new();
    uint16_t bmsr;

    wr(f, E1000_IMS, E1000_ICR_LSC);
    mdic(f, E1000_MDIC_OP_WRITE, 1, MII_BMCR,
         MII_BMCR_AUTOEN | MII_BMCR_ANRESTART);
    CU_ASSERT_FALSE(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    bmsr = mdic(f, E1000_MDIC_OP_READ, 1, MII_BMSR, 0);
    CU_ASSERT_FALSE(bmsr & (MII_BMSR_LINK_ST | MII_BMSR_AN_COMP));
    /* ANRESTART clears itself. */
    CU_ASSERT_FALSE(mdic(f, E1000_MDIC_OP_READ, 1, MII_BMCR, 0) &
                    MII_BMCR_ANRESTART);
    step(f, E1000_AUTONEG_NS - 1000);
    CU_ASSERT_FALSE(f->irq);
    step(f, 1000);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    bmsr = mdic(f, E1000_MDIC_OP_READ, 1, MII_BMSR, 0);
    CU_ASSERT(bmsr & MII_BMSR_LINK_ST);
    CU_ASSERT(bmsr & MII_BMSR_AN_COMP);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_LSC);
    CU_ASSERT(f->rx_ready > 0);
    fixture_free(f);
}

static void test_link_down_up(void)
{
    Fixture *f = fixture_new();

    wr(f, E1000_IMS, E1000_ICR_LSC);
    e1000_core_set_link(&f->core, false);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT_FALSE(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_LSC);
    CU_ASSERT_FALSE(e1000_core_can_receive(&f->core));
    e1000_core_set_link(&f->core, true);
    CU_ASSERT_FALSE(rd(f, E1000_STATUS) & E1000_STATUS_LU); /* negotiating */
    step(f, E1000_AUTONEG_NS);
    CU_ASSERT(rd(f, E1000_STATUS) & E1000_STATUS_LU);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_LSC);
    fixture_free(f);
}

/* ---- Transmit ---- */

static void test_tx_legacy(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[80];

    frame_to(frame, (uint8_t[]){0x52, 0x54, 0, 0xaa, 0xbb, 0xcc},
             sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    tx_setup(f);
    wr(f, E1000_IMS, E1000_ICR_TXDW);
    put_txd(f, 0, TX_BUF,
            sizeof(frame) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS |
                E1000_TXD_CMD_RS,
            0);
    wr(f, E1000_TDT, 1);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    CU_ASSERT_EQUAL(sent(f, 0)->len, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(sent(f, 0)->data, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(txd_status(f, 0), E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 1);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT_EQUAL(rd(f, E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
    fixture_free(f);
}

static void test_tx_multi_descriptor_and_batch(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[300], small[20];

    frame_to(frame, (uint8_t[]){0x52, 0x54, 0, 0xaa, 0xbb, 0xcc},
             sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, 100);
    memcpy(f->ram + TX_BUF + 0x1000, frame + 100, 150);
    memcpy(f->ram + TX_BUF + 0x2000, frame + 250, 50);
    frame_to(small, (uint8_t[]){0x52, 0x54, 0, 0xaa, 0xbb, 0xcc},
             sizeof(small));
    memcpy(f->ram + TX_BUF + 0x3000, small, sizeof(small));
    tx_setup(f);
    put_txd(f, 0, TX_BUF, 100, 0);
    put_txd(f, 1, TX_BUF + 0x1000, 150, 0);
    put_txd(f, 2, TX_BUF + 0x2000, 50 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
            0);
    put_txd(f, 3, TX_BUF + 0x3000,
            sizeof(small) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    wr(f, E1000_TDT, 4); /* one tail write, both packets */
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 2);
    CU_ASSERT_EQUAL(sent(f, 0)->len, sizeof(frame));
    CU_ASSERT_EQUAL(memcmp(sent(f, 0)->data, frame, sizeof(frame)), 0);
    /* PSP pads the short one to 60 bytes with zeros. */
    CU_ASSERT_EQUAL(sent(f, 1)->len, 60);
    CU_ASSERT_EQUAL(memcmp(sent(f, 1)->data, small, sizeof(small)), 0);
    CU_ASSERT_EQUAL(sent(f, 1)->data[59], 0);
    CU_ASSERT_EQUAL(txd_status(f, 0), 0);
    CU_ASSERT_EQUAL(txd_status(f, 2), E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(txd_status(f, 3), E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 4);
    fixture_free(f);
}

static void test_tx_ring_wraps(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    tx_setup(f);
    wr(f, E1000_TDH, 14);
    wr(f, E1000_TDT, 14);
    for (int i = 14; i < 18; i++) {
        put_txd(f, i % 16, TX_BUF, sizeof(frame) | E1000_TXD_CMD_EOP, 0);
    }
    wr(f, E1000_TDT, 2);
    CU_ASSERT_EQUAL(f->sent->len, 4);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 2);
    fixture_free(f);
}

static void test_tx_checksum_offload(void)
{
    Fixture *f = fixture_new();
    uint8_t pkt[54 + 333];
    size_t len = build_tcp4(pkt, 333, 7, 1000, 0x18, false);
    GByteArray *out;

    memcpy(f->ram + TX_BUF, pkt, len);
    tx_setup(f);
    /* IP checksum over 14..33 into 24; TCP from 34 to the end into 50. */
    put_ctx(f, 0, 14, 24, 33, 34, 50, 0, E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP,
            0, 0);
    put_txd(f, 1, TX_BUF,
            len | E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_EOP,
            (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                << E1000_TXD_POPTS_SHIFT);
    wr(f, E1000_TDT, 2);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    out = sent(f, 0);
    CU_ASSERT_EQUAL(out->len, len);
    CU_ASSERT_TRUE(ip_csum_ok(out->data + 14));
    CU_ASSERT_TRUE(l4_csum_ok_v4(out->data + 14, len - 14, 6));
    CU_ASSERT_EQUAL(memcmp(out->data + 54, pkt + 54, 333), 0);
    fixture_free(f);
}

static void test_tx_checksum_ipv6_udp(void)
{
    Fixture *f = fixture_new();
    uint8_t pkt[14 + 40 + 8 + 101];
    size_t plen = 8 + 101;
    uint32_t sum;
    GByteArray *out;

    memset(pkt, 0, sizeof(pkt));
    memcpy(pkt, (uint8_t[]){0x33, 0x33, 0, 0, 0, 1}, 6);
    memcpy(pkt + 6, our_mac, 6);
    put16(pkt + 12, 0x86dd);
    pkt[14] = 0x60;
    put16(pkt + 18, plen);
    pkt[20] = 17;
    pkt[21] = 64;
    for (int i = 0; i < 32; i++) {
        pkt[22 + i] = 0x20 + i; /* source and destination */
    }
    put16(pkt + 54, 5353);
    put16(pkt + 56, 5353);
    put16(pkt + 58, plen);
    for (size_t i = 0; i < 101; i++) {
        pkt[62 + i] = 0xa0 ^ i;
    }
    /* Seed: the pseudo-header with its length, as the stack leaves it. */
    sum = ref_sum(0, pkt + 22, 32) + 17 + plen;
    put16(pkt + 60, ref_fold(sum));
    memcpy(f->ram + TX_BUF, pkt, sizeof(pkt));
    tx_setup(f);
    put_ctx(f, 0, 14, 0, 0, 54, 60, 0, 0, 0, 0);
    put_txd(f, 1, TX_BUF,
            sizeof(pkt) | E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D |
                E1000_TXD_CMD_EOP,
            E1000_TXD_POPTS_TXSM << E1000_TXD_POPTS_SHIFT);
    wr(f, E1000_TDT, 2);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    out = sent(f, 0);
    sum = ref_sum(0, out->data + 22, 32) + 17 + plen;
    sum = ref_sum(sum, out->data + 54, plen);
    CU_ASSERT_EQUAL(ref_fold(sum), 0xffff);
    CU_ASSERT_NOT_EQUAL(be16(out->data + 60), 0);
    fixture_free(f);
}

static void test_tso(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2500];
    size_t len = build_tcp4(pkt, 2500, 0x1234, 0x10000000, 0x19, true);
    uint32_t popts = (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                     << E1000_TXD_POPTS_SHIFT;
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;
    static const size_t seg_payload[] = {1000, 1000, 500};

    memcpy(f->ram + TX_BUF, pkt, 754);
    memcpy(f->ram + TX_BUF + 0x2000, pkt + 754, len - 754);
    tx_setup(f);
    put_ctx(f, 0, 14, 24, 33, 34, 50, 0,
            E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE | 2500, 54,
            1000);
    put_txd(f, 1, TX_BUF, 754 | dcmd, popts);
    put_txd(f, 2, TX_BUF + 0x2000,
            (len - 754) | dcmd | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, popts);
    wr(f, E1000_TDT, 3);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 3);
    for (int i = 0; i < 3; i++) {
        GByteArray *out = sent(f, i);
        uint8_t *ip = out->data + 14, *tcp = out->data + 34;

        CU_ASSERT_EQUAL(out->len, 54 + seg_payload[i]);
        CU_ASSERT_EQUAL(be16(ip + 2), 40 + seg_payload[i]);
        CU_ASSERT_EQUAL(be16(ip + 4), 0x1234 + i);
        CU_ASSERT_TRUE(ip_csum_ok(ip));
        CU_ASSERT_EQUAL(be32(tcp + 4), 0x10000000 + 1000 * i);
        CU_ASSERT_EQUAL(tcp[13], i == 2 ? 0x19 : 0x10);
        CU_ASSERT_TRUE(l4_csum_ok_v4(ip, out->len - 14, 6));
        CU_ASSERT_EQUAL(
            memcmp(out->data + 54, pkt + 54 + 1000 * i, seg_payload[i]), 0);
    }
    CU_ASSERT_EQUAL(txd_status(f, 2), E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(rd(f, E1000_TSCTC), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_GPTC), 3);
    fixture_free(f);
}

static void test_tso_exact_multiple(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2000];
    size_t len = build_tcp4(pkt, 2000, 1, 5, 0x18, true);
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;

    memcpy(f->ram + TX_BUF, pkt, len);
    tx_setup(f);
    put_ctx(f, 0, 14, 24, 33, 34, 50, 0,
            E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE | 2000, 54,
            1000);
    put_txd(f, 1, TX_BUF, len | dcmd | E1000_TXD_CMD_EOP,
            (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                << E1000_TXD_POPTS_SHIFT);
    wr(f, E1000_TDT, 2);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 2);
    CU_ASSERT_EQUAL(sent(f, 0)->data[34 + 13], 0x10);
    CU_ASSERT_EQUAL(sent(f, 1)->data[34 + 13], 0x18);
    CU_ASSERT_TRUE(l4_csum_ok_v4(sent(f, 1)->data + 14, 1040, 6));
    fixture_free(f);
}

/*
 * A TSO context descriptor in the middle of a segmented packet shrinks
 * HDRLEN + MSS below what was gathered: the packet is dropped and its
 * later data descriptors are not read (they once overflowed the buffer),
 * and the next packet goes out under the new context.
 */
static void test_tso_context_mid_packet(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2000];
    size_t len = build_tcp4(pkt, 2000, 1, 5, 0x18, true);
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;
    uint32_t cmd = E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE;
    uint32_t popts = (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                     << E1000_TXD_POPTS_SHIFT;

    memcpy(f->ram + TX_BUF, pkt, len);
    memset(f->ram + TX_BUF + 0x1000, 0xa5, 0x20000);
    tx_setup(f);
    put_ctx(f, 0, 14, 24, 33, 34, 50, 0, cmd | 2000, 54, 1000);
    put_txd(f, 1, TX_BUF, 1040 | dcmd | E1000_TXD_CMD_RS, popts);
    put_ctx(f, 2, 14, 24, 33, 34, 50, 0, cmd | 2000, 0, 1);
    put_txd(f, 3, TX_BUF + 0x1000,
            0x20000 | dcmd | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, popts);
    wr(f, E1000_TDT, 4);
    CU_ASSERT_EQUAL(f->sent->len, 0);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 4);
    CU_ASSERT_EQUAL(txd_status(f, 3), E1000_TXD_STAT_DD);

    /* The next packet, with a sane context again, is segmented. */
    put_ctx(f, 4, 14, 24, 33, 34, 50, 0, cmd | 2000, 54, 1000);
    put_txd(f, 5, TX_BUF, len | dcmd | E1000_TXD_CMD_EOP, popts);
    wr(f, E1000_TDT, 6);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 2);
    CU_ASSERT_EQUAL(sent(f, 1)->len, 54 + 1000);
    CU_ASSERT_TRUE(l4_csum_ok_v4(sent(f, 1)->data + 14, 1040, 6));
    fixture_free(f);
}

/* TSO header fields past HDRLEN: the packet is dropped, not patched. */
static void test_tso_offsets_past_header(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2000];
    size_t len = build_tcp4(pkt, 2000, 1, 5, 0x18, true);
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;
    uint32_t cmd = E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE;

    memcpy(f->ram + TX_BUF, pkt, len);
    tx_setup(f);
    /* IPCSS 250 and TUCSS 252 in a 254-byte header, MSS 1000. */
    put_ctx(f, 0, 250, 255, 0, 252, 255, 0, cmd | 2000, 254, 1000);
    put_txd(f, 1, TX_BUF, len | dcmd | E1000_TXD_CMD_EOP,
            E1000_TXD_POPTS_TXSM << E1000_TXD_POPTS_SHIFT);
    wr(f, E1000_TDT, 2);
    CU_ASSERT_EQUAL(f->sent->len, 0);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 2);
    fixture_free(f);
}

static void test_tx_vlan_insert(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[70];
    GByteArray *out;

    frame_to(frame, (uint8_t[]){0x52, 0x54, 0, 0xaa, 0xbb, 0xcc},
             sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    tx_setup(f);
    wr(f, E1000_CTRL, rd(f, E1000_CTRL) | E1000_CTRL_VME);
    wr(f, E1000_VET, 0); /* as Linux leaves it on this part */
    put_txd(f, 0, TX_BUF, sizeof(frame) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_VLE,
            0x2005u << E1000_TXD_SPECIAL_SHIFT);
    wr(f, E1000_TDT, 1);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    out = sent(f, 0);
    CU_ASSERT_EQUAL(out->len, sizeof(frame) + 4);
    CU_ASSERT_EQUAL(memcmp(out->data, frame, 12), 0);
    CU_ASSERT_EQUAL(be16(out->data + 12), 0x8100);
    CU_ASSERT_EQUAL(be16(out->data + 14), 0x2005);
    CU_ASSERT_EQUAL(memcmp(out->data + 16, frame + 12, sizeof(frame) - 12), 0);
    fixture_free(f);
}

static void test_tx_delay(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    tx_setup(f);
    wr(f, E1000_IMS, E1000_ICR_TXDW);
    wr(f, E1000_TIDV, 8);
    put_txd(f, 0, TX_BUF,
            sizeof(frame) | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS |
                E1000_TXD_CMD_IDE,
            0);
    wr(f, E1000_TDT, 1);
    CU_ASSERT_EQUAL(f->sent->len, 1);
    CU_ASSERT_FALSE(f->irq);
    step(f, 8 * 1024 - 1);
    CU_ASSERT_FALSE(f->irq);
    step(f, 1);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT(rd(f, E1000_ICR) & E1000_ICR_TXDW);
    fixture_free(f);
}

static void test_tx_outside_ram(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    tx_setup(f);
    /* A buffer outside RAM: dropped, completed, the next one goes out. */
    put_txd(f, 0, OUTSIDE_RAM, 64 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    put_txd(f, 1, RAM_SIZE - 10, 64 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    put_txd(f, 2, TX_BUF, 64 | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0);
    wr(f, E1000_TDT, 3);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    CU_ASSERT_EQUAL(memcmp(sent(f, 0)->data, frame, 64), 0);
    CU_ASSERT_EQUAL(txd_status(f, 0), E1000_TXD_STAT_DD);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 3);
    /* A ring outside RAM: nothing happens, the device lives on. */
    wr(f, E1000_TDBAL, 0xfff00000);
    wr(f, E1000_TDBAH, 0x10);
    wr(f, E1000_TDT, 4);
    CU_ASSERT_EQUAL(f->sent->len, 1);
    CU_ASSERT_EQUAL(rd(f, E1000_TDH), 3);
    fixture_free(f);
}

/* TSO packet of @payload bytes (MSS 1000) from one data descriptor. */
static size_t tso_submit(Fixture *f, uint8_t *pkt, size_t payload)
{
    size_t len = build_tcp4(pkt, payload, 0x1234, 0x10000000, 0x19, true);
    uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | E1000_TXD_CMD_TSE;

    memcpy(f->ram + TX_BUF, pkt, len);
    tx_setup(f);
    put_ctx(f, 0, 14, 24, 33, 34, 50, 0,
            E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE | payload,
            54, 1000);
    put_txd(f, 1, TX_BUF, len | dcmd | E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS,
            (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                << E1000_TXD_POPTS_SHIFT);
    wr(f, E1000_TDT, 2);
    return len;
}

static E1000TxOffload offload(Fixture *f, unsigned i)
{
    CU_ASSERT_FATAL(i < f->offloads->len);
    return g_array_index(f->offloads, E1000TxOffload, i);
}

static void test_tso_host_gso(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2500];
    size_t len;
    GByteArray *out;
    E1000TxOffload off;
    uint8_t *ip, *tcp;

    f->core.host_gso = true;
    len = tso_submit(f, pkt, 2500);
    /* One frame for the backend to cut, not three. */
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    out = sent(f, 0);
    off = offload(f, 0);
    CU_ASSERT_EQUAL(out->len, len);
    CU_ASSERT_TRUE(off.gso);
    CU_ASSERT_FALSE(off.ipv6);
    CU_ASSERT_FALSE(off.ecn);
    CU_ASSERT_EQUAL(off.hdr_len, 54);
    CU_ASSERT_EQUAL(off.gso_size, 1000);
    CU_ASSERT_EQUAL(off.csum_start, 34);
    CU_ASSERT_EQUAL(off.csum_offset, 16);
    ip = out->data + 14;
    tcp = out->data + 34;
    /* Whole-packet IP length and checksum; the first segment's TCP. */
    CU_ASSERT_EQUAL(be16(ip + 2), 40 + 2500);
    CU_ASSERT_EQUAL(be16(ip + 4), 0x1234);
    CU_ASSERT_TRUE(ip_csum_ok(ip));
    CU_ASSERT_EQUAL(be32(tcp + 4), 0x10000000);
    CU_ASSERT_EQUAL(tcp[13], 0x19);
    /* The seed is the pseudo-header sum over the whole TCP length. */
    CU_ASSERT_EQUAL(be16(tcp + 16),
                    ref_fold(ref_sum(0, ip + 12, 8) + 6 + 20 + 2500));
    CU_ASSERT_EQUAL(memcmp(out->data + 54, pkt + 54, 2500), 0);
    /* Counted as the three frames the wire will carry. */
    CU_ASSERT_EQUAL(rd(f, E1000_GPTC), 3);
    CU_ASSERT_EQUAL(rd(f, E1000_GOTCL), 3 * 58 + 2500);
    CU_ASSERT_EQUAL(rd(f, E1000_TSCTC), 1);
    CU_ASSERT_EQUAL(txd_status(f, 1), E1000_TXD_STAT_DD);
    fixture_free(f);
}

static void test_tso_host_gso_vlan_and_small(void)
{
    Fixture *f = fixture_new();
    static uint8_t pkt[54 + 2500];
    E1000TxOffload off;

    f->core.host_gso = true;
    wr(f, E1000_CTRL, rd(f, E1000_CTRL) | E1000_CTRL_VME);
    tx_setup(f);
    {
        size_t len = build_tcp4(pkt, 2500, 1, 2, 0x10, true);
        uint32_t dcmd = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D |
                        E1000_TXD_CMD_TSE | E1000_TXD_CMD_VLE;

        memcpy(f->ram + TX_BUF, pkt, len);
        put_ctx(f, 0, 14, 24, 33, 34, 50, 0,
                E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP | E1000_TXD_CMD_TSE | 2500,
                54, 1000);
        put_txd(f, 1, TX_BUF, len | dcmd | E1000_TXD_CMD_EOP,
                (E1000_TXD_POPTS_IXSM | E1000_TXD_POPTS_TXSM)
                        << E1000_TXD_POPTS_SHIFT |
                    7u << E1000_TXD_SPECIAL_SHIFT);
        wr(f, E1000_TDT, 2);
    }
    /* The tag moves the headers by four bytes. */
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    off = offload(f, 0);
    CU_ASSERT_EQUAL(off.hdr_len, 58);
    CU_ASSERT_EQUAL(off.csum_start, 38);
    CU_ASSERT_EQUAL(be16(sent(f, 0)->data + 12), 0x8100);
    CU_ASSERT_EQUAL(be16(sent(f, 0)->data + 14), 7);
    fixture_free(f);

    /* Less than one MSS: a checksum offload only. */
    f = fixture_new();
    f->core.host_gso = true;
    tso_submit(f, pkt, 300);
    CU_ASSERT_EQUAL_FATAL(f->sent->len, 1);
    off = offload(f, 0);
    CU_ASSERT_FALSE(off.gso);
    CU_ASSERT_EQUAL(off.csum_start, 34);
    CU_ASSERT_EQUAL(off.csum_offset, 16);
    CU_ASSERT_EQUAL(be16(sent(f, 0)->data + 16), 340);
    fixture_free(f);

    /* In loopback the device segments itself. */
    f = fixture_new();
    f->core.host_gso = true;
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    wr(f, E1000_RCTL, rd(f, E1000_RCTL) | E1000_RCTL_LBM_MAC | E1000_RCTL_UPE);
    tso_submit(f, pkt, 2500);
    CU_ASSERT_EQUAL(f->sent->len, 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 3);
    CU_ASSERT_TRUE(l4_csum_ok_v4(f->ram + RX_BUF + 14, 1040, 6));
    fixture_free(f);
}

/* ---- Receive ---- */

static void test_rx_basic(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[100];
    E1000RxDesc d;

    frame_to(frame, our_mac, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    wr(f, E1000_IMS, E1000_ICR_RXT0);
    CU_ASSERT_TRUE(e1000_core_can_receive(&f->core));
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    d = rxd(f, 0);
    CU_ASSERT_EQUAL(le16toh(d.length), sizeof(frame) + 4);
    CU_ASSERT_EQUAL(d.status & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP),
                    E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP);
    CU_ASSERT_EQUAL(d.errors, 0);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 1);
    CU_ASSERT_TRUE(f->irq);
    CU_ASSERT(rd(f, E1000_ICR) & E1000_ICR_RXT0);
    CU_ASSERT_EQUAL(rd(f, E1000_GPRC), 1);
    CU_ASSERT_EQUAL(rd(f, E1000_GORCL), 104);
    fixture_free(f);
}

static void test_rx_short_frame_padded(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[42];
    uint8_t zeros[18] = {0};

    frame_to(frame, our_mac, sizeof(frame));
    memset(f->ram + RX_BUF, 0xee, 128);
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    CU_ASSERT_EQUAL(le16toh(rxd(f, 0).length), 64);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF + 42, zeros, 18), 0);
    fixture_free(f);
}

static void test_rx_multi_descriptor(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[600];
    struct iovec iov[3];

    frame_to(frame, our_mac, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_256, 7);
    /* scattered as a backend may hand it, split inside the header */
    iov[0] = (struct iovec){frame, 10};
    iov[1] = (struct iovec){frame + 10, 300};
    iov[2] = (struct iovec){frame + 310, 290};
    CU_ASSERT_EQUAL(e1000_core_receive_iov(&f->core, iov, 3), 600);
    for (int i = 0; i < 3; i++) {
        E1000RxDesc d = rxd(f, i);
        size_t want = i < 2 ? 256 : 604 - 512;

        CU_ASSERT_EQUAL(le16toh(d.length), want);
        CU_ASSERT_EQUAL(!!(d.status & E1000_RXD_STAT_EOP), i == 2);
        CU_ASSERT(d.status & E1000_RXD_STAT_DD);
        CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF + i * RX_BUF_STRIDE,
                               frame + 256 * i, MIN(want, 600 - 256 * i)),
                        0);
    }
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 3);
    fixture_free(f);
}

static void test_rx_buffer_sizes(void)
{
    static const struct {
        uint32_t rctl;
        size_t size;
    } cases[] = {
        {E1000_RCTL_SZ_2048, 2048},
        {E1000_RCTL_SZ_1024, 1024},
        {E1000_RCTL_SZ_512, 512},
        {E1000_RCTL_SZ_256, 256},
        {E1000_RCTL_BSEX | E1000_RCTL_SZ_4096, 4096},
        {E1000_RCTL_BSEX | E1000_RCTL_SZ_8192, 8192},
        {E1000_RCTL_BSEX | E1000_RCTL_SZ_16384, 16384},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        Fixture *f = fixture_new();

        rx_setup(f, 8, cases[i].rctl | E1000_RCTL_LPE, 7);
        CU_ASSERT_EQUAL(f->core.rx_bufsize, cases[i].size);
        fixture_free(f);
    }
}

static bool accepts(Fixture *f, const uint8_t *dst)
{
    uint8_t frame[64];

    frame_to(frame, dst, sizeof(frame));
    return e1000_rx_filter(&f->core, frame, sizeof(frame));
}

static void test_rx_filter(void)
{
    Fixture *f = fixture_new();
    static const uint8_t other[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x57};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb};
    uint8_t vlan[64];

    wr(f, E1000_RCTL, E1000_RCTL_EN);
    CU_ASSERT_TRUE(accepts(f, our_mac));
    CU_ASSERT_FALSE(accepts(f, other));
    CU_ASSERT_FALSE(accepts(f, bcast));
    CU_ASSERT_FALSE(accepts(f, mcast));
    /* broadcast, promiscuous */
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM);
    CU_ASSERT_TRUE(accepts(f, bcast));
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_UPE);
    CU_ASSERT_TRUE(accepts(f, other));
    CU_ASSERT_FALSE(accepts(f, mcast));
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_MPE);
    CU_ASSERT_TRUE(accepts(f, mcast));
    CU_ASSERT_FALSE(accepts(f, other));
    /* a second receive address, valid only with AV */
    wr(f, E1000_RCTL, E1000_RCTL_EN);
    wr(f, E1000_RAL(5), 0x12005452);
    wr(f, E1000_RAH(5), 0x5734);
    CU_ASSERT_FALSE(accepts(f, other));
    wr(f, E1000_RAH(5), 0x5734 | E1000_RAH_AV);
    CU_ASSERT_TRUE(accepts(f, other));
    /* the multicast table, under each MO offset */
    for (unsigned mo = 0; mo < 4; mo++) {
        static const unsigned shift[] = {4, 3, 2, 0};
        unsigned hash = ((mcast[4] | mcast[5] << 8) >> shift[mo]) & 0xfff;

        for (int i = 0; i < E1000_MTA_WORDS; i++) {
            wr(f, E1000_MTA + 4 * i, 0);
        }
        wr(f, E1000_RCTL, E1000_RCTL_EN | mo << E1000_RCTL_MO_SHIFT);
        CU_ASSERT_FALSE(accepts(f, mcast));
        wr(f, E1000_MTA + 4 * (hash >> 5), 1u << (hash & 31));
        CU_ASSERT_TRUE(accepts(f, mcast));
    }
    /* VLAN filtering: VID 100 passes only when its VFTA bit is set */
    frame_to(vlan, our_mac, sizeof(vlan));
    put16(vlan + 12, 0x8100);
    put16(vlan + 14, 100);
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_VFE);
    CU_ASSERT_FALSE(e1000_rx_filter(&f->core, vlan, sizeof(vlan)));
    wr(f, E1000_VFTA + 4 * (100 >> 5), 1u << (100 & 31));
    CU_ASSERT_TRUE(e1000_rx_filter(&f->core, vlan, sizeof(vlan)));
    fixture_free(f);
}

static void test_rx_filtered_frame_not_stored(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, (uint8_t[]){0x02, 9, 9, 9, 9, 9}, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_GPRC), 0);
    fixture_free(f);
}

static void test_rx_vlan_strip(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[100], want[96];
    E1000RxDesc d;

    frame_to(frame, our_mac, sizeof(frame));
    put16(frame + 12, 0x8100);
    put16(frame + 14, 0x6064);
    memcpy(want, frame, 12);
    memcpy(want + 12, frame + 16, sizeof(frame) - 16);
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    wr(f, E1000_CTRL, rd(f, E1000_CTRL) | E1000_CTRL_VME);
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    d = rxd(f, 0);
    CU_ASSERT_EQUAL(le16toh(d.length), 96 + 4);
    CU_ASSERT(d.status & E1000_RXD_STAT_VP);
    CU_ASSERT_EQUAL(le16toh(d.special), 0x6064);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF, want, sizeof(want)), 0);
    fixture_free(f);
}

static void test_rx_ring_full(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[600];

    frame_to(frame, our_mac, sizeof(frame));
    /* No descriptor handed over: the net layer must hold frames. */
    rx_setup(f, 8, E1000_RCTL_SZ_256, 0);
    CU_ASSERT_FALSE(e1000_core_can_receive(&f->core));
    /* Two descriptors for a three-descriptor frame: held, not dropped. */
    f->rx_ready = 0;
    wr(f, E1000_RDT, 2);
    CU_ASSERT_EQUAL(f->rx_ready, 1);
    CU_ASSERT_TRUE(e1000_core_can_receive(&f->core));
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 0);
    wr(f, E1000_RDT, 3);
    CU_ASSERT_EQUAL(f->rx_ready, 2);
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 3);
    CU_ASSERT_FALSE(e1000_core_can_receive(&f->core));
    /* A frame bigger than the whole ring can hold is dropped (RXO). */
    wr(f, E1000_IMS, E1000_ICR_RXO);
    wr(f, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_LPE | E1000_RCTL_SZ_256);
    {
        static uint8_t big[2100];

        frame_to(big, our_mac, sizeof(big));
        CU_ASSERT_EQUAL(rx_frame(f, big, sizeof(big)), -1);
    }
    CU_ASSERT(rd(f, E1000_ICR) & E1000_ICR_RXO);
    fixture_free(f);
}

static void test_rx_delay_timers(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    rx_setup(f, 16, E1000_RCTL_SZ_2048, 15);
    wr(f, E1000_IMS, E1000_ICR_RXT0);
    wr(f, E1000_RDTR, 10);
    wr(f, E1000_RADV, 25);
    /* Each packet restarts RDTR; RADV caps the wait from the first. */
    for (int i = 0; i < 4; i++) {
        rx_frame(f, frame, sizeof(frame));
        CU_ASSERT_FALSE(f->irq);
        step(f, 8 * 1024);
    }
    CU_ASSERT_TRUE(f->irq); /* 25 * 1024 ns after the first */
    CU_ASSERT(rd(f, E1000_ICR) & E1000_ICR_RXT0);
    /* RDTR alone, then FPD flushes it early. */
    rx_frame(f, frame, sizeof(frame));
    step(f, 1024);
    CU_ASSERT_FALSE(f->irq);
    wr(f, E1000_RDTR, 10 | E1000_RDTR_FPD);
    CU_ASSERT_TRUE(f->irq);
    fixture_free(f);
}

static void test_rx_descriptor_threshold(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7); /* 7 free; RDMTS 1/2 = 4 */
    wr(f, E1000_IMS, E1000_ICR_RXDMT0);
    for (int i = 0; i < 2; i++) {
        rx_frame(f, frame, sizeof(frame));
    }
    CU_ASSERT_FALSE(f->irq); /* 5 free */
    rx_frame(f, frame, sizeof(frame));
    CU_ASSERT_TRUE(f->irq); /* 4 free */
    CU_ASSERT(rd(f, E1000_ICR) & E1000_ICR_RXDMT0);
    fixture_free(f);
}

static void test_rx_outside_ram(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];
    E1000RxDesc d = {.buffer_addr = htole64(OUTSIDE_RAM)};

    frame_to(frame, our_mac, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    memcpy(f->ram + RX_RING, &d, 16);
    /* The buffer is not RAM: the descriptor completes with an error. */
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    d = rxd(f, 0);
    CU_ASSERT(d.status & E1000_RXD_STAT_DD);
    CU_ASSERT(d.errors & E1000_RXD_ERR_RXE);
    /* The next frame is fine. */
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), sizeof(frame));
    CU_ASSERT_EQUAL(rxd(f, 1).errors, 0);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF + RX_BUF_STRIDE, frame, 64), 0);
    /* A ring outside RAM: dropped, the device lives on. */
    wr(f, E1000_RDBAL, 0xffff0000);
    wr(f, E1000_RDBAH, 0x1);
    CU_ASSERT_EQUAL(rx_frame(f, frame, sizeof(frame)), -1);
    fixture_free(f);
}

static void test_loopback(void)
{
    Fixture *f = fixture_new();
    uint8_t frame[64];

    frame_to(frame, our_mac, sizeof(frame));
    memcpy(f->ram + TX_BUF, frame, sizeof(frame));
    rx_setup(f, 8, E1000_RCTL_SZ_2048, 7);
    wr(f, E1000_RCTL, rd(f, E1000_RCTL) | E1000_RCTL_LBM_MAC);
    tx_setup(f);
    put_txd(f, 0, TX_BUF, sizeof(frame) | E1000_TXD_CMD_EOP, 0);
    wr(f, E1000_TDT, 1);
    CU_ASSERT_EQUAL(f->sent->len, 0);
    CU_ASSERT_EQUAL(rd(f, E1000_RDH), 1);
    CU_ASSERT_EQUAL(memcmp(f->ram + RX_BUF, frame, sizeof(frame)), 0);
    fixture_free(f);
}

static void test_checksum_helper(void)
{
    uint8_t buf[1501];

    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = i * 131 + 17;
    }
    for (size_t off = 0; off < 9; off++) {
        for (size_t len = 0; len + off <= sizeof(buf); len += 97) {
            uint32_t want = ref_fold(ref_sum(0, buf + off, len));
            uint32_t got = e1000_net_checksum_add(0, buf + off, len);

            CU_ASSERT_EQUAL(ref_fold(got), want);
        }
    }
    CU_ASSERT_EQUAL(e1000_net_checksum_finish(0xffff), 0);
}

UNIT_SUITE(
    e1000, NULL, NULL, UNIT_TEST(test_reset_state),
    UNIT_TEST(test_storage_registers), UNIT_TEST(test_io_window),
    UNIT_TEST(test_interrupt_causes), UNIT_TEST(test_itr_throttling),
    UNIT_TEST(test_ctrl_reset), UNIT_TEST(test_statistics_clear_on_read),
    UNIT_TEST(test_eeprom_image), UNIT_TEST(test_eerd),
    UNIT_TEST(test_eecd_bitbang), UNIT_TEST(test_mdic),
    UNIT_TEST(test_autonegotiation), UNIT_TEST(test_link_down_up),
    UNIT_TEST(test_tx_legacy), UNIT_TEST(test_tx_multi_descriptor_and_batch),
    UNIT_TEST(test_tx_ring_wraps), UNIT_TEST(test_tx_checksum_offload),
    UNIT_TEST(test_tx_checksum_ipv6_udp), UNIT_TEST(test_tso),
    UNIT_TEST(test_tso_exact_multiple), UNIT_TEST(test_tso_context_mid_packet),
    UNIT_TEST(test_tso_offsets_past_header), UNIT_TEST(test_tso_host_gso),
    UNIT_TEST(test_tso_host_gso_vlan_and_small), UNIT_TEST(test_tx_vlan_insert),
    UNIT_TEST(test_tx_delay), UNIT_TEST(test_tx_outside_ram),
    UNIT_TEST(test_rx_basic), UNIT_TEST(test_rx_short_frame_padded),
    UNIT_TEST(test_rx_multi_descriptor), UNIT_TEST(test_rx_buffer_sizes),
    UNIT_TEST(test_rx_filter), UNIT_TEST(test_rx_filtered_frame_not_stored),
    UNIT_TEST(test_rx_vlan_strip), UNIT_TEST(test_rx_ring_full),
    UNIT_TEST(test_rx_delay_timers), UNIT_TEST(test_rx_descriptor_threshold),
    UNIT_TEST(test_rx_outside_ram), UNIT_TEST(test_loopback),
    UNIT_TEST(test_checksum_helper));
