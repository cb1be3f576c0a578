/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An e1000 (82540EM) driven from a test as the Linux driver drives it:
 * find it on the pc's PCI bus, bring it up from reset with a transmit and
 * a receive ring in guest memory, and move whole frames through the rings.
 * Shared by e1000-test (socketpair wire) and e1000-net-test (slirp, tap).
 */
#ifndef KEMU_LIBQOS_E1000_H
#define KEMU_LIBQOS_E1000_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "hw/net/e1000-regs.h"
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/pci.h"
#include "tests/qtest/libqtest.h"

#define QE1000_RING_DESCS 16
#define QE1000_BUF_SIZE   2048  /* each receive buffer (RCTL BSIZE 2048) */
#define QE1000_TX_BUF     65536 /* the transmit staging area */

typedef struct QE1000 {
    QTestState *qts;
    QGuestAllocator alloc;
    QPCIBus *bus;
    QPCIDevice *dev;
    QPCIBar bar0;
    int irq; /* the IOAPIC input INTA reaches */
    uint32_t rctl;
    uint64_t tx_ring, rx_ring;
    uint64_t tx_buf;                    /* QE1000_TX_BUF bytes */
    uint64_t rx_buf[QE1000_RING_DESCS]; /* QE1000_BUF_SIZE each */
    unsigned tx_tail;                   /* next transmit descriptor to fill */
    unsigned rx_next; /* next receive descriptor qe1000_recv() reads */
} QE1000;

/**
 * qe1000_init - attach @d to the e1000 at PCI slot @slot (function 0) of
 * @qts, with a guest allocator over the machine's RAM, and intercept the
 * IOAPIC's inputs so d->irq can be watched with qtest_get_irq().  Fails the
 * test when there is no device there.
 */
void qe1000_init(QE1000 *d, QTestState *qts, int slot);

/** qe1000_destroy - free what qe1000_init() made (not the QTestState). */
void qe1000_destroy(QE1000 *d);

/** qe1000_rd - read the BAR0 register at @off (after driver_init/enable). */
uint32_t qe1000_rd(QE1000 *d, uint32_t off);
/** qe1000_wr - write the BAR0 register at @off. */
void qe1000_wr(QE1000 *d, uint32_t off, uint32_t val);

/**
 * qe1000_driver_init - what the Linux driver does from probe to open:
 * enable the device, reset the MAC, mask interrupts, set up both rings
 * (every receive descriptor but one handed to the device) with RCTL =
 * EN | BAM | @rctl_extra, and unmask RXT0, TXDW, LSC, RXDMT0 and RXO.
 */
void qe1000_driver_init(QE1000 *d, uint32_t rctl_extra);

/** qe1000_put_txd - write a transmit descriptor at tx_tail and advance. */
void qe1000_put_txd(QE1000 *d, uint64_t addr, uint32_t lower, uint32_t upper);
/** qe1000_put_tx_ctx - write a context descriptor at tx_tail and advance. */
void qe1000_put_tx_ctx(QE1000 *d, const E1000TxContextDesc *c);
/** qe1000_txd_status - the status byte of transmit descriptor @i. */
uint8_t qe1000_txd_status(QE1000 *d, unsigned i);
/** qe1000_put_rxd - rewrite receive descriptor @i with @buf, status 0. */
void qe1000_put_rxd(QE1000 *d, unsigned i, uint64_t buf);
/** qe1000_get_rxd - receive descriptor @i as the device left it. */
E1000RxDesc qe1000_get_rxd(QE1000 *d, unsigned i);

/**
 * qe1000_send - transmit one frame of @len bytes (at most QE1000_TX_BUF)
 * from one legacy descriptor (EOP, IFCS, RS) and wait up to @timeout_ms
 * for the device to report it done.  Returns whether it did.
 */
bool qe1000_send(QE1000 *d, const void *frame, size_t len, int timeout_ms);

/**
 * qe1000_recv - wait up to @timeout_ms for the next received frame (one
 * descriptor: frames up to QE1000_BUF_SIZE), copy it to @buf without the
 * FCS, give the descriptor back to the device, and return its length;
 * -1 on timeout.  Frames longer than @max fail the test.
 */
ssize_t qe1000_recv(QE1000 *d, void *buf, size_t max, int timeout_ms);

#endif
