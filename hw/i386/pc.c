/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc machine: RAM, firmware or kernel, the IOAPIC whose 24 inputs are
 * the board's interrupt lines, the i440FX/PIIX3 PCI with the PIIX4 power
 * management function, the ISA devices at their usual ports (COM1-4, the
 * CMOS RTC, fw_cfg, port 0x92, the 8042, port 0x80), and without firmware
 * the ACPI tables (hw/i386/acpi-build.c).  Layout and fw_cfg contents
 * follow QEMU's pc (hw/i386/pc.c, pc_piix.c) so that guests and firmware
 * written for it run unchanged.
 */
#include "util/osdep.h"
#include "hw/i386/pc.h"
#include "hw/acpi/piix4-pm.h"
#include "hw/core/hotplug.h"
#include "hw/char/serial.h"
#include "hw/i386/acpi-build.h"
#include "hw/i386/e820.h"
#include "hw/i386/ioapic.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/pci-host/i440fx.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/timer/i8254.h"

#define PC_COM_PORTS 4

/* CMOS bytes the BIOS reads the memory size and CPU count from. */
#define CMOS_BASE_MEM_LO  0x15
#define CMOS_BASE_MEM_HI  0x16
#define CMOS_EXT_MEM_LO   0x17
#define CMOS_EXT_MEM_HI   0x18
#define CMOS_EXT_MEM2_LO  0x30
#define CMOS_EXT_MEM2_HI  0x31
#define CMOS_MEM_16M_LO   0x34
#define CMOS_MEM_16M_HI   0x35
#define CMOS_MEM_4G_LO    0x5b
#define CMOS_MEM_4G_MID   0x5c
#define CMOS_MEM_4G_HI    0x5d
#define CMOS_CPUS_MINUS_1 0x5f
#define CMOS_BASE_MEM_KIB 640
#define CMOS_FIELD_MAX    0xffff

static const struct {
    uint32_t iobase;
    uint32_t irq;
} pc_com_ports[PC_COM_PORTS] = {
    {SERIAL_COM1_IOBASE, SERIAL_COM1_IRQ},
    {SERIAL_COM2_IOBASE, SERIAL_COM2_IRQ},
    {SERIAL_COM3_IOBASE, SERIAL_COM1_IRQ},
    {SERIAL_COM4_IOBASE, SERIAL_COM2_IRQ},
};

void pc_ram_split(uint64_t ram_size, uint64_t max_below, uint64_t *below_4g,
                  uint64_t *above_4g)
{
    uint64_t lowmem = max_below ? max_below : PC_LOWMEM_LIMIT;

    /* Split RAM keeps gigabyte-aligned pages below 4 GiB. */
    if (ram_size >= lowmem && lowmem > PC_LOWMEM_SPLIT) {
        lowmem = PC_LOWMEM_SPLIT;
    }
    if (ram_size >= lowmem) {
        *below_4g = lowmem;
        *above_4g = ram_size - lowmem;
    } else {
        *below_4g = ram_size;
        *above_4g = 0;
    }
}

/* ---- Memory ---- */

/* QEMU's e820: the RAM, and the accelerator's pages. */
static GArray *pc_e820_new(uint64_t below_4g, uint64_t above_4g)
{
    GArray *e820 = e820_new();

    e820_add(e820, 0, below_4g, E820_RAM);
    e820_add(e820, PC_HYPERVISOR_RESERVED_ADDR, PC_HYPERVISOR_RESERVED_SIZE,
             E820_RESERVED);
    if (above_4g) {
        e820_add(e820, X86_4G, above_4g, E820_RAM);
    }
    return e820;
}

static bool pc_memory_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    pc_ram_split(ms->ram_size, pcms->max_ram_below_4g, &pcms->below_4g_mem_size,
                 &pcms->above_4g_mem_size);
    if (!memory_region_init_ram(&pcms->ram, pcms, "pc.ram", ms->ram_size,
                                errp)) {
        error_prepend(errp,
                      "-m %" PRIu64 "M: ", (uint64_t)(ms->ram_size / MiB));
        return false;
    }
    machine_ram_advise(ms, memory_region_get_ram_ptr(&pcms->ram), ms->ram_size);
    memory_region_init_alias(&pcms->ram_below_4g, pcms, "ram-below-4g",
                             &pcms->ram, 0, pcms->below_4g_mem_size);
    memory_region_add_subregion(ms->system_memory, 0, &pcms->ram_below_4g);
    if (pcms->above_4g_mem_size) {
        memory_region_init_alias(&pcms->ram_above_4g, pcms, "ram-above-4g",
                                 &pcms->ram, pcms->below_4g_mem_size,
                                 pcms->above_4g_mem_size);
        memory_region_add_subregion(ms->system_memory, X86_4G,
                                    &pcms->ram_above_4g);
    }

    pcms->e820 = pc_e820_new(pcms->below_4g_mem_size, pcms->above_4g_mem_size);
    x86_loader_init(&pcms->loader, ms->as_memory, pcms->below_4g_mem_size,
                    pcms->above_4g_mem_size, pcms->e820);
    return true;
}

