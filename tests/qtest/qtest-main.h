/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The runner every qtest program links (tests/qtest/qtest-main.c): a test
 * file declares its CUnit tests with
 *     QTEST_SUITE(serial, QTEST_CASE(test_thr), QTEST_CASE(test_irq));
 * and defines no main().  `PROGRAM [-s SUITE] [-t TEST] [-l]` runs a
 * subset or lists the tests.  A watchdog (QTEST_PROGRAM_TIMEOUT seconds,
 * default 300) ends a hung program; the last line of output is
 *     qtest-summary: passed N failed N skipped N
 * which tests/qtest/run.sh adds up.
 */
#ifndef KEMU_TESTS_QTEST_MAIN_H
#define KEMU_TESTS_QTEST_MAIN_H

#include <CUnit/CUnit.h>

typedef struct QTestCase {
    const char *name;
    CU_TestFunc fn;
} QTestCase;

void qtest_register_suite(const char *name, const QTestCase *tests);

#define QTEST_CASE(fn)                                                         \
    {                                                                          \
#fn, fn                                                                \
    }

#define QTEST_SUITE(sname, ...)                                                \
    static const QTestCase sname##_qtest_cases[] = {__VA_ARGS__,               \
                                                    {NULL, NULL}};             \
    static void __attribute__((constructor)) qtest_register_##sname(void)      \
    {                                                                          \
        qtest_register_suite(#sname, sname##_qtest_cases);                     \
    }

/**
 * qtest_skip - mark the running test as skipped, printing "SKIP: reason".
 * The test should return right after (QTEST_SKIP does both).
 */
void qtest_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define QTEST_SKIP(...)                                                        \
    do {                                                                       \
        qtest_skip(__VA_ARGS__);                                               \
        return;                                                                \
    } while (0)

#endif
