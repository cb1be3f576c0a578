/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one MAC address parser: -nic mac= (net/net.c) and the qdev "mac"
 * property (hw/core/qdev-properties.c) both read addresses through it.
 */
#include "util/osdep.h"
#include "net/macaddr.h"

bool macaddr_parse(const char *str, MACAddr *mac)
{
    MACAddr m;
    const char *p = str;

    for (size_t i = 0; i < sizeof(m.a); i++) {
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1])) {
            return false;
        }
        m.a[i] = g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]);
        p += 2;
        if (i + 1 < sizeof(m.a)) {
            if (*p != ':' && *p != '-') {
                return false;
            }
            p++;
        }
    }
    if (*p) {
        return false;
    }
    *mac = m;
    return true;
}
