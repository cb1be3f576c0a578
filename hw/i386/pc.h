/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine (-machine pc): QEMU's i440FX/PIIX3 PC with RAM below the
 * PCI hole and above 4 GiB, an IOAPIC, the ISA devices (COM ports, RTC,
 * fw_cfg, port 0x92, i8042, port 0x80), the PIIX4 ACPI power management
 * function, and a -bios firmware or a -kernel loaded without firmware
 * (then with kemu's own ACPI tables).
 */
#ifndef KEMU_HW_I386_PC_H
#define KEMU_HW_I386_PC_H

#include "hw/core/machine.h"
#include "hw/i386/x86-boot.h"
#include "hw/pci/pci.h"
#include "exec/memory.h"

#define TYPE_PC_MACHINE "pc" TYPE_MACHINE_SUFFIX
OBJECT_DECLARE_SIMPLE_TYPE(PCMachineState, PC_MACHINE)

#define PC_DEFAULT_RAM_SIZE (128 * MiB)
#define PC_MAX_CPUS         255 /* xAPIC IDs, no interrupt remapping */

/*
 * QEMU's i440FX rule (gigabyte-aligned): -m below 0xe0000000 is all below
 * the PCI hole; from 0xe0000000 on, 3 GiB stay below and the rest goes
 * above 4 GiB.
 */
#define PC_LOWMEM_LIMIT 0xe0000000ULL
#define PC_LOWMEM_SPLIT 0xc0000000ULL

/*
 * Pages the accelerator keeps for itself (KVM's identity map and TSS),
 * reserved in the memory map as QEMU does; accel/kvm uses the same address.
 */
#define PC_HYPERVISOR_RESERVED_ADDR 0xfeffc000ULL
#define PC_HYPERVISOR_RESERVED_SIZE 0x4000ULL

struct PCMachineState {
    MachineState parent_obj;

    MemoryRegion ram;          /* all of -m */
    MemoryRegion ram_below_4g; /* aliases of ram */
    MemoryRegion ram_above_4g;
    MemoryRegion bios;     /* -bios, below 4 GiB */
    MemoryRegion isa_bios; /* its last 128 KiB at 0xE0000 */
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;

    GArray *e820;        /* E820Entry: the guest's memory map */
    X86Loader loader;    /* images reloaded at every reset */
    DeviceState *ioapic; /* its inputs are the board's GSIs */
    PCIBus *pci_bus;     /* pci.0 */
    DeviceState *rtc;
    DeviceState *fw_cfg;
    DeviceState *pm;  /* piix4-pm at 00:01.3 */
    DeviceState *pit; /* kvm-pit or isa-pit, or NULL */

    /* -machine pc,... properties (QEMU 7.2's pc-i440fx names). */
    int acpi;   /* OnOffAuto: off: no PIIX4 PM function, no ACPI tables */
    int pit_on; /* OnOffAuto: off: no 8254 PIT at all */
    int pic;    /* OnOffAuto */
    int smm;    /* OnOffAuto */
    int vmport; /* OnOffAuto */
    bool hpet;
    bool i8042;
    bool sata;
    bool smbus;
    uint64_t max_ram_below_4g; /* 0: QEMU's default, 0xe0000000 */
};

/**
 * pc_ram_split - how -m ram_size splits around the PCI hole, with
 * -machine max-ram-below-4g= (0: the default).  QEMU's i440FX rule: RAM
 * below max_below (3.5 GiB by default) stays there; when there is more,
 * at most 3 GiB stay below and the rest goes above 4 GiB.
 */
void pc_ram_split(uint64_t ram_size, uint64_t max_below, uint64_t *below_4g,
                  uint64_t *above_4g);

#endif