/* -kernel, -initrd, -append and -bios: what goes with what. */
static bool pc_check_boot_options(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    bool has_cmdline = ms->kernel_cmdline && *ms->kernel_cmdline;

    if (!ms->kernel_filename && (ms->initrd_filename || has_cmdline)) {
        error_setg(errp, "%s is only allowed with -kernel",
                   ms->initrd_filename ? "-initrd" : "-append");
        return false;
    }
    if (ms->firmware && ms->kernel_filename) {
        error_setg(errp, "-kernel with -bios: kemu loads a kernel itself, "
                         "without firmware; drop -bios");
        return false;
    }
    return true;
}

/*
 * Before the accelerator: -bios mapped into a scratch container, -kernel
 * and -initrd through a check-only loader (x86-boot.h) -- the loaders' own
 * checks, so a bad file reads the same with or without KVM.
 */
static bool pc_check_boot_files(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    bool has_cmdline = ms->kernel_cmdline && *ms->kernel_cmdline;
    MachineBootCPU boot = {0};
    uint64_t below, above;
    X86Loader l;
    GArray *e820;
    bool ok;

    if (ms->firmware) {
        MemoryRegion sysmem, bios, isa_bios;

        memset(&bios, 0, sizeof(bios));
        memset(&isa_bios, 0, sizeof(isa_bios));
        memory_region_init(&sysmem, pcms, "check", UINT64_MAX);
        ok = x86_bios_init(&sysmem, &bios, &isa_bios, pcms, ms->firmware, errp);
        memory_region_destroy(&isa_bios);
        memory_region_destroy(&bios);
        memory_region_destroy(&sysmem);
        return ok;
    }
    if (!ms->kernel_filename) {
        return true;
    }
    pc_ram_split(ms->ram_size, pcms->max_ram_below_4g, &below, &above);
    e820 = pc_e820_new(below, above);
    x86_loader_init(&l, NULL, below, above, e820);
    ok = x86_load_kernel(&l, ms->kernel_filename, ms->initrd_filename,
                         has_cmdline ? ms->kernel_cmdline : NULL, &boot, errp);
    x86_loader_cleanup(&l);
    g_array_unref(e820);
    return ok;
}

static bool pc_check(MachineState *ms, Error **errp)
{
    PCMachineState *pcms = PC_MACHINE(ms);

    if (pcms->max_ram_below_4g > PC_LOWMEM_LIMIT) {
        error_setg(errp,
                   "-machine max-ram-below-4g=%" PRIu64 ": at most %" PRIu64
                   "M (the PCI hole and the firmware are above)",
                   pcms->max_ram_below_4g, (uint64_t)(PC_LOWMEM_LIMIT / MiB));
        return false;
    }
    return pc_check_boot_options(pcms, errp) && pc_check_boot_files(pcms, errp);
}

/* -bios, or -kernel without firmware (after the ACPI tables). */
static bool pc_boot_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    bool has_cmdline = ms->kernel_cmdline && *ms->kernel_cmdline;

    if (ms->firmware) {
        return x86_bios_init(ms->system_memory, &pcms->bios, &pcms->isa_bios,
                             pcms, ms->firmware, errp);
    }
    if (ms->kernel_filename) {
        return x86_load_kernel(
            &pcms->loader, ms->kernel_filename, ms->initrd_filename,
            has_cmdline ? ms->kernel_cmdline : NULL, &ms->boot_cpu, errp);
    }
    if (ms->accel && ms->accel->runs_guest_code) {
        error_setg(errp,
                   "no -kernel and no -bios: kemu has no default firmware "
                   "yet");
        return false;
    }
    return true;
}

/* ---- Devices ---- */

/*
 * A board device at /machine/unattached: in the tree before its properties
 * are set (a chardev property finds its chardev from there).
 */
static DeviceState *pc_new_device(MachineState *ms, const char *type)
{
    DeviceState *dev = qdev_new(type);

    machine_add_unattached(ms, dev);
    return dev;
}

