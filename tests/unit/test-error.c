/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/error: setting, propagating (the first error wins), prepending, NULL
 * errp, and the two sentinels checked in forked children: error_abort must
 * die of SIGABRT, error_fatal must exit(1) after printing the message.
 */
#include "util/osdep.h"
#include "util/error.h"
#include "tests/unit/unit.h"
#include <signal.h>
#include <sys/wait.h>

static bool fail_with(int n, Error **errp)
{
    error_setg(errp, "failure %d", n);
    return false;
}

static void test_setg(void)
{
    Error *err = NULL;

    CU_ASSERT_FALSE(fail_with(1, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "failure 1");
    error_free(err);
    err = NULL;

    error_setg_errno(&err, ENOENT, "cannot open '%s'", "x.img");
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "cannot open 'x.img': No such file or directory");
    error_free(err);
    error_free(NULL);
}

static void test_null_errp(void)
{
    /* Errors sent nowhere cost nothing and leak nothing. */
    CU_ASSERT_FALSE(fail_with(2, NULL));
    error_setg_errno(NULL, EIO, "ignored");
    error_prepend(NULL, "prefix: ");
    error_propagate(NULL, NULL);
}

static void test_propagate(void)
{
    Error *err = NULL, *local = NULL;

    /* Nothing to propagate leaves the destination alone. */
    error_propagate(&err, NULL);
    CU_ASSERT_PTR_NULL(err);

    fail_with(1, &local);
    error_propagate(&err, local);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "failure 1");

    /* The first error wins; the later one is freed. */
    local = NULL;
    fail_with(2, &local);
    error_propagate(&err, local);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "failure 1");
    error_free(err);

    /* Into NULL: freed. */
    local = NULL;
    fail_with(3, &local);
    error_propagate(NULL, local);
}

static void test_prepend(void)
{
    Error *err = NULL;

    error_prepend(&err, "nothing yet: "); /* no error: no-op */
    CU_ASSERT_PTR_NULL(err);
    fail_with(4, &err);
    error_prepend(&err, "-device %s: ", "e1000");
    error_prepend(&err, "while starting: ");
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "while starting: -device e1000: failure 4");
    error_free(err);
}

/*
 * Run fn in a child whose stderr goes to a pipe; return its wait status and
 * what it printed.
 */
static int run_child(void (*fn)(void), char **output)
{
    GString *out = g_string_new(NULL);
    int pipefd[2], status = 0;
    char buf[256];
    ssize_t n;
    pid_t pid;

    CU_ASSERT_FATAL(pipe(pipefd) == 0);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        fn();
        _exit(99); /* fn was supposed to end the process */
    }
    close(pipefd[1]);
    while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
        g_string_append_len(out, buf, n);
    }
    close(pipefd[0]);
    CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
    *output = g_string_free(out, FALSE);
    return status;
}

static void child_error_abort(void)
{
    fail_with(5, &error_abort);
}

static void child_error_fatal(void)
{
    fail_with(6, &error_fatal);
}

static void child_propagate_fatal(void)
{
    Error *local = NULL;

    fail_with(7, &local);
    error_prepend(&local, "-m: ");
    error_propagate(&error_fatal, local);
}

static void test_error_abort(void)
{
    g_autofree char *out = NULL;
    int status = run_child(child_error_abort, &out);

    CU_ASSERT_TRUE(WIFSIGNALED(status));
    CU_ASSERT_EQUAL(WTERMSIG(status), SIGABRT);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "unexpected error"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "failure 5"));
}

static void test_error_fatal(void)
{
    g_autofree char *out = NULL, *out2 = NULL;
    int status = run_child(child_error_fatal, &out);

    CU_ASSERT_TRUE(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 1);
    CU_ASSERT_STRING_EQUAL(out, "unit-tests: failure 6\n");

    status = run_child(child_propagate_fatal, &out2);
    CU_ASSERT_TRUE(WIFEXITED(status));
    CU_ASSERT_EQUAL(WEXITSTATUS(status), 1);
    CU_ASSERT_STRING_EQUAL(out2, "unit-tests: -m: failure 7\n");
}

UNIT_SUITE(error, NULL, NULL, UNIT_TEST(test_setg), UNIT_TEST(test_null_errp),
           UNIT_TEST(test_propagate), UNIT_TEST(test_prepend),
           UNIT_TEST(test_error_abort), UNIT_TEST(test_error_fatal))
