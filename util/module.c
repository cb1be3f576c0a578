/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The init lists behind type_init: filled by constructors, run by main.
 */
#include "util/osdep.h"
#include "util/module.h"

typedef struct ModuleEntry {
    void (*init)(void);
    struct ModuleEntry *next;
} ModuleEntry;

/* Filled before main by constructors; read once by module_call_init. */
static ModuleEntry *init_lists[MODULE_INIT_MAX];
static bool init_done[MODULE_INIT_MAX];

void register_module_init(void (*fn)(void), ModuleInitType type)
{
    /* Plain malloc: constructors run before anything else is set up. */
    ModuleEntry *e = malloc(sizeof(*e));

    if (!e) {
        abort();
    }
    e->init = fn;
    e->next = init_lists[type];
    init_lists[type] = e;
}

void module_call_init(ModuleInitType type)
{
    ModuleEntry *rev = NULL;

    if (init_done[type]) {
        return;
    }
    /* Run in link order (the list was built by prepending). */
    for (ModuleEntry *e = init_lists[type]; e;) {
        ModuleEntry *next = e->next;
        e->next = rev;
        rev = e;
        e = next;
    }
    init_lists[type] = rev;
    for (ModuleEntry *e = rev; e; e = e->next) {
        e->init();
    }
    init_done[type] = true;
}
