/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux bzImage loader on crafted kernels: the setup header parser,
 * boot_params as the kernel reads it (setup header, loader type, command
 * line, initrd placement, e820, the RSDP), the entry state, images put back
 * by a reset, and the one-line refusals.  With build/guest/bzImage present
 * (tests/guest/linux/build-guest.sh), Debian's kernel too.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/i386/linux-boot.h"
#include "hw/i386/pc.h"
#include "tests/unit/unit.h"

#define TEST_RAM       (128 * MiB)
#define SETUP_SECTS    4
#define SETUP_SIZE     ((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE    8192
#define HEADER_JUMP    0x66 /* header ends at 0x268, as in Linux 6.1 */
#define INIT_SIZE      (4 * MiB)
#define PREF_ADDRESS   (16 * MiB)
#define CMDLINE_SIZE   2047
#define INITRD_MAX     0x7fffffffu
#define REAL_BZIMAGE   "build/guest/bzImage"
#define RSDP_ADDR      0xe0000
#define E820_ENTRY_LEN 20

static const char initrd_data[] = "INITRD-DATA for the bzImage test";

/* ---- Crafted kernels ---- */

typedef struct TestKernel {
    uint16_t version;
    uint8_t loadflags;
    uint32_t syssize; /* 0: KERNEL_SIZE / 16 */
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;
    uint32_t init_size;
} TestKernel;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v);
    put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, v);
    put32(p + 4, v >> 32);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A bzImage: boot sector and setup, then KERNEL_SIZE bytes of "kernel". */
static GByteArray *make_bzimage(const TestKernel *k)
{
    GByteArray *out = g_byte_array_new();
    uint8_t *d;

    g_byte_array_set_size(out, SETUP_SIZE + KERNEL_SIZE);
    d = out->data;
    memset(d, 0, out->len);
    d[LINUX_SETUP_SECTS] = SETUP_SECTS;
    put32(d + LINUX_SYSSIZE, k->syssize ? k->syssize : KERNEL_SIZE / 16);
    put16(d + LINUX_VID_MODE, 0xfffd);
    put16(d + 0x1fe, 0xaa55);
    d[LINUX_JUMP] = 0xeb;
    d[LINUX_JUMP + 1] = HEADER_JUMP;
    memcpy(d + LINUX_HEADER, "HdrS", 4);
    put16(d + LINUX_VERSION, k->version ? k->version : 0x020f);
    d[LINUX_LOADFLAGS] = k->loadflags;
    put32(d + LINUX_CODE32_START, LINUX_KERNEL_ADDR);
    put32(d + LINUX_INITRD_ADDR_MAX,
          k->initrd_addr_max ? k->initrd_addr_max : INITRD_MAX);
    put32(d + LINUX_KERNEL_ALIGNMENT, 2 * MiB);
    d[LINUX_RELOCATABLE] = 1;
    put16(d + LINUX_XLOADFLAGS, LINUX_XLF_KERNEL_64);
    put32(d + LINUX_CMDLINE_SIZE,
          k->cmdline_size ? k->cmdline_size : CMDLINE_SIZE);
    put64(d + LINUX_PREF_ADDRESS, PREF_ADDRESS);
    put32(d + LINUX_INIT_SIZE, k->init_size ? k->init_size : INIT_SIZE);
    /* Past the header: the real-mode code, then the kernel's bytes. */
    d[HEADER_JUMP + LINUX_HEADER] = 0xfa;
    for (unsigned i = 0; i < KERNEL_SIZE; i++) {
        d[SETUP_SIZE + i] = (uint8_t)(i * 13 + 7);
    }
    return out;
}

static const TestKernel good = {.loadflags = LINUX_LOADED_HIGH};

static char *write_temp(const void *data, size_t len)
{
    GError *gerr = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("kemu-linux-XXXXXX", &path, &gerr);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
    close(fd);
    return path;
}

/* ---- A machine per test ---- */

