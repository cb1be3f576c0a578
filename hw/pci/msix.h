/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus Specification 3.0, 6.8.2): a vector table and a
 * pending-bit array in a BAR.  msix_notify() sends a vector's message
 * unless the vector or the whole function is masked; a masked vector's
 * pending bit is set and the message goes out when it is unmasked.
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
/* Called by the PCI core. */
void msix_write_config(PCIDevice *dev, uint32_t addr, int len);
void msix_reset(PCIDevice *dev);

#endif
