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

/* The PIIX3 ISA bridge (00:01.0) and its PIRQ route registers. */
#define PC_PIIX3_DEVFN        QPCI_DEVFN(1, 0)
#define PC_PIIX3_PIRQRC       0x60 /* PIRQA..D route control, 4 bytes */
#define PC_PIIX3_PIRQ_IRQ     0x0f
#define PC_PIIX3_PIRQ_DISABLE 0x80

/**
 * qpci_intx_gsi - kemu extension: the IOAPIC pin (GSI) the INTx pin of
 * @dev reaches on the pc, or -1 when it has none (INTERRUPT_PIN 0) or
 * its PIRQ is disabled.  It follows the board's wiring as a guest's ACPI
 * _PRT does: pin (INTA=0) and slot pick PIRQ (pin + slot - 1) & 3, whose
 * route register in the PIIX3 (as reset or as the test programmed it)
 * names the ISA IRQ, which is the IOAPIC pin of the same number.  Use it
 * with qtest_irq_intercept_in(qts, "ioapic") and qtest_get_irq().
 */
int qpci_intx_gsi(QPCIDevice *dev);

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
