/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux bzImage direct boot through the 32-bit boot protocol
 * (Documentation/arch/x86/boot.rst; zero-page.rst for boot_params).  No
 * real-mode code runs: the loader does what the kernel's setup code would
 * (the memory map, the command line, the initrd) and enters the
 * protected-mode kernel at 1 MiB.  The image is untrusted input: every
 * size in its header is checked against the file before use.
 */
#include "util/osdep.h"
#include "hw/i386/linux-boot.h"
#include "hw/i386/e820.h"

#define LINUX_SECTOR_SIZE          512
#define LINUX_DEFAULT_SETUP_SECTS  4 /* what setup_sects 0 means */
#define LINUX_SYSSIZE_UNIT         16
#define LINUX_PREF_ADDRESS_VERSION 0x020a /* pref_address, init_size */
/* The smallest header a 2.06 kernel has: up to cmdline_size. */
#define LINUX_HEADER_END_206 (LINUX_CMDLINE_SIZE + 4)

G_STATIC_ASSERT(LINUX_BP_E820_TABLE + LINUX_BP_E820_MAX * sizeof(E820Entry) <=
                LINUX_BP_SIZE);
G_STATIC_ASSERT(LINUX_BOOT_PARAMS_ADDR + LINUX_BP_SIZE <= LINUX_CMDLINE_ADDR);

