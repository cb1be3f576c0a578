/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI capability (PCI Local Bus Specification 3.0, 6.8.1).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/msi.h"

static uint16_t msi_flags(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msi_cap + PCI_MSI_FLAGS);
}

static bool msi_is_64(const PCIDevice *dev)
{
    return msi_flags(dev) & PCI_MSI_FLAGS_64BIT;
}

static unsigned data_off(const PCIDevice *dev)
{
    return msi_is_64(dev) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;
}

static unsigned mask_off(const PCIDevice *dev)
{
    return msi_is_64(dev) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;
}

int msi_init(PCIDevice *dev, uint8_t offset, unsigned nr_vectors, bool msi64bit,
             bool per_vector_mask, Error **errp)
{
    unsigned log2 = 0, size;
    uint16_t flags;
    uint8_t *c, *w;
    int cap;

    assert(nr_vectors >= 1 && nr_vectors <= 32 &&
           !(nr_vectors & (nr_vectors - 1)));
    while ((1u << log2) < nr_vectors) {
        log2++;
    }
    size = msi64bit ? (per_vector_mask ? 0x18 : 0x0e)
                    : (per_vector_mask ? 0x14 : 0x0a);
    cap = pci_add_capability(dev, PCI_CAP_ID_MSI, offset, size, errp);
    if (cap < 0) {
        return cap;
    }
    offset = cap;
    dev->msi_cap = offset;
    flags = log2 << 1;
    if (msi64bit) {
        flags |= PCI_MSI_FLAGS_64BIT;
    }
    if (per_vector_mask) {
        flags |= PCI_MSI_FLAGS_MASKBIT;
    }
    c = dev->config + offset;
    w = dev->wmask + offset;
    pci_set_word(c + PCI_MSI_FLAGS, flags);
    pci_set_word(w + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
    pci_set_long(w + PCI_MSI_ADDRESS_LO, 0xfffffffc);
    if (msi64bit) {
        pci_set_long(w + PCI_MSI_ADDRESS_HI, 0xffffffff);
    }
    pci_set_word(w + data_off(dev), 0xffff);
    if (per_vector_mask) {
        pci_set_long(w + mask_off(dev), 0xffffffffu >> (32 - nr_vectors));
    }
    return 0;
}

bool msi_enabled(const PCIDevice *dev)
{
    return dev->msi_cap && (msi_flags(dev) & PCI_MSI_FLAGS_ENABLE);
}

unsigned msi_nr_vectors_allocated(const PCIDevice *dev)
{
    return 1u << ((msi_flags(dev) & PCI_MSI_FLAGS_QSIZE) >> 4);
}

bool msi_is_masked(const PCIDevice *dev, unsigned vector)
{
    if (!(msi_flags(dev) & PCI_MSI_FLAGS_MASKBIT)) {
        return false;
    }
    return pci_get_long(dev->config + dev->msi_cap + mask_off(dev)) &
           (1u << vector);
}

static void msi_send(PCIDevice *dev, unsigned vector)
{
    const uint8_t *c = dev->config + dev->msi_cap;
    uint64_t addr = pci_get_long(c + PCI_MSI_ADDRESS_LO);
    uint32_t data = pci_get_word(c + data_off(dev));
    unsigned nr = msi_nr_vectors_allocated(dev);

    if (msi_is_64(dev)) {
        addr |= (uint64_t)pci_get_long(c + PCI_MSI_ADDRESS_HI) << 32;
    }
    /* The low bits of data carry the vector number (6.8.1.6). */
    data = (data & ~(nr - 1)) | (vector & (nr - 1));
    pci_send_msi(dev, addr, data);
}

void msi_notify(PCIDevice *dev, unsigned vector)
{
    if (!msi_enabled(dev) || vector >= msi_nr_vectors_allocated(dev)) {
        return;
    }
    if (msi_is_masked(dev, vector)) {
        uint8_t *pending = dev->config + dev->msi_cap + mask_off(dev) + 4;

        pci_set_long(pending, pci_get_long(pending) | (1u << vector));
        return;
    }
    msi_send(dev, vector);
}

void msi_write_config(PCIDevice *dev, uint32_t addr, int len)
{
    uint8_t *pending;
    uint32_t bits;

    if (!msi_enabled(dev) || !(msi_flags(dev) & PCI_MSI_FLAGS_MASKBIT)) {
        return;
    }
    /* Unmasking a vector with its pending bit set sends it now. */
    pending = dev->config + dev->msi_cap + mask_off(dev) + 4;
    bits = pci_get_long(pending);
    for (unsigned v = 0; v < 32 && bits; v++) {
        if ((bits & (1u << v)) && !msi_is_masked(dev, v)) {
            bits &= ~(1u << v);
            pci_set_long(pending, bits);
            msi_send(dev, v);
        }
    }
}

void msi_reset(PCIDevice *dev)
{
    uint8_t *c;

    if (!dev->msi_cap) {
        return;
    }
    c = dev->config + dev->msi_cap;
    pci_set_word(c + PCI_MSI_FLAGS, msi_flags(dev) & ~(PCI_MSI_FLAGS_ENABLE |
                                                       PCI_MSI_FLAGS_QSIZE));
    pci_set_long(c + PCI_MSI_ADDRESS_LO, 0);
    if (msi_is_64(dev)) {
        pci_set_long(c + PCI_MSI_ADDRESS_HI, 0);
    }
    pci_set_word(c + data_off(dev), 0);
    if (msi_flags(dev) & PCI_MSI_FLAGS_MASKBIT) {
        pci_set_long(c + mask_off(dev), 0);
        pci_set_long(c + mask_off(dev) + 4, 0);
    }
}
