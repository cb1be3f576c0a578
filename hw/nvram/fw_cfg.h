/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's firmware configuration device (docs/specs/fw_cfg.rst in QEMU), the
 * x86 I/O variant "fw_cfg_io": a selector at iobase (0x510, 16-bit writes),
 * a data byte at iobase + 1 (reads), and the DMA interface at dma_iobase
 * (0x514: the big-endian address of an FWCfgDmaAccess, written as two
 * 32-bit big-endian halves; the low half at 0x518 starts the transfer).
 * Properties: iobase, dma_iobase, dma_enabled (default on).
 *
 * The board fills it with the functions below (QEMU's names).  The device
 * copies every value it is given; integers are stored little-endian, as
 * QEMU does.  Realize adds the signature ("QEMU"), the ID (bit 0
 * traditional interface, bit 1 DMA), a zero UUID, NOGRAPHIC (from the
 * machine) and BOOT_MENU 0; the board adds or modifies the rest (RAM_SIZE,
 * NB_CPUS, MAX_CPUS, kernel entries, files).
 */
#ifndef KEMU_HW_NVRAM_FW_CFG_H
#define KEMU_HW_NVRAM_FW_CFG_H

#include "hw/core/sysbus.h"

#define TYPE_FW_CFG_IO "fw_cfg_io"
OBJECT_DECLARE_SIMPLE_TYPE(FWCfgState, FW_CFG_IO)

/* Keys. */
#define FW_CFG_SIGNATURE      0x00
#define FW_CFG_ID             0x01
#define FW_CFG_UUID           0x02
#define FW_CFG_RAM_SIZE       0x03
#define FW_CFG_NOGRAPHIC      0x04
#define FW_CFG_NB_CPUS        0x05
#define FW_CFG_MACHINE_ID     0x06
#define FW_CFG_KERNEL_ADDR    0x07
#define FW_CFG_KERNEL_SIZE    0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR    0x0a
#define FW_CFG_INITRD_SIZE    0x0b
#define FW_CFG_BOOT_DEVICE    0x0c
#define FW_CFG_NUMA           0x0d
#define FW_CFG_BOOT_MENU      0x0e
#define FW_CFG_MAX_CPUS       0x0f
#define FW_CFG_KERNEL_ENTRY   0x10
#define FW_CFG_KERNEL_DATA    0x11
#define FW_CFG_INITRD_DATA    0x12
#define FW_CFG_CMDLINE_ADDR   0x13
#define FW_CFG_CMDLINE_SIZE   0x14
#define FW_CFG_CMDLINE_DATA   0x15
#define FW_CFG_SETUP_ADDR     0x16
#define FW_CFG_SETUP_SIZE     0x17
#define FW_CFG_SETUP_DATA     0x18
#define FW_CFG_FILE_DIR       0x19
#define FW_CFG_FILE_FIRST     0x20
#define FW_CFG_FILE_SLOTS     0x20
#define FW_CFG_MAX_ENTRY      (FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS)

#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL    0x8000 /* x86: ACPI tables, SMBIOS, e820... */
#define FW_CFG_ENTRY_MASK                                                      \
    ((uint16_t) ~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_INVALID 0xffff

/* x86's arch-local keys. */
#define FW_CFG_ACPI_TABLES    (FW_CFG_ARCH_LOCAL + 0)
#define FW_CFG_SMBIOS_ENTRIES (FW_CFG_ARCH_LOCAL + 1)
#define FW_CFG_IRQ0_OVERRIDE  (FW_CFG_ARCH_LOCAL + 2)
#define FW_CFG_E820_TABLE     (FW_CFG_ARCH_LOCAL + 3)
#define FW_CFG_HPET           (FW_CFG_ARCH_LOCAL + 4)

#define FW_CFG_SIG_SIZE      4
#define FW_CFG_MAX_FILE_PATH 56

/* FW_CFG_ID bits. */
#define FW_CFG_VERSION     0x01
#define FW_CFG_VERSION_DMA 0x02

/* Ports of the pc machine. */
#define FW_CFG_IO_BASE     0x510
#define FW_CFG_DMA_IO_BASE 0x514
/* The DMA register reads back "QEMU CFG" (big-endian). */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL

/* FWCfgDmaAccess.control bits; the selector is in bits 31:16. */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

/* What the guest puts in memory for a DMA transfer (all big-endian). */
typedef struct FWCfgDmaAccess {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} __attribute__((packed)) FWCfgDmaAccess;

/* One FILE_DIR entry (big-endian); the directory starts with a BE32 count. */
typedef struct FWCfgFile {
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

typedef void (*FWCfgCallback)(void *opaque);
typedef void (*FWCfgWriteCallback)(void *opaque, off_t start, size_t len);

/*
 * Adding a key that is out of range or already present, a file name that
 * is empty, too long or already present, or more than FW_CFG_FILE_SLOTS
 * files is a programming error: it aborts with a message.  The functions
 * work before and after realize; the guest sees the values at once.
 */

/** fw_cfg_add_bytes - entry @key = a copy of @len bytes at @data. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len);
/** fw_cfg_add_string - entry @key = @value with its NUL. */
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);

/** fw_cfg_modify_bytes - replace (or add) entry @key. */
void fw_cfg_modify_bytes(FWCfgState *s, uint16_t key, const void *data,
                         size_t len);
void fw_cfg_modify_string(FWCfgState *s, uint16_t key, const char *value);
void fw_cfg_modify_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_modify_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_modify_i64(FWCfgState *s, uint16_t key, uint64_t value);

/**
 * fw_cfg_add_file - a named blob ("etc/boot-menu-wait"), listed in
 * FILE_DIR.  Files are kept sorted by name and numbered from
 * FW_CFG_FILE_FIRST in that order, as QEMU does.
 */
void fw_cfg_add_file(FWCfgState *s, const char *filename, const void *data,
                     size_t len);

/**
 * fw_cfg_add_file_callback - fw_cfg_add_file(), plus @select_cb(@opaque)
 * when the guest selects it, and, unless @read_only, guest DMA writes into
 * it followed by @write_cb(@opaque, start, len).  Callbacks may be NULL.
 */
void fw_cfg_add_file_callback(FWCfgState *s, const char *filename,
                              FWCfgCallback select_cb,
                              FWCfgWriteCallback write_cb, void *opaque,
                              const void *data, size_t len, bool read_only);

/** fw_cfg_modify_file - replace (or add) the file @filename. */
void fw_cfg_modify_file(FWCfgState *s, const char *filename, const void *data,
                        size_t len);

/** fw_cfg_dma_enabled - whether the DMA interface is on. */
bool fw_cfg_dma_enabled(FWCfgState *s);

#endif
