/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net/macaddr: the one MAC address grammar that -nic mac= and the qdev
 * "mac" property share (QEMU's: six hex pairs, ':' or '-' between them).
 */
#include "util/osdep.h"
#include "net/macaddr.h"
#include "tests/unit/unit.h"

static void check_good(const char *str, const uint8_t want[6])
{
    MACAddr m = {{0}};

    CU_ASSERT_TRUE(macaddr_parse(str, &m));
    CU_ASSERT_EQUAL(memcmp(m.a, want, 6), 0);
}

static void test_good(void)
{
    static const uint8_t qemu[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    static const uint8_t high[6] = {0xfe, 0xdc, 0xba, 0x98, 0x76, 0xff};

    check_good("52:54:00:12:34:56", qemu);
    check_good("52-54-00-12-34-56", qemu);
    check_good("52:54-00:12-34:56", qemu);
    check_good("FE:dc:Ba:98:76:fF", high);
}

static void test_bad(void)
{
    static const char *const bad[] = {
        "",
        "52:54:00:12:34",       /* five pairs */
        "52:54:00:12:34:56:78", /* seven */
        "52:54:00:12:34:56:",   /* a trailing separator */
        "52:54:00:12:34:5",     /* a short pair */
        "5:54:00:12:34:56",     /* a one-digit pair */
        "525:54:00:12:34:56",   /* a three-digit pair */
        "52.54.00.12.34.56",    /* another separator */
        "52 54 00 12 34 56",
        "525400123456", /* no separators */
        " 52:54:00:12:34:56",
        "52:54:00:12:34:56 ",
        "52:54:00:12:34:5g",
        "0x52:54:00:12:34:56",
        "12345", /* a bare number */
    };
    MACAddr m = {{1, 2, 3, 4, 5, 6}};
    const MACAddr before = m;

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CU_ASSERT_FALSE(macaddr_parse(bad[i], &m));
        CU_ASSERT_EQUAL(memcmp(&m, &before, sizeof(m)), 0);
    }
}

UNIT_SUITE(macaddr, NULL, NULL, UNIT_TEST(test_good), UNIT_TEST(test_bad))
