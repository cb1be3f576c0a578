/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Category logging behind `-d` and `-D`.
 */
#include "util/osdep.h"
#include "util/log.h"

static const struct {
    const char *name;
    int mask;
    const char *help;
} log_categories[] = {
    {"guest-errors", LOG_GUEST_ERROR,
     "invalid guest operations (bad descriptors, reserved bits)"},
    {"unimp", LOG_UNIMP, "features and registers kemu does not implement"},
    {"io", LOG_TRACE_IO, "every port and MMIO access dispatched"},
    {"kvm", LOG_KVM, "KVM exits and ioctls"},
    {"net", LOG_NET, "packets and net queues"},
    {"int", LOG_INT, "interrupt line changes and MSIs"},
    {"qmp", LOG_QMP, "QMP commands and replies"},
};

static int log_mask;
static FILE *log_file;

bool kemu_log_enabled(int mask)
{
    return (log_mask & mask) != 0;
}

void kemu_log_set_mask(int mask)
{
    log_mask = mask;
}

void kemu_log(const char *fmt, ...)
{
    va_list ap;
    FILE *out = log_file ? log_file : stderr;

    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fflush(out);
}

void kemu_log_help(FILE *out)
{
    fprintf(out, "Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_categories); i++) {
        fprintf(out, "%-14s %s\n", log_categories[i].name,
                log_categories[i].help);
    }
}

bool kemu_log_parse(const char *list, Error **errp)
{
    g_auto(GStrv) items = g_strsplit(list, ",", -1);
    int mask = 0;

    for (char **it = items; *it; it++) {
        size_t i;

        if (!**it) {
            continue;
        }
        for (i = 0; i < ARRAY_SIZE(log_categories); i++) {
            if (!strcmp(*it, log_categories[i].name)) {
                mask |= log_categories[i].mask;
                break;
            }
        }
        if (!strcmp(*it, "guest_errors")) { /* QEMU's spelling */
            mask |= LOG_GUEST_ERROR;
            continue;
        }
        if (i == ARRAY_SIZE(log_categories)) {
            error_setg(errp,
                       "-d: unknown log item '%s' (try -d help for the list)",
                       *it);
            return false;
        }
    }
    log_mask = mask;
    return true;
}

bool kemu_log_set_file(const char *path, Error **errp)
{
    FILE *f;

    if (!path) {
        if (log_file) {
            fclose(log_file);
        }
        log_file = NULL;
        return true;
    }
    f = fopen(path, "we"); /* not inherited by a child (e.g. a tap script) */
    if (!f) {
        error_setg_errno(errp, errno, "-D: cannot open log file '%s'", path);
        return false;
    }
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    return true;
}
