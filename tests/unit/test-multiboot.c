/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The multiboot loader on crafted kernels, on a pc machine without KVM:
 * finding the header; an ELF32 kernel and an a.out-kludge one loaded where
 * they ask; struct multiboot_info as the guest reads it (flags, memory
 * sizes, boot device, the command line "KERNEL APPEND", the boot loader's
 * name, the memory map); -initrd's modules with their command lines and
 * contents (",," for a comma); the entry state (EAX magic, EBX info); the
 * order against PVH; images put back by a reset; one-line refusals.
 */
#include "util/osdep.h"
#include "hw/core/machine.h"
#include "hw/i386/multiboot.h"
#include "hw/i386/pc.h"
#include "tests/unit/unit.h"
#include <elf.h>

#define TEST_RAM       (128 * MiB)
#define ELF_LOAD       0x200000u
#define ELF_ENTRY      (ELF_LOAD + 0x10)
#define ELF_FILESZ     0x1000u
#define ELF_MEMSZ      0x3000u
#define ELF_DATA_OFF   0x1000u
#define ELF_NOTE_OFF   0x100u
#define AOUT_HDR_OFF   0x40u
#define AOUT_LOAD      0x300000u
#define AOUT_ENTRY     (AOUT_LOAD + 0x100)
#define AOUT_FILE_SIZE 0x1000u
#define AOUT_LOAD_SIZE 0x800u
#define AOUT_BSS_END   (AOUT_LOAD + 0x2000)
#define PAGE           4096u
#define XEN_PHYS32     18
#define MOD1_DATA      "first module's bytes"
#define MOD2_DATA      "second"

/* ---- Crafted kernels ---- */

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put_mb_header(uint8_t *p, uint32_t flags)
{
    put32(p, MULTIBOOT_HEADER_MAGIC);
    put32(p + MB_HEADER_FLAGS, flags);
    put32(p + MB_HEADER_CHECKSUM, -(MULTIBOOT_HEADER_MAGIC + flags));
}

/*
 * An ELF32 executable: one PT_LOAD (ELF_FILESZ bytes from ELF_DATA_OFF to
 * ELF_LOAD, ELF_MEMSZ in memory) whose first bytes are a multiboot header,
 * and with @pvh_note a PT_NOTE with a PVH entry too.  @elf64: an ELF64 of
 * the same shape instead.
 */
static GByteArray *make_elf(bool pvh_note, bool elf64)
{
    GByteArray *out = g_byte_array_new();
    uint8_t *d;

    g_byte_array_set_size(out, ELF_DATA_OFF + ELF_FILESZ);
    d = out->data;
    memset(d, 0, out->len);
    for (unsigned i = 0; i < ELF_FILESZ; i++) {
        d[ELF_DATA_OFF + i] = (uint8_t)(i * 11 + 3);
    }
    put_mb_header(d + ELF_DATA_OFF, 0);
    if (elf64) {
        Elf64_Ehdr eh = {
            .e_type = ET_EXEC,
            .e_machine = EM_X86_64,
            .e_version = EV_CURRENT,
            .e_entry = ELF_ENTRY,
            .e_phoff = sizeof(Elf64_Ehdr),
            .e_ehsize = sizeof(Elf64_Ehdr),
            .e_phentsize = sizeof(Elf64_Phdr),
            .e_phnum = 1,
        };
        Elf64_Phdr ph = {
            .p_type = PT_LOAD,
            .p_offset = ELF_DATA_OFF,
            .p_vaddr = ELF_LOAD,
            .p_paddr = ELF_LOAD,
            .p_filesz = ELF_FILESZ,
            .p_memsz = ELF_MEMSZ,
        };

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS64;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(d, &eh, sizeof(eh));
        memcpy(d + eh.e_phoff, &ph, sizeof(ph));
    } else {
        Elf32_Ehdr eh = {
            .e_type = ET_EXEC,
            .e_machine = EM_386,
            .e_version = EV_CURRENT,
            .e_entry = ELF_ENTRY,
            .e_phoff = sizeof(Elf32_Ehdr),
            .e_ehsize = sizeof(Elf32_Ehdr),
            .e_phentsize = sizeof(Elf32_Phdr),
            .e_phnum = pvh_note ? 2 : 1,
        };
        Elf32_Phdr ph[2] = {
            {
                .p_type = PT_LOAD,
                .p_offset = ELF_DATA_OFF,
                .p_vaddr = ELF_LOAD,
                .p_paddr = ELF_LOAD,
                .p_filesz = ELF_FILESZ,
                .p_memsz = ELF_MEMSZ,
            },
            {
                .p_type = PT_NOTE,
                .p_offset = ELF_NOTE_OFF,
                .p_filesz = 20,
            },
        };

        memcpy(eh.e_ident, ELFMAG, SELFMAG);
        eh.e_ident[EI_CLASS] = ELFCLASS32;
        eh.e_ident[EI_DATA] = ELFDATA2LSB;
        eh.e_ident[EI_VERSION] = EV_CURRENT;
        memcpy(d, &eh, sizeof(eh));
        memcpy(d + eh.e_phoff, ph, eh.e_phnum * sizeof(ph[0]));
        /* namesz 4, descsz 4, type 18, "Xen", entry */
        put32(d + ELF_NOTE_OFF, 4);
        put32(d + ELF_NOTE_OFF + 4, 4);
        put32(d + ELF_NOTE_OFF + 8, XEN_PHYS32);
        memcpy(d + ELF_NOTE_OFF + 12, "Xen", 4);
        put32(d + ELF_NOTE_OFF + 16, ELF_ENTRY + 4);
    }
    return out;
}

