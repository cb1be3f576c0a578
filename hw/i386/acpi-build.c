/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pc's ACPI tables (ACPI 6.4 chapter 5; the DSDT in AML, chapter 20),
 * shaped like QEMU's for its i440FX/PIIX machine so that Linux treats kemu
 * as it treats QEMU: RSDP 2.0, RSDT and XSDT, FADT revision 3 with the
 * piix4-pm blocks and a fixed power button, FACS, MADT, and a DSDT with the
 * PCI root bridge, its _PRT over the PIIX PIRQ links, the ISA devices and
 * \_S5.  Laid out in one image: RSDP, FACS, DSDT, FADT, MADT, RSDT, XSDT.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/acpi/aml-build.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/piix4-pm.h"
#include "hw/acpi/pcihp.h"
#include "hw/pci-host/i440fx.h"
#include "hw/i386/acpi-build.h"

#define ACPI_FW_CFG_RSDP   "etc/acpi/rsdp"
#define ACPI_FW_CFG_TABLES "etc/acpi/tables"

/* Table sizes and revisions */
#define RSDP_SIZE     36
#define RSDP_REVISION 2 /* ACPI 2.0+: XSDT address, extended checksum */
#define FACS_SIZE     64
#define FADT_REVISION 3 /* ACPI 2.0 layout, as QEMU's pc: 244 bytes */
#define FADT_SIZE     244
#define DSDT_REVISION 2 /* 64-bit AML integers */
#define MADT_REVISION 1

/* FADT Flags (5.2.9, table 5.10) */
#define FADT_F_WBINVD             (1u << 0)
#define FADT_F_PROC_C1            (1u << 2)
#define FADT_F_SLP_BUTTON         (1u << 5) /* no sleep button */
#define FADT_F_RTC_S4             (1u << 7)
#define FADT_F_RESET_REG_SUP      (1u << 10)
#define FADT_F_USE_PLATFORM_CLOCK (1u << 15)

/* FADT IA-PC boot architecture flags (5.2.9.3) */
#define FADT_BOOT_LEGACY_DEVICES (1u << 0)
#define FADT_BOOT_8042           (1u << 1)

/* MADT (5.2.12) */
#define MADT_PCAT_COMPAT           1u
#define MADT_TYPE_LAPIC            0
#define MADT_TYPE_IOAPIC           1
#define MADT_TYPE_INT_SRC_OVERRIDE 2
#define MADT_TYPE_LAPIC_NMI        4
#define MADT_LAPIC_ENABLED         1u
/* MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3 */
#define MADT_INTI_ACTIVE_HIGH 0x1
#define MADT_INTI_LEVEL       0xc
#define MADT_ALL_PROCESSORS   0xff

/* The PIIX3 ISA bridge, whose PIRQ route registers the link devices use. */
#define PIIX3_ISA_ADR                                                          \
    ((uint32_t)PCI_SLOT(PIIX3_DEVFN) << 16 | PCI_FUNC(PIIX3_DEVFN))

/* Notify() values for devices (ACPI 6.4, 5.6.6) */
#define ACPI_NOTIFY_DEVICE_CHECK  1
#define ACPI_NOTIFY_EJECT_REQUEST 3

/* Legacy serial ports: COM1..COM4 */
static const uint16_t com_base[4] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
static const uint8_t com_irq[4] = {4, 3, 4, 3};

void acpi_config_pc_defaults(AcpiConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ncpus = 1;
    cfg->pm_io_base = PIIX4_PM_IO_BASE_DEFAULT;
    cfg->sci_irq = PIIX4_PM_SCI_IRQ_DEFAULT;
    cfg->pirq_irq[0] = PIIX3_DEFAULT_PIRQ_A;
    cfg->pirq_irq[1] = PIIX3_DEFAULT_PIRQ_B;
    cfg->pirq_irq[2] = PIIX3_DEFAULT_PIRQ_C;
    cfg->pirq_irq[3] = PIIX3_DEFAULT_PIRQ_D;
    cfg->reset_port = ACPI_RESET_PORT_PC;
    cfg->reset_value = ACPI_RESET_VALUE_PC;
    cfg->num_serial = 1;
    cfg->has_i8042 = true;
    cfg->has_rtc = true;
    cfg->rtc_century = 0x32;
    cfg->pcihp_io_base = ACPI_PCIHP_ADDR_PIIX4;
    cfg->pcihp_slots = ACPI_PCIHP_SLOTS_PC;
    cfg->addr = ACPI_BUILD_ADDR_DEFAULT;
    cfg->size = ACPI_BUILD_SIZE_DEFAULT;
}

