/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Intel 82540EM logic: registers, EEPROM, PHY, interrupts, transmit and
 * receive rings, following the 8254x Software Developer's Manual (SDM).
 * No PCI or net-layer code here (see e1000-core.h for the contract); the
 * QOM/PCI glue is e1000.c.
 */
#include "util/osdep.h"
#include "util/iov.h"
#include "util/log.h"
#include "hw/net/e1000-core.h"

#define MAC(c, off) ((c)->mac[(off) >> 2])

#define ETH_ALEN             6
#define ETH_HLEN             14
#define ETH_ZLEN             60 /* shortest frame without FCS */
#define ETH_FCS_LEN          4
#define ETH_P_VLAN           0x8100
#define VLAN_HLEN            4
#define E1000_MAX_FRAME      1518        /* with a VLAN tag, no FCS */
#define E1000_MAX_LONG_FRAME (16384 - 4) /* RCTL.LPE */

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08

/* Bytes of a received frame looked at (filters, VLAN) before DMA. */
#define E1000_RX_HEAD 64
/* Transmit descriptors fetched with one DMA read. */
#define E1000_TX_BATCH 32

/* ---- Power-on values (SDM 13; the PHY as the 82540EM's 88E1011) ---- */

static const struct {
    uint32_t off;
    uint32_t val;
} mac_reg_init[] = {
    {E1000_CTRL, E1000_CTRL_SWDPIN2 | E1000_CTRL_SWDPIN0 | E1000_CTRL_SPD_1000 |
                     E1000_CTRL_SLU},
    {E1000_STATUS, 0x80000000 | E1000_STATUS_GIO_MASTER_ENABLE |
                       E1000_STATUS_ASDV | E1000_STATUS_MTXCKOK |
                       E1000_STATUS_SPEED_1000 | E1000_STATUS_FD},
    {E1000_PBA, 0x00100030}, /* 48 KiB receive, 16 KiB transmit */
    {E1000_LEDCTL, 0x00000602},
    {E1000_VET, ETH_P_VLAN},
    {E1000_MANC, 0x00222300}, /* ARP, RMCP, 0298, TCO receive, mng2host */
};

const E1000Model e1000_model_82540em = {
    .device_id = E1000_DEV_ID_82540EM,
    .subsystem_id = E1000_SUBSYS_ID,
    .phy_id2 = E1000_PHY_ID2,
};

static const uint16_t phy_reg_init[E1000_PHY_REGS] = {
    [MII_BMCR] = MII_BMCR_SPEED1000 | MII_BMCR_FD | MII_BMCR_AUTOEN,
    [MII_BMSR] = MII_BMSR_EXTCAP | MII_BMSR_AUTONEG | MII_BMSR_MFPS |
                 MII_BMSR_EXTSTAT | MII_BMSR_10T_HD | MII_BMSR_10T_FD |
                 MII_BMSR_100TX_HD | MII_BMSR_100TX_FD,
    [MII_PHYID1] = E1000_PHY_ID1,
    [MII_PHYID2] = E1000_PHY_ID2,
    [MII_ANAR] = 0x0de1,     /* 10/100 half/full, pause, asymmetric pause */
    [MII_ANLPAR] = 0x01e0,   /* the partner: 10/100 half/full */
    [MII_CTRL1000] = 0x0e00, /* 1000 full, multi-port, master */
    [MII_STAT1000] = 0x3c00, /* partner 1000 half/full, local/remote OK */
    [MII_EXTSTAT] = 0x3000,  /* 1000BASE-T half/full */
    [M88_PHY_SPEC_CTRL] = 0x0360,
    [M88_PHY_SPEC_STATUS] = 0xac00, /* 1000 Mb/s, full duplex, resolved */
    [M88_EXT_PHY_SPEC_CTRL] = 0x0d60,
};

/* PHY registers the guest may not change (the rest are plain storage). */
static const bool phy_reg_readonly[E1000_PHY_REGS] = {
    [MII_BMSR] = true,       [MII_PHYID1] = true,
    [MII_PHYID2] = true,     [MII_ANLPAR] = true,
    [MII_ANER] = true,       [MII_STAT1000] = true,
    [MII_EXTSTAT] = true,    [M88_PHY_SPEC_STATUS] = true,
    [M88_INT_STATUS] = true, [M88_RX_ERR_CNTR] = true,
};

/*
 * The 82540EM EEPROM image (SDM table 5-2): words 0-2 take the MAC
 * address, 0x3f the checksum.
 */
static const uint16_t eeprom_template[E1000_EEPROM_WORDS] = {
    0x0000,
    0x0000,
    0x0000,
    0x0000,
    0xffff,
    0x0000,
    0x0000,
    0x0000,
    0x3000,
    0x1000,
    0x6403,
    E1000_SUBSYS_ID,
    E1000_SUBSYS_VENDOR_ID,
    E1000_DEV_ID_82540EM,
    E1000_VENDOR_ID,
    0x3040,
    0x0008,
    0x2000,
    0x7e14,
    0x0048,
    0x1000,
    0x00d8,
    0x0000,
    0x2700,
    0x6cc9,
    0x3150,
    0x0722,
    0x040b,
    0x0984,
    0x0000,
    0xc000,
    0x0706,
    0x1008,
    0x0000,
    0x0f04,
    0x7fff,
    0x4d01,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0x0100,
    0x4000,
    0x121c,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0xffff,
    0x0000,
};

/* ---- Small helpers ---- */

static inline uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static int64_t now_ns(E1000Core *c)
{
    return clock_get_ns(c->clocks, QEMU_CLOCK_VIRTUAL);
}

/* A statistics counter: stops at all-ones (SDM 13.7). */
static void stat_inc(E1000Core *c, uint32_t off)
{
    if (MAC(c, off) != UINT32_MAX) {
        MAC(c, off)++;
    }
}

/* A 64-bit octet counter in a low/high pair, saturating. */
static void stat_add64(E1000Core *c, uint32_t lo_off, uint64_t n)
{
    uint64_t v = MAC(c, lo_off) | (uint64_t)MAC(c, lo_off + 4) << 32;

    v = v + n < v ? UINT64_MAX : v + n;
    MAC(c, lo_off) = v;
    MAC(c, lo_off + 4) = v >> 32;
}

/* The 64..1522 size bins, from the first one (PRC64 or PTC64). */
static void stat_size_bin(E1000Core *c, uint32_t bin64, size_t len)
{
    static const size_t limits[] = {64, 127, 255, 511, 1023};
    size_t i;

    if (len < 64) {
        return;
    }
    for (i = 0; i < ARRAY_SIZE(limits) && len > limits[i]; i++) {
    }
    stat_inc(c, bin64 + 4 * i);
}

static uint16_t vlan_tpid(const E1000Core *c)
{
    /*
     * Linux writes VET = 0 on 82540-class parts (e1000_init_hw) and still
     * expects 802.1Q tags: a zero VET means the standard type.
     */
    uint16_t vet = MAC(c, E1000_VET);

    return vet ? vet : ETH_P_VLAN;
}

/* ---- Checksums (RFC 1071) ---- */

uint32_t e1000_net_checksum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
    uint64_t acc = 0;
    size_t i = 0;

    /* Sum native (little-endian) words; byte-swap the folded result. */
    for (; i + 8 <= len; i += 8) {
        uint64_t v;

        memcpy(&v, buf + i, 8);
        acc += (uint32_t)v;
        acc += v >> 32;
    }
    for (; i + 2 <= len; i += 2) {
        uint16_t v;

        memcpy(&v, buf + i, 2);
        acc += v;
    }
    if (i < len) {
        acc += buf[i];
    }
    while (acc >> 16) {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    return sum + __builtin_bswap16((uint16_t)acc);
}

uint16_t e1000_net_checksum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum;
}