/* Realize it on the system bus, dropping our reference. */
static bool pc_realize(MachineState *ms, DeviceState *dev, Error **errp)
{
    return qdev_realize_and_unref(dev, BUS(ms->sysbus), errp);
}

/* The IOAPIC, whose inputs are what sysbus_get_irq() hands out. */
static bool pc_ioapic_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    DeviceState *dev = qdev_new(TYPE_IOAPIC);

    object_property_add_child(OBJECT(ms), "ioapic", OBJECT(dev));
    if (!qdev_realize_and_unref(dev, BUS(ms->sysbus), errp)) {
        return false;
    }
    pcms->ioapic = dev;
    ms->sysbus->irqs = g_new0(qemu_irq, IOAPIC_NUM_PINS);
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        ms->sysbus->irqs[i] = qdev_get_gpio_in(dev, i);
    }
    ms->sysbus->num_irqs = IOAPIC_NUM_PINS;
    return true;
}

/* QEMU's pc_cmos_init: memory sizes for a BIOS, the CPU count. */
static void pc_cmos_init(PCMachineState *pcms)
{
    DeviceState *rtc = pcms->rtc;
    uint64_t ext = 0, above16 = 0, above4g;

    rtc_set_memory(rtc, CMOS_BASE_MEM_LO, CMOS_BASE_MEM_KIB & 0xff);
    rtc_set_memory(rtc, CMOS_BASE_MEM_HI, CMOS_BASE_MEM_KIB >> 8);
    if (pcms->below_4g_mem_size > MiB) {
        ext = MIN((pcms->below_4g_mem_size - MiB) / KiB, CMOS_FIELD_MAX);
    }
    rtc_set_memory(rtc, CMOS_EXT_MEM_LO, ext);
    rtc_set_memory(rtc, CMOS_EXT_MEM_HI, ext >> 8);
    rtc_set_memory(rtc, CMOS_EXT_MEM2_LO, ext);
    rtc_set_memory(rtc, CMOS_EXT_MEM2_HI, ext >> 8);
    if (pcms->below_4g_mem_size > 16 * MiB) {
        above16 = MIN((pcms->below_4g_mem_size - 16 * MiB) / (64 * KiB),
                      CMOS_FIELD_MAX);
    }
    rtc_set_memory(rtc, CMOS_MEM_16M_LO, above16);
    rtc_set_memory(rtc, CMOS_MEM_16M_HI, above16 >> 8);
    above4g = pcms->above_4g_mem_size / (64 * KiB);
    rtc_set_memory(rtc, CMOS_MEM_4G_LO, above4g);
    rtc_set_memory(rtc, CMOS_MEM_4G_MID, above4g >> 8);
    rtc_set_memory(rtc, CMOS_MEM_4G_HI, above4g >> 16);
    rtc_set_memory(rtc, CMOS_CPUS_MINUS_1, MACHINE(pcms)->smp_cpus - 1);
}

static bool pc_isa_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    static const char *const simple[] = {"port92", "ioport80", "i8042"};

    pcms->rtc = pc_new_device(ms, TYPE_MC146818_RTC);
    if (!pc_realize(ms, pcms->rtc, errp)) {
        return false;
    }
    pc_cmos_init(pcms);
    for (int i = 0; i < PC_COM_PORTS; i++) {
        DeviceState *dev;

        if (!ms->serial_chardev[i]) {
            continue;
        }
        dev = pc_new_device(ms, TYPE_ISA_SERIAL);
        if (!object_property_set_uint(OBJECT(dev), "iobase",
                                      pc_com_ports[i].iobase, errp) ||
            !object_property_set_uint(OBJECT(dev), "irq", pc_com_ports[i].irq,
                                      errp) ||
            !object_property_set_str(OBJECT(dev), "chardev",
                                     ms->serial_chardev[i], errp) ||
            !pc_realize(ms, dev, errp)) {
            return false;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(simple) - !pcms->i8042; i++) {
        if (!pc_realize(ms, pc_new_device(ms, simple[i]), errp)) {
            return false;
        }
    }
    return true;
}

/*
 * The 8254 PIT unless -machine pit=off: the accelerator's when it has one
 * (KVM's in-kernel PIT, through the kvm-pit device), else kemu's isa-pit.
 */
static bool pc_pit_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);

    if (pcms->pit_on == ON_OFF_AUTO_OFF) {
        return true;
    }
    pcms->pit = pc_new_device(ms, machine_has_in_kernel_pit(ms) ? TYPE_KVM_PIT
                                                                : TYPE_ISA_PIT);
    return pc_realize(ms, pcms->pit, errp);
}

