/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * E820 memory map tables (ACPI spec, "System Address Map Interfaces").
 */
#include "util/osdep.h"
#include "hw/i386/e820.h"

GArray *e820_new(void)
{
    return g_array_new(false, true, sizeof(E820Entry));
}

void e820_add(GArray *table, uint64_t addr, uint64_t size, uint32_t type)
{
    E820Entry e = {.addr = addr, .size = size, .type = type};

    g_array_append_val(table, e);
}

static gint e820_cmp(gconstpointer a, gconstpointer b)
{
    const E820Entry *x = a, *y = b;

    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

GArray *e820_with_hole(const GArray *table, uint64_t start, uint64_t end)
{
    GArray *out = e820_new();

    for (guint i = 0; i < table->len; i++) {
        E820Entry e = g_array_index(table, E820Entry, i);
        uint64_t e_end = e.addr + e.size;

        if (e.type != E820_RAM || e_end <= start || e.addr >= end) {
            g_array_append_val(out, e);
            continue;
        }
        if (e.addr < start) {
            e820_add(out, e.addr, start - e.addr, e.type);
        }
        if (e_end > end) {
            e820_add(out, end, e_end - end, e.type);
        }
    }
    g_array_sort(out, e820_cmp);
    return out;
}