/*
 * A flat image with an a.out-kludge header at AOUT_HDR_OFF: the file's
 * first AOUT_LOAD_SIZE bytes (@load_end 0: all of them) go to AOUT_LOAD,
 * zeros to @bss_end.
 */
static GByteArray *make_aout(uint32_t header_addr, uint32_t load_end,
                             uint32_t bss_end)
{
    GByteArray *out = g_byte_array_new();
    uint8_t *h;

    g_byte_array_set_size(out, AOUT_FILE_SIZE);
    for (unsigned i = 0; i < AOUT_FILE_SIZE; i++) {
        out->data[i] = (uint8_t)(i * 5 + 1);
    }
    h = out->data + AOUT_HDR_OFF;
    put_mb_header(h, MB_HEADER_FLAG_AOUT);
    put32(h + MB_HEADER_HEADER_ADDR, header_addr);
    put32(h + MB_HEADER_LOAD_ADDR, AOUT_LOAD);
    put32(h + MB_HEADER_LOAD_END_ADDR, load_end);
    put32(h + MB_HEADER_BSS_END_ADDR, bss_end);
    put32(h + MB_HEADER_ENTRY_ADDR, AOUT_ENTRY);
    return out;
}

static GByteArray *make_good_aout(void)
{
    return make_aout(AOUT_LOAD + AOUT_HDR_OFF, AOUT_LOAD + AOUT_LOAD_SIZE,
                     AOUT_BSS_END);
}

static char *write_temp(const void *data, size_t len)
{
    GError *gerr = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("kemu-mb-XXXXXX", &path, &gerr);

    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_FATAL(write(fd, data, len) == (ssize_t)len);
    close(fd);
    return path;
}

/* ---- A machine per test ---- */

static void pc_free(Object *root, MachineState *ms)
{
    machine_destroy(ms);
    object_unref(root);
}

static MachineState *boot(Object **root, const char *kernel, const char *initrd,
                          const char *cmdline, Error **errp)
{
    MachineClass *mc = machine_class_find("pc");
    MachineState *ms;

    CU_ASSERT_FATAL(mc != NULL);
    *root = object_new(TYPE_CONTAINER);
    ms = machine_create(*root, mc);
    ms->ram_size = TEST_RAM;
    ms->kernel_filename = g_strdup(kernel);
    ms->initrd_filename = g_strdup(initrd);
    ms->kernel_cmdline = g_strdup(cmdline);
    if (!machine_init_board(ms, errp)) {
        pc_free(*root, ms);
        return NULL;
    }
    return ms;
}

static uint32_t rd32(MachineState *ms, hwaddr addr)
{
    uint8_t b[4];

    address_space_read(ms->as_memory, addr, b, sizeof(b));
    return get32(b);
}

static char *rdstr(MachineState *ms, hwaddr addr)
{
    char buf[256];

    address_space_read(ms->as_memory, addr, buf, sizeof(buf));
    buf[sizeof(buf) - 1] = '\0';
    return g_strdup(buf);
}

static bool mem_equals(MachineState *ms, hwaddr addr, const void *want,
                       size_t len)
{
    g_autofree uint8_t *got = g_malloc(len);

    address_space_read(ms->as_memory, addr, got, len);
    return !memcmp(got, want, len);
}

