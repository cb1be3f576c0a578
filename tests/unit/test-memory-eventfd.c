/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the memory API's ioeventfds (memory_region_add_eventfd):
 * what a listener (an accelerator) is told as regions with ioeventfds are
 * mapped, moved, aliased, disabled and destroyed, the replay at listener
 * registration, and that the writes still reach the region's ops when no
 * accelerator takes them.
 */
#include "util/osdep.h"
#include "exec/memory.h"
#include "tests/unit/unit.h"

#define EV_MAX 16

typedef struct EvListener {
    MemoryListener listener;
    MemoryRegionIoeventfd live[EV_MAX]; /* what the accelerator has now */
    unsigned nlive;
    unsigned adds, dels;
} EvListener;

static void ev_add(MemoryListener *l, const MemoryRegionIoeventfd *ev)
{
    EvListener *e = container_of(l, EvListener, listener);

    CU_ASSERT_FATAL(e->nlive < EV_MAX);
    e->live[e->nlive++] = *ev;
    e->adds++;
}

/* Field by field: memcmp would compare the struct's padding too. */
static bool ev_equal(const MemoryRegionIoeventfd *a,
                     const MemoryRegionIoeventfd *b)
{
    return a->addr == b->addr && a->size == b->size &&
           a->match_data == b->match_data && a->data == b->data &&
           a->fd == b->fd;
}

static void ev_del(MemoryListener *l, const MemoryRegionIoeventfd *ev)
{
    EvListener *e = container_of(l, EvListener, listener);

    for (unsigned i = 0; i < e->nlive; i++) {
        if (ev_equal(&e->live[i], ev)) {
            e->live[i] = e->live[--e->nlive];
            e->dels++;
            return;
        }
    }
    CU_FAIL("eventfd_del of an ioeventfd the listener does not have");
}

/* Whether the listener has an ioeventfd of @fd at @addr. */
static bool ev_has(const EvListener *e, hwaddr addr, int fd)
{
    for (unsigned i = 0; i < e->nlive; i++) {
        if (e->live[i].addr == addr && e->live[i].fd == fd) {
            return true;
        }
    }
    return false;
}

static unsigned writes;
static uint64_t last_write;

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    writes++;
    last_write = addr;
}

static const MemoryRegionOps dev_ops = {
    .write = dev_write,
};

typedef struct Fixture {
    MemoryRegion root;
    MemoryRegion dev;
    AddressSpace as;
    EvListener ev;
} Fixture;

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", 0x10000);
    memory_region_init_io(&f->dev, NULL, &dev_ops, NULL, "dev", 0x100);
    address_space_init(&f->as, &f->root, "test");
    f->ev.listener.eventfd_add = ev_add;
    f->ev.listener.eventfd_del = ev_del;
    memory_listener_register(&f->ev.listener, &f->as);
}

static void fixture_cleanup(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->dev);
    memory_region_destroy(&f->root);
}

static void test_follows_the_region(void)
{
    Fixture f;

    fixture_init(&f);
    /* Not mapped: nothing to tell. */
    memory_region_add_eventfd(&f.dev, 0x10, 4, true, 0x1234, 7);
    CU_ASSERT_EQUAL(f.ev.adds, 0);

    memory_region_add_subregion(&f.root, 0x1000, &f.dev);
    CU_ASSERT_EQUAL(f.ev.nlive, 1);
    CU_ASSERT(ev_has(&f.ev, 0x1010, 7));
    CU_ASSERT_EQUAL(f.ev.live[0].size, 4);
    CU_ASSERT(f.ev.live[0].match_data);
    CU_ASSERT_EQUAL(f.ev.live[0].data, 0x1234);

    /* Added while mapped: told at once, at the absolute address. */
    memory_region_add_eventfd(&f.dev, 0x20, 0, false, 0, 8);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);
    CU_ASSERT(ev_has(&f.ev, 0x1020, 8));

    /* A move (a BAR reprogrammed): deleted at the old place, added anew. */
    memory_region_set_address(&f.dev, 0x3000);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);
    CU_ASSERT(ev_has(&f.ev, 0x3010, 7));
    CU_ASSERT(ev_has(&f.ev, 0x3020, 8));
    CU_ASSERT_EQUAL(f.ev.dels, 2);

    /* An unchanged map tells nothing. */
    memory_region_set_address(&f.dev, 0x3000);
    CU_ASSERT_EQUAL(f.ev.adds, 4);
    CU_ASSERT_EQUAL(f.ev.dels, 2);

    /* Disabled (decoding off), enabled, deleted. */
    memory_region_set_enabled(&f.dev, false);
    CU_ASSERT_EQUAL(f.ev.nlive, 0);
    memory_region_set_enabled(&f.dev, true);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);
    memory_region_del_eventfd(&f.dev, 0x10, 4, true, 0x1234, 7);
    CU_ASSERT_EQUAL(f.ev.nlive, 1);
    CU_ASSERT(ev_has(&f.ev, 0x3020, 8));

    /* Destroying the region takes the rest away. */
    memory_region_destroy(&f.dev);
    CU_ASSERT_EQUAL(f.ev.nlive, 0);
    fixture_cleanup(&f);
}

