/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MACAddr, the 6-byte Ethernet address shared by the net layer (NICConf)
 * and the device properties (DEFINE_PROP_MACADDR): defined once, here, in
 * the lower layer, so both can include it.
 */
#ifndef KEMU_NET_MACADDR_H
#define KEMU_NET_MACADDR_H

#include "util/osdep.h"

typedef struct MACAddr {
    uint8_t a[6];
} MACAddr;

#endif
