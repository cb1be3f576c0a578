/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libqos e1000: the Linux e1000 driver's bring-up and ring handling, done
 * over qtest (8254x SDM chapter 3 for the descriptors, 14 for the
 * initialization sequence).
 */
#include <string.h>
#include <glib.h>
#include "tests/qtest/libqos/e1000.h"
#include "tests/qtest/libqos/pci-pc.h"

void qe1000_init(QE1000 *d, QTestState *qts, int slot)
{
    memset(d, 0, sizeof(*d));
    d->qts = qts;
    pc_alloc_init(&d->alloc, qts, ALLOC_NO_FLAGS);
    d->bus = qpci_new_pc(qts, &d->alloc);
    d->dev = qpci_device_find(d->bus, QPCI_DEVFN(slot, 0));
    if (!d->dev) {
        qtest_fail("no PCI device at slot %d", slot);
    }
    d->irq = qpci_intx_gsi(d->dev);
    qtest_irq_intercept_in(qts, "ioapic");
}

void qe1000_destroy(QE1000 *d)
{
    g_free(d->dev);
    qpci_free_pc(d->bus);
    alloc_destroy(&d->alloc);
    d->dev = NULL;
    d->bus = NULL;
}

uint32_t qe1000_rd(QE1000 *d, uint32_t off)
{
    return qpci_io_readl(d->dev, d->bar0, off);
}

void qe1000_wr(QE1000 *d, uint32_t off, uint32_t val)
{
    qpci_io_writel(d->dev, d->bar0, off, val);
}

void qe1000_driver_init(QE1000 *d, uint32_t rctl_extra)
{
    uint64_t size;

    qpci_device_enable(d->dev);
    d->bar0 = qpci_iomap(d->dev, 0, &size);
    QTEST_ASSERT(size == E1000_MMIO_SIZE);

    qe1000_wr(d, E1000_CTRL, qe1000_rd(d, E1000_CTRL) | E1000_CTRL_RST);
    QTEST_ASSERT(!(qe1000_rd(d, E1000_CTRL) & E1000_CTRL_RST));
    qe1000_wr(d, E1000_IMC, 0xffffffff);
    qe1000_rd(d, E1000_ICR);

    d->tx_ring = guest_alloc(&d->alloc, QE1000_RING_DESCS * 16);
    d->rx_ring = guest_alloc(&d->alloc, QE1000_RING_DESCS * 16);
    d->tx_buf = guest_alloc(&d->alloc, QE1000_TX_BUF);
    qtest_memset(d->qts, d->tx_ring, 0, QE1000_RING_DESCS * 16);
    qe1000_wr(d, E1000_TDBAL, (uint32_t)d->tx_ring);
    qe1000_wr(d, E1000_TDBAH, d->tx_ring >> 32);
    qe1000_wr(d, E1000_TDLEN, QE1000_RING_DESCS * 16);
    qe1000_wr(d, E1000_TDH, 0);
    qe1000_wr(d, E1000_TDT, 0);
    qe1000_wr(d, E1000_TIPG, 0x00602008);
    qe1000_wr(d, E1000_TCTL,
              E1000_TCTL_EN | E1000_TCTL_PSP | 0x0f << 4 | 0x40 << 12);
    d->tx_tail = 0;

    for (int i = 0; i < QE1000_RING_DESCS; i++) {
        d->rx_buf[i] = guest_alloc(&d->alloc, QE1000_BUF_SIZE);
        qe1000_put_rxd(d, i, d->rx_buf[i]);
    }
    d->rctl = E1000_RCTL_EN | E1000_RCTL_BAM | rctl_extra;
    qe1000_wr(d, E1000_RDBAL, (uint32_t)d->rx_ring);
    qe1000_wr(d, E1000_RDBAH, d->rx_ring >> 32);
    qe1000_wr(d, E1000_RDLEN, QE1000_RING_DESCS * 16);
    qe1000_wr(d, E1000_RDH, 0);
    qe1000_wr(d, E1000_RDT, 0);
    qe1000_wr(d, E1000_RCTL, d->rctl);
    qe1000_wr(d, E1000_RDT, QE1000_RING_DESCS - 1);
    d->rx_next = 0;
    qe1000_wr(d, E1000_IMS,
              E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_LSC |
                  E1000_ICR_RXDMT0 | E1000_ICR_RXO);
}

void qe1000_put_txd(QE1000 *d, uint64_t addr, uint32_t lower, uint32_t upper)
{
    E1000TxDesc desc = {.buffer_addr = addr, .lower = lower, .upper = upper};

    qtest_memwrite(d->qts, d->tx_ring + d->tx_tail * 16, &desc, sizeof(desc));
    d->tx_tail = (d->tx_tail + 1) % QE1000_RING_DESCS;
}

void qe1000_put_tx_ctx(QE1000 *d, const E1000TxContextDesc *c)
{
    qtest_memwrite(d->qts, d->tx_ring + d->tx_tail * 16, c, sizeof(*c));
    d->tx_tail = (d->tx_tail + 1) % QE1000_RING_DESCS;
}

uint8_t qe1000_txd_status(QE1000 *d, unsigned i)
{
    return qtest_readb(d->qts, d->tx_ring + i * 16 + 12);
}

void qe1000_put_rxd(QE1000 *d, unsigned i, uint64_t buf)
{
    E1000RxDesc desc = {.buffer_addr = buf};

    qtest_memwrite(d->qts, d->rx_ring + i * 16, &desc, sizeof(desc));
}

E1000RxDesc qe1000_get_rxd(QE1000 *d, unsigned i)
{
    E1000RxDesc desc;

    qtest_memread(d->qts, d->rx_ring + i * 16, &desc, sizeof(desc));
    return desc;
}

bool qe1000_send(QE1000 *d, const void *frame, size_t len, int timeout_ms)
{
    unsigned slot = d->tx_tail;

    QTEST_ASSERT(len <= QE1000_TX_BUF);
    qtest_memwrite(d->qts, d->tx_buf, frame, len);
    qe1000_put_txd(
        d, d->tx_buf,
        len | E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS, 0);
    qe1000_wr(d, E1000_TDT, d->tx_tail);
    /* Each qtest command lets the emulator's main loop run. */
    for (int waited = 0; waited <= timeout_ms; waited++) {
        if (qe1000_txd_status(d, slot) & E1000_TXD_STAT_DD) {
            return true;
        }
        g_usleep(1000);
    }
    return false;
}

ssize_t qe1000_recv(QE1000 *d, void *buf, size_t max, int timeout_ms)
{
    unsigned i = d->rx_next;
    E1000RxDesc desc;
    size_t len;

    for (int waited = 0;; waited++) {
        desc = qe1000_get_rxd(d, i);
        if (desc.status & E1000_RXD_STAT_DD) {
            break;
        }
        if (waited >= timeout_ms) {
            return -1;
        }
        g_usleep(1000);
    }
    QTEST_ASSERT(desc.status & E1000_RXD_STAT_EOP);
    QTEST_ASSERT(desc.errors == 0);
    len = desc.length;
    if (!(d->rctl & E1000_RCTL_SECRC)) {
        QTEST_ASSERT(len >= 4);
        len -= 4;
    }
    if (len > max) {
        qtest_fail("received a %zu-byte frame, room for %zu", len, max);
    }
    qtest_memread(d->qts, d->rx_buf[i], buf, len);
    /* Hand the descriptor back: RDT trails the next one to read. */
    qe1000_put_rxd(d, i, d->rx_buf[i]);
    qe1000_wr(d, E1000_RDT, i);
    d->rx_next = (i + 1) % QE1000_RING_DESCS;
    return len;
}
