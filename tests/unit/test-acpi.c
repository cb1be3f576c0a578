/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ACPI: the AML builder's encodings (PkgLength, integers, names, methods,
 * fields, resource templates), the pc tables (checksums, RSDP/XSDT/FADT/
 * MADT fields for 1 and 2 CPUs, the DSDT through iasl), the
 * PM registers (write-1-to-clear, SCI, sleep, PM timer on the virtual
 * clock), and the piix4-pm device on a machine: S5 shuts it down, the
 * power button raises the SCI on IRQ 9.
 */
#include "util/osdep.h"
#include "util/timer.h"
#include "hw/core/machine.h"
#include "hw/pci/pci.h"
#include "hw/acpi/aml-build.h"
#include "hw/acpi/acpi-pm.h"
#include "hw/acpi/piix4-pm.h"
#include "hw/pci-host/i440fx.h"
#include "hw/i386/acpi-build.h"
#include "tests/unit/unit.h"

/* ---- Helpers ---- */

/* Emit a and compare its bytes with the n bytes want. */
static bool aml_is(Aml *a, const uint8_t *want, size_t n)
{
    GByteArray *b = g_byte_array_new();
    bool ok;

    aml_emit(b, a);
    ok = b->len == n && !memcmp(b->data, want, n);
    if (!ok) {
        fprintf(stderr, "\n  got  ");
        for (guint i = 0; i < b->len; i++) {
            fprintf(stderr, "%02x ", b->data[i]);
        }
        fprintf(stderr, "\n  want ");
        for (size_t i = 0; i < n; i++) {
            fprintf(stderr, "%02x ", want[i]);
        }
    }
    g_byte_array_free(b, TRUE);
    return ok;
}

#define AML_IS(a, ...)                                                         \
    do {                                                                       \
        static const uint8_t want_[] = {__VA_ARGS__};                          \
        CU_ASSERT_TRUE(aml_is((a), want_, sizeof(want_)));                     \
    } while (0)

static uint8_t sum_bytes(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    for (size_t i = 0; i < n; i++) {
        s += p[i];
    }
    return s;
}

static uint16_t le16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- AML encodings ---- */

static void pkglen_is(uint32_t len, const uint8_t *want, int n)
{
    uint8_t out[4];
    int got = aml_pkglen_encode(out, len);

    CU_ASSERT_EQUAL(got, n);
    CU_ASSERT_TRUE(got == n && !memcmp(out, want, n));
}

static void test_aml_pkglen(void)
{
    /* One byte: the total (contents + 1) up to 63. */
    pkglen_is(0, (const uint8_t[]){0x01}, 1);
    pkglen_is(62, (const uint8_t[]){0x3f}, 1);
    /* Two bytes: low nibble in byte 0, bits 4-11 in byte 1. */
    pkglen_is(63, (const uint8_t[]){0x41, 0x04}, 2);
    pkglen_is(4093, (const uint8_t[]){0x4f, 0xff}, 2);
    /* Three bytes from a total of 4096. */
    pkglen_is(4094, (const uint8_t[]){0x81, 0x00, 0x01}, 3);
    pkglen_is((1u << 20) - 4, (const uint8_t[]){0x8f, 0xff, 0xff}, 3);
    /* Four bytes from a total of 2^20. */
    pkglen_is((1u << 20) - 3, (const uint8_t[]){0xc1, 0x00, 0x00, 0x01}, 4);
    pkglen_is(0x100000, (const uint8_t[]){0xc4, 0x00, 0x00, 0x01}, 4);

    /* A package long enough for a two-byte PkgLength, end to end. */
    {
        Aml *pkg = aml_package();
        GByteArray *b = g_byte_array_new();

        for (int i = 0; i < 40; i++) {
            aml_append(pkg, aml_int(0x100 + i)); /* 3 bytes each */
        }
        aml_emit(b, pkg);
        /* PackageOp, PkgLength 2 bytes, NumElements, 120 bytes */
        CU_ASSERT_EQUAL(b->len, 1 + 2 + 1 + 120);
        CU_ASSERT_EQUAL(b->data[0], 0x12);
        CU_ASSERT_EQUAL(b->data[1], 0x40 | ((2 + 1 + 120) & 0xf));
        CU_ASSERT_EQUAL(b->data[2], (2 + 1 + 120) >> 4);
        CU_ASSERT_EQUAL(b->data[3], 40);
        g_byte_array_free(b, TRUE);
    }
}

static void test_aml_integers(void)
{
    AML_IS(aml_int(0), 0x00);
    AML_IS(aml_int(1), 0x01);
    AML_IS(aml_int(UINT64_MAX), 0xff);
    AML_IS(aml_int(2), 0x0a, 0x02);
    AML_IS(aml_int(0xff), 0x0a, 0xff);
    AML_IS(aml_int(0x100), 0x0b, 0x00, 0x01);
    AML_IS(aml_int(0xffff), 0x0b, 0xff, 0xff);
    AML_IS(aml_int(0x10000), 0x0c, 0x00, 0x00, 0x01, 0x00);
    AML_IS(aml_int(0xffffffff), 0x0c, 0xff, 0xff, 0xff, 0xff);
    AML_IS(aml_int(0x100000000ull), 0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
           0x00, 0x00);
    AML_IS(aml_int(0xfffffffffffffffeull), 0x0e, 0xfe, 0xff, 0xff, 0xff, 0xff,
           0xff, 0xff, 0xff);
    AML_IS(aml_dword(1), 0x0c, 0x01, 0x00, 0x00, 0x00);
    AML_IS(aml_string("COM1"), 0x0d, 'C', 'O', 'M', '1', 0x00);
    /* EisaId("PNP0A03") is 0x030AD041, stored as 41 D0 0A 03. */
    CU_ASSERT_EQUAL(aml_eisaid_value("PNP0A03"), 0x030ad041);
    AML_IS(aml_eisaid("PNP0C0F"), 0x0c, 0x41, 0xd0, 0x0c, 0x0f);
}

static void test_aml_names(void)
{
    AML_IS(aml_name("_SB"), '_', 'S', 'B', '_');
    AML_IS(aml_name("\\_SB"), '\\', '_', 'S', 'B', '_');
    AML_IS(aml_name("\\_SB.PCI0"), '\\', 0x2e, '_', 'S', 'B', '_', 'P', 'C',
           'I', '0');
    AML_IS(aml_name("\\_SB.PCI0.ISA"), '\\', 0x2f, 0x03, '_', 'S', 'B', '_',
           'P', 'C', 'I', '0', 'I', 'S', 'A', '_');
    AML_IS(aml_name("^LNKA"), '^', 'L', 'N', 'K', 'A');
    AML_IS(aml_name("%s", ""), 0x00);
    AML_IS(aml_arg(0), 0x68);
    AML_IS(aml_local(7), 0x67);
}