/*
 * Insert the checksum of data[css .. cse] (cse 0: to the end) at cso, as
 * the SDM's TUCSS/TUCSO/TUCSE and IPCSS/IPCSO/IPCSE describe.  A zero
 * result goes out as 0xffff, which UDP requires and the others accept.
 */
static void put_checksum(uint8_t *data, size_t n, size_t cso, size_t css,
                         size_t cse)
{
    size_t end = cse && cse < n ? cse + 1 : n;
    uint16_t sum;

    if (css >= end || cso + 2 > n) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: checksum offsets start %zu offset %zu end %zu "
                      "outside a %zu-byte packet\n",
                      css, cso, cse, n);
        return;
    }
    sum = e1000_net_checksum_finish(
        e1000_net_checksum_add(0, data + css, end - css));
    put_be16(data + cso, sum ? sum : 0xffff);
}

/* ---- Interrupts (SDM 13.4.17-13.4.21, ITR 13.4.18) ---- */

static void set_line(E1000Core *c, bool level)
{
    if (c->irq_level != level) {
        c->irq_level = level;
        c->ops->set_irq(c->opaque, level);
    }
}

/*
 * Drive the line from ICR & IMS.  ITR is the shortest time between two
 * rising edges: a cause arriving sooner waits for itr_timer.
 */
static void update_irq(E1000Core *c)
{
    uint32_t itr = MAC(c, E1000_ITR) & 0xffff;
    int64_t now;

    if (!(MAC(c, E1000_ICR) & MAC(c, E1000_IMS))) {
        set_line(c, false);
        return;
    }
    if (c->irq_level) {
        return;
    }
    now = now_ns(c);
    if (itr && now < c->irq_next_ns) {
        if (!timer_pending(c->itr_timer)) {
            timer_mod(c->itr_timer, c->irq_next_ns);
        }
        return;
    }
    c->irq_next_ns = now + (int64_t)itr * E1000_ITR_UNIT_NS;
    set_line(c, true);
}

static void set_ics(E1000Core *c, uint32_t causes)
{
    MAC(c, E1000_ICR) |= causes;
    update_irq(c);
}

static void itr_timer_cb(void *opaque)
{
    update_irq(opaque);
}

/*
 * A delayed cause: the packet timer @delay (RDTR/TIDV) restarts with each
 * packet, the absolute timer @abs (RADV/TADV) runs from the first one;
 * whichever expires first raises the cause.  Zero delay: at once.
 */
static void delay_cause(E1000Core *c, KemuTimer *t, int64_t *abs_ns,
                        uint32_t delay, uint32_t abs, uint32_t cause)
{
    int64_t now, deadline;

    delay &= 0xffff;
    abs &= 0xffff;
    if (!delay) {
        timer_del(t);
        *abs_ns = -1;
        set_ics(c, cause);
        return;
    }
    now = now_ns(c);
    deadline = now + (int64_t)delay * E1000_DELAY_UNIT_NS;
    if (abs) {
        if (*abs_ns < 0) {
            *abs_ns = now + (int64_t)abs * E1000_DELAY_UNIT_NS;
        }
        deadline = MIN(deadline, *abs_ns);
    }
    timer_mod(t, deadline);
}

static void rx_delay_timer_cb(void *opaque)
{
    E1000Core *c = opaque;

    c->rx_abs_ns = -1;
    set_ics(c, E1000_ICR_RXT0);
}

static void tx_delay_timer_cb(void *opaque)
{
    E1000Core *c = opaque;

    c->tx_abs_ns = -1;
    set_ics(c, E1000_ICR_TXDW);
}

/* ---- Link and PHY (SDM 8.1, 13.3.27) ---- */

static void link_regs_down(E1000Core *c)
{
    MAC(c, E1000_STATUS) &= ~E1000_STATUS_LU;
    c->phy[MII_BMSR] &= ~(MII_BMSR_LINK_ST | MII_BMSR_AN_COMP);
    c->phy[MII_ANLPAR] &= ~MII_ANLPAR_ACK;
}

static void link_regs_up(E1000Core *c, bool autoneg_done)
{
    MAC(c, E1000_STATUS) |= E1000_STATUS_LU;
    c->phy[MII_BMSR] |= MII_BMSR_LINK_ST;
    if (autoneg_done) {
        c->phy[MII_BMSR] |= MII_BMSR_AN_COMP;
        c->phy[MII_ANLPAR] |= MII_ANLPAR_ACK;
    }
}

static void autoneg_start(E1000Core *c)
{
    link_regs_down(c);
    timer_mod(c->autoneg_timer, now_ns(c) + E1000_AUTONEG_NS);
}

static void autoneg_timer_cb(void *opaque)
{
    E1000Core *c = opaque;

    if (!c->link_up) {
        return;
    }
    link_regs_up(c, true);
    set_ics(c, E1000_ICR_LSC);
    c->ops->rx_ready(c->opaque);
}

static void phy_write(E1000Core *c, unsigned reg, uint16_t val)
{
    if (reg == MII_BMCR) {
        /* RESET and ANRESTART clear themselves; bits 5:0 are reserved */
        c->phy[MII_BMCR] = val & ~(MII_BMCR_RESET | MII_BMCR_ANRESTART | 0x3f);
        if ((val & MII_BMCR_ANRESTART) && (val & MII_BMCR_AUTOEN)) {
            autoneg_start(c);
        }
        return;
    }
    if (phy_reg_readonly[reg]) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: write 0x%04x to read-only PHY register %u\n", val,
                      reg);
        return;
    }
    c->phy[reg] = val;
}

static void write_mdic(E1000Core *c, int index, uint32_t val)
{
    unsigned phy = (val & E1000_MDIC_PHY_MASK) >> E1000_MDIC_PHY_SHIFT;
    unsigned reg = (val & E1000_MDIC_REG_MASK) >> E1000_MDIC_REG_SHIFT;

    if (phy != E1000_PHY_ADDR) {
        val |= E1000_MDIC_ERROR; /* nothing answers at that address */
    } else if (val & E1000_MDIC_OP_READ) {
        val = (val & ~E1000_MDIC_DATA_MASK) | c->phy[reg];
    } else if (val & E1000_MDIC_OP_WRITE) {
        phy_write(c, reg, val & E1000_MDIC_DATA_MASK);
    }
    /* The access completes at once. */
    c->mac[index] = val | E1000_MDIC_READY;
    if (val & E1000_MDIC_INT_EN) {
        set_ics(c, E1000_ICR_MDAC);
    }
}

/* ---- EEPROM (SDM 5.3) ---- */

void e1000_eeprom_init(uint16_t eeprom[E1000_EEPROM_WORDS],
                       const E1000Model *model, const uint8_t macaddr[6])
{
    uint16_t sum = 0;

    memcpy(eeprom, eeprom_template, sizeof(eeprom_template));
    eeprom[0x0b] = model->subsystem_id; /* loaded into PCI config space */
    eeprom[0x0d] = model->device_id;    /* at power-on (SDM 5.6.8, 5.6.10) */
    for (int i = 0; i < 3; i++) {
        eeprom[i] = macaddr[2 * i] | macaddr[2 * i + 1] << 8;
    }
    for (int i = 0; i < E1000_EEPROM_CHECKSUM_REG; i++) {
        sum += eeprom[i];
    }
    eeprom[E1000_EEPROM_CHECKSUM_REG] = (uint16_t)(E1000_EEPROM_SUM - sum);
}

/*
 * EECD read: the pins as the driver left them, the EEPROM present and
 * granted, and DO: the current data bit of a read in progress (high when
 * idle).  Bits leave most significant first.
 */
static uint32_t read_eecd(E1000Core *c, int index)
{
    E1000Eecd *e = &c->eecd;
    uint32_t val = e->pins | E1000_EECD_PRES | E1000_EECD_GNT;
    unsigned word = (e->bit_out >> 4) & (E1000_EEPROM_WORDS - 1);
    unsigned bit = 15 - (e->bit_out & 15);

    if (!e->reading || (c->eeprom[word] >> bit) & 1) {
        val |= E1000_EECD_DO;
    }
    return val;
}

