/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of exec/memory.c: FlatView rendering (priorities, nesting,
 * aliases), access splitting and widening, .valid rejection, unassigned
 * accesses, listener events and transactions, and the DMA helpers' rule.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "exec/memory.h"
#include "tests/unit/unit.h"

/* ---- A test device that records its callbacks ---------------------------- */

typedef struct Access {
    bool is_write;
    hwaddr addr;
    uint64_t data;
    unsigned size;
} Access;

typedef struct TestDev {
    MemoryRegion mr;
    uint8_t regs[256]; /* little-endian backing store, indexed addr & 0xff */
    Access log[64];
    unsigned n;
    void (*on_write)(struct TestDev *dev); /* side effect, optional */
    void *hook_opaque;
} TestDev;

static void dev_record(TestDev *d, bool is_write, hwaddr addr, uint64_t data,
                       unsigned size)
{
    CU_ASSERT_FATAL(d->n < ARRAY_SIZE(d->log));
    d->log[d->n++] = (Access){is_write, addr, data, size};
}

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    TestDev *d = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)d->regs[(addr + i) & 0xff] << (i * 8);
    }
    dev_record(d, false, addr, v, size);
    return v;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    TestDev *d = opaque;

    for (unsigned i = 0; i < size; i++) {
        d->regs[(addr + i) & 0xff] = data >> (i * 8);
    }
    dev_record(d, true, addr, data, size);
    if (d->on_write) {
        d->on_write(d);
    }
}

static const MemoryRegionOps ops_default = {
    .read = dev_read,
    .write = dev_write,
};

static void dev_init(TestDev *d, const MemoryRegionOps *ops, const char *name,
                     uint64_t size)
{
    memset(d, 0, sizeof(*d));
    memory_region_init_io(&d->mr, d, ops, d, name, size);
}

static bool access_is(const Access *a, bool is_write, hwaddr addr,
                      uint64_t data, unsigned size)
{
    return a->is_write == is_write && a->addr == addr && a->data == data &&
           a->size == size;
}

/* ---- A listener that records its events ---------------------------------- */

typedef struct Event {
    char kind; /* 'b'egin, 'a'dd, 'd'el, 'c'ommit */
    int who;
    MemoryRegionSection s;
} Event;

typedef struct EventLog {
    Event ev[64];
    unsigned n;
} EventLog;

typedef struct TestListener {
    MemoryListener listener;
    EventLog *log;
    int who;
} TestListener;

static void tl_push(MemoryListener *l, char kind, MemoryRegionSection *s)
{
    TestListener *tl = container_of(l, TestListener, listener);
    Event *e;

    CU_ASSERT_FATAL(tl->log->n < ARRAY_SIZE(tl->log->ev));
    e = &tl->log->ev[tl->log->n++];
    e->kind = kind;
    e->who = tl->who;
    if (s) {
        e->s = *s;
    } else {
        memset(&e->s, 0, sizeof(e->s));
    }
}

static void tl_begin(MemoryListener *l)
{
    tl_push(l, 'b', NULL);
}

static void tl_add(MemoryListener *l, MemoryRegionSection *s)
{
    tl_push(l, 'a', s);
}

static void tl_del(MemoryListener *l, MemoryRegionSection *s)
{
    tl_push(l, 'd', s);
}

static void tl_commit(MemoryListener *l)
{
    tl_push(l, 'c', NULL);
}

static void tl_init(TestListener *tl, EventLog *log, int who, int priority)
{
    memset(tl, 0, sizeof(*tl));
    tl->listener = (MemoryListener){
        .begin = tl_begin,
        .region_add = tl_add,
        .region_del = tl_del,
        .commit = tl_commit,
        .priority = priority,
    };
    tl->log = log;
    tl->who = who;
}

/* "bac": the kinds of the events in order. */
static char *event_kinds(const EventLog *log)
{
    char *s = g_malloc(log->n + 1);

    for (unsigned i = 0; i < log->n; i++) {
        s[i] = log->ev[i].kind;
    }
    s[log->n] = '\0';
    return s;
}

static void assert_kinds(const EventLog *log, const char *want)
{
    g_autofree char *got = event_kinds(log);

    CU_ASSERT_STRING_EQUAL(got, want);
    if (strcmp(got, want)) {
        fprintf(stderr, "\n    events '%s', want '%s'\n", got, want);
    }
}

static bool section_is(const MemoryRegionSection *s, MemoryRegion *mr,
                       hwaddr as_off, uint64_t size, hwaddr mr_off)
{
    return s->mr == mr && s->offset_within_address_space == as_off &&
           s->size == size && s->offset_within_region == mr_off;
}

/* ---- Capturing guest-error logs ------------------------------------------ */

typedef struct LogCapture {
    char *path;
} LogCapture;

static void log_capture_start(LogCapture *c)
{
    int fd = g_file_open_tmp("kemu-test-memory-XXXXXX", &c->path, NULL);

    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_FATAL(kemu_log_set_file(c->path, NULL));
    kemu_log_set_mask(LOG_GUEST_ERROR);
}

/* Stop capturing; the text logged meanwhile (caller frees). */
static char *log_capture_end(LogCapture *c)
{
    char *text = NULL;

    kemu_log_set_mask(0);
    kemu_log_set_file(NULL, NULL);
    CU_ASSERT(g_file_get_contents(c->path, &text, NULL, NULL));
    unlink(c->path);
    g_free(c->path);
    return text ? text : g_strdup("");
}

/* ---- The usual board: a 2^64 container as the root ----------------------- */

typedef struct Board {
    MemoryRegion sys;
    AddressSpace as;
} Board;

static void board_init(Board *b)
{
    memory_region_init(&b->sys, NULL, "system", UINT64_MAX);
    address_space_init(&b->as, &b->sys, "memory");
}

static void board_destroy(Board *b)
{
    address_space_destroy(&b->as);
    memory_region_destroy(&b->sys);
}

static void ram_init(MemoryRegion *mr, const char *name, uint64_t size)
{
    CU_ASSERT_FATAL(memory_region_init_ram(mr, NULL, name, size, NULL));
}

/* ---- Rendering ----------------------------------------------------------- */

static void test_ram_round_trip(void)
{
    Board b;
    MemoryRegion ram;
    uint8_t *host;
    uint8_t out[16], in[16];
    MemTxResult r = MEMTX_ERROR;

    board_init(&b);
    ram_init(&ram, "ram", 64 * KiB);
    memory_region_add_subregion(&b.sys, 0x10000, &ram);
    host = memory_region_get_ram_ptr(&ram);
    CU_ASSERT_PTR_NOT_NULL_FATAL(host);
    CU_ASSERT_EQUAL((uintptr_t)host % getpagesize(), 0);
    CU_ASSERT_EQUAL(host[100], 0);
    CU_ASSERT(memory_region_is_ram(&ram));
    CU_ASSERT_FALSE(memory_region_is_rom(&ram));
    CU_ASSERT(memory_region_is_mapped(&ram));
    CU_ASSERT_EQUAL(memory_region_size(&ram), 64 * KiB);
    CU_ASSERT_STRING_EQUAL(memory_region_name(&ram), "ram");

    for (unsigned i = 0; i < sizeof(out); i++) {
        out[i] = 0xa0 + i;
    }
    CU_ASSERT_EQUAL(address_space_write(&b.as, 0x10008, out, sizeof(out)),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(host + 8, out, sizeof(out)), 0);
    CU_ASSERT_EQUAL(address_space_read(&b.as, 0x10008, in, sizeof(in)),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(in, out, sizeof(out)), 0);

    address_space_stq_le(&b.as, 0x10100, 0x1122334455667788ULL, &r);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL(host[0x100], 0x88);
    CU_ASSERT_EQUAL(host[0x107], 0x11);
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x10104, NULL), 0x11223344);
    CU_ASSERT_EQUAL(address_space_lduw_le(&b.as, 0x10100, NULL), 0x7788);
    CU_ASSERT_EQUAL(address_space_ldub(&b.as, 0x10101, NULL), 0x77);
    address_space_stb(&b.as, 0x10101, 0x1ff, NULL);
    address_space_stw_le(&b.as, 0x10102, 0xbeef, NULL);
    address_space_stl_le(&b.as, 0x10104, 0xcafef00d, NULL);
    CU_ASSERT_EQUAL(address_space_ldq_le(&b.as, 0x10100, &r),
                    0xcafef00dbeefff88ULL);

    memory_region_destroy(&ram);
    CU_ASSERT_EQUAL(ram.kind, MEMORY_REGION_NONE);
    board_destroy(&b);
}

