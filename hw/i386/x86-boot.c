/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc boot: the images loaders keep for resets, the flat -bios firmware
 * mapping, and the -kernel format dispatch.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include "util/log.h"

#define X86_PAGE_SIZE 4096
#define ELF_MAGIC     "\177ELF"
#define ELF_MAGIC_LEN 4
/* The Linux boot protocol's setup header signature "HdrS" at 0x202. */
#define LINUX_HDRS_OFFSET 0x202
#define LINUX_HDRS_MAGIC  "HdrS"
#define LINUX_HDRS_LEN    4

typedef struct X86Image {
    char *name;
    hwaddr addr;
    GBytes *data;
} X86Image;

static void x86_image_free(gpointer p)
{
    X86Image *img = p;

    g_free(img->name);
    g_bytes_unref(img->data);
    g_free(img);
}

void x86_loader_init(X86Loader *l, AddressSpace *as, uint64_t below_4g,
                     uint64_t above_4g, const GArray *e820)
{
    l->as = as;
    l->below_4g = below_4g;
    l->above_4g = above_4g;
    l->e820 = e820;
    l->images = g_ptr_array_new_with_free_func(x86_image_free);
}

void x86_loader_cleanup(X86Loader *l)
{
    if (l->images) {
        g_ptr_array_free(l->images, true);
        l->images = NULL;
    }
}

bool x86_loader_add(X86Loader *l, const char *name, hwaddr addr, GBytes *data,
                    Error **errp)
{
    gsize len = g_bytes_get_size(data);
    X86Image *img;

    if (!len) {
        return true;
    }
    if (addr + len < addr) {
        error_setg(errp, "%s at 0x%" HWADDR_PRIx " wraps around", name, addr);
        return false;
    }
    for (guint i = 0; i < l->images->len; i++) {
        X86Image *old = l->images->pdata[i];
        gsize old_len = g_bytes_get_size(old->data);

        if (addr < old->addr + old_len && old->addr < addr + len) {
            error_setg(errp,
                       "%s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx
                       " overlaps %s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx,
                       name, addr, addr + len - 1, old->name, old->addr,
                       old->addr + old_len - 1);
            return false;
        }
    }
    if (address_space_write_rom(l->as, addr, g_bytes_get_data(data, NULL),
                                len) != MEMTX_OK) {
        error_setg(errp,
                   "%s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx
                   " is not all in RAM (try a larger -m)",
                   name, addr, addr + len - 1);
        return false;
    }
    img = g_new0(X86Image, 1);
    img->name = g_strdup(name);
    img->addr = addr;
    img->data = g_bytes_ref(data);
    g_ptr_array_add(l->images, img);
    return true;
}

void x86_loader_reset(X86Loader *l)
{
    for (guint i = 0; l->images && i < l->images->len; i++) {
        X86Image *img = l->images->pdata[i];
        gsize len;
        const void *p = g_bytes_get_data(img->data, &len);

        if (address_space_write_rom(l->as, img->addr, p, len) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR, "reset: cannot reload %s\n",
                          img->name);
        }
    }
}

bool x86_bios_init(MemoryRegion *sysmem, MemoryRegion *bios,
                   MemoryRegion *isa_bios, void *owner, const char *path,
                   Error **errp)
{
    g_autofree gchar *data = NULL;
    GError *gerr = NULL;
    uint64_t rom_size, isa_size;
    gsize size;
    uint8_t *rom;

    if (!g_file_get_contents(path, &data, &size, &gerr)) {
        error_setg(errp, "-bios %s: %s", path, gerr->message);
        g_error_free(gerr);
        return false;
    }
    if (size == 0 || size > X86_BIOS_MAX_SIZE) {
        error_setg(errp,
                   "-bios %s: %zu bytes; a firmware image has 1 byte to "
                   "%llu MiB",
                   path, (size_t)size, X86_BIOS_MAX_SIZE / MiB);
        return false;
    }
    rom_size = ROUND_UP((uint64_t)size, X86_PAGE_SIZE);
    if (!memory_region_init_rom(bios, owner, "pc.bios", rom_size, errp)) {
        return false;
    }
    rom = memory_region_get_ram_ptr(bios);
    memset(rom, 0xff, rom_size - size);
    memcpy(rom + rom_size - size, data, size);
    memory_region_add_subregion(sysmem, X86_4G - rom_size, bios);

    isa_size = MIN(rom_size, X86_ISA_BIOS_MAX_SIZE);
    memory_region_init_alias(isa_bios, owner, "isa-bios", bios,
                             rom_size - isa_size, isa_size);
    memory_region_add_subregion_overlap(sysmem, X86_LEGACY_HOLE_END - isa_size,
                                        isa_bios, 1);
    return true;
}

bool x86_load_kernel(X86Loader *l, const char *kernel, const char *initrd,
                     const char *cmdline, MachineBootCPU *boot, Error **errp)
{
    g_autoptr(GBytes) image = NULL;
    GError *gerr = NULL;
    gchar *data;
    gsize size;

    if (!g_file_get_contents(kernel, &data, &size, &gerr)) {
        error_setg(errp, "-kernel %s: %s", kernel, gerr->message);
        g_error_free(gerr);
        return false;
    }
    image = g_bytes_new_take(data, size);
    if (size >= ELF_MAGIC_LEN && !memcmp(data, ELF_MAGIC, ELF_MAGIC_LEN)) {
        return x86_load_pvh(l, kernel, image, initrd, cmdline, boot, errp);
    }
    if (size >= LINUX_HDRS_OFFSET + LINUX_HDRS_LEN &&
        !memcmp(data + LINUX_HDRS_OFFSET, LINUX_HDRS_MAGIC, LINUX_HDRS_LEN)) {
        error_setg(errp,
                   "-kernel %s: a Linux bzImage, which kemu cannot boot "
                   "yet; use the kernel's ELF vmlinux (it has a PVH entry)",
                   kernel);
        return false;
    }
    error_setg(errp,
               "-kernel %s: not an ELF image with a PVH entry point nor a "
               "Linux kernel",
               kernel);
    return false;
}