/*
 * EECD write: the Microwire protocol.  CS rising starts a command; DI is
 * sampled on each SK rising edge: a start bit, the 2-bit opcode, the 6-bit
 * address.  After a READ, each SK falling edge moves DO to the next bit,
 * across words for sequential reads.
 */
static void write_eecd(E1000Core *c, int index, uint32_t val)
{
    E1000Eecd *e = &c->eecd;
    uint32_t old = e->pins;

    e->pins = val & (E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI |
                     E1000_EECD_FWE_MASK | E1000_EECD_REQ);
    if (!(val & E1000_EECD_CS)) {
        return;
    }
    if (!(old & E1000_EECD_CS)) {
        e->bits_in = 0;
        e->nbits_in = 0;
        e->bit_out = 0;
        e->reading = false;
    }
    if (!((old ^ val) & E1000_EECD_SK)) {
        return;
    }
    if (!(val & E1000_EECD_SK)) {
        if (e->reading) {
            e->bit_out++;
        }
        return;
    }
    e->bits_in = e->bits_in << 1 | !!(val & E1000_EECD_DI);
    e->nbits_in++;
    if (!e->reading && e->nbits_in == 3 + E1000_EEPROM_ADDR_BITS) {
        unsigned opcode = e->bits_in >> E1000_EEPROM_ADDR_BITS;
        unsigned addr = e->bits_in & (E1000_EEPROM_WORDS - 1);

        if (opcode == E1000_EEPROM_READ_OPCODE) {
            e->reading = true;
            /* the falling edge that ends this bit presents bit 15 */
            e->bit_out = addr * 16 - 1;
        } else {
            kemu_log_mask(LOG_UNIMP, "e1000: EEPROM opcode %u\n", opcode);
        }
    }
}

static void write_eerd(E1000Core *c, int index, uint32_t val)
{
    unsigned addr = (val >> E1000_EERD_ADDR_SHIFT) & 0xff;

    if (!(val & E1000_EERD_START)) {
        c->mac[index] = val;
        return;
    }
    val = addr << E1000_EERD_ADDR_SHIFT | E1000_EERD_DONE;
    if (addr < E1000_EEPROM_WORDS) {
        val |= (uint32_t)c->eeprom[addr] << E1000_EERD_DATA_SHIFT;
    } else {
        kemu_log_mask(LOG_GUEST_ERROR, "e1000: EERD of word 0x%x\n", addr);
    }
    c->mac[index] = val;
}

/* ---- Reset ---- */

static void set_rx_bufsize(E1000Core *c)
{
    static const uint32_t sizes[2][4] = {
        {2048, 1024, 512, 256},
        {2048, 16384, 8192, 4096}, /* BSEX; 00 is reserved */
    };
    uint32_t rctl = MAC(c, E1000_RCTL);

    c->rx_bufsize =
        sizes[!!(rctl & E1000_RCTL_BSEX)]
             [(rctl & E1000_RCTL_BSIZE_MASK) >> E1000_RCTL_BSIZE_SHIFT];
}

static void set_receive_address0(E1000Core *c)
{
    const uint8_t *m = c->macaddr;

    MAC(c, E1000_RAL(0)) = m[0] | m[1] << 8 | m[2] << 16 | (uint32_t)m[3] << 24;
    MAC(c, E1000_RAH(0)) = m[4] | m[5] << 8 | E1000_RAH_AV;
}

/* CTRL.RST: the MAC to its power-on state; the PHY and the link stay. */
static void mac_reset(E1000Core *c)
{
    timer_del(c->itr_timer);
    timer_del(c->rx_delay_timer);
    timer_del(c->tx_delay_timer);
    c->rx_abs_ns = c->tx_abs_ns = -1;
    c->irq_next_ns = 0;
    memset(c->mac, 0, sizeof(c->mac));
    for (size_t i = 0; i < ARRAY_SIZE(mac_reg_init); i++) {
        MAC(c, mac_reg_init[i].off) = mac_reg_init[i].val;
    }
    if (c->phy[MII_BMSR] & MII_BMSR_LINK_ST) {
        MAC(c, E1000_STATUS) |= E1000_STATUS_LU;
    }
    memset(&c->eecd, 0, sizeof(c->eecd));
    c->ioaddr = 0;
    set_receive_address0(c);
    set_rx_bufsize(c);
    memset(&c->tx, 0, sizeof(c->tx));
    set_line(c, false);
}

void e1000_core_reset(E1000Core *c)
{
    timer_del(c->autoneg_timer);
    memcpy(c->phy, phy_reg_init, sizeof(c->phy));
    c->phy[MII_PHYID2] = c->model.phy_id2;
    if (c->link_up) {
        link_regs_up(c, true);
    }
    mac_reset(c);
}

/* ---- Transmit (SDM 3.3) ---- */

static bool loopback(E1000Core *c)
{
    return (c->phy[MII_BMCR] & MII_BMCR_LOOPBACK) ||
           (MAC(c, E1000_RCTL) & E1000_RCTL_LBM_MASK) == E1000_RCTL_LBM_MAC;
}

/* The statistics of one frame of @wire bytes (FCS included) sent. */
static void tx_count(E1000Core *c, const uint8_t *data, size_t wire)
{
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    stat_inc(c, E1000_TPT);
    stat_inc(c, E1000_GPTC);
    stat_add64(c, E1000_GOTCL, wire);
    stat_add64(c, E1000_TOTL, wire);
    stat_size_bin(c, E1000_PTC64, wire);
    if (data[0] & 1) {
        stat_inc(c, memcmp(data, bcast, ETH_ALEN) ? E1000_MPTC : E1000_BPTC);
    }
}

/*
 * One frame to the wire: padding, VLAN tag, loopback.  A frame with
 * offload work (@off) is counted by the caller, per segment.
 */
static void tx_send_frame(E1000Core *c, uint8_t *data, size_t size,
                          const E1000TxOffload *off)
{
    E1000Tx *tx = &c->tx;
    struct iovec iov[3];
    uint8_t tag[VLAN_HLEN];
    E1000TxOffload shifted;
    int iovcnt = 1;

    if (size < ETH_ZLEN && (MAC(c, E1000_TCTL) & E1000_TCTL_PSP)) {
        memset(data + size, 0, ETH_ZLEN - size);
        size = ETH_ZLEN;
    }
    if (size < 2 * ETH_ALEN) {
        kemu_log_mask(LOG_GUEST_ERROR, "e1000: %zu-byte frame not sent\n",
                      size);
        return;
    }
    iov[0].iov_base = data;
    iov[0].iov_len = size;
    if (tx->vlan) {
        put_be16(tag, vlan_tpid(c));
        put_be16(tag + 2, tx->vlan_tci);
        iov[0].iov_len = 2 * ETH_ALEN;
        iov[1].iov_base = tag;
        iov[1].iov_len = VLAN_HLEN;
        iov[2].iov_base = data + 2 * ETH_ALEN;
        iov[2].iov_len = size - 2 * ETH_ALEN;
        iovcnt = 3;
        if (off) {
            shifted = *off;
            shifted.hdr_len += VLAN_HLEN;
            shifted.csum_start += VLAN_HLEN;
            off = &shifted;
        }
    }
    if (loopback(c)) {
        e1000_core_receive_iov(c, iov, iovcnt);
    } else {
        c->ops->send(c->opaque, iov, iovcnt, off);
    }
    if (!off) {
        tx_count(c, data, size + (tx->vlan ? VLAN_HLEN : 0) + ETH_FCS_LEN);
    }
}

static void tx_insert_checksums(E1000Core *c, const E1000TxContext *x,
                                uint8_t *data, size_t size)
{
    E1000Tx *tx = &c->tx;

    if (tx->popts & E1000_TXD_POPTS_TXSM) {
        put_checksum(data, size, x->tucso, x->tucss, x->tucse);
    }
    if (tx->popts & E1000_TXD_POPTS_IXSM) {
        put_checksum(data, size, x->ipcso, x->ipcss, x->ipcse);
    }
}

