/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * announce-self: after the guest moved (or on request), every NIC announces
 * its MAC address for a few rounds, so that switches learn where it is now:
 * a RARP broadcast per NIC and the NIC's own announce hook (virtio-net asks
 * its driver to send gratuitous ARPs), see qemu_announce_self() in
 * net/net.h.  This module runs the rounds: timers on the REALTIME clock
 * (as QEMU: the virtual clock may be stopped, or stepped by a test), each
 * named by an id so that a later command with the same id replaces it or,
 * with rounds=0, stops it.
 */
#ifndef KEMU_NET_ANNOUNCE_H
#define KEMU_NET_ANNOUNCE_H

#include "util/osdep.h"
#include "util/error.h"
#include "util/timer.h"

typedef struct NetState NetState;

/**
 * AnnounceParameters - QMP announce-self's parameters, in milliseconds:
 * round r (0-based) goes out at once for r = 0, then
 * MIN(@initial + (r - 1) * @step, @max) ms after the previous one; @rounds
 * rounds in all (0: stop the timer of that id).
 */
typedef struct AnnounceParameters {
    int64_t initial;
    int64_t max;
    int64_t rounds;
    int64_t step;
} AnnounceParameters;

/* QEMU's defaults (its migration parameters announce-*). */
#define ANNOUNCE_INITIAL_DEFAULT 50
#define ANNOUNCE_MAX_DEFAULT     550
#define ANNOUNCE_ROUNDS_DEFAULT  5
#define ANNOUNCE_STEP_DEFAULT    100

/**
 * net_announce_self - start (or restart) the rounds of timer @id (NULL or
 * "": the unnamed one) with @p on @ns's NICs, timed on @clocks; the first
 * round goes out before this returns.  rounds=0 stops timer @id.  Errors:
 * a parameter out of range (initial and max 0..100000, rounds 0..1000,
 * step 0..10000; QEMU's limits).
 */
bool net_announce_self(NetState *ns, KemuClocks *clocks, const char *id,
                       const AnnounceParameters *p, Error **errp);

/** net_announce_cleanup - stop and free @ns's timers (net_state_free). */
void net_announce_cleanup(NetState *ns);

#endif