static void test_aml_objects(void)
{
    Aml *m, *dev, *scope, *pkg, *f, *cond;

    /* Method(_STA, 0, NotSerialized) { Return (0x0F) } */
    m = aml_method("_STA", 0, false);
    aml_append(m, aml_return(aml_int(0x0f)));
    AML_IS(m, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xa4, 0x0a, 0x0f);

    /* Method(_SRS, 1, Serialized) { Store (Arg0, Local0) } */
    m = aml_method("_SRS", 1, true);
    aml_append(m, aml_store(aml_arg(0), aml_local(0)));
    AML_IS(m, 0x14, 0x09, '_', 'S', 'R', 'S', 0x09, 0x70, 0x68, 0x60);

    /* Name(_S5, Package() { Zero, Zero, Zero, Zero }) */
    pkg = aml_package();
    for (int i = 0; i < 4; i++) {
        aml_append(pkg, aml_int(0));
    }
    AML_IS(aml_name_decl("_S5", pkg), 0x08, '_', 'S', '5', '_', 0x12, 0x06,
           0x04, 0x00, 0x00, 0x00, 0x00);

    /* Scope(\_SB) { Device(PCI0) { Name(_ADR, Zero) } } */
    scope = aml_scope("\\_SB");
    dev = aml_device("PCI0");
    aml_append(dev, aml_name_decl("_ADR", aml_int(0)));
    aml_append(scope, dev);
    AML_IS(scope, 0x10, 0x13, '\\', '_', 'S', 'B', '_', 0x5b, 0x82, 0x0b, 'P',
           'C', 'I', '0', 0x08, '_', 'A', 'D', 'R', 0x00);

    /* Field(P40C, ByteAcc, NoLock, Preserve) { PRQ0, 8, Offset(2), X, 8 } */
    f = aml_field("P40C", AML_BYTE_ACC, false, AML_PRESERVE);
    aml_append(f, aml_named_field("PRQ0", 8));
    aml_append(f, aml_reserved_field(8));
    aml_append(f, aml_named_field("X", 8));
    AML_IS(f, 0x5b, 0x81, 0x12, 'P', '4', '0', 'C', 0x01, 'P', 'R', 'Q', '0',
           0x08, 0x00, 0x08, 'X', '_', '_', '_', 0x08);

    /* OperationRegion(P40C, PCI_Config, 0x60, 0x04) */
    AML_IS(aml_operation_region("P40C", AML_PCI_CONFIG, aml_int(0x60), 4), 0x5b,
           0x80, 'P', '4', '0', 'C', 0x02, 0x0a, 0x60, 0x0a, 0x04);

    /* If (And (0x80, Arg0)) { Return (0x09) } */
    cond = aml_if(aml_and(aml_int(0x80), aml_arg(0), NULL));
    aml_append(cond, aml_return(aml_int(9)));
    AML_IS(cond, 0xa0, 0x09, 0x7b, 0x0a, 0x80, 0x68, 0x00, 0xa4, 0x0a, 0x09);

    /* Or (PRQ0, 0x80, PRQ0); a method call with one argument */
    AML_IS(aml_or(aml_name("PRQ0"), aml_int(0x80), aml_name("PRQ0")), 0x7d, 'P',
           'R', 'Q', '0', 0x0a, 0x80, 'P', 'R', 'Q', '0');
    AML_IS(aml_call("IQST", 1, aml_name("PRQ0")), 'I', 'Q', 'S', 'T', 'P', 'R',
           'Q', '0');
    AML_IS(aml_create_dword_field(aml_arg(0), aml_int(5), "PRRI"), 0x8a, 0x68,
           0x0a, 0x05, 'P', 'R', 'R', 'I');
    AML_IS(aml_lnot(aml_lequal(aml_arg(0), aml_int(0))), 0x92, 0x93, 0x68,
           0x00);
}

static void test_aml_resources(void)
{
    Aml *rt = aml_resource_template();
    static const uint32_t irq10 = 10;
    GByteArray *b = g_byte_array_new();

    /* IO(Decode16, 0x3F8, 0x3F8, 0, 8) IRQNoFlags() {4} and the End Tag */
    aml_append(rt, aml_io(true, 0x3f8, 0x3f8, 0x00, 0x08));
    aml_append(rt, aml_irq_no_flags(4));
    aml_emit(b, rt);
    CU_ASSERT_EQUAL(b->len, 17);
    {
        static const uint8_t want[] = {0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01,
                                       0xf8, 0x03, 0xf8, 0x03, 0x00, 0x08,
                                       0x22, 0x10, 0x00, 0x79};

        CU_ASSERT_TRUE(b->len == 17 && !memcmp(b->data, want, sizeof(want)));
        /* The End Tag's checksum makes the descriptors sum to zero. */
        CU_ASSERT_EQUAL(sum_bytes(b->data + 4, 13), 0);
    }
    g_byte_array_set_size(b, 0);

    /* Interrupt(ResourceConsumer, Level, ActiveHigh, Shared) {10} */
    rt = aml_resource_template();
    aml_append(rt, aml_interrupt(true, false, true, &irq10, 1));
    AML_IS(rt, 0x11, 0x0e, 0x0a, 0x0b, 0x89, 0x06, 0x00, 0x09, 0x01, 0x0a, 0x00,
           0x00, 0x00, 0x79, 0xe4);

    /* A template methods patch leaves its End Tag checksum 0. */
    rt = aml_resource_template_mutable();
    aml_append(rt, aml_interrupt(true, false, true, &irq10, 1));
    AML_IS(rt, 0x11, 0x0e, 0x0a, 0x0b, 0x89, 0x06, 0x00, 0x09, 0x01, 0x0a, 0x00,
           0x00, 0x00, 0x79, 0x00);

    /* WordBusNumber(ResourceProducer, MinFixed, MaxFixed, PosDecode, 0,
     * 0, 0xFF, 0, 0x100) */
    AML_IS(aml_word_bus_number(0, 0xff), 0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00,
           0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01);
    /* DWordIO(..., EntireRange, 0, 0x0D00, 0xFFFF, 0, 0xF300) */
    AML_IS(aml_dword_io(0x0d00, 0xffff), 0x87, 0x17, 0x00, 0x01, 0x0c, 0x03, 0,
           0, 0, 0, 0x00, 0x0d, 0, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0x00, 0xf3,
           0, 0);
    /* DWordMemory(..., NonCacheable, ReadWrite, 0, 0x20000000,
     * 0xFEBFFFFF, 0, 0xDEC00000) */
    AML_IS(aml_dword_memory(false, 0x20000000, 0xfebfffff), 0x87, 0x17, 0x00,
           0x00, 0x0c, 0x01, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x20, 0xff, 0xff,
           0xbf, 0xfe, 0, 0, 0, 0, 0x00, 0x00, 0xc0, 0xde);
    /* QWordMemory: 0x2b bytes after the length */
    {
        GByteArray *q = g_byte_array_new();

        aml_emit(q, aml_qword_memory(false, 0x100000000ull, 0x1ffffffffull));
        CU_ASSERT_EQUAL(q->len, 3 + 0x2b);
        CU_ASSERT_EQUAL(q->data[0], 0x8a);
        CU_ASSERT_EQUAL(le16(q->data + 1), 0x2b);
        CU_ASSERT_EQUAL(le64(q->data + 14), 0x100000000ull);
        CU_ASSERT_EQUAL(le64(q->data + 22), 0x1ffffffffull);
        CU_ASSERT_EQUAL(le64(q->data + 38), 0x100000000ull);
        g_byte_array_free(q, TRUE);
    }
    g_byte_array_free(b, TRUE);
}