/*
 * Send the gathered TSO segment (header + up to MSS of payload), fixing
 * the copy of the header for it (SDM 3.5.4): IPv4 total length and
 * identification, IPv6 payload length, TCP sequence number (FIN and PSH
 * only on the last segment) or UDP length, and the pseudo-header length in
 * the L4 checksum seed.  Then restore the pristine header for the next.
 */
static void tx_emit_segment(E1000Core *c, bool last)
{
    E1000Tx *tx = &c->tx;
    const E1000TxContext *x = &tx->tso_ctx;
    uint8_t *p = tx->buf;
    size_t size = tx->size;
    size_t ip = x->ipcss, l4 = x->tucss;
    size_t l4len = size - l4;

    /*
     * The fields fixed per segment are read from the saved header: they
     * must lie inside it (HDRLEN), and the segment must hold the header.
     */
    if (size < x->hdr_len || ip + 6 > x->hdr_len ||
        l4 + (x->tcp ? 14 : 6) > x->hdr_len ||
        ((tx->popts & E1000_TXD_POPTS_TXSM) && x->tucso + 2 > x->hdr_len)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: TSO header offsets (IP %zu, L4 %zu, checksum "
                      "%u) outside a %u-byte header\n",
                      ip, l4, x->tucso, x->hdr_len);
        tx->drop = true;
    }
    if (!tx->drop) {
        if (x->ipv4) {
            put_be16(p + ip + 2, size - ip);
            put_be16(p + ip + 4, get_be16(tx->header + ip + 4) + tx->frames);
        } else {
            put_be16(p + ip + 4, size - ip - 40);
        }
        if (x->tcp) {
            put_be32(p + l4 + 4, get_be32(tx->header + l4 + 4) + tx->sofar);
            if (!last) {
                p[l4 + 13] &= ~(TCP_FLAG_FIN | TCP_FLAG_PSH);
            }
        } else {
            put_be16(p + l4 + 4, l4len);
        }
        if (tx->popts & E1000_TXD_POPTS_TXSM) {
            uint32_t seed = get_be16(p + x->tucso) + (uint32_t)l4len;

            seed = (seed & 0xffff) + (seed >> 16);
            seed = (seed & 0xffff) + (seed >> 16);
            put_be16(p + x->tucso, seed);
        }
        tx_insert_checksums(c, x, p, size);
        tx_send_frame(c, p, size, NULL);
    }
    tx->frames++;
    tx->sofar += size - x->hdr_len;
    memcpy(p, tx->header, x->hdr_len);
    tx->size = x->hdr_len;
}

/*
 * Whether the backend can segment with this context: TCP, headers in
 * order inside hdr_len, and the whole packet fits the buffer.
 */
static bool tx_gso_possible(E1000Core *c)
{
    const E1000TxContext *x = &c->tx.tso_ctx;

    return c->host_gso && !loopback(c) && x->tcp && x->mss &&
           x->ipcss + 20 <= x->tucss && x->tucss + 20 <= x->hdr_len &&
           x->tucso >= x->tucss && x->tucso + 2 <= x->hdr_len &&
           (size_t)x->hdr_len + x->paylen <= E1000_TX_BUF_SIZE &&
           (c->tx.popts & E1000_TXD_POPTS_TXSM);
}

/*
 * The whole TSO packet to a backend that segments it: lengths for the
 * whole packet, the IPv4 header checksum, and the L4 seed completed with
 * the whole L4 length; the backend does the rest per segment.
 */
static void tx_emit_gso(E1000Core *c)
{
    E1000Tx *tx = &c->tx;
    const E1000TxContext *x = &tx->tso_ctx;
    uint8_t *p = tx->buf;
    size_t size = tx->size, l4 = x->tucss;
    size_t payload = size > x->hdr_len ? size - x->hdr_len : 0;
    size_t vlan = tx->vlan ? VLAN_HLEN : 0;
    uint32_t seed;
    E1000TxOffload off = {
        .gso = payload > x->mss,
        .ipv6 = !x->ipv4,
        .ecn = size > l4 + 13 && (p[l4 + 13] & 0x80), /* CWR */
        .hdr_len = x->hdr_len,
        .gso_size = x->mss,
        .csum_start = l4,
        .csum_offset = x->tucso - l4,
    };

    if (size < x->hdr_len) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: TSO packet of %zu bytes with "
                      "a %u-byte header\n",
                      size, x->hdr_len);
        return;
    }
    if (x->ipv4) {
        put_be16(p + x->ipcss + 2, size - x->ipcss);
    } else {
        put_be16(p + x->ipcss + 4, size - x->ipcss - 40);
    }
    seed = get_be16(p + x->tucso) + (uint32_t)(size - l4);
    seed = (seed & 0xffff) + (seed >> 16);
    seed = (seed & 0xffff) + (seed >> 16);
    put_be16(p + x->tucso, seed);
    if (tx->popts & E1000_TXD_POPTS_IXSM) {
        put_checksum(p, size, x->ipcso, x->ipcss, x->ipcse);
    }
    tx_send_frame(c, p, size, &off);
    tx->frames = 0;
    do {
        size_t seg = MIN(payload, (size_t)x->mss);

        tx_count(c, p, x->hdr_len + seg + vlan + ETH_FCS_LEN);
        payload -= seg;
        tx->frames++;
    } while (payload);
}

/* The EOP descriptor was processed: send what was gathered. */
static void tx_finish_packet(E1000Core *c)
{
    E1000Tx *tx = &c->tx;

    if (tx->drop) {
        kemu_log_mask(LOG_GUEST_ERROR, "e1000: transmit packet dropped\n");
    } else if (tx->gso) {
        tx_emit_gso(c);
        stat_inc(c, E1000_TSCTC);
    } else if (tx->tse) {
        if (tx->size > tx->tso_ctx.hdr_len ||
            (tx->frames == 0 && tx->size == tx->tso_ctx.hdr_len)) {
            tx_emit_segment(c, true);
        }
        if (tx->frames) {
            stat_inc(c, E1000_TSCTC);
        }
    } else if (tx->size) {
        const E1000TxContext *x = &tx->ctx;

        tx_insert_checksums(c, x, tx->buf, tx->size);
        if (tx->legacy_csum) {
            put_checksum(tx->buf, tx->size, tx->legacy_cso, tx->legacy_css, 0);
        }
        tx_send_frame(c, tx->buf, tx->size, NULL);
    }
    tx->size = 0;
    tx->sofar = 0;
    tx->frames = 0;
    tx->popts = 0;
    tx->tse = false;
    tx->gso = false;
    tx->legacy_csum = false;
    tx->vlan = false;
    tx->drop = false;
    tx->in_packet = false;
}

/*
 * Copy @len bytes of guest memory at @addr into the packet.  Once the
 * packet is to be dropped its data descriptors are skipped: nothing more
 * is read, as the hardware drops what cannot fit its buffer.
 */
static void tx_gather(E1000Core *c, uint64_t addr, size_t len)
{
    E1000Tx *tx = &c->tx;
    const E1000TxContext *x = &tx->tso_ctx;
    bool segment = tx->tse && !tx->gso;
    size_t limit = segment ? (size_t)x->hdr_len + x->mss : E1000_TX_BUF_SIZE;

    while (len && !tx->drop) {
        size_t n = tx->size < limit ? MIN(len, limit - tx->size) : 0;

        if (n == 0) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: transmit packet longer than %zu bytes\n",
                          limit);
            tx->drop = true;
            return;
        }
        if (c->ops->dma_read(c->opaque, addr, tx->buf + tx->size, n) !=
            MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: transmit buffer 0x%" PRIx64 "+%zu is not "
                          "in RAM\n",
                          addr, n);
            tx->drop = true;
            return;
        }
        if (segment && tx->size < x->hdr_len && tx->size + n >= x->hdr_len) {
            memcpy(tx->header, tx->buf, x->hdr_len);
        }
        tx->size += n;
        addr += n;
        len -= n;
        if (segment && tx->size == limit) {
            tx_emit_segment(c, tx->sofar + x->mss >= x->paylen);
        }
    }
}

