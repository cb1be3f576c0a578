/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PIIX4 power management function (82371AB datasheet, 3.5 and 7.2)
 * as QEMU's piix4-pm presents it: PCI 8086:7113 at 00:01.3, its 64-byte
 * ACPI I/O block at PMBA (config 0x40) enabled by PMREGMISC (config 0x80),
 * the SCI on ISA IRQ 9.  With no firmware in front of Linux, reset leaves
 * PMBA and PMREGMISC as SeaBIOS programs them (0x600, enabled), which is
 * what the ACPI tables (hw/i386/acpi-build.c) describe.
 *
 * It is also the hotplug handler of the root PCI bus (hw/core/hotplug.h),
 * as in QEMU: ACPI PCI hotplug (pcihp.h) at 0xae00 with GPE0 bit 1, unless
 * the "acpi-root-pci-hotplug" property is off.  The board makes it the
 * bus's handler (qbus_set_hotplug_handler) when the property is on.
 */
#ifndef KEMU_HW_ACPI_PIIX4_PM_H
#define KEMU_HW_ACPI_PIIX4_PM_H

#include "hw/pci/pci.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/pcihp.h"
#include "hw/core/machine.h"

#define TYPE_PIIX4_PM "piix4-pm"
OBJECT_DECLARE_SIMPLE_TYPE(PIIX4PMState, PIIX4_PM)

#define PCI_DEVICE_ID_INTEL_82371AB_3 0x7113
#define PIIX4_PM_DEVFN                PCI_DEVFN(1, 3)

/* Configuration registers */
#define PIIX4_PMBA             0x40 /* base in bits 15:6, bit 0 reads 1 (I/O) */
#define PIIX4_PMBA_MASK        0xffc0
#define PIIX4_PMREGMISC        0x80
#define PIIX4_PMREGMISC_PMIOSE 0x01 /* the PM I/O block decodes */

/* Defaults: SeaBIOS's PM base, the SCI of the pc. */
#define PIIX4_PM_IO_BASE_DEFAULT 0x600
#define PIIX4_PM_SCI_IRQ_DEFAULT 9

/*
 * SLP_TYP values (datasheet 7.2.3, PMCNTRL SUS_TYP): what the DSDT's
 * sleep packages say.  Only soft-off is implemented.
 */
#define PIIX4_SLP_TYP_S5 0 /* soft off */
#define PIIX4_SLP_TYP_S3 1 /* suspend to RAM: not implemented */

struct PIIX4PMState {
    PCIDevice parent_obj;

    AcpiPmRegs pm;
    MachineState *machine;
    MachineNotifier powerdown_notifier;
    bool pm_io_mapped;
    uint16_t pm_io_addr; /* where pm.io is mapped when pm_io_mapped */
    AcpiPciHpState pcihp;

    /* properties */
    uint32_t pm_io_base; /* "pm-io-base": PMBA after reset */
    uint8_t sci_irq;     /* "sci-irq": the ISA IRQ of an unconnected SCI */
    bool pcihp_root;     /* "acpi-root-pci-hotplug": pcihp on the root bus */
};

/**
 * piix4_pm_power_button - press the power button (what QMP's
 * system_powerdown does through machine_request_powerdown()).
 */
void piix4_pm_power_button(PIIX4PMState *s);

#endif
