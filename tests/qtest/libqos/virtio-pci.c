/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libqos virtio PCI transport (see virtio-pci.h): the modern common
 * configuration and notify structures found through the vendor
 * capabilities, or the legacy registers; MSI-X messages into guest RAM.
 */
#include <linux/virtio_pci.h>
#include "tests/qtest/libqos/virtio-pci.h"

#define QVIRTIO_PCI_DEVICE_ID_LEGACY_BASE 0x1000
#define QVIRTIO_PCI_DEVICE_ID_MODERN_BASE 0x1040
#define QVIRTIO_PCI_VRING_ALIGN           4096
#define QVIRTIO_PCI_ISR_QUEUE             0x1
#define QPCI_CAP_ID_VNDR                  0x09

static QVirtioPCIDevice *to_pci(QVirtioDevice *d)
{
    return qvirtio_pci_of(d);
}

/* ---- Register access ---- */

static uint64_t common_addr(QVirtioPCIDevice *d, uint64_t off)
{
    return d->modern ? d->common_cfg + off : off;
}

uint8_t qvirtio_pci_common_readb(QVirtioPCIDevice *d, uint64_t off)
{
    return qpci_io_readb(d->pdev, d->bar, common_addr(d, off));
}

uint16_t qvirtio_pci_common_readw(QVirtioPCIDevice *d, uint64_t off)
{
    return qpci_io_readw(d->pdev, d->bar, common_addr(d, off));
}

uint32_t qvirtio_pci_common_readl(QVirtioPCIDevice *d, uint64_t off)
{
    return qpci_io_readl(d->pdev, d->bar, common_addr(d, off));
}

void qvirtio_pci_common_writeb(QVirtioPCIDevice *d, uint64_t off, uint8_t v)
{
    qpci_io_writeb(d->pdev, d->bar, common_addr(d, off), v);
}

void qvirtio_pci_common_writew(QVirtioPCIDevice *d, uint64_t off, uint16_t v)
{
    qpci_io_writew(d->pdev, d->bar, common_addr(d, off), v);
}

void qvirtio_pci_common_writel(QVirtioPCIDevice *d, uint64_t off, uint32_t v)
{
    qpci_io_writel(d->pdev, d->bar, common_addr(d, off), v);
}

uint8_t qvirtio_pci_isr_read(QVirtioPCIDevice *d)
{
    return qpci_io_readb(d->pdev, d->bar,
                         d->modern ? d->isr_cfg : VIRTIO_PCI_ISR);
}

/* The device-specific configuration: after the legacy registers (24
 * bytes of them while MSI-X is on), or the modern device structure. */
static uint64_t config_addr(QVirtioPCIDevice *d, uint64_t off)
{
    if (d->modern) {
        return d->device_cfg + off;
    }
    return VIRTIO_PCI_CONFIG_OFF(d->pdev->msix_enabled) + off;
}

static uint8_t pci_config_readb(QVirtioDevice *vd, uint64_t off)
{
    QVirtioPCIDevice *d = to_pci(vd);

    return qpci_io_readb(d->pdev, d->bar, config_addr(d, off));
}

static uint16_t pci_config_readw(QVirtioDevice *vd, uint64_t off)
{
    QVirtioPCIDevice *d = to_pci(vd);

    return qpci_io_readw(d->pdev, d->bar, config_addr(d, off));
}

static uint32_t pci_config_readl(QVirtioDevice *vd, uint64_t off)
{
    QVirtioPCIDevice *d = to_pci(vd);

    return qpci_io_readl(d->pdev, d->bar, config_addr(d, off));
}

/* Two 32-bit reads, retried while the config generation moves. */
static uint64_t pci_config_readq(QVirtioDevice *vd, uint64_t off)
{
    QVirtioPCIDevice *d = to_pci(vd);
    uint8_t gen;
    uint64_t val;

    do {
        gen = d->modern
                  ? qvirtio_pci_common_readb(d, VIRTIO_PCI_COMMON_CFGGENERATION)
                  : 0;
        val = pci_config_readl(vd, off) |
              (uint64_t)pci_config_readl(vd, off + 4) << 32;
    } while (d->modern && gen != qvirtio_pci_common_readb(
                                     d, VIRTIO_PCI_COMMON_CFGGENERATION));
    return val;
}

