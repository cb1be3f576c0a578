/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Check "multiboot": a multiboot (version 1) kernel as a guest sees the
 * loader's work (Multiboot Specification 0.6.96, 3.2 and 3.3): EAX holds
 * 0x2BADB002 and EBX struct multiboot_info; protected mode without paging;
 * memory sizes and a memory map that cover the image and the module; the
 * command line "PATH ARGS" with run.sh's -append text; and one module,
 * -initrd /proc/self/exe: the VMM's own executable, a file every VMM can
 * read wherever the runner runs, so the guest checks its bytes start like
 * an x86-64 ELF.
 */
#include "lib.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MBI_FLAG_MEMORY            (1u << 0)
#define MBI_FLAG_CMDLINE           (1u << 2)
#define MBI_FLAG_MODS              (1u << 3)
#define MBI_FLAG_MMAP              (1u << 6)
#define MBI_FLAG_LOADER            (1u << 9)
#define MBI_WANTED                                                             \
    (MBI_FLAG_MEMORY | MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP)
#define MMAP_TYPE_RAM  1
#define CR0_PG         0x80000000u
#define EFLAGS_IF      0x200
#define EFLAGS_VM      0x20000
#define PAGE_SIZE      4096u
#define KIB            1024u
#define MIB            (1024u * 1024u)
#define GUEST_RAM_MIB  128 /* run.sh passes -m 128M */
#define LOWER_MIN_KIB  600
#define LOWER_MAX_KIB  640
#define KERNEL_NAME    "multiboot.elf"
#define APPEND         "kemu.multiboot=cmdline-ok" /* run.sh's -append */
#define MODULE_CMDLINE "/proc/self/exe"            /* run.sh's -initrd */
#define ELF_CLASS      4
#define ELF_CLASS64    2
#define ELF_MACHINE    18
#define EM_X86_64      62
#define ELF_HEADER_MIN 64
#define PRINT_MAX      120

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count;
    uint32_t mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length;
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
};

struct multiboot_module {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t cmdline;
    uint32_t reserved;
};

struct multiboot_mmap_entry {
    uint32_t size; /* of the rest of the entry */
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} __attribute__((packed));

const char test_name[] = "multiboot";
extern uint32_t boot_eax;

static const char *str(uint32_t addr)
{
    return (const char *)(uintptr_t)addr;
}

static void print_limited(const char *label, const char *s)
{
    unsigned n = 0;

    printf("%s: '", label);
    while (s[n] && n < PRINT_MAX) {
        serial_putc(s[n++]);
    }
    serial_puts("'\n");
}

/* Whether RAM entries of the map cover all of [start, end). */
static int map_covers(const struct multiboot_info *mbi, uint64_t start,
                      uint64_t end)
{
    uint32_t off = 0;

    while (off < mbi->mmap_length) {
        const struct multiboot_mmap_entry *e =
            (const void *)(uintptr_t)(mbi->mmap_addr + off);

        if (e->type == MMAP_TYPE_RAM && e->addr <= start &&
            end <= e->addr + e->len) {
            return 1;
        }
        off += e->size + sizeof(e->size);
    }
    return 0;
}

static void check_cmdline(const struct multiboot_info *mbi)
{
    const char *cmdline = str(mbi->cmdline);
    const char *space;
    size_t name_len = strlen(KERNEL_NAME);

    print_limited("cmdline", cmdline);
    for (space = cmdline; *space && *space != ' '; space++) {
    }
    if (!*space || (size_t)(space - cmdline) < name_len ||
        memcmp(space - name_len, KERNEL_NAME, name_len)) {
        test_fail("cmdline does not start with the kernel's path");
    }
    if (strcmp(space + 1, APPEND)) {
        test_fail("cmdline after the path is not '%s'", APPEND);
    }
}

