/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Intel 82540EM's logic, apart from PCI and the net layer so that unit
 * tests drive it against a fake guest memory: the register file and its
 * dispatch table, EEPROM (EERD and bit-banged Microwire), PHY (MDIC) with
 * autonegotiation, interrupt causes with delay timers and ITR throttling,
 * the transmit ring (checksum offload, TSO, VLAN insertion) and the receive
 * ring (address and VLAN filters, VLAN stripping).  8254x SDM chapter 3.
 *
 * The glue (e1000.c) gives it an E1000CoreOps: DMA through pci_dma_*,
 * the INTx line, and the net layer.  Every guest-supplied address goes
 * through ops->dma_read/dma_write; a failure is logged under guest-errors
 * and the packet is dropped, the device carries on.
 *
 * Threading: called with the machine lock held (MMIO, net layer, timers).
 */
#ifndef KEMU_HW_NET_E1000_CORE_H
#define KEMU_HW_NET_E1000_CORE_H

#include "util/osdep.h"
#include "util/timer.h"
#include "exec/memory.h"
#include "hw/net/e1000-regs.h"
#include <sys/uio.h>

/* The QOM type of the PCI device (e1000.c). */
#define TYPE_E1000 "e1000"

#define E1000_NREGS (E1000_REG_END >> 2)

/**
 * E1000Model - what sets one 8254x part apart as its driver sees it: the
 * PCI device and subsystem IDs, which the EEPROM also holds (words 0x0d
 * and 0x0b, SDM table 5-2), and the PHY's identifier (PHY register 3;
 * Linux's e1000_detect_gig_phy checks it against the MAC type).
 */
typedef struct E1000Model {
    uint16_t device_id;
    uint16_t subsystem_id;
    uint16_t phy_id2;
} E1000Model;

/* The 82540EM, QEMU's and kemu's "e1000". */
extern const E1000Model e1000_model_82540em;

/* The transmit buffer: the largest TSO header plus a 64 KiB payload. */
#define E1000_TX_HDR_MAX  256
#define E1000_TX_BUF_SIZE (65536 + E1000_TX_HDR_MAX)

/**
 * E1000TxOffload - work a frame leaves to the backend (a tap with vnet
 * headers), only when core->host_gso is set.
 * @gso: a TCP packet to cut into @gso_size payloads behind @hdr_len bytes
 *       of headers (IPv6 if @ipv6, else IPv4); its IP lengths and header
 *       checksum cover the whole packet, its sequence number is the first
 *       segment's, @ecn when CWR is set.
 * @csum_start, @csum_offset: the L4 checksum to fill: its field holds the
 *       pseudo-header sum for the whole L4 length.
 */
typedef struct E1000TxOffload {
    bool gso;
    bool ipv6;
    bool ecn;
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
} E1000TxOffload;

/**
 * E1000CoreOps - what the core needs from its surroundings.
 * @dma_read: copy guest memory (bus master); anything but MEMTX_OK means
 *            nothing was read.
 * @dma_write: copy into guest memory; all or nothing likewise.
 * @set_irq: drive the interrupt line.
 * @send: put a frame on the wire (the core keeps the buffers; the callee
 *        copies what it keeps); @off is NULL for a finished frame.
 * @rx_ready: the guest gave receive buffers or enabled the receiver: the
 *            backend's held frames may be flushed now.
 * @mac_changed: receive address 0 changed (may be NULL).
 */
typedef struct E1000CoreOps {
    MemTxResult (*dma_read)(void *opaque, uint64_t addr, void *buf, size_t len);
    MemTxResult (*dma_write)(void *opaque, uint64_t addr, const void *buf,
                             size_t len);
    void (*set_irq)(void *opaque, bool level);
    void (*send)(void *opaque, const struct iovec *iov, int iovcnt,
                 const E1000TxOffload *off);
    void (*rx_ready)(void *opaque);
    void (*mac_changed)(void *opaque, const uint8_t mac[6]);
} E1000CoreOps;

/* What the last context descriptor said (SDM 3.3.6). */
typedef struct E1000TxContext {
    uint8_t ipcss, ipcso;
    uint16_t ipcse;
    uint8_t tucss, tucso;
    uint16_t tucse;
    uint32_t paylen;
    uint8_t hdr_len;
    uint16_t mss;
    bool ipv4;
    bool tcp;
} E1000TxContext;

/* The packet being gathered from transmit descriptors. */
typedef struct E1000Tx {
    uint8_t buf[E1000_TX_BUF_SIZE];
    uint8_t header[E1000_TX_HDR_MAX]; /* TSO: the pristine header */
    uint32_t size;                    /* bytes gathered in buf */
    uint32_t sofar;                   /* TSO: payload bytes already sent */
    uint16_t frames;                  /* TSO: segments already sent */
    uint8_t popts;    /* IXSM/TXSM of the first data descriptor */
    bool tse;         /* this packet is segmented */
    bool gso;         /* ... by the backend (E1000TxOffload) */
    bool legacy_csum; /* legacy IC: checksum at cso from css */
    uint8_t legacy_cso, legacy_css;
    bool vlan; /* insert vlan_tci */
    uint16_t vlan_tci;
    bool in_packet;         /* a descriptor of this packet was seen */
    bool drop;              /* a DMA failed: drop at EOP */
    bool busy;              /* inside start_xmit */
    E1000TxContext ctx;     /* plain checksum offload context */
    E1000TxContext tso_ctx; /* segmentation context */
} E1000Tx;