static bool mem_zero(MachineState *ms, hwaddr addr, size_t len)
{
    g_autofree uint8_t *zero = g_malloc0(len);

    return mem_equals(ms, addr, zero, len);
}

/* The entry state and the parts of the info every boot has. */
static void check_common(MachineState *ms, uint32_t entry)
{
    uint8_t map[3 * MB_MMAP_ENTRY_SIZE];
    uint32_t mbi = MULTIBOOT_INFO_ADDR;
    g_autofree char *loader = NULL;

    CU_ASSERT(ms->boot_cpu.flat32);
    CU_ASSERT_EQUAL(ms->boot_cpu.eip, entry);
    CU_ASSERT_EQUAL(ms->boot_cpu.eax, MULTIBOOT_BOOTLOADER_MAGIC);
    CU_ASSERT_EQUAL(ms->boot_cpu.ebx, MULTIBOOT_INFO_ADDR);
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_FLAGS), 0x24f);
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_MEM_LOWER), 640);
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_MEM_UPPER), (TEST_RAM - MiB) / KiB);
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_BOOT_DEVICE), 0x8000ffff);
    loader = rdstr(ms, rd32(ms, mbi + MBI_BOOTLOADER));
    CU_ASSERT_STRING_EQUAL(loader, "kemu");

    /* The board's map without 640 KiB-1 MiB, each entry sized 20. */
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_MMAP_ADDR), MULTIBOOT_MMAP_ADDR);
    CU_ASSERT_EQUAL(rd32(ms, mbi + MBI_MMAP_LENGTH), sizeof(map));
    address_space_read(ms->as_memory, MULTIBOOT_MMAP_ADDR, map, sizeof(map));
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(get32(map + i * MB_MMAP_ENTRY_SIZE), 20);
    }
    CU_ASSERT_EQUAL(get64(map + 4), 0);
    CU_ASSERT_EQUAL(get64(map + 12), 0xa0000);
    CU_ASSERT_EQUAL(get32(map + 20), 1);
    CU_ASSERT_EQUAL(get64(map + 24 + 4), MiB);
    CU_ASSERT_EQUAL(get64(map + 24 + 12), TEST_RAM - MiB);
    CU_ASSERT_EQUAL(get32(map + 24 + 20), 1);
    CU_ASSERT_EQUAL(get64(map + 48 + 4), 0xfeffc000);
    CU_ASSERT_EQUAL(get32(map + 48 + 20), 2);
}

static void test_find_header(void)
{
    uint8_t buf[MULTIBOOT_SEARCH + 64] = {0};
    size_t off = 0;

    CU_ASSERT_FALSE(multiboot_find_header(buf, sizeof(buf), &off));
    put_mb_header(buf + 0x204, 0x3);
    CU_ASSERT_TRUE(multiboot_find_header(buf, sizeof(buf), &off));
    CU_ASSERT_EQUAL(off, 0x204);
    /* Truncated before the checksum: no header. */
    CU_ASSERT_FALSE(multiboot_find_header(buf, 0x204 + 8, &off));
    /* A wrong checksum, or a place not 4-byte aligned: none. */
    buf[0x204 + MB_HEADER_CHECKSUM] ^= 1;
    CU_ASSERT_FALSE(multiboot_find_header(buf, sizeof(buf), &off));
    memset(buf, 0, sizeof(buf));
    put_mb_header(buf + 0x102, 0);
    CU_ASSERT_FALSE(multiboot_find_header(buf, sizeof(buf), &off));
    /* Past the first 8 KiB (less the header's 48 bytes): none. */
    memset(buf, 0, sizeof(buf));
    put_mb_header(buf + MULTIBOOT_SEARCH - MULTIBOOT_HEADER_LEN, 0);
    CU_ASSERT_FALSE(multiboot_find_header(buf, sizeof(buf), &off));
    put_mb_header(buf + MULTIBOOT_SEARCH - MULTIBOOT_HEADER_LEN - 4, 0);
    CU_ASSERT_TRUE(multiboot_find_header(buf, sizeof(buf), &off));
}

