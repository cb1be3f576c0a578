/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Multiboot (version 1) direct boot, after the Multiboot Specification
 * 0.6.96 and what QEMU's -kernel gives such a kernel: the image (ELF32 or
 * a.out kludge), the modules from -initrd, the command lines, the memory
 * map and struct multiboot_info, all written by the loader (QEMU has an
 * option ROM do the copying; the guest sees the same result).  The kernel
 * file is untrusted input: every field is checked before use.
 */
#include "util/osdep.h"
#include "hw/i386/e820.h"
#include "hw/i386/multiboot.h"

#define MB_PAGE_SIZE       4096
#define MB_BOOTLOADER_NAME "kemu"
#define MB_MMAP_MAX                                                            \
    ((MULTIBOOT_INFO_ADDR - MULTIBOOT_MMAP_ADDR) / MB_MMAP_ENTRY_SIZE)
/* An entry's size field counts the entry without itself. */
#define MB_MMAP_ENTRY_SIZE_FIELD (MB_MMAP_ENTRY_SIZE - 4)
#define MB_LOW_MEMORY_MAX        X86_LEGACY_HOLE_START

static uint32_t ld32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, v >> 32);
}

bool multiboot_find_header(const uint8_t *data, size_t size, size_t *offset)
{
    size_t limit = MIN(size, MULTIBOOT_SEARCH);

    for (size_t i = 0; i + MB_HEADER_CHECKSUM + 4 <= limit &&
                       i < MULTIBOOT_SEARCH - MULTIBOOT_HEADER_LEN;
         i += 4) {
        if (ld32(data + i) == MULTIBOOT_HEADER_MAGIC &&
            (uint32_t)(MULTIBOOT_HEADER_MAGIC +
                       ld32(data + i + MB_HEADER_FLAGS) +
                       ld32(data + i + MB_HEADER_CHECKSUM)) == 0) {
            *offset = i;
            return true;
        }
    }
    return false;
}

/* ---- The kernel ---- */

/* Where the kernel went: [lo, hi), and its entry. */
typedef struct MultibootKernel {
    uint64_t lo, hi;
    uint32_t entry;
} MultibootKernel;

static bool load_elf_kernel(X86Loader *l, const char *path, GBytes *image,
                            MultibootKernel *k, Error **errp)
{
    ElfFile elf;

    if (!x86_elf_open(&elf, path, image, errp)) {
        return false;
    }
    if (elf.is64) {
        error_setg(errp,
                   "-kernel %s: a 64-bit ELF with a multiboot header; "
                   "multiboot kernels are 32-bit ELF files",
                   path);
        return false;
    }
    if (!x86_elf_load(l, &elf, &k->lo, &k->hi, errp)) {
        return false;
    }
    k->entry = (uint32_t)elf.entry;
    return true;
}

/* Header flag 16: the header says where the file's bytes go. */
static bool load_aout_kernel(X86Loader *l, const char *path, GBytes *image,
                             size_t header, MultibootKernel *k, Error **errp)
{
    gsize size;
    const uint8_t *h = (const uint8_t *)g_bytes_get_data(image, &size) + header;
    g_autofree char *name = g_strdup_printf("-kernel %s", path);
    g_autoptr(GBytes) text = NULL;
    uint32_t header_addr, load_addr, load_end, bss_end;
    uint64_t text_offset, load_size, kernel_size;

    if (size - header < MB_HEADER_ENTRY_ADDR + 4) {
        error_setg(errp, "-kernel %s: truncated multiboot header", path);
        return false;
    }
    header_addr = ld32(h + MB_HEADER_HEADER_ADDR);
    load_addr = ld32(h + MB_HEADER_LOAD_ADDR);
    load_end = ld32(h + MB_HEADER_LOAD_END_ADDR);
    bss_end = ld32(h + MB_HEADER_BSS_END_ADDR);
    k->entry = ld32(h + MB_HEADER_ENTRY_ADDR);
    if (header_addr < load_addr || header_addr - load_addr > header) {
        error_setg(errp,
                   "-kernel %s: multiboot header_addr 0x%x and load_addr "
                   "0x%x put the file's start outside the file",
                   path, header_addr, load_addr);
        return false;
    }
    text_offset = header - (header_addr - load_addr);
    if (load_end && load_end < load_addr) {
        error_setg(errp,
                   "-kernel %s: multiboot load_end_addr 0x%x is below "
                   "load_addr 0x%x",
                   path, load_end, load_addr);
        return false;
    }
    load_size = load_end ? load_end - load_addr : size - text_offset;
    if (load_size > size - text_offset) {
        error_setg(errp,
                   "-kernel %s: the multiboot header loads 0x%" PRIx64
                   " bytes from offset 0x%" PRIx64 ", past the end of the "
                   "file (0x%zx bytes)",
                   path, load_size, text_offset, (size_t)size);
        return false;
    }
    if (load_size > X86_4G - load_addr) {
        error_setg(errp, "-kernel %s: the kernel does not fit below 4 GiB",
                   path);
        return false;
    }
    if (bss_end && bss_end < load_addr + load_size) {
        error_setg(errp,
                   "-kernel %s: multiboot bss_end_addr 0x%x is below the "
                   "loaded image's end 0x%" PRIx64,
                   path, bss_end, load_addr + load_size);
        return false;
    }
    kernel_size = bss_end ? bss_end - load_addr : load_size;
    text = g_bytes_new_from_bytes(image, text_offset, load_size);
    if (!x86_loader_add(l, name, load_addr, text, errp) ||
        !x86_loader_add_zeros(l, name, load_addr + load_size,
                              kernel_size - load_size, errp)) {
        return false;
    }
    k->lo = load_addr;
    k->hi = load_addr + kernel_size;
    return true;
}