static void tx_read_context(E1000TxContext *x, const E1000TxContextDesc *d)
{
    uint32_t cmd = le32toh(d->cmd_and_length);

    x->ipcss = d->ipcss;
    x->ipcso = d->ipcso;
    x->ipcse = le16toh(d->ipcse);
    x->tucss = d->tucss;
    x->tucso = d->tucso;
    x->tucse = le16toh(d->tucse);
    x->paylen = cmd & E1000_TXD_PAYLEN_MASK;
    x->hdr_len = d->hdr_len;
    x->mss = le16toh(d->mss);
    x->ipv4 = cmd & E1000_TXD_CMD_IP;
    x->tcp = cmd & E1000_TXD_CMD_TCP;
}

static void tx_process_desc(E1000Core *c, const E1000TxDesc *d)
{
    E1000Tx *tx = &c->tx;
    uint32_t lower = le32toh(d->lower);
    uint32_t upper = le32toh(d->upper);
    uint32_t dtype = lower & (E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D);
    size_t len;

    if (dtype == E1000_TXD_CMD_DEXT) {
        const E1000TxContextDesc *x = (const E1000TxContextDesc *)d;

        /*
         * A segmentation context in the middle of a segmented packet
         * would change the header length and MSS the gathered bytes were
         * cut by: that packet is dropped, the context holds for the next.
         */
        if ((lower & E1000_TXD_CMD_TSE) && tx->in_packet && tx->tse &&
            !tx->drop) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: TSO context descriptor inside a packet; "
                          "packet dropped\n");
            tx->drop = true;
        }
        tx_read_context(lower & E1000_TXD_CMD_TSE ? &tx->tso_ctx : &tx->ctx, x);
        return;
    }
    if (dtype == (E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D)) {
        len = lower & E1000_TXD_DATA_LEN_MASK;
        if (!tx->in_packet) {
            tx->popts = upper >> E1000_TXD_POPTS_SHIFT;
            tx->tse = lower & E1000_TXD_CMD_TSE;
            if (tx->tse && !tx->tso_ctx.mss) {
                kemu_log_mask(LOG_GUEST_ERROR, "e1000: TSO with MSS 0\n");
                tx->tse = false;
                tx->drop = true;
            }
            tx->gso = tx->tse && tx_gso_possible(c);
        }
    } else {
        len = lower & E1000_TXD_LEGACY_LEN_MASK;
        if (!tx->in_packet && (lower & E1000_TXD_CMD_IC)) {
            tx->legacy_csum = true;
            tx->legacy_cso = lower >> E1000_TXD_CSO_SHIFT;
            tx->legacy_css = upper >> E1000_TXD_CSS_SHIFT;
        }
    }
    tx->in_packet = true;
    if ((lower & E1000_TXD_CMD_VLE) && (MAC(c, E1000_CTRL) & E1000_CTRL_VME)) {
        tx->vlan = true;
        tx->vlan_tci = upper >> E1000_TXD_SPECIAL_SHIFT;
    }
    tx_gather(c, le64toh(d->buffer_addr), len);
    if (lower & E1000_TXD_CMD_EOP) {
        tx_finish_packet(c);
    }
}

static uint64_t ring_base(E1000Core *c, uint32_t bal, uint32_t bah)
{
    return (uint64_t)MAC(c, bah) << 32 | (MAC(c, bal) & ~0xfu);
}

/*
 * Walk the transmit ring from TDH to TDT, all of it per call: descriptors
 * are fetched in batches, written back (DD) when they ask for it (RS/RPS),
 * and TXDW raised at once or after TIDV/TADV (IDE).  TXQE when it drains.
 */
static void start_xmit(E1000Core *c)
{
    E1000Tx *tx = &c->tx;
    uint32_t n = MAC(c, E1000_TDLEN) / sizeof(E1000TxDesc);
    uint64_t base = ring_base(c, E1000_TDBAL, E1000_TDBAH);
    bool txdw_now = false, txdw_delayed = false;

    if (!(MAC(c, E1000_TCTL) & E1000_TCTL_EN) || tx->busy ||
        MAC(c, E1000_TDH) == MAC(c, E1000_TDT)) {
        return;
    }
    if (MAC(c, E1000_TDH) >= n || MAC(c, E1000_TDT) >= n) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: TDH %u / TDT %u past a %u-descriptor ring\n",
                      MAC(c, E1000_TDH), MAC(c, E1000_TDT), n);
        return;
    }
    tx->busy = true;
    while (MAC(c, E1000_TDH) != MAC(c, E1000_TDT)) {
        E1000TxDesc descs[E1000_TX_BATCH];
        uint32_t head = MAC(c, E1000_TDH), tail = MAC(c, E1000_TDT);
        uint32_t count = MIN((tail > head ? tail : n) - head, E1000_TX_BATCH);
        uint64_t addr = base + (uint64_t)head * sizeof(E1000TxDesc);

        if (c->ops->dma_read(c->opaque, addr, descs,
                             count * sizeof(E1000TxDesc)) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: transmit descriptors at 0x%" PRIx64
                          " are not in RAM\n",
                          addr);
            break;
        }
        for (uint32_t i = 0; i < count; i++) {
            uint32_t lower = le32toh(descs[i].lower);

            tx_process_desc(c, &descs[i]);
            if (lower & (E1000_TXD_CMD_RS | E1000_TXD_CMD_RPS)) {
                uint8_t status = le32toh(descs[i].upper);
                uint64_t st = addr + i * sizeof(E1000TxDesc) +
                              offsetof(E1000TxDesc, upper);

                status = (status | E1000_TXD_STAT_DD) &
                         ~(E1000_TXD_STAT_EC | E1000_TXD_STAT_LC |
                           E1000_TXD_STAT_TU);
                if (c->ops->dma_write(c->opaque, st, &status, 1) != MEMTX_OK) {
                    kemu_log_mask(LOG_GUEST_ERROR,
                                  "e1000: transmit write-back at 0x%" PRIx64
                                  " is not in RAM\n",
                                  st);
                }
                if (lower & E1000_TXD_CMD_IDE) {
                    txdw_delayed = true;
                } else {
                    txdw_now = true;
                }
            }
        }
        MAC(c, E1000_TDH) = (head + count) % n;
    }
    tx->busy = false;
    if (txdw_now) {
        timer_del(c->tx_delay_timer);
        c->tx_abs_ns = -1;
        set_ics(c, E1000_ICR_TXDW);
    } else if (txdw_delayed) {
        delay_cause(c, c->tx_delay_timer, &c->tx_abs_ns, MAC(c, E1000_TIDV),
                    MAC(c, E1000_TADV), E1000_ICR_TXDW);
    }
    if (MAC(c, E1000_TDH) == MAC(c, E1000_TDT)) {
        set_ics(c, E1000_ICR_TXQE);
    }
}

/* ---- Receive (SDM 3.2) ---- */