static void pci_config_writeb(QVirtioDevice *vd, uint64_t off, uint8_t v)
{
    QVirtioPCIDevice *d = to_pci(vd);

    qpci_io_writeb(d->pdev, d->bar, config_addr(d, off), v);
}

/* ---- Features and status ---- */

/*
 * A 64-bit feature word: the legacy register @legacy (32 bits), or the
 * modern window @win read at select 0 and 1 through @sel.
 */
static uint64_t read_features(QVirtioPCIDevice *d, unsigned legacy,
                              unsigned sel, unsigned win)
{
    uint64_t lo, hi;

    if (!d->modern) {
        return qvirtio_pci_common_readl(d, legacy);
    }
    qvirtio_pci_common_writel(d, sel, 0);
    lo = qvirtio_pci_common_readl(d, win);
    qvirtio_pci_common_writel(d, sel, 1);
    hi = qvirtio_pci_common_readl(d, win);
    return hi << 32 | lo;
}

static uint64_t pci_get_features(QVirtioDevice *vd)
{
    return read_features(to_pci(vd), VIRTIO_PCI_HOST_FEATURES,
                         VIRTIO_PCI_COMMON_DFSELECT, VIRTIO_PCI_COMMON_DF);
}

static void pci_set_features(QVirtioDevice *vd, uint64_t features)
{
    QVirtioPCIDevice *d = to_pci(vd);

    if (!d->modern) {
        qvirtio_pci_common_writel(d, VIRTIO_PCI_GUEST_FEATURES, features);
        return;
    }
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_GFSELECT, 0);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_GF, features);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_GFSELECT, 1);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_GF, features >> 32);
}

static uint64_t pci_get_guest_features(QVirtioDevice *vd)
{
    return read_features(to_pci(vd), VIRTIO_PCI_GUEST_FEATURES,
                         VIRTIO_PCI_COMMON_GFSELECT, VIRTIO_PCI_COMMON_GF);
}

static uint8_t pci_get_status(QVirtioDevice *vd)
{
    QVirtioPCIDevice *d = to_pci(vd);

    return qvirtio_pci_common_readb(d, d->modern ? VIRTIO_PCI_COMMON_STATUS
                                                 : VIRTIO_PCI_STATUS);
}

static void pci_set_status(QVirtioDevice *vd, uint8_t status)
{
    QVirtioPCIDevice *d = to_pci(vd);

    qvirtio_pci_common_writeb(
        d, d->modern ? VIRTIO_PCI_COMMON_STATUS : VIRTIO_PCI_STATUS, status);
}

/* An MSI-X message at @addr carrying @data: consume it. */
static bool msix_landed(QVirtioPCIDevice *d, uint64_t addr, uint32_t data)
{
    if (qtest_readl(d->vdev.qts, addr) != data) {
        return false;
    }
    qtest_writel(d->vdev.qts, addr, 0);
    return true;
}

static bool pci_get_queue_isr_status(QVirtioDevice *vd, QVirtQueue *vq)
{
    QVirtioPCIDevice *d = to_pci(vd);
    QVirtQueuePCI *vqpci = (QVirtQueuePCI *)vq;

    if (d->pdev->msix_enabled) {
        return vqpci->msix_entry != VIRTIO_MSI_NO_VECTOR &&
               msix_landed(d, vqpci->msix_addr, vqpci->msix_data);
    }
    return qvirtio_pci_isr_read(d) & QVIRTIO_PCI_ISR_QUEUE;
}

static bool pci_get_config_isr_status(QVirtioDevice *vd)
{
    QVirtioPCIDevice *d = to_pci(vd);

    if (d->pdev->msix_enabled) {
        return d->config_msix_entry != VIRTIO_MSI_NO_VECTOR &&
               msix_landed(d, d->config_msix_addr, d->config_msix_data);
    }
    return qvirtio_pci_isr_read(d) & VIRTIO_PCI_ISR_CONFIG;
}