static MachineState *pc_new(Object **root, uint64_t ram_size)
{
    MachineClass *mc = machine_class_find("pc");
    MachineState *ms;

    CU_ASSERT_FATAL(mc != NULL);
    *root = object_new(TYPE_CONTAINER);
    ms = machine_create(*root, mc);
    ms->ram_size = ram_size;
    return ms;
}

static void pc_free(Object *root, MachineState *ms)
{
    machine_destroy(ms);
    object_unref(root);
}

/* Boot @kernel (with @initrd and @cmdline if set); errp as the board's. */
static MachineState *boot(Object **root, uint64_t ram, const char *kernel,
                          const char *initrd, const char *cmdline, Error **errp)
{
    MachineState *ms = pc_new(root, ram);

    ms->kernel_filename = g_strdup(kernel);
    ms->initrd_filename = g_strdup(initrd);
    ms->kernel_cmdline = g_strdup(cmdline);
    if (!machine_init_board(ms, errp)) {
        pc_free(*root, ms);
        return NULL;
    }
    return ms;
}

/* ---- The parser ---- */

static void test_parse_header(void)
{
    g_autoptr(GByteArray) k = make_bzimage(&good);
    LinuxSetupHeader h;
    Error *err = NULL;

    CU_ASSERT(linux_is_bzimage(k->data, k->len));
    CU_ASSERT(!linux_is_bzimage((const uint8_t *)"\177ELF", 4));
    CU_ASSERT_FATAL(linux_parse_header("k", k->data, k->len, &h, &err));
    CU_ASSERT_EQUAL(h.version, 0x020f);
    CU_ASSERT_EQUAL(h.setup_size, SETUP_SIZE);
    CU_ASSERT_EQUAL(h.kernel_size, KERNEL_SIZE);
    CU_ASSERT_EQUAL(h.header_end, LINUX_HEADER + HEADER_JUMP);
    CU_ASSERT_EQUAL(h.loadflags, LINUX_LOADED_HIGH);
    CU_ASSERT(h.xloadflags & LINUX_XLF_KERNEL_64);
    CU_ASSERT_EQUAL(h.initrd_addr_max, INITRD_MAX);
    CU_ASSERT_EQUAL(h.kernel_alignment, 2 * MiB);
    CU_ASSERT(h.relocatable);
    CU_ASSERT_EQUAL(h.cmdline_size, CMDLINE_SIZE);
    CU_ASSERT_EQUAL(h.pref_address, PREF_ADDRESS);
    CU_ASSERT_EQUAL(h.init_size, INIT_SIZE);

    /* setup_sects 0 means 4. */
    k->data[LINUX_SETUP_SECTS] = 0;
    CU_ASSERT_FATAL(linux_parse_header("k", k->data, k->len, &h, &err));
    CU_ASSERT_EQUAL(h.setup_size, SETUP_SIZE);
}

static void test_parse_old_protocol(void)
{
    TestKernel t = good;
    g_autoptr(GByteArray) k = NULL;
    LinuxSetupHeader h;

    /* 2.06..2.09: no pref_address/init_size; 1 MiB and the kernel's size. */
    t.version = 0x0206;
    k = make_bzimage(&t);
    CU_ASSERT_FATAL(linux_parse_header("k", k->data, k->len, &h, NULL));
    CU_ASSERT_EQUAL(h.pref_address, LINUX_KERNEL_ADDR);
    CU_ASSERT_EQUAL(h.init_size, KERNEL_SIZE);
}

/* ---- Booting ---- */