static void test_overlap_priority(void)
{
    Board b;
    MemoryRegion ram;
    TestDev hi, lo;
    MemoryRegionSection s;

    board_init(&b);
    ram_init(&ram, "ram", 0x10000);
    dev_init(&hi, &ops_default, "hi", 0x1000);
    dev_init(&lo, &ops_default, "lo", 0x1000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion_overlap(&b.sys, 0x1000, &hi.mr, 1);
    /* Added later but lower priority: hidden under RAM. */
    memory_region_add_subregion_overlap(&b.sys, 0x3000, &lo.mr, -1);

    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x0, &s));
    CU_ASSERT(section_is(&s, &ram, 0, 0x1000, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x1800, &s));
    CU_ASSERT(section_is(&s, &hi.mr, 0x1000, 0x1000, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x3000, &s));
    CU_ASSERT(section_is(&s, &ram, 0x2000, 0xe000, 0x2000));
    CU_ASSERT_FALSE(s.readonly);
    CU_ASSERT_FALSE(address_space_lookup(&b.as, 0x10000, &s));

    address_space_stl_le(&b.as, 0x1804, 0x12345678, NULL);
    CU_ASSERT_EQUAL(hi.n, 1);
    CU_ASSERT(access_is(&hi.log[0], true, 0x804, 0x12345678, 4));
    address_space_stl_le(&b.as, 0x3000, 1, NULL);
    CU_ASSERT_EQUAL(lo.n, 0);

    /* Hiding the winner uncovers what lies beneath. */
    memory_region_set_enabled(&hi.mr, false);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x1800, &s));
    CU_ASSERT(section_is(&s, &ram, 0, 0x10000, 0));
    memory_region_set_enabled(&hi.mr, true);

    memory_region_destroy(&lo.mr);
    memory_region_destroy(&hi.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_equal_priority_later_wins(void)
{
    Board b;
    TestDev first, second;
    MemoryRegionSection s;
    MemTxResult r;

    board_init(&b);
    dev_init(&first, &ops_default, "first", 0x100);
    dev_init(&second, &ops_default, "second", 0x100);
    memory_region_add_subregion(&b.sys, 0x0, &first.mr);
    memory_region_add_subregion(&b.sys, 0x80, &second.mr);

    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x7f, &s));
    CU_ASSERT(section_is(&s, &first.mr, 0, 0x80, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x80, &s));
    CU_ASSERT(section_is(&s, &second.mr, 0x80, 0x100, 0));
    address_space_ldub(&b.as, 0x90, NULL);
    CU_ASSERT_EQUAL(second.n, 1);
    CU_ASSERT(access_is(&second.log[0], false, 0x10, 0, 1));
    CU_ASSERT_EQUAL(first.n, 0);

    /* Without the newer one, the older shows through again. */
    memory_region_del_subregion(&b.sys, &second.mr);
    CU_ASSERT_FALSE(memory_region_is_mapped(&second.mr));
    address_space_ldub(&b.as, 0x90, NULL);
    CU_ASSERT_EQUAL(first.n, 1);
    CU_ASSERT(access_is(&first.log[0], false, 0x90, 0, 1));
    address_space_ldub(&b.as, 0x100, &r);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);

    memory_region_destroy(&second.mr);
    memory_region_destroy(&first.mr);
    board_destroy(&b);
}