/* fw_cfg with what QEMU's pc puts there for firmware and its tests. */
static bool pc_fw_cfg_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    FWCfgState *fw;
    E820Entry *e820 = (E820Entry *)pcms->e820->data;

    pcms->fw_cfg = pc_new_device(ms, TYPE_FW_CFG_IO);
    if (!pc_realize(ms, pcms->fw_cfg, errp)) {
        return false;
    }
    fw = FW_CFG_IO(pcms->fw_cfg);
    fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, ms->ram_size);
    fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, ms->smp_cpus);
    fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, ms->smp_cpus);
    fw_cfg_add_i32(fw, FW_CFG_IRQ0_OVERRIDE, 1);
    fw_cfg_add_file(fw, "etc/e820", e820, pcms->e820->len * sizeof(*e820));
    return true;
}

/* ---- ACPI ---- */

/* The PIIX4 power management function at 00:01.3 (its SCI on IRQ 9). */
static bool pc_pm_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    DeviceState *dev = qdev_new(TYPE_PIIX4_PM);

    PCI_DEVICE(dev)->devfn = PIIX4_PM_DEVFN;
    machine_add_unattached(ms, dev);
    if (!qdev_realize_and_unref(dev, BUS(pcms->pci_bus), errp)) {
        return false;
    }
    pcms->pm = dev;
    /* ACPI PCI hotplug of pci.0, as QEMU's pc (device_add, device_del). */
    if (PIIX4_PM(dev)->pcihp_root) {
        qbus_set_hotplug_handler(BUS(pcms->pci_bus), OBJECT(dev));
    }
    return true;
}

/*
 * Without firmware, kemu writes the ACPI tables itself into the BIOS area
 * (where Linux scans for the RSDP) as a loader image, so every reset puts
 * them back; the kernel loaders pass the RSDP's address on.  With -bios
 * that area is the firmware's ROM and the firmware builds its own.
 */
static bool pc_acpi_init(PCMachineState *pcms, Error **errp)
{
    MachineState *ms = MACHINE(pcms);
    g_autoptr(GBytes) blob = NULL;
    AcpiBuildTables t;
    AcpiConfig cfg;
    int com = 0;

    if (ms->firmware) {
        return true;
    }
    while (com < PC_COM_PORTS && ms->serial_chardev[com]) {
        com++;
    }
    acpi_config_pc_defaults(&cfg);
    cfg.ncpus = ms->smp_cpus;
    cfg.ram_below_4g = pcms->below_4g_mem_size;
    cfg.num_serial = com;
    if (PIIX4_PM(pcms->pm)->pcihp_root) {
        cfg.pcihp_io_base = ACPI_PCIHP_ADDR_PIIX4;
        cfg.pcihp_slots = acpi_pcihp_slots(pcms->pci_bus);
    } else {
        cfg.pcihp_io_base = 0;
    }
    if (!acpi_build(&cfg, &t, errp)) {
        return false;
    }
    blob = g_bytes_new(t.blob->data, t.blob->len);
    pcms->loader.rsdp_addr = cfg.addr + t.rsdp_offset;
    acpi_build_tables_free(&t);
    return x86_loader_add(&pcms->loader, "the ACPI tables", cfg.addr, blob,
                          errp);
}

/* ---- The machine ---- */

static void pc_init(MachineState *ms, Error **errp)
{
    PCMachineState *pcms = PC_MACHINE(ms);
    bool acpi;

    if (!pc_memory_init(pcms, errp) || !pc_check_boot_options(pcms, errp) ||
        !pc_ioapic_init(pcms, errp)) {
        return;
    }
    pcms->pci_bus = i440fx_init(ms, errp);
    acpi = pcms->acpi != ON_OFF_AUTO_OFF;
    if (!pcms->pci_bus || (acpi && !pc_pm_init(pcms, errp)) ||
        !pc_isa_init(pcms, errp) || !pc_pit_init(pcms, errp) ||
        !pc_fw_cfg_init(pcms, errp) || (acpi && !pc_acpi_init(pcms, errp)) ||
        !pc_boot_init(pcms, errp)) {
        return;
    }
}

static void pc_reset(MachineState *ms)
{
    Error *err = NULL;

    if (!x86_loader_reset(&PC_MACHINE(ms)->loader, &err)) {
        error_report_err(err);
        machine_request_shutdown(ms, 1, "host-error", false);
    }
}

