/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's ACPI tables (ACPI 6.4, chapter 5): RSDP, RSDT, XSDT, FADT,
 * FACS, MADT and the DSDT, built from an AcpiConfig that says what the
 * board has, and written into the BIOS area of guest RAM where a kernel
 * booted without firmware finds the RSDP (and into fw_cfg for firmware).
 * Guide: docs/devel/acpi.md.
 */
#ifndef KEMU_HW_I386_ACPI_BUILD_H
#define KEMU_HW_I386_ACPI_BUILD_H

#include "util/osdep.h"
#include "util/error.h"
#include "exec/memory.h"

typedef struct MachineState MachineState;
typedef struct FWCfgState FWCfgState;

/* Where the tables go by default: the BIOS area Linux scans (0xE0000). */
#define ACPI_BUILD_ADDR_DEFAULT 0xe0000
#define ACPI_BUILD_SIZE_DEFAULT 0x10000
#define ACPI_IOAPIC_ADDR        0xfec00000
#define ACPI_LAPIC_ADDR         0xfee00000
/* The 32-bit PCI memory window ends below the IOAPIC. */
#define ACPI_PCI_HOLE_END ACPI_IOAPIC_ADDR
#define ACPI_MAX_CPUS     255
/*
 * The FADT reset register: the PIIX3's reset control register at 0xCF9,
 * written with SRST | RCPU (a hard reset).
 */
#define ACPI_RESET_PORT_PC  0xcf9
#define ACPI_RESET_VALUE_PC 0x06
/* Hotpluggable slots of the pc's root bus: 2 to 31. */
#define ACPI_PCIHP_SLOTS_PC 0xfffffffcu

/**
 * AcpiConfig - what the tables describe.  acpi_config_pc_defaults() fills
 * every field for the pc board but ncpus and the RAM sizes.
 * @ncpus: vCPUs; LAPIC ids and ACPI processor UIDs 0..ncpus-1; the
 *         IOAPIC's id is ncpus.
 * @ram_below_4g: RAM from 0: the 32-bit PCI window runs from here to
 *                0xFEBFFFFF.
 * @pci_hole64_start, @pci_hole64_size: the 64-bit PCI window (size 0:
 *                                      none).
 * @pm_io_base: the piix4-pm ACPI I/O block (PIIX4_PM_IO_BASE_DEFAULT).
 * @sci_irq: the SCI's ISA IRQ (9).
 * @pirq_irq: the ISA IRQ the board routes PIIX3 PIRQA..D to (config
 *            0x60-0x63 after reset): PIIX3_DEFAULT_PIRQ_A..D, 10, 10, 11,
 *            11.  Which PIRQ a slot's INTx reaches is the PIIX3's
 *            piix3_pci_slot_get_pirq(), which the _PRT follows.
 * @reset_port, @reset_value: the FADT reset register (0xCF9, 0x06).
 * @num_serial: COM1..COM4 present (0..4).
 * @has_i8042: the keyboard controller (0x60/0x64, IRQ 1) and its mouse
 *             port (IRQ 12).
 * @has_rtc: the CMOS RTC (0x70, IRQ 8); @rtc_century its century byte.
 * @pcihp_io_base: the ACPI PCI hotplug registers (hw/acpi/pcihp.h,
 *                 0xae00), or 0 for no PCI hotplug: then no \_GPE._E01,
 *                 no slot devices under PCI0.
 * @pcihp_slots: the root-bus slots (bit n: slot n) described as
 *               hotpluggable (Device Sxx with _SUN and _EJ0):
 *               acpi_pcihp_slots() of the bus, ACPI_PCIHP_SLOTS_PC on the
 *               pc (all but the host bridge's 0 and the PIIX's 1).
 * @addr, @size: where the RSDP and the tables are written (16-byte aligned,
 *               inside 0xE0000-0xFFFFF for the RSDP scan) and the room
 *               there.
 * @fw_cfg: if set, acpi_build_tables() also publishes "etc/acpi/rsdp" and
 *          "etc/acpi/tables" there.
 */
typedef struct AcpiConfig {
    int ncpus;
    uint64_t ram_below_4g;
    uint64_t pci_hole64_start;
    uint64_t pci_hole64_size;
    uint16_t pm_io_base;
    uint8_t sci_irq;
    uint8_t pirq_irq[4];
    uint16_t reset_port;
    uint8_t reset_value;
    int num_serial;
    bool has_i8042;
    bool has_rtc;
    uint8_t rtc_century;
    uint16_t pcihp_io_base;
    uint32_t pcihp_slots;
    hwaddr addr;
    uint32_t size;
    FWCfgState *fw_cfg;
} AcpiConfig;

/**
 * AcpiBuildTables - the built image: @blob is written at cfg->addr; each
 * offset is where a table starts in it (the RSDP at 0, then FACS, DSDT,
 * FADT, MADT, RSDT, XSDT).  "etc/acpi/tables" is the blob from
 * @tables_offset on.
 */
typedef struct AcpiBuildTables {
    GByteArray *blob;
    uint32_t rsdp_offset;
    uint32_t tables_offset;
    uint32_t facs_offset;
    uint32_t dsdt_offset;
    uint32_t fadt_offset;
    uint32_t madt_offset;
    uint32_t rsdt_offset;
    uint32_t xsdt_offset;
} AcpiBuildTables;

/** acpi_config_pc_defaults - the pc board's AcpiConfig (see above). */
void acpi_config_pc_defaults(AcpiConfig *cfg);

/**
 * acpi_build - build the tables of cfg into t (free with
 * acpi_build_tables_free).  Fails on a configuration the tables cannot
 * describe (no CPU or more than ACPI_MAX_CPUS, RAM over the IOAPIC, a
 * misaligned address, tables larger than cfg->size).
 */
bool acpi_build(const AcpiConfig *cfg, AcpiBuildTables *t, Error **errp);
void acpi_build_tables_free(AcpiBuildTables *t);

/**
 * acpi_build_tables - build the tables and write them into ms's guest
 * memory at cfg->addr (RAM or ROM), and into cfg->fw_cfg if set.  The RSDP
 * is at cfg->addr: a loader hands it to the kernel (PVH
 * hvm_start_info.rsdp_paddr, boot_params.acpi_rsdp_addr), or the kernel
 * finds it by scanning 0xE0000-0xFFFFF.  Call it once RAM is mapped and
 * again at every machine reset (the guest may have overwritten the area).
 */
bool acpi_build_tables(MachineState *ms, const AcpiConfig *cfg, Error **errp);

#endif
