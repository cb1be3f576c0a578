/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rounds of announce-self (see net/announce.h): one timer per id.
 */
#include "net/announce.h"
#include "net/clients.h"
#include "net/net.h"

typedef struct NetAnnouncer NetAnnouncer;

typedef struct AnnounceTimer {
    NetAnnouncer *owner;
    char *id;
    KemuTimer *timer;
    AnnounceParameters params;
    int64_t round; /* rounds sent so far */
} AnnounceTimer;

struct NetAnnouncer {
    NetState *ns;
    KemuClocks *clocks;
    GHashTable *timers; /* id -> AnnounceTimer * */
};

static void announce_timer_free(gpointer p)
{
    AnnounceTimer *t = p;

    timer_free(t->timer);
    g_free(t->id);
    g_free(t);
}

static NetAnnouncer *net_announcer_new(NetState *ns, KemuClocks *clocks)
{
    NetAnnouncer *a = g_new0(NetAnnouncer, 1);

    a->ns = ns;
    a->clocks = clocks;
    a->timers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                      announce_timer_free);
    return a;
}

void net_announce_cleanup(NetState *ns)
{
    NetAnnouncer *a = ns->announcer;

    if (!a) {
        return;
    }
    g_hash_table_destroy(a->timers);
    g_free(a);
    ns->announcer = NULL;
}

/* One round; the next is armed unless it was the last. */
static void announce_round(void *opaque)
{
    AnnounceTimer *t = opaque;
    int64_t delay;

    qemu_announce_self(t->owner->ns);
    t->round++;
    if (t->round >= t->params.rounds) {
        /* done: frees t */
        g_hash_table_remove(t->owner->timers, t->id);
        return;
    }
    delay = t->params.initial + (t->round - 1) * t->params.step;
    delay = MIN(delay, t->params.max);
    timer_mod(t->timer, clock_get_ns(t->owner->clocks, QEMU_CLOCK_REALTIME) +
                            delay * 1000000);
}

bool net_announce_self(NetState *ns, KemuClocks *clocks, const char *id,
                       const AnnounceParameters *p, Error **errp)
{
    NetAnnouncer *a;
    AnnounceTimer *t;

    if (p->initial < 0 || p->initial > 100000 || p->max < 0 ||
        p->max > 100000 || p->rounds < 0 || p->rounds > 1000 || p->step < 0 ||
        p->step > 10000) {
        error_setg(errp, "announce-self: initial and max must be 0..100000, "
                         "rounds 0..1000 and step 0..10000 (ms)");
        return false;
    }
    if (!ns->announcer) {
        ns->announcer = net_announcer_new(ns, clocks);
    }
    a = ns->announcer;
    assert(a->clocks == clocks);
    id = id ? id : "";
    g_hash_table_remove(a->timers, id);
    if (p->rounds == 0) {
        return true;
    }
    t = g_new0(AnnounceTimer, 1);
    t->owner = a;
    t->id = g_strdup(id);
    t->params = *p;
    t->timer = timer_new_ns(a->clocks, QEMU_CLOCK_REALTIME, announce_round, t);
    g_hash_table_insert(a->timers, t->id, t);
    announce_round(t);
    return true;
}