/* ---- Tables ---- */

static void build_for(int ncpus, AcpiBuildTables *t)
{
    AcpiConfig cfg;
    Error *err = NULL;

    acpi_config_pc_defaults(&cfg);
    cfg.ncpus = ncpus;
    cfg.ram_below_4g = 512 * MiB;
    CU_ASSERT_TRUE_FATAL(acpi_build(&cfg, t, &err));
}

/* The table at off: signature, length within the blob, checksum 0. */
static const uint8_t *table_at(AcpiBuildTables *t, uint32_t off,
                               const char *sig)
{
    const uint8_t *p = t->blob->data + off;

    CU_ASSERT_FATAL(off + ACPI_TABLE_HEADER_SIZE <= t->blob->len);
    CU_ASSERT_EQUAL(memcmp(p, sig, 4), 0);
    CU_ASSERT_FATAL(off + le32(p + 4) <= t->blob->len);
    CU_ASSERT_EQUAL(sum_bytes(p, le32(p + 4)), 0);
    CU_ASSERT_EQUAL(memcmp(p + 10, ACPI_OEM_ID, 6), 0);
    return p;
}

static void test_tables_checksums(void)
{
    AcpiBuildTables t;
    const uint8_t *rsdp;

    build_for(1, &t);
    rsdp = t.blob->data + t.rsdp_offset;
    CU_ASSERT_EQUAL(memcmp(rsdp, "RSD PTR ", 8), 0);
    CU_ASSERT_EQUAL(sum_bytes(rsdp, 20), 0);
    CU_ASSERT_EQUAL(sum_bytes(rsdp, 36), 0);
    table_at(&t, t.dsdt_offset, "DSDT");
    table_at(&t, t.fadt_offset, "FACP");
    table_at(&t, t.madt_offset, "APIC");
    table_at(&t, t.rsdt_offset, "RSDT");
    table_at(&t, t.xsdt_offset, "XSDT");
    /* FACS: no checksum, 64 bytes, 64-byte aligned. */
    CU_ASSERT_EQUAL(memcmp(t.blob->data + t.facs_offset, "FACS", 4), 0);
    CU_ASSERT_EQUAL(le32(t.blob->data + t.facs_offset + 4), 64);
    CU_ASSERT_EQUAL((ACPI_BUILD_ADDR_DEFAULT + t.facs_offset) % 64, 0);
    CU_ASSERT_TRUE(t.blob->len <= ACPI_BUILD_SIZE_DEFAULT);
    acpi_build_tables_free(&t);
}

static void test_tables_rsdp_xsdt(void)
{
    AcpiBuildTables t;
    const uint8_t *rsdp, *xsdt, *rsdt;
    uint32_t base = ACPI_BUILD_ADDR_DEFAULT;

    build_for(1, &t);
    rsdp = t.blob->data;
    CU_ASSERT_EQUAL(rsdp[15], 2); /* Revision */
    CU_ASSERT_EQUAL(le32(rsdp + 16), base + t.rsdt_offset);
    CU_ASSERT_EQUAL(le32(rsdp + 20), 36); /* Length */
    CU_ASSERT_EQUAL(le64(rsdp + 24), base + t.xsdt_offset);

    xsdt = table_at(&t, t.xsdt_offset, "XSDT");
    CU_ASSERT_EQUAL(le32(xsdt + 4), 36 + 2 * 8);
    CU_ASSERT_EQUAL(le64(xsdt + 36), base + t.fadt_offset);
    CU_ASSERT_EQUAL(le64(xsdt + 44), base + t.madt_offset);
    rsdt = table_at(&t, t.rsdt_offset, "RSDT");
    CU_ASSERT_EQUAL(le32(rsdt + 4), 36 + 2 * 4);
    CU_ASSERT_EQUAL(le32(rsdt + 36), base + t.fadt_offset);
    CU_ASSERT_EQUAL(le32(rsdt + 40), base + t.madt_offset);
    acpi_build_tables_free(&t);
}

