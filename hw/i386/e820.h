/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BIOS E820 memory map of a pc: what RAM the guest has and what it
 * must not use.  The board builds one table; fw_cfg publishes it as
 * "etc/e820" (QEMU's 20-byte entries) and the kernel loaders hand it to a
 * kernel booted without firmware (PVH memmap, boot_params).
 */
#ifndef KEMU_HW_I386_E820_H
#define KEMU_HW_I386_E820_H

#include "util/osdep.h"

#define E820_RAM      1
#define E820_RESERVED 2

/* One range, as fw_cfg's "etc/e820" and Linux's boot_params carry it. */
typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed)) E820Entry;

/** e820_new - an empty table (a GArray of E820Entry). */
GArray *e820_new(void);

/** e820_add - append [addr, addr + size) of type. */
void e820_add(GArray *table, uint64_t addr, uint64_t size, uint32_t type);

/**
 * e820_with_hole - a copy of table, sorted by address, with the RAM
 * entries' parts inside [start, end) removed (the legacy VGA/BIOS hole a
 * firmware would keep from a kernel).  g_array_unref it.
 */
GArray *e820_with_hole(const GArray *table, uint64_t start, uint64_t end);

#endif