static void check_boot_params(MachineState *ms, uint64_t initrd_addr)
{
    uint8_t bp[LINUX_BP_SIZE];
    uint8_t e820[3 * E820_ENTRY_LEN];
    char cmdline[64], initrd[sizeof(initrd_data)];

    address_space_read(ms->as_memory, ms->boot_cpu.esi, bp, sizeof(bp));
    CU_ASSERT(!memcmp(bp + LINUX_HEADER, "HdrS", 4));
    CU_ASSERT_EQUAL(bp[LINUX_SETUP_SECTS], SETUP_SECTS);
    CU_ASSERT_EQUAL(bp[LINUX_TYPE_OF_LOADER], LINUX_LOADER_UNKNOWN);
    CU_ASSERT_EQUAL(bp[LINUX_VID_MODE] | bp[LINUX_VID_MODE + 1] << 8,
                    LINUX_VID_MODE_NORMAL);
    CU_ASSERT_EQUAL(get32(bp + LINUX_INIT_SIZE), INIT_SIZE);
    /* Nothing past the kernel's own header, the sentinel clear. */
    CU_ASSERT_EQUAL(bp[LINUX_HEADER + HEADER_JUMP], 0);
    CU_ASSERT_EQUAL(bp[LINUX_BP_SENTINEL], 0);
    CU_ASSERT_EQUAL(get32(bp + LINUX_BP_ACPI_RSDP_ADDR), RSDP_ADDR);

    CU_ASSERT_EQUAL(get32(bp + LINUX_CMD_LINE_PTR), LINUX_CMDLINE_ADDR);
    address_space_read(ms->as_memory, LINUX_CMDLINE_ADDR, cmdline,
                       sizeof(cmdline));
    CU_ASSERT_STRING_EQUAL(cmdline, "console=ttyS0 root=/dev/ram");

    CU_ASSERT_EQUAL(get32(bp + LINUX_RAMDISK_IMAGE), initrd_addr);
    CU_ASSERT_EQUAL(get32(bp + LINUX_RAMDISK_SIZE), sizeof(initrd_data));
    address_space_read(ms->as_memory, initrd_addr, initrd, sizeof(initrd));
    CU_ASSERT(!memcmp(initrd, initrd_data, sizeof(initrd_data)));

    /* The board's map without 640 KiB-1 MiB: three entries. */
    CU_ASSERT_EQUAL(bp[LINUX_BP_E820_ENTRIES], 3);
    memcpy(e820, bp + LINUX_BP_E820_TABLE, sizeof(e820));
    CU_ASSERT_EQUAL(get32(e820 + 8), 0xa0000);   /* size */
    CU_ASSERT_EQUAL(get32(e820 + 16), 1);        /* RAM */
    CU_ASSERT_EQUAL(get32(e820 + 20), 0x100000); /* addr */
    CU_ASSERT_EQUAL(get32(e820 + 28), TEST_RAM - MiB);
    CU_ASSERT_EQUAL(get32(e820 + 40), 0xfeffc000);
    CU_ASSERT_EQUAL(get32(e820 + 56), 2); /* reserved */
}

