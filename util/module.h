/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Constructor-fed init lists.  type_init(fn) expands to a constructor that
 * only appends fn to the QOM list; main (and the unit-test runner) later
 * calls module_call_init(MODULE_INIT_QOM), which runs each fn once.  So the
 * order in which the linker runs constructors never matters.
 */
#ifndef KEMU_MODULE_H
#define KEMU_MODULE_H

#include "util/osdep.h"

typedef enum {
    MODULE_INIT_QOM,
    MODULE_INIT_MAX,
} ModuleInitType;

/** register_module_init - queue fn on the list of type (constructors only). */
void register_module_init(void (*fn)(void), ModuleInitType type);

/** module_call_init - run every queued fn of type, once. */
void module_call_init(ModuleInitType type);

#define module_init(fn, type)                                                  \
    static void __attribute__((constructor)) do_kemu_init_##fn(void)           \
    {                                                                          \
        register_module_init(fn, type);                                        \
    }

#define type_init(fn) module_init(fn, MODULE_INIT_QOM)

#endif