static void check_module(const struct multiboot_info *mbi)
{
    const struct multiboot_module *mod =
        (const void *)(uintptr_t)mbi->mods_addr;
    const uint8_t *data;

    if (mbi->mods_count != 1) {
        test_fail("%u modules, want 1", mbi->mods_count);
    }
    printf("module: %08x-%08x\n", mod->mod_start, mod->mod_end);
    print_limited("module cmdline", str(mod->cmdline));
    if (strcmp(str(mod->cmdline), MODULE_CMDLINE)) {
        test_fail("module cmdline is not '%s'", MODULE_CMDLINE);
    }
    if (mod->mod_start < (uint32_t)(uintptr_t)__image_end ||
        mod->mod_start % PAGE_SIZE ||
        mod->mod_end - mod->mod_start < ELF_HEADER_MIN) {
        test_fail("module at %08x-%08x: want page aligned, past the image, "
                  "at least %u bytes",
                  mod->mod_start, mod->mod_end, ELF_HEADER_MIN);
    }
    if (!map_covers(mbi, mod->mod_start, mod->mod_end)) {
        test_fail("the memory map has no RAM under the module");
    }
    data = (const uint8_t *)(uintptr_t)mod->mod_start;
    if (memcmp(data, "\177ELF", 4) || data[ELF_CLASS] != ELF_CLASS64 ||
        data[ELF_MACHINE] != EM_X86_64) {
        test_fail("module bytes %x %x %x %x: not the VMM's x86-64 ELF", data[0],
                  data[1], data[2], data[3]);
    }
}

static void check_memory(const struct multiboot_info *mbi)
{
    uint64_t ram = 0;
    uint32_t off = 0;

    printf("mem_lower %u KiB, mem_upper %u KiB, mmap %08x (%u bytes)\n",
           mbi->mem_lower, mbi->mem_upper, mbi->mmap_addr, mbi->mmap_length);
    if (mbi->mem_lower < LOWER_MIN_KIB || mbi->mem_lower > LOWER_MAX_KIB) {
        test_fail("mem_lower %u KiB", mbi->mem_lower);
    }
    if (mbi->mem_upper < (GUEST_RAM_MIB - 2) * KIB ||
        mbi->mem_upper > (GUEST_RAM_MIB - 1) * KIB) {
        test_fail("mem_upper %u KiB for %u MiB of RAM", mbi->mem_upper,
                  GUEST_RAM_MIB);
    }
    while (off < mbi->mmap_length) {
        const struct multiboot_mmap_entry *e =
            (const void *)(uintptr_t)(mbi->mmap_addr + off);

        printf("  %08llx-%08llx type %u\n", e->addr, e->addr + e->len - 1,
               e->type);
        if (e->type == MMAP_TYPE_RAM) {
            ram += e->len;
        }
        off += e->size + sizeof(e->size);
    }
    if (ram < (GUEST_RAM_MIB - 1) * (uint64_t)MIB ||
        ram > GUEST_RAM_MIB * (uint64_t)MIB) {
        test_fail("memory map has %u KiB of RAM", (uint32_t)(ram / KIB));
    }
    if (!map_covers(mbi, (uint32_t)(uintptr_t)__image_start,
                    (uint32_t)(uintptr_t)__image_end)) {
        test_fail("the memory map has no RAM under the image");
    }
}

void test_main(void)
{
    const struct multiboot_info *mbi = (const void *)(uintptr_t)boot_ebx;

    printf("entry: eax=%08x ebx=%08x cr0=%08x eflags=%08x\n", boot_eax,
           boot_ebx, boot_cr0, boot_eflags);
    if (boot_eax != MULTIBOOT_BOOTLOADER_MAGIC) {
        test_fail("EAX %08x at entry, want %08x", boot_eax,
                  MULTIBOOT_BOOTLOADER_MAGIC);
    }
    if (!(boot_cr0 & CR0_PE) || (boot_cr0 & CR0_PG)) {
        test_fail("entry CR0 %08x: want PE set and PG clear", boot_cr0);
    }
    if (boot_eflags & (EFLAGS_IF | EFLAGS_VM)) {
        test_fail("entry EFLAGS %08x: want IF and VM clear", boot_eflags);
    }
    printf("multiboot_info: flags %x\n", mbi->flags);
    if ((mbi->flags & MBI_WANTED) != MBI_WANTED) {
        test_fail("flags %x lack some of %x", mbi->flags, MBI_WANTED);
    }
    if (mbi->flags & MBI_FLAG_LOADER) {
        print_limited("boot loader", str(mbi->boot_loader_name));
    }
    check_memory(mbi);
    check_cmdline(mbi);
    check_module(mbi);
}

void multiboot_main(void);
void multiboot_main(void)
{
    serial_init();
    idt_init();
    pic_init();
    printf("kemu bare guest '%s': image %08x-%08x, multiboot info at %08x\n",
           test_name, (uint32_t)(uintptr_t)__image_start,
           (uint32_t)(uintptr_t)__image_end, boot_ebx);
    test_main();
    test_pass();
}
