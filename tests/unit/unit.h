/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CUnit suite registration for the unit-test runner.  A test file declares
 *   UNIT_SUITE(qom, NULL, NULL, UNIT_TEST(test_cast), UNIT_TEST(test_props));
 * and the runner (tests/unit/main.c) finds it through a constructor, so
 * adding a suite touches no other file.
 */
#ifndef KEMU_TESTS_UNIT_H
#define KEMU_TESTS_UNIT_H

#include "util/osdep.h"
#include <CUnit/CUnit.h>

typedef struct UnitTest {
    const char *name;
    CU_TestFunc fn;
} UnitTest;

void unit_register_suite(const char *name, CU_InitializeFunc init,
                         CU_CleanupFunc cleanup, const UnitTest *tests);

#define UNIT_TEST(fn)                                                          \
    {                                                                          \
#fn, fn                                                                \
    }

#define UNIT_SUITE(sname, init, cleanup, ...)                                  \
    static const UnitTest sname##_unit_tests[] = {__VA_ARGS__, {NULL, NULL}};  \
    static void __attribute__((constructor)) unit_register_##sname(void)       \
    {                                                                          \
        unit_register_suite(#sname, init, cleanup, sname##_unit_tests);        \
    }

#endif
