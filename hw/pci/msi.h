/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI (PCI Local Bus Specification 3.0, 6.8.1): a capability whose address
 * and data the guest programs; msi_notify() sends the message for a vector
 * unless it is masked, in which case it is left pending until unmasked.
 */
#ifndef KEMU_HW_PCI_MSI_H
#define KEMU_HW_PCI_MSI_H

#include "hw/pci/pci.h"

/**
 * msi_init - add an MSI capability at offset (0: anywhere) for nr_vectors
 * (a power of two, 1..32), with 64-bit addresses and per-vector masking as
 * asked.  Returns 0 on success, or a negative errno with errp set
 * (-EINVAL: the capability overlaps another or does not fit): QEMU's
 * convention, so `if (msi_init(...)) { fail; }` and `< 0` both read right.
 * The capability's offset is then dev->msi_cap.
 */
int msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors, bool msi64bit,
             bool per_vector_mask, Error **errp);
/** msi_enabled - whether the guest turned MSI on. */
bool msi_enabled(const PCIDevice *dev);
/** msi_nr_vectors_allocated - how many vectors the guest enabled. */
unsigned msi_nr_vectors_allocated(const PCIDevice *dev);
/** msi_notify - signal vector (sets the pending bit if it is masked). */
void msi_notify(PCIDevice *dev, unsigned vector);
/** msi_is_masked - whether vector is masked. */
bool msi_is_masked(const PCIDevice *dev, unsigned vector);
/* Called by the PCI core. */
void msi_write_config(PCIDevice *dev, uint32_t addr, int len);
void msi_reset(PCIDevice *dev);

#endif
