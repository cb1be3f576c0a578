/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine's PCI bus for libqos: configuration mechanism #1 (0xCF8
 * address, 0xCFC data), I/O BARs from 0xC000, memory BARs from 0xE0000000.
 */
#ifndef KEMU_LIBQOS_PCI_PC_H
#define KEMU_LIBQOS_PCI_PC_H

#include "tests/qtest/libqos/pci.h"
#include "tests/qtest/libqos/malloc.h"

/** qpci_new_pc - the pc PCI bus of @qts; @alloc may be NULL. */
QPCIBus *qpci_new_pc(QTestState *qts, QGuestAllocator *alloc);
void qpci_free_pc(QPCIBus *bus);

#endif
