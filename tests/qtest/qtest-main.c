/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main() of every qtest program: runs the QTEST_SUITEs linked in under
 * CUnit, with a watchdog, cleans up emulators a failed
 * test left running, and prints the summary line run.sh reads.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <CUnit/TestRun.h>
#include "tests/qtest/qtest-main.h"
#include "tests/qtest/libqtest.h"

typedef struct SuiteReg {
    const char *name;
    const QTestCase *tests;
    struct SuiteReg *next;
} SuiteReg;

/* Filled by constructors before main; test programs are single-threaded. */
static SuiteReg *suites;
static CU_pTest skipped_test;
static unsigned n_passed, n_failed, n_skipped;

void qtest_register_suite(const char *name, const QTestCase *tests)
{
    SuiteReg *s = g_new0(SuiteReg, 1);
    SuiteReg **tail = &suites;

    s->name = name;
    s->tests = tests;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = s;
}

void qtest_skip(const char *fmt, ...)
{
    va_list ap;

    printf("SKIP: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    skipped_test = CU_get_current_test();
}

static void test_start(const CU_pTest test, const CU_pSuite suite)
{
    printf("  %s/%s ...\n", suite->pName, test->pName);
}

static void test_complete(const CU_pTest test, const CU_pSuite suite,
                          const CU_pFailureRecord failures)
{
    const char *verdict;

    if (failures) {
        n_failed++;
        verdict = "FAILED";
        for (CU_pFailureRecord f = failures; f; f = f->pNext) {
            printf("    %s:%u: %s\n", f->strFileName ? f->strFileName : "?",
                   f->uiLineNumber, f->strCondition ? f->strCondition : "");
        }
    } else if (skipped_test == test) {
        n_skipped++;
        verdict = "skipped";
    } else {
        n_passed++;
        verdict = "passed";
    }
    printf("  %s/%s %s\n", suite->pName, test->pName, verdict);
    skipped_test = NULL;
    qtest_cleanup_all();
}

static void watchdog(int sig)
{
    static const char msg[] =
        "\nqtest: TIMEOUT: the test program ran too long (watchdog)\n";

    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to do */
    }
    /* The emulators die with us (PR_SET_PDEATHSIG). */
    _exit(124);
}

static void usage(const char *argv0)
{
    fprintf(stderr, "usage: %s [-s SUITE] [-t TEST] [-l]\n", argv0);
}

int main(int argc, char **argv)
{
    const char *only_suite = NULL, *only_test = NULL;
    const char *env = getenv("QTEST_PROGRAM_TIMEOUT");
    unsigned timeout = env ? (unsigned)atoi(env) : 300;
    bool list = false;
    int opt;

    while ((opt = getopt(argc, argv, "s:t:l")) != -1) {
        switch (opt) {
        case 's':
            only_suite = optarg;
            break;
        case 't':
            only_test = optarg;
            break;
        case 'l':
            list = true;
            break;
        default:
            usage(argv[0]);
            return 2;
        }
    }
    if (list) {
        for (SuiteReg *s = suites; s; s = s->next) {
            for (const QTestCase *t = s->tests; t->name; t++) {
                printf("%s/%s\n", s->name, t->name);
            }
        }
        return 0;
    }

    signal(SIGALRM, watchdog);
    signal(SIGPIPE, SIG_IGN);
    alarm(timeout);
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 1;
    }
    for (SuiteReg *s = suites; s; s = s->next) {
        CU_pSuite suite;

        if (only_suite && strcmp(only_suite, s->name)) {
            continue;
        }
        suite = CU_add_suite(s->name, NULL, NULL);
        for (const QTestCase *t = s->tests; t->name; t++) {
            if (!only_test || !strcmp(only_test, t->name)) {
                CU_add_test(suite, t->name, t->fn);
            }
        }
    }
    CU_set_test_start_handler(test_start);
    CU_set_test_complete_handler(test_complete);
    CU_run_all_tests();
    CU_cleanup_registry();
    qtest_cleanup_all();

    printf("\nqtest-summary: passed %u failed %u skipped %u\n", n_passed,
           n_failed, n_skipped);
    return n_failed ? 1 : 0;
}
