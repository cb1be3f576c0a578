/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * util/option: the key=value,... grammar (",," escapes, the implied first
 * key, help requests, flags, duplicates), typed lookups, used-key tracking,
 * and every error message as the user sees it.
 */
#include "util/osdep.h"
#include "util/option.h"
#include "tests/unit/unit.h"

/* The pairs as "k=v|k=v", through the iterator (so all become used). */
static char *pairs_str(KemuOpts *opts)
{
    GString *s = g_string_new(NULL);
    KemuOptsIter it;
    const char *key, *value;

    kemu_opts_iter_init(&it, opts, NULL);
    while (kemu_opts_iter_next(&it, &key, &value)) {
        g_string_append_printf(s, "%s%s=%s", s->len ? "|" : "", key, value);
    }
    return g_string_free(s, FALSE);
}

static void check_parse(const char *str, const char *implied, unsigned flags,
                        const char *want, bool want_help)
{
    Error *err = NULL;
    g_autoptr(KemuOpts) opts =
        kemu_opts_parse_full("-opt", str, implied, flags, &err);
    g_autofree char *got = NULL;

    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(opts);
    got = pairs_str(opts);
    if (strcmp(got, want)) {
        fprintf(stderr, "\n'%s': got '%s', want '%s'", str, got, want);
    }
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(kemu_opts_has_help(opts), want_help);
}

static void check_parse_error(const char *optname, const char *str,
                              const char *implied, unsigned flags,
                              const char *want)
{
    Error *err = NULL;
    KemuOpts *opts = kemu_opts_parse_full(optname, str, implied, flags, &err);

    CU_ASSERT_PTR_NULL(opts);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(error_get_pretty(err), want)) {
        fprintf(stderr, "\n'%s': got '%s'", str, error_get_pretty(err));
    }
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), want);
    error_free(err);
    kemu_opts_free(opts);
}

static void test_basic(void)
{
    check_parse("", NULL, 0, "", false);
    check_parse("a=1", NULL, 0, "a=1", false);
    check_parse("a=1,b=two,c=", NULL, 0, "a=1|b=two|c=", false);
    check_parse("a=1,", NULL, 0, "a=1", false); /* trailing comma */
    check_parse("a=x=y", NULL, 0, "a=x=y", false);
    check_parse("mac=52:54:00:12:34:56", NULL, 0, "mac=52:54:00:12:34:56",
                false);
    check_parse("hostfwd=tcp::2222-:22", NULL, 0, "hostfwd=tcp::2222-:22",
                false);
}

static void test_implied_key(void)
{
    check_parse("e1000,mac=52:54:00:12:34:56,netdev=n0", "driver", 0,
                "driver=e1000|mac=52:54:00:12:34:56|netdev=n0", false);
    check_parse("user", "type", 0, "type=user", false);
    /* Given explicitly, the implied key is an ordinary pair. */
    check_parse("type=user,id=n0", "type", 0, "type=user|id=n0", false);
    /* Only the first element can be implied. */
    check_parse("a=1,b=2", "driver", 0, "a=1|b=2", false);
    check_parse("512M,slots=2", "size", 0, "size=512M|slots=2", false);
}

static void test_escapes(void)
{
    check_parse("a=x,,y", NULL, 0, "a=x,y", false);
    check_parse("a=x,,,b=2", NULL, 0, "a=x,|b=2", false);
    check_parse("a=,,,,", NULL, 0, "a=,,", false);
    check_parse("a=x,,", NULL, 0, "a=x,", false);
    check_parse("a=,,", NULL, 0, "a=,", false);
    check_parse("file=a,,b.img,if=none", NULL, 0, "file=a,b.img|if=none",
                false);
    /* In the implied value too, even when it then contains '='. */
    check_parse("a,,b=c,d=e", "path", 0, "path=a,b=c|d=e", false);
    check_parse(",,x", "path", 0, "path=,x", false);
}

static void test_help(void)
{
    Error *err = NULL;
    g_autoptr(KemuOpts) opts = NULL;

    /* "-device help": a help request, no driver. */
    check_parse("help", "driver", 0, "", true);
    check_parse("?", "driver", 0, "", true);
    /* "-device e1000,help": the driver stays. */
    check_parse("e1000,help", "driver", 0, "driver=e1000", true);
    check_parse("e1000,?", "driver", 0, "driver=e1000", true);
    check_parse("help", NULL, 0, "", true);
    check_parse("a=1,help,b=2", NULL, 0, "a=1|b=2", true);
    /* help=... is an ordinary key. */
    check_parse("help=x", NULL, 0, "help=x", false);
    check_parse("e1000", "driver", 0, "driver=e1000", false);

    opts = kemu_opts_parse("-device", "e1000,help", "driver", &err);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_TRUE(kemu_opts_has_help(opts));
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "driver"), "e1000");
    CU_ASSERT_TRUE(kemu_opts_check_unused(opts, &err));
}