static void test_tables_fadt(void)
{
    AcpiBuildTables t;
    const uint8_t *f;
    uint32_t base = ACPI_BUILD_ADDR_DEFAULT;
    uint16_t pm = PIIX4_PM_IO_BASE_DEFAULT;

    build_for(2, &t);
    f = table_at(&t, t.fadt_offset, "FACP");
    CU_ASSERT_EQUAL(le32(f + 4), 244);                   /* Length */
    CU_ASSERT_EQUAL(f[8], 3);                            /* Revision */
    CU_ASSERT_EQUAL(le32(f + 36), base + t.facs_offset); /* FIRMWARE_CTRL */
    CU_ASSERT_EQUAL(le32(f + 40), base + t.dsdt_offset); /* DSDT */
    CU_ASSERT_EQUAL(le16(f + 46), 9);                    /* SCI_INT */
    CU_ASSERT_EQUAL(le32(f + 48), 0);                    /* SMI_CMD */
    CU_ASSERT_EQUAL(le32(f + 56), pm);                   /* PM1a_EVT_BLK */
    CU_ASSERT_EQUAL(le32(f + 64), pm + 4);               /* PM1a_CNT_BLK */
    CU_ASSERT_EQUAL(le32(f + 76), pm + 8);               /* PM_TMR_BLK */
    CU_ASSERT_EQUAL(le32(f + 80), pm + 0x0c);            /* GPE0_BLK */
    CU_ASSERT_EQUAL(f[88], 4);                           /* PM1_EVT_LEN */
    CU_ASSERT_EQUAL(f[89], 2);                           /* PM1_CNT_LEN */
    CU_ASSERT_EQUAL(f[91], 4);                           /* PM_TMR_LEN */
    CU_ASSERT_EQUAL(f[92], 4);                           /* GPE0_BLK_LEN */
    CU_ASSERT_EQUAL(f[108], 0x32);                       /* CENTURY */
    CU_ASSERT_EQUAL(le16(f + 109), 0x0003);              /* IAPC_BOOT_ARCH */
    /* Flags: reset register supported, fixed power button (bit 4 clear). */
    CU_ASSERT_TRUE(le32(f + 112) & (1u << 10));
    CU_ASSERT_FALSE(le32(f + 112) & (1u << 4));
    CU_ASSERT_FALSE(le32(f + 112) & (1u << 8)); /* 24-bit timer */
    /* RESET_REG: system I/O, 8 bits at 0xCF9; RESET_VALUE 6 */
    CU_ASSERT_EQUAL(f[116], 1);
    CU_ASSERT_EQUAL(f[117], 8);
    CU_ASSERT_EQUAL(le64(f + 120), 0xcf9);
    CU_ASSERT_EQUAL(f[128], 0x06);
    CU_ASSERT_EQUAL(le64(f + 132), 0); /* X_FIRMWARE_CTRL: FACS is 32-bit */
    CU_ASSERT_EQUAL(le64(f + 140), base + t.dsdt_offset); /* X_DSDT */
    /* X_PM1a_EVT_BLK, X_PM1a_CNT_BLK, X_PM_TMR_BLK, X_GPE0_BLK match */
    CU_ASSERT_EQUAL(f[148], 1);
    CU_ASSERT_EQUAL(f[149], 32);
    CU_ASSERT_EQUAL(le64(f + 152), pm);
    CU_ASSERT_EQUAL(f[173], 16);
    CU_ASSERT_EQUAL(le64(f + 176), pm + 4);
    CU_ASSERT_EQUAL(f[209], 32);
    CU_ASSERT_EQUAL(le64(f + 212), pm + 8);
    CU_ASSERT_EQUAL(f[221], 32);
    CU_ASSERT_EQUAL(le64(f + 224), pm + 0x0c);
    acpi_build_tables_free(&t);
}

/* Walk the MADT of ncpus CPUs and check every entry. */
static void check_madt(int ncpus)
{
    AcpiBuildTables t;
    const uint8_t *m, *e, *end;
    int lapics = 0, ioapics = 0, nmis = 0;
    uint32_t iso_flags[16] = {0};
    int iso_gsi[16];

    for (int i = 0; i < 16; i++) {
        iso_gsi[i] = -1;
    }
    build_for(ncpus, &t);
    m = table_at(&t, t.madt_offset, "APIC");
    CU_ASSERT_EQUAL(le32(m + 36), 0xfee00000);
    CU_ASSERT_EQUAL(le32(m + 40), 1); /* PCAT_COMPAT */
    end = m + le32(m + 4);
    for (e = m + 44; e < end; e += e[1]) {
        CU_ASSERT_FATAL(e[1] >= 2 && e + e[1] <= end);
        switch (e[0]) {
        case 0: /* LAPIC */
            CU_ASSERT_EQUAL(e[1], 8);
            CU_ASSERT_EQUAL(e[2], lapics);   /* processor UID */
            CU_ASSERT_EQUAL(e[3], lapics);   /* APIC ID */
            CU_ASSERT_EQUAL(le32(e + 4), 1); /* enabled */
            lapics++;
            break;
        case 1: /* IOAPIC */
            CU_ASSERT_EQUAL(e[1], 12);
            CU_ASSERT_EQUAL(e[2], ncpus);
            CU_ASSERT_EQUAL(le32(e + 4), 0xfec00000);
            CU_ASSERT_EQUAL(le32(e + 8), 0);
            ioapics++;
            break;
        case 2: /* interrupt source override */
            CU_ASSERT_EQUAL(e[1], 10);
            CU_ASSERT_EQUAL(e[2], 0);
            CU_ASSERT_FATAL(e[3] < 16);
            iso_gsi[e[3]] = le32(e + 4);
            iso_flags[e[3]] = le16(e + 8);
            break;
        case 4: /* LAPIC NMI */
            CU_ASSERT_EQUAL(e[1], 6);
            CU_ASSERT_EQUAL(e[2], 0xff);
            CU_ASSERT_EQUAL(e[5], 1); /* LINT1 */
            nmis++;
            break;
        default:
            CU_FAIL("unexpected MADT entry");
        }
    }
    CU_ASSERT_PTR_EQUAL(e, end);
    CU_ASSERT_EQUAL(lapics, ncpus);
    CU_ASSERT_EQUAL(ioapics, 1);
    CU_ASSERT_EQUAL(nmis, 1);
    CU_ASSERT_EQUAL(iso_gsi[0], 2);
    CU_ASSERT_EQUAL(iso_flags[0], 0);
    CU_ASSERT_EQUAL(iso_gsi[9], 9);
    CU_ASSERT_EQUAL(iso_flags[9], 0x000d); /* level, active high */
    CU_ASSERT_EQUAL(iso_gsi[10], 10);
    CU_ASSERT_EQUAL(iso_flags[10], 0x000d);
    CU_ASSERT_EQUAL(iso_gsi[11], 11);
    CU_ASSERT_EQUAL(iso_gsi[4], -1);
    CU_ASSERT_EQUAL(le32(m + 4), 44 + 8 * ncpus + 12 + 4 * 10 + 6);
    acpi_build_tables_free(&t);
}

static void test_tables_madt(void)
{
    check_madt(1);
    check_madt(2);
}

/* A byte string appears in the DSDT. */
static bool dsdt_has(AcpiBuildTables *t, const void *needle, size_t n)
{
    const uint8_t *d = t->blob->data + t->dsdt_offset;

    return memmem(d, le32(d + 4), needle, n) != NULL;
}

/* What the PCI hotplug AML (hw/i386/acpi-build.c's build_pcihp) uses. */
static void test_aml_hotplug_ops(void)
{
    /* Notify (S18, Arg1) */
    AML_IS(aml_notify(aml_name("S18"), aml_arg(1)), 0x86, 'S', '1', '8', '_',
           0x69);
    /* ShiftLeft (One, Arg1) with no target */
    AML_IS(aml_shiftleft(aml_int(1), aml_arg(1)), 0x79, 0x01, 0x69, 0x00);
    /* Mutex (BLCK, 0), Acquire (BLCK, 0xFFFF), Release (BLCK) */
    AML_IS(aml_mutex("BLCK", 0), 0x5b, 0x01, 'B', 'L', 'C', 'K', 0x00);
    AML_IS(aml_acquire(aml_name("BLCK"), 0xffff), 0x5b, 0x23, 'B', 'L', 'C',
           'K', 0xff, 0xff);
    AML_IS(aml_release(aml_name("BLCK")), 0x5b, 0x27, 'B', 'L', 'C', 'K');
}