static void test_nested_containers(void)
{
    Board b;
    MemoryRegion ram, box;
    TestDev inner_hi, inner, outer;
    MemoryRegionSection s;

    board_init(&b);
    ram_init(&ram, "ram", 1 * MiB);
    memory_region_init(&box, NULL, "box", 0x10000);
    dev_init(&inner_hi, &ops_default, "inner-hi", 0x1000);
    dev_init(&inner, &ops_default, "inner", 0x1000);
    dev_init(&outer, &ops_default, "outer", 0x2000);

    /* Fill the box first: subregions may be added before it is mapped. */
    memory_region_add_subregion_overlap(&box, 0x0, &inner_hi.mr, 100);
    memory_region_add_subregion(&box, 0x2000, &inner.mr);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion_overlap(&b.sys, 0x10000, &box, 1);
    memory_region_add_subregion_overlap(&b.sys, 0x10000, &outer.mr, 2);

    /* Priority 100 only counts inside the box: outer (2) beats box (1). */
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x10000, &s));
    CU_ASSERT(section_is(&s, &outer.mr, 0x10000, 0x2000, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x12800, &s));
    CU_ASSERT(section_is(&s, &inner.mr, 0x12000, 0x1000, 0));
    /* A hole in the box shows the lower-priority RAM behind it. */
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x13000, &s));
    CU_ASSERT(section_is(&s, &ram, 0x13000, 1 * MiB - 0x13000, 0x13000));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0xffff, &s));
    CU_ASSERT(section_is(&s, &ram, 0, 0x10000, 0));

    /* Moving the box moves what it holds. */
    memory_region_set_address(&box, 0x200000);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x200800, &s));
    CU_ASSERT(section_is(&s, &inner_hi.mr, 0x200000, 0x1000, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x12800, &s));
    CU_ASSERT(s.mr == &ram);

    /* Shrinking the box clips its contents. */
    memory_region_set_size(&box, 0x2800);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x202000, &s));
    CU_ASSERT(section_is(&s, &inner.mr, 0x202000, 0x800, 0));
    CU_ASSERT_FALSE(address_space_lookup(&b.as, 0x202800, &s));

    memory_region_destroy(&outer.mr);
    memory_region_destroy(&box); /* unlinks its subregions */
    CU_ASSERT_PTR_NULL(inner.mr.container);
    CU_ASSERT_PTR_NULL(inner_hi.mr.container);
    memory_region_destroy(&inner.mr);
    memory_region_destroy(&inner_hi.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_partly_covered(void)
{
    Board b;
    MemoryRegion ram;
    TestDev dev;
    MemoryRegionSection s;
    uint8_t *host;

    board_init(&b);
    ram_init(&ram, "ram", 0x4000);
    dev_init(&dev, &ops_default, "dev", 0x2000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion_overlap(&b.sys, 0x3000, &dev.mr, 1);
    host = memory_region_get_ram_ptr(&ram);

    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x2fff, &s));
    CU_ASSERT(section_is(&s, &ram, 0, 0x3000, 0));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x3000, &s));
    CU_ASSERT(section_is(&s, &dev.mr, 0x3000, 0x2000, 0));
    CU_ASSERT_FALSE(address_space_lookup(&b.as, 0x5000, &s));
    address_space_stl_le(&b.as, 0x3ffc, 0xdeadbeef, NULL);
    CU_ASSERT_EQUAL(host[0x3ffc], 0);
    CU_ASSERT_EQUAL(dev.n, 1);

    memory_region_destroy(&dev.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_alias_into_ram(void)
{
    Board b;
    MemoryRegion ram, win;
    MemoryRegionSection s;
    uint8_t *host;

    board_init(&b);
    ram_init(&ram, "ram", 64 * KiB);
    memory_region_init_alias(&win, NULL, "win", &ram, 0x2000, 0x1000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion(&b.sys, 0x100000, &win);
    host = memory_region_get_ram_ptr(&ram);

    CU_ASSERT_PTR_EQUAL(memory_region_get_ram_ptr(&win), host + 0x2000);
    CU_ASSERT_FALSE(memory_region_is_ram(&win));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x100010, &s));
    CU_ASSERT(section_is(&s, &ram, 0x100000, 0x1000, 0x2000));
    address_space_stl_le(&b.as, 0x100010, 0x01020304, NULL);
    CU_ASSERT_EQUAL(host[0x2010], 0x04);
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x2010, NULL), 0x01020304);

    memory_region_set_alias_offset(&win, 0x3000);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x100010, &s));
    CU_ASSERT(section_is(&s, &ram, 0x100000, 0x1000, 0x3000));
    address_space_stb(&b.as, 0x100fff, 0x5a, NULL);
    CU_ASSERT_EQUAL(host[0x3fff], 0x5a);

    memory_region_destroy(&win);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_alias_into_io(void)
{
    Board b;
    TestDev dev;
    MemoryRegion win, tail;
    MemoryRegionSection s;
    MemTxResult r;
    uint64_t v;

    board_init(&b);
    dev_init(&dev, &ops_default, "dev", 0x100);
    memory_region_init_alias(&win, NULL, "win", &dev.mr, 0x40, 0x20);
    /* A window that runs past the end of its target. */
    memory_region_init_alias(&tail, NULL, "tail", &dev.mr, 0xf0, 0x20);
    memory_region_add_subregion(&b.sys, 0x5000, &win);
    memory_region_add_subregion(&b.sys, 0x6000, &tail);

    dev.regs[0x44] = 0x99;
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x5004, &r), 0x99);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL(dev.n, 1);
    CU_ASSERT(access_is(&dev.log[0], false, 0x44, 0x99, 4));

    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x6000, &s));
    CU_ASSERT(section_is(&s, &dev.mr, 0x6000, 0x10, 0xf0));
    CU_ASSERT_FALSE(address_space_lookup(&b.as, 0x6010, &s));
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x6010, &r), 0xffffffff);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);

    /* Direct dispatch follows the alias too. */
    CU_ASSERT_EQUAL(memory_region_dispatch_write(&win, 0x8, 0xab, 1), MEMTX_OK);
    CU_ASSERT_EQUAL(dev.regs[0x48], 0xab);
    CU_ASSERT_EQUAL(memory_region_dispatch_read(&win, 0x20, &v, 1),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(v, 0xff);

    memory_region_destroy(&tail);
    memory_region_destroy(&win);
    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

/* A 2^64 region at low priority catches everything; the top byte works. */
static void test_whole_space(void)
{
    Board b;
    TestDev bg;
    MemoryRegion ram;
    MemoryRegionSection s;
    uint8_t buf[4];
    MemTxResult r;

    board_init(&b);
    dev_init(&bg, &ops_default, "background", UINT64_MAX);
    memory_region_add_subregion_overlap(&b.sys, 0, &bg.mr, -1);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x1234, &s));
    CU_ASSERT(section_is(&s, &bg.mr, 0, UINT64_MAX, 0));

    ram_init(&ram, "ram", 0x1000);
    memory_region_add_subregion(&b.sys, 0x1000, &ram);
    CU_ASSERT_FATAL(address_space_lookup(&b.as, UINT64_MAX, &s));
    CU_ASSERT(section_is(&s, &bg.mr, 0x2000, UINT64_MAX - 0x2000 + 1, 0x2000));

    /* Two bytes at the very top of the space, two past 2^64. */
    memset(buf, 0, sizeof(buf));
    bg.regs[0xfe] = 0x11;
    bg.regs[0xff] = 0x22;
    r = address_space_read(&b.as, UINT64_MAX - 1, buf, sizeof(buf));
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(buf[0], 0x11);
    CU_ASSERT_EQUAL(buf[1], 0x22);
    CU_ASSERT_EQUAL(buf[2], 0xff);
    CU_ASSERT_EQUAL(buf[3], 0xff);
    CU_ASSERT_EQUAL(bg.n, 1);
    CU_ASSERT(access_is(&bg.log[0], false, UINT64_MAX - 1, 0x2211, 2));

    memory_region_destroy(&ram);
    memory_region_destroy(&bg.mr);
    board_destroy(&b);
}

/* ---- Access sizes -------------------------------------------------------- */

static const MemoryRegionOps ops_impl1 = {
    .read = dev_read,
    .write = dev_write,
    .impl.max_access_size = 1,
};

static void test_split_to_bytes(void)
{
    Board b;
    TestDev dev;
    MemTxResult r;

    board_init(&b);
    dev_init(&dev, &ops_impl1, "bytes", 0x100);
    memory_region_add_subregion(&b.sys, 0x1000, &dev.mr);

    address_space_stl_le(&b.as, 0x1010, 0x44332211, &r);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL_FATAL(dev.n, 4);
    CU_ASSERT(access_is(&dev.log[0], true, 0x10, 0x11, 1));
    CU_ASSERT(access_is(&dev.log[1], true, 0x11, 0x22, 1));
    CU_ASSERT(access_is(&dev.log[2], true, 0x12, 0x33, 1));
    CU_ASSERT(access_is(&dev.log[3], true, 0x13, 0x44, 1));

    dev.n = 0;
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x1010, &r), 0x44332211);
    CU_ASSERT_EQUAL_FATAL(dev.n, 4);
    for (unsigned i = 0; i < 4; i++) {
        CU_ASSERT(access_is(&dev.log[i], false, 0x10 + i, 0x11 * (i + 1), 1));
    }

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static const MemoryRegionOps ops_valid8_impl4 = {
    .read = dev_read,
    .write = dev_write,
    .valid.max_access_size = 8,
    .impl.max_access_size = 4,
};

