/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/cutils: strict integers (bases, signs, overflow, trailing text),
 * sizes with every suffix, fractions and overflow, QEMU's boolean
 * spellings, the size formatter, and the well-formed id rule.
 */
#include "util/osdep.h"
#include "util/cutils.h"
#include "tests/unit/unit.h"

static void test_strtou64(void)
{
    const char *end;
    uint64_t v;

    CU_ASSERT_EQUAL(kemu_strtou64("0", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(kemu_strtou64("123", NULL, 10, &v), 0);
    CU_ASSERT_EQUAL(v, 123);
    CU_ASSERT_EQUAL(kemu_strtou64("0x1f", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 0x1f);
    CU_ASSERT_EQUAL(kemu_strtou64("0X1F", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 0x1f);
    CU_ASSERT_EQUAL(kemu_strtou64("ff", NULL, 16, &v), 0);
    CU_ASSERT_EQUAL(v, 0xff);
    CU_ASSERT_EQUAL(kemu_strtou64("0xff", NULL, 16, &v), 0);
    CU_ASSERT_EQUAL(v, 0xff);
    /* A leading zero is decimal, not octal. */
    CU_ASSERT_EQUAL(kemu_strtou64("010", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 10);
    CU_ASSERT_EQUAL(kemu_strtou64("18446744073709551615", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);
    CU_ASSERT_EQUAL(kemu_strtou64("0xffffffffffffffff", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, UINT64_MAX);

    CU_ASSERT_EQUAL(kemu_strtou64("18446744073709551616", NULL, 0, &v),
                    -ERANGE);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(kemu_strtou64("0x10000000000000000", NULL, 0, &v), -ERANGE);

    v = 7;
    CU_ASSERT_EQUAL(kemu_strtou64("", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(kemu_strtou64(" 1", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("-1", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("+1", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("12abc", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("12 ", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("0x", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("0xg", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("1f", NULL, 10, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtou64("12", NULL, 1, &v), -EINVAL);

    /* With endp, trailing text is left for the caller. */
    CU_ASSERT_EQUAL(kemu_strtou64("2222-:22", &end, 10, &v), 0);
    CU_ASSERT_EQUAL(v, 2222);
    CU_ASSERT_STRING_EQUAL(end, "-:22");
    CU_ASSERT_EQUAL(kemu_strtou64("x1", &end, 10, &v), -EINVAL);
    CU_ASSERT_STRING_EQUAL(end, "x1");
}

static void test_strtoi64(void)
{
    const char *end;
    int64_t v;

    CU_ASSERT_EQUAL(kemu_strtoi64("-42", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, -42);
    CU_ASSERT_EQUAL(kemu_strtoi64("42", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, 42);
    CU_ASSERT_EQUAL(kemu_strtoi64("-0x10", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, -16);
    CU_ASSERT_EQUAL(kemu_strtoi64("9223372036854775807", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, INT64_MAX);
    CU_ASSERT_EQUAL(kemu_strtoi64("-9223372036854775808", NULL, 0, &v), 0);
    CU_ASSERT_EQUAL(v, INT64_MIN);

    CU_ASSERT_EQUAL(kemu_strtoi64("9223372036854775808", NULL, 0, &v), -ERANGE);
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_EQUAL(kemu_strtoi64("-9223372036854775809", NULL, 0, &v),
                    -ERANGE);
    CU_ASSERT_EQUAL(kemu_strtoi64("-99999999999999999999", NULL, 0, &v),
                    -ERANGE);

    CU_ASSERT_EQUAL(kemu_strtoi64("-", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtoi64("--1", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtoi64("- 1", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtoi64("1x", NULL, 0, &v), -EINVAL);
    CU_ASSERT_EQUAL(kemu_strtoi64("-x", &end, 0, &v), -EINVAL);
    CU_ASSERT_STRING_EQUAL(end, "-x");
    CU_ASSERT_EQUAL(kemu_strtoi64("-5,", &end, 0, &v), 0);
    CU_ASSERT_EQUAL(v, -5);
    CU_ASSERT_STRING_EQUAL(end, ",");
}

static void test_parse_full(void)
{
    uint64_t u;
    int64_t i;

    CU_ASSERT_TRUE(parse_uint64_full("4096", &u, 0));
    CU_ASSERT_EQUAL(u, 4096);
    CU_ASSERT_TRUE(parse_uint64_full("0x1000", &u, 0));
    CU_ASSERT_EQUAL(u, 4096);
    CU_ASSERT_FALSE(parse_uint64_full("4096k", &u, 0));
    CU_ASSERT_EQUAL(u, 0);
    CU_ASSERT_FALSE(parse_uint64_full("99999999999999999999", &u, 0));
    CU_ASSERT_FALSE(parse_uint64_full("-1", &u, 0));
    CU_ASSERT_FALSE(parse_uint64_full("", &u, 0));

    CU_ASSERT_TRUE(parse_int64_full("-4096", &i, 10));
    CU_ASSERT_EQUAL(i, -4096);
    CU_ASSERT_FALSE(parse_int64_full("-4096 ", &i, 10));
    CU_ASSERT_FALSE(parse_int64_full("9223372036854775808", &i, 10));
}

typedef struct SizeCase {
    const char *str;
    int ret;
    uint64_t val;
} SizeCase;

static void check_sizes(const SizeCase *cases, size_t n, char unit)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t v = 12345;
        int ret = kemu_strtosz(cases[i].str, unit, &v);

        if (ret != cases[i].ret || v != cases[i].val) {
            fprintf(stderr, "\n'%s': got %d %" PRIu64 ", want %d %" PRIu64,
                    cases[i].str, ret, v, cases[i].ret, cases[i].val);
        }
        CU_ASSERT_EQUAL(ret, cases[i].ret);
        CU_ASSERT_EQUAL(v, cases[i].val);
    }
}

static void test_size_suffixes(void)
{
    static const SizeCase cases[] = {
        {"0", 0, 0},
        {"12345", 0, 12345},
        {"1B", 0, 1},
        {"1b", 0, 1},
        {"64k", 0, 64 * KiB},
        {"64K", 0, 64 * KiB},
        {"512M", 0, 512 * MiB},
        {"512m", 0, 512 * MiB},
        {"2G", 0, 2 * GiB},
        {"2g", 0, 2 * GiB},
        {"1T", 0, 1ULL << 40},
        {"1t", 0, 1ULL << 40},
        {"1P", 0, 1ULL << 50},
        {"1p", 0, 1ULL << 50},
        {"1E", 0, 1ULL << 60},
        {"1e", 0, 1ULL << 60},
        {"15E", 0, 15ULL << 60},
        {"18446744073709551615", 0, UINT64_MAX},
        {"18446744073709551615B", 0, UINT64_MAX},
    };

    check_sizes(cases, ARRAY_SIZE(cases), 'B');
}

static void test_size_fractions(void)
{
    static const SizeCase cases[] = {
        {"1.5G", 0, 3 * GiB / 2},
        {"0.5K", 0, 512},
        {".5K", 0, 512},
        {"1.K", 0, 1024},
        {"1.0", 0, 1}, /* a zero fraction needs no unit */
        {"1.25m", 0, 5 * MiB / 4},
        {"0.0005K", 0, 1}, /* 0.512 rounds up */
        {"0.0004K", 0, 0}, /* 0.4096 rounds down */
        {"1.0000000001K", 0, 1024},
        {"0.50000000000000000000001K", 0, 512},
        {"15.9999999999E", 0, 18446744073594259466ULL},
        {"1.5", -EINVAL, 0}, /* a fraction of a byte */
        {"1.5B", -EINVAL, 0},
        {"1.2.3K", -EINVAL, 0},
        {".", -EINVAL, 0},
        {".K", -EINVAL, 0},
    };

    check_sizes(cases, ARRAY_SIZE(cases), 'B');
}

static void test_size_errors(void)
{
    static const SizeCase cases[] = {
        {"", -EINVAL, 0},
        {"abc", -EINVAL, 0},
        {"K", -EINVAL, 0},
        {"12MB", -EINVAL, 0},
        {"12MiB", -EINVAL, 0},
        {"12X", -EINVAL, 0},
        {"0x10", -EINVAL, 0},
        {"-1", -EINVAL, 0},
        {"+1", -EINVAL, 0},
        {" 1", -EINVAL, 0},
        {"1 ", -EINVAL, 0},
        {"1 M", -EINVAL, 0},
        {"16E", -ERANGE, 0},
        {"16384P", -ERANGE, 0},
        {"18446744073709551616", -ERANGE, 0},
        {"99999999999999999999999K", -ERANGE, 0},
        {"17179869184G", -ERANGE, 0},
    };

    check_sizes(cases, ARRAY_SIZE(cases), 'B');
}

static void test_size_default_unit(void)
{
    static const SizeCase cases[] = {
        {"512", 0, 512 * MiB},  {"1.5", 0, 3 * MiB / 2},
        {"512k", 0, 512 * KiB}, {"100B", 0, 100},
        {"2G", 0, 2 * GiB},     {"17592186044416", -ERANGE, 0},
    };

    check_sizes(cases, ARRAY_SIZE(cases), 'M');
}

static void test_parse_size_errors(void)
{
    Error *err = NULL;
    uint64_t v;

    CU_ASSERT_TRUE(parse_size("2G", &v, &err));
    CU_ASSERT_EQUAL(v, 2 * GiB);
    CU_ASSERT_PTR_NULL(err);

    CU_ASSERT_FALSE(parse_size("abc", &v, &err));
    CU_ASSERT_EQUAL(v, 0);
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "invalid size 'abc'");
    error_free(err);
    err = NULL;

    CU_ASSERT_FALSE(parse_size("16E", &v, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), "size '16E' is too large");
    error_free(err);
    err = NULL;

    CU_ASSERT_FALSE(parse_size("1.5", &v, NULL));
    CU_ASSERT_TRUE(parse_size_unit("1.5", 'G', &v, NULL));
    CU_ASSERT_EQUAL(v, 3 * GiB / 2);
}

static void test_bool_str(void)
{
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};
    static const char *const bad[] = {"", "ON", "1", "0", "maybe", "onn", "of"};
    bool b;

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        b = false;
        CU_ASSERT_TRUE(parse_bool_str(yes[i], &b));
        CU_ASSERT_TRUE(b);
        b = true;
        CU_ASSERT_TRUE(parse_bool_str(no[i], &b));
        CU_ASSERT_FALSE(b);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CU_ASSERT_FALSE(parse_bool_str(bad[i], &b));
    }
}

static void check_size_str(uint64_t val, const char *want)
{
    g_autofree char *s = size_to_str(val);

    CU_ASSERT_STRING_EQUAL(s, want);
}

static void test_size_to_str(void)
{
    check_size_str(0, "0 B");
    check_size_str(512, "512 B");
    check_size_str(999, "999 B");
    check_size_str(1000, "0.977 KiB");
    check_size_str(1024, "1 KiB");
    check_size_str(1536, "1.5 KiB");
    check_size_str(128 * MiB, "128 MiB");
    check_size_str(3 * GiB / 2, "1.5 GiB");
    check_size_str(1ULL << 40, "1 TiB");
    check_size_str(1ULL << 50, "1 PiB");
    check_size_str(1ULL << 60, "1 EiB");
    check_size_str(UINT64_MAX, "16 EiB");
}

static void test_id_wellformed(void)
{
    static const char *const good[] = {"a", "n0", "Net-0", "x.y_z", "A9-._"};
    static const char *const bad[] = {"",    "0n",  "-a",  ".a",  "_a",
                                      "a b", "a,b", "a/b", "a:b", "\xc3\xa9"};

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        CU_ASSERT_TRUE(id_wellformed(good[i]));
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CU_ASSERT_FALSE(id_wellformed(bad[i]));
    }
}

UNIT_SUITE(cutils, NULL, NULL, UNIT_TEST(test_strtou64),
           UNIT_TEST(test_strtoi64), UNIT_TEST(test_parse_full),
           UNIT_TEST(test_size_suffixes), UNIT_TEST(test_size_fractions),
           UNIT_TEST(test_size_errors), UNIT_TEST(test_size_default_unit),
           UNIT_TEST(test_parse_size_errors), UNIT_TEST(test_bool_str),
           UNIT_TEST(test_size_to_str), UNIT_TEST(test_id_wellformed))