static void test_tables_dsdt_pcihp(void)
{
    AcpiConfig cfg;
    AcpiBuildTables t;
    /* Device (S18) { Name (_ADR, 0x00030000) ... */
    static const uint8_t s18[] = {'S',  '1', '8',  '_',  0x08, '_',  'A',
                                  'D',  'R', 0x0c, 0x00, 0x00, 0x03, 0x00,
                                  0x08, '_', 'S',  'U',  'N',  0x0a, 0x03};
    /* OperationRegion (SEJ, SystemIO, 0xAE08, 4) */
    static const uint8_t sej[] = {0x5b, 0x80, 'S',  'E',  'J',  '_',
                                  0x01, 0x0b, 0x08, 0xae, 0x0a, 0x04};

    build_for(1, &t);
    CU_ASSERT_TRUE(dsdt_has(&t, s18, sizeof(s18)));
    CU_ASSERT_TRUE(dsdt_has(&t, sej, sizeof(sej)));
    CU_ASSERT_TRUE(dsdt_has(&t, "PCNT", 4));
    CU_ASSERT_TRUE(dsdt_has(&t, "_E01", 4));
    /* Slots 0 and 1 hold the chipset: no S00, no S08. */
    CU_ASSERT_FALSE(dsdt_has(&t, "S00_", 4));
    CU_ASSERT_FALSE(dsdt_has(&t, "S08_", 4));
    CU_ASSERT_TRUE(dsdt_has(&t, "SF8_", 4));
    acpi_build_tables_free(&t);

    /* No hotplug block: none of it. */
    acpi_config_pc_defaults(&cfg);
    cfg.pcihp_io_base = 0;
    CU_ASSERT_TRUE_FATAL(acpi_build(&cfg, &t, NULL));
    CU_ASSERT_FALSE(dsdt_has(&t, "PCNT", 4));
    CU_ASSERT_FALSE(dsdt_has(&t, "_E01", 4));
    CU_ASSERT_FALSE(dsdt_has(&t, "S18_", 4));
    acpi_build_tables_free(&t);
}

static void test_tables_dsdt(void)
{
    AcpiBuildTables t;
    static const uint8_t s5[] = {0x08, '\\', '_',  'S',  '5',  '_', 0x12,
                                 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
    /* Package() { 0x0002FFFF, 1, LNKC, 0 }: slot 2 INTB -> PIRQ (2+1-1)&3 */
    static const uint8_t prt_2b[] = {0x12, 0x0d, 0x04, 0x0c, 0xff, 0xff, 0x02,
                                     0x00, 0x01, 'L',  'N',  'K',  'C',  0x00};
    /* Package() { 0xFFFF, Zero, LNKD, 0 }: slot 0 INTA -> PIRQD */
    static const uint8_t prt_0a[] = {0x12, 0x0b, 0x04, 0x0b, 0xff, 0xff,
                                     0x00, 'L',  'N',  'K',  'D',  0x00};
    const uint8_t *d;

    build_for(1, &t);
    d = table_at(&t, t.dsdt_offset, "DSDT");
    CU_ASSERT_EQUAL(d[8], 2); /* 64-bit integers */
    CU_ASSERT_TRUE(dsdt_has(&t, s5, sizeof(s5)));
    CU_ASSERT_TRUE(dsdt_has(&t, prt_2b, sizeof(prt_2b)));
    CU_ASSERT_TRUE(dsdt_has(&t, prt_0a, sizeof(prt_0a)));
    CU_ASSERT_TRUE(dsdt_has(&t, "PCI0", 4));
    CU_ASSERT_TRUE(dsdt_has(&t, "LNKA", 4));
    CU_ASSERT_TRUE(dsdt_has(&t, "COM1", 4));
    /* Every _PRT entry names the link of the PIRQ the PIIX3 routes to. */
    for (int slot = 0; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            int pirq = piix3_pci_slot_get_pirq(PCI_DEVFN(slot, 0), pin);
            uint8_t e[16];
            size_t n = 0;

            e[n++] = 0x12;               /* PackageOp */
            e[n++] = slot ? 0x0d : 0x0b; /* PkgLength */
            e[n++] = 0x04;               /* NumElements */
            if (slot) {
                e[n++] = 0x0c; /* DWordPrefix */
                e[n++] = 0xff;
                e[n++] = 0xff;
                e[n++] = slot;
                e[n++] = 0x00;
            } else {
                e[n++] = 0x0b; /* WordPrefix */
                e[n++] = 0xff;
                e[n++] = 0xff;
            }
            if (pin <= 1) {
                e[n++] = pin; /* ZeroOp, OneOp */
            } else {
                e[n++] = 0x0a; /* BytePrefix */
                e[n++] = pin;
                e[1]++;
            }
            memcpy(e + n, "LNK", 3);
            e[n + 3] = 'A' + pirq;
            n += 4;
            e[n++] = 0x00;
            CU_ASSERT_TRUE(dsdt_has(&t, e, n));
        }
    }
    acpi_build_tables_free(&t);
}

