/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The "netdev" device property of NIC models: DEFINE_PROP_NETDEV("netdev",
 * State, conf.peers) finds the -netdev by id in the machine's NetState when
 * the property is set and refuses one already in use.  It lives in hw/ so
 * that net/ stays free of devices.
 */
#ifndef KEMU_HW_NET_PROPS_H
#define KEMU_HW_NET_PROPS_H

#include "hw/core/qdev-properties.h"
#include "net/net.h"

extern const PropertyInfo qdev_prop_netdev;

#define DEFINE_PROP_NETDEV(_n, _s, _f)                                         \
    DEFINE_PROP(_n, _s, _f, qdev_prop_netdev, NICPeers)

/**
 * DEFINE_NIC_PROPERTIES - the properties every NIC has: "mac" and
 * "netdev", in a NICConf field @_conf of state @_state.
 */
#define DEFINE_NIC_PROPERTIES(_state, _conf)                                   \
    DEFINE_PROP_MACADDR("mac", _state, _conf.macaddr),                         \
        DEFINE_PROP_NETDEV("netdev", _state, _conf.peers)

#endif
