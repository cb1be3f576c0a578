/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pc boot: the images loaders keep for resets, the flat -bios firmware
 * mapping, and the -kernel format dispatch.
 */
#include "util/osdep.h"
#include "hw/i386/x86-boot.h"
#include "hw/i386/linux-boot.h"
#include "hw/i386/multiboot.h"
#include "util/log.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define X86_PAGE_SIZE 4096
#define ELF_MAGIC     "\177ELF"
#define ELF_MAGIC_LEN 4

/* An image: @data's bytes, or @size zero bytes when @data is NULL. */
typedef struct X86Image {
    char *name;
    hwaddr addr;
    GBytes *data;
    uint64_t size;
    bool under; /* x86_loader_add_under: other images may cover it */
} X86Image;

/* Zeros written at a time when a zero-filled image is put back. */
#define X86_ZERO_CHUNK (64 * KiB)

static void x86_image_free(gpointer p)
{
    X86Image *img = p;

    g_free(img->name);
    if (img->data) {
        g_bytes_unref(img->data);
    }
    g_free(img);
}

/*
 * A -kernel or -initrd file mapped into memory (MAP_PRIVATE, read-only):
 * no copy and no anonymous memory for what stays in the page cache, and
 * nothing to read for the parts no image uses.  The loader keeps it (and
 * its fd) for resets, and checks it did not shrink before touching it.
 */
typedef struct X86File {
    char *name; /* "-kernel PATH" */
    int fd;
    void *addr;
    size_t len;
} X86File;

static void x86_file_free(gpointer p)
{
    X86File *f = p;

    munmap(f->addr, f->len);
    close(f->fd);
    g_free(f->name);
    g_free(f);
}

void x86_loader_init(X86Loader *l, AddressSpace *as, uint64_t below_4g,
                     uint64_t above_4g, const GArray *e820)
{
    l->as = as;
    l->below_4g = below_4g;
    l->above_4g = above_4g;
    l->e820 = e820;
    l->rsdp_addr = 0;
    l->images = g_ptr_array_new_with_free_func(x86_image_free);
    l->files = g_ptr_array_new_with_free_func(x86_file_free);
}

void x86_loader_cleanup(X86Loader *l)
{
    if (l->images) {
        g_ptr_array_free(l->images, true);
        l->images = NULL;
    }
    if (l->files) {
        g_ptr_array_free(l->files, true);
        l->files = NULL;
    }
}

/* Whether all of [addr, addr + len) is writable RAM. */
static bool x86_range_is_ram(X86Loader *l, hwaddr addr, uint64_t len)
{
    if (!l->as) {
        /* A check-only loader: the board's RAM layout. */
        return addr + len <= l->below_4g ||
               (addr >= X86_4G && addr + len <= X86_4G + l->above_4g);
    }
    while (len) {
        MemoryRegionSection sec;
        uint64_t end, n;

        if (!address_space_lookup(l->as, addr, &sec) ||
            !memory_region_is_ram(sec.mr) || sec.readonly) {
            return false;
        }
        end = sec.offset_within_address_space + sec.size;
        n = MIN(len, end - addr);
        addr += n;
        len -= n;
    }
    return true;
}

/* Write img into guest memory. */
static MemTxResult x86_image_write(X86Loader *l, const X86Image *img)
{
    static const uint8_t zeros[X86_ZERO_CHUNK];
    MemTxResult r = MEMTX_OK;

    if (!l->as) {
        return x86_range_is_ram(l, img->addr, img->size) ? MEMTX_OK
                                                         : MEMTX_ERROR;
    }
    if (img->data) {
        return address_space_write_rom(
            l->as, img->addr, g_bytes_get_data(img->data, NULL), img->size);
    }
    for (uint64_t off = 0; off < img->size && r == MEMTX_OK;
         off += X86_ZERO_CHUNK) {
        r = address_space_write_rom(l->as, img->addr + off, zeros,
                                    MIN(X86_ZERO_CHUNK, img->size - off));
    }
    return r;
}

/*
 * Check the range against RAM and the earlier images, then keep the image
 * and write it (a zero-filled one needs no writing yet: until the guest
 * runs, RAM that no image covers is still all zero).
 */