/* ---- Modules and command lines ---- */

/*
 * The items of -initrd's comma-separated list, ",," standing for a comma
 * (as QEMU's option values have it).
 */
static GPtrArray *split_modules(const char *list)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);

    for (const char *p = list;; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
        } else if (*p == ',' || !*p) {
            g_ptr_array_add(items, g_string_free(cur, false));
            if (!*p) {
                break;
            }
            cur = g_string_new(NULL);
        } else {
            g_string_append_c(cur, *p);
        }
    }
    return items;
}

/*
 * Put the modules after the kernel: the module list, the command lines
 * (the modules', the kernel's) and the boot loader's name on the page
 * after the kernel's end, then each module on pages of its own.  Fills
 * the module-related fields of @mbi.
 */
static bool load_info_and_modules(X86Loader *l, const char *kernel,
                                  const char *initrd, const char *cmdline,
                                  const MultibootKernel *k, uint8_t *mbi,
                                  Error **errp)
{
    g_autoptr(GPtrArray) items =
        initrd ? split_modules(initrd) : g_ptr_array_new();
    g_autoptr(GByteArray) info = g_byte_array_new();
    g_autofree char *kcmdline =
        g_strdup_printf("%s %s", kernel, cmdline ? cmdline : "");
    g_autoptr(GBytes) info_bytes = NULL;
    uint64_t base = k->lo + ROUND_UP(k->hi - k->lo, MB_PAGE_SIZE);
    uint64_t next;
    size_t list_size = items->len * MB_MOD_SIZE;

    /*
     * The module list (filled in as the modules are placed), then the
     * command lines it points at.
     */
    g_byte_array_set_size(info, list_size);
    if (list_size) {
        memset(info->data, 0, list_size);
    }
    for (guint i = 0; i < items->len; i++) {
        const char *item = items->pdata[i];

        st32(info->data + i * MB_MOD_SIZE + MB_MOD_CMDLINE, base + info->len);
        g_byte_array_append(info, (const uint8_t *)item, strlen(item) + 1);
    }
    st32(mbi + MBI_CMDLINE, base + info->len);
    g_byte_array_append(info, (const uint8_t *)kcmdline, strlen(kcmdline) + 1);
    st32(mbi + MBI_BOOTLOADER, base + info->len);
    g_byte_array_append(info, (const uint8_t *)MB_BOOTLOADER_NAME,
                        sizeof(MB_BOOTLOADER_NAME));

    next = ROUND_UP(base + info->len, MB_PAGE_SIZE);
    for (guint i = 0; i < items->len; i++) {
        g_autofree char *path = g_strdup(items->pdata[i]);
        g_autofree char *name = NULL;
        g_autoptr(GBytes) data = NULL;
        char *space = strchr(path, ' ');
        uint64_t len;

        if (space) {
            *space = '\0';
        }
        if (!*path) {
            error_setg(errp,
                       "-initrd %s: module %u has no file name (the "
                       "modules are 'PATH [ARGS]' separated by commas)",
                       initrd, i + 1);
            return false;
        }
        data = x86_loader_read_file(l, path, "initrd", errp);
        if (!data) {
            return false;
        }
        len = g_bytes_get_size(data);
        if (next + len > X86_4G) {
            error_setg(errp,
                       "-initrd %s: the multiboot module does not fit "
                       "below 4 GiB",
                       path);
            return false;
        }
        name = g_strdup_printf("-initrd %s (multiboot module %u)", path, i + 1);
        if (!x86_loader_add(l, name, next, data, errp)) {
            return false;
        }
        st32(info->data + i * MB_MOD_SIZE + MB_MOD_START, next);
        st32(info->data + i * MB_MOD_SIZE + MB_MOD_END, next + len);
        next = ROUND_UP(next + len, MB_PAGE_SIZE);
    }
    st32(mbi + MBI_MODS_COUNT, items->len);
    st32(mbi + MBI_MODS_ADDR, base);

    if (base + info->len > X86_4G) {
        error_setg(errp, "-kernel %s: the kernel ends too close to 4 GiB",
                   kernel);
        return false;
    }
    info_bytes = g_byte_array_free_to_bytes(g_steal_pointer(&info));
    return x86_loader_add(l, "the multiboot module list and command lines",
                          base, info_bytes, errp);
}