static uint16_t get_le16(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t get_le32(const uint8_t *p)
{
    return get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static uint64_t get_le64(const uint8_t *p)
{
    return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, v);
    put_le16(p + 2, v >> 16);
}

static void put_le64(uint8_t *p, uint64_t v)
{
    put_le32(p, v);
    put_le32(p + 4, v >> 32);
}

bool linux_is_bzimage(const uint8_t *data, size_t size)
{
    return size >= LINUX_HEADER + strlen(LINUX_HDRS_MAGIC) &&
           !memcmp(data + LINUX_HEADER, LINUX_HDRS_MAGIC,
                   strlen(LINUX_HDRS_MAGIC));
}

bool linux_parse_header(const char *path, const uint8_t *data, size_t size,
                        LinuxSetupHeader *h, Error **errp)
{
    unsigned setup_sects;

    memset(h, 0, sizeof(*h));
    if (!linux_is_bzimage(data, size) || size < LINUX_VERSION + 2) {
        error_setg(errp, "-kernel %s: not a Linux kernel (no \"HdrS\" at 0x%x)",
                   path, LINUX_HEADER);
        return false;
    }
    h->version = get_le16(data + LINUX_VERSION);
    if (h->version < LINUX_MIN_VERSION) {
        error_setg(errp,
                   "-kernel %s: Linux boot protocol %u.%02u is too old; kemu "
                   "needs 2.06 or later (Linux 2.6.22+)",
                   path, h->version >> 8, h->version & 0xff);
        return false;
    }
    h->header_end = MIN(LINUX_HEADER + (uint32_t)data[LINUX_JUMP + 1],
                        (uint32_t)LINUX_SETUP_HEADER_MAX);
    if (h->header_end < LINUX_HEADER_END_206 || h->header_end > size ||
        (h->version >= LINUX_PREF_ADDRESS_VERSION &&
         h->header_end < LINUX_INIT_SIZE + 4)) {
        error_setg(errp,
                   "-kernel %s: truncated Linux setup header (ends at 0x%x)",
                   path, h->header_end);
        return false;
    }
    h->loadflags = data[LINUX_LOADFLAGS];
    if (!(h->loadflags & LINUX_LOADED_HIGH)) {
        error_setg(errp,
                   "-kernel %s: a zImage (loaded below 1 MiB); kemu boots "
                   "bzImage kernels",
                   path);
        return false;
    }
    setup_sects = data[LINUX_SETUP_SECTS];
    if (!setup_sects) {
        setup_sects = LINUX_DEFAULT_SETUP_SECTS;
    }
    h->setup_size = (setup_sects + 1) * LINUX_SECTOR_SIZE;
    h->kernel_size = get_le32(data + LINUX_SYSSIZE);
    if (h->kernel_size > UINT32_MAX / LINUX_SYSSIZE_UNIT) {
        goto truncated;
    }
    h->kernel_size *= LINUX_SYSSIZE_UNIT;
    if (!h->kernel_size || h->setup_size > size ||
        h->kernel_size > size - h->setup_size) {
        goto truncated;
    }
    h->xloadflags = get_le16(data + LINUX_XLOADFLAGS);
    h->initrd_addr_max = get_le32(data + LINUX_INITRD_ADDR_MAX);
    h->kernel_alignment = get_le32(data + LINUX_KERNEL_ALIGNMENT);
    h->relocatable = data[LINUX_RELOCATABLE];
    h->cmdline_size = get_le32(data + LINUX_CMDLINE_SIZE);
    if (h->version >= LINUX_PREF_ADDRESS_VERSION) {
        h->pref_address = get_le64(data + LINUX_PREF_ADDRESS);
        h->init_size = get_le32(data + LINUX_INIT_SIZE);
    } else {
        h->pref_address = LINUX_KERNEL_ADDR;
        h->init_size = h->kernel_size;
    }
    return true;

truncated:
    error_setg(errp,
               "-kernel %s: truncated Linux kernel (%u setup sectors and "
               "%" PRIu64 " bytes of kernel; the file has %zu bytes)",
               path, setup_sects,
               (uint64_t)get_le32(data + LINUX_SYSSIZE) * LINUX_SYSSIZE_UNIT,
               size);
    return false;
}

/*
 * Where the kernel runs: a relocatable one moves itself to its load
 * address rounded up to kernel_alignment but not below pref_address (its
 * LOAD_PHYSICAL_ADDR), any other to pref_address; from there it needs
 * init_size bytes (arch/x86/boot/compressed/head_64.S).  Returns the end.
 */
static uint64_t linux_kernel_end(const LinuxSetupHeader *h)
{
    uint64_t run = h->pref_address;

    if (h->relocatable && h->kernel_alignment) {
        uint64_t align = h->kernel_alignment;

        run = MAX(DIV_ROUND_UP(LINUX_KERNEL_ADDR, align) * align,
                  h->pref_address);
    }
    return MAX(run + h->init_size,
               (uint64_t)LINUX_KERNEL_ADDR + h->kernel_size);
}

/* The e820 table, without the legacy hole, into boot_params. */
static bool linux_put_e820(X86Loader *l, uint8_t *bp, Error **errp)
{
    g_autoptr(GArray) map =
        e820_with_hole(l->e820, X86_LEGACY_HOLE_START, X86_LEGACY_HOLE_END);

    if (map->len > LINUX_BP_E820_MAX) {
        error_setg(errp, "Linux boot: %u memory map entries, at most %d",
                   map->len, LINUX_BP_E820_MAX);
        return false;
    }
    memcpy(bp + LINUX_BP_E820_TABLE, map->data, map->len * sizeof(E820Entry));
    bp[LINUX_BP_E820_ENTRIES] = map->len;
    return true;
}

bool x86_load_linux(X86Loader *l, const char *kernel, GBytes *image,
                    const char *initrd, const char *cmdline,
                    MachineBootCPU *boot, Error **errp)
{
    g_autofree uint8_t *bp = g_malloc0(LINUX_BP_SIZE);
    g_autofree char *name = g_strdup_printf("-kernel %s", kernel);
    g_autoptr(GBytes) text = NULL;
    g_autoptr(GBytes) params = NULL;
    g_autoptr(GBytes) args = NULL;
    uint64_t kernel_end, initrd_addr = 0, initrd_size = 0;
    LinuxSetupHeader h;
    size_t size, cmdline_len;
    const uint8_t *data = g_bytes_get_data(image, &size);

    if (!linux_parse_header(kernel, data, size, &h, errp)) {
        return false;
    }
    kernel_end = linux_kernel_end(&h);
    if (kernel_end > l->below_4g) {
        error_setg(errp,
                   "-kernel %s: the kernel needs RAM up to %" PRIu64
                   " MiB to decompress and run; -m gives %" PRIu64
                   " MiB below 4 GiB (try a larger -m)",
                   kernel, (uint64_t)DIV_ROUND_UP(kernel_end, MiB),
                   (uint64_t)(l->below_4g / MiB));
        return false;
    }
    cmdline = cmdline ? cmdline : "";
    cmdline_len = strlen(cmdline);
    if (cmdline_len > h.cmdline_size) {
        error_setg(errp,
                   "-append: the command line has %zu bytes; this kernel "
                   "takes at most %u",
                   cmdline_len, h.cmdline_size);
        return false;
    }

    text = g_bytes_new_from_bytes(image, h.setup_size, h.kernel_size);
    args = g_bytes_new(cmdline, cmdline_len + 1);
    if (!x86_loader_add(l, name, LINUX_KERNEL_ADDR, text, errp) ||
        !x86_loader_add(l, "the kernel command line", LINUX_CMDLINE_ADDR, args,
                        errp)) {
        return false;
    }
    if (initrd &&
        !x86_load_initrd(l, initrd, kernel_end, (uint64_t)h.initrd_addr_max + 1,
                         &initrd_addr, &initrd_size, errp)) {
        return false;
    }

    /* boot_params: the kernel's own setup header, then what setup fills. */
    memcpy(bp + LINUX_SETUP_SECTS, data + LINUX_SETUP_SECTS,
           h.header_end - LINUX_SETUP_SECTS);
    put_le16(bp + LINUX_VID_MODE, LINUX_VID_MODE_NORMAL);
    bp[LINUX_TYPE_OF_LOADER] = LINUX_LOADER_UNKNOWN;
    put_le32(bp + LINUX_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    put_le32(bp + LINUX_RAMDISK_IMAGE, initrd_addr);
    put_le32(bp + LINUX_RAMDISK_SIZE, initrd_size);
    put_le64(bp + LINUX_BP_ACPI_RSDP_ADDR, l->rsdp_addr);
    if (!linux_put_e820(l, bp, errp)) {
        return false;
    }
    params = g_bytes_new_take(g_steal_pointer(&bp), LINUX_BP_SIZE);
    if (!x86_loader_add(l, "the Linux boot_params", LINUX_BOOT_PARAMS_ADDR,
                        params, errp)) {
        return false;
    }
    *boot = (MachineBootCPU){
        .flat32 = true,
        .eip = LINUX_KERNEL_ADDR,
        .esi = LINUX_BOOT_PARAMS_ADDR,
    };
    return true;
}
