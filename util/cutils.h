/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict string-to-number helpers with QEMU's semantics: whole-string
 * integers, sizes with binary suffixes (`-m 512M`, `size=1.5G`), QEMU's
 * boolean spellings, a human-readable size formatter, and QEMU's rule for
 * the ids a user gives objects.
 */
#ifndef KEMU_CUTILS_H
#define KEMU_CUTILS_H

#include "util/osdep.h"
#include "util/error.h"

/**
 * kemu_strtou64 - parse an unsigned 64-bit integer.
 * @s: the text; no leading whitespace or sign is accepted.
 * @endp: where parsing stopped, or NULL to require the whole string.
 * @base: 2..36, or 0 for decimal or "0x"-prefixed hex.  A leading zero
 *        never means octal.  Base 16 also accepts a "0x" prefix.
 * @out: the value; set to 0 on failure.
 *
 * Return: 0, -EINVAL (no digits, a sign, or trailing text when @endp is
 * NULL) or -ERANGE (above UINT64_MAX).  On -EINVAL *@endp is @s.
 */
int kemu_strtou64(const char *s, const char **endp, int base, uint64_t *out);

/**
 * kemu_strtoi64 - parse a signed 64-bit integer; like kemu_strtou64() but
 * a leading '-' is accepted and -ERANGE means outside INT64_MIN..INT64_MAX.
 */
int kemu_strtoi64(const char *s, const char **endp, int base, int64_t *out);

/**
 * parse_uint64_full - parse all of @s as an unsigned integer
 * (kemu_strtou64() with no trailing text allowed).
 *
 * Return: true on success; false on junk, a sign, or overflow, with *@out
 * set to 0.
 */
bool parse_uint64_full(const char *s, uint64_t *out, int base);

/** parse_int64_full - parse all of @s as a signed integer; see above. */
bool parse_int64_full(const char *s, int64_t *out, int base);

/**
 * kemu_strtosz - parse a size the way QEMU's -m and size properties do.
 * @str: decimal digits, an optional fraction (".5"), and an optional
 *       one-letter suffix B, K, M, G, T, P or E (any case; powers of 1024).
 *       A non-zero fraction needs a unit larger than a byte.  Hex, signs
 *       and trailing text are refused.
 * @default_unit: the unit when there is no suffix: 'B' for sizes, 'M' for
 *                `-m`.
 * @out: the size in bytes, fractions rounded to nearest; 0 on failure.
 *
 * Return: 0, -EINVAL (malformed) or -ERANGE (2^64 bytes or more).
 */
int kemu_strtosz(const char *str, char default_unit, uint64_t *out);

/**
 * parse_size_unit - kemu_strtosz() with errors.  The messages are
 * "invalid size 'STR'" and "size 'STR' is too large".
 *
 * Return: true on success; false with @errp set.
 */
bool parse_size_unit(const char *str, char default_unit, uint64_t *out,
                     Error **errp);

/** parse_size - parse_size_unit() with bytes as the default unit. */
bool parse_size(const char *str, uint64_t *out, Error **errp);

/**
 * parse_bool_str - QEMU's boolean spellings: "on", "yes", "true", "y" and
 * "off", "no", "false", "n" (case matters, as in QEMU).
 *
 * Return: true and *@out set when @s is one of them; false otherwise.
 */
bool parse_bool_str(const char *s, bool *out);

/**
 * id_wellformed - whether @id may name what a user creates (-netdev,
 * -chardev, -device id=...): QEMU's rule, a letter first, then letters,
 * digits, '-', '.' and '_'.  The empty string is not well formed.
 */
bool id_wellformed(const char *id);

/**
 * size_to_str - format a byte count for people: "512 B", "128 MiB",
 * "1.5 GiB" (three significant digits; 1000 or more of a unit moves to the
 * next one, so "0.977 KiB" rather than "1000 B").
 *
 * Return: a string to g_free().
 */
char *size_to_str(uint64_t val);

#endif
