/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport's fast paths, private to hw/virtio/virtio-pci*.c
 * (the contract for everyone else is virtio-pci.h): ioeventfds for the
 * driver's queue notifications, irqfds on MSI routes for the device's
 * queue interrupts, and the VirtioTransportOps vhost calls for them.
 * Every function takes the proxy (as void * where it is a transport op).
 */
#ifndef KEMU_HW_VIRTIO_VIRTIO_PCI_NOTIFY_H
#define KEMU_HW_VIRTIO_VIRTIO_PCI_NOTIFY_H

#include "hw/virtio/virtio-pci.h"

/** VirtioTransportOps.ioeventfd_enabled: ioeventfd=on and KVM has them. */
bool virtio_pci_ioeventfd_enabled(void *opaque);
/**
 * VirtioTransportOps.set_host_notifier - register (@assign) or remove
 * queue @n's host notifier as the ioeventfd of its notify address (and of
 * the legacy QUEUE_NOTIFY port with the queue index as data).  A queue
 * already in the asked state is left alone.  0, or -errno.
 */
int virtio_pci_set_host_notifier(void *opaque, int n, bool assign);
/**
 * VirtioTransportOps.set_guest_notifiers - bind (@assign) or unbind the
 * guest notifiers of queues 0..@nvqs-1: through an MSI route and irqfd
 * when MSI-X is on and KVM has irqfd (attached while the vector is
 * unmasked), else read by the core.  Bound queues are left alone.
 */
int virtio_pci_set_guest_notifiers(void *opaque, int nvqs, bool assign);
/** VirtioTransportOps.query_guest_notifiers: MSI-X on and irqfd there. */
bool virtio_pci_query_guest_notifiers(void *opaque);

/**
 * virtio_pci_start_fast_paths - at the driver's DRIVER_OK (before the
 * device's set_status): ioeventfds for every queue with a size whose host
 * notifier is not assigned yet (the core reads them), irqfds for every
 * queue when usable; one -d int line says what is on.
 */
void virtio_pci_start_fast_paths(VirtIOPCIProxy *proxy);
/** virtio_pci_stop_fast_paths - undo what start did (reset, status 0). */
void virtio_pci_stop_fast_paths(VirtIOPCIProxy *proxy);
/**
 * virtio_pci_set_queue_vector - the driver gave queue @n @vector (checked
 * by the caller): a bound queue moves to the new vector's route.
 */
void virtio_pci_set_queue_vector(VirtIOPCIProxy *proxy, int n, uint16_t vector);
/**
 * virtio_pci_release_notifiers - at unplug: every ioeventfd, irqfd, route
 * and the MSI-X vector notifiers, whoever set them up (vhost included).
 */
void virtio_pci_release_notifiers(VirtIOPCIProxy *proxy);

#endif
