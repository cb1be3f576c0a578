/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one logging facility: messages in categories, enabled with
 * `-d guest-errors,unimp,...` and sent to stderr or the `-D FILE`.
 * The enabled mask and the log file are set once by main at start-up (and by
 * tests); they are the only process-wide state besides the registries.
 */
#ifndef KEMU_LOG_H
#define KEMU_LOG_H

#include "util/osdep.h"
#include "util/error.h"

enum {
    LOG_GUEST_ERROR = 1 << 0, /* the guest did something the hardware rejects */
    LOG_UNIMP = 1 << 1,       /* the guest used something kemu lacks */
    LOG_TRACE_IO = 1 << 2,    /* every port/MMIO dispatch */
    LOG_KVM = 1 << 3,         /* KVM exits and ioctls */
    LOG_NET = 1 << 4,         /* net layer: packets, queues */
    LOG_INT = 1 << 5,         /* interrupt lines and MSIs */
    LOG_QMP = 1 << 6,         /* QMP traffic */
};

/** kemu_loglevel_mask - whether any category in mask is enabled. */
bool kemu_log_enabled(int mask);

/** kemu_log_mask - log printf-style text if a category in mask is on. */
#define kemu_log_mask(mask, ...)                                               \
    do {                                                                       \
        if (kemu_log_enabled(mask)) {                                          \
            kemu_log(__VA_ARGS__);                                             \
        }                                                                      \
    } while (0)

void kemu_log(const char *fmt, ...) KEMU_PRINTF(1, 2);

/**
 * kemu_log_parse - parse a `-d` list ("guest-errors,unimp", "help" lists
 * categories).  Sets the mask on success.
 */
bool kemu_log_parse(const char *list, Error **errp);

/** kemu_log_help - print the category names and what they cover. */
void kemu_log_help(FILE *out);

/** kemu_log_set_file - send the log to path (`-D`), NULL for stderr. */
bool kemu_log_set_file(const char *path, Error **errp);

/** kemu_log_set_mask - set the enabled categories directly (tests). */
void kemu_log_set_mask(int mask);

#endif