static void test_tables_errors(void)
{
    AcpiConfig cfg;
    AcpiBuildTables t;
    Error *err = NULL;

    acpi_config_pc_defaults(&cfg);
    cfg.ncpus = 0;
    CU_ASSERT_FALSE(acpi_build(&cfg, &t, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    error_free(err);
    err = NULL;
    cfg.ncpus = 1;
    cfg.ram_below_4g = 0xfec00000;
    CU_ASSERT_FALSE(acpi_build(&cfg, &t, &err));
    error_free(err);
    err = NULL;
    cfg.ram_below_4g = 256 * MiB;
    cfg.size = 256;
    CU_ASSERT_FALSE(acpi_build(&cfg, &t, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    error_free(err);
}

/* Disassemble the DSDT with iasl (acpica-tools) and check it parses. */
static void test_tables_iasl(void)
{
    g_autofree char *iasl = g_find_program_in_path("iasl");
    g_autofree char *dir = NULL;
    g_autofree char *aml = NULL;
    g_autofree char *dsl = NULL;
    g_autofree char *out = NULL;
    g_autofree char *text = NULL;
    char *argv[] = {NULL, "-d", NULL, NULL};
    AcpiBuildTables t;
    const uint8_t *d;
    int status = -1;

    /* configure --install-deps installs it: its absence is a failure. */
    if (!iasl) {
        fprintf(stderr, "iasl not installed (Debian: acpica-tools; "
                        "./configure --install-deps installs it)\n");
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(iasl);
    build_for(2, &t);
    d = t.blob->data + t.dsdt_offset;
    dir = g_dir_make_tmp("kemu-acpi-XXXXXX", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    aml = g_build_filename(dir, "dsdt.dat", NULL);
    dsl = g_build_filename(dir, "dsdt.dsl", NULL);
    CU_ASSERT_TRUE(
        g_file_set_contents(aml, (const char *)d, le32(d + 4), NULL));
    argv[0] = iasl;
    argv[2] = aml;
    CU_ASSERT_TRUE(g_spawn_sync(dir, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &out, NULL, &status, NULL));
    CU_ASSERT_EQUAL(status, 0);
    CU_ASSERT_TRUE(g_file_get_contents(dsl, &text, NULL, NULL));
    if (text) {
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Device (PCI0)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "EisaId (\"PNP0A03\")"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Device (LNKD)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "_S5, Package (0x04)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "EisaId (\"PNP0501\")"));
        /* PCI hotplug: the slots, their eject, the GPE handler. */
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Device (S18)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Name (_SUN, 0x03)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Method (_EJ0, 1, NotSerialized)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "PCEJ (BSEL, _SUN)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Notify (S18, Arg1)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "Method (_E01, 0, NotSerialized)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "\\_SB.PCI0.PCNT ()"));
        CU_ASSERT_PTR_NOT_NULL(
            strstr(text, "OperationRegion (PCST, SystemIO, 0xAE00, 0x08)"));
        CU_ASSERT_PTR_NOT_NULL(strstr(text, "DVNT (PCID, 0x03)"));
        CU_ASSERT_PTR_NULL(strstr(text, "Error"));
    }
    unlink(aml);
    unlink(dsl);
    rmdir(dir);
    acpi_build_tables_free(&t);
}

/* ---- PM registers ---- */

typedef struct PmFixture {
    KemuClocks *clocks;
    AcpiPmRegs pm;
    qemu_irq sci;
    int sci_level;
    int sci_changes;
    int sleeps;
    unsigned last_slp_typ;
} PmFixture;

static void pm_sci_handler(void *opaque, int n, int level)
{
    PmFixture *f = opaque;

    f->sci_level = level;
    f->sci_changes++;
}

static void pm_sleep(void *opaque, unsigned typ)
{
    PmFixture *f = opaque;

    f->sleeps++;
    f->last_slp_typ = typ;
}

static void pm_setup(PmFixture *f)
{
    memset(f, 0, sizeof(*f));
    f->clocks = clocks_new();
    clock_virtual_set_manual(f->clocks, true);
    f->sci = qemu_allocate_irq(pm_sci_handler, f, 0);
    acpi_pm_init(&f->pm, NULL, f->clocks, pm_sleep, f);
    f->pm.sci = f->sci;
    acpi_pm_reset(&f->pm);
}

static void pm_teardown(PmFixture *f)
{
    acpi_pm_cleanup(&f->pm);
    qemu_free_irq(f->sci);
    clocks_free(f->clocks);
}

static uint64_t pm_rd(PmFixture *f, hwaddr off, unsigned size)
{
    uint64_t v = 0;

    CU_ASSERT_EQUAL(memory_region_dispatch_read(&f->pm.io, off, &v, size),
                    MEMTX_OK);
    return v;
}

static void pm_wr(PmFixture *f, hwaddr off, uint64_t v, unsigned size)
{
    CU_ASSERT_EQUAL(memory_region_dispatch_write(&f->pm.io, off, v, size),
                    MEMTX_OK);
}

static void test_pm_status_w1c(void)
{
    PmFixture f;

    pm_setup(&f);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 2), 0);
    CU_ASSERT_EQUAL(pm_rd(&f, 4, 2), ACPI_BITMASK_SCI_ENABLE);
    acpi_pm_power_button(&f.pm);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 2), ACPI_BITMASK_POWER_BUTTON_STATUS);
    CU_ASSERT_EQUAL(f.sci_level, 0); /* not enabled */
    /* Writing 0s (and the status back as a 32-bit access) keeps/clears. */
    pm_wr(&f, 0, 0x0000, 2);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 2), ACPI_BITMASK_POWER_BUTTON_STATUS);
    pm_wr(&f, 0, 0x00ff, 2);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 2), ACPI_BITMASK_POWER_BUTTON_STATUS);
    pm_wr(&f, 1, 0x01, 1); /* byte write of bit 8 */
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 2), 0);
    /* The enable register is plain storage of the defined bits. */
    pm_wr(&f, 2, 0xffff, 2);
    CU_ASSERT_EQUAL(pm_rd(&f, 2, 2), 0x0521);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 4) >> 16, 0x0521);
    /* GPE0: write 1 to clear status, enable is storage. */
    acpi_pm_gpe_set(&f.pm, 3);
    CU_ASSERT_EQUAL(pm_rd(&f, 0x0c, 2), 0x0008);
    pm_wr(&f, 0x0e, 0x0008, 2);
    CU_ASSERT_EQUAL(f.sci_level, 1);
    pm_wr(&f, 0x0c, 0x0008, 2);
    CU_ASSERT_EQUAL(pm_rd(&f, 0x0c, 2), 0);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    /* Reset clears all but SCI_EN. */
    acpi_pm_power_button(&f.pm);
    acpi_pm_reset(&f.pm);
    CU_ASSERT_EQUAL(pm_rd(&f, 0, 4), 0);
    CU_ASSERT_EQUAL(pm_rd(&f, 4, 2), ACPI_BITMASK_SCI_ENABLE);
    pm_teardown(&f);
}

static void test_pm_power_button_sci(void)
{
    PmFixture f;

    pm_setup(&f);
    pm_wr(&f, 2, ACPI_BITMASK_POWER_BUTTON_ENABLE, 2);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    acpi_pm_power_button(&f.pm);
    CU_ASSERT_EQUAL(f.sci_level, 1);
    CU_ASSERT_EQUAL(f.sci_changes, 1);
    /* The guest acknowledges: write 1 to clear, the SCI drops. */
    pm_wr(&f, 0, ACPI_BITMASK_POWER_BUTTON_STATUS, 2);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    /* Disabling the enable with the status set drops it too. */
    acpi_pm_power_button(&f.pm);
    CU_ASSERT_EQUAL(f.sci_level, 1);
    pm_wr(&f, 2, 0, 2);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    /* SCI_EN cannot be cleared: no SMI mode to go back to. */
    pm_wr(&f, 4, 0, 2);
    CU_ASSERT_EQUAL(pm_rd(&f, 4, 2), ACPI_BITMASK_SCI_ENABLE);
    pm_teardown(&f);
}

