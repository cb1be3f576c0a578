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
 *
 * Fast paths: with ioeventfd=on on an accelerator that has ioeventfds
 * (KVM), every queue's notify address (and the legacy QUEUE_NOTIFY port,
 * matched on the queue index) becomes the queue's host notifier at
 * DRIVER_OK; with MSI-X enabled on an accelerator with irqfd, every
 * queue's guest notifier is bound to an MSI route of its vector, attached
 * while the vector is unmasked (msix.h's vector notifiers).  Both are
 * undone at every reset, a status of 0, and unplug.  Read-only QOM
 * properties show them: x-ioeventfd-active, x-irqfd-active, and
 * x-notify-exits (queue notifications that reached the device by a vCPU
 * exit after DRIVER_OK).  User documentation: docs/user/virtio.md.
 *
 * For vhost (VirtioTransportOps): the fast paths are started before the
 * device's set_status sees DRIVER_OK, so vhost finds them in place;
 * set_host_notifier and set_guest_notifiers are idempotent per queue (a
 * queue already assigned or bound is left as it is).  Where the
 * accelerator has no ioeventfd, an assigned host notifier is signalled by
 * the transport's notify handlers instead; where it has no irqfd (or
 * MSI-X is off), a bound guest notifier is read by the core, which calls
 * the transport's notify.
 */
#ifndef KEMU_HW_VIRTIO_VIRTIO_PCI_H
#define KEMU_HW_VIRTIO_VIRTIO_PCI_H

#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_PCI "virtio-pci"
OBJECT_DECLARE_TYPE(VirtIOPCIProxy, VirtioPCIClass, VIRTIO_PCI)

/* Red Hat's virtio vendor ID; device IDs 0x1000 + n (transitional) and
 * 0x1040 + device_id (modern only). */
#define PCI_VENDOR_ID_REDHAT_QUMRANET    0x1af4
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4

/*
 * The layout the guest sees (QEMU's): the legacy registers in BAR 0 (I/O),
 * the MSI-X table and PBA in BAR 1, and the modern structures in BAR 4, a
 * 64-bit prefetchable memory BAR of VIRTIO_PCI_MODERN_BAR_SIZE bytes, one
 * 4 KiB page each.  A queue's notify address is queue_index *
 * VIRTIO_PCI_NOTIFY_MULT in the notify page.
 */
#define VIRTIO_PCI_LEGACY_BAR      0
#define VIRTIO_PCI_MSIX_BAR        1
#define VIRTIO_PCI_MODERN_BAR      4
#define VIRTIO_PCI_COMMON_OFFSET   0x0000
#define VIRTIO_PCI_ISR_OFFSET      0x1000
#define VIRTIO_PCI_DEVICE_OFFSET   0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET   0x3000
#define VIRTIO_PCI_REGION_SIZE     0x1000
#define VIRTIO_PCI_MODERN_BAR_SIZE 0x4000
#define VIRTIO_PCI_NOTIFY_MULT     4
/* Transitional device IDs start here, modern-only ones at 0x1040 + id. */
#define VIRTIO_PCI_DEVICE_ID_LEGACY_BASE 0x1000
#define VIRTIO_PCI_DEVICE_ID_MODERN_BASE 0x1040
/* The subsystem ID of a modern-only device (QEMU's PCI_SUBDEVICE_ID_QEMU). */
#define VIRTIO_PCI_SUBSYSTEM_ID_MODERN 0x1100
/*
 * vectors= left unset: the subclass's realize picks its default (virtio-net:
 * 2 * queue pairs + 2); if it does not, the device gets one vector per queue
 * plus one for configuration changes.
 */
#define DEV_NVECTORS_UNSPECIFIED 0xffffffffu

/*
 * The per-queue state of the transport.  The ring addresses the driver
 * writes through the modern common configuration (32 bits at a time) are
 * kept here and handed to the core when it enables the queue.  For the
 * fast paths: whether the queue's host notifier is registered as an
 * ioeventfd (@host_notifier), whether its guest notifier is bound
 * (@guest_notifier), and, when it is bound through irqfd, the KVM MSI
 * route of its @vector (@gsi, -1 for none) and whether the irqfd is
 * attached now (@irqfd: the vector is live, not masked).
 */
typedef struct VirtIOPCIQueue {
    uint32_t desc[2];
    uint32_t avail[2];
    uint32_t used[2];
    bool host_notifier;
    bool guest_notifier;
    bool irqfd;
    int gsi;
    uint16_t vector;
} VirtIOPCIQueue;

struct VirtIOPCIProxy {
    PCIDevice parent_obj;

    VirtIODevice *vdev; /* the embedded device, set by the subclass */

    /* properties */
    uint32_t nvectors; /* vectors= (MSI-X table size; 0: no MSI-X) */
    OnOffAuto disable_legacy;
    bool disable_modern;
    bool ioeventfd; /* ioeventfd= (default on) */

    /* what realize made of them */
    bool legacy;           /* BAR 0 and the legacy registers exist */
    bool modern;           /* BAR 4 and the virtio capabilities exist */
    uint8_t cfg_cap;       /* the VIRTIO_PCI_CAP_PCI_CFG capability */
    MachineState *machine; /* the fast paths' accelerator */

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
    uint16_t queue_sel; /* queue_select (modern) and QUEUE_SEL (legacy) */
    bool ioeventfd_started;
    bool guest_notifiers_bound; /* the transport's own irqfd binding */
    bool vector_notifiers;      /* msix_set_vector_notifiers is ours */
    uint64_t notify_exits;      /* x-notify-exits: notifications by exit */
    VirtIOPCIQueue vqs[VIRTIO_QUEUE_MAX];
};

/*
 * VirtioPCIClass - what a virtio-*-pci subclass provides.  It also sets
 * PCIDeviceClass.class_id (PCI_CLASS_NETWORK_ETHERNET...) and device_id,
 * the transitional ID (0x1000 for net); the transport writes the vendor,
 * device, revision and subsystem IDs itself from the device's virtio ID.
 * @realize: first thing in the transport's realize, before any BAR:
 *           virtio_init(vdev, DEVICE(proxy), pci_dma_as(pci), main loop),
 *           the queues, the backend; may set proxy->nvectors when it is
 *           DEV_NVECTORS_UNSPECIFIED.  The transport then installs its
 *           VirtioTransportOps and calls virtio_finalize_features().
 * @unrealize: last thing at unplug, after the transport let go of every
 *           notifier: the backend, virtio_cleanup().
 */
struct VirtioPCIClass {
    PCIDeviceClass parent_class;
    void (*realize)(VirtIOPCIProxy *proxy, Error **errp);
    void (*unrealize)(VirtIOPCIProxy *proxy);
};

#endif
