/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI PCI hotplug, the register block QEMU's pc exposes at 0xae00 and
 * its DSDT drives (QEMU's docs/specs/acpi_pci_hotplug.rst): the chipset
 * raises GPE0 bit 1 with an SCI when a slot's state changes; the GPE
 * handler reads which slots came up or are asked to go, notifies them,
 * and the OS writes a slot's bit to the eject register when it has let
 * the device go.  Only the root bus (selector 0): kemu has no bridges.
 *
 * Registers (32-bit, 4-byte accesses only), offsets from the base:
 *   0x00 PCI_UP    read   slots with a device added (reading clears)
 *   0x04 PCI_DOWN  read   slots whose device is asked to go
 *   0x08 PCI_EJ    write  eject the lowest slot whose bit is set;
 *                  read   hotplug features: 0
 *   0x0c PCI_RMV   read   slots whose devices can be removed
 *   0x10 PCI_SEL   r/w    the bus the registers select (0: the root bus)
 *   0x14 PCI_AIDX  write  a slot bit: latch its device's acpi-index;
 *                  read   that index (0: none; kemu has none), then 0
 * The block is reserved in the DSDT (\_SB.PCI0.PHPR) so no BAR lands on it.
 */
#ifndef KEMU_HW_ACPI_PCIHP_H
#define KEMU_HW_ACPI_PCIHP_H

#include "hw/acpi/acpi-pm.h"
#include "hw/pci/pci.h"

#define ACPI_PCIHP_ADDR_PIIX4 0xae00
#define ACPI_PCIHP_SIZE       0x18
#define ACPI_PCIHP_UP         0x00
#define ACPI_PCIHP_DOWN       0x04
#define ACPI_PCIHP_EJ         0x08
#define ACPI_PCIHP_RMV        0x0c
#define ACPI_PCIHP_SEL        0x10
#define ACPI_PCIHP_AIDX       0x14
#define ACPI_PCIHP_BSEL_ROOT  0 /* PCI_SEL value of the root bus */
#define ACPI_PCIHP_GPE_BIT    1 /* GPE0 status bit: "PCI hotplug" */

typedef struct AcpiPciHpState {
    MemoryRegion io;
    PCIBus *root;
    AcpiPmRegs *pm; /* its GPE0 and SCI */
    uint16_t io_base;
    bool mapped;
    uint32_t up;   /* PCI_UP of the root bus */
    uint32_t down; /* PCI_DOWN of the root bus */
    uint32_t sel;
    uint32_t acpi_index;
} AcpiPciHpState;

/**
 * acpi_pcihp_init - set s up for the root bus root, raising GPE0 bit 1 of
 * pm, and map its registers at io_base in root's I/O space.  owner owns
 * the region (memory API).
 */
void acpi_pcihp_init(AcpiPciHpState *s, void *owner, PCIBus *root,
                     AcpiPmRegs *pm, uint16_t io_base);
/** acpi_pcihp_cleanup - unmap and free the region. */
void acpi_pcihp_cleanup(AcpiPciHpState *s);

/**
 * acpi_pcihp_reset - machine reset: carry out the removals the guest did
 * not complete (QEMU does too), forget added-slot notices (the guest finds
 * those devices by enumeration), select the root bus.
 */
void acpi_pcihp_reset(AcpiPciHpState *s);

/**
 * acpi_pcihp_plug - dev was realized on the root bus; if it was
 * hotplugged, set its slot in PCI_UP and raise the GPE.
 */
void acpi_pcihp_plug(AcpiPciHpState *s, DeviceState *dev, Error **errp);
/**
 * acpi_pcihp_unplug_request - device_del: set dev's slot in PCI_DOWN and
 * raise the GPE; the device goes when the guest ejects the slot.
 */
void acpi_pcihp_unplug_request(AcpiPciHpState *s, DeviceState *dev,
                               Error **errp);
/** acpi_pcihp_unplug - dev goes: forget its slot's pending notices. */
void acpi_pcihp_unplug(AcpiPciHpState *s, DeviceState *dev, Error **errp);

/**
 * acpi_pcihp_device_hotpluggable - whether dev may come and go in its slot
 * (a hotpluggable class; bridges never, kemu has none to hotplug).
 */
bool acpi_pcihp_device_hotpluggable(PCIDevice *dev);

/**
 * acpi_pcihp_slots - the slots of bus the DSDT describes as hotpluggable:
 * those whose function 0 is free or holds a hotpluggable device.
 */
uint32_t acpi_pcihp_slots(PCIBus *bus);

#endif