static void test_covered_and_aliased(void)
{
    Fixture f;
    MemoryRegion cover, alias;

    fixture_init(&f);
    memory_region_add_eventfd(&f.dev, 0x10, 1, false, 0, 5);
    memory_region_add_eventfd(&f.dev, 0x80, 1, false, 0, 6);
    memory_region_add_subregion(&f.root, 0x1000, &f.dev);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);

    /* A higher-priority region hides the first: it is not in view. */
    memory_region_init_io(&cover, NULL, &dev_ops, NULL, "cover", 0x20);
    memory_region_add_subregion_overlap(&f.root, 0x1000, &cover, 1);
    CU_ASSERT_EQUAL(f.ev.nlive, 1);
    CU_ASSERT(ev_has(&f.ev, 0x1080, 6));
    memory_region_destroy(&cover);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);

    /* Seen twice through an alias of its second half: told twice. */
    memory_region_init_alias(&alias, NULL, "alias", &f.dev, 0x80, 0x80);
    memory_region_add_subregion(&f.root, 0x8000, &alias);
    CU_ASSERT_EQUAL(f.ev.nlive, 3);
    CU_ASSERT(ev_has(&f.ev, 0x8000, 6));
    memory_region_destroy(&alias);
    CU_ASSERT_EQUAL(f.ev.nlive, 2);
    fixture_cleanup(&f);
}

static void test_register_replays(void)
{
    Fixture f;
    EvListener late = {0};

    fixture_init(&f);
    memory_region_add_eventfd(&f.dev, 0x40, 2, true, 0xbeef, 9);
    memory_region_add_subregion(&f.root, 0x2000, &f.dev);
    late.listener.eventfd_add = ev_add;
    late.listener.eventfd_del = ev_del;
    memory_listener_register(&late.listener, &f.as);
    CU_ASSERT_EQUAL(late.nlive, 1);
    CU_ASSERT(ev_has(&late, 0x2040, 9));
    memory_listener_unregister(&late.listener);
    CU_ASSERT_EQUAL(late.nlive, 0);
    CU_ASSERT_EQUAL(late.dels, 1);
    /* The address space going away tells its listeners too. */
    address_space_destroy(&f.as);
    CU_ASSERT_EQUAL(f.ev.nlive, 0);
    memory_region_destroy(&f.dev);
    memory_region_destroy(&f.root);
}

/* With no accelerator path (qtest), the writes reach the ops. */
static void test_writes_still_dispatched(void)
{
    Fixture f;
    uint64_t val = 0x1234;

    fixture_init(&f);
    memory_region_add_eventfd(&f.dev, 0x10, 2, true, 0x1234, 3);
    memory_region_add_subregion(&f.root, 0x1000, &f.dev);
    writes = 0;
    CU_ASSERT_EQUAL(address_space_dispatch_io(&f.as, 0x1010, &val, 2, true),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(writes, 1);
    CU_ASSERT_EQUAL(last_write, 0x10);
    fixture_cleanup(&f);
}

UNIT_SUITE(memory_eventfd, NULL, NULL, UNIT_TEST(test_follows_the_region),
           UNIT_TEST(test_covered_and_aliased),
           UNIT_TEST(test_register_replays),
           UNIT_TEST(test_writes_still_dispatched))