static void align_blob(GByteArray *t, unsigned align)
{
    while (t->len % align) {
        build_append_int_noprefix(t, 0, 1);
    }
}

/* ---- DSDT ---- */

/*
 * Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) { irq }; a
 * template methods patch (IQCR's) has no End Tag checksum.
 */
static Aml *link_irq_template(uint32_t irq, bool mutable)
{
    Aml *crs =
        mutable ? aml_resource_template_mutable() : aml_resource_template();

    aml_append(crs, aml_interrupt(true, false, true, &irq, 1));
    return crs;
}

static Aml *build_pci0_crs(const AcpiConfig *cfg)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_word_bus_number(0x00, 0xff));
    /* The configuration ports are the bridge's own, not a window. */
    aml_append(crs, aml_io(true, PCI_HOST_CONFIG_ADDR, PCI_HOST_CONFIG_ADDR,
                           0x01, 0x08));
    aml_append(crs, aml_dword_io(0x0000, PCI_HOST_CONFIG_ADDR - 1));
    aml_append(crs, aml_dword_io(PCI_HOST_CONFIG_ADDR + 8, 0xffff));
    /* Legacy VGA memory, then the 32-bit hole above low RAM. */
    aml_append(crs, aml_dword_memory(true, 0x000a0000, 0x000bffff));
    aml_append(
        crs, aml_dword_memory(false, cfg->ram_below_4g, ACPI_PCI_HOLE_END - 1));
    if (cfg->pci_hole64_size) {
        aml_append(crs, aml_qword_memory(false, cfg->pci_hole64_start,
                                         cfg->pci_hole64_start +
                                             cfg->pci_hole64_size - 1));
    }
    return crs;
}

/*
 * _PRT: every slot's INTA..INTD to the link of its PIIX PIRQ, by the
 * swizzle the PIIX3's map_irq uses.
 */
static Aml *build_prt(void)
{
    Aml *prt = aml_package();

    for (int slot = 0; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            int pirq = piix3_pci_slot_get_pirq(PCI_DEVFN(slot, 0), pin);
            Aml *entry = aml_package();

            aml_append(entry, aml_int((uint32_t)slot << 16 | 0xffff));
            aml_append(entry, aml_int(pin));
            aml_append(entry, aml_name("LNK%c", 'A' + pirq));
            aml_append(entry, aml_int(0));
            aml_append(prt, entry);
        }
    }
    return prt;
}