static void test_boot_elf_with_modules(void)
{
    g_autoptr(GByteArray) k = make_elf(false, false);
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree char *m1 = write_temp(MOD1_DATA, sizeof(MOD1_DATA));
    g_autofree char *m2 = write_temp(MOD2_DATA, sizeof(MOD2_DATA));
    g_autofree char *initrd = g_strdup_printf("%s arg1 arg2=x,%s", m1, m2);
    g_autofree char *want_cmdline = g_strdup_printf("%s foo=bar baz", kpath);
    g_autofree char *cmdline = NULL, *c1 = NULL, *c2 = NULL;
    uint32_t mods, start1, start2;
    Object *root;
    MachineState *ms = boot(&root, kpath, initrd, "foo=bar baz", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    check_common(ms, ELF_ENTRY);
    /* The segment, then zeros up to p_memsz. */
    CU_ASSERT(mem_equals(ms, ELF_LOAD, k->data + ELF_DATA_OFF, ELF_FILESZ));
    CU_ASSERT(mem_zero(ms, ELF_LOAD + ELF_FILESZ, ELF_MEMSZ - ELF_FILESZ));

    cmdline = rdstr(ms, rd32(ms, MULTIBOOT_INFO_ADDR + MBI_CMDLINE));
    CU_ASSERT_STRING_EQUAL(cmdline, want_cmdline);

    /* The module list on the page after the kernel, the modules after. */
    CU_ASSERT_EQUAL(rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_COUNT), 2);
    mods = rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_ADDR);
    CU_ASSERT_EQUAL(mods, ELF_LOAD + ELF_MEMSZ);
    start1 = rd32(ms, mods + MB_MOD_START);
    start2 = rd32(ms, mods + MB_MOD_SIZE + MB_MOD_START);
    CU_ASSERT_EQUAL(start1, mods + PAGE);
    CU_ASSERT_EQUAL(rd32(ms, mods + MB_MOD_END), start1 + sizeof(MOD1_DATA));
    CU_ASSERT(mem_equals(ms, start1, MOD1_DATA, sizeof(MOD1_DATA)));
    CU_ASSERT_EQUAL(start2, start1 + PAGE);
    CU_ASSERT_EQUAL(rd32(ms, mods + MB_MOD_SIZE + MB_MOD_END),
                    start2 + sizeof(MOD2_DATA));
    CU_ASSERT(mem_equals(ms, start2, MOD2_DATA, sizeof(MOD2_DATA)));
    /* A module's command line is its whole item, path and arguments. */
    c1 = rdstr(ms, rd32(ms, mods + MB_MOD_CMDLINE));
    c2 = rdstr(ms, rd32(ms, mods + MB_MOD_SIZE + MB_MOD_CMDLINE));
    CU_ASSERT_PTR_NOT_NULL(g_str_has_prefix(c1, m1) ? c1 : NULL);
    CU_ASSERT_STRING_EQUAL(c1 + strlen(m1), " arg1 arg2=x");
    CU_ASSERT_STRING_EQUAL(c2, m2);

    /* The guest scribbles over its boot data; a reset puts it back. */
    address_space_write(ms->as_memory, MULTIBOOT_INFO_ADDR, "junkjunk", 8);
    address_space_write(ms->as_memory, start1, "junk", 4);
    address_space_write(ms->as_memory, ELF_LOAD + ELF_FILESZ, "junk", 4);
    machine_reset(ms);
    check_common(ms, ELF_ENTRY);
    CU_ASSERT(mem_equals(ms, start1, MOD1_DATA, sizeof(MOD1_DATA)));
    CU_ASSERT(mem_zero(ms, ELF_LOAD + ELF_FILESZ, ELF_MEMSZ - ELF_FILESZ));
    pc_free(root, ms);
    unlink(kpath);
    unlink(m1);
    unlink(m2);
}

/* No -append: the path and a space; no -initrd: no modules. */
static void test_no_append_no_modules(void)
{
    g_autoptr(GByteArray) k = make_elf(false, false);
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree char *want = g_strdup_printf("%s ", kpath);
    g_autofree char *cmdline = NULL;
    Object *root;
    MachineState *ms = boot(&root, kpath, NULL, NULL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    check_common(ms, ELF_ENTRY);
    cmdline = rdstr(ms, rd32(ms, MULTIBOOT_INFO_ADDR + MBI_CMDLINE));
    CU_ASSERT_STRING_EQUAL(cmdline, want);
    CU_ASSERT_EQUAL(rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_COUNT), 0);
    pc_free(root, ms);
    unlink(kpath);
}