bool e1000_rx_filter(const E1000Core *c, const uint8_t *buf, size_t size)
{
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const unsigned mta_shift[] = {4, 3, 2, 0};
    uint32_t rctl = MAC(c, E1000_RCTL);
    uint16_t vet = vlan_tpid(c);
    unsigned hash;

    if (size < ETH_HLEN) {
        return false;
    }
    if ((rctl & E1000_RCTL_VFE) && get_be16(buf + 12) == vet &&
        size >= ETH_HLEN + VLAN_HLEN) {
        unsigned vid = get_be16(buf + 14) & 0xfff;

        if (!(MAC(c, E1000_VFTA + 4 * (vid >> 5)) & (1u << (vid & 31)))) {
            return false;
        }
    }
    if (!memcmp(buf, bcast, ETH_ALEN)) {
        if (rctl & E1000_RCTL_BAM) {
            return true;
        }
    } else if (buf[0] & 1) {
        if (rctl & E1000_RCTL_MPE) {
            return true;
        }
    } else if (rctl & E1000_RCTL_UPE) {
        return true;
    }
    for (int i = 0; i < E1000_RA_ENTRIES; i++) {
        uint32_t ral = MAC(c, E1000_RAL(i)), rah = MAC(c, E1000_RAH(i));
        uint8_t ra[ETH_ALEN] = {ral,       ral >> 8, ral >> 16,
                                ral >> 24, rah,      rah >> 8};

        if ((rah & E1000_RAH_AV) && !(rah & E1000_RAH_AS_MASK) &&
            !memcmp(buf, ra, ETH_ALEN)) {
            return true;
        }
    }
    if (!(buf[0] & 1)) {
        return false;
    }
    /* Inexact multicast filter: 12 bits of the address pick an MTA bit. */
    hash = ((buf[4] | buf[5] << 8) >>
            mta_shift[(rctl & E1000_RCTL_MO_MASK) >> E1000_RCTL_MO_SHIFT]) &
           0xfff;
    return MAC(c, E1000_MTA + 4 * (hash >> 5)) & (1u << (hash & 31));
}

static bool rx_enabled(E1000Core *c)
{
    return (MAC(c, E1000_RCTL) & E1000_RCTL_EN) &&
           (MAC(c, E1000_STATUS) & E1000_STATUS_LU);
}

/* Descriptors the guest has handed over (RDH up to RDT), or 0. */
static uint32_t rx_free_descs(E1000Core *c)
{
    uint32_t n = MAC(c, E1000_RDLEN) / sizeof(E1000RxDesc);
    uint32_t head = MAC(c, E1000_RDH), tail = MAC(c, E1000_RDT);

    if (head >= n || tail >= n) {
        return 0;
    }
    return (tail + n - head) % n;
}

bool e1000_core_can_receive(E1000Core *c)
{
    return rx_enabled(c) && rx_free_descs(c) > 0;
}

/*
 * The frame as the receive DMA sees it: @head (the first bytes, padded or
 * with the VLAN tag removed) followed by the iovec from @iov_off on.  A
 * cursor walks it forward, descriptor by descriptor.
 */
typedef struct RxStream {
    const uint8_t *head;
    size_t head_len;
    size_t pos; /* bytes of the stream consumed */
    const struct iovec *iov;
    int iovcnt;
    int iov_idx; /* cursor in the iovec, once past the head */
    size_t iov_pos;
} RxStream;

/* Copy the next @len stream bytes to guest @addr; false if DMA failed. */
static bool rx_stream_copy(E1000Core *c, RxStream *s, uint64_t addr, size_t len)
{
    bool ok = true;

    while (len) {
        const uint8_t *src;
        size_t n;

        if (s->pos < s->head_len) {
            src = s->head + s->pos;
            n = MIN(len, s->head_len - s->pos);
        } else {
            while (s->iov_idx < s->iovcnt &&
                   s->iov_pos == s->iov[s->iov_idx].iov_len) {
                s->iov_idx++;
                s->iov_pos = 0;
            }
            if (s->iov_idx == s->iovcnt) {
                break;
            }
            src = (const uint8_t *)s->iov[s->iov_idx].iov_base + s->iov_pos;
            n = MIN(len, s->iov[s->iov_idx].iov_len - s->iov_pos);
            s->iov_pos += n;
        }
        if (ok && c->ops->dma_write(c->opaque, addr, src, n) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: receive buffer 0x%" PRIx64 "+%zu is not "
                          "in RAM\n",
                          addr, n);
            ok = false;
        }
        s->pos += n;
        addr += n;
        len -= n;
    }
    return ok;
}

static void rx_overrun(E1000Core *c)
{
    stat_inc(c, E1000_MPC);
    stat_inc(c, E1000_RNBC);
    set_ics(c, E1000_ICR_RXO);
}

ssize_t e1000_core_receive_iov(E1000Core *c, const struct iovec *iov,
                               int iovcnt)
{
    size_t orig_size = iov_size(iov, iovcnt);
    size_t size = orig_size;
    uint32_t rctl = MAC(c, E1000_RCTL);
    uint32_t n = MAC(c, E1000_RDLEN) / sizeof(E1000RxDesc);
    uint64_t base = ring_base(c, E1000_RDBAL, E1000_RDBAH);
    uint8_t head[E1000_RX_HEAD];
    size_t head_len, total, done = 0, need;
    uint16_t vlan_tci = 0;
    uint8_t status_extra = E1000_RXD_STAT_IXSM;
    RxStream s = {.iov = iov, .iovcnt = iovcnt};
    bool bcast, mcast;

    if (!rx_enabled(c)) {
        return -1;
    }
    head_len = iov_to_buf(iov, iovcnt, 0, head, MIN(size, sizeof(head)));
    s.iov_pos = head_len;
    while (s.iov_idx < iovcnt && s.iov_pos >= iov[s.iov_idx].iov_len) {
        s.iov_pos -= iov[s.iov_idx].iov_len;
        s.iov_idx++;
    }
    if (size < ETH_ZLEN) {
        memset(head + size, 0, ETH_ZLEN - size);
        head_len = size = ETH_ZLEN;
    }
    if (!(rctl & E1000_RCTL_SBP) &&
        size >
            (rctl & E1000_RCTL_LPE ? E1000_MAX_LONG_FRAME : E1000_MAX_FRAME)) {
        stat_inc(c, E1000_ROC);
        return orig_size;
    }
    if (!e1000_rx_filter(c, head, head_len)) {
        return orig_size;
    }
    bcast = head[0] == 0xff && head[1] == 0xff && head[2] == 0xff &&
            head[3] == 0xff && head[4] == 0xff && head[5] == 0xff;
    mcast = !bcast && (head[0] & 1);
    s.head = head;
    s.head_len = head_len;
    if ((MAC(c, E1000_CTRL) & E1000_CTRL_VME) &&
        get_be16(head + 12) == vlan_tpid(c)) {
        /* Strip the tag: move the addresses over it. */
        vlan_tci = get_be16(head + 14);
        memmove(head + VLAN_HLEN, head, 2 * ETH_ALEN);
        s.head = head + VLAN_HLEN;
        s.head_len = head_len - VLAN_HLEN;
        size -= VLAN_HLEN;
        status_extra |= E1000_RXD_STAT_VP;
    }

    total = size + (rctl & E1000_RCTL_SECRC ? 0 : ETH_FCS_LEN);
    need = DIV_ROUND_UP(total, c->rx_bufsize);
    if (n == 0 || MAC(c, E1000_RDH) >= n || MAC(c, E1000_RDT) >= n) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: RDH %u / RDT %u past a %u-descriptor ring\n",
                      MAC(c, E1000_RDH), MAC(c, E1000_RDT), n);
        rx_overrun(c);
        return -1;
    }
    if (need > rx_free_descs(c)) {
        if (need >= n) {
            /* It will never fit: drop it rather than block forever. */
            rx_overrun(c);
            return -1;
        }
        /* Hold it until the guest gives buffers (rx_ready). */
        stat_inc(c, E1000_RNBC);
        return 0;
    }

    while (done < total) {
        uint32_t rdh = MAC(c, E1000_RDH);
        uint64_t daddr = base + (uint64_t)rdh * sizeof(E1000RxDesc);
        E1000RxDesc d;
        size_t chunk = 0;

        if (rdh == MAC(c, E1000_RDT)) {
            /* null buffers used up the descriptors we counted on */
            rx_overrun(c);
            return orig_size;
        }
        if (c->ops->dma_read(c->opaque, daddr, &d, sizeof(d)) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: receive descriptor at 0x%" PRIx64
                          " is not in RAM\n",
                          daddr);
            rx_overrun(c);
            return -1;
        }
        d.errors = 0;
        if (d.buffer_addr) {
            uint64_t buf = le64toh(d.buffer_addr);
            size_t data;

            chunk = MIN(total - done, c->rx_bufsize);
            data = done < size ? MIN(chunk, size - done) : 0;
            if (!rx_stream_copy(c, &s, buf, data)) {
                d.errors |= E1000_RXD_ERR_RXE;
            }
            done += chunk;
        }
        /* A null buffer is skipped: written back empty (SDM 3.2.3). */
        d.length = htole16(chunk);
        d.csum = 0;
        d.status = E1000_RXD_STAT_DD | status_extra |
                   (done >= total ? E1000_RXD_STAT_EOP : 0);
        d.special = htole16(vlan_tci);
        if (c->ops->dma_write(c->opaque, daddr + 8, (uint8_t *)&d + 8, 8) !=
            MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "e1000: receive write-back at 0x%" PRIx64
                          " is not in RAM\n",
                          daddr);
        }
        MAC(c, E1000_RDH) = (rdh + 1) % n;
    }

    stat_inc(c, E1000_TPR);
    stat_inc(c, E1000_GPRC);
    stat_add64(c, E1000_GORCL, size + ETH_FCS_LEN);
    stat_add64(c, E1000_TORL, size + ETH_FCS_LEN);
    stat_size_bin(c, E1000_PRC64, size + ETH_FCS_LEN);
    if (bcast) {
        stat_inc(c, E1000_BPRC);
    } else if (mcast) {
        stat_inc(c, E1000_MPRC);
    }

    /* RXDMT0: free descriptors at or below RDMTS of the ring. */
    if (rx_free_descs(c) * sizeof(E1000RxDesc) <= MAC(c, E1000_RDLEN) >>
        (1 + ((rctl & E1000_RCTL_RDMTS_MASK) >> E1000_RCTL_RDMTS_SHIFT))) {
        set_ics(c, E1000_ICR_RXDMT0);
    }
    delay_cause(c, c->rx_delay_timer, &c->rx_abs_ns, MAC(c, E1000_RDTR),
                MAC(c, E1000_RADV), E1000_ICR_RXT0);
    return orig_size;
}

