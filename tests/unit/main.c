/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The CUnit runner: every suite registered with UNIT_SUITE, in the basic
 * interface's verbose mode.  `unit-tests [-s SUITE] [-t TEST]` runs a subset.
 */
#include "util/osdep.h"
#include "util/module.h"
#include "util/error.h"
#include <signal.h>
#include <CUnit/Basic.h>
#include "tests/unit/unit.h"

typedef struct SuiteReg {
    const char *name;
    CU_InitializeFunc init;
    CU_CleanupFunc cleanup;
    const UnitTest *tests;
    struct SuiteReg *next;
} SuiteReg;

/* Filled by constructors before main. */
static SuiteReg *suites;

void unit_register_suite(const char *name, CU_InitializeFunc init,
                         CU_CleanupFunc cleanup, const UnitTest *tests)
{
    SuiteReg *s = malloc(sizeof(*s));

    if (!s) {
        abort();
    }
    s->name = name;
    s->init = init;
    s->cleanup = cleanup;
    s->tests = tests;
    s->next = suites;
    suites = s;
}

int main(int argc, char **argv)
{
    const char *only_suite = NULL, *only_test = NULL;
    unsigned failed;
    int opt;

    while ((opt = getopt(argc, argv, "s:t:")) != -1) {
        switch (opt) {
        case 's':
            only_suite = optarg;
            break;
        case 't':
            only_test = optarg;
            break;
        default:
            fprintf(stderr, "usage: %s [-s SUITE] [-t TEST]\n", argv[0]);
            return 2;
        }
    }
    error_set_progname("unit-tests");
    /* As the emulator's main() (termsig_init): EPIPE, never SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    module_call_init(MODULE_INIT_QOM);

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 1;
    }
    for (SuiteReg *s = suites; s; s = s->next) {
        CU_pSuite suite;

        if (only_suite && strcmp(only_suite, s->name)) {
            continue;
        }
        suite = CU_add_suite(s->name, s->init, s->cleanup);
        for (const UnitTest *t = s->tests; t->name; t++) {
            if (!only_test || !strcmp(only_test, t->name)) {
                CU_add_test(suite, t->name, t->fn);
            }
        }
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failed = CU_get_number_of_tests_failed() + CU_get_number_of_suites_failed();
    if (CU_get_number_of_tests_run() == 0) {
        fprintf(stderr, "unit-tests: no test ran\n");
        failed = 1;
    }
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
