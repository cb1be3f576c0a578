/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting: fallible functions take an `Error **errp` as their last
 * argument, set it with error_setg() and return false / NULL / -1.  Callers
 * pass NULL to ignore, &error_fatal to exit(1) with the message, or
 * &error_abort to abort() (for "cannot happen").
 */
#ifndef KEMU_ERROR_H
#define KEMU_ERROR_H

#include "util/osdep.h"

typedef struct Error Error;

/* Sentinels: pass as errp to exit(1) or abort() when an error is set. */
extern Error *error_fatal;
extern Error *error_abort;

/**
 * error_setg - set *errp to a new error with a printf-style message.
 * Does nothing when errp is NULL; exits or aborts for the sentinels.
 * *errp must be NULL on entry.
 */
#define error_setg(errp, ...)                                                  \
    error_setg_internal((errp), __FILE__, __LINE__, __func__, __VA_ARGS__)
void error_setg_internal(Error **errp, const char *src, int line,
                         const char *func, const char *fmt, ...)
    KEMU_PRINTF(5, 6);

/** error_setg_errno - like error_setg, appending ": strerror(os_errno)". */
#define error_setg_errno(errp, os_errno, ...)                                  \
    error_setg_errno_internal((errp), __FILE__, __LINE__, __func__,            \
                              (os_errno), __VA_ARGS__)
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               const char *func, int os_errno, const char *fmt,
                               ...) KEMU_PRINTF(6, 7);

/** error_propagate - move local_err into *dst_errp (or free it). */
void error_propagate(Error **dst_errp, Error *local_err);

/** error_prepend - put printf-style text in front of *errp's message. */
void error_prepend(Error **errp, const char *fmt, ...) KEMU_PRINTF(2, 3);

/** error_get_pretty - the message (owned by err). */
const char *error_get_pretty(const Error *err);

/** error_free - free err; NULL is fine. */
void error_free(Error *err);

/** error_report_err - print err with error_report() and free it. */
void error_report_err(Error *err);

/**
 * error_report - print "PROGNAME: message\n" on stderr (the one-line error
 * format users see).  PROGNAME is set once by error_set_progname().
 */
void error_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
void warn_report(const char *fmt, ...) KEMU_PRINTF(1, 2);
void error_set_progname(const char *argv0);
const char *error_get_progname(void);

#endif