/* ---- Register handlers ---- */

static uint32_t read_reg(E1000Core *c, int index)
{
    return c->mac[index];
}

static void write_reg(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val;
}

static void write_ro(E1000Core *c, int index, uint32_t val)
{
    kemu_log_mask(LOG_GUEST_ERROR,
                  "e1000: write 0x%x to read-only register 0x%05x\n", val,
                  index << 2);
}

static void write_16bit(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
}

/* Statistics clear when read; a 64-bit pair when its high half is read. */
static uint32_t read_stat(E1000Core *c, int index)
{
    uint32_t val = c->mac[index];

    c->mac[index] = 0;
    return val;
}

static uint32_t read_stat_hi(E1000Core *c, int index)
{
    uint32_t val = c->mac[index];

    c->mac[index] = 0;
    c->mac[index - 1] = 0;
    return val;
}

static void write_ctrl(E1000Core *c, int index, uint32_t val)
{
    if (val & E1000_CTRL_RST) {
        mac_reset(c);
        return;
    }
    c->mac[index] = val;
}

static uint32_t read_icr(E1000Core *c, int index)
{
    uint32_t val = MAC(c, E1000_ICR);

    MAC(c, E1000_ICR) = 0;
    update_irq(c);
    return val;
}

static void write_icr(E1000Core *c, int index, uint32_t val)
{
    MAC(c, E1000_ICR) &= ~val;
    update_irq(c);
}

/* ICS reads as ICR does, without clearing it (as real parts do). */
static uint32_t read_ics(E1000Core *c, int index)
{
    return MAC(c, E1000_ICR);
}

static void write_ics(E1000Core *c, int index, uint32_t val)
{
    set_ics(c, val & E1000_ICR_VALID);
}

static void write_ims(E1000Core *c, int index, uint32_t val)
{
    MAC(c, E1000_IMS) |= val & E1000_ICR_VALID;
    update_irq(c);
}

static void write_imc(E1000Core *c, int index, uint32_t val)
{
    MAC(c, E1000_IMS) &= ~val;
    update_irq(c);
}

static void write_itr(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
    update_irq(c);
}

static void write_rctl(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val;
    set_rx_bufsize(c);
    if (e1000_core_can_receive(c)) {
        c->ops->rx_ready(c->opaque);
    }
}

static void write_dlen(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xfff80; /* a multiple of 128 bytes */
}

static void write_rdt(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
    if (e1000_core_can_receive(c)) {
        c->ops->rx_ready(c->opaque);
    }
}

static void write_rdtr(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
    if ((val & E1000_RDTR_FPD) && timer_pending(c->rx_delay_timer)) {
        timer_del(c->rx_delay_timer);
        rx_delay_timer_cb(c);
    }
}

static void write_tidv(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
    if ((val & E1000_TIDV_FPD) && timer_pending(c->tx_delay_timer)) {
        timer_del(c->tx_delay_timer);
        tx_delay_timer_cb(c);
    }
}

static void write_tctl(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val;
    start_xmit(c);
}

static void write_tdt(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val & 0xffff;
    start_xmit(c);
}

static void write_ra(E1000Core *c, int index, uint32_t val)
{
    c->mac[index] = val;
    if (index <= (E1000_RAH(0) >> 2) && c->ops->mac_changed) {
        uint32_t ral = MAC(c, E1000_RAL(0)), rah = MAC(c, E1000_RAH(0));
        uint8_t mac[ETH_ALEN] = {ral,       ral >> 8, ral >> 16,
                                 ral >> 24, rah,      rah >> 8};

        c->ops->mac_changed(c->opaque, mac);
    }
}

/* ---- The register dispatch table, indexed by offset / 4 ---- */

typedef struct E1000RegOps {
    uint32_t (*read)(E1000Core *c, int index);
    void (*write)(E1000Core *c, int index, uint32_t val);
} E1000RegOps;

#define REG(off)     [(off) >> 2]
#define REGS(off, n) [(off) >> 2 ...((off) >> 2) + (n)-1]
#define RW                                                                     \
    {                                                                          \
        read_reg, write_reg                                                    \
    }
#define RO                                                                     \
    {                                                                          \
        read_reg, write_ro                                                     \
    }
#define STAT                                                                   \
    {                                                                          \
        read_stat, write_ro                                                    \
    }

