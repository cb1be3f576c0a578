/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI fixed hardware (ACPI 6.4, 4.8): the PM1 event and control
 * registers, the power management timer and a GPE0 block, laid out as the
 * PIIX4 power management I/O block (82371AB datasheet, 7.2), with the SCI
 * they drive.  A chipset device (piix4-pm) embeds an AcpiPmRegs and maps
 * its I/O region; the logic here knows nothing of PCI or of the machine, so
 * unit tests drive it directly.
 *
 * Layout of the 64-byte block (offsets from the PM base):
 *   0x00 PM1_STS  16  write 1 to clear      0x08 PM_TMR  32  read-only
 *   0x02 PM1_EN   16                         0x0c GPE0_STS 16 write 1 to clear
 *   0x04 PM1_CNT  16                         0x0e GPE0_EN  16
 * Other offsets read as zero.  SCI_EN is always set: the FADT has no
 * SMI_CMD, the hardware is in ACPI mode from reset.
 */
#ifndef KEMU_HW_ACPI_ACPI_PM_H
#define KEMU_HW_ACPI_ACPI_PM_H

#include "util/osdep.h"
#include "util/timer.h"
#include "hw/core/irq.h"
#include "exec/memory.h"

#define ACPI_PM_BLOCK_SIZE 64

/* Offsets in the block, and the lengths the FADT reports. */
#define ACPI_PM1_EVT_OFFSET 0x00
#define ACPI_PM1_EVT_LEN    4
#define ACPI_PM1_CNT_OFFSET 0x04
#define ACPI_PM1_CNT_LEN    2
#define ACPI_PM_TMR_OFFSET  0x08
#define ACPI_PM_TMR_LEN     4
#define ACPI_GPE0_OFFSET    0x0c
#define ACPI_GPE0_LEN       4

/* PM1_STS / PM1_EN bits (4.8.3.1) */
#define ACPI_BITMASK_TIMER_STATUS        0x0001
#define ACPI_BITMASK_BUS_MASTER_STATUS   0x0010
#define ACPI_BITMASK_GLOBAL_LOCK_STATUS  0x0020
#define ACPI_BITMASK_POWER_BUTTON_STATUS 0x0100
#define ACPI_BITMASK_SLEEP_BUTTON_STATUS 0x0200
#define ACPI_BITMASK_RT_CLOCK_STATUS     0x0400
#define ACPI_BITMASK_WAKE_STATUS         0x8000
#define ACPI_BITMASK_TIMER_ENABLE        0x0001
#define ACPI_BITMASK_GLOBAL_LOCK_ENABLE  0x0020
#define ACPI_BITMASK_POWER_BUTTON_ENABLE 0x0100
#define ACPI_BITMASK_RT_CLOCK_ENABLE     0x0400

/* PM1_CNT bits (4.8.3.2) */
#define ACPI_BITMASK_SCI_ENABLE          0x0001
#define ACPI_BITMASK_BUS_MASTER_RLD      0x0002
#define ACPI_BITMASK_GLOBAL_LOCK_RELEASE 0x0004
#define ACPI_BITMASK_SLEEP_TYPE          0x1c00
#define ACPI_SLEEP_TYPE_SHIFT            10
#define ACPI_BITMASK_SLEEP_ENABLE        0x2000

/* The PM timer: 3.579545 MHz, 24 bits (FADT TMR_VAL_EXT clear). */
#define ACPI_PM_TIMER_FREQUENCY 3579545
#define ACPI_PM_TIMER_MASK      0xffffff

/**
 * AcpiPmSleepFn - the guest wrote SLP_EN with sleep type slp_typ (the
 * SLP_TYP field, whose meaning the chipset defines: piix4-pm.h).
 */
typedef void AcpiPmSleepFn(void *opaque, unsigned slp_typ);

typedef struct AcpiPmRegs {
    MemoryRegion io; /* the 64-byte block, mapped by the chipset */
    qemu_irq sci;    /* the SCI line (level, active high) */
    KemuClocks *clocks;
    KemuTimer *tmr_timer; /* raises the SCI at timer carry when TMR_EN */
    AcpiPmSleepFn *sleep;
    void *opaque;

    uint16_t pm1_sts;
    uint16_t pm1_en;
    uint16_t pm1_cnt;
    uint16_t gpe0_sts;
    uint16_t gpe0_en;
    int64_t tmr_carry_ns; /* virtual time TMR_STS is set next */
    int sci_level;
} AcpiPmRegs;

/**
 * acpi_pm_init - set up pm: its I/O region (owner for the memory API), the
 * PM timer on the virtual clock of clocks, and sleep(opaque, typ) for
 * SLP_EN.  The SCI line is pm->sci: the owner sets or connects it.
 * Call acpi_pm_reset() before the guest runs.
 */
void acpi_pm_init(AcpiPmRegs *pm, void *owner, KemuClocks *clocks,
                  AcpiPmSleepFn *sleep, void *opaque);
/** acpi_pm_cleanup - free the timer and the region (pm unmapped). */
void acpi_pm_cleanup(AcpiPmRegs *pm);
/** acpi_pm_reset - power-on state: all clear but SCI_EN, SCI low. */
void acpi_pm_reset(AcpiPmRegs *pm);

/**
 * acpi_pm_power_button - the power button was pressed: set PWRBTN_STS and
 * raise the SCI if PWRBTN_EN is set.
 */
void acpi_pm_power_button(AcpiPmRegs *pm);
/** acpi_pm_gpe_set - set GPE0 status bit (0..15) and update the SCI. */
void acpi_pm_gpe_set(AcpiPmRegs *pm, unsigned bit);

/** acpi_pm_timer_value - PM_TMR now (24 bits). */
uint32_t acpi_pm_timer_value(AcpiPmRegs *pm);

#endif
