/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The key=value,... option parser and its lookups.  The grammar and the
 * error messages are described in util/option.h.
 */
#include "util/osdep.h"
#include "util/option.h"
#include "util/cutils.h"

typedef struct KemuOpt {
    char *key;
    char *value;
    bool used;
} KemuOpt;

struct KemuOpts {
    char *optname;     /* "-device" */
    char *implied_key; /* "driver", or NULL */
    char *context;     /* "-device e1000": the error prefix */
    GPtrArray *pairs;  /* of KemuOpt, in command-line order */
    bool help;
};

static void kemu_opt_free(gpointer data)
{
    KemuOpt *opt = data;

    g_free(opt->key);
    g_free(opt->value);
    g_free(opt);
}

KemuOpts *kemu_opts_new(const char *optname, const char *implied_key)
{
    KemuOpts *opts = g_new0(KemuOpts, 1);

    opts->optname = g_strdup(optname);
    opts->implied_key = g_strdup(implied_key);
    opts->context = g_strdup(optname);
    opts->pairs = g_ptr_array_new_with_free_func(kemu_opt_free);
    return opts;
}

void kemu_opts_free(KemuOpts *opts)
{
    if (!opts) {
        return;
    }
    g_ptr_array_unref(opts->pairs);
    g_free(opts->optname);
    g_free(opts->implied_key);
    g_free(opts->context);
    g_free(opts);
}

static void append(KemuOpts *opts, char *key, char *value)
{
    KemuOpt *opt = g_new0(KemuOpt, 1);

    opt->key = key;
    opt->value = value;
    g_ptr_array_add(opts->pairs, opt);
    if (opts->implied_key && !strcmp(key, opts->implied_key)) {
        g_free(opts->context);
        opts->context = g_strdup_printf("%s %s", opts->optname, value);
    }
}

void kemu_opts_set(KemuOpts *opts, const char *key, const char *value)
{
    append(opts, g_strdup(key), g_strdup(value));
}