static void test_flags(void)
{
    check_parse("server,wait=off", NULL, KEMU_OPTS_ALLOW_FLAGS,
                "server=on|wait=off", false);
    check_parse("unix:/tmp/q,server,nowait", "path", KEMU_OPTS_ALLOW_FLAGS,
                "path=unix:/tmp/q|server=on|nowait=on", false);
    check_parse("stdio,help", "backend", KEMU_OPTS_ALLOW_FLAGS, "backend=stdio",
                true);
}

static void test_duplicates(void)
{
    g_autoptr(KemuOpts) opts = kemu_opts_parse("-netdev",
                                               "user,hostfwd=tcp::1-:1,id=n0,"
                                               "hostfwd=tcp::2-:2,id=n1",
                                               "type", &error_abort);
    KemuOptsIter it;
    const char *value;
    int n = 0;

    /* The last wins for a lookup... */
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "id"), "n1");
    /* ...and the iterator sees every one, in order. */
    kemu_opts_iter_init(&it, opts, "hostfwd");
    while (kemu_opts_iter_next(&it, NULL, &value)) {
        CU_ASSERT_STRING_EQUAL(value, n == 0 ? "tcp::1-:1" : "tcp::2-:2");
        n++;
    }
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_FALSE(kemu_opts_iter_next(&it, NULL, NULL));
    CU_ASSERT_STRING_EQUAL(kemu_opts_first_unused(opts), "type");
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "type"), "user");
    CU_ASSERT_PTR_NULL(kemu_opts_first_unused(opts));
    CU_ASSERT_PTR_NULL(kemu_opts_get(opts, "nothere"));
}

static void test_parse_errors(void)
{
    check_parse_error("-device", "e1000,=x", "driver", 0,
                      "-device: empty key in 'e1000,=x'");
    check_parse_error("-netdev", "=user", NULL, 0,
                      "-netdev: empty key in '=user'");
    check_parse_error("-device", ",mac=x", "driver", 0,
                      "-device: empty parameter in ',mac=x'");
    check_parse_error("-drive", ",file=x", NULL, 0,
                      "-drive: empty parameter in ',file=x'");
    check_parse_error("-device", ",", "driver", 0,
                      "-device: empty parameter in ','");
    /* A flag cannot take ",," so the second comma starts an empty element. */
    check_parse_error("-chardev", "socket,server,,id=c", "backend",
                      KEMU_OPTS_ALLOW_FLAGS,
                      "-chardev: empty parameter in 'socket,server,,id=c'");
    check_parse_error("-netdev", "user,foo", "type", 0,
                      "-netdev: missing '=' after 'foo' in 'user,foo'");
    check_parse_error("-drive", "if", NULL, 0,
                      "-drive: missing '=' after 'if' in 'if'");
    /* NULL errp: still fails, quietly. */
    CU_ASSERT_PTR_NULL(kemu_opts_parse("-x", "=", NULL, NULL));
}

