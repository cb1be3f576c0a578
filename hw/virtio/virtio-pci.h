/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport (virtio 1.2, 4.1): the abstract PCI device
 * TYPE_VIRTIO_PCI that every `-device virtio-*-pci` derives from.  It
 * exposes its VirtIODevice as a transitional device by default, as QEMU
 * does:
 *   - the modern interface: vendor capabilities for the common, notify,
 *     ISR and device configuration structures in a 64-bit memory BAR (4),
 *     and MSI-X (BAR 1);
 *   - the legacy interface in an I/O BAR (0);
 * with `disable-legacy=`, `disable-modern=` and `vectors=` properties.
 * Queue notifications go through ioeventfd where the accelerator has it
 * (KVM), and interrupts through irqfd on MSI-X vectors (KVM MSI routes);
 * under -accel qtest everything goes through ordinary dispatch.
 *
 * A subclass (virtio-net-pci) embeds its device state after the proxy,
 * points @vdev at its VirtIODevice in instance_init, and sets
 * VirtioPCIClass.realize to realize that device (virtio_init, queues);
 * the proxy then builds its BARs and capabilities around it.
 */
#ifndef KEMU_HW_VIRTIO_VIRTIO_PCI_H
#define KEMU_HW_VIRTIO_VIRTIO_PCI_H

#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_PCI "virtio-pci"
OBJECT_DECLARE_TYPE(VirtIOPCIProxy, VirtioPCIClass, VIRTIO_PCI)

/* Red Hat's virtio vendor ID; device IDs 0x1000 + n (transitional) and
 * 0x1040 + device_id (modern only). */
#define PCI_VENDOR_ID_REDHAT_QUMRANET    0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4

/*
 * The per-queue state the transport keeps for irqfd: the KVM MSI route
 * (GSI) of the queue's vector while the vector is unmasked, -1 otherwise.
 */
typedef struct VirtIOPCIQueue {
    int gsi;
    bool irqfd;
} VirtIOPCIQueue;

struct VirtIOPCIProxy {
    PCIDevice parent_obj;

    VirtIODevice *vdev; /* the embedded device, set by the subclass */

    /* properties */
    uint32_t nvectors; /* vectors= (MSI-X table size; 0: no MSI-X) */
    OnOffAuto disable_legacy;
    bool disable_modern;
    bool ioeventfd; /* ioeventfd= (default on) */

    /* BARs */
    MemoryRegion legacy_io;  /* BAR 0 */
    MemoryRegion modern_bar; /* BAR 4: common, ISR, device, notify */
    MemoryRegion common;
    MemoryRegion isr;
    MemoryRegion device;
    MemoryRegion notify;

    /* modern common configuration selectors */
    uint32_t dfselect;
    uint32_t gfselect;
    uint32_t guest_features[2];
    bool ioeventfd_started;
    bool guest_notifiers_bound;
    VirtIOPCIQueue vqs[VIRTIO_QUEUE_MAX];
};

struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    /* realize the embedded device (virtio_init, queues, backend) */
    void (*realize)(VirtIOPCIProxy *proxy, Error **errp);
    /* unrealize it (virtio_cleanup, backend) */
    void (*unrealize)(VirtIOPCIProxy *proxy);
};

#endif
