/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * QEMU's option grammar: "e1000,mac=52:54:00:12:34:56,netdev=n0" parsed into
 * an ordered list of key=value pairs, with an implied first key, ",," for a
 * comma inside a value, "help"/"?" requests and optional "key" flags.
 * Lookups record which keys were used so that leftovers can be refused.
 *
 * The grammar, element by element (elements are separated by one ','):
 *   key=value   a pair; in the value ",," stands for ','.  The key may not
 *               be empty; the value may.
 *   value       in the first element only, when the caller names an implied
 *               key: the pair implied_key=value (",," escapes work here too).
 *   help, ?     anywhere an element has no '=': a help request, not a pair
 *               (kemu_opts_has_help()).  So "-device help" sets no driver
 *               and "-device e1000,help" keeps driver=e1000.
 *   key         elsewhere, with KEMU_OPTS_ALLOW_FLAGS: key=on.  Without the
 *               flag it is an error.
 * A trailing ',' is ignored; an empty string gives no pairs.
 *
 * Errors are one line starting with the option name given by the caller:
 *   "-device: empty key in 'e1000,=x'"
 *   "-device: empty parameter in ',mac=x'"
 *   "-netdev: missing '=' after 'foo' in 'user,foo'"
 * and after parsing, with the implied value added when there is one (except
 * when the error is about the implied key itself):
 *   "-netdev user: invalid parameter 'foo'"
 *   "-m: invalid size 'abc' for 'size'"
 *   "-m 1G: invalid number 'x' for 'slots'"
 */
#ifndef KEMU_OPTION_H
#define KEMU_OPTION_H

#include "util/osdep.h"
#include "util/error.h"

typedef struct KemuOpts KemuOpts;

/* Flags for kemu_opts_parse_full(). */
enum {
    KEMU_OPTS_ALLOW_FLAGS = 1 << 0, /* "key" alone means "key=on" */
};

/**
 * kemu_opts_parse_full - parse an option argument.
 * @optname: the option as the user typed it ("-device"); starts every error.
 * @str: the argument ("e1000,netdev=n0").
 * @implied_key: the key of a first element without '=' ("driver", "type"),
 *               or NULL when there is none.
 * @flags: KEMU_OPTS_ALLOW_FLAGS or 0.
 * @errp: set on a syntax error.
 *
 * Return: the options (free with kemu_opts_free()), or NULL on error.
 */
KemuOpts *kemu_opts_parse_full(const char *optname, const char *str,
                               const char *implied_key, unsigned flags,
                               Error **errp);

/** kemu_opts_parse - kemu_opts_parse_full() without flags. */
KemuOpts *kemu_opts_parse(const char *optname, const char *str,
                          const char *implied_key, Error **errp);

/**
 * kemu_opts_new - an empty list, to be filled with kemu_opts_set() (for
 * options built by the program, as -nic builds a netdev).  @implied_key is
 * used only for the error prefix, as in kemu_opts_parse_full().
 */
KemuOpts *kemu_opts_new(const char *optname, const char *implied_key);

/** kemu_opts_free - free @opts; NULL is fine. */
void kemu_opts_free(KemuOpts *opts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(KemuOpts, kemu_opts_free)

/** kemu_opts_set - append the pair @key=@value (copied), unused. */
void kemu_opts_set(KemuOpts *opts, const char *key, const char *value);

/** kemu_opts_has_help - whether "help" or "?" was given. */
bool kemu_opts_has_help(const KemuOpts *opts);

/**
 * kemu_opts_context - the error prefix for @opts: the option name plus the
 * implied key's value when there is one ("-netdev user"), for callers that
 * report their own errors about these options.  Owned by @opts; valid
 * until the options change.
 */
const char *kemu_opts_context(const KemuOpts *opts);

/**
 * kemu_opts_get - the value of the last pair named @key, or NULL.
 * Every pair named @key counts as used.  The string is owned by @opts.
 */
const char *kemu_opts_get(KemuOpts *opts, const char *key);

/**
 * kemu_opts_get_bool - @key as a boolean (parse_bool_str() spellings), or
 * @defval when absent.  Error: "CTX: invalid boolean 'V' for 'KEY' (use on
 * or off)".
 *
 * Return: true on success; false with @errp set.
 */
bool kemu_opts_get_bool(KemuOpts *opts, const char *key, bool defval, bool *out,
                        Error **errp);

/**
 * kemu_opts_get_number - @key as an unsigned number (decimal or 0x-hex), or
 * @defval when absent.  Errors: "CTX: invalid number 'V' for 'KEY'",
 * "CTX: number 'V' for 'KEY' is too large".
 *
 * Return: true on success; false with @errp set.
 */
bool kemu_opts_get_number(KemuOpts *opts, const char *key, uint64_t defval,
                          uint64_t *out, Error **errp);

/**
 * kemu_opts_get_size_unit - @key as a size (kemu_strtosz()) whose unit
 * without a suffix is @default_unit ('M' for -m), or @defval when absent.
 * Errors: "CTX: invalid size 'V' for 'KEY'", "CTX: size 'V' for 'KEY' is
 * too large".
 *
 * Return: true on success; false with @errp set.
 */
bool kemu_opts_get_size_unit(KemuOpts *opts, const char *key, char default_unit,
                             uint64_t defval, uint64_t *out, Error **errp);

/** kemu_opts_get_size - kemu_opts_get_size_unit() in bytes. */
bool kemu_opts_get_size(KemuOpts *opts, const char *key, uint64_t defval,
                        uint64_t *out, Error **errp);

/**
 * kemu_opts_first_unused - the key of the first pair no lookup or iterator
 * has used, or NULL.
 */
const char *kemu_opts_first_unused(const KemuOpts *opts);

/**
 * kemu_opts_check_unused - refuse leftovers: fails with "CTX: invalid
 * parameter 'KEY'" naming the first unused key.
 *
 * Return: true when every pair was used.
 */
bool kemu_opts_check_unused(const KemuOpts *opts, Error **errp);

/**
 * KemuOptsIter - walks the pairs in order, optionally only those named
 * @key.  Every pair it returns counts as used.  Fields are private.
 */
typedef struct KemuOptsIter {
    KemuOpts *opts;
    const char *key;
    unsigned index;
} KemuOptsIter;

/** kemu_opts_iter_init - start at the first pair; @key NULL means all. */
void kemu_opts_iter_init(KemuOptsIter *it, KemuOpts *opts, const char *key);

/**
 * kemu_opts_iter_next - the next pair into *@key and *@value (owned by the
 * options; either pointer may be NULL).
 *
 * Return: false when there are no more pairs.
 */
bool kemu_opts_iter_next(KemuOptsIter *it, const char **key,
                         const char **value);

#endif