/* ---- Memory ---- */

/*
 * The memory map (the board's, without the legacy hole) at @map and the
 * memory fields of @mbi: mem_lower the KiB of RAM from 0, mem_upper the
 * KiB of RAM from 1 MiB up to the first hole below 4 GiB.
 */
static bool fill_memory(X86Loader *l, uint8_t *map, uint8_t *mbi, Error **errp)
{
    g_autoptr(GArray) e820 =
        e820_with_hole(l->e820, X86_LEGACY_HOLE_START, X86_LEGACY_HOLE_END);
    uint64_t lower = 0, upper = X86_LEGACY_HOLE_END;
    bool grew = true;

    if (e820->len > MB_MMAP_MAX) {
        error_setg(errp, "multiboot: %u memory map entries, at most %zu",
                   e820->len, (size_t)MB_MMAP_MAX);
        return false;
    }
    for (guint i = 0; i < e820->len; i++) {
        const E820Entry *e = &g_array_index(e820, E820Entry, i);
        uint8_t *p = map + i * MB_MMAP_ENTRY_SIZE;

        st32(p, MB_MMAP_ENTRY_SIZE_FIELD);
        st64(p + 4, e->addr);
        st64(p + 12, e->size);
        st32(p + 20, e->type);
        if (e->type == E820_RAM && e->addr == 0) {
            lower = MIN(e->size, MB_LOW_MEMORY_MAX);
        }
    }
    /* Extend from 1 MiB through every RAM entry that continues it. */
    while (grew) {
        grew = false;
        for (guint i = 0; i < e820->len; i++) {
            const E820Entry *e = &g_array_index(e820, E820Entry, i);
            uint64_t end = MIN(e->addr + e->size, X86_4G);

            if (e->type == E820_RAM && e->addr <= upper && upper < end) {
                upper = end;
                grew = true;
            }
        }
    }
    st32(mbi + MBI_MEM_LOWER, lower / KiB);
    st32(mbi + MBI_MEM_UPPER, (upper - X86_LEGACY_HOLE_END) / KiB);
    st32(mbi + MBI_MMAP_LENGTH, e820->len * MB_MMAP_ENTRY_SIZE);
    st32(mbi + MBI_MMAP_ADDR, MULTIBOOT_MMAP_ADDR);
    return true;
}

bool x86_load_multiboot(X86Loader *l, const char *kernel, GBytes *image,
                        size_t header, const char *initrd, const char *cmdline,
                        MachineBootCPU *boot, Error **errp)
{
    const size_t area = MULTIBOOT_INFO_ADDR - MULTIBOOT_MMAP_ADDR + MBI_SIZE;
    g_autofree uint8_t *low = g_malloc0(area);
    uint8_t *mbi = low + MULTIBOOT_INFO_ADDR - MULTIBOOT_MMAP_ADDR;
    const uint8_t *h = (const uint8_t *)g_bytes_get_data(image, NULL) + header;
    uint32_t flags = ld32(h + MB_HEADER_FLAGS);
    g_autoptr(GBytes) low_bytes = NULL;
    MultibootKernel k;

    if (flags & MB_HEADER_FLAG_VIDEO) {
        warn_report("-kernel %s: the multiboot kernel asks for a video "
                    "mode; kemu sets none",
                    kernel);
    }
    if (!((flags & MB_HEADER_FLAG_AOUT)
              ? load_aout_kernel(l, kernel, image, header, &k, errp)
              : load_elf_kernel(l, kernel, image, &k, errp)) ||
        !load_info_and_modules(l, kernel, initrd, cmdline, &k, mbi, errp) ||
        !fill_memory(l, low, mbi, errp)) {
        return false;
    }
    st32(mbi + MBI_FLAGS, MBI_FLAG_MEMORY | MBI_FLAG_BOOTDEV |
                              MBI_FLAG_CMDLINE | MBI_FLAG_MODS | MBI_FLAG_MMAP |
                              MBI_FLAG_LOADER);
    st32(mbi + MBI_BOOT_DEVICE, MBI_BOOT_DEVICE_NONE);
    low_bytes = g_bytes_new_take(g_steal_pointer(&low), area);
    /*
     * QEMU's loader writes the memory map and information before the
     * kernel, so a kernel loaded over 0x9000 (kvm-unit-tests' realmode)
     * overwrites them: do the same rather than refuse it.
     */
    if (!x86_loader_add_under(l, "the multiboot information",
                              MULTIBOOT_MMAP_ADDR, low_bytes, errp)) {
        return false;
    }
    *boot = (MachineBootCPU){
        .flat32 = true,
        .eip = k.entry,
        .eax = MULTIBOOT_BOOTLOADER_MAGIC,
        .ebx = MULTIBOOT_INFO_ADDR,
    };
    return true;
}