/* ",," in -initrd is a comma of the file name. */
static void test_module_comma(void)
{
    g_autoptr(GByteArray) k = make_elf(false, false);
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree char *dir = g_dir_make_tmp("kemu-mb-XXXXXX", NULL);
    g_autofree char *mpath = g_build_filename(dir, "mod,1", NULL);
    g_autofree char *escaped = g_strdup_printf("%s/mod,,1 x,,y", dir);
    g_autofree char *want = g_strdup_printf("%s x,y", mpath);
    g_autofree char *c = NULL;
    uint32_t mods;
    Object *root;
    MachineState *ms;

    CU_ASSERT_FATAL(g_file_set_contents(mpath, MOD2_DATA, -1, NULL));
    ms = boot(&root, kpath, escaped, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT_EQUAL(rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_COUNT), 1);
    mods = rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_ADDR);
    c = rdstr(ms, rd32(ms, mods + MB_MOD_CMDLINE));
    CU_ASSERT_STRING_EQUAL(c, want);
    CU_ASSERT(mem_equals(ms, rd32(ms, mods + MB_MOD_START), MOD2_DATA,
                         strlen(MOD2_DATA)));
    pc_free(root, ms);
    unlink(mpath);
    rmdir(dir);
    unlink(kpath);
}

static void test_boot_aout(void)
{
    g_autoptr(GByteArray) k = make_good_aout();
    g_autoptr(GByteArray) whole = make_aout(AOUT_LOAD + AOUT_HDR_OFF, 0, 0);
    g_autofree char *kpath = write_temp(k->data, k->len);
    g_autofree char *wpath = write_temp(whole->data, whole->len);
    Object *root;
    MachineState *ms = boot(&root, kpath, NULL, "a", NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    check_common(ms, AOUT_ENTRY);
    /* load_end_addr: that much of the file; bss_end_addr: zeros to it. */
    CU_ASSERT(mem_equals(ms, AOUT_LOAD, k->data, AOUT_LOAD_SIZE));
    CU_ASSERT(mem_zero(ms, AOUT_LOAD + AOUT_LOAD_SIZE,
                       AOUT_BSS_END - AOUT_LOAD - AOUT_LOAD_SIZE));
    CU_ASSERT_EQUAL(rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_ADDR),
                    AOUT_BSS_END);
    pc_free(root, ms);

    /* No load_end_addr: the rest of the file; no bss_end_addr: no bss. */
    ms = boot(&root, wpath, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT(mem_equals(ms, AOUT_LOAD, whole->data, AOUT_FILE_SIZE));
    CU_ASSERT_EQUAL(rd32(ms, MULTIBOOT_INFO_ADDR + MBI_MODS_ADDR),
                    AOUT_LOAD + AOUT_FILE_SIZE);
    pc_free(root, ms);
    unlink(kpath);
    unlink(wpath);
}

/* QEMU's order: a multiboot header wins over a PVH note. */
static void test_multiboot_before_pvh(void)
{
    g_autoptr(GByteArray) k = make_elf(true, false);
    g_autofree char *kpath = write_temp(k->data, k->len);
    Object *root;
    MachineState *ms = boot(&root, kpath, NULL, NULL, NULL);

    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT_EQUAL(ms->boot_cpu.eip, ELF_ENTRY);
    CU_ASSERT_EQUAL(ms->boot_cpu.eax, MULTIBOOT_BOOTLOADER_MAGIC);
    pc_free(root, ms);

    /* Without the multiboot header the same ELF boots through PVH. */
    memset(k->data + ELF_DATA_OFF, 0, MB_HEADER_CHECKSUM + 4);
    CU_ASSERT_FATAL(
        g_file_set_contents(kpath, (const char *)k->data, k->len, NULL));
    ms = boot(&root, kpath, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT_EQUAL(ms->boot_cpu.eip, ELF_ENTRY + 4);
    CU_ASSERT_EQUAL(ms->boot_cpu.eax, 0);
    pc_free(root, ms);
    unlink(kpath);
}

/* Boot @k with @initrd; want an error holding @want, on one line. */
static void check_refused(const GByteArray *k, const char *initrd,
                          const char *want)
{
    g_autofree char *kpath = write_temp(k->data, k->len);
    Error *err = NULL;
    Object *root;

    CU_ASSERT_PTR_NULL(boot(&root, kpath, initrd, NULL, &err));
    CU_ASSERT_FATAL(err != NULL);
    if (!strstr(error_get_pretty(err), want)) {
        printf("\n  error: %s\n  wanted: %s\n", error_get_pretty(err), want);
        CU_FAIL("wrong error");
    }
    CU_ASSERT_PTR_NULL(strchr(error_get_pretty(err), '\n'));
    error_free(err);
    unlink(kpath);
}

static void test_refused(void)
{
    g_autoptr(GByteArray) elf64 = make_elf(false, true);
    g_autoptr(GByteArray) good = make_good_aout();
    Error *err = NULL;
    Object *root;
    GByteArray *k;

    /* QEMU's words, which kvm-unit-tests' run_tests.sh looks for. */
    CU_ASSERT_PTR_NULL(
        boot(&root, "/nonexistent/kemu-kernel", NULL, NULL, &err));
    CU_ASSERT_FATAL(err != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err),
                                  "-kernel /nonexistent/kemu-kernel: could "
                                  "not open kernel file"));
    error_free(err);

    check_refused(elf64, NULL, "multiboot kernels are 32-bit ELF files");
    check_refused(good, "/nonexistent/kemu-module",
                  "-initrd /nonexistent/kemu-module: could not open initrd "
                  "file: No such file");
    check_refused(good, " args", "module 1 has no file name");

    /* header_addr below load_addr, or past the header's file offset. */
    k = make_aout(AOUT_LOAD - 4, 0, 0);
    check_refused(k, NULL, "put the file's start outside the file");
    g_byte_array_unref(k);
    k = make_aout(AOUT_LOAD + AOUT_HDR_OFF + 4, 0, 0);
    check_refused(k, NULL, "put the file's start outside the file");
    g_byte_array_unref(k);
    k = make_aout(AOUT_LOAD + AOUT_HDR_OFF, AOUT_LOAD - 1, 0);
    check_refused(k, NULL, "load_end_addr 0x2fffff is below load_addr");
    g_byte_array_unref(k);
    k = make_aout(AOUT_LOAD + AOUT_HDR_OFF, AOUT_LOAD + AOUT_FILE_SIZE + 1, 0);
    check_refused(k, NULL, "past the end of the file");
    g_byte_array_unref(k);
    k = make_aout(AOUT_LOAD + AOUT_HDR_OFF, AOUT_LOAD + AOUT_LOAD_SIZE,
                  AOUT_LOAD + 0x10);
    check_refused(k, NULL, "bss_end_addr 0x300010 is below");
    g_byte_array_unref(k);

    /* Loaded outside RAM (-m 128M). */
    k = make_aout(AOUT_LOAD + AOUT_HDR_OFF, 0, 0);
    put32(k->data + AOUT_HDR_OFF + MB_HEADER_HEADER_ADDR,
          0x10000000 + AOUT_HDR_OFF);
    put32(k->data + AOUT_HDR_OFF + MB_HEADER_LOAD_ADDR, 0x10000000);
    check_refused(k, NULL, "is not all in RAM");
    g_byte_array_unref(k);
}