static void test_pm_sleep(void)
{
    PmFixture f;

    pm_setup(&f);
    /* SLP_TYP alone sleeps nowhere, and SLP_EN reads back as 0. */
    pm_wr(&f, 4, 5 << ACPI_SLEEP_TYPE_SHIFT | ACPI_BITMASK_SCI_ENABLE, 2);
    CU_ASSERT_EQUAL(f.sleeps, 0);
    CU_ASSERT_EQUAL(pm_rd(&f, 4, 2),
                    5 << ACPI_SLEEP_TYPE_SHIFT | ACPI_BITMASK_SCI_ENABLE);
    /* Linux writes SLP_TYP, then SLP_TYP | SLP_EN: the type of that write. */
    pm_wr(&f, 4,
          (PIIX4_SLP_TYP_S5 << ACPI_SLEEP_TYPE_SHIFT) |
              ACPI_BITMASK_SLEEP_ENABLE | ACPI_BITMASK_SCI_ENABLE,
          2);
    CU_ASSERT_EQUAL(f.sleeps, 1);
    CU_ASSERT_EQUAL(f.last_slp_typ, PIIX4_SLP_TYP_S5);
    CU_ASSERT_FALSE(pm_rd(&f, 4, 2) & ACPI_BITMASK_SLEEP_ENABLE);
    /* A byte write of the high half alone works as well. */
    pm_wr(&f, 5, (1 << 2 | ACPI_BITMASK_SLEEP_ENABLE >> 8), 1);
    CU_ASSERT_EQUAL(f.sleeps, 2);
    CU_ASSERT_EQUAL(f.last_slp_typ, 1);
    pm_teardown(&f);
}

static void test_pm_timer(void)
{
    PmFixture f;
    uint32_t t0, t1;

    pm_setup(&f);
    t0 = pm_rd(&f, 8, 4);
    CU_ASSERT_EQUAL(t0, 0);
    /* One second of virtual time is 3579545 ticks. */
    clock_virtual_step(f.clocks, NANOSECONDS_PER_SECOND);
    t1 = pm_rd(&f, 8, 4);
    CU_ASSERT_EQUAL(t1, ACPI_PM_TIMER_FREQUENCY);
    /* It stands still while the clock does. */
    CU_ASSERT_EQUAL(pm_rd(&f, 8, 4), t1);
    /* 24 bits: after 5 s the count has wrapped once. */
    clock_virtual_step(f.clocks, 4 * NANOSECONDS_PER_SECOND);
    CU_ASSERT_EQUAL(pm_rd(&f, 8, 4),
                    (5ull * ACPI_PM_TIMER_FREQUENCY) & 0xffffff);
    /* Byte reads see the same counter. */
    CU_ASSERT_EQUAL(pm_rd(&f, 10, 1), (pm_rd(&f, 8, 4) >> 16) & 0xff);
    /* Bit 23 toggled (at 2.34 s and 4.69 s): TMR_STS is set. */
    CU_ASSERT_TRUE(pm_rd(&f, 0, 2) & ACPI_BITMASK_TIMER_STATUS);
    pm_wr(&f, 0, ACPI_BITMASK_TIMER_STATUS, 2);
    CU_ASSERT_FALSE(pm_rd(&f, 0, 2) & ACPI_BITMASK_TIMER_STATUS);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    /* With TMR_EN the next carry raises the SCI from the virtual clock. */
    pm_wr(&f, 2, ACPI_BITMASK_TIMER_ENABLE, 2);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    clock_virtual_step(f.clocks, 2400 * SCALE_MS);
    CU_ASSERT_EQUAL(f.sci_level, 1);
    pm_wr(&f, 0, ACPI_BITMASK_TIMER_STATUS, 2);
    CU_ASSERT_EQUAL(f.sci_level, 0);
    pm_teardown(&f);
}

/* ---- Devices on a machine ---- */

#define TYPE_ACPI_TEST_MACHINE "acpi-test" TYPE_MACHINE_SUFFIX

static const TypeInfo acpi_test_machine_types[] = {
    {
        .name = TYPE_ACPI_TEST_MACHINE,
        .parent = TYPE_MACHINE,
    },
};

DEFINE_TYPES(acpi_test_machine_types)

typedef struct DevFixture {
    MachineState *ms;
    PCIBus *bus;
    DeviceState *pm;
    qemu_irq *gsi;
    int gsi_level[24];
    MachineNotifier notifier;
    int events[MACHINE_EVENT_POWERDOWN + 1];
    char *last_reason;
} DevFixture;

static void dev_gsi_handler(void *opaque, int n, int level)
{
    DevFixture *f = opaque;

    f->gsi_level[n] = level;
}

static void dev_notify(MachineNotifier *n, MachineEvent event,
                       const char *reason, bool guest)
{
    DevFixture *f = container_of(n, DevFixture, notifier);

    f->events[event]++;
    g_free(f->last_reason);
    f->last_reason = g_strdup(reason);
}

static void dev_setup(DevFixture *f)
{
    Error *err = NULL;

    memset(f, 0, sizeof(*f));
    f->ms = MACHINE(object_new(TYPE_ACPI_TEST_MACHINE));
    clock_virtual_set_manual(f->ms->clocks, true);
    f->gsi = qemu_allocate_irqs(dev_gsi_handler, f, 24);
    f->ms->sysbus->irqs = f->gsi;
    f->ms->sysbus->num_irqs = 24;
    f->notifier.notify = dev_notify;
    machine_add_notifier(f->ms, &f->notifier);
    f->bus = pci_root_bus_new(f->ms, NULL, "pci.0", f->ms->system_memory,
                              f->ms->system_io, f->ms->as_memory);
    f->pm = qdev_new(TYPE_PIIX4_PM);
    CU_ASSERT_TRUE_FATAL(
        object_property_parse(OBJECT(f->pm), "addr", "01.3", &err));
    CU_ASSERT_TRUE_FATAL(qdev_realize(f->pm, BUS(f->bus), &err));
    device_cold_reset(f->pm);
}

static void dev_teardown(DevFixture *f)
{
    qdev_unrealize(f->pm);
    object_unref(f->pm);
    object_unref(f->bus);
    machine_remove_notifier(f->ms, &f->notifier);
    f->ms->sysbus->irqs = NULL;
    f->ms->sysbus->num_irqs = 0;
    object_unref(f->ms);
    for (int i = 0; i < 24; i++) {
        qemu_free_irq(f->gsi[i]);
    }
    g_free(f->gsi);
    g_free(f->last_reason);
}

static uint32_t dev_cfg_read(DevFixture *f, uint32_t addr, int len)
{
    return pci_bus_config_read(f->bus, PIIX4_PM_DEVFN, addr, len);
}