static void test_boot_bzimage(void)
{
    g_autoptr(GByteArray) k = make_bzimage(&good);
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree char *ipath = write_temp(initrd_data, sizeof(initrd_data));
    uint64_t initrd_addr = (TEST_RAM - sizeof(initrd_data)) & ~4095ULL;
    uint8_t text[KERNEL_SIZE], junk[256];
    Error *err = NULL;
    Object *root;
    MachineState *ms = boot(&root, TEST_RAM, kpath, ipath,
                            "console=ttyS0 root=/dev/ram", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT(ms->boot_cpu.flat32);
    CU_ASSERT_EQUAL(ms->boot_cpu.eip, LINUX_KERNEL_ADDR);
    CU_ASSERT_EQUAL(ms->boot_cpu.esi, LINUX_BOOT_PARAMS_ADDR);
    CU_ASSERT_EQUAL(ms->boot_cpu.ebx, 0);
    address_space_read(ms->as_memory, LINUX_KERNEL_ADDR, text, sizeof(text));
    CU_ASSERT(!memcmp(text, k->data + SETUP_SIZE, KERNEL_SIZE));
    check_boot_params(ms, initrd_addr);

    /* The guest scribbles over its boot data; a reset puts it back. */
    memset(junk, 0xcc, sizeof(junk));
    address_space_write(ms->as_memory, LINUX_BOOT_PARAMS_ADDR + 0x1e0, junk,
                        sizeof(junk));
    address_space_write(ms->as_memory, LINUX_CMDLINE_ADDR, junk, 8);
    address_space_write(ms->as_memory, initrd_addr, junk, 8);
    address_space_write(ms->as_memory, LINUX_KERNEL_ADDR, junk, sizeof(junk));
    address_space_write(ms->as_memory, RSDP_ADDR, junk, 8);
    machine_reset(ms);
    address_space_read(ms->as_memory, LINUX_KERNEL_ADDR, text, sizeof(text));
    CU_ASSERT(!memcmp(text, k->data + SETUP_SIZE, KERNEL_SIZE));
    check_boot_params(ms, initrd_addr);
    address_space_read(ms->as_memory, RSDP_ADDR, junk, 8);
    CU_ASSERT(!memcmp(junk, "RSD PTR ", 8));

    /* The kernel file shrank under its mapping: no reload, no SIGBUS. */
    CU_ASSERT(truncate(kpath, SETUP_SIZE) == 0);
    CU_ASSERT(!x86_loader_reset(&PC_MACHINE(ms)->loader, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(error_get_pretty(err), "was truncated since it was loaded"));
    error_free(err);
    pc_free(root, ms);
    unlink(kpath);
    unlink(ipath);
}

/* initrd_addr_max caps the initrd below the top of RAM. */
static void test_initrd_addr_max(void)
{
    TestKernel t = good;
    g_autoptr(GByteArray) k = NULL;
    g_autofree char *kpath = NULL;
    g_autofree char *ipath = write_temp(initrd_data, sizeof(initrd_data));
    uint8_t bp[LINUX_BP_SIZE];
    Object *root;
    MachineState *ms;

    t.initrd_addr_max = 96 * MiB - 1;
    k = make_bzimage(&t);
    kpath = write_temp(k->data, k->len);
    ms = boot(&root, TEST_RAM, kpath, ipath, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    address_space_read(ms->as_memory, LINUX_BOOT_PARAMS_ADDR, bp, sizeof(bp));
    CU_ASSERT_EQUAL(get32(bp + LINUX_RAMDISK_IMAGE),
                    (96 * MiB - sizeof(initrd_data)) & ~4095ULL);
    /* No -append: an empty command line, still pointed at. */
    CU_ASSERT_EQUAL(get32(bp + LINUX_CMD_LINE_PTR), LINUX_CMDLINE_ADDR);
    CU_ASSERT_EQUAL(bp[LINUX_HEADER + HEADER_JUMP], 0);
    pc_free(root, ms);
    unlink(kpath);
    unlink(ipath);
}

/* Boot @t (with an initrd of @initrd_size, and @cmdline); want the error. */
static void check_refused(const GByteArray *k, uint64_t ram, size_t initrd_size,
                          const char *cmdline, const char *want)
{
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree uint8_t *big = g_malloc0(initrd_size + 1);
    g_autofree char *ipath = initrd_size ? write_temp(big, initrd_size) : NULL;
    Object *root;
    Error *err = NULL;

    CU_ASSERT_PTR_NULL(boot(&root, ram, kpath, ipath, cmdline, &err));
    CU_ASSERT_FATAL(err != NULL);
    if (!strstr(error_get_pretty(err), want)) {
        printf("\n  error: %s\n  wanted: %s\n", error_get_pretty(err), want);
        CU_FAIL("wrong error");
    }
    CU_ASSERT_PTR_NULL(strchr(error_get_pretty(err), '\n'));
    error_free(err);
    unlink(kpath);
    if (ipath) {
        unlink(ipath);
    }
}

static void test_refused(void)
{
    TestKernel t;
    g_autoptr(GByteArray) k = NULL;
    g_autofree char *long_cmdline = g_strnfill(40, 'x');
    static const char junk[] = "neither ELF nor Linux";

    t = good;
    t.version = 0x0205;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 0, NULL, "boot protocol 2.05 is too old");
    g_byte_array_unref(k);

    t = good;
    t.loadflags = 0;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 0, NULL, "a zImage");
    g_byte_array_unref(k);

    t = good;
    t.syssize = KERNEL_SIZE / 16 + 1;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 0, NULL, "truncated Linux kernel");
    g_byte_array_unref(k);

    /* Decompressing at 16 MiB needs 16 + 128 MiB. */
    t = good;
    t.init_size = 128 * MiB;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 0, NULL,
                  "the kernel needs RAM up to 144 MiB to decompress and run; "
                  "-m gives 128 MiB below 4 GiB (try a larger -m)");
    g_byte_array_unref(k);

    /* 8 MiB of initrd above the kernel's 16 + 108 MiB, under 128 MiB. */
    t = good;
    t.init_size = 108 * MiB;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 8 * MiB, NULL, "bytes do not fit in RAM");
    g_byte_array_unref(k);

    t = good;
    t.cmdline_size = 16;
    k = make_bzimage(&t);
    check_refused(k, TEST_RAM, 0, long_cmdline,
                  "-append: the command line has 40 bytes; this kernel "
                  "takes at most 16");
    g_byte_array_unref(k);

    /* Cut inside the setup header. */
    k = make_bzimage(&good);
    g_byte_array_set_size(k, 0x220);
    check_refused(k, TEST_RAM, 0, NULL, "truncated Linux setup header");
    g_byte_array_unref(k);

    k = g_byte_array_new();
    g_byte_array_append(k, (const uint8_t *)junk, sizeof(junk));
    check_refused(k, TEST_RAM, 0, NULL,
                  "not an ELF image with a PVH entry point nor a Linux kernel");
}

