/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's PCI bus for libqos: configuration mechanism #1 (0xCF8
 * address, 0xCFC data), I/O BARs from 0xC000, memory BARs from 0xE0000000.
 */
#ifndef KEMU_LIBQOS_PCI_PC_H
#define KEMU_LIBQOS_PCI_PC_H

#include "tests/qtest/libqos/pci.h"
#include "tests/qtest/libqos/malloc.h"

/* The pc's ACPI PCI hotplug registers (QEMU's names; hw/acpi/pcihp.h). */
#define ACPI_PCIHP_ADDR 0xae00
#define PCI_EJ_BASE     0x0008

/** qpci_new_pc - the pc PCI bus of @qts; @alloc may be NULL. */
QPCIBus *qpci_new_pc(QTestState *qts, QGuestAllocator *alloc);
void qpci_free_pc(QPCIBus *bus);

/**
 * qpci_unplug_acpi_device_test - device_del @id, then eject its @slot as
 * the guest's ACPI _EJ0 would, and wait for DEVICE_DELETED (QEMU's).
 */
void qpci_unplug_acpi_device_test(QTestState *qts, const char *id,
                                  uint8_t slot);

#endif