/*
 * A kernel loaded over the memory map and information at 0x9000 wins, as
 * with QEMU's loader (kvm-unit-tests' realmode.flat starts at 0x8000).
 */
static void test_kernel_over_info(void)
{
    g_autoptr(GByteArray) k = make_aout(AOUT_LOAD + AOUT_HDR_OFF, 0, 0);
    g_autofree char *kpath = NULL;
    Object *root;
    MachineState *ms;

    put32(k->data + AOUT_HDR_OFF + MB_HEADER_HEADER_ADDR,
          0x9000 + AOUT_HDR_OFF);
    put32(k->data + AOUT_HDR_OFF + MB_HEADER_LOAD_ADDR, 0x9000);
    kpath = write_temp(k->data, k->len);
    ms = boot(&root, kpath, NULL, NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ms);
    CU_ASSERT(mem_equals(ms, 0x9000, k->data, AOUT_FILE_SIZE));
    CU_ASSERT_EQUAL(ms->boot_cpu.ebx, MULTIBOOT_INFO_ADDR);
    pc_free(root, ms);
    unlink(kpath);
}

UNIT_SUITE(multiboot, NULL, NULL, UNIT_TEST(test_find_header),
           UNIT_TEST(test_boot_elf_with_modules),
           UNIT_TEST(test_kernel_over_info),
           UNIT_TEST(test_no_append_no_modules), UNIT_TEST(test_module_comma),
           UNIT_TEST(test_boot_aout), UNIT_TEST(test_multiboot_before_pvh),
           UNIT_TEST(test_refused))