static void test_split_8_to_4(void)
{
    Board b;
    TestDev dev;
    MemTxResult r;

    board_init(&b);
    dev_init(&dev, &ops_valid8_impl4, "dwords", 0x100);
    memory_region_add_subregion(&b.sys, 0x2000, &dev.mr);

    address_space_stq_le(&b.as, 0x2008, 0x8877665544332211ULL, &r);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL_FATAL(dev.n, 2);
    CU_ASSERT(access_is(&dev.log[0], true, 0x8, 0x44332211, 4));
    CU_ASSERT(access_is(&dev.log[1], true, 0xc, 0x88776655, 4));

    dev.n = 0;
    CU_ASSERT_EQUAL(address_space_ldq_le(&b.as, 0x2008, &r),
                    0x8877665544332211ULL);
    CU_ASSERT_EQUAL(dev.n, 2);
    CU_ASSERT(access_is(&dev.log[0], false, 0x8, 0x44332211, 4));
    CU_ASSERT(access_is(&dev.log[1], false, 0xc, 0x88776655, 4));

    /* A 16-byte buffer becomes two 8-byte guest accesses, four callbacks. */
    dev.n = 0;
    {
        uint8_t buf[16] = {0};

        CU_ASSERT_EQUAL(address_space_write(&b.as, 0x2020, buf, 16), MEMTX_OK);
        CU_ASSERT_EQUAL(dev.n, 4);
        CU_ASSERT(access_is(&dev.log[3], true, 0x2c, 0, 4));
    }

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static const MemoryRegionOps ops_unaligned_ok = {
    .read = dev_read,
    .write = dev_write,
    .valid.unaligned = true,
};

/* The guest may access unaligned, the callbacks only see aligned pieces. */
static void test_split_unaligned(void)
{
    Board b;
    TestDev dev;

    board_init(&b);
    dev_init(&dev, &ops_unaligned_ok, "unaligned", 0x100);
    memory_region_add_subregion(&b.sys, 0x0, &dev.mr);

    address_space_stl_le(&b.as, 0x1, 0xddccbbaa, NULL);
    CU_ASSERT_EQUAL_FATAL(dev.n, 3);
    CU_ASSERT(access_is(&dev.log[0], true, 0x1, 0xaa, 1));
    CU_ASSERT(access_is(&dev.log[1], true, 0x2, 0xccbb, 2));
    CU_ASSERT(access_is(&dev.log[2], true, 0x4, 0xdd, 1));
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x1, NULL), 0xddccbbaa);

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static const MemoryRegionOps ops_impl_min4 = {
    .read = dev_read,
    .write = dev_write,
    .impl.min_access_size = 4,
};

static void test_widen_rmw(void)
{
    Board b;
    TestDev dev;
    MemTxResult r;

    board_init(&b);
    dev_init(&dev, &ops_impl_min4, "dword-only", 0x100);
    memory_region_add_subregion(&b.sys, 0x3000, &dev.mr);
    dev.regs[0x10] = 0xdd;
    dev.regs[0x11] = 0xcc;
    dev.regs[0x12] = 0xbb;
    dev.regs[0x13] = 0xaa;

    address_space_stb(&b.as, 0x3013, 0x11, &r);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL_FATAL(dev.n, 2);
    CU_ASSERT(access_is(&dev.log[0], false, 0x10, 0xaabbccdd, 4));
    CU_ASSERT(access_is(&dev.log[1], true, 0x10, 0x11bbccdd, 4));

    dev.n = 0;
    CU_ASSERT_EQUAL(address_space_ldub(&b.as, 0x3012, &r), 0xbb);
    CU_ASSERT_EQUAL(dev.n, 1);
    CU_ASSERT(access_is(&dev.log[0], false, 0x10, 0x11bbccdd, 4));
    CU_ASSERT_EQUAL(address_space_lduw_le(&b.as, 0x3012, NULL), 0x11bb);

    dev.n = 0;
    address_space_stw_le(&b.as, 0x3010, 0x3344, NULL);
    CU_ASSERT_EQUAL(dev.n, 2);
    CU_ASSERT(access_is(&dev.log[1], true, 0x10, 0x11bb3344, 4));

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static const MemoryRegionOps ops_dword_only = {
    .read = dev_read,
    .write = dev_write,
    .valid.min_access_size = 4,
    .valid.max_access_size = 4,
};

static void test_valid_rejects(void)
{
    Board b;
    TestDev dev;
    LogCapture cap;
    g_autofree char *text = NULL;
    MemTxResult r;
    uint8_t buf[8];

    board_init(&b);
    dev_init(&dev, &ops_dword_only, "strict", 0x100);
    memory_region_add_subregion(&b.sys, 0x4000, &dev.mr);
    memset(dev.regs, 0x5a, sizeof(dev.regs));

    log_capture_start(&cap);
    CU_ASSERT_EQUAL(address_space_ldub(&b.as, 0x4000, &r), 0xff);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x4002, &r), 0xffffffff);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(address_space_ldq_le(&b.as, 0x4000, &r), UINT64_MAX);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    address_space_stw_le(&b.as, 0x4000, 0, &r);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    text = log_capture_end(&cap);
    CU_ASSERT_EQUAL(dev.n, 0);
    CU_ASSERT_EQUAL(dev.regs[0], 0x5a);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "invalid 1-byte read"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "'strict'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "unaligned"));

    /* Allowed: an aligned dword, and a buffer cut into dwords. */
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x4004, &r), 0x5a5a5a5a);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL(address_space_read(&b.as, 0x4008, buf, 8), MEMTX_OK);
    CU_ASSERT_EQUAL(dev.n, 3);

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static void test_unassigned(void)
{
    Board b;
    MemoryRegion io_root;
    AddressSpace io;
    LogCapture cap;
    g_autofree char *text = NULL;
    uint8_t buf[16];
    MemTxResult r;
    uint64_t v = 0;

    board_init(&b);
    memory_region_init(&io_root, NULL, "io", 0x10000);
    address_space_init(&io, &io_root, "I/O");

    log_capture_start(&cap);
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0x500000, &r), 0xffffffff);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    address_space_stl_le(&b.as, 0x500000, 0, &r);
    CU_ASSERT_EQUAL(r, MEMTX_DECODE_ERROR);
    memset(buf, 0, sizeof(buf));
    CU_ASSERT_EQUAL(address_space_read(&b.as, 0x10, buf, sizeof(buf)),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(buf[0], 0xff);
    CU_ASSERT_EQUAL(buf[15], 0xff);
    CU_ASSERT_EQUAL(address_space_dispatch_io(&io, 0x80, &v, 1, false),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(v, 0xff);
    /* Past the end of a 64 KiB port space. */
    CU_ASSERT_EQUAL(address_space_dispatch_io(&io, 0xffff, &v, 2, false),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(v, 0xffff);
    text = log_capture_end(&cap);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "memory: unassigned read of 4 byte(s) at 0x500000"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "memory: unassigned write of 4 byte(s) at 0x500000"));
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "I/O: unassigned read"));

    address_space_destroy(&io);
    memory_region_destroy(&io_root);
    board_destroy(&b);
}

/* ---- Piecewise accesses -------------------------------------------------- */

static void test_rw_across_two_rams(void)
{
    Board b;
    MemoryRegion lo, hi;
    uint8_t *lo_host, *hi_host;
    uint8_t out[0x100], in[0x100];
    uint64_t v = 0;

    board_init(&b);
    ram_init(&lo, "lo", 0x1000);
    ram_init(&hi, "hi", 0x1000);
    memory_region_add_subregion(&b.sys, 0, &lo);
    memory_region_add_subregion(&b.sys, 0x1000, &hi);
    lo_host = memory_region_get_ram_ptr(&lo);
    hi_host = memory_region_get_ram_ptr(&hi);

    for (unsigned i = 0; i < sizeof(out); i++) {
        out[i] = i;
    }
    CU_ASSERT_EQUAL(address_space_rw(&b.as, 0xf80, out, sizeof(out), true),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(lo_host + 0xf80, out, 0x80), 0);
    CU_ASSERT_EQUAL(memcmp(hi_host, out + 0x80, 0x80), 0);
    memset(in, 0, sizeof(in));
    CU_ASSERT_EQUAL(address_space_rw(&b.as, 0xf80, in, sizeof(in), false),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(in, out, sizeof(out)), 0);

    /* One CPU-sized access straddling the two regions. */
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0xffe, NULL), 0x81807f7e);
    v = 0xa1a2a3a4a5a6a7a8ULL;
    CU_ASSERT_EQUAL(address_space_dispatch_io(&b.as, 0xffc, &v, 8, true),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(lo_host[0xfff], 0xa5);
    CU_ASSERT_EQUAL(hi_host[0], 0xa4);
    CU_ASSERT_EQUAL(hi_host[3], 0xa1);

    memory_region_destroy(&hi);
    memory_region_destroy(&lo);
    board_destroy(&b);
}

