/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A guest-memory allocator for tests: hands out page-aligned ranges of a
 * guest RAM window (descriptor rings, DMA buffers), as QEMU's libqos
 * malloc does.  It only does bookkeeping; nothing is written to the guest.
 */
#ifndef KEMU_LIBQOS_MALLOC_H
#define KEMU_LIBQOS_MALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>
#include "tests/qtest/libqtest.h"

typedef enum {
    ALLOC_NO_FLAGS = 0x00,
    ALLOC_LEAK_WARN = 0x01,   /* alloc_destroy: warn about what is left */
    ALLOC_LEAK_ASSERT = 0x02, /* alloc_destroy: fail if anything is left */
    ALLOC_PARANOID = 0x04,    /* check the lists after every operation */
} QAllocOpts;

typedef struct QGuestAllocator {
    QAllocOpts opts;
    uint64_t start;
    uint64_t end;
    uint32_t page_size;
    GList *used; /* MemBlock *, by address */
    GList *free; /* MemBlock *, by address, coalesced */
} QGuestAllocator;

/**
 * alloc_init - manage guest addresses [@start, @end) in @page_size units
 * (a power of two).
 */
void alloc_init(QGuestAllocator *allocator, QAllocOpts flags, uint64_t start,
                uint64_t end, size_t page_size);

/** alloc_destroy - forget everything (leaks reported per the flags). */
void alloc_destroy(QGuestAllocator *allocator);

/** alloc_set_flags - change the flags. */
void alloc_set_flags(QGuestAllocator *allocator, QAllocOpts opts);

/**
 * guest_alloc - @size bytes (rounded up to pages) of guest memory; fails
 * the test when the window is full.  Returns the guest address.
 */
uint64_t guest_alloc(QGuestAllocator *allocator, size_t size);

/** guest_free - give back what guest_alloc() returned (0 is ignored). */
void guest_free(QGuestAllocator *allocator, uint64_t addr);

/**
 * pc_alloc_init - the pc machine's window: 1 MiB up to the RAM size that
 * fw_cfg reports (capped at the 3.5 GiB PCI hole), 4 KiB pages.
 */
void pc_alloc_init(QGuestAllocator *s, QTestState *qts, QAllocOpts flags);

#endif
