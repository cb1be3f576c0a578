/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error objects and the one-line error report format
 * ("kemu-system-x86_64: -foo: invalid option").
 */
#include "util/osdep.h"
#include "util/error.h"

struct Error {
    char *msg;
    const char *src;
    const char *func;
    int line;
};

Error *error_fatal;
Error *error_abort;

static const char *progname = "kemu";

void error_set_progname(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    progname = slash ? slash + 1 : argv0;
}

const char *error_get_progname(void)
{
    return progname;
}

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "%s: unexpected error at %s:%d (%s): %s\n", progname,
                err->src, err->line, err->func, err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    assert(*errp == NULL);
    *errp = err;
}

static void error_setv(Error **errp, const char *src, int line,
                       const char *func, int os_errno, const char *fmt,
                       va_list ap)
{
    Error *err;
    char *msg;

    if (!errp) {
        return;
    }
    msg = g_strdup_vprintf(fmt, ap);
    if (os_errno) {
        char *full = g_strdup_printf("%s: %s", msg, g_strerror(os_errno));
        g_free(msg);
        msg = full;
    }
    err = g_new0(Error, 1);
    err->msg = msg;
    err->src = src;
    err->line = line;
    err->func = func;
    error_handle(errp, err);
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, 0, fmt, ap);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno, const char *fmt,
                               ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, func, os_errno, fmt, ap);
    va_end(ap);
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    if (dst_errp && dst_errp != &error_fatal && dst_errp != &error_abort &&
        *dst_errp) {
        /* The first error wins; later ones are dropped. */
        error_free(local_err);
        return;
    }
    error_handle(dst_errp, local_err);
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix, *msg;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    msg = g_strconcat(prefix, (*errp)->msg, NULL);
    g_free(prefix);
    g_free((*errp)->msg);
    (*errp)->msg = msg;
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        g_free(err);
    }
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    error_free(err);
}

static void report(const char *kind, const char *fmt, va_list ap)
{
    char *msg = g_strdup_vprintf(fmt, ap);

    fprintf(stderr, "%s: %s%s\n", progname, kind, msg);
    g_free(msg);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report("warning: ", fmt, ap);
    va_end(ap);
}
