/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How a pc gets its first code: a flat firmware image (-bios) mapped just
 * below 4 GiB with its last 128 KiB also at 0xE0000 (QEMU's "isa-bios"),
 * started at the reset vector; or a kernel (-kernel, -initrd, -append)
 * loaded straight into RAM and entered without firmware.  What a loader
 * writes into RAM is kept as an image and written again at every reset,
 * as QEMU does with its ROM blobs.  Kernel formats: a Linux bzImage
 * (linux-boot.c), a multiboot kernel (multiboot.c) and a PVH ELF (pvh.c),
 * tried in that order by x86_load_kernel(), as QEMU does.
 */
#ifndef KEMU_HW_I386_X86_BOOT_H
#define KEMU_HW_I386_X86_BOOT_H

#include "hw/core/machine.h"
#include "exec/memory.h"

#define X86_BIOS_MAX_SIZE     (16 * MiB)
#define X86_ISA_BIOS_MAX_SIZE (128 * KiB)
#define X86_4G                (4 * GiB)
/* VGA memory and the BIOS area: never RAM to a kernel. */
#define X86_LEGACY_HOLE_START 0xa0000
#define X86_LEGACY_HOLE_END   0x100000

/**
 * X86Loader - where loaders put images and what they know of the board.
 * @as: guest memory, written with address_space_write_rom (RAM/ROM only);
 *      NULL for a check-only loader, which runs every check of a real load
 *      (files, formats, fit in RAM) against the layout and writes nothing
 *      (the board checks -kernel and -initrd so before the accelerator).
 * @below_4g, @above_4g: RAM at [0, below_4g) and [4 GiB, 4 GiB + above).
 * @e820: the board's memory map (E820Entry), for the kernel's boot data.
 * @rsdp_addr: the ACPI RSDP the board wrote (0: none), handed to kernels.
 * @images: X86Image *, in load order (private).
 * @files: the mapped -kernel/-initrd files the images use (private).
 */
typedef struct X86Loader {
    AddressSpace *as;
    uint64_t below_4g;
    uint64_t above_4g;
    const GArray *e820;
    hwaddr rsdp_addr;
    GPtrArray *images;
    GPtrArray *files;
} X86Loader;

/*
 * An ELF file, 32- or 64-bit, checked enough to walk its program headers
 * (x86_elf_open); @data stays inside @image.
 */
typedef struct ElfFile {
    const char *path;
    GBytes *image;
    const uint8_t *data;
    size_t size;
    bool is64;
    uint64_t entry;
    uint64_t phoff;
    unsigned phnum;
    unsigned phentsize;
} ElfFile;

/** x86_loader_init - a loader with no images yet. */
void x86_loader_init(X86Loader *l, AddressSpace *as, uint64_t below_4g,
                     uint64_t above_4g, const GArray *e820);

/**
 * x86_loader_cleanup - free the images and unmap the files (not the guest
 * memory they went to).
 */
void x86_loader_cleanup(X86Loader *l);

/**
 * x86_loader_add - write @data at guest address @addr now and at every
 * x86_loader_reset.  Fails (writing nothing) when the range is not all
 * RAM or overlaps an earlier image; @name says what it is in errors.
 */
bool x86_loader_add(X86Loader *l, const char *name, hwaddr addr, GBytes *data,
                    Error **errp);

/**
 * x86_loader_add_under - like x86_loader_add, but for data that every
 * other image may cover, before or after it: where they overlap, the other
 * image's bytes are what the guest finds, now and after a reset.  Multiboot
 * uses it for its information block, which QEMU's loader writes before
 * the kernel, so a kernel loaded over it wins.
 */
bool x86_loader_add_under(X86Loader *l, const char *name, hwaddr addr,
                          GBytes *data, Error **errp);

/**
 * x86_loader_add_zeros - like x86_loader_add for @size zero bytes (an ELF
 * segment's bss), written at every x86_loader_reset (RAM is still zero
 * when the board loads its images).
 */
bool x86_loader_add_zeros(X86Loader *l, const char *name, hwaddr addr,
                          uint64_t size, Error **errp);

/**
 * x86_loader_reset - write every image again (machine reset).  Fails,
 * writing nothing, when a -kernel or -initrd file was truncated since it
 * was loaded (the images still map it).
 */
bool x86_loader_reset(X86Loader *l, Error **errp);

/**
 * x86_loader_read_file - the contents of @path, the file given to -@option
 * ("kernel", "initrd"): a regular file, mapped and kept by the loader (for
 * resets) as long as it lives.  Anything else (a device such as /dev/zero,
 * a FIFO) is refused without reading or waiting, and so is a file larger
 * than the guest's RAM.  One clear error naming the option and the path.
 */
GBytes *x86_loader_read_file(X86Loader *l, const char *path, const char *option,
                             Error **errp);

/**
 * x86_load_initrd - read -initrd @path and load it at the highest
 * page-aligned address where it starts at or above @floor and ends at or
 * below @limit (both within RAM below 4 GiB); *@addr and *@size say where
 * it went.  One clear error when the file cannot be read or does not fit.
 */
bool x86_load_initrd(X86Loader *l, const char *path, uint64_t floor,
                     uint64_t limit, uint64_t *addr, uint64_t *size,
                     Error **errp);

/**
 * x86_bios_init - read the flat firmware image @path and map it as ROM
 * @bios (its last byte at 0xFFFFFFFF; a size that is not a multiple of
 * 4 KiB is padded with 0xff below) in @sysmem, and its last
 * min(size, 128 KiB) again through the alias @isa_bios ending at 1 MiB,
 * above RAM.  The BSP then starts at the reset vector, F000:FFF0.
 */
bool x86_bios_init(MemoryRegion *sysmem, MemoryRegion *bios,
                   MemoryRegion *isa_bios, void *owner, const char *path,
                   Error **errp);

/**
 * x86_load_kernel - load -kernel @kernel (with -initrd @initrd and
 * -append @cmdline, either may be NULL) by its format and set @boot to
 * enter it.
 */
bool x86_load_kernel(X86Loader *l, const char *kernel, const char *initrd,
                     const char *cmdline, MachineBootCPU *boot, Error **errp);

/**
 * x86_elf_open - check that @image (the file @path) is an executable x86
 * ELF (ET_EXEC; ELF32 EM_386 or ELF64 EM_X86_64) whose program headers are
 * inside it, and fill @elf.  One "-kernel PATH: ..." error otherwise.
 */
bool x86_elf_open(ElfFile *elf, const char *path, GBytes *image, Error **errp);

/**
 * x86_elf_load - add every PT_LOAD segment of @elf as images at its
 * physical address (the file's bytes, then zeros to p_memsz), all inside
 * RAM below 4 GiB; [*@lo, *@hi) is where the kernel went.
 */
bool x86_elf_load(X86Loader *l, const ElfFile *elf, uint64_t *lo, uint64_t *hi,
                  Error **errp);

/**
 * x86_load_pvh - boot an ELF @image (the contents of file @kernel) through
 * its PVH entry point (the ELF note "Xen", XEN_ELFNOTE_PHYS32_ENTRY):
 * PT_LOAD segments at their physical addresses, the initrd as module 0 at
 * the top of RAM below 4 GiB, struct hvm_start_info (version 1, with the
 * memory map, command line and l->rsdp_addr) at PVH_START_INFO_ADDR, and
 * the BSP in 32-bit protected mode at the entry with EBX = the start info.
 */
bool x86_load_pvh(X86Loader *l, const char *kernel, GBytes *image,
                  const char *initrd, const char *cmdline, MachineBootCPU *boot,
                  Error **errp);

/* Where x86_load_pvh puts its boot data (below the 1 MiB kernels). */
#define PVH_START_INFO_ADDR 0x1000
#define PVH_MODLIST_ADDR    0x1040
#define PVH_MEMMAP_ADDR     0x1080
#define PVH_CMDLINE_ADDR    0x2000
#define PVH_BOOT_DATA_END   0x8000

#endif