/* ---- Queues ---- */

static void pci_queue_select(QVirtioDevice *vd, uint16_t index)
{
    QVirtioPCIDevice *d = to_pci(vd);

    qvirtio_pci_common_writew(
        d, d->modern ? VIRTIO_PCI_COMMON_Q_SELECT : VIRTIO_PCI_QUEUE_SEL,
        index);
}

static uint16_t pci_get_queue_size(QVirtioDevice *vd)
{
    QVirtioPCIDevice *d = to_pci(vd);

    return qvirtio_pci_common_readw(d, d->modern ? VIRTIO_PCI_COMMON_Q_SIZE
                                                 : VIRTIO_PCI_QUEUE_NUM);
}

static QVirtQueue *pci_virtqueue_setup(QVirtioDevice *vd,
                                       QGuestAllocator *alloc, uint16_t index)
{
    QVirtioPCIDevice *d = to_pci(vd);
    QVirtQueuePCI *vqpci = g_new0(QVirtQueuePCI, 1);
    QVirtQueue *vq = &vqpci->vq;
    uint64_t ring;

    pci_queue_select(vd, index);
    vq->vdev = vd;
    vq->index = index;
    vq->size = pci_get_queue_size(vd);
    vq->align = QVIRTIO_PCI_VRING_ALIGN;
    vq->indirect = vd->features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
    vq->event_idx = vd->features & (1ull << VIRTIO_RING_F_EVENT_IDX);
    vqpci->msix_entry = VIRTIO_MSI_NO_VECTOR;
    if (vq->size == 0 || (vq->size & (vq->size - 1))) {
        qtest_fail("virtio-pci: queue %u has size %u", index, vq->size);
    }
    ring = guest_alloc(alloc, qvring_size(vq->size, vq->align));
    qvring_init(vd->qts, vq, ring);
    if (!d->modern) {
        qvirtio_pci_common_writel(d, VIRTIO_PCI_QUEUE_PFN,
                                  ring >> VIRTIO_PCI_QUEUE_ADDR_SHIFT);
        return vq;
    }
    vqpci->notify_off =
        qvirtio_pci_queue_set_rings(d, index, vq->desc, vq->avail, vq->used);
    return vq;
}

uint16_t qvirtio_pci_queue_set_rings(QVirtioPCIDevice *d, uint16_t index,
                                     uint64_t desc, uint64_t driver,
                                     uint64_t device)
{
    g_assert(d->modern);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_SELECT, index);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_DESCLO, desc);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_DESCHI, desc >> 32);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_AVAILLO, driver);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_AVAILHI, driver >> 32);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_USEDLO, device);
    qvirtio_pci_common_writel(d, VIRTIO_PCI_COMMON_Q_USEDHI, device >> 32);
    qvirtio_pci_common_writew(d, VIRTIO_PCI_COMMON_Q_ENABLE, 1);
    return qvirtio_pci_common_readw(d, VIRTIO_PCI_COMMON_Q_NOFF);
}

void qvirtio_pci_queue_notify(QVirtioPCIDevice *d, uint16_t index,
                              uint16_t notify_off)
{
    if (!d->modern) {
        qvirtio_pci_common_writew(d, VIRTIO_PCI_QUEUE_NOTIFY, index);
        return;
    }
    qpci_io_writew(
        d->pdev, d->bar,
        d->notify_cfg + (uint64_t)notify_off * d->notify_off_multiplier, index);
}

static void pci_virtqueue_cleanup(QVirtQueue *vq, QGuestAllocator *alloc)
{
    QVirtioPCIDevice *d = to_pci(vq->vdev);

    if (!d->modern) {
        pci_queue_select(vq->vdev, vq->index);
        qvirtio_pci_common_writel(d, VIRTIO_PCI_QUEUE_PFN, 0);
    }
    guest_free(alloc, vq->ring_mem);
    g_free(vq);
}

static void pci_virtqueue_kick(QVirtioDevice *vd, QVirtQueue *vq)
{
    qvirtio_pci_queue_notify(to_pci(vd), vq->index,
                             ((QVirtQueuePCI *)vq)->notify_off);
}

