/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MACAddr, the 6-byte Ethernet address shared by the net layer (NICConf,
 * -nic mac=) and the device properties (DEFINE_PROP_MACADDR), and its one
 * parser: defined once, here, in the lower layer, so both can use them.
 */
#ifndef KEMU_NET_MACADDR_H
#define KEMU_NET_MACADDR_H

#include "util/osdep.h"

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

/**
 * macaddr_parse - parse the text form of a MAC address, QEMU's grammar
 * for the qdev "mac" property: six pairs of hex digits (either case), the
 * pairs separated by ':' or '-' (each separator either one), nothing
 * before or after: "52:54:00:12:34:56", "52-54-00-12-34-56".
 * @str: the text.
 * @mac: the address; left unchanged on failure.
 *
 * Return: true on success, false when @str does not follow the grammar.
 */
bool macaddr_parse(const char *str, MACAddr *mac);

#endif