/* ---- Debian's kernel, when the guest was built ---- */

static void test_real_bzimage(void)
{
    g_autofree gchar *data = NULL;
    g_autofree char *ipath = NULL;
    LinuxSetupHeader h;
    uint8_t bp[LINUX_BP_SIZE];
    Error *err = NULL;
    gsize size;
    Object *root;
    MachineState *ms;

    if (!g_file_get_contents(REAL_BZIMAGE, &data, &size, NULL)) {
        printf("skipped: no %s ", REAL_BZIMAGE);
        return;
    }
    CU_ASSERT_FATAL(
        linux_parse_header(REAL_BZIMAGE, (uint8_t *)data, size, &h, NULL));
    CU_ASSERT(h.version >= 0x020f);
    CU_ASSERT(h.loadflags & LINUX_LOADED_HIGH);
    CU_ASSERT(h.xloadflags & LINUX_XLF_KERNEL_64);
    CU_ASSERT(h.relocatable);
    CU_ASSERT_EQUAL(h.kernel_alignment, 2 * MiB);
    CU_ASSERT_EQUAL(h.pref_address, PREF_ADDRESS);
    CU_ASSERT_EQUAL(h.cmdline_size, CMDLINE_SIZE);
    CU_ASSERT_EQUAL(h.initrd_addr_max, INITRD_MAX);
    CU_ASSERT(h.init_size > h.kernel_size);
    /* Debian signs its kernels: the signature follows the kernel. */
    CU_ASSERT(h.setup_size + h.kernel_size <= size);

    ipath = write_temp(initrd_data, sizeof(initrd_data));
    ms = boot(&root, 256 * MiB, REAL_BZIMAGE, ipath,
              "console=ttyS0 root=/dev/ram", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    address_space_read(ms->as_memory, LINUX_BOOT_PARAMS_ADDR, bp, sizeof(bp));
    CU_ASSERT(!memcmp(bp + LINUX_HEADER, "HdrS", 4));
    CU_ASSERT_EQUAL(get32(bp + LINUX_RAMDISK_IMAGE),
                    (256 * MiB - sizeof(initrd_data)) & ~4095ULL);
    pc_free(root, ms);
    unlink(ipath);

    /* It decompresses at 16 MiB and needs init_size from there. */
    CU_ASSERT_PTR_NULL(boot(&root, 64 * MiB, REAL_BZIMAGE, NULL, NULL, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(error_get_pretty(err), "the kernel needs RAM up to"));
    error_free(err);
}

UNIT_SUITE(linux_boot, NULL, NULL, UNIT_TEST(test_parse_header),
           UNIT_TEST(test_parse_old_protocol), UNIT_TEST(test_boot_bzimage),
           UNIT_TEST(test_initrd_addr_max), UNIT_TEST(test_refused),
           UNIT_TEST(test_real_bzimage));
