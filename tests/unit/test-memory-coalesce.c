/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the memory API's coalesced ranges
 * (memory_region_add_coalescing): which absolute ranges a listener (KVM's
 * coalesced MMIO zones) is told as a region is mapped, moved, covered,
 * aliased, disabled and destroyed; the replay at registration; and that a
 * listener which buffers writes is flushed before any access to a
 * coalesced region and before the map changes, so the device sees the
 * guest's accesses in order.
 */
#include "util/osdep.h"
#include "exec/memory.h"
#include "tests/unit/unit.h"

#define ZONE_MAX 16
#define LOG_MAX  16
#define BUF_MAX  8

typedef struct Zone {
    hwaddr addr;
    hwaddr len;
} Zone;

/*
 * A stand-in accelerator: keeps the zones it was told, and can buffer
 * writes (as KVM's ring does) that its flush delivers in order.
 */
typedef struct Accel {
    MemoryListener listener;
    AddressSpace *as;
    Zone live[ZONE_MAX];
    unsigned nlive;
    unsigned adds, dels, flushes;
    struct {
        hwaddr addr;
        uint32_t val;
    } buf[BUF_MAX];
    unsigned nbuf;
} Accel;

static void zone_add(MemoryListener *l, MemoryRegionSection *s, hwaddr addr,
                     hwaddr len)
{
    Accel *a = container_of(l, Accel, listener);

    /* The zone lies in the section it is reported with. */
    CU_ASSERT(addr >= s->offset_within_address_space);
    CU_ASSERT(addr + len <= s->offset_within_address_space + s->size);
    CU_ASSERT_FATAL(a->nlive < ZONE_MAX);
    a->live[a->nlive++] = (Zone){addr, len};
    a->adds++;
}

static void zone_del(MemoryListener *l, MemoryRegionSection *s, hwaddr addr,
                     hwaddr len)
{
    Accel *a = container_of(l, Accel, listener);

    for (unsigned i = 0; i < a->nlive; i++) {
        if (a->live[i].addr == addr && a->live[i].len == len) {
            a->live[i] = a->live[--a->nlive];
            a->dels++;
            return;
        }
    }
    CU_FAIL("coalesced_io_del of a range the listener does not have");
}

static void accel_flush(MemoryListener *l)
{
    Accel *a = container_of(l, Accel, listener);
    unsigned n = a->nbuf;

    a->flushes++;
    a->nbuf = 0; /* a write delivered below may flush again */
    for (unsigned i = 0; i < n; i++) {
        address_space_write(a->as, a->buf[i].addr, &a->buf[i].val, 4);
    }
}

/* The guest writes @val at @addr and the accelerator keeps it for later. */
static void accel_buffer_write(Accel *a, hwaddr addr, uint32_t val)
{
    CU_ASSERT_FATAL(a->nbuf < BUF_MAX);
    a->buf[a->nbuf].addr = addr;
    a->buf[a->nbuf].val = val;
    a->nbuf++;
}

static bool accel_has(const Accel *a, hwaddr addr, hwaddr len)
{
    for (unsigned i = 0; i < a->nlive; i++) {
        if (a->live[i].addr == addr && a->live[i].len == len) {
            return true;
        }
    }
    return false;
}

/* The device: a log of the accesses its callbacks saw, in order. */
typedef struct Dev {
    struct {
        bool write;
        hwaddr addr;
        uint64_t val;
    } log[LOG_MAX];
    unsigned nlog;
} Dev;

static void dev_log(Dev *d, bool write, hwaddr addr, uint64_t val)
{
    CU_ASSERT_FATAL(d->nlog < LOG_MAX);
    d->log[d->nlog].write = write;
    d->log[d->nlog].addr = addr;
    d->log[d->nlog].val = val;
    d->nlog++;
}

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    dev_log(opaque, false, addr, 0);
    return 0x5a;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    dev_log(opaque, true, addr, data);
}

