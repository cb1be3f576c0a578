/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's PCI: the i440FX host bridge (configuration mechanism #1
 * at 0xCF8/0xCFC, function 00:00.0) and the PIIX3 ISA bridge at 00:01.0
 * that routes PCI INTx through its PIRQ registers to ISA IRQs.
 */
#ifndef KEMU_HW_PCI_HOST_I440FX_H
#define KEMU_HW_PCI_HOST_I440FX_H

#include "hw/pci/pci.h"

#define TYPE_I440FX_PCI_HOST_BRIDGE "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE      "i440FX"
#define TYPE_PIIX3_DEVICE           "PIIX3"

/* The devfn QEMU's pc puts the PIIX3 at, and the IRQs SeaBIOS routes. */
#define PIIX3_DEVFN          PCI_DEVFN(1, 0)
#define PIIX3_DEFAULT_PIRQ_A 10
#define PIIX3_DEFAULT_PIRQ_B 10
#define PIIX3_DEFAULT_PIRQ_C 11
#define PIIX3_DEFAULT_PIRQ_D 11

/**
 * i440fx_init - create the host bridge on the machine's system bus, its
 * root bus "pci.0" (BARs map into system memory and I/O, masters reach
 * the memory address space), the i440FX function at 00.0 and the PIIX3 at
 * 01.0, with INTx routed PIRQ A-D → ISA IRQs through the PIIX3.
 */
PCIBus *i440fx_init(MachineState *ms, Error **errp);

/**
 * piix3_pci_slot_get_pirq - the PIRQ (0 = A) that INTx pin intx (0 = INTA)
 * of the device at devfn reaches: (intx + slot - 1) mod 4, the wiring
 * QEMU's pc has and the ACPI _PRT describes.
 */
int piix3_pci_slot_get_pirq(int devfn, int intx);

#endif