static void test_typed_gets(void)
{
    g_autoptr(KemuOpts) opts =
        kemu_opts_parse("-x", "on=on,off=no,num=0x10,dec=42,sz=1.5G,mem=512",
                        NULL, &error_abort);
    uint64_t u;
    bool b;

    CU_ASSERT_TRUE(kemu_opts_get_bool(opts, "on", false, &b, &error_abort));
    CU_ASSERT_TRUE(b);
    CU_ASSERT_TRUE(kemu_opts_get_bool(opts, "off", true, &b, &error_abort));
    CU_ASSERT_FALSE(b);
    CU_ASSERT_TRUE(kemu_opts_get_bool(opts, "nobool", true, &b, NULL));
    CU_ASSERT_TRUE(b);
    CU_ASSERT_TRUE(kemu_opts_get_number(opts, "num", 0, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 16);
    CU_ASSERT_TRUE(kemu_opts_get_number(opts, "dec", 0, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 42);
    CU_ASSERT_TRUE(kemu_opts_get_number(opts, "nonum", 7, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 7);
    CU_ASSERT_TRUE(kemu_opts_get_size(opts, "sz", 0, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 3 * GiB / 2);
    CU_ASSERT_TRUE(kemu_opts_get_size(opts, "nosz", 9, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 9);
    CU_ASSERT_TRUE(
        kemu_opts_get_size_unit(opts, "mem", 'M', 0, &u, &error_abort));
    CU_ASSERT_EQUAL(u, 512 * MiB);
    CU_ASSERT_TRUE(kemu_opts_check_unused(opts, &error_abort));
}

static void check_get_error(KemuOpts *opts, const char *key, char type,
                            const char *want)
{
    Error *err = NULL;
    uint64_t u = 1;
    bool b = true, ok;

    switch (type) {
    case 'b':
        ok = kemu_opts_get_bool(opts, key, true, &b, &err);
        CU_ASSERT_TRUE(b); /* the default on error */
        break;
    case 'n':
        ok = kemu_opts_get_number(opts, key, 5, &u, &err);
        CU_ASSERT_EQUAL(u, 5);
        break;
    default:
        ok = kemu_opts_get_size(opts, key, 5, &u, &err);
        CU_ASSERT_EQUAL(u, 5);
        break;
    }
    CU_ASSERT_FALSE(ok);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (strcmp(error_get_pretty(err), want)) {
        fprintf(stderr, "\n'%s': got '%s'", key, error_get_pretty(err));
    }
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err), want);
    error_free(err);
}

static void test_get_errors(void)
{
    g_autoptr(KemuOpts) m =
        kemu_opts_parse("-m", "abc,slots=x,maxmem=16E,big=99999999999999999999",
                        "size", &error_abort);
    g_autoptr(KemuOpts) nd =
        kemu_opts_parse("-netdev", "user,restrict=maybe", "type", &error_abort);
    g_autoptr(KemuOpts) plain =
        kemu_opts_parse("-drive", "readonly=2", NULL, &error_abort);

    /* About the implied key: the option name alone. */
    check_get_error(m, "size", 's', "-m: invalid size 'abc' for 'size'");
    /* About another key: the implied value names the object. */
    check_get_error(m, "slots", 'n', "-m abc: invalid number 'x' for 'slots'");
    check_get_error(m, "maxmem", 's',
                    "-m abc: size '16E' for 'maxmem' is too large");
    check_get_error(m, "big", 'n',
                    "-m abc: number '99999999999999999999' for 'big' is too "
                    "large");
    check_get_error(nd, "restrict", 'b',
                    "-netdev user: invalid boolean 'maybe' for 'restrict' "
                    "(use on or off)");
    check_get_error(plain, "readonly", 'b',
                    "-drive: invalid boolean '2' for 'readonly' (use on or "
                    "off)");
}

static void test_unused(void)
{
    Error *err = NULL;
    g_autoptr(KemuOpts) opts = kemu_opts_parse(
        "-netdev", "user,id=n0,foo=1,bar=2", "type", &error_abort);
    g_autoptr(KemuOpts) plain =
        kemu_opts_parse("-drive", "file=x,iff=none", NULL, &error_abort);

    CU_ASSERT_STRING_EQUAL(kemu_opts_context(opts), "-netdev user");
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "type"), "user");
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "id"), "n0");
    CU_ASSERT_STRING_EQUAL(kemu_opts_first_unused(opts), "foo");
    CU_ASSERT_FALSE(kemu_opts_check_unused(opts, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "-netdev user: invalid parameter 'foo'");
    error_free(err);
    err = NULL;

    /* A failed typed lookup still counts as a use. */
    CU_ASSERT_FALSE(
        kemu_opts_get_bool(opts, "foo", false, &(bool){false}, NULL));
    CU_ASSERT_STRING_EQUAL(kemu_opts_first_unused(opts), "bar");
    kemu_opts_get(opts, "bar");
    CU_ASSERT_TRUE(kemu_opts_check_unused(opts, &err));
    CU_ASSERT_PTR_NULL(err);

    CU_ASSERT_STRING_EQUAL(kemu_opts_context(plain), "-drive");
    kemu_opts_get(plain, "file");
    CU_ASSERT_FALSE(kemu_opts_check_unused(plain, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "-drive: invalid parameter 'iff'");
    error_free(err);
}

static void test_built(void)
{
    g_autoptr(KemuOpts) opts = kemu_opts_new("-nic", "type");
    Error *err = NULL;

    CU_ASSERT_STRING_EQUAL(kemu_opts_context(opts), "-nic");
    CU_ASSERT_FALSE(kemu_opts_has_help(opts));
    CU_ASSERT_PTR_NULL(kemu_opts_first_unused(opts));
    kemu_opts_set(opts, "type", "tap");
    kemu_opts_set(opts, "model", "e1000");
    CU_ASSERT_STRING_EQUAL(kemu_opts_context(opts), "-nic tap");
    CU_ASSERT_STRING_EQUAL(kemu_opts_get(opts, "model"), "e1000");
    CU_ASSERT_FALSE(kemu_opts_check_unused(opts, &err));
    CU_ASSERT_STRING_EQUAL(error_get_pretty(err),
                           "-nic: invalid parameter 'type'");
    error_free(err);
    kemu_opts_free(NULL);
}

UNIT_SUITE(option, NULL, NULL, UNIT_TEST(test_basic),
           UNIT_TEST(test_implied_key), UNIT_TEST(test_escapes),
           UNIT_TEST(test_help), UNIT_TEST(test_flags),
           UNIT_TEST(test_duplicates), UNIT_TEST(test_parse_errors),
           UNIT_TEST(test_typed_gets), UNIT_TEST(test_get_errors),
           UNIT_TEST(test_unused), UNIT_TEST(test_built))
