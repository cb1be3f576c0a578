/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The project's common header: every .c file includes it first.  It pulls in
 * the C library, GLib and the small macros every module uses.
 */
#ifndef KEMU_OSDEP_H
#define KEMU_OSDEP_H

#include "config-host.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The enclosing struct of a member pointer. */
#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr)-offsetof(type, member)))

#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

#define ROUND_UP(n, d)     (((n) + (d)-1) & -(0 ? (n) : (d)))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

#define KEMU_NORETURN     __attribute__((noreturn))
#define KEMU_PRINTF(a, b) __attribute__((format(printf, a, b)))

#endif
