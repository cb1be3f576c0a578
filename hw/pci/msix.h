/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus Specification 3.0, 6.8.2): a vector table and a
 * pending-bit array in a BAR.  msix_notify() sends a vector's message
 * unless the vector or the whole function is masked; a masked vector's
 * pending bit is set and the message goes out when it is unmasked.  A
 * device can be told when each vector becomes live or masked (vector
 * notifiers) to deliver it itself (virtio-pci's irqfds).
 */
#ifndef KEMU_HW_PCI_MSIX_H
#define KEMU_HW_PCI_MSIX_H

#include "hw/pci/pci.h"

/**
 * msix_init - nentries vectors: the table at table_offset in table_bar
 * (a BAR region the caller registers), the PBA at pba_offset in pba_bar;
 * the capability at cap_pos (0: anywhere).  Returns 0 on success, or a
 * negative errno with errp set (-EINVAL: a bad vector count, a capability
 * that overlaps or does not fit): QEMU's convention.
 */
int msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *table_bar,
              uint8_t table_bar_nr, unsigned table_offset,
              MemoryRegion *pba_bar, uint8_t pba_bar_nr, unsigned pba_offset,
              uint8_t cap_pos, Error **errp);
/**
 * msix_init_exclusive_bar - a BAR of its own (bar_nr) holding the table
 * at 0 and the PBA after it, registered by this call.  Returns as
 * msix_init().
 */
int msix_init_exclusive_bar(PCIDevice *dev, unsigned nentries, uint8_t bar_nr,
                            Error **errp);
void msix_uninit(PCIDevice *dev);
bool msix_enabled(const PCIDevice *dev);
bool msix_is_masked(const PCIDevice *dev, unsigned vector);
bool msix_is_pending(const PCIDevice *dev, unsigned vector);
/** msix_notify - signal vector (pending if masked). */
void msix_notify(PCIDevice *dev, unsigned vector);
unsigned msix_nr_vectors(const PCIDevice *dev);
/**
 * MSIMessage - what a vector sends: a 32-bit write of @data at @address.
 */
typedef struct MSIMessage {
    uint64_t address;
    uint32_t data;
} MSIMessage;

/** msix_get_message - the message table entry @vector holds now. */
MSIMessage msix_get_message(const PCIDevice *dev, unsigned vector);

/**
 * Vector notifiers (QEMU's msix_set_vector_notifiers), for a device that
 * delivers a vector outside msix_notify() (KVM irqfd on an MSI route):
 * @use: the vector became live -- MSI-X enabled, the function and the
 *       vector unmasked -- or a live vector's address or data changed;
 *       @msg is its message now.  Returns 0 or a negative errno (the
 *       device then keeps using msix_notify() for it).
 * @release: the vector is masked again (or MSI-X disabled, or the
 *       notifiers are being unset): stop delivering it directly; what
 *       arrives while masked must go through msix_notify(), which sets
 *       the pending bit.
 * @poll: the guest reads the PBA: report vectors start..end-1 that are
 *       masked and have an event waiting (msix_set_pending()); may be
 *       NULL.
 * On an unmask, @use runs first, then a pending message is sent.
 */
typedef int (*MSIVectorUseNotifier)(PCIDevice *dev, unsigned vector,
                                    MSIMessage msg);
typedef void (*MSIVectorReleaseNotifier)(PCIDevice *dev, unsigned vector);
typedef void (*MSIVectorPollNotifier)(PCIDevice *dev, unsigned start,
                                      unsigned end);

/**
 * msix_set_vector_notifiers - install the notifiers and call @use for
 * every vector live now (then @poll over all of them).  Returns 0, or the
 * first negative errno of @use, in which case the vectors already used
 * are released and nothing stays installed.
 */
int msix_set_vector_notifiers(PCIDevice *dev, MSIVectorUseNotifier use,
                              MSIVectorReleaseNotifier release,
                              MSIVectorPollNotifier poll);
/**
 * msix_unset_vector_notifiers - call @release for every live vector and
 * remove the notifiers (before the device goes, and before msix_uninit).
 */
void msix_unset_vector_notifiers(PCIDevice *dev);
/** msix_set_pending - mark @vector pending (a poll notifier's report). */
void msix_set_pending(PCIDevice *dev, unsigned vector);

/* Called by the PCI core. */
void msix_write_config(PCIDevice *dev, uint32_t addr, int len);
void msix_reset(PCIDevice *dev);

#endif