static bool x86_loader_add_image(X86Loader *l, const char *name, hwaddr addr,
                                 GBytes *data, uint64_t len, bool under,
                                 Error **errp)
{
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

        if (under || old->under) {
            continue;
        }
        if (addr < old->addr + old->size && old->addr < addr + len) {
            error_setg(errp,
                       "%s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx
                       " overlaps %s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx,
                       name, addr, addr + len - 1, old->name, old->addr,
                       old->addr + old->size - 1);
            return false;
        }
    }
    img = g_new0(X86Image, 1);
    img->addr = addr;
    img->data = data ? g_bytes_ref(data) : NULL;
    img->size = len;
    if (data ? x86_image_write(l, img) != MEMTX_OK
             : !x86_range_is_ram(l, addr, len)) {
        error_setg(errp,
                   "%s at 0x%" HWADDR_PRIx "-0x%" HWADDR_PRIx
                   " is not all in RAM (try a larger -m)",
                   name, addr, addr + len - 1);
        x86_image_free(img);
        return false;
    }
    img->name = g_strdup(name);
    img->under = under;
    if (!under) {
        g_ptr_array_add(l->images, img);
        return true;
    }
    /* First at every reset; now, put back what it wrote over. */
    g_ptr_array_insert(l->images, 0, img);
    for (guint i = 1; l->as && i < l->images->len; i++) {
        X86Image *old = l->images->pdata[i];

        if (addr < old->addr + old->size && old->addr < addr + len &&
            x86_image_write(l, old) != MEMTX_OK) {
            error_setg(errp, "cannot write %s again", old->name);
            return false;
        }
    }
    return true;
}

bool x86_loader_add(X86Loader *l, const char *name, hwaddr addr, GBytes *data,
                    Error **errp)
{
    return x86_loader_add_image(l, name, addr, data, g_bytes_get_size(data),
                                false, errp);
}

bool x86_loader_add_under(X86Loader *l, const char *name, hwaddr addr,
                          GBytes *data, Error **errp)
{
    return x86_loader_add_image(l, name, addr, data, g_bytes_get_size(data),
                                true, errp);
}

bool x86_loader_add_zeros(X86Loader *l, const char *name, hwaddr addr,
                          uint64_t size, Error **errp)
{
    return x86_loader_add_image(l, name, addr, NULL, size, false, errp);
}

bool x86_loader_reset(X86Loader *l, Error **errp)
{
    for (guint i = 0; l->files && i < l->files->len; i++) {
        X86File *f = l->files->pdata[i];
        struct stat st;

        /* A mapped page past the end of the file would be a SIGBUS. */
        if (fstat(f->fd, &st) < 0 || (uint64_t)st.st_size < f->len) {
            error_setg(errp,
                       "reset: %s was truncated since it was loaded; cannot "
                       "load it again",
                       f->name);
            return false;
        }
    }
    for (guint i = 0; l->images && i < l->images->len; i++) {
        X86Image *img = l->images->pdata[i];

        if (x86_image_write(l, img) != MEMTX_OK) {
            kemu_log_mask(LOG_GUEST_ERROR, "reset: cannot reload %s\n",
                          img->name);
        }
    }
    return true;
}

/*
 * A regular file whose size says 0 (some /proc and /sys files): read it,
 * but never more than @limit bytes, and never wait (O_NONBLOCK).
 */
static GBytes *x86_read_bounded(int fd, const char *name, uint64_t limit,
                                Error **errp)
{
    GByteArray *buf = g_byte_array_new();
    uint8_t chunk[X86_PAGE_SIZE];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error_setg_errno(errp, errno, "%s: cannot read it", name);
            g_byte_array_unref(buf);
            return NULL;
        }
        if (buf->len + n > limit) {
            error_setg(errp,
                       "%s: more than the guest's %" PRIu64
                       " bytes of RAM (try a larger -m)",
                       name, limit);
            g_byte_array_unref(buf);
            return NULL;
        }
        g_byte_array_append(buf, chunk, n);
    }
    return g_byte_array_free_to_bytes(buf);
}

