/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Strict number, size and boolean parsing, the size formatter, and the
 * well-formed id rule.
 * Sizes are computed exactly in integers (no floating point), so
 * "1.5G" is exactly 1610612736 on every host.
 */
#include "util/osdep.h"
#include "util/cutils.h"

/* Fraction digits beyond this many are checked but do not change the size. */
#define SIZE_FRAC_DIGITS 19

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * The digits of @s (no sign, no whitespace) with strtoull.  Base 0 means
 * decimal or 0x-hex, never octal.
 */
static int parse_digits(const char *s, const char **endp, int base,
                        uint64_t *out)
{
    unsigned long long v;
    char *end;

    *out = 0;
    if (base != 0 && (base < 2 || base > 36)) {
        return -EINVAL;
    }
    if (!g_ascii_isalnum(*s)) { /* empty, whitespace, '+', '-' */
        *endp = s;
        return -EINVAL;
    }
    if (base == 0) {
        base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
    }
    errno = 0;
    v = strtoull(s, &end, base);
    if (end == s) {
        *endp = s;
        return -EINVAL;
    }
    *endp = end;
    if (errno == ERANGE) {
        return -ERANGE;
    }
    *out = v;
    return 0;
}

int kemu_strtou64(const char *s, const char **endp, int base, uint64_t *out)
{
    const char *end;
    int ret = parse_digits(s, &end, base, out);

    if (ret == 0 && !endp && *end) {
        ret = -EINVAL;
    }
    if (ret) {
        *out = 0;
        if (ret == -EINVAL) {
            end = s;
        }
    }
    if (endp) {
        *endp = end;
    }
    return ret;
}

int kemu_strtoi64(const char *s, const char **endp, int base, int64_t *out)
{
    bool neg = *s == '-';
    uint64_t mag;
    int ret;

    ret = kemu_strtou64(neg ? s + 1 : s, endp, base, &mag);
    *out = 0;
    if (ret == -EINVAL) {
        if (endp) {
            *endp = s;
        }
        return ret;
    }
    if (ret == 0 && mag > (uint64_t)INT64_MAX + neg) {
        ret = -ERANGE;
    }
    if (ret == 0) {
        *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    }
    return ret;
}

bool parse_uint64_full(const char *s, uint64_t *out, int base)
{
    return kemu_strtou64(s, NULL, base, out) == 0;
}

bool parse_int64_full(const char *s, int64_t *out, int base)
{
    return kemu_strtoi64(s, NULL, base, out) == 0;
}

/* The multiplier of a size suffix, or 0 when c is not one. */
static uint64_t suffix_mul(char c)
{
    static const char suffixes[] = "BKMGTPE";
    const char *p;

    if (!c) {
        return 0;
    }
    p = strchr(suffixes, g_ascii_toupper(c));
    return p ? 1ULL << (10 * (p - suffixes)) : 0;
}

int kemu_strtosz(const char *str, char default_unit, uint64_t *out)
{
    const char *p = str;
    uint64_t ival = 0, frac = 0, frac_scale = 1, mul;
    unsigned __int128 total;
    bool any_digit = false, overflow = false;
    int nfrac = 0;

    *out = 0;
    for (; is_digit(*p); p++) {
        unsigned d = *p - '0';

        any_digit = true;
        if (ival > UINT64_MAX / 10 ||
            (ival == UINT64_MAX / 10 && d > UINT64_MAX % 10)) {
            overflow = true;
        } else {
            ival = ival * 10 + d;
        }
    }
    if (*p == '.') {
        for (p++; is_digit(*p); p++) {
            any_digit = true;
            if (nfrac < SIZE_FRAC_DIGITS) {
                frac = frac * 10 + (*p - '0');
                frac_scale *= 10;
                nfrac++;
            }
        }
    }
    if (!any_digit) {
        return -EINVAL;
    }
    mul = suffix_mul(*p);
    if (mul) {
        p++;
    } else {
        mul = suffix_mul(default_unit);
        assert(mul);
    }
    if (*p) {
        return -EINVAL;
    }
    if (mul == 1 && frac) {
        return -EINVAL; /* "1.5" bytes */
    }
    if (overflow) {
        return -ERANGE;
    }
    /* Exact: ival * mul + round(frac / frac_scale * mul). */
    total = (unsigned __int128)ival * mul;
    total += ((unsigned __int128)frac * mul + frac_scale / 2) / frac_scale;
    if (total > UINT64_MAX) {
        return -ERANGE;
    }
    *out = (uint64_t)total;
    return 0;
}

bool parse_size_unit(const char *str, char default_unit, uint64_t *out,
                     Error **errp)
{
    int ret = kemu_strtosz(str, default_unit, out);

    if (ret == -ERANGE) {
        error_setg(errp, "size '%s' is too large", str);
    } else if (ret) {
        error_setg(errp, "invalid size '%s'", str);
    }
    return ret == 0;
}

bool parse_size(const char *str, uint64_t *out, Error **errp)
{
    return parse_size_unit(str, 'B', out, errp);
}

bool parse_bool_str(const char *s, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

char *size_to_str(uint64_t val)
{
    static const char *const units[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    unsigned i = 0;

    /* Move up a unit once the value reaches 1000 of the current one. */
    while (i + 1 < ARRAY_SIZE(units) && (val >> (10 * i)) >= 1000) {
        i++;
    }
    return g_strdup_printf("%0.3g %sB",
                           (double)val / (double)(1ULL << (10 * i)), units[i]);
}