static void test_piix4_pm_config(void)
{
    DevFixture f;
    uint16_t pm = PIIX4_PM_IO_BASE_DEFAULT;

    dev_setup(&f);
    CU_ASSERT_EQUAL(dev_cfg_read(&f, PCI_VENDOR_ID, 4), 0x71138086);
    CU_ASSERT_EQUAL(dev_cfg_read(&f, PCI_CLASS_DEVICE, 2), 0x0680);
    CU_ASSERT_EQUAL(dev_cfg_read(&f, PIIX4_PMBA, 4), pm | 1u);
    CU_ASSERT_EQUAL(dev_cfg_read(&f, PIIX4_PMREGMISC, 1), 1);
    /* The block answers at PMBA: SCI_EN is set in PM1_CNT. */
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, pm + 4, NULL), 1);
    /* Moving PMBA moves the block; disabling PMREGMISC hides it. */
    pci_bus_config_write(f.bus, PIIX4_PM_DEVFN, PIIX4_PMBA, 0xb000, 4);
    CU_ASSERT_EQUAL(dev_cfg_read(&f, PIIX4_PMBA, 4), 0xb001);
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, 0xb004, NULL), 1);
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, pm + 4, NULL), 0xffff);
    pci_bus_config_write(f.bus, PIIX4_PM_DEVFN, PIIX4_PMREGMISC, 0, 1);
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, 0xb004, NULL), 0xffff);
    /* Reset puts back what the firmware would have programmed. */
    device_cold_reset(f.pm);
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, pm + 4, NULL), 1);
    dev_teardown(&f);
}

static void test_piix4_pm_s5_shutdown(void)
{
    DevFixture f;
    uint16_t pm = PIIX4_PM_IO_BASE_DEFAULT;

    dev_setup(&f);
    f.ms->runstate = RUN_STATE_RUNNING;
    /* What Linux's acpi_enter_sleep_state(S5) writes to PM1a_CNT. */
    address_space_stw_le(f.ms->as_io, pm + 4,
                         PIIX4_SLP_TYP_S5 << ACPI_SLEEP_TYPE_SHIFT | 1, NULL);
    CU_ASSERT_EQUAL(f.ms->runstate, RUN_STATE_RUNNING);
    address_space_stw_le(f.ms->as_io, pm + 4,
                         PIIX4_SLP_TYP_S5 << ACPI_SLEEP_TYPE_SHIFT |
                             ACPI_BITMASK_SLEEP_ENABLE | 1,
                         NULL);
    CU_ASSERT_EQUAL(f.ms->runstate, RUN_STATE_SHUTDOWN);
    CU_ASSERT_EQUAL(f.ms->exit_status, 0);
    CU_ASSERT_EQUAL(f.events[MACHINE_EVENT_SHUTDOWN], 1);
    CU_ASSERT_STRING_EQUAL(f.last_reason, "guest-shutdown");
    dev_teardown(&f);
}

static void test_piix4_pm_powerdown(void)
{
    DevFixture f;
    uint16_t pm = PIIX4_PM_IO_BASE_DEFAULT;

    dev_setup(&f);
    /* The guest enables the power button event, as Linux's button driver. */
    address_space_stw_le(f.ms->as_io, pm + 2, ACPI_BITMASK_POWER_BUTTON_ENABLE,
                         NULL);
    CU_ASSERT_EQUAL(f.gsi_level[9], 0);
    machine_request_powerdown(f.ms); /* QMP system_powerdown */
    CU_ASSERT_EQUAL(f.events[MACHINE_EVENT_POWERDOWN], 1);
    CU_ASSERT_EQUAL(address_space_lduw_le(f.ms->as_io, pm, NULL),
                    ACPI_BITMASK_POWER_BUTTON_STATUS);
    CU_ASSERT_EQUAL(f.gsi_level[9], 1); /* the SCI on IRQ 9 */
    address_space_stw_le(f.ms->as_io, pm, ACPI_BITMASK_POWER_BUTTON_STATUS,
                         NULL);
    CU_ASSERT_EQUAL(f.gsi_level[9], 0);
    /* The PM timer runs on the machine's virtual clock. */
    clock_virtual_step(f.ms->clocks, 10 * SCALE_MS);
    CU_ASSERT_EQUAL(address_space_ldl_le(f.ms->as_io, pm + 8, NULL),
                    ACPI_PM_TIMER_FREQUENCY / 100);
    dev_teardown(&f);
}

/* acpi_build_tables writes the image into guest RAM at 0xE0000. */
static void test_tables_in_ram(void)
{
    MachineState *ms = MACHINE(object_new(TYPE_ACPI_TEST_MACHINE));
    MemoryRegion ram;
    AcpiConfig cfg;
    AcpiBuildTables t;
    Error *err = NULL;
    uint8_t rsdp[36];

    CU_ASSERT_TRUE_FATAL(memory_region_init_ram(&ram, NULL, "ram", MiB, &err));
    memory_region_add_subregion(ms->system_memory, 0, &ram);
    acpi_config_pc_defaults(&cfg);
    cfg.ncpus = 2;
    cfg.ram_below_4g = MiB;
    CU_ASSERT_TRUE(acpi_build_tables(ms, &cfg, &err));
    CU_ASSERT_TRUE(acpi_build(&cfg, &t, &err));
    CU_ASSERT_EQUAL(address_space_read(ms->as_memory, 0xe0000, rsdp, 36),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(rsdp, t.blob->data, 36), 0);
    CU_ASSERT_EQUAL(memcmp((uint8_t *)memory_region_get_ram_ptr(&ram) + 0xe0000,
                           t.blob->data, t.blob->len),
                    0);
    acpi_build_tables_free(&t);
    /* Without RAM there, it says so. */
    cfg.addr = 0x200000;
    CU_ASSERT_FALSE(acpi_build_tables(ms, &cfg, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    error_free(err);
    memory_region_del_subregion(ms->system_memory, &ram);
    memory_region_destroy(&ram);
    object_unref(ms);
}

UNIT_SUITE(acpi, NULL, NULL, UNIT_TEST(test_aml_pkglen),
           UNIT_TEST(test_aml_integers), UNIT_TEST(test_aml_names),
           UNIT_TEST(test_aml_objects), UNIT_TEST(test_aml_resources),
           UNIT_TEST(test_tables_checksums), UNIT_TEST(test_tables_rsdp_xsdt),
           UNIT_TEST(test_tables_fadt), UNIT_TEST(test_tables_madt),
           UNIT_TEST(test_tables_dsdt), UNIT_TEST(test_aml_hotplug_ops),
           UNIT_TEST(test_tables_dsdt_pcihp), UNIT_TEST(test_tables_errors),
           UNIT_TEST(test_tables_iasl), UNIT_TEST(test_tables_in_ram),
           UNIT_TEST(test_pm_status_w1c), UNIT_TEST(test_pm_power_button_sci),
           UNIT_TEST(test_pm_sleep), UNIT_TEST(test_pm_timer),
           UNIT_TEST(test_piix4_pm_config),
           UNIT_TEST(test_piix4_pm_s5_shutdown),
           UNIT_TEST(test_piix4_pm_powerdown));
