/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest-memory allocator (see malloc.h): a first-fit allocator over
 * two address-ordered lists, free ranges merged with their neighbours.
 */
#include <inttypes.h>
#include <stdio.h>
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqos/fw_cfg.h"

typedef struct MemBlock {
    uint64_t addr;
    uint64_t size;
} MemBlock;

static MemBlock *block_new(uint64_t addr, uint64_t size)
{
    MemBlock *b = g_new(MemBlock, 1);

    b->addr = addr;
    b->size = size;
    return b;
}

static gint block_cmp(gconstpointer a, gconstpointer b)
{
    const MemBlock *x = a, *y = b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void alloc_check(QGuestAllocator *s)
{
    uint64_t total = 0, prev_end = 0;
    GList *all = g_list_sort(
        g_list_concat(g_list_copy(s->used), g_list_copy(s->free)), block_cmp);

    for (GList *l = all; l; l = l->next) {
        MemBlock *b = l->data;

        QTEST_ASSERT(b->addr >= s->start && b->addr + b->size <= s->end);
        QTEST_ASSERT(l == all || b->addr >= prev_end);
        prev_end = b->addr + b->size;
        total += b->size;
    }
    g_list_free(all);
    QTEST_ASSERT(total == s->end - s->start);
}

void alloc_init(QGuestAllocator *s, QAllocOpts flags, uint64_t start,
                uint64_t end, size_t page_size)
{
    QTEST_ASSERT(start < end && page_size && !(page_size & (page_size - 1)));
    s->opts = flags;
    s->start = start;
    s->end = end;
    s->page_size = page_size;
    s->used = NULL;
    s->free = g_list_append(NULL, block_new(start, end - start));
}

void alloc_set_flags(QGuestAllocator *s, QAllocOpts opts)
{
    s->opts = opts;
}

void alloc_destroy(QGuestAllocator *s)
{
    for (GList *l = s->used; l; l = l->next) {
        MemBlock *b = l->data;

        if (s->opts & (ALLOC_LEAK_WARN | ALLOC_LEAK_ASSERT)) {
            fprintf(stderr,
                    "guest-malloc: leaked 0x%" PRIx64 " (%" PRIu64 " bytes)\n",
                    b->addr, b->size);
        }
    }
    if (s->used && (s->opts & ALLOC_LEAK_ASSERT)) {
        g_list_free_full(s->used, g_free);
        g_list_free_full(s->free, g_free);
        s->used = s->free = NULL;
        qtest_fail("guest-malloc: memory leaked");
    }
    g_list_free_full(s->used, g_free);
    g_list_free_full(s->free, g_free);
    s->used = s->free = NULL;
}

uint64_t guest_alloc(QGuestAllocator *s, size_t size)
{
    uint64_t rsize = (size + s->page_size - 1) & ~(uint64_t)(s->page_size - 1);

    if (!rsize) {
        return 0;
    }
    for (GList *l = s->free; l; l = l->next) {
        MemBlock *b = l->data;
        uint64_t addr;

        if (b->size < rsize) {
            continue;
        }
        addr = b->addr;
        b->addr += rsize;
        b->size -= rsize;
        if (!b->size) {
            s->free = g_list_delete_link(s->free, l);
            g_free(b);
        }
        s->used =
            g_list_insert_sorted(s->used, block_new(addr, rsize), block_cmp);
        if (s->opts & ALLOC_PARANOID) {
            alloc_check(s);
        }
        return addr;
    }
    qtest_fail("guest-malloc: out of guest memory for %zu bytes", size);
}

void guest_free(QGuestAllocator *s, uint64_t addr)
{
    GList *l;
    MemBlock *b = NULL;

    if (!addr) {
        return;
    }
    for (l = s->used; l; l = l->next) {
        b = l->data;
        if (b->addr == addr) {
            break;
        }
    }
    if (!l) {
        qtest_fail("guest-malloc: freeing 0x%" PRIx64 ", which is not "
                   "allocated",
                   addr);
    }
    s->used = g_list_delete_link(s->used, l);
    s->free = g_list_insert_sorted(s->free, b, block_cmp);
    /* Merge with the neighbours. */
    l = g_list_find(s->free, b);
    if (l->next) {
        MemBlock *n = l->next->data;

        if (b->addr + b->size == n->addr) {
            b->size += n->size;
            s->free = g_list_delete_link(s->free, l->next);
            g_free(n);
        }
    }
    if (l->prev) {
        MemBlock *p = l->prev->data;

        if (p->addr + p->size == b->addr) {
            p->size += b->size;
            s->free = g_list_delete_link(s->free, l);
            g_free(b);
        }
    }
    if (s->opts & ALLOC_PARANOID) {
        alloc_check(s);
    }
}

void pc_alloc_init(QGuestAllocator *s, QTestState *qts, QAllocOpts flags)
{
    QFWCFG *fw_cfg = pc_fw_cfg_init(qts);
    uint64_t ram_size = qfw_cfg_get_u64(fw_cfg, FW_CFG_RAM_SIZE);

    pc_fw_cfg_uninit(fw_cfg);
    QTEST_ASSERT(ram_size > 1 * 1024 * 1024);
    /* The part of RAM below the 3.5 GiB PCI hole. */
    alloc_init(s, flags, 1 << 20, MIN(ram_size, 0xE0000000ULL), 4096);
}