GBytes *x86_loader_read_file(X86Loader *l, const char *path, const char *option,
                             Error **errp)
{
    g_autofree char *name = g_strdup_printf("-%s %s", option, path);
    uint64_t ram = l->below_4g + l->above_4g;
    struct stat st;
    GBytes *bytes;
    void *addr;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0) {
        /* QEMU's words: kvm-unit-tests looks for "could not open kernel". */
        error_setg_errno(errp, errno, "-%s %s: could not open %s file", option,
                         path, option);
        return NULL;
    }
    if (fstat(fd, &st) < 0) {
        error_setg_errno(errp, errno, "%s: cannot stat it", name);
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        error_setg(errp, "%s: is a directory, not a file", name);
        close(fd);
        return NULL;
    }
    /* A device (/dev/zero), a FIFO or a socket could go on for ever. */
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "%s: not a regular file", name);
        close(fd);
        return NULL;
    }
    if ((uint64_t)st.st_size > ram) {
        error_setg(errp,
                   "%s: %" PRIu64 " bytes, more than the guest's %" PRIu64
                   " bytes of RAM (try a larger -m)",
                   name, (uint64_t)st.st_size, ram);
        close(fd);
        return NULL;
    }
    if (st.st_size == 0) {
        bytes = x86_read_bounded(fd, name, ram, errp);
        close(fd);
        return bytes;
    }
    addr = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
        error_setg_errno(errp, errno, "%s: cannot map it", name);
        close(fd);
        return NULL;
    }
    {
        X86File *f = g_new0(X86File, 1);

        f->name = g_steal_pointer(&name);
        f->fd = fd;
        f->addr = addr;
        f->len = st.st_size;
        g_ptr_array_add(l->files, f);
    }
    /* Lives as long as the loader: it owns the mapping. */
    return g_bytes_new_static(addr, st.st_size);
}

bool x86_load_initrd(X86Loader *l, const char *path, uint64_t floor,
                     uint64_t limit, uint64_t *addr, uint64_t *size,
                     Error **errp)
{
    g_autoptr(GBytes) bytes = x86_loader_read_file(l, path, "initrd", errp);
    g_autofree char *name = g_strdup_printf("-initrd %s", path);
    gsize len;
    uint64_t at;

    if (!bytes) {
        return false;
    }
    len = g_bytes_get_size(bytes);
    limit = MIN(limit, l->below_4g);
    if (len > limit ||
        (at = (limit - len) & ~(uint64_t)(X86_PAGE_SIZE - 1)) < floor) {
        error_setg(errp,
                   "-initrd %s: %zu bytes do not fit in RAM between the "
                   "kernel's end (0x%" PRIx64 ") and 0x%" PRIx64
                   " (try a larger -m)",
                   path, (size_t)len, floor, limit);
        return false;
    }
    if (!x86_loader_add(l, name, at, bytes, errp)) {
        return false;
    }
    *addr = at;
    *size = len;
    return true;
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

    struct stat st;

    if (stat(path, &st) != 0 || access(path, R_OK) != 0) {
        error_setg_errno(errp, errno, "-bios %s: cannot open", path);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "-bios %s: not a regular file", path);
        return false;
    }
    /* Checked before reading: a huge file is refused without reading it. */
    if (st.st_size == 0 || (uint64_t)st.st_size > X86_BIOS_MAX_SIZE) {
        error_setg(errp,
                   "-bios %s: %" PRIu64 " bytes; a firmware image has 1 byte "
                   "to %llu MiB",
                   path, (uint64_t)st.st_size, X86_BIOS_MAX_SIZE / MiB);
        return false;
    }
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
    g_autoptr(GBytes) image = x86_loader_read_file(l, kernel, "kernel", errp);
    const uint8_t *data;
    size_t header;
    gsize size;

    if (!image) {
        return false;
    }
    data = g_bytes_get_data(image, &size);
    /* QEMU's order: bzImage, multiboot (an ELF with a PVH note too), PVH. */
    if (linux_is_bzimage(data, size)) {
        return x86_load_linux(l, kernel, image, initrd, cmdline, boot, errp);
    }
    if (multiboot_find_header(data, size, &header)) {
        return x86_load_multiboot(l, kernel, image, header, initrd, cmdline,
                                  boot, errp);
    }
    if (size >= ELF_MAGIC_LEN && !memcmp(data, ELF_MAGIC, ELF_MAGIC_LEN)) {
        return x86_load_pvh(l, kernel, image, initrd, cmdline, boot, errp);
    }
    error_setg(errp,
               "-kernel %s: not a multiboot kernel, not an ELF image with a "
               "PVH entry point nor a Linux kernel",
               kernel);
    return false;
}
