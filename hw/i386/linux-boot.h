/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct boot of a Linux bzImage without firmware, through the kernel's
 * 32-bit boot protocol (Documentation/arch/x86/boot.rst, "32-bit Boot
 * Protocol"; the zero page in zero-page.rst): the protected-mode kernel at
 * 1 MiB, struct boot_params with the setup header, the e820 map, the
 * command line and the initrd, and the BSP in flat 32-bit protected mode.
 */
#ifndef KEMU_HW_I386_LINUX_BOOT_H
#define KEMU_HW_I386_LINUX_BOOT_H

#include "hw/i386/x86-boot.h"

/* Setup header offsets (in the file and in boot_params alike). */
#define LINUX_SETUP_SECTS      0x1f1
#define LINUX_SYSSIZE          0x1f4
#define LINUX_VID_MODE         0x1fa
#define LINUX_BOOT_FLAG        0x1fe
#define LINUX_JUMP             0x200
#define LINUX_HEADER           0x202
#define LINUX_VERSION          0x206
#define LINUX_TYPE_OF_LOADER   0x210
#define LINUX_LOADFLAGS        0x211
#define LINUX_CODE32_START     0x214
#define LINUX_RAMDISK_IMAGE    0x218
#define LINUX_RAMDISK_SIZE     0x21c
#define LINUX_CMD_LINE_PTR     0x228
#define LINUX_INITRD_ADDR_MAX  0x22c
#define LINUX_KERNEL_ALIGNMENT 0x230
#define LINUX_RELOCATABLE      0x234
#define LINUX_XLOADFLAGS       0x236
#define LINUX_CMDLINE_SIZE     0x238
#define LINUX_PREF_ADDRESS     0x258
#define LINUX_INIT_SIZE        0x260
#define LINUX_SETUP_HEADER_MAX 0x290 /* boot_params.edd_mbr_sig_buffer */

/* boot_params (the "zero page") fields outside the setup header. */
#define LINUX_BP_ACPI_RSDP_ADDR 0x070
#define LINUX_BP_E820_ENTRIES   0x1e8
#define LINUX_BP_SENTINEL       0x1ef
#define LINUX_BP_E820_TABLE     0x2d0
#define LINUX_BP_E820_MAX       128
#define LINUX_BP_SIZE           0x1000

#define LINUX_HDRS_MAGIC      "HdrS"
#define LINUX_MIN_VERSION     0x0206 /* cmdline_size, 32-bit entry rules */
#define LINUX_LOADED_HIGH     0x01   /* loadflags: protected mode at 1 MiB */
#define LINUX_XLF_KERNEL_64   0x01   /* xloadflags: has the 64-bit entry */
#define LINUX_LOADER_UNKNOWN  0xff   /* type_of_loader: no assigned id */
#define LINUX_VID_MODE_NORMAL 0xffff

/* Where the loader puts things (the kernel keeps the first 1 MiB). */
#define LINUX_BOOT_PARAMS_ADDR 0x7000
#define LINUX_CMDLINE_ADDR     0x20000
#define LINUX_KERNEL_ADDR      0x100000 /* the protected-mode kernel */

/**
 * LinuxSetupHeader - what linux_parse_header() read from a bzImage.
 * @version: boot protocol version (0x0206 and later only).
 * @setup_size: bytes of the real-mode part (boot sector and setup code);
 *              the protected-mode kernel starts at this file offset.
 * @kernel_size: bytes of the protected-mode kernel (syssize * 16).
 * @header_end: the setup header's end in the file (0x202 + byte 0x201).
 * @pref_address, @init_size: where a relocatable kernel wants to run and
 *                            how much memory it needs from there (protocol
 *                            2.10; older kernels: 1 MiB and kernel_size).
 */
typedef struct LinuxSetupHeader {
    uint16_t version;
    uint32_t setup_size;
    uint32_t kernel_size;
    uint32_t header_end;
    uint8_t loadflags;
    uint16_t xloadflags;
    uint32_t initrd_addr_max;
    uint32_t kernel_alignment;
    bool relocatable;
    uint32_t cmdline_size;
    uint64_t pref_address;
    uint32_t init_size;
} LinuxSetupHeader;

/**
 * linux_is_bzimage - whether @data looks like a Linux kernel image
 * ("HdrS" at 0x202), whatever its version.
 */
bool linux_is_bzimage(const uint8_t *data, size_t size);

/**
 * linux_parse_header - check and read the setup header of the Linux
 * kernel @data (file @path, for errors): protocol 2.06 or later, a
 * bzImage (LOADED_HIGH), a protected-mode kernel inside the file.
 */
bool linux_parse_header(const char *path, const uint8_t *data, size_t size,
                        LinuxSetupHeader *h, Error **errp);

/**
 * x86_load_linux - boot the bzImage @image (the contents of file @kernel):
 * its protected-mode kernel at LINUX_KERNEL_ADDR, the initrd at the
 * highest page below min(initrd_addr_max, RAM below 4 GiB) above the
 * memory the kernel decompresses into, the command line, and boot_params
 * at LINUX_BOOT_PARAMS_ADDR (setup header, e820, the RSDP from @l).  The
 * BSP starts at the kernel in flat 32-bit protected mode with ESI =
 * boot_params.
 */
bool x86_load_linux(X86Loader *l, const char *kernel, GBytes *image,
                    const char *initrd, const char *cmdline,
                    MachineBootCPU *boot, Error **errp);

#endif