static void test_rw_ram_io_hole(void)
{
    Board b;
    MemoryRegion ram;
    TestDev dev;
    uint8_t buf[0x24];
    uint8_t *host;

    board_init(&b);
    ram_init(&ram, "ram", 0x1000);
    dev_init(&dev, &ops_default, "dev", 0x10);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion(&b.sys, 0x1000, &dev.mr);
    host = memory_region_get_ram_ptr(&ram);

    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = 0x40 + i;
    }
    /* 16 bytes of RAM, 16 of I/O (four dwords), 4 of nothing. */
    CU_ASSERT_EQUAL(address_space_write(&b.as, 0xff0, buf, sizeof(buf)),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(memcmp(host + 0xff0, buf, 16), 0);
    CU_ASSERT_EQUAL_FATAL(dev.n, 4);
    CU_ASSERT(access_is(&dev.log[0], true, 0x0, 0x53525150, 4));
    CU_ASSERT(access_is(&dev.log[3], true, 0xc, 0x5f5e5d5c, 4));

    memset(buf, 0, sizeof(buf));
    CU_ASSERT_EQUAL(address_space_read(&b.as, 0xff0, buf, sizeof(buf)),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(buf[0], 0x40);
    CU_ASSERT_EQUAL(buf[0x10], 0x50);
    CU_ASSERT_EQUAL(buf[0x1f], 0x5f);
    CU_ASSERT_EQUAL(buf[0x20], 0xff);

    memory_region_destroy(&dev.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_dispatch_io_one_callback(void)
{
    Board b;
    TestDev dev;
    uint64_t v;

    board_init(&b);
    dev_init(&dev, &ops_default, "port", 0x8);
    memory_region_add_subregion(&b.sys, 0x3f8, &dev.mr);

    for (unsigned size = 1; size <= 4; size *= 2) {
        dev.n = 0;
        v = 0x12345678;
        CU_ASSERT_EQUAL(address_space_dispatch_io(&b.as, 0x3f8, &v, size, true),
                        MEMTX_OK);
        CU_ASSERT_EQUAL(dev.n, 1);
        CU_ASSERT(access_is(&dev.log[0], true, 0,
                            0x12345678 & ((1ULL << (size * 8)) - 1), size));
        v = ~0ULL;
        CU_ASSERT_EQUAL(
            address_space_dispatch_io(&b.as, 0x3f8, &v, size, false), MEMTX_OK);
        CU_ASSERT_EQUAL(dev.n, 2);
        CU_ASSERT_EQUAL(v, 0x12345678 & ((1ULL << (size * 8)) - 1));
    }

    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

/* A register write that moves the device (a BAR) in mid-access. */
static void move_self(TestDev *d)
{
    memory_region_set_address(&d->mr, 0x9000);
}

static void test_callback_changes_map(void)
{
    Board b;
    TestDev dev;
    MemoryRegion ram;
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    MemoryRegionSection s;
    uint8_t *host;

    board_init(&b);
    dev_init(&dev, &ops_default, "bar", 0x4);
    ram_init(&ram, "ram", 0x1000);
    memory_region_add_subregion(&b.sys, 0x1000, &ram);
    memory_region_add_subregion(&b.sys, 0xffc, &dev.mr);
    host = memory_region_get_ram_ptr(&ram);
    dev.on_write = move_self;

    /*
     * The device's callback re-renders the map; the rest of the access
     * goes on with the view it started with, which stays alive until then
     * (ASan would catch a use after free).
     */
    CU_ASSERT_EQUAL(address_space_write(&b.as, 0xffc, buf, 8), MEMTX_OK);
    CU_ASSERT_EQUAL(dev.n, 1);
    CU_ASSERT(access_is(&dev.log[0], true, 0, 0x04030201, 4));
    CU_ASSERT_EQUAL(host[0], 5);
    CU_ASSERT_EQUAL(host[3], 8);
    CU_ASSERT_FALSE(address_space_lookup(&b.as, 0xffc, &s));
    CU_ASSERT_FATAL(address_space_lookup(&b.as, 0x9000, &s));
    CU_ASSERT(s.mr == &dev.mr);

    memory_region_destroy(&ram);
    memory_region_destroy(&dev.mr);
    board_destroy(&b);
}

static void test_rom(void)
{
    Board b;
    MemoryRegion rom;
    EventLog log = {0};
    TestListener tl;
    const uint8_t image[4] = {0xea, 0x5b, 0xe0, 0x00};
    uint8_t *host;
    MemTxResult r;

    board_init(&b);
    CU_ASSERT_FATAL(memory_region_init_rom(&rom, NULL, "bios", 0x10000, NULL));
    memory_region_add_subregion(&b.sys, 0xf0000, &rom);
    host = memory_region_get_ram_ptr(&rom);
    CU_ASSERT(memory_region_is_ram(&rom));
    CU_ASSERT(memory_region_is_rom(&rom));

    CU_ASSERT_EQUAL(address_space_write_rom(&b.as, 0xffff0, image, 4),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(host[0xfff0], 0xea);
    CU_ASSERT_EQUAL(address_space_ldl_le(&b.as, 0xffff0, NULL), 0x00e05bea);
    address_space_stl_le(&b.as, 0xffff0, 0, &r);
    CU_ASSERT_EQUAL(r, MEMTX_OK);
    CU_ASSERT_EQUAL(host[0xfff0], 0xea);
    CU_ASSERT_EQUAL(address_space_write(&b.as, 0xffff0, "xxxx", 4), MEMTX_OK);
    CU_ASSERT_EQUAL(host[0xfff1], 0x5b);
    /* A loader's write that leaves the ROM writes nothing. */
    CU_ASSERT_EQUAL(address_space_write_rom(&b.as, 0xffffe, image, 4),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(host[0xfffe], 0);

    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);
    assert_kinds(&log, "bac");
    CU_ASSERT(log.ev[1].s.readonly);
    CU_ASSERT(section_is(&log.ev[1].s, &rom, 0xf0000, 0x10000, 0));
    memory_listener_unregister(&tl.listener);

    memory_region_destroy(&rom);
    board_destroy(&b);
}

/* ---- Listeners ----------------------------------------------------------- */

static void test_listener_replay(void)
{
    Board b;
    MemoryRegion ram, ram2;
    TestDev dev;
    EventLog log = {0};
    TestListener tl;

    board_init(&b);
    ram_init(&ram, "ram", 0x10000);
    ram_init(&ram2, "high", 0x10000);
    dev_init(&dev, &ops_default, "dev", 0x1000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion(&b.sys, 0x100000, &dev.mr);
    memory_region_add_subregion(&b.sys, 0x200000, &ram2);

    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);
    assert_kinds(&log, "baaac");
    CU_ASSERT(section_is(&log.ev[1].s, &ram, 0, 0x10000, 0));
    CU_ASSERT(section_is(&log.ev[2].s, &dev.mr, 0x100000, 0x1000, 0));
    CU_ASSERT(section_is(&log.ev[3].s, &ram2, 0x200000, 0x10000, 0));

    log.n = 0;
    memory_listener_unregister(&tl.listener);
    assert_kinds(&log, "bdddc");
    CU_ASSERT(section_is(&log.ev[3].s, &ram2, 0x200000, 0x10000, 0));
    CU_ASSERT_PTR_NULL(tl.listener.address_space);

    /* Unregistered: hears nothing more. */
    log.n = 0;
    memory_region_set_enabled(&ram, false);
    CU_ASSERT_EQUAL(log.n, 0);
    memory_listener_unregister(&tl.listener);
    CU_ASSERT_EQUAL(log.n, 0);

    memory_region_destroy(&ram2);
    memory_region_destroy(&dev.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_listener_add_del(void)
{
    Board b;
    MemoryRegion ram;
    EventLog log = {0};
    TestListener tl;

    board_init(&b);
    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);
    assert_kinds(&log, "bc");

    log.n = 0;
    ram_init(&ram, "ram", 0x10000);
    memory_region_add_subregion(&b.sys, 0x100000, &ram);
    assert_kinds(&log, "bac");
    CU_ASSERT(section_is(&log.ev[1].s, &ram, 0x100000, 0x10000, 0));
    CU_ASSERT_FALSE(log.ev[1].s.readonly);

    log.n = 0;
    memory_region_del_subregion(&b.sys, &ram);
    assert_kinds(&log, "bdc");
    CU_ASSERT(section_is(&log.ev[1].s, &ram, 0x100000, 0x10000, 0));

    /* Destroying a mapped region unmaps it first. */
    memory_region_add_subregion(&b.sys, 0x100000, &ram);
    log.n = 0;
    memory_region_destroy(&ram);
    assert_kinds(&log, "bdc");

    /* The address space's end unregisters its listeners. */
    log.n = 0;
    board_destroy(&b);
    assert_kinds(&log, "bc");
    CU_ASSERT_PTR_NULL(tl.listener.address_space);
}

static void test_listener_enable_move(void)
{
    Board b;
    MemoryRegion ram;
    TestDev dev;
    EventLog log = {0};
    TestListener tl;

    board_init(&b);
    ram_init(&ram, "ram", 0x10000);
    dev_init(&dev, &ops_default, "bar", 0x1000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    memory_region_add_subregion(&b.sys, 0xe0000000, &dev.mr);
    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);

    log.n = 0;
    memory_region_set_enabled(&ram, false);
    assert_kinds(&log, "bdc");
    CU_ASSERT(log.ev[1].s.mr == &ram);
    log.n = 0;
    memory_region_set_enabled(&ram, false);
    CU_ASSERT_EQUAL(log.n, 0);
    memory_region_set_enabled(&ram, true);
    assert_kinds(&log, "bac");
    CU_ASSERT(section_is(&log.ev[1].s, &ram, 0, 0x10000, 0));

    log.n = 0;
    memory_region_set_address(&dev.mr, 0xe0100000);
    assert_kinds(&log, "bdac");
    CU_ASSERT(section_is(&log.ev[1].s, &dev.mr, 0xe0000000, 0x1000, 0));
    CU_ASSERT(section_is(&log.ev[2].s, &dev.mr, 0xe0100000, 0x1000, 0));

    /* A resize is a change too. */
    log.n = 0;
    memory_region_set_size(&ram, 0x8000);
    assert_kinds(&log, "bdac");
    CU_ASSERT(section_is(&log.ev[2].s, &ram, 0, 0x8000, 0));

    memory_listener_unregister(&tl.listener);
    memory_region_destroy(&dev.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

/* An I/O region over the middle of RAM: one del, three adds, dels first. */
static void test_listener_overlay_split(void)
{
    Board b;
    MemoryRegion ram;
    TestDev vga;
    EventLog log = {0};
    TestListener tl;

    board_init(&b);
    ram_init(&ram, "ram", 1 * MiB);
    dev_init(&vga, &ops_default, "vga", 0x20000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);

    log.n = 0;
    memory_region_add_subregion_overlap(&b.sys, 0xa0000, &vga.mr, 1);
    assert_kinds(&log, "bdaaac");
    CU_ASSERT(section_is(&log.ev[1].s, &ram, 0, 1 * MiB, 0));
    CU_ASSERT(section_is(&log.ev[2].s, &ram, 0, 0xa0000, 0));
    CU_ASSERT(section_is(&log.ev[3].s, &vga.mr, 0xa0000, 0x20000, 0));
    CU_ASSERT(section_is(&log.ev[4].s, &ram, 0xc0000, 0x40000, 0xc0000));

    /* Gone again: the RAM pieces merge back into one section. */
    log.n = 0;
    memory_region_del_subregion(&b.sys, &vga.mr);
    assert_kinds(&log, "bdddac");
    CU_ASSERT(section_is(&log.ev[4].s, &ram, 0, 1 * MiB, 0));

    /* Hiding a region that is fully covered changes nothing visible. */
    memory_region_add_subregion_overlap(&b.sys, 0xa0000, &vga.mr, -1);
    log.n = 0;
    memory_region_set_enabled(&vga.mr, false);
    CU_ASSERT_EQUAL(log.n, 0);

    memory_listener_unregister(&tl.listener);
    memory_region_destroy(&vga.mr);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

static void test_listener_transaction(void)
{
    Board b;
    MemoryRegion r1, r2, r3;
    EventLog log = {0};
    TestListener tl;

    board_init(&b);
    tl_init(&tl, &log, 0, 0);
    memory_listener_register(&tl.listener, &b.as);
    log.n = 0;
    ram_init(&r1, "r1", 0x1000);
    ram_init(&r2, "r2", 0x1000);
    ram_init(&r3, "r3", 0x1000);

    memory_region_transaction_begin();
    memory_region_add_subregion(&b.sys, 0x0000, &r1);
    memory_region_add_subregion(&b.sys, 0x4000, &r2);
    memory_region_transaction_begin();
    memory_region_add_subregion(&b.sys, 0x8000, &r3);
    memory_region_set_address(&r2, 0x2000);
    memory_region_transaction_commit();
    CU_ASSERT_EQUAL(log.n, 0); /* the inner commit renders nothing */
    /* Nor does the map change until the outermost commit. */
    CU_ASSERT_EQUAL(address_space_ldub(&b.as, 0x2000, NULL), 0xff);
    memory_region_transaction_commit();

    assert_kinds(&log, "baaac");
    CU_ASSERT(section_is(&log.ev[1].s, &r1, 0x0000, 0x1000, 0));
    CU_ASSERT(section_is(&log.ev[2].s, &r2, 0x2000, 0x1000, 0));
    CU_ASSERT(section_is(&log.ev[3].s, &r3, 0x8000, 0x1000, 0));
    CU_ASSERT_EQUAL(address_space_ldub(&b.as, 0x2000, NULL), 0);

    /* Changes that cancel out within a transaction notify nobody. */
    log.n = 0;
    memory_region_transaction_begin();
    memory_region_set_enabled(&r1, false);
    memory_region_set_enabled(&r1, true);
    memory_region_transaction_commit();
    CU_ASSERT_EQUAL(log.n, 0);

    memory_listener_unregister(&tl.listener);
    memory_region_destroy(&r3);
    memory_region_destroy(&r2);
    memory_region_destroy(&r1);
    board_destroy(&b);
}

static void test_listener_priority_order(void)
{
    Board b;
    MemoryRegion ram;
    EventLog log = {0};
    TestListener late, early;

    board_init(&b);
    tl_init(&late, &log, 10, 10);
    tl_init(&early, &log, 1, 1);
    memory_listener_register(&late.listener, &b.as);
    memory_listener_register(&early.listener, &b.as);
    ram_init(&ram, "ram", 0x1000);
    memory_region_add_subregion(&b.sys, 0, &ram);
    log.n = 0;

    memory_region_set_address(&ram, 0x1000);
    assert_kinds(&log, "bbddaacc");
    CU_ASSERT_EQUAL(log.ev[0].who, 1);
    CU_ASSERT_EQUAL(log.ev[1].who, 10);
    CU_ASSERT_EQUAL(log.ev[2].who, 10); /* del: descending */
    CU_ASSERT_EQUAL(log.ev[3].who, 1);
    CU_ASSERT_EQUAL(log.ev[4].who, 1); /* add: ascending */
    CU_ASSERT_EQUAL(log.ev[5].who, 10);
    CU_ASSERT_EQUAL(log.ev[6].who, 1);

    memory_listener_unregister(&early.listener);
    memory_listener_unregister(&late.listener);
    memory_region_destroy(&ram);
    board_destroy(&b);
}

/* ---- DMA ----------------------------------------------------------------- */

typedef struct DmaBoard {
    Board b;
    MemoryRegion lo, hi;
    TestDev dev;
    uint8_t *lo_host, *hi_host;
} DmaBoard;

/* RAM [0, 64K) and [64K, 128K) (two regions), MMIO at 128K, hole after. */
static void dma_board_init(DmaBoard *d)
{
    board_init(&d->b);
    ram_init(&d->lo, "lo", 0x10000);
    ram_init(&d->hi, "hi", 0x10000);
    dev_init(&d->dev, &ops_default, "mmio", 0x1000);
    memory_region_add_subregion(&d->b.sys, 0, &d->lo);
    memory_region_add_subregion(&d->b.sys, 0x10000, &d->hi);
    memory_region_add_subregion(&d->b.sys, 0x20000, &d->dev.mr);
    d->lo_host = memory_region_get_ram_ptr(&d->lo);
    d->hi_host = memory_region_get_ram_ptr(&d->hi);
}

static void dma_board_destroy(DmaBoard *d)
{
    memory_region_destroy(&d->dev.mr);
    memory_region_destroy(&d->hi);
    memory_region_destroy(&d->lo);
    board_destroy(&d->b);
}

static void test_dma_within_ram(void)
{
    DmaBoard d;
    uint8_t buf[32], back[32];

    dma_board_init(&d);
    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = 0x80 | i;
    }
    CU_ASSERT_EQUAL(dma_memory_write(&d.b.as, 0xfff0, buf, 32), MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(d.lo_host + 0xfff0, buf, 16), 0);
    CU_ASSERT_EQUAL(memcmp(d.hi_host, buf + 16, 16), 0);
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0xfff0, back, 32), MEMTX_OK);
    CU_ASSERT_EQUAL(memcmp(back, buf, 32), 0);
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0x1fff0, back, 16), MEMTX_OK);
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0x50000, back, 0), MEMTX_OK);
    dma_board_destroy(&d);
}

static void test_dma_refuses(void)
{
    DmaBoard d;
    uint8_t buf[32], pattern[32];
    LogCapture cap;
    g_autofree char *text = NULL;

    dma_board_init(&d);
    memset(pattern, 0x3c, sizeof(pattern));

    log_capture_start(&cap);
    /* Leaves RAM into MMIO: no callback, nothing copied either way. */
    memcpy(buf, pattern, sizeof(buf));
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0x1fff0, buf, 32),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(memcmp(buf, pattern, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(dma_memory_write(&d.b.as, 0x1fff0, pattern, 32),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(d.hi_host[0xfff0], 0);
    CU_ASSERT_EQUAL(dma_memory_write(&d.b.as, 0x20000, pattern, 4),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(d.dev.n, 0);

    /* Starts in RAM and runs into the hole. */
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0x10000, buf, 0x20000),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(memcmp(buf, pattern, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 0x40000000, buf, 1),
                    MEMTX_DECODE_ERROR);

    /* Ranges that wrap past 2^64, or end just before it. */
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, UINT64_MAX - 3, buf, 8),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(dma_memory_write(&d.b.as, 0x10, pattern, UINT64_MAX),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(dma_memory_read(&d.b.as, 1, buf, UINT64_MAX),
                    MEMTX_DECODE_ERROR);
    CU_ASSERT_EQUAL(memcmp(buf, pattern, sizeof(buf)), 0);
    CU_ASSERT_EQUAL(d.lo_host[0x10], 0);
    text = log_capture_end(&cap);
    CU_ASSERT_EQUAL(d.dev.n, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(text, "memory: DMA read of 32 byte(s) at "
                                        "0x1fff0 refused"));

    dma_board_destroy(&d);
}

static void test_dma_rom(void)
{
    Board b;
    MemoryRegion rom;
    uint8_t buf[4] = {1, 2, 3, 4};
    hwaddr len = 4;

    board_init(&b);
    CU_ASSERT_FATAL(memory_region_init_rom(&rom, NULL, "rom", 0x1000, NULL));
    memory_region_add_subregion(&b.sys, 0x1000, &rom);
    CU_ASSERT_EQUAL(dma_memory_write(&b.as, 0x1000, buf, 4), MEMTX_ERROR);
    CU_ASSERT_EQUAL(((uint8_t *)memory_region_get_ram_ptr(&rom))[0], 0);
    CU_ASSERT_EQUAL(dma_memory_read(&b.as, 0x1000, buf, 4), MEMTX_OK);
    CU_ASSERT_EQUAL(buf[0], 0);
    CU_ASSERT_PTR_NULL(dma_memory_map(&b.as, 0x1000, &len, true));
    CU_ASSERT_EQUAL(len, 0);
    len = 4;
    CU_ASSERT_PTR_EQUAL(dma_memory_map(&b.as, 0x1000, &len, false),
                        memory_region_get_ram_ptr(&rom));
    dma_memory_unmap(&b.as, memory_region_get_ram_ptr(&rom), 4, false, 4);
    memory_region_destroy(&rom);
    board_destroy(&b);
}

static void test_dma_map(void)
{
    DmaBoard d;
    MemoryRegion part1, part2;
    uint8_t *host = g_malloc0(0x2000);
    hwaddr len;
    void *p;

    dma_board_init(&d);

    len = 0x100;
    p = dma_memory_map(&d.b.as, 0x1000, &len, true);
    CU_ASSERT_PTR_EQUAL(p, d.lo_host + 0x1000);
    CU_ASSERT_EQUAL(len, 0x100);
    CU_ASSERT_EQUAL(d.b.as.dma_maps, 1);
    dma_memory_unmap(&d.b.as, p, len, true, len);
    CU_ASSERT_EQUAL(d.b.as.dma_maps, 0);

    /* Into MMIO, into a hole, past 2^64, empty. */
    len = 0x20;
    CU_ASSERT_PTR_NULL(dma_memory_map(&d.b.as, 0x1fff0, &len, false));
    CU_ASSERT_EQUAL(len, 0);
    len = 0x10;
    CU_ASSERT_PTR_NULL(dma_memory_map(&d.b.as, 0x30000, &len, false));
    len = 0x10;
    CU_ASSERT_PTR_NULL(dma_memory_map(&d.b.as, UINT64_MAX - 7, &len, false));
    len = 0;
    CU_ASSERT_PTR_NULL(dma_memory_map(&d.b.as, 0x1000, &len, false));

    /* All RAM but two host allocations: no single pointer. */
    len = 0x20;
    CU_ASSERT_PTR_NULL(dma_memory_map(&d.b.as, 0xfff0, &len, false));
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_EQUAL(d.dev.n, 0);
    CU_ASSERT_EQUAL(d.b.as.dma_maps, 0);

    /* Two regions, one host run: mapped as one. */
    memory_region_del_subregion(&d.b.sys, &d.dev.mr);
    memory_region_init_ram_ptr(&part1, NULL, "part1", 0x1000, host);
    memory_region_init_ram_ptr(&part2, NULL, "part2", 0x1000, host + 0x1000);
    memory_region_add_subregion(&d.b.sys, 0x40000, &part1);
    memory_region_add_subregion(&d.b.sys, 0x41000, &part2);
    len = 0x100;
    p = dma_memory_map(&d.b.as, 0x40f80, &len, false);
    CU_ASSERT_PTR_EQUAL(p, host + 0xf80);
    CU_ASSERT_EQUAL(len, 0x100);
    dma_memory_unmap(&d.b.as, p, len, false, 0);

    memory_region_destroy(&part2);
    memory_region_destroy(&part1);
    g_free(host);
    dma_board_destroy(&d);
}

/* ---- Odds and ends ------------------------------------------------------- */

static void test_ram_errors(void)
{
    MemoryRegion mr;
    Error *err = NULL;

    CU_ASSERT_FALSE(memory_region_init_ram(&mr, NULL, "empty", 0, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "'empty'"));
    error_free(err);
    err = NULL;
    CU_ASSERT_FALSE(
        memory_region_init_ram(&mr, NULL, "huge", 1ULL << 62, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "'huge'"));
    error_free(err);
    /* A region left by a failed init destroys as a no-op. */
    CU_ASSERT_EQUAL(mr.kind, MEMORY_REGION_NONE);
    memory_region_destroy(&mr);
}

/* Big RAM is 2 MiB aligned for huge pages, all of it usable. */
static void test_ram_huge_aligned(void)
{
    MemoryRegion big, small;
    uint8_t *host;

    ram_init(&big, "big", 4 * MiB + 4 * KiB);
    ram_init(&small, "small", 100);
    host = memory_region_get_ram_ptr(&big);
    CU_ASSERT_EQUAL((uintptr_t)host % (2 * MiB), 0);
    host[0] = 1;
    host[4 * MiB + 4 * KiB - 1] = 2;
    CU_ASSERT_EQUAL(host[4 * MiB + 4 * KiB - 1], 2);
    host = memory_region_get_ram_ptr(&small);
    CU_ASSERT_EQUAL((uintptr_t)host % getpagesize(), 0);
    host[getpagesize() - 1] = 3; /* the page is ours */
    memory_region_destroy(&small);
    memory_region_destroy(&big);
}

static void test_ram_ptr_and_dump(void)
{
    Board b;
    MemoryRegion mr;
    TestDev dev;
    void *host = g_malloc0(0x2000);
    char *text = NULL;
    size_t size = 0;
    FILE *out;

    board_init(&b);
    memory_region_init_ram_ptr(&mr, NULL, "user", 0x2000, host);
    dev_init(&dev, &ops_default, "dev", 0x10);
    memory_region_add_subregion(&b.sys, 0x4000, &mr);
    memory_region_add_subregion(&b.sys, 0x8000, &dev.mr);
    address_space_stl_le(&b.as, 0x4004, 0xfeedface, NULL);
    CU_ASSERT_EQUAL(((uint8_t *)host)[4], 0xce);
    CU_ASSERT_STRING_EQUAL(address_space_name(&b.as), "memory");

    out = open_memstream(&text, &size);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    address_space_dump(&b.as, out);
    fclose(out);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "0000000000004000-0000000000005fff ram 'user' @0"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(text, "0000000000008000-000000000000800f i/o 'dev' @0"));
    free(text);

    memory_region_destroy(&dev.mr);
    memory_region_destroy(&mr);
    g_free(host);
    board_destroy(&b);
}

/* Recorder for the register-decode test: last access seen per region. */
typedef struct DecodeRec {
    hwaddr addr;
    uint64_t val;
    unsigned size;
    int writes;
} DecodeRec;

static void decode_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    DecodeRec *r = opaque;

    r->addr = addr;
    r->val = val;
    r->size = size;
    r->writes++;
}

static uint64_t decode_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0x11223344;
}

static const MemoryRegionOps decode_ops = {
    .read = decode_read,
    .write = decode_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/*
 * A dword at 0xCF8 reaches the 4-byte latch whole although a 1-byte
 * register at 0xCF9 sits above it; the byte at 0xCF9 reaches the byte
 * register.  (The pc's PCI address latch and PIIX reset register.)
 */
static void test_register_decode_by_first_byte(void)
{
    MemoryRegion root, latch, rcr;
    AddressSpace as;
    DecodeRec rl = {0}, rr = {0};
    uint64_t v = 0x80001800;

    memory_region_init(&root, NULL, "io", 0x10000);
    memory_region_init_io(&latch, NULL, &decode_ops, &rl, "latch", 4);
    memory_region_init_io(&rcr, NULL, &decode_ops, &rr, "rcr", 1);
    memory_region_add_subregion(&root, 0xcf8, &latch);
    memory_region_add_subregion_overlap(&root, 0xcf9, &rcr, 1);
    address_space_init(&as, &root, "io");

    CU_ASSERT_EQUAL(address_space_dispatch_io(&as, 0xcf8, &v, 4, true),
                    MEMTX_OK);
    CU_ASSERT_EQUAL(rl.writes, 1);
    CU_ASSERT_EQUAL(rl.size, 4);
    CU_ASSERT_EQUAL(rl.val, 0x80001800);
    CU_ASSERT_EQUAL(rr.writes, 0);
    v = 0x06;
    address_space_dispatch_io(&as, 0xcf9, &v, 1, true);
    CU_ASSERT_EQUAL(rr.writes, 1);
    CU_ASSERT_EQUAL(rr.val, 0x06);
    CU_ASSERT_EQUAL(rl.writes, 1);
    /* A read of the dword also comes whole from the latch. */
    address_space_dispatch_io(&as, 0xcf8, &v, 4, false);
    CU_ASSERT_EQUAL(v, 0x11223344);

    address_space_destroy(&as);
    memory_region_destroy(&rcr);
    memory_region_destroy(&latch);
    memory_region_destroy(&root);
}

UNIT_SUITE(memory, NULL, NULL, UNIT_TEST(test_register_decode_by_first_byte),
           UNIT_TEST(test_ram_round_trip), UNIT_TEST(test_overlap_priority),
           UNIT_TEST(test_equal_priority_later_wins),
           UNIT_TEST(test_nested_containers), UNIT_TEST(test_partly_covered),
           UNIT_TEST(test_alias_into_ram), UNIT_TEST(test_alias_into_io),
           UNIT_TEST(test_whole_space), UNIT_TEST(test_split_to_bytes),
           UNIT_TEST(test_split_8_to_4), UNIT_TEST(test_split_unaligned),
           UNIT_TEST(test_widen_rmw), UNIT_TEST(test_valid_rejects),
           UNIT_TEST(test_unassigned), UNIT_TEST(test_rw_across_two_rams),
           UNIT_TEST(test_rw_ram_io_hole),
           UNIT_TEST(test_dispatch_io_one_callback),
           UNIT_TEST(test_callback_changes_map), UNIT_TEST(test_rom),
           UNIT_TEST(test_listener_replay), UNIT_TEST(test_listener_add_del),
           UNIT_TEST(test_listener_enable_move),
           UNIT_TEST(test_listener_overlay_split),
           UNIT_TEST(test_listener_transaction),
           UNIT_TEST(test_listener_priority_order),
           UNIT_TEST(test_dma_within_ram), UNIT_TEST(test_dma_refuses),
           UNIT_TEST(test_dma_rom), UNIT_TEST(test_dma_map),
           UNIT_TEST(test_ram_errors), UNIT_TEST(test_ram_huge_aligned),
           UNIT_TEST(test_ram_ptr_and_dump));