static const MemoryRegionOps dev_ops = {
    .read = dev_read,
    .write = dev_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

typedef struct Fixture {
    MemoryRegion root;
    MemoryRegion bar;   /* 0x100 bytes, coalesced but for 0x20..0x23 */
    MemoryRegion other; /* no coalescing */
    AddressSpace as;
    Accel accel;
    Dev dev, other_dev;
} Fixture;

static void accel_init(Accel *a, AddressSpace *as)
{
    a->as = as;
    a->listener.coalesced_io_add = zone_add;
    a->listener.coalesced_io_del = zone_del;
    a->listener.coalesced_io_flush = accel_flush;
    memory_listener_register(&a->listener, as);
}

static void fixture_init(Fixture *f)
{
    memset(f, 0, sizeof(*f));
    memory_region_init(&f->root, NULL, "root", 0x100000);
    memory_region_init_io(&f->bar, NULL, &dev_ops, &f->dev, "bar", 0x100);
    memory_region_init_io(&f->other, NULL, &dev_ops, &f->other_dev, "other",
                          0x100);
    address_space_init(&f->as, &f->root, "test");
    accel_init(&f->accel, &f->as);
    /* As e1000 does: all of the BAR but one register. */
    memory_region_add_coalescing(&f->bar, 0, 0x20);
    memory_region_add_coalescing(&f->bar, 0x24, 0x100 - 0x24);
}

static void fixture_cleanup(Fixture *f)
{
    address_space_destroy(&f->as);
    memory_region_destroy(&f->bar);
    memory_region_destroy(&f->other);
    memory_region_destroy(&f->root);
}

static void test_follows_the_bar(void)
{
    Fixture f;

    fixture_init(&f);
    /* Not mapped: nothing to tell. */
    CU_ASSERT_EQUAL(f.accel.adds, 0);

    memory_region_add_subregion(&f.root, 0x10000, &f.bar);
    CU_ASSERT_EQUAL(f.accel.nlive, 2);
    CU_ASSERT(accel_has(&f.accel, 0x10000, 0x20));
    CU_ASSERT(accel_has(&f.accel, 0x10024, 0xdc));

    /* A BAR moved: deleted at the old place, added at the new one. */
    memory_region_set_address(&f.bar, 0x20000);
    CU_ASSERT_EQUAL(f.accel.nlive, 2);
    CU_ASSERT_EQUAL(f.accel.dels, 2);
    CU_ASSERT(accel_has(&f.accel, 0x20000, 0x20));
    CU_ASSERT(accel_has(&f.accel, 0x20024, 0xdc));

    /* Unchanged: nothing said. */
    memory_region_set_address(&f.bar, 0x20000);
    CU_ASSERT_EQUAL(f.accel.adds, 4);
    CU_ASSERT_EQUAL(f.accel.dels, 2);

    /* Decoding off and on. */
    memory_region_set_enabled(&f.bar, false);
    CU_ASSERT_EQUAL(f.accel.nlive, 0);
    memory_region_set_enabled(&f.bar, true);
    CU_ASSERT_EQUAL(f.accel.nlive, 2);

    /* Cleared while mapped, then the whole region. */
    memory_region_clear_coalescing(&f.bar);
    CU_ASSERT_EQUAL(f.accel.nlive, 0);
    memory_region_set_coalescing(&f.bar);
    CU_ASSERT_EQUAL(f.accel.nlive, 1);
    CU_ASSERT(accel_has(&f.accel, 0x20000, 0x100));

    /* Destroyed: gone. */
    memory_region_destroy(&f.bar);
    CU_ASSERT_EQUAL(f.accel.nlive, 0);
    fixture_cleanup(&f);
}

static void test_overlap_and_alias(void)
{
    Fixture f;
    MemoryRegion alias;

    fixture_init(&f);
    memory_region_add_subregion(&f.root, 0x10000, &f.bar);

    /* A higher-priority region over 0x40..0x7f splits the second range. */
    memory_region_add_subregion_overlap(&f.root, 0x10040, &f.other, 1);
    memory_region_set_size(&f.other, 0x40);
    CU_ASSERT_EQUAL(f.accel.nlive, 3);
    CU_ASSERT(accel_has(&f.accel, 0x10000, 0x20));
    CU_ASSERT(accel_has(&f.accel, 0x10024, 0x1c));
    CU_ASSERT(accel_has(&f.accel, 0x10080, 0x80));

    /* The overlay moves off the end: the pieces are one range again. */
    memory_region_set_address(&f.other, 0x10100);
    CU_ASSERT_EQUAL(f.accel.nlive, 2);
    CU_ASSERT(accel_has(&f.accel, 0x10024, 0xdc));

    /* Seen a second time through a window on 0x10..0x2f: clipped there. */
    memory_region_init_alias(&alias, NULL, "alias", &f.bar, 0x10, 0x20);
    memory_region_add_subregion(&f.root, 0x30000, &alias);
    CU_ASSERT_EQUAL(f.accel.nlive, 4);
    CU_ASSERT(accel_has(&f.accel, 0x30000, 0x10));
    CU_ASSERT(accel_has(&f.accel, 0x30014, 0xc));
    memory_region_destroy(&alias);
    CU_ASSERT_EQUAL(f.accel.nlive, 2);
    fixture_cleanup(&f);
}

static void test_register_replays(void)
{
    Fixture f;
    Accel late = {0};

    fixture_init(&f);
    memory_region_add_subregion(&f.root, 0x40000, &f.bar);
    accel_init(&late, &f.as);
    CU_ASSERT_EQUAL(late.nlive, 2);
    CU_ASSERT(accel_has(&late, 0x40000, 0x20));
    CU_ASSERT(accel_has(&late, 0x40024, 0xdc));
    memory_listener_unregister(&late.listener);
    CU_ASSERT_EQUAL(late.nlive, 0);
    address_space_destroy(&f.as);
    CU_ASSERT_EQUAL(f.accel.nlive, 0);
    memory_region_destroy(&f.bar);
    memory_region_destroy(&f.other);
    memory_region_destroy(&f.root);
}

/*
 * Buffered writes reach the device before any later access to it, even to
 * a register outside the coalesced ranges, and in the guest's order.
 */
static void test_flushed_before_access(void)
{
    Fixture f;
    uint64_t val = 0;

    fixture_init(&f);
    memory_region_add_subregion(&f.root, 0x10000, &f.bar);
    memory_region_add_subregion(&f.root, 0x20000, &f.other);

    accel_buffer_write(&f.accel, 0x10008, 0x11);
    accel_buffer_write(&f.accel, 0x10004, 0x22);
    /* Another device's access does not deliver them. */
    address_space_dispatch_io(&f.as, 0x20000, &val, 4, false);
    CU_ASSERT_EQUAL(f.dev.nlog, 0);
    CU_ASSERT_EQUAL(f.accel.nbuf, 2);

    /* A read of the BAR's excluded register: the writes come first. */
    CU_ASSERT_EQUAL(address_space_dispatch_io(&f.as, 0x10020, &val, 4, false),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(val, 0x5a);
    CU_ASSERT_EQUAL_FATAL(f.dev.nlog, 3);
    CU_ASSERT(f.dev.log[0].write && f.dev.log[0].addr == 8);
    CU_ASSERT_EQUAL(f.dev.log[0].val, 0x11);
    CU_ASSERT(f.dev.log[1].write && f.dev.log[1].addr == 4);
    CU_ASSERT_EQUAL(f.dev.log[1].val, 0x22);
    CU_ASSERT(!f.dev.log[2].write && f.dev.log[2].addr == 0x20);
    CU_ASSERT_EQUAL(f.accel.nbuf, 0);

    /* A write to the excluded register also comes after them. */
    accel_buffer_write(&f.accel, 0x10010, 0x33);
    val = 0x44;
    address_space_dispatch_io(&f.as, 0x10020, &val, 4, true);
    CU_ASSERT_EQUAL_FATAL(f.dev.nlog, 5);
    CU_ASSERT_EQUAL(f.dev.log[3].val, 0x33);
    CU_ASSERT_EQUAL(f.dev.log[4].val, 0x44);
    fixture_cleanup(&f);
}

/* A map change delivers buffered writes first: they carry old addresses. */
static void test_flushed_before_map_change(void)
{
    Fixture f;
    unsigned flushes;

    fixture_init(&f);
    memory_region_add_subregion(&f.root, 0x10000, &f.bar);
    accel_buffer_write(&f.accel, 0x1000c, 0x55);
    memory_region_set_address(&f.bar, 0x50000);
    CU_ASSERT_EQUAL_FATAL(f.dev.nlog, 1);
    CU_ASSERT(f.dev.log[0].write && f.dev.log[0].addr == 0xc);
    CU_ASSERT_EQUAL(f.dev.log[0].val, 0x55);

    /* An unregistered listener is flushed once more, then never again. */
    accel_buffer_write(&f.accel, 0x50000, 0x66);
    memory_listener_unregister(&f.accel.listener);
    CU_ASSERT_EQUAL(f.dev.nlog, 2);
    flushes = f.accel.flushes;
    qemu_flush_coalesced_mmio_buffer();
    memory_region_set_address(&f.bar, 0x60000);
    CU_ASSERT_EQUAL(f.accel.flushes, flushes);
    fixture_cleanup(&f);
}

/* With nobody buffering (qtest), writes to coalesced ranges act at once. */
static void test_no_accelerator(void)
{
    Fixture f;
    uint64_t val = 0x77;

    fixture_init(&f);
    memory_listener_unregister(&f.accel.listener);
    memory_region_add_subregion(&f.root, 0x10000, &f.bar);
    CU_ASSERT_EQUAL(address_space_dispatch_io(&f.as, 0x10000, &val, 4, true),
                    MEMTX_OK);
    CU_ASSERT_EQUAL_FATAL(f.dev.nlog, 1);
    CU_ASSERT_EQUAL(f.dev.log[0].val, 0x77);
    fixture_cleanup(&f);
}

UNIT_SUITE(memory_coalesce, NULL, NULL, UNIT_TEST(test_follows_the_bar),
           UNIT_TEST(test_overlap_and_alias), UNIT_TEST(test_register_replays),
           UNIT_TEST(test_flushed_before_access),
           UNIT_TEST(test_flushed_before_map_change),
           UNIT_TEST(test_no_accelerator))