/* The Microwire EEPROM's shift register (SDM 5.3.1). */
typedef struct E1000Eecd {
    uint32_t pins;    /* SK, CS, DI and the request bits as written */
    uint32_t bits_in; /* command bits shifted in since CS rose */
    uint16_t nbits_in;
    unsigned bit_out; /* the bit on DO: word * 16 + (15 - bit) */
    bool reading;
} E1000Eecd;

typedef struct E1000Core {
    const E1000CoreOps *ops;
    void *opaque;
    KemuClocks *clocks;
    E1000Model model;

    uint32_t mac[E1000_NREGS];
    uint16_t phy[E1000_PHY_REGS];
    uint16_t eeprom[E1000_EEPROM_WORDS];
    uint8_t macaddr[6];
    E1000Eecd eecd;
    uint32_t ioaddr; /* BAR1 IOADDR */

    bool link_up;        /* the cable: the backend's link is up */
    bool host_gso;       /* the backend takes E1000TxOffload (the glue) */
    bool irq_level;      /* what set_irq was last told */
    int64_t irq_next_ns; /* ITR: the line may rise again from here */
    uint32_t rx_bufsize; /* from RCTL.BSIZE/BSEX */

    /* Interrupt delays: packet (RDTR/TIDV) and absolute (RADV/TADV). */
    int64_t rx_abs_ns, tx_abs_ns; /* -1: not running */

    KemuTimer *autoneg_timer;
    KemuTimer *itr_timer;
    KemuTimer *rx_delay_timer;
    KemuTimer *tx_delay_timer;

    E1000Tx tx;
} E1000Core;

/* The register ops (opaque: the E1000Core): BAR0 and BAR1. */
extern const MemoryRegionOps e1000_mmio_ops;
extern const MemoryRegionOps e1000_io_ops;

/**
 * e1000_core_init - set up @core (zeroed by the caller) as the part
 * @model with @ops and @opaque, timers on @clocks, and the EEPROM for
 * @macaddr; then power-on reset with the link up.
 */
void e1000_core_init(E1000Core *core, const E1000Model *model,
                     const E1000CoreOps *ops, void *opaque, KemuClocks *clocks,
                     const uint8_t macaddr[6]);

/** e1000_core_cleanup - free the timers. */
void e1000_core_cleanup(E1000Core *core);

/**
 * e1000_core_reset - power-on state: MAC and PHY registers, EEPROM state,
 * pending transmit, timers, and the line lowered.  The link follows
 * core->link_up (autonegotiation already complete).
 */
void e1000_core_reset(E1000Core *core);

/** e1000_core_read - the register at BAR0 offset @addr (32 bits). */
uint32_t e1000_core_read(E1000Core *core, uint32_t addr);

/** e1000_core_write - write the register at BAR0 offset @addr. */
void e1000_core_write(E1000Core *core, uint32_t addr, uint32_t val);

/**
 * e1000_core_can_receive - whether a frame would be taken now: receiver
 * enabled, link up, and a free receive descriptor.
 */
bool e1000_core_can_receive(E1000Core *core);

/**
 * e1000_core_receive_iov - a frame from the wire.  Returns its size when
 * it was stored or filtered out, -1 when it was dropped (receiver off,
 * bad ring), and 0 when the ring lacks descriptors for it: the net layer
 * holds it until ops->rx_ready.
 */
ssize_t e1000_core_receive_iov(E1000Core *core, const struct iovec *iov,
                               int iovcnt);

/**
 * e1000_core_set_link - the backend's link went up or down.  Down: STATUS.LU
 * and the PHY's link bits clear at once; up: after autonegotiation when it
 * is enabled.  Either raises LSC.
 */
void e1000_core_set_link(E1000Core *core, bool up);

/**
 * e1000_eeprom_init - the EEPROM image of @model (the 82540EM's with the
 * model's IDs) for @macaddr, with a valid checksum in word 0x3f.
 */
void e1000_eeprom_init(uint16_t eeprom[E1000_EEPROM_WORDS],
                       const E1000Model *model, const uint8_t macaddr[6]);

/**
 * e1000_rx_filter - whether the receive filters take the frame @buf of
 * @size bytes (at least 18 are looked at): VLAN filter (RCTL.VFE, VFTA),
 * broadcast (BAM), unicast and multicast promiscuous (UPE, MPE), receive
 * addresses (RAL/RAH with AV) and the multicast table (MTA, RCTL.MO).
 */
bool e1000_rx_filter(const E1000Core *core, const uint8_t *buf, size_t size);

/**
 * e1000_net_checksum_add - the Internet checksum (RFC 1071) of @len bytes
 * at @buf added to @sum, unfolded (big-endian word order).
 */
uint32_t e1000_net_checksum_add(uint32_t sum, const uint8_t *buf, size_t len);

/** e1000_net_checksum_finish - fold @sum and complement it. */
uint16_t e1000_net_checksum_finish(uint32_t sum);

#endif