static const QVirtioBus qvirtio_pci_bus = {
    .config_readb = pci_config_readb,
    .config_readw = pci_config_readw,
    .config_readl = pci_config_readl,
    .config_readq = pci_config_readq,
    .config_writeb = pci_config_writeb,
    .get_features = pci_get_features,
    .set_features = pci_set_features,
    .get_guest_features = pci_get_guest_features,
    .get_status = pci_get_status,
    .set_status = pci_set_status,
    .get_queue_isr_status = pci_get_queue_isr_status,
    .get_config_isr_status = pci_get_config_isr_status,
    .queue_select = pci_queue_select,
    .get_queue_size = pci_get_queue_size,
    .virtqueue_setup = pci_virtqueue_setup,
    .virtqueue_cleanup = pci_virtqueue_cleanup,
    .virtqueue_kick = pci_virtqueue_kick,
};

/* ---- Finding and enabling ---- */

static uint16_t virtio_type_of(QPCIDevice *pdev)
{
    uint16_t id = qpci_config_readw(pdev, QPCI_DEVICE_ID);

    if (id >= QVIRTIO_PCI_DEVICE_ID_MODERN_BASE) {
        return id - QVIRTIO_PCI_DEVICE_ID_MODERN_BASE;
    }
    if (id >= QVIRTIO_PCI_DEVICE_ID_LEGACY_BASE) {
        return qpci_config_readw(pdev, QPCI_SUBSYSTEM_ID);
    }
    return 0;
}

static QVirtioPCIDevice *device_new(QPCIDevice *pdev, bool modern)
{
    QVirtioPCIDevice *d = g_new0(QVirtioPCIDevice, 1);

    d->pdev = pdev;
    d->modern = modern;
    d->vdev.bus = &qvirtio_pci_bus;
    d->vdev.qts = pdev->bus->qts;
    d->vdev.device_type = virtio_type_of(pdev);
    d->config_msix_entry = VIRTIO_MSI_NO_VECTOR;
    return d;
}

QVirtioPCIDevice *qvirtio_pci_device_find_at(QPCIBus *bus, int devfn,
                                             bool modern)
{
    QPCIDevice *pdev = qpci_device_find(bus, devfn);

    if (!pdev) {
        return NULL;
    }
    if (qpci_config_readw(pdev, QPCI_VENDOR_ID) != QVIRTIO_PCI_VENDOR_ID) {
        g_free(pdev);
        return NULL;
    }
    return device_new(pdev, modern);
}

typedef struct FindArgs {
    uint16_t type;
    QPCIDevice *found;
} FindArgs;

static void find_cb(QPCIDevice *pdev, int devfn, void *data)
{
    FindArgs *a = data;

    if (!a->found && virtio_type_of(pdev) == a->type) {
        a->found = pdev;
        return;
    }
    g_free(pdev);
}

QVirtioPCIDevice *qvirtio_pci_device_find(QPCIBus *bus, uint16_t device_type,
                                          bool modern)
{
    FindArgs a = {.type = device_type};

    qpci_device_foreach(bus, QVIRTIO_PCI_VENDOR_ID, -1, find_cb, &a);
    return a.found ? device_new(a.found, modern) : NULL;
}

uint8_t qvirtio_pci_find_cap(QPCIDevice *pdev, uint8_t cfg_type)
{
    for (uint8_t pos = qpci_find_capability(pdev, QPCI_CAP_ID_VNDR, 0); pos;
         pos = qpci_find_capability(pdev, QPCI_CAP_ID_VNDR, pos)) {
        if (qpci_config_readb(pdev, pos + VIRTIO_PCI_CAP_CFG_TYPE) ==
            cfg_type) {
            return pos;
        }
    }
    return 0;
}