static const E1000RegOps e1000_regs[E1000_NREGS] = {
    REG(E1000_CTRL) = {read_reg, write_ctrl},
    REG(E1000_STATUS) = RO,
    REG(E1000_EECD) = {read_eecd, write_eecd},
    REG(E1000_EERD) = {read_reg, write_eerd},
    REG(E1000_CTRL_EXT) = RW,
    REG(E1000_FLA) = RW,
    REG(E1000_MDIC) = {read_reg, write_mdic},
    REG(E1000_FCAL) = RW,
    REG(E1000_FCAH) = RW,
    REG(E1000_FCT) = RW,
    REG(E1000_VET) = RW,
    REG(E1000_ICR) = {read_icr, write_icr},
    REG(E1000_ITR) = {read_reg, write_itr},
    REG(E1000_ICS) = {read_ics, write_ics},
    REG(E1000_IMS) = {read_reg, write_ims},
    REG(E1000_IMC) = {NULL, write_imc},
    REG(E1000_RCTL) = {read_reg, write_rctl},
    REG(E1000_FCTTV) = RW,
    REG(E1000_TXCW) = RW,
    REG(E1000_RXCW) = RO,
    REG(E1000_TCTL) = {read_reg, write_tctl},
    REG(E1000_TIPG) = RW,
    REG(E1000_AIT) = {read_reg, write_16bit},
    REG(E1000_LEDCTL) = RW,
    REG(E1000_PBA) = RW,
    REG(E1000_FCRTL) = RW,
    REG(E1000_FCRTH) = RW,
    REG(E1000_RDFH) = RW,
    REG(E1000_RDFT) = RW,
    REG(E1000_RDFHS) = RW,
    REG(E1000_RDFTS) = RW,
    REG(E1000_RDFPC) = RW,
    REG(E1000_RDBAL) = RW,
    REG(E1000_RDBAH) = RW,
    REG(E1000_RDLEN) = {read_reg, write_dlen},
    REG(E1000_RDH) = {read_reg, write_16bit},
    REG(E1000_RDT) = {read_reg, write_rdt},
    REG(E1000_RDTR) = {read_reg, write_rdtr},
    REG(E1000_RXDCTL) = RW,
    REG(E1000_RADV) = {read_reg, write_16bit},
    REG(E1000_RSRPD) = RW,
    REG(E1000_TXDMAC) = RW,
    REG(E1000_TDFH) = RW,
    REG(E1000_TDFT) = RW,
    REG(E1000_TDFHS) = RW,
    REG(E1000_TDFTS) = RW,
    REG(E1000_TDFPC) = RW,
    REG(E1000_TDBAL) = RW,
    REG(E1000_TDBAH) = RW,
    REG(E1000_TDLEN) = {read_reg, write_dlen},
    REG(E1000_TDH) = {read_reg, write_16bit},
    REG(E1000_TDT) = {read_reg, write_tdt},
    REG(E1000_TIDV) = {read_reg, write_tidv},
    REG(E1000_TXDCTL) = RW,
    REG(E1000_TADV) = {read_reg, write_16bit},
    REG(E1000_TSPMT) = RW,
    REGS(E1000_CRCERRS, (E1000_GPTC - E1000_CRCERRS) / 4 + 2) = STAT,
    REG(E1000_GORCL) = RO,
    REG(E1000_GORCH) = {read_stat_hi, write_ro},
    REG(E1000_GOTCL) = RO,
    REG(E1000_GOTCH) = {read_stat_hi, write_ro},
    REGS(E1000_RNBC, (E1000_MGTPTC - E1000_RNBC) / 4 + 1) = STAT,
    REG(E1000_TORL) = RO,
    REG(E1000_TORH) = {read_stat_hi, write_ro},
    REG(E1000_TOTL) = RO,
    REG(E1000_TOTH) = {read_stat_hi, write_ro},
    REGS(E1000_TPR, (E1000_STATS_LAST - E1000_TPR) / 4 + 1) = STAT,
    REG(E1000_RXCSUM) = RW,
    REGS(E1000_MTA, E1000_MTA_WORDS) = RW,
    REGS(E1000_RA, 2 * E1000_RA_ENTRIES) = {read_reg, write_ra},
    REGS(E1000_VFTA, E1000_VFTA_WORDS) = RW,
    REG(E1000_WUC) = RW,
    REG(E1000_WUFC) = RW,
    REG(E1000_WUS) = RW,
    REG(E1000_MANC) = RW,
    REG(E1000_IPAV) = RW,
    REGS(E1000_IP4AT, 14) = RW,
    REGS(E1000_IP6AT, 4) = RW,
    REG(E1000_WUPL) = RW,
    REGS(E1000_WUPM, 32) = RW,
    REG(E1000_SWSM) = RW,
    REGS(E1000_FFLT, 8) = RW,
};

uint32_t e1000_core_read(E1000Core *c, uint32_t addr)
{
    unsigned index = (addr & (E1000_MMIO_SIZE - 1)) >> 2;

    if (index < E1000_NREGS && e1000_regs[index].read) {
        return e1000_regs[index].read(c, index);
    }
    if (index < E1000_NREGS && e1000_regs[index].write) {
        return 0; /* write-only */
    }
    kemu_log_mask(LOG_UNIMP, "e1000: read of unknown register 0x%05x\n",
                  index << 2);
    return 0;
}

void e1000_core_write(E1000Core *c, uint32_t addr, uint32_t val)
{
    unsigned index = (addr & (E1000_MMIO_SIZE - 1)) >> 2;

    if (index < E1000_NREGS && e1000_regs[index].write) {
        e1000_regs[index].write(c, index, val);
        return;
    }
    kemu_log_mask(LOG_UNIMP, "e1000: write 0x%x to unknown register 0x%05x\n",
                  val, index << 2);
}

/* ---- MemoryRegionOps: BAR0 registers, BAR1 IOADDR/IODATA ---- */

static uint64_t e1000_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    return e1000_core_read(opaque, addr);
}

static void e1000_mmio_write(void *opaque, hwaddr addr, uint64_t val,
                             unsigned size)
{
    e1000_core_write(opaque, addr, val);
}

const MemoryRegionOps e1000_mmio_ops = {
    .read = e1000_mmio_read,
    .write = e1000_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static uint64_t e1000_io_read(void *opaque, hwaddr addr, unsigned size)
{
    E1000Core *c = opaque;

    switch (addr) {
    case E1000_IOADDR:
        return c->ioaddr;
    case E1000_IODATA:
        return e1000_core_read(c, c->ioaddr & ~3u);
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: read of reserved I/O port "
                      "offset 0x%" HWADDR_PRIx "\n",
                      addr);
        return 0;
    }
}

static void e1000_io_write(void *opaque, hwaddr addr, uint64_t val,
                           unsigned size)
{
    E1000Core *c = opaque;

    switch (addr) {
    case E1000_IOADDR:
        c->ioaddr = val & (E1000_MMIO_SIZE - 1);
        break;
    case E1000_IODATA:
        e1000_core_write(c, c->ioaddr & ~3u, val);
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "e1000: write to reserved I/O port "
                      "offset 0x%" HWADDR_PRIx "\n",
                      addr);
    }
}

const MemoryRegionOps e1000_io_ops = {
    .read = e1000_io_read,
    .write = e1000_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- Life cycle and link ---- */

void e1000_core_init(E1000Core *c, const E1000Model *model,
                     const E1000CoreOps *ops, void *opaque, KemuClocks *clocks,
                     const uint8_t macaddr[6])
{
    c->ops = ops;
    c->opaque = opaque;
    c->clocks = clocks;
    c->model = *model;
    memcpy(c->macaddr, macaddr, sizeof(c->macaddr));
    e1000_eeprom_init(c->eeprom, model, macaddr);
    c->autoneg_timer =
        timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, autoneg_timer_cb, c);
    c->itr_timer = timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, itr_timer_cb, c);
    c->rx_delay_timer =
        timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, rx_delay_timer_cb, c);
    c->tx_delay_timer =
        timer_new_ns(clocks, QEMU_CLOCK_VIRTUAL, tx_delay_timer_cb, c);
    c->link_up = true;
    e1000_core_reset(c);
}

void e1000_core_cleanup(E1000Core *c)
{
    timer_free(c->autoneg_timer);
    timer_free(c->itr_timer);
    timer_free(c->rx_delay_timer);
    timer_free(c->tx_delay_timer);
    c->autoneg_timer = c->itr_timer = NULL;
    c->rx_delay_timer = c->tx_delay_timer = NULL;
}

void e1000_core_set_link(E1000Core *c, bool up)
{
    uint32_t old = MAC(c, E1000_STATUS);

    c->link_up = up;
    if (!up) {
        timer_del(c->autoneg_timer);
        link_regs_down(c);
    } else if ((c->phy[MII_BMCR] & MII_BMCR_AUTOEN) &&
               !(c->phy[MII_BMSR] & MII_BMSR_AN_COMP)) {
        if (!timer_pending(c->autoneg_timer)) {
            autoneg_start(c);
        }
    } else {
        link_regs_up(c, false);
        c->ops->rx_ready(c->opaque);
    }
    if (MAC(c, E1000_STATUS) != old) {
        set_ics(c, E1000_ICR_LSC);
    }
}