static bool is_help(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/*
 * Copy a value starting at p into *value, turning ",," into ','.  Stops at
 * a single ',' or the end; returns where it stopped.
 */
static const char *get_value(const char *p, char **value)
{
    GString *s = g_string_new(NULL);

    for (;;) {
        size_t len = strcspn(p, ",");

        g_string_append_len(s, p, len);
        p += len;
        if (p[0] != ',' || p[1] != ',') {
            break;
        }
        g_string_append_c(s, ',');
        p += 2;
    }
    *value = g_string_free(s, FALSE);
    return p;
}

KemuOpts *kemu_opts_parse_full(const char *optname, const char *str,
                               const char *implied_key, unsigned flags,
                               Error **errp)
{
    g_autoptr(KemuOpts) opts = kemu_opts_new(optname, implied_key);
    const char *p = str;
    bool first = true;

    while (*p) {
        size_t len = strcspn(p, "=,");
        char *key, *value;

        if (p[len] == '=') {
            if (len == 0) {
                error_setg(errp, "%s: empty key in '%s'", optname, str);
                return NULL;
            }
            key = g_strndup(p, len);
            p = get_value(p + len + 1, &value);
            append(opts, key, value);
        } else if (first && implied_key) {
            p = get_value(p, &value);
            if (!*value) {
                g_free(value);
                error_setg(errp, "%s: empty parameter in '%s'", optname, str);
                return NULL;
            }
            if (is_help(value)) {
                opts->help = true;
                g_free(value);
            } else {
                append(opts, g_strdup(implied_key), value);
            }
        } else {
            if (len == 0) {
                error_setg(errp, "%s: empty parameter in '%s'", optname, str);
                return NULL;
            }
            key = g_strndup(p, len);
            p += len;
            if (is_help(key)) {
                opts->help = true;
                g_free(key);
            } else if (flags & KEMU_OPTS_ALLOW_FLAGS) {
                append(opts, key, g_strdup("on"));
            } else {
                error_setg(errp, "%s: missing '=' after '%s' in '%s'", optname,
                           key, str);
                g_free(key);
                return NULL;
            }
        }
        first = false;
        if (*p == ',') {
            p++;
        }
    }
    return g_steal_pointer(&opts);
}

KemuOpts *kemu_opts_parse(const char *optname, const char *str,
                          const char *implied_key, Error **errp)
{
    return kemu_opts_parse_full(optname, str, implied_key, 0, errp);
}

bool kemu_opts_has_help(const KemuOpts *opts)
{
    return opts->help;
}

const char *kemu_opts_context(const KemuOpts *opts)
{
    return opts->context;
}

/* The error prefix for an error about key. */
static const char *key_context(const KemuOpts *opts, const char *key)
{
    if (opts->implied_key && !strcmp(key, opts->implied_key)) {
        return opts->optname;
    }
    return opts->context;
}

const char *kemu_opts_get(KemuOpts *opts, const char *key)
{
    const char *value = NULL;

    for (guint i = 0; i < opts->pairs->len; i++) {
        KemuOpt *opt = g_ptr_array_index(opts->pairs, i);

        if (!strcmp(opt->key, key)) {
            opt->used = true;
            value = opt->value;
        }
    }
    return value;
}

bool kemu_opts_get_bool(KemuOpts *opts, const char *key, bool defval, bool *out,
                        Error **errp)
{
    const char *value = kemu_opts_get(opts, key);

    *out = defval;
    if (value && !parse_bool_str(value, out)) {
        error_setg(errp, "%s: invalid boolean '%s' for '%s' (use on or off)",
                   key_context(opts, key), value, key);
        *out = defval;
        return false;
    }
    return true;
}

bool kemu_opts_get_number(KemuOpts *opts, const char *key, uint64_t defval,
                          uint64_t *out, Error **errp)
{
    const char *value = kemu_opts_get(opts, key);
    int ret;

    *out = defval;
    if (!value) {
        return true;
    }
    ret = kemu_strtou64(value, NULL, 0, out);
    if (ret == -ERANGE) {
        error_setg(errp, "%s: number '%s' for '%s' is too large",
                   key_context(opts, key), value, key);
    } else if (ret) {
        error_setg(errp, "%s: invalid number '%s' for '%s'",
                   key_context(opts, key), value, key);
    }
    if (ret) {
        *out = defval;
    }
    return ret == 0;
}

bool kemu_opts_get_size_unit(KemuOpts *opts, const char *key, char default_unit,
                             uint64_t defval, uint64_t *out, Error **errp)
{
    const char *value = kemu_opts_get(opts, key);
    int ret;

    *out = defval;
    if (!value) {
        return true;
    }
    ret = kemu_strtosz(value, default_unit, out);
    if (ret == -ERANGE) {
        error_setg(errp, "%s: size '%s' for '%s' is too large",
                   key_context(opts, key), value, key);
    } else if (ret) {
        error_setg(errp, "%s: invalid size '%s' for '%s'",
                   key_context(opts, key), value, key);
    }
    if (ret) {
        *out = defval;
    }
    return ret == 0;
}

bool kemu_opts_get_size(KemuOpts *opts, const char *key, uint64_t defval,
                        uint64_t *out, Error **errp)
{
    return kemu_opts_get_size_unit(opts, key, 'B', defval, out, errp);
}

const char *kemu_opts_first_unused(const KemuOpts *opts)
{
    for (guint i = 0; i < opts->pairs->len; i++) {
        const KemuOpt *opt = g_ptr_array_index(opts->pairs, i);

        if (!opt->used) {
            return opt->key;
        }
    }
    return NULL;
}

bool kemu_opts_check_unused(const KemuOpts *opts, Error **errp)
{
    const char *key = kemu_opts_first_unused(opts);

    if (key) {
        error_setg(errp, "%s: invalid parameter '%s'", key_context(opts, key),
                   key);
        return false;
    }
    return true;
}

void kemu_opts_iter_init(KemuOptsIter *it, KemuOpts *opts, const char *key)
{
    it->opts = opts;
    it->key = key;
    it->index = 0;
}

bool kemu_opts_iter_next(KemuOptsIter *it, const char **key, const char **value)
{
    GPtrArray *pairs = it->opts->pairs;

    while (it->index < pairs->len) {
        KemuOpt *opt = g_ptr_array_index(pairs, it->index++);

        if (it->key && strcmp(opt->key, it->key)) {
            continue;
        }
        opt->used = true;
        if (key) {
            *key = opt->key;
        }
        if (value) {
            *value = opt->value;
        }
        return true;
    }
    return false;
}
