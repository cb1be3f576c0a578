/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct boot of a multiboot (version 1) kernel without firmware, as
 * QEMU's -kernel does it: the Multiboot Specification 0.6.96, section 3
 * (the OS image format and the machine state), section 3.3 (the boot
 * information).  kvm-unit-tests' x86 .flat files are such kernels (ELF32
 * with a multiboot header).
 */
#ifndef KEMU_HW_I386_MULTIBOOT_H
#define KEMU_HW_I386_MULTIBOOT_H

#include "hw/i386/x86-boot.h"

#define MULTIBOOT_HEADER_MAGIC     0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u /* EAX at entry */
/* The header is in the image's first 8 KiB, 4-byte aligned, 48 bytes long. */
#define MULTIBOOT_SEARCH     8192
#define MULTIBOOT_HEADER_LEN 48

/* The header: magic, flags, checksum, then the address fields. */
#define MB_HEADER_FLAGS         4
#define MB_HEADER_CHECKSUM      8
#define MB_HEADER_HEADER_ADDR   12
#define MB_HEADER_LOAD_ADDR     16
#define MB_HEADER_LOAD_END_ADDR 20
#define MB_HEADER_BSS_END_ADDR  24
#define MB_HEADER_ENTRY_ADDR    28
#define MB_HEADER_FLAG_VIDEO    (1u << 2)
#define MB_HEADER_FLAG_AOUT     (1u << 16) /* the address fields are valid */

/* The boot information (struct multiboot_info), where EBX points. */
#define MBI_FLAGS        0
#define MBI_MEM_LOWER    4 /* KiB from 0 */
#define MBI_MEM_UPPER    8 /* KiB from 1 MiB to the first hole */
#define MBI_BOOT_DEVICE  12
#define MBI_CMDLINE      16
#define MBI_MODS_COUNT   20
#define MBI_MODS_ADDR    24
#define MBI_MMAP_LENGTH  44
#define MBI_MMAP_ADDR    48
#define MBI_BOOTLOADER   64
#define MBI_SIZE         88
#define MBI_FLAG_MEMORY  (1u << 0)
#define MBI_FLAG_BOOTDEV (1u << 1)
#define MBI_FLAG_CMDLINE (1u << 2)
#define MBI_FLAG_MODS    (1u << 3)
#define MBI_FLAG_MMAP    (1u << 6)
#define MBI_FLAG_LOADER  (1u << 9)
/* No BIOS disk: "not a disk" in every part, as QEMU says. */
#define MBI_BOOT_DEVICE_NONE 0x8000ffffu

/* A module: start, end (exclusive), command line, reserved. */
#define MB_MOD_START   0
#define MB_MOD_END     4
#define MB_MOD_CMDLINE 8
#define MB_MOD_SIZE    16

/* A memory map entry: size (20, not counting itself), addr, len, type. */
#define MB_MMAP_ENTRY_SIZE 24

/*
 * Where the boot information goes (QEMU's places): the memory map at
 * 0x9000, struct multiboot_info at 0x9500.  The module list, the command
 * lines and the boot loader name follow the kernel, on the next page, and
 * the modules follow them, each on a page of its own.
 */
#define MULTIBOOT_MMAP_ADDR 0x9000
#define MULTIBOOT_INFO_ADDR 0x9500

/**
 * multiboot_find_header - whether @data (@size bytes of a -kernel file) has
 * a multiboot header in its first 8 KiB: the magic at a 4-byte boundary
 * with flags and checksum that add up to 0.  *@offset gets where it is.
 */
bool multiboot_find_header(const uint8_t *data, size_t size, size_t *offset);

/**
 * x86_load_multiboot - boot the multiboot kernel @image (the file
 * @kernel, its header at @header): loaded as an ELF32 (by its program
 * headers) or, with header flag 16, by the header's addresses; each
 * comma-separated item of @initrd ("PATH ARGS"; ",," for a comma) a module
 * whose command line is the whole item; the kernel's command line "KERNEL
 * CMDLINE" (the path as -kernel gave it, a space, then -append's text);
 * the memory map from l->e820; and the BSP in 32-bit protected mode at
 * the entry with EAX = MULTIBOOT_BOOTLOADER_MAGIC, EBX = the boot
 * information.  One "-kernel PATH: ..." (or "-initrd") error otherwise.
 */
bool x86_load_multiboot(X86Loader *l, const char *kernel, GBytes *image,
                        size_t header, const char *initrd, const char *cmdline,
                        MachineBootCPU *boot, Error **errp);

#endif
