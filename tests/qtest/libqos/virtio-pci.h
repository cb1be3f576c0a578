/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport for libqos tests (virtio 1.2, 4.1), as Linux's
 * virtio_pci drivers use it: a virtio-*-pci function found by its IDs,
 * driven through the modern interface (the vendor capabilities in a memory
 * BAR) or the legacy one (the I/O BAR), with interrupts through MSI-X
 * messages that land in guest RAM, or through the ISR (and INTx).
 *
 *     QVirtioPCIDevice *dev = qvirtio_pci_device_find(bus, VIRTIO_ID_NET,
 *                                                     true);
 *     qvirtio_pci_device_enable(dev);
 *     qvirtio_start_device(&dev->vdev, features);     (virtio.h)
 *     vq = qvirtqueue_setup(&dev->vdev, alloc, 0);
 *     qvirtio_set_driver_ok(&dev->vdev);
 */
#ifndef KEMU_LIBQOS_VIRTIO_PCI_H
#define KEMU_LIBQOS_VIRTIO_PCI_H

#include "tests/qtest/libqos/pci.h"
#include "tests/qtest/libqos/virtio.h"

#define QVIRTIO_PCI_VENDOR_ID 0x1af4

typedef struct QVirtioPCIDevice {
    QVirtioDevice vdev;
    QPCIDevice *pdev;
    bool modern; /* the modern interface (else the legacy one) */
    QPCIBar bar; /* modern: the BAR of the capabilities; legacy: BAR 0 */
    int bar_idx;
    /* modern: where each structure is in @bar */
    uint64_t common_cfg, isr_cfg, device_cfg, notify_cfg;
    uint32_t notify_off_multiplier;
    /* MSI-X: the configuration vector and where its message lands */
    uint16_t config_msix_entry; /* VIRTIO_MSI_NO_VECTOR: none */
    uint64_t config_msix_addr;
    uint32_t config_msix_data;
} QVirtioPCIDevice;

/* A queue of a PCI device: its notify offset and MSI-X vector. */
typedef struct QVirtQueuePCI {
    QVirtQueue vq;
    uint16_t notify_off;
    uint16_t msix_entry; /* VIRTIO_MSI_NO_VECTOR: none */
    uint64_t msix_addr;
    uint32_t msix_data;
} QVirtQueuePCI;

/**
 * qvirtio_pci_device_find - the first virtio function of @device_type
 * (VIRTIO_ID_*): transitional (1af4:1000-103f with subsystem ID
 * @device_type) or modern (1af4:1040 + @device_type).  @modern picks the
 * interface the driver will use (a modern-only device needs true, a
 * legacy-only one false).  NULL if there is none.
 */
QVirtioPCIDevice *qvirtio_pci_device_find(QPCIBus *bus, uint16_t device_type,
                                          bool modern);
/** qvirtio_pci_device_find_at - the same for the function at @devfn. */
QVirtioPCIDevice *qvirtio_pci_device_find_at(QPCIBus *bus, int devfn,
                                             bool modern);
/**
 * qvirtio_pci_device_enable - decoding and bus mastering on, the
 * interface's BAR mapped (modern: the capabilities found and checked).
 */
void qvirtio_pci_device_enable(QVirtioPCIDevice *d);
void qvirtio_pci_device_disable(QVirtioPCIDevice *d);
void qvirtio_pci_device_free(QVirtioPCIDevice *d);

/**
 * qvirtio_pci_find_cap - the config offset of the virtio vendor
 * capability of @cfg_type (VIRTIO_PCI_CAP_*), or 0.
 */
uint8_t qvirtio_pci_find_cap(QPCIDevice *pdev, uint8_t cfg_type);

/**
 * qvirtio_pci_msix_enable - enable MSI-X on the function (maps its BAR).
 * Queues and the configuration then interrupt through the vectors set
 * below; with none set, nothing is sent (VIRTIO_MSI_NO_VECTOR).
 */
void qvirtio_pci_msix_enable(QVirtioPCIDevice *d);
void qvirtio_pci_msix_disable(QVirtioPCIDevice *d);
/**
 * qvirtio_pci_set_msix_configuration_vector - point table entry @entry
 * at 4 bytes of guest RAM from @alloc and make it the config vector.
 */
void qvirtio_pci_set_msix_configuration_vector(QVirtioPCIDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t entry);
/** qvirtqueue_pci_msix_setup - the same for queue @vq. */
void qvirtqueue_pci_msix_setup(QVirtioPCIDevice *d, QVirtQueuePCI *vq,
                               QGuestAllocator *alloc, uint16_t entry);

/**
 * qvirtio_pci_queue_set_rings - modern interface: give queue @index the
 * descriptor area @desc, driver area @driver and device area @device (a
 * split ring's avail/used rings, or a packed ring's event suppression
 * structures) and enable it.  For rings the test lays out itself.
 *
 * Return: the queue's notify offset (for qvirtio_pci_queue_notify).
 */
uint16_t qvirtio_pci_queue_set_rings(QVirtioPCIDevice *d, uint16_t index,
                                     uint64_t desc, uint64_t driver,
                                     uint64_t device);
/** qvirtio_pci_queue_notify - notify queue @index (legacy: @notify_off
 *  is ignored). */
void qvirtio_pci_queue_notify(QVirtioPCIDevice *d, uint16_t index,
                              uint16_t notify_off);

/* Register access on the interface in use (the common configuration on
 * modern, the legacy registers on legacy), for tests that poke directly. */
uint8_t qvirtio_pci_common_readb(QVirtioPCIDevice *d, uint64_t off);
uint16_t qvirtio_pci_common_readw(QVirtioPCIDevice *d, uint64_t off);
uint32_t qvirtio_pci_common_readl(QVirtioPCIDevice *d, uint64_t off);
void qvirtio_pci_common_writeb(QVirtioPCIDevice *d, uint64_t off, uint8_t v);
void qvirtio_pci_common_writew(QVirtioPCIDevice *d, uint64_t off, uint16_t v);
void qvirtio_pci_common_writel(QVirtioPCIDevice *d, uint64_t off, uint32_t v);
/** qvirtio_pci_isr_read - read (and so clear) the ISR byte. */
uint8_t qvirtio_pci_isr_read(QVirtioPCIDevice *d);

static inline QVirtioPCIDevice *qvirtio_pci_of(QVirtioDevice *vdev)
{
    return (QVirtioPCIDevice *)vdev;
}

#endif