static void pc_instance_finalize(Object *obj)
{
    PCMachineState *pcms = PC_MACHINE(obj);
    MachineState *ms = MACHINE(obj);

    x86_loader_cleanup(&pcms->loader);
    if (pcms->e820) {
        g_array_unref(pcms->e820);
    }
    memory_region_destroy(&pcms->isa_bios);
    memory_region_destroy(&pcms->bios);
    memory_region_destroy(&pcms->ram_above_4g);
    memory_region_destroy(&pcms->ram_below_4g);
    memory_region_destroy(&pcms->ram);
    g_free(ms->sysbus->irqs);
    ms->sysbus->irqs = NULL;
    ms->sysbus->num_irqs = 0;
}

/*
 * QEMU 7.2's pc-i440fx properties, with its defaults where kemu has the
 * feature; what kemu lacks defaults to off and refuses on.
 */
static const MachineProp pc_props[] = {
    {"acpi", MACHINE_PROP_ENUM, offsetof(PCMachineState, acpi), "OnOffAuto",
     "Enable ACPI", on_off_auto_names, .defval = ON_OFF_AUTO_AUTO},
    {"pit", MACHINE_PROP_ENUM, offsetof(PCMachineState, pit_on), "OnOffAuto",
     "Enable i8254 PIT", on_off_auto_names, .defval = ON_OFF_AUTO_AUTO},
    {"pic", MACHINE_PROP_ENUM, offsetof(PCMachineState, pic), "OnOffAuto",
     "Enable i8259 PIC", on_off_auto_names, .defval = ON_OFF_AUTO_AUTO,
     .refuse = 1u << ON_OFF_AUTO_OFF,
     .why = "kemu's interrupt controllers are KVM's, which always have the "
            "8259 PIC"},
    {"smm", MACHINE_PROP_ENUM, offsetof(PCMachineState, smm), "OnOffAuto",
     "Enable SMM", on_off_auto_names, .defval = ON_OFF_AUTO_OFF,
     .refuse = 1u << ON_OFF_AUTO_ON,
     .why = "kemu has no system management mode"},
    {"vmport", MACHINE_PROP_ENUM, offsetof(PCMachineState, vmport), "OnOffAuto",
     "Enable vmport (pc & q35)", on_off_auto_names, .defval = ON_OFF_AUTO_OFF,
     .refuse = 1u << ON_OFF_AUTO_ON, .why = "kemu has no VMware I/O port"},
    {"hpet", MACHINE_PROP_BOOL, offsetof(PCMachineState, hpet), "bool",
     "Enable/disable high precision event timer emulation", .defval = false,
     .refuse = 1u << true, .why = "kemu has no HPET"},
    {"i8042", MACHINE_PROP_BOOL, offsetof(PCMachineState, i8042), "bool",
     "Enable/disable the i8042 keyboard controller", .defval = true},
    {"sata", MACHINE_PROP_BOOL, offsetof(PCMachineState, sata), "bool",
     "Enable/disable Serial ATA bus", .defval = false, .refuse = 1u << true,
     .why = "kemu has no SATA controller"},
    {"smbus", MACHINE_PROP_BOOL, offsetof(PCMachineState, smbus), "bool",
     "Enable/disable system management bus", .defval = false,
     .refuse = 1u << true, .why = "kemu's PIIX4 has no SMBus controller"},
    {"max-ram-below-4g", MACHINE_PROP_SIZE,
     offsetof(PCMachineState, max_ram_below_4g), "size",
     "Maximum ram below the 4G boundary (32bit boundary)", .defval = 0},
    {NULL},
};

static void pc_instance_init(Object *obj)
{
    machine_props_set_defaults(MACHINE(obj), pc_props);
}

static void pc_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    machine_class_add_props(oc, pc_props);
    mc->check = pc_check;
    mc->desc = "Standard PC (i440FX + PIIX, 1996)";
    mc->is_default = true;
    mc->default_ram_size = PC_DEFAULT_RAM_SIZE;
    mc->max_cpus = PC_MAX_CPUS;
    mc->init = pc_init;
    mc->reset = pc_reset;
}

static const TypeInfo pc_types[] = {
    {
        .name = TYPE_PC_MACHINE,
        .parent = TYPE_MACHINE,
        .instance_size = sizeof(PCMachineState),
        .instance_init = pc_instance_init,
        .instance_finalize = pc_instance_finalize,
        .class_init = pc_class_init,
    },
};

DEFINE_TYPES(pc_types)