/* The offset of a structure in its BAR; all must share one BAR. */
static uint64_t modern_struct(QVirtioPCIDevice *d, uint8_t cfg_type)
{
    uint8_t pos = qvirtio_pci_find_cap(d->pdev, cfg_type);
    int bar;

    if (!pos) {
        qtest_fail("virtio-pci: no capability of type %u", cfg_type);
    }
    bar = qpci_config_readb(d->pdev, pos + VIRTIO_PCI_CAP_BAR);
    if (d->bar_idx < 0) {
        d->bar_idx = bar;
    } else if (bar != d->bar_idx) {
        qtest_fail("virtio-pci: capability %u in BAR %d, others in BAR %d",
                   cfg_type, bar, d->bar_idx);
    }
    return qpci_config_readl(d->pdev, pos + VIRTIO_PCI_CAP_OFFSET);
}

void qvirtio_pci_device_enable(QVirtioPCIDevice *d)
{
    qpci_device_enable(d->pdev);
    if (!d->modern) {
        d->bar_idx = 0;
        d->bar = qpci_iomap(d->pdev, 0, NULL);
        return;
    }
    d->bar_idx = -1;
    d->common_cfg = modern_struct(d, VIRTIO_PCI_CAP_COMMON_CFG);
    d->isr_cfg = modern_struct(d, VIRTIO_PCI_CAP_ISR_CFG);
    d->device_cfg = modern_struct(d, VIRTIO_PCI_CAP_DEVICE_CFG);
    d->notify_cfg = modern_struct(d, VIRTIO_PCI_CAP_NOTIFY_CFG);
    d->notify_off_multiplier = qpci_config_readl(
        d->pdev, qvirtio_pci_find_cap(d->pdev, VIRTIO_PCI_CAP_NOTIFY_CFG) +
                     VIRTIO_PCI_NOTIFY_CAP_MULT);
    d->bar = qpci_iomap(d->pdev, d->bar_idx, NULL);
}

void qvirtio_pci_device_disable(QVirtioPCIDevice *d)
{
    qpci_iounmap(d->pdev, d->bar);
}

void qvirtio_pci_device_free(QVirtioPCIDevice *d)
{
    if (d) {
        g_free(d->pdev);
        g_free(d);
    }
}

/* ---- MSI-X ---- */

void qvirtio_pci_msix_enable(QVirtioPCIDevice *d)
{
    qpci_msix_enable(d->pdev);
}

void qvirtio_pci_msix_disable(QVirtioPCIDevice *d)
{
    qpci_msix_disable(d->pdev);
}

void qvirtio_pci_set_msix_configuration_vector(QVirtioPCIDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t entry)
{
    uint64_t off =
        d->modern ? VIRTIO_PCI_COMMON_MSIX : VIRTIO_MSI_CONFIG_VECTOR;

    QTEST_ASSERT(d->pdev->msix_enabled);
    d->config_msix_entry = entry;
    d->config_msix_data = 0x12340000 | entry;
    d->config_msix_addr = guest_alloc(alloc, 4);
    qtest_writel(d->vdev.qts, d->config_msix_addr, 0);
    qpci_msix_set_entry(d->pdev, entry, d->config_msix_addr,
                        d->config_msix_data);
    qvirtio_pci_common_writew(d, off, entry);
    if (qvirtio_pci_common_readw(d, off) != entry) {
        qtest_fail("virtio-pci: config vector %u refused", entry);
    }
}

void qvirtqueue_pci_msix_setup(QVirtioPCIDevice *d, QVirtQueuePCI *vq,
                               QGuestAllocator *alloc, uint16_t entry)
{
    uint64_t off =
        d->modern ? VIRTIO_PCI_COMMON_Q_MSIX : VIRTIO_MSI_QUEUE_VECTOR;

    QTEST_ASSERT(d->pdev->msix_enabled);
    vq->msix_entry = entry;
    vq->msix_data = 0x56780000 | entry;
    vq->msix_addr = guest_alloc(alloc, 4);
    qtest_writel(d->vdev.qts, vq->msix_addr, 0);
    qpci_msix_set_entry(d->pdev, entry, vq->msix_addr, vq->msix_data);
    pci_queue_select(&d->vdev, vq->vq.index);
    qvirtio_pci_common_writew(d, off, entry);
    if (qvirtio_pci_common_readw(d, off) != entry) {
        qtest_fail("virtio-pci: queue %u vector %u refused", vq->vq.index,
                   entry);
    }
}