static Aml *isa_device(const char *name, const char *hid, int uid, Aml *crs)
{
    Aml *dev = aml_device("%s", name);

    aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
    if (uid >= 0) {
        aml_append(dev, aml_name_decl("_UID", aml_int(uid)));
    }
    aml_append(dev, aml_name_decl("_STA", aml_int(0x0f)));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

/* \_SB.PCI0.ISA: the PIIX3 function 0 and the legacy devices behind it. */
static Aml *build_isa(const AcpiConfig *cfg)
{
    Aml *isa = aml_device("ISA");
    Aml *crs;

    aml_append(isa, aml_name_decl("_ADR", aml_int(PIIX3_ISA_ADR)));
    aml_append(isa, aml_operation_region("P40C", AML_PCI_CONFIG,
                                         aml_int(PIIX_PIRQRC), 4));
    if (cfg->has_rtc) {
        crs = aml_resource_template();
        aml_append(crs, aml_io(true, 0x70, 0x70, 0x10, 0x02));
        aml_append(crs, aml_irq_no_flags(8));
        aml_append(isa, isa_device("RTC", "PNP0B00", -1, crs));
    }
    if (cfg->has_i8042) {
        crs = aml_resource_template();
        aml_append(crs, aml_io(true, 0x60, 0x60, 0x01, 0x01));
        aml_append(crs, aml_io(true, 0x64, 0x64, 0x01, 0x01));
        aml_append(crs, aml_irq_no_flags(1));
        aml_append(isa, isa_device("KBD", "PNP0303", -1, crs));
        crs = aml_resource_template();
        aml_append(crs, aml_irq_no_flags(12));
        aml_append(isa, isa_device("MOU", "PNP0F13", -1, crs));
    }
    for (int i = 0; i < cfg->num_serial; i++) {
        g_autofree char *name = g_strdup_printf("COM%d", i + 1);

        crs = aml_resource_template();
        aml_append(crs, aml_io(true, com_base[i], com_base[i], 0x00, 0x08));
        aml_append(crs, aml_irq_no_flags(com_irq[i]));
        aml_append(isa, isa_device(name, "PNP0501", i + 1, crs));
    }
    return isa;
}

/*
 * The PCI interrupt links LNKA..LNKD (PNP0C0F), one per PIIX PIRQ, read and
 * written through the PIIX3's PIRQRC registers as QEMU's DSDT does: bit 7
 * disables the route, bits 3:0 are the ISA IRQ.  Each link offers only the
 * IRQ the board routes it to.
 */
static void build_links(Aml *sb, const AcpiConfig *cfg)
{
    Aml *field, *method, *cond;

    field = aml_field("PCI0.ISA.P40C", AML_BYTE_ACC, false, AML_PRESERVE);
    for (int i = 0; i < 4; i++) {
        g_autofree char *name = g_strdup_printf("PRQ%d", i);

        aml_append(field, aml_named_field(name, 8));
    }
    aml_append(sb, field);

    /* IQST(PIRQRC): _STA, present and enabled unless bit 7 is set. */
    method = aml_method("IQST", 1, false);
    cond = aml_if(aml_and(aml_int(PIIX_PIRQRC_DISABLE), aml_arg(0), NULL));
    aml_append(cond, aml_return(aml_int(0x09)));
    aml_append(method, cond);
    aml_append(method, aml_return(aml_int(0x0b)));
    aml_append(sb, method);

    /* IQCR(PIRQRC): _CRS, the routed IRQ (0 when disabled). */
    method = aml_method("IQCR", 1, true);
    aml_append(method, aml_name_decl("PRR0", link_irq_template(0, true)));
    aml_append(method,
               aml_create_dword_field(aml_name("PRR0"), aml_int(5), "PRRI"));
    cond = aml_if(
        aml_lnot(aml_and(aml_arg(0), aml_int(PIIX_PIRQRC_DISABLE), NULL)));
    aml_append(cond, aml_store(aml_and(aml_arg(0), aml_int(0x0f), NULL),
                               aml_name("PRRI")));
    aml_append(method, cond);
    aml_append(method, aml_return(aml_name("PRR0")));
    aml_append(sb, method);

    for (int i = 0; i < 4; i++) {
        Aml *dev = aml_device("LNK%c", 'A' + i);
        g_autofree char *prq = g_strdup_printf("PRQ%d", i);

        aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0C0F")));
        aml_append(dev, aml_name_decl("_UID", aml_int(i)));
        aml_append(dev, aml_name_decl("_PRS", link_irq_template(
                                                  cfg->pirq_irq[i], false)));

        method = aml_method("_STA", 0, false);
        aml_append(method,
                   aml_return(aml_call("IQST", 1, aml_name("%s", prq))));
        aml_append(dev, method);

        method = aml_method("_DIS", 0, false);
        aml_append(method,
                   aml_or(aml_name("%s", prq), aml_int(PIIX_PIRQRC_DISABLE),
                          aml_name("%s", prq)));
        aml_append(dev, method);

        method = aml_method("_CRS", 0, false);
        aml_append(method,
                   aml_return(aml_call("IQCR", 1, aml_name("%s", prq))));
        aml_append(dev, method);

        method = aml_method("_SRS", 1, true);
        aml_append(method,
                   aml_create_dword_field(aml_arg(0), aml_int(5), "PRRI"));
        aml_append(method, aml_store(aml_name("PRRI"), aml_name("%s", prq)));
        aml_append(dev, method);

        aml_append(sb, dev);
    }
}

/* ---- PCI hotplug (hw/acpi/pcihp.h; the OSPM side of QEMU's pc) ---- */

/* A DWord register of the hotplug block at offset off, as a field. */
static void pcihp_region(Aml *scope, const char *region, uint16_t addr,
                         uint32_t len, const char *f1, const char *f2)
{
    Aml *field;

    aml_append(scope,
               aml_operation_region(region, AML_SYSTEM_IO, aml_int(addr), len));
    field = aml_field(region, AML_DWORD_ACC, false, AML_WRITE_AS_ZEROS);
    aml_append(field, aml_named_field(f1, 32));
    if (f2) {
        aml_append(field, aml_named_field(f2, 32));
    }
    aml_append(scope, field);
}

/*
 * Under \_SB.PCI0: the registers, PCEJ(bus, slot) that _EJ0 calls, a
 * Device Sxx (xx = devfn) with _ADR, _SUN and _EJ0 for every hotpluggable
 * slot, DVNT(bits, event) that notifies the slots whose bits are set, PCNT
 * that the GPE handler calls (Device Check for PCI_UP, Eject Request for
 * PCI_DOWN), and PHPR reserving the block's ports.
 */
static void build_pcihp(Aml *pci, const AcpiConfig *cfg)
{
    uint16_t base = cfg->pcihp_io_base;
    Aml *method, *dvnt, *crs, *dev;

    pcihp_region(pci, "PCST", base + ACPI_PCIHP_UP, 8, "PCIU", "PCID");
    pcihp_region(pci, "SEJ", base + ACPI_PCIHP_EJ, 4, "B0EJ", NULL);
    pcihp_region(pci, "BNMR", base + ACPI_PCIHP_SEL, 8, "BNUM", "PIDX");
    aml_append(pci, aml_mutex("BLCK", 0));

    method = aml_method("PCEJ", 2, false);
    aml_append(method, aml_acquire(aml_name("BLCK"), 0xffff));
    aml_append(method, aml_store(aml_arg(0), aml_name("BNUM")));
    aml_append(method, aml_store(aml_shiftleft(aml_int(1), aml_arg(1)),
                                 aml_name("B0EJ")));
    aml_append(method, aml_release(aml_name("BLCK")));
    aml_append(method, aml_return(aml_int(0)));
    aml_append(pci, method);

    aml_append(pci, aml_name_decl("BSEL", aml_int(ACPI_PCIHP_BSEL_ROOT)));
    dvnt = aml_method("DVNT", 2, false);
    for (int slot = 0; slot < 32; slot++) {
        Aml *ifctx;

        if (!(cfg->pcihp_slots & (1u << slot))) {
            continue;
        }
        dev = aml_device("S%02X", PCI_DEVFN(slot, 0));
        aml_append(dev, aml_name_decl("_ADR", aml_int((uint32_t)slot << 16)));
        aml_append(dev, aml_name_decl("_SUN", aml_int(slot)));
        method = aml_method("_EJ0", 1, false);
        aml_append(method,
                   aml_call("PCEJ", 2, aml_name("BSEL"), aml_name("_SUN")));
        aml_append(dev, method);
        aml_append(pci, dev);

        ifctx = aml_if(aml_and(aml_arg(0), aml_int(1u << slot), NULL));
        aml_append(ifctx, aml_notify(aml_name("S%02X", PCI_DEVFN(slot, 0)),
                                     aml_arg(1)));
        aml_append(dvnt, ifctx);
    }
    aml_append(pci, dvnt);

    method = aml_method("PCNT", 0, false);
    aml_append(method,
               aml_store(aml_int(ACPI_PCIHP_BSEL_ROOT), aml_name("BNUM")));
    aml_append(method, aml_call("DVNT", 2, aml_name("PCIU"),
                                aml_int(ACPI_NOTIFY_DEVICE_CHECK)));
    aml_append(method, aml_call("DVNT", 2, aml_name("PCID"),
                                aml_int(ACPI_NOTIFY_EJECT_REQUEST)));
    aml_append(pci, method);

    dev = aml_device("PHPR");
    aml_append(dev, aml_name_decl("_HID", aml_string("PNP0A06")));
    aml_append(dev, aml_name_decl("_UID", aml_string("PCI Hotplug resources")));
    aml_append(dev, aml_name_decl("_STA", aml_int(0x0b))); /* not shown */
    crs = aml_resource_template();
    aml_append(crs, aml_io(true, base, base, 0x01, ACPI_PCIHP_SIZE));
    aml_append(dev, aml_name_decl("_CRS", crs));
    aml_append(pci, dev);
}

/* \_GPE._E01: GPE0 bit 1 is PCI hotplug. */
static Aml *build_pcihp_gpe(void)
{
    Aml *gpe = aml_scope("\\_GPE");
    Aml *method = aml_method("_E01", 0, false);

    aml_append(method, aml_acquire(aml_name("\\_SB.PCI0.BLCK"), 0xffff));
    aml_append(method, aml_call("\\_SB.PCI0.PCNT", 0));
    aml_append(method, aml_release(aml_name("\\_SB.PCI0.BLCK")));
    aml_append(gpe, method);
    return gpe;
}

static void build_dsdt(GByteArray *t, const AcpiConfig *cfg)
{
    size_t start = acpi_table_begin(t, "DSDT", DSDT_REVISION);
    Aml *sb = aml_scope("\\_SB");
    Aml *pci = aml_device("PCI0");
    Aml *s5 = aml_package();

    aml_append(pci, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
    aml_append(pci, aml_name_decl("_UID", aml_int(0)));
    aml_append(pci, aml_name_decl("_CRS", build_pci0_crs(cfg)));
    aml_append(pci, aml_name_decl("_PRT", build_prt()));
    aml_append(pci, build_isa(cfg));
    if (cfg->pcihp_io_base) {
        build_pcihp(pci, cfg);
    }
    aml_append(sb, pci);
    build_links(sb, cfg);
    aml_emit(t, sb);
    if (cfg->pcihp_io_base) {
        aml_emit(t, build_pcihp_gpe());
    }

    /* \_S5: SLP_TYPa, SLP_TYPb, reserved, reserved (7.4.2) */
    aml_append(s5, aml_int(PIIX4_SLP_TYP_S5));
    aml_append(s5, aml_int(PIIX4_SLP_TYP_S5));
    aml_append(s5, aml_int(0));
    aml_append(s5, aml_int(0));
    aml_emit(t, aml_name_decl("\\_S5", s5));
    acpi_table_end(t, start);
}

/* ---- FACS, FADT ---- */

static void build_facs(GByteArray *t)
{
    build_append_padded_str(t, "FACS", 4, ' ');
    build_append_int_noprefix(t, FACS_SIZE, 4);
    build_append_int_noprefix(t, 0, 4);    /* Hardware Signature */
    build_append_int_noprefix(t, 0, 4);    /* Firmware Waking Vector */
    build_append_int_noprefix(t, 0, 4);    /* Global Lock */
    build_append_int_noprefix(t, 0, 4);    /* Flags */
    build_append_int_noprefix(t, 0, 8);    /* X Firmware Waking Vector */
    build_append_int_noprefix(t, 1, 1);    /* Version */
    build_append_int_noprefix(t, 0, 3);    /* Reserved */
    build_append_int_noprefix(t, 0, 4);    /* OSPM Flags */
    g_byte_array_set_size(t, t->len + 24); /* Reserved */
    memset(t->data + t->len - 24, 0, 24);
}

static void build_fadt(GByteArray *t, const AcpiConfig *cfg, uint32_t facs,
                       uint32_t dsdt)
{
    size_t start = acpi_table_begin(t, "FACP", FADT_REVISION);
    uint32_t pm1a_evt = cfg->pm_io_base + ACPI_PM1_EVT_OFFSET;
    uint32_t pm1a_cnt = cfg->pm_io_base + ACPI_PM1_CNT_OFFSET;
    uint32_t pm_tmr = cfg->pm_io_base + ACPI_PM_TMR_OFFSET;
    uint32_t gpe0 = cfg->pm_io_base + ACPI_GPE0_OFFSET;
    uint16_t boot_arch =
        FADT_BOOT_LEGACY_DEVICES | (cfg->has_i8042 ? FADT_BOOT_8042 : 0);
    /* PWR_BUTTON (bit 4) clear: the power button is the fixed feature. */
    uint32_t flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
                     FADT_F_RTC_S4 | FADT_F_RESET_REG_SUP |
                     FADT_F_USE_PLATFORM_CLOCK;

    build_append_int_noprefix(t, facs, 4); /* FIRMWARE_CTRL */
    build_append_int_noprefix(t, dsdt, 4); /* DSDT */
    build_append_int_noprefix(t, 1, 1);    /* (ACPI 1.0 INT_MODEL: APIC) */
    build_append_int_noprefix(t, 0, 1);    /* Preferred_PM_Profile */
    build_append_int_noprefix(t, cfg->sci_irq, 2); /* SCI_INT */
    build_append_int_noprefix(t, 0, 4); /* SMI_CMD: always in ACPI mode */
    build_append_int_noprefix(t, 0, 1); /* ACPI_ENABLE */
    build_append_int_noprefix(t, 0, 1); /* ACPI_DISABLE */
    build_append_int_noprefix(t, 0, 1); /* S4BIOS_REQ */
    build_append_int_noprefix(t, 0, 1); /* PSTATE_CNT */
    build_append_int_noprefix(t, pm1a_evt, 4); /* PM1a_EVT_BLK */
    build_append_int_noprefix(t, 0, 4);        /* PM1b_EVT_BLK */
    build_append_int_noprefix(t, pm1a_cnt, 4); /* PM1a_CNT_BLK */
    build_append_int_noprefix(t, 0, 4);        /* PM1b_CNT_BLK */
    build_append_int_noprefix(t, 0, 4);        /* PM2_CNT_BLK */
    build_append_int_noprefix(t, pm_tmr, 4);   /* PM_TMR_BLK */
    build_append_int_noprefix(t, gpe0, 4);     /* GPE0_BLK */
    build_append_int_noprefix(t, 0, 4);        /* GPE1_BLK */
    build_append_int_noprefix(t, ACPI_PM1_EVT_LEN, 1);
    build_append_int_noprefix(t, ACPI_PM1_CNT_LEN, 1);
    build_append_int_noprefix(t, 0, 1); /* PM2_CNT_LEN */
    build_append_int_noprefix(t, ACPI_PM_TMR_LEN, 1);
    build_append_int_noprefix(t, ACPI_GPE0_LEN, 1);
    build_append_int_noprefix(t, 0, 1);      /* GPE1_BLK_LEN */
    build_append_int_noprefix(t, 0, 1);      /* GPE1_BASE */
    build_append_int_noprefix(t, 0, 1);      /* CST_CNT */
    build_append_int_noprefix(t, 0x0fff, 2); /* P_LVL2_LAT: no C2 */
    build_append_int_noprefix(t, 0x0fff, 2); /* P_LVL3_LAT: no C3 */
    build_append_int_noprefix(t, 0, 2);      /* FLUSH_SIZE */
    build_append_int_noprefix(t, 0, 2);      /* FLUSH_STRIDE */
    build_append_int_noprefix(t, 0, 1);      /* DUTY_OFFSET */
    build_append_int_noprefix(t, 0, 1);      /* DUTY_WIDTH */
    build_append_int_noprefix(t, 0, 1);      /* DAY_ALRM */
    build_append_int_noprefix(t, 0, 1);      /* MON_ALRM */
    build_append_int_noprefix(t, cfg->has_rtc ? cfg->rtc_century : 0, 1);
    build_append_int_noprefix(t, boot_arch, 2); /* IAPC_BOOT_ARCH */
    build_append_int_noprefix(t, 0, 1);         /* Reserved */
    build_append_int_noprefix(t, flags, 4);     /* Flags */
    build_append_gas(t, AML_AS_SYSTEM_IO, 8, 0, AML_ACCESS_BYTE,
                     cfg->reset_port);                 /* RESET_REG */
    build_append_int_noprefix(t, cfg->reset_value, 1); /* RESET_VALUE */
    build_append_int_noprefix(t, 0, 3);                /* Reserved */
    /* The FACS below 4 GiB: one pointer, or ACPICA installs it twice. */
    build_append_int_noprefix(t, 0, 8);    /* X_FIRMWARE_CTRL */
    build_append_int_noprefix(t, dsdt, 8); /* X_DSDT */
    build_append_gas(t, AML_AS_SYSTEM_IO, ACPI_PM1_EVT_LEN * 8, 0,
                     AML_ACCESS_UNDEFINED, pm1a_evt); /* X_PM1a_EVT_BLK */
    build_append_gas(t, 0, 0, 0, 0, 0);               /* X_PM1b_EVT_BLK */
    build_append_gas(t, AML_AS_SYSTEM_IO, ACPI_PM1_CNT_LEN * 8, 0,
                     AML_ACCESS_UNDEFINED, pm1a_cnt); /* X_PM1a_CNT_BLK */
    build_append_gas(t, 0, 0, 0, 0, 0);               /* X_PM1b_CNT_BLK */
    build_append_gas(t, 0, 0, 0, 0, 0);               /* X_PM2_CNT_BLK */
    build_append_gas(t, AML_AS_SYSTEM_IO, ACPI_PM_TMR_LEN * 8, 0,
                     AML_ACCESS_UNDEFINED, pm_tmr); /* X_PM_TMR_BLK */
    build_append_gas(t, AML_AS_SYSTEM_IO, ACPI_GPE0_LEN * 8, 0,
                     AML_ACCESS_UNDEFINED, gpe0); /* X_GPE0_BLK */
    build_append_gas(t, 0, 0, 0, 0, 0);           /* X_GPE1_BLK */
    assert(t->len - start == FADT_SIZE);
    acpi_table_end(t, start);
}

/* ---- MADT ---- */

static void madt_iso(GByteArray *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    build_append_int_noprefix(t, MADT_TYPE_INT_SRC_OVERRIDE, 1);
    build_append_int_noprefix(t, 10, 1);  /* Length */
    build_append_int_noprefix(t, 0, 1);   /* Bus: ISA */
    build_append_int_noprefix(t, irq, 1); /* Source */
    build_append_int_noprefix(t, gsi, 4); /* Global System Interrupt */
    build_append_int_noprefix(t, flags, 2);
}

static void build_madt(GByteArray *t, const AcpiConfig *cfg)
{
    size_t start = acpi_table_begin(t, "APIC", MADT_REVISION);
    uint16_t level_irqs = 1u << cfg->sci_irq;

    build_append_int_noprefix(t, ACPI_LAPIC_ADDR, 4);
    build_append_int_noprefix(t, MADT_PCAT_COMPAT, 4);
    for (int i = 0; i < cfg->ncpus; i++) {
        build_append_int_noprefix(t, MADT_TYPE_LAPIC, 1);
        build_append_int_noprefix(t, 8, 1); /* Length */
        build_append_int_noprefix(t, i, 1); /* ACPI Processor UID */
        build_append_int_noprefix(t, i, 1); /* APIC ID */
        build_append_int_noprefix(t, MADT_LAPIC_ENABLED, 4);
    }
    build_append_int_noprefix(t, MADT_TYPE_IOAPIC, 1);
    build_append_int_noprefix(t, 12, 1);         /* Length */
    build_append_int_noprefix(t, cfg->ncpus, 1); /* I/O APIC ID */
    build_append_int_noprefix(t, 0, 1);          /* Reserved */
    build_append_int_noprefix(t, ACPI_IOAPIC_ADDR, 4);
    build_append_int_noprefix(t, 0, 4); /* GSI base */

    /* The PIT's IRQ 0 is IOAPIC pin 2; PCI and SCI IRQs are level, high. */
    madt_iso(t, 0, 2, 0);
    for (int i = 0; i < 4; i++) {
        level_irqs |= 1u << cfg->pirq_irq[i];
    }
    for (int irq = 1; irq < 16; irq++) {
        if (level_irqs & (1u << irq)) {
            madt_iso(t, irq, irq, MADT_INTI_ACTIVE_HIGH | MADT_INTI_LEVEL);
        }
    }

    /* Every LAPIC's LINT1 is NMI. */
    build_append_int_noprefix(t, MADT_TYPE_LAPIC_NMI, 1);
    build_append_int_noprefix(t, 6, 1); /* Length */
    build_append_int_noprefix(t, MADT_ALL_PROCESSORS, 1);
    build_append_int_noprefix(t, 0, 2); /* Flags: conforming */
    build_append_int_noprefix(t, 1, 1); /* LINT# */
    acpi_table_end(t, start);
}

/* ---- RSDT, XSDT, RSDP ---- */

static void build_rsdt(GByteArray *t, const uint32_t *entries, int n)
{
    size_t start = acpi_table_begin(t, "RSDT", 1);

    for (int i = 0; i < n; i++) {
        build_append_int_noprefix(t, entries[i], 4);
    }
    acpi_table_end(t, start);
}

static void build_xsdt(GByteArray *t, const uint32_t *entries, int n)
{
    size_t start = acpi_table_begin(t, "XSDT", 1);

    for (int i = 0; i < n; i++) {
        build_append_int_noprefix(t, entries[i], 8);
    }
    acpi_table_end(t, start);
}

/* The RSDP (5.2.5.3) at offset 0 of t, which holds RSDP_SIZE zero bytes. */
static void build_rsdp(GByteArray *t, uint32_t rsdt, uint64_t xsdt)
{
    GByteArray *r = g_byte_array_new();

    build_append_padded_str(r, "RSD PTR ", 8, ' ');
    build_append_int_noprefix(r, 0, 1); /* Checksum (first 20 bytes) */
    build_append_padded_str(r, ACPI_OEM_ID, 6, ' ');
    build_append_int_noprefix(r, RSDP_REVISION, 1);
    build_append_int_noprefix(r, rsdt, 4);
    build_append_int_noprefix(r, RSDP_SIZE, 4);
    build_append_int_noprefix(r, xsdt, 8);
    build_append_int_noprefix(r, 0, 1); /* Extended Checksum */
    build_append_int_noprefix(r, 0, 3); /* Reserved */
    assert(r->len == RSDP_SIZE);
    r->data[8] = acpi_checksum(r->data, 20);
    r->data[32] = acpi_checksum(r->data, RSDP_SIZE);
    memcpy(t->data, r->data, RSDP_SIZE);
    g_byte_array_free(r, TRUE);
}

/* ---- Putting it together ---- */

static bool check_config(const AcpiConfig *cfg, Error **errp)
{
    if (cfg->ncpus < 1 || cfg->ncpus > ACPI_MAX_CPUS) {
        error_setg(errp, "ACPI tables: %d CPUs (the MADT describes 1 to %d)",
                   cfg->ncpus, ACPI_MAX_CPUS);
        return false;
    }
    if (cfg->ram_below_4g >= ACPI_PCI_HOLE_END) {
        error_setg(errp,
                   "ACPI tables: RAM below 4 GiB (0x%" PRIx64
                   ") reaches the IOAPIC at 0x%x",
                   cfg->ram_below_4g, ACPI_IOAPIC_ADDR);
        return false;
    }
    if (cfg->addr & 0xf) {
        error_setg(errp,
                   "ACPI tables: address 0x%" HWADDR_PRIx " is not "
                   "16-byte aligned",
                   cfg->addr);
        return false;
    }
    if (cfg->num_serial < 0 || cfg->num_serial > 4) {
        error_setg(errp, "ACPI tables: %d serial ports (0 to 4)",
                   cfg->num_serial);
        return false;
    }
    for (int i = 0; i < 4; i++) {
        if (cfg->pirq_irq[i] >= 16 || cfg->pirq_irq[i] == 0) {
            error_setg(errp, "ACPI tables: PIRQ%c routed to IRQ %u", 'A' + i,
                       cfg->pirq_irq[i]);
            return false;
        }
    }
    if (cfg->sci_irq >= 16) {
        error_setg(errp, "ACPI tables: SCI on IRQ %u", cfg->sci_irq);
        return false;
    }
    return true;
}

bool acpi_build(const AcpiConfig *cfg, AcpiBuildTables *t, Error **errp)
{
    GByteArray *b;
    uint32_t base = cfg->addr;
    uint32_t tables[2];

    memset(t, 0, sizeof(*t));
    if (!check_config(cfg, errp)) {
        return false;
    }
    b = g_byte_array_new();

    /* The RSDP first (filled in last), in a 64-byte slot. */
    t->rsdp_offset = 0;
    g_byte_array_set_size(b, 64);
    memset(b->data, 0, 64);

    t->tables_offset = t->facs_offset = b->len; /* 64-byte aligned */
    build_facs(b);
    align_blob(b, 16);
    t->dsdt_offset = b->len;
    build_dsdt(b, cfg);
    align_blob(b, 16);
    t->fadt_offset = b->len;
    build_fadt(b, cfg, base + t->facs_offset, base + t->dsdt_offset);
    align_blob(b, 16);
    t->madt_offset = b->len;
    build_madt(b, cfg);
    align_blob(b, 16);

    tables[0] = base + t->fadt_offset;
    tables[1] = base + t->madt_offset;
    t->rsdt_offset = b->len;
    build_rsdt(b, tables, ARRAY_SIZE(tables));
    align_blob(b, 16);
    t->xsdt_offset = b->len;
    build_xsdt(b, tables, ARRAY_SIZE(tables));
    build_rsdp(b, base + t->rsdt_offset, base + t->xsdt_offset);
    t->blob = b;

    if (b->len > cfg->size || (uint64_t)cfg->addr + b->len > UINT32_MAX) {
        error_setg(errp,
                   "ACPI tables: %u bytes do not fit in the %u bytes "
                   "at 0x%" HWADDR_PRIx,
                   b->len, cfg->size, cfg->addr);
        acpi_build_tables_free(t);
        return false;
    }
    return true;
}

void acpi_build_tables_free(AcpiBuildTables *t)
{
    if (t->blob) {
        g_byte_array_free(t->blob, TRUE);
    }
    memset(t, 0, sizeof(*t));
}

bool acpi_build_tables(MachineState *ms, const AcpiConfig *cfg, Error **errp)
{
    AcpiBuildTables t;
    MemTxResult r;

    if (!acpi_build(cfg, &t, errp)) {
        return false;
    }
    r = address_space_write_rom(ms->as_memory, cfg->addr, t.blob->data,
                                t.blob->len);
    if (r != MEMTX_OK) {
        error_setg(errp,
                   "ACPI tables: no RAM at 0x%" HWADDR_PRIx
                   " for their %u bytes",
                   cfg->addr, t.blob->len);
        acpi_build_tables_free(&t);
        return false;
    }
    if (cfg->fw_cfg) {
        fw_cfg_modify_file(cfg->fw_cfg, ACPI_FW_CFG_RSDP,
                           t.blob->data + t.rsdp_offset, RSDP_SIZE);
        fw_cfg_modify_file(cfg->fw_cfg, ACPI_FW_CFG_TABLES,
                           t.blob->data + t.tables_offset,
                           t.blob->len - t.tables_offset);
    }
    acpi_build_tables_free(&t);
    return true;
}
