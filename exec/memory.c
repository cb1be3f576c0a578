/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory map: region trees rendered to FlatViews, listener diffs, and
 * access dispatch (RAM by memcpy, I/O through MemoryRegionOps with the
 * .valid/.impl rules), after QEMU's softmmu/memory.c and physmem.c.
 * The contract (locking, lifetimes) is at the top of memory.h.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "exec/memory.h"

#include <sys/mman.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "kemu's memory dispatch assumes a little-endian host"
#endif

/*
 * Signed 128-bit arithmetic for rendering: range ends reach 2^64, and an
 * alias's target may start below address 0 of the view.
 */
typedef __int128 Int128;

#define INT128_2_64 ((Int128)1 << 64)

/* One piece of a FlatView; last is inclusive so a range may end at 2^64. */
typedef struct FlatRange {
    hwaddr start;
    hwaddr last;
    MemoryRegion *mr; /* RAM, ROM or I/O */
    hwaddr offset_in_region;
    bool readonly;
} FlatRange;

/* Sorted, non-overlapping ranges; holes are unassigned. */
struct FlatView {
    unsigned ref;
    unsigned nr;
    unsigned nr_allocated;
    FlatRange *ranges;
};

/*
 * The memory map's registry: the address spaces to re-render when a region
 * changes, and the transaction state.  It is process-wide because the
 * transaction API (QEMU's) takes no argument, and, like the type registry,
 * it is only touched under the machine lock.
 */
static struct {
    AddressSpace *address_spaces;
    unsigned transaction_depth;
    bool update_pending;
    unsigned flush_listeners; /* listeners with a coalesced_io_flush */
} memory_map;

/*
 * A coalesced range as an address space sees it: @len bytes at absolute
 * @addr, inside @section (the FlatView piece it was found in).
 */
struct CoalescedZone {
    hwaddr addr;
    uint64_t len;
    MemoryRegionSection section;
};

static Int128 mr_size128(const MemoryRegion *mr)
{
    return mr->size == UINT64_MAX ? INT128_2_64 : (Int128)mr->size;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

/* The widest access size (1, 2, 4 or 8) that is not above x (x >= 1). */
static unsigned access_width(uint64_t x)
{
    return x >= 8 ? 8 : x >= 4 ? 4 : x >= 2 ? 2 : 1;
}

static bool access_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---- Regions ------------------------------------------------------------- */

static void memory_map_changed(void)
{
    memory_region_transaction_begin();
    memory_map.update_pending = true;
    memory_region_transaction_commit();
}

static void mr_init_common(MemoryRegion *mr, MemoryRegionKind kind, void *owner,
                           const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->kind = kind;
    mr->owner = owner;
    mr->name = g_strdup(name ? name : "anonymous");
    mr->size = size;
    mr->enabled = true;
}

void memory_region_init(MemoryRegion *mr, void *owner, const char *name,
                        uint64_t size)
{
    mr_init_common(mr, MEMORY_REGION_CONTAINER, owner, name, size);
}

/* An access size from ops: 0 picks @dflt; otherwise a power of two <= 8. */
static uint8_t ops_size(unsigned size, unsigned dflt)
{
    unsigned s = size ? size : dflt;

    assert(access_size_ok(s));
    return s;
}

void memory_region_init_io(MemoryRegion *mr, void *owner,
                           const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    mr_init_common(mr, MEMORY_REGION_IO, owner, name, size);
    mr->ops = ops;
    mr->opaque = opaque;
    if (!ops) {
        mr->valid_min = mr->impl_min = 1;
        mr->valid_max = mr->impl_max = 8;
        mr->valid_unaligned = mr->impl_unaligned = true;
        return;
    }
    mr->valid_min = ops_size(ops->valid.min_access_size, 1);
    mr->valid_max = ops_size(ops->valid.max_access_size, 4);
    mr->impl_min = ops_size(ops->impl.min_access_size, mr->valid_min);
    mr->impl_max =
        ops_size(ops->impl.max_access_size, MAX(mr->valid_max, mr->impl_min));
    if (!ops->impl.min_access_size && mr->impl_min > mr->impl_max) {
        mr->impl_min = mr->impl_max;
    }
    mr->valid_unaligned = ops->valid.unaligned;
    mr->impl_unaligned = ops->impl.unaligned;
    assert(mr->valid_min <= mr->valid_max);
    assert(mr->impl_min <= mr->impl_max);
}

/*
 * Guest RAM of 2 MiB or more starts on a 2 MiB boundary and is offered to
 * transparent huge pages, so that KVM can map it with large pages (as
 * QEMU's RAM is).
 */
#define RAM_HUGE_ALIGN (2 * MiB)

/* An anonymous mapping of len (page-rounded) bytes; NULL with errno set. */
static void *ram_mmap(size_t len)
{
    size_t slack = len >= RAM_HUGE_ALIGN ? RAM_HUGE_ALIGN : 0;
    uint8_t *p, *aligned;

    if (len > SIZE_MAX - slack) {
        errno = ENOMEM;
        return NULL;
    }
    p = mmap(NULL, len + slack, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        return NULL;
    }
    aligned = p;
    if (slack) {
        aligned = (uint8_t *)ROUND_UP((uintptr_t)p, RAM_HUGE_ALIGN);
        if (aligned > p) {
            munmap(p, aligned - p);
        }
        if (p + len + slack > aligned + len) {
            munmap(aligned + len, p + len + slack - (aligned + len));
        }
        madvise(aligned, len, MADV_HUGEPAGE);
    }
    /* A forked helper (a tap script) must not copy guest RAM. */
    madvise(aligned, len, MADV_DONTFORK);
    return aligned;
}

bool memory_region_init_ram(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp)
{
    size_t page = getpagesize();
    size_t len;
    void *host;

    memset(mr, 0, sizeof(*mr));
    if (size == 0 || size > SIZE_MAX - page) {
        error_setg(errp, "RAM region '%s': invalid size %" PRIu64, name, size);
        return false;
    }
    len = ROUND_UP(size, page);
    host = ram_mmap(len);
    if (!host) {
        error_setg_errno(errp, errno,
                         "cannot allocate %" PRIu64 " bytes of RAM for '%s'",
                         size, name);
        return false;
    }
    mr_init_common(mr, MEMORY_REGION_RAM, owner, name, size);
    mr->ram_ptr = host;
    mr->ram_mmapped = true;
    mr->ram_mapped_size = len;
    return true;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, void *owner, const char *name,
                                uint64_t size, void *ptr)
{
    assert(ptr && size && size != UINT64_MAX);
    mr_init_common(mr, MEMORY_REGION_RAM, owner, name, size);
    mr->ram_ptr = ptr;
    mr->ram_mapped_size = size;
}

bool memory_region_init_rom(MemoryRegion *mr, void *owner, const char *name,
                            uint64_t size, Error **errp)
{
    if (!memory_region_init_ram(mr, owner, name, size, errp)) {
        return false;
    }
    mr->readonly = true;
    return true;
}

void memory_region_init_alias(MemoryRegion *mr, void *owner, const char *name,
                              MemoryRegion *orig, hwaddr offset, uint64_t size)
{
    assert(orig && orig != mr && orig->kind != MEMORY_REGION_NONE);
    mr_init_common(mr, MEMORY_REGION_ALIAS, owner, name, size);
    mr->alias = orig;
    mr->alias_offset = offset;
    orig->alias_users++;
}

/* Subregions are kept highest priority first, and newest first among equal
 * priorities, so that rendering in list order lets the winner claim first. */
static void subregion_link(MemoryRegion *mr, MemoryRegion *sub)
{
    MemoryRegion **p = &mr->subregions;

    while (*p && (*p)->priority > sub->priority) {
        p = &(*p)->subregion_next;
    }
    sub->subregion_next = *p;
    *p = sub;
}

static void subregion_unlink(MemoryRegion *mr, MemoryRegion *sub)
{
    MemoryRegion **p = &mr->subregions;

    while (*p != sub) {
        assert(*p);
        p = &(*p)->subregion_next;
    }
    *p = sub->subregion_next;
    sub->subregion_next = NULL;
}

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset,
                                         MemoryRegion *subregion, int priority)
{
    assert(mr->kind != MEMORY_REGION_NONE && mr->kind != MEMORY_REGION_ALIAS);
    assert(subregion->kind != MEMORY_REGION_NONE);
    assert(!subregion->container && subregion != mr);
    subregion->container = mr;
    subregion->addr = offset;
    subregion->priority = priority;
    subregion_link(mr, subregion);
    memory_map_changed();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset,
                                 MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(mr, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    assert(subregion->container == mr);
    subregion_unlink(mr, subregion);
    subregion->container = NULL;
    memory_map_changed();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled != enabled) {
        mr->enabled = enabled;
        memory_map_changed();
    }
}

void memory_region_set_address(MemoryRegion *mr, hwaddr addr)
{
    if (mr->addr != addr) {
        mr->addr = addr;
        memory_map_changed();
    }
}

void memory_region_set_alias_offset(MemoryRegion *mr, hwaddr offset)
{
    assert(mr->kind == MEMORY_REGION_ALIAS);
    if (mr->alias_offset != offset) {
        mr->alias_offset = offset;
        memory_map_changed();
    }
}

void memory_region_set_size(MemoryRegion *mr, uint64_t size)
{
    assert(mr->kind != MEMORY_REGION_RAM || size <= mr->ram_mapped_size);
    if (mr->size != size) {
        mr->size = size;
        memory_map_changed();
    }
}

static bool ioeventfd_equal(const MemoryRegionIoeventfd *a,
                            const MemoryRegionIoeventfd *b)
{
    return a->addr == b->addr && a->size == b->size &&
           a->match_data == b->match_data && a->data == b->data &&
           a->fd == b->fd;
}

void memory_region_add_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd)
{
    MemoryRegionIoeventfd ev = {
        .addr = addr,
        .size = size,
        .match_data = match_data,
        .data = size ? data & size_mask(size) : data,
        .fd = fd,
    };

    assert(mr->kind == MEMORY_REGION_IO);
    assert(size == 0 || access_size_ok(size));
    assert(fd >= 0);
    mr->ioeventfds =
        g_renew(MemoryRegionIoeventfd, mr->ioeventfds, mr->ioeventfd_nb + 1);
    mr->ioeventfds[mr->ioeventfd_nb++] = ev;
    memory_map_changed();
}

void memory_region_del_eventfd(MemoryRegion *mr, hwaddr addr, unsigned size,
                               bool match_data, uint64_t data, int fd)
{
    MemoryRegionIoeventfd ev = {
        .addr = addr,
        .size = size,
        .match_data = match_data,
        .data = size ? data & size_mask(size) : data,
        .fd = fd,
    };
    unsigned i = 0;

    while (i < mr->ioeventfd_nb && !ioeventfd_equal(&mr->ioeventfds[i], &ev)) {
        i++;
    }
    assert(i < mr->ioeventfd_nb);
    memmove(&mr->ioeventfds[i], &mr->ioeventfds[i + 1],
            (mr->ioeventfd_nb - i - 1) * sizeof(ev));
    mr->ioeventfd_nb--;
    memory_map_changed();
}

void memory_region_add_coalescing(MemoryRegion *mr, hwaddr offset,
                                  uint64_t size)
{
    assert(mr->kind == MEMORY_REGION_IO);
    assert(size > 0 && (Int128)offset + size <= mr_size128(mr));
    mr->coalesced =
        g_renew(MemoryRegionCoalesced, mr->coalesced, mr->coalesced_nb + 1);
    mr->coalesced[mr->coalesced_nb++] =
        (MemoryRegionCoalesced){.addr = offset, .size = size};
    memory_map_changed();
}

void memory_region_clear_coalescing(MemoryRegion *mr)
{
    if (!mr->coalesced_nb) {
        return;
    }
    /* What the guest wrote under the old ranges is delivered first. */
    qemu_flush_coalesced_mmio_buffer();
    g_free(mr->coalesced);
    mr->coalesced = NULL;
    mr->coalesced_nb = 0;
    memory_map_changed();
}

void memory_region_set_coalescing(MemoryRegion *mr)
{
    memory_region_transaction_begin();
    memory_region_clear_coalescing(mr);
    memory_region_add_coalescing(mr, 0, mr->size);
    memory_region_transaction_commit();
}

void qemu_flush_coalesced_mmio_buffer(void)
{
    if (!memory_map.flush_listeners) {
        return;
    }
    for (AddressSpace *as = memory_map.address_spaces; as; as = as->next) {
        for (MemoryListener *l = as->listeners; l; l = l->next) {
            if (l->coalesced_io_flush) {
                l->coalesced_io_flush(l);
            }
        }
    }
}

void memory_region_destroy(MemoryRegion *mr)
{
    if (mr->kind == MEMORY_REGION_NONE) {
        return;
    }
    assert(!mr->as_users);
    assert(!mr->alias_users);
    memory_region_transaction_begin();
    if (mr->container) {
        memory_region_del_subregion(mr->container, mr);
    }
    while (mr->subregions) {
        memory_region_del_subregion(mr, mr->subregions);
    }
    memory_region_transaction_commit();
    if (mr->alias) {
        mr->alias->alias_users--;
    }
    if (mr->ram_mmapped) {
        munmap(mr->ram_ptr, mr->ram_mapped_size);
    }
    g_free(mr->ioeventfds);
    g_free(mr->coalesced);
    g_free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

uint64_t memory_region_size(const MemoryRegion *mr)
{
    return mr->size;
}

const char *memory_region_name(const MemoryRegion *mr)
{
    return mr->name;
}

bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->kind == MEMORY_REGION_RAM;
}

bool memory_region_is_rom(const MemoryRegion *mr)
{
    return mr->kind == MEMORY_REGION_RAM && mr->readonly;
}

bool memory_region_is_mapped(const MemoryRegion *mr)
{
    return mr->container || mr->as_users;
}

void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    hwaddr offset = 0;

    while (mr->kind == MEMORY_REGION_ALIAS) {
        offset += mr->alias_offset;
        mr = mr->alias;
    }
    if (mr->kind != MEMORY_REGION_RAM || offset >= mr->size) {
        return NULL;
    }
    return (uint8_t *)mr->ram_ptr + offset;
}

/* ---- Rendering ----------------------------------------------------------- */

static FlatView *flatview_new(void)
{
    FlatView *fv = g_new0(FlatView, 1);

    fv->ref = 1;
    return fv;
}

static FlatView *flatview_ref(FlatView *fv)
{
    fv->ref++;
    return fv;
}

static void flatview_unref(FlatView *fv)
{
    assert(fv->ref > 0);
    if (--fv->ref == 0) {
        g_free(fv->ranges);
        g_free(fv);
    }
}

static void flatview_insert(FlatView *fv, unsigned pos, const FlatRange *fr)
{
    if (fv->nr == fv->nr_allocated) {
        fv->nr_allocated = MAX(16, 2 * fv->nr_allocated);
        fv->ranges = g_renew(FlatRange, fv->ranges, fv->nr_allocated);
    }
    memmove(&fv->ranges[pos + 1], &fv->ranges[pos],
            (fv->nr - pos) * sizeof(fv->ranges[0]));
    fv->ranges[pos] = *fr;
    fv->nr++;
}

/*
 * Give the holes of fv within [start, end) to mr, whose byte @offset is seen
 * at @start.  What is already there was rendered by a region that wins.
 */
static void flatview_fill(FlatView *fv, MemoryRegion *mr, Int128 start,
                          Int128 end, Int128 offset, bool readonly)
{
    unsigned i = 0;

    while (start < end) {
        Int128 gap_end;
        FlatRange fr;

        while (i < fv->nr && (Int128)fv->ranges[i].last < start) {
            i++;
        }
        if (i < fv->nr && (Int128)fv->ranges[i].start <= start) {
            Int128 covered_end = (Int128)fv->ranges[i].last + 1;

            offset += covered_end - start;
            start = covered_end;
            i++;
            continue;
        }
        gap_end = end;
        if (i < fv->nr && (Int128)fv->ranges[i].start < end) {
            gap_end = fv->ranges[i].start;
        }
        fr = (FlatRange){
            .start = (hwaddr)start,
            .last = (hwaddr)(gap_end - 1),
            .mr = mr,
            .offset_in_region = (hwaddr)offset,
            .readonly = readonly,
        };
        flatview_insert(fv, i, &fr);
        i++;
        offset += gap_end - start;
        start = gap_end;
    }
}

/*
 * Render mr, placed at @base plus its own address, clipped to
 * [clip_start, clip_end).  Higher-priority parts are rendered first and
 * keep what they claim.
 */
static void render_region(FlatView *fv, MemoryRegion *mr, Int128 base,
                          Int128 clip_start, Int128 clip_end, bool readonly)
{
    Int128 start, end;

    if (!mr->enabled) {
        return;
    }
    base += mr->addr;
    start = MAX(base, clip_start);
    end = MIN(base + mr_size128(mr), clip_end);
    if (start >= end) {
        return;
    }
    readonly |= mr->readonly;
    if (mr->kind == MEMORY_REGION_ALIAS) {
        /* The target's byte alias_offset appears at base. */
        render_region(fv, mr->alias,
                      base - (Int128)mr->alias->addr - (Int128)mr->alias_offset,
                      start, end, readonly);
        return;
    }
    for (MemoryRegion *sub = mr->subregions; sub; sub = sub->subregion_next) {
        render_region(fv, sub, base, start, end, readonly);
    }
    if (mr->kind == MEMORY_REGION_RAM || mr->kind == MEMORY_REGION_IO) {
        flatview_fill(fv, mr, start, end, start - base, readonly);
    }
}

static bool flatrange_equal(const FlatRange *a, const FlatRange *b)
{
    return a->start == b->start && a->last == b->last && a->mr == b->mr &&
           a->offset_in_region == b->offset_in_region &&
           a->readonly == b->readonly;
}

/* Whether b continues a: adjacent, same region, contiguous offsets. */
static bool flatrange_mergeable(const FlatRange *a, const FlatRange *b)
{
    return a->mr == b->mr && a->readonly == b->readonly &&
           a->last + 1 == b->start &&
           a->offset_in_region + (a->last - a->start) + 1 ==
               b->offset_in_region;
}

static void flatview_simplify(FlatView *fv)
{
    unsigned out = 0;

    for (unsigned i = 0; i < fv->nr; i++) {
        if (out && flatrange_mergeable(&fv->ranges[out - 1], &fv->ranges[i])) {
            fv->ranges[out - 1].last = fv->ranges[i].last;
        } else {
            fv->ranges[out++] = fv->ranges[i];
        }
    }
    fv->nr = out;
}

static FlatView *flatview_render(MemoryRegion *root)
{
    FlatView *fv = flatview_new();

    render_region(fv, root, 0, 0, INT128_2_64, false);
    flatview_simplify(fv);
    return fv;
}

static bool flatview_equal(const FlatView *a, const FlatView *b)
{
    if (a->nr != b->nr) {
        return false;
    }
    for (unsigned i = 0; i < a->nr; i++) {
        if (!flatrange_equal(&a->ranges[i], &b->ranges[i])) {
            return false;
        }
    }
    return true;
}

/*
 * The index of the first range that ends at or after addr; that range is
 * returned if it holds addr, else NULL (addr is in a hole).
 */
static const FlatRange *flatview_find(const FlatView *fv, hwaddr addr,
                                      unsigned *pidx)
{
    unsigned lo = 0, hi = fv->nr;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (fv->ranges[mid].last < addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (pidx) {
        *pidx = lo;
    }
    if (lo < fv->nr && fv->ranges[lo].start <= addr) {
        return &fv->ranges[lo];
    }
    return NULL;
}

/* ---- Listeners ----------------------------------------------------------- */

static MemoryRegionSection section_of(const FlatRange *fr)
{
    uint64_t size = fr->last - fr->start + 1;

    return (MemoryRegionSection){
        .mr = fr->mr,
        .offset_within_region = fr->offset_in_region,
        .offset_within_address_space = fr->start,
        .size = size ? size : UINT64_MAX,
        .readonly = fr->readonly,
    };
}

static void listeners_begin(AddressSpace *as)
{
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->begin) {
            l->begin(l);
        }
    }
}

static void listeners_commit(AddressSpace *as)
{
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->commit) {
            l->commit(l);
        }
    }
}

static void listeners_add(AddressSpace *as, const FlatRange *fr)
{
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->region_add) {
            MemoryRegionSection s = section_of(fr);

            l->region_add(l, &s);
        }
    }
}

/* region_del goes to the listeners in descending priority. */
static void listener_del_reverse(MemoryListener *l, const FlatRange *fr)
{
    if (!l) {
        return;
    }
    listener_del_reverse(l->next, fr);
    if (l->region_del) {
        MemoryRegionSection s = section_of(fr);

        l->region_del(l, &s);
    }
}

/*
 * One pass over old and new (both sorted): with adding false, report the
 * ranges of old that are not in new; with adding true, those of new that
 * are not in old.
 */
static void listeners_update_pass(AddressSpace *as, const FlatView *old,
                                  const FlatView *new, bool adding)
{
    unsigned io = 0, in = 0;

    while (io < old->nr || in < new->nr) {
        const FlatRange *fo = io < old->nr ? &old->ranges[io] : NULL;
        const FlatRange *fn = in < new->nr ? &new->ranges[in] : NULL;

        if (fo && fn && flatrange_equal(fo, fn)) {
            io++;
            in++;
        } else if (fo && (!fn || fo->start <= fn->start)) {
            if (!adding) {
                listener_del_reverse(as->listeners, fo);
            }
            io++;
        } else {
            if (adding) {
                listeners_add(as, fn);
            }
            in++;
        }
    }
}

static int ioeventfd_cmp(const void *pa, const void *pb)
{
    const MemoryRegionIoeventfd *a = pa, *b = pb;

    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    if (a->size != b->size) {
        return a->size < b->size ? -1 : 1;
    }
    if (a->match_data != b->match_data) {
        return a->match_data < b->match_data ? -1 : 1;
    }
    if (a->data != b->data) {
        return a->data < b->data ? -1 : 1;
    }
    return a->fd < b->fd ? -1 : a->fd > b->fd;
}

static void listeners_eventfd_add(AddressSpace *as,
                                  const MemoryRegionIoeventfd *ev)
{
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->eventfd_add) {
            l->eventfd_add(l, ev);
        }
    }
}

/* eventfd_del goes to the listeners in descending priority. */
static void listener_eventfd_del_reverse(MemoryListener *l,
                                         const MemoryRegionIoeventfd *ev)
{
    if (!l) {
        return;
    }
    listener_eventfd_del_reverse(l->next, ev);
    if (l->eventfd_del) {
        l->eventfd_del(l, ev);
    }
}

/*
 * The ioeventfds of the regions in as's FlatView, at their addresses in
 * the address space, sorted; *nb is set to their number.  An ioeventfd is
 * in view when its first byte is.
 */
static MemoryRegionIoeventfd *flatview_ioeventfds(const FlatView *fv,
                                                  unsigned *nb)
{
    MemoryRegionIoeventfd *out = NULL;

    *nb = 0;
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];

        for (unsigned j = 0; j < fr->mr->ioeventfd_nb; j++) {
            MemoryRegionIoeventfd ev = fr->mr->ioeventfds[j];

            if (ev.addr < fr->offset_in_region ||
                ev.addr - fr->offset_in_region > fr->last - fr->start) {
                continue;
            }
            ev.addr = fr->start + (ev.addr - fr->offset_in_region);
            out = g_renew(MemoryRegionIoeventfd, out, *nb + 1);
            out[(*nb)++] = ev;
        }
    }
    if (*nb > 1) {
        qsort(out, *nb, sizeof(*out), ioeventfd_cmp);
    }
    return out;
}

/*
 * How two sorted arrays of an address space's registrations differ: @gone
 * runs for each element only in the old array, all of them first (so a
 * listener never holds two registrations of one address), @kept (if set)
 * for each element in both, with the new one first, then @came for each
 * element only in the new array.
 */
typedef struct SortedDiff {
    size_t size;
    int (*cmp)(const void *a, const void *b);
    void (*gone)(AddressSpace *as, void *old);
    void (*kept)(void *new, const void *old);
    void (*came)(AddressSpace *as, void *new);
} SortedDiff;

static void sorted_diff(AddressSpace *as, const SortedDiff *d, void *old,
                        unsigned old_nb, void *new, unsigned new_nb)
{
    char *o = old, *n = new;

    for (int pass = 0; pass < 2; pass++) {
        unsigned io = 0, in = 0;

        while (io < old_nb || in < new_nb) {
            char *oe = o + io * d->size;
            char *ne = n + in * d->size;
            int c = io == old_nb ? 1 : in == new_nb ? -1 : d->cmp(oe, ne);

            if (pass == 0 && c < 0) {
                d->gone(as, oe);
            } else if (pass == 0 && c == 0 && d->kept) {
                d->kept(ne, oe);
            } else if (pass == 1 && c > 0) {
                d->came(as, ne);
            }
            io += c <= 0;
            in += c >= 0;
        }
    }
}

static void ioeventfd_gone(AddressSpace *as, void *ev)
{
    listener_eventfd_del_reverse(as->listeners, ev);
}

static void ioeventfd_came(AddressSpace *as, void *ev)
{
    listeners_eventfd_add(as, ev);
}

/*
 * Bring as->ioeventfds up to its FlatView and tell the listeners what
 * vanished (first) and what appeared.
 */
static void address_space_update_ioeventfds(AddressSpace *as)
{
    static const SortedDiff diff = {
        .size = sizeof(MemoryRegionIoeventfd),
        .cmp = ioeventfd_cmp,
        .gone = ioeventfd_gone,
        .came = ioeventfd_came,
    };
    unsigned nb;
    MemoryRegionIoeventfd *new = flatview_ioeventfds(as->current_map, &nb);

    sorted_diff(as, &diff, as->ioeventfds, as->ioeventfd_nb, new, nb);
    g_free(as->ioeventfds);
    as->ioeventfds = new;
    as->ioeventfd_nb = nb;
}

static int coalesced_zone_cmp(const void *pa, const void *pb)
{
    const CoalescedZone *a = pa, *b = pb;

    if (a->addr != b->addr) {
        return a->addr < b->addr ? -1 : 1;
    }
    if (a->len != b->len) {
        return a->len < b->len ? -1 : 1;
    }
    if (a->section.mr != b->section.mr) {
        return (uintptr_t)a->section.mr < (uintptr_t)b->section.mr ? -1 : 1;
    }
    return 0;
}

static void listeners_coalesced_add(AddressSpace *as, CoalescedZone *z)
{
    for (MemoryListener *l = as->listeners; l; l = l->next) {
        if (l->coalesced_io_add) {
            l->coalesced_io_add(l, &z->section, z->addr, z->len);
        }
    }
}

/* coalesced_io_del goes to the listeners in descending priority. */
static void listener_coalesced_del_reverse(MemoryListener *l, CoalescedZone *z)
{
    if (!l) {
        return;
    }
    listener_coalesced_del_reverse(l->next, z);
    if (l->coalesced_io_del) {
        l->coalesced_io_del(l, &z->section, z->addr, z->len);
    }
}

/*
 * The coalesced ranges of the regions in fv, clipped to what each range
 * of the FlatView shows of its region, at absolute addresses, sorted; *nb
 * is set to their number.
 */
static CoalescedZone *flatview_coalesced(const FlatView *fv, unsigned *nb)
{
    CoalescedZone *out = NULL;

    *nb = 0;
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];
        hwaddr first = fr->offset_in_region;
        hwaddr last = first + (fr->last - fr->start);

        for (unsigned j = 0; j < fr->mr->coalesced_nb; j++) {
            const MemoryRegionCoalesced *c = &fr->mr->coalesced[j];
            hwaddr lo = MAX(c->addr, first);
            hwaddr hi = MIN(c->addr + (c->size - 1), last);

            if (lo > hi) {
                continue;
            }
            out = g_renew(CoalescedZone, out, *nb + 1);
            out[(*nb)++] = (CoalescedZone){
                .addr = fr->start + (lo - first),
                .len = hi - lo + 1,
                .section = section_of(fr),
            };
        }
    }
    if (*nb > 1) {
        qsort(out, *nb, sizeof(*out), coalesced_zone_cmp);
    }
    return out;
}

/*
 * Bring as->coalesced up to its FlatView and tell the listeners what
 * vanished (first) and what appeared.  A zone that stays keeps the section
 * it was reported with.
 */
static void coalesced_gone(AddressSpace *as, void *z)
{
    listener_coalesced_del_reverse(as->listeners, z);
}

static void coalesced_kept(void *new, const void *old)
{
    CoalescedZone *n = new;
    const CoalescedZone *o = old;

    n->section = o->section;
}

static void coalesced_came(AddressSpace *as, void *z)
{
    listeners_coalesced_add(as, z);
}

static void address_space_update_coalesced(AddressSpace *as)
{
    static const SortedDiff diff = {
        .size = sizeof(CoalescedZone),
        .cmp = coalesced_zone_cmp,
        .gone = coalesced_gone,
        .kept = coalesced_kept,
        .came = coalesced_came,
    };
    unsigned nb;
    CoalescedZone *new = flatview_coalesced(as->current_map, &nb);

    sorted_diff(as, &diff, as->coalesced, as->coalesced_nb, new, nb);
    g_free(as->coalesced);
    as->coalesced = new;
    as->coalesced_nb = nb;
}

static void address_space_update(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *new = flatview_render(as->root);

    if (flatview_equal(old, new)) {
        flatview_unref(new);
    } else {
        as->current_map = new;
        if (as->listeners) {
            listeners_begin(as);
            listeners_update_pass(as, old, new, false);
            listeners_update_pass(as, old, new, true);
            listeners_commit(as);
        }
        flatview_unref(old);
    }
    /* Registrations change without the view changing: always compare. */
    address_space_update_coalesced(as);
    address_space_update_ioeventfds(as);
}

void memory_region_transaction_begin(void)
{
    /*
     * As QEMU: buffered writes reach the devices before the map changes
     * under them (they carry absolute addresses).
     */
    qemu_flush_coalesced_mmio_buffer();
    memory_map.transaction_depth++;
}

void memory_region_transaction_commit(void)
{
    assert(memory_map.transaction_depth > 0);
    if (memory_map.transaction_depth > 1) {
        memory_map.transaction_depth--;
        return;
    }
    /*
     * Stay inside the transaction while rendering: a listener that changes
     * the map queues another pass instead of recursing.
     */
    while (memory_map.update_pending) {
        memory_map.update_pending = false;
        for (AddressSpace *as = memory_map.address_spaces; as; as = as->next) {
            address_space_update(as);
        }
    }
    memory_map.transaction_depth--;
}

void memory_listener_register(MemoryListener *listener, AddressSpace *as)
{
    MemoryListener **p = &as->listeners;
    FlatView *fv = as->current_map;

    assert(!listener->address_space);
    while (*p && (*p)->priority <= listener->priority) {
        p = &(*p)->next;
    }
    listener->next = *p;
    *p = listener;
    listener->address_space = as;

    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = 0; listener->region_add && i < fv->nr; i++) {
        MemoryRegionSection s = section_of(&fv->ranges[i]);

        listener->region_add(listener, &s);
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    for (unsigned i = 0; listener->coalesced_io_add && i < as->coalesced_nb;
         i++) {
        CoalescedZone *z = &as->coalesced[i];

        listener->coalesced_io_add(listener, &z->section, z->addr, z->len);
    }
    for (unsigned i = 0; listener->eventfd_add && i < as->ioeventfd_nb; i++) {
        listener->eventfd_add(listener, &as->ioeventfds[i]);
    }
    if (listener->coalesced_io_flush) {
        memory_map.flush_listeners++;
    }
}

void memory_listener_unregister(MemoryListener *listener)
{
    AddressSpace *as = listener->address_space;
    FlatView *fv;
    MemoryListener **p;

    if (!as) {
        return;
    }
    if (listener->coalesced_io_flush) {
        /* Its buffered writes are delivered while it can still do so. */
        listener->coalesced_io_flush(listener);
        memory_map.flush_listeners--;
    }
    for (unsigned i = 0; listener->eventfd_del && i < as->ioeventfd_nb; i++) {
        listener->eventfd_del(listener, &as->ioeventfds[i]);
    }
    for (unsigned i = 0; listener->coalesced_io_del && i < as->coalesced_nb;
         i++) {
        CoalescedZone *z = &as->coalesced[i];

        listener->coalesced_io_del(listener, &z->section, z->addr, z->len);
    }
    fv = as->current_map;
    if (listener->begin) {
        listener->begin(listener);
    }
    for (unsigned i = 0; listener->region_del && i < fv->nr; i++) {
        MemoryRegionSection s = section_of(&fv->ranges[i]);

        listener->region_del(listener, &s);
    }
    if (listener->commit) {
        listener->commit(listener);
    }
    for (p = &as->listeners; *p != listener; p = &(*p)->next) {
        assert(*p);
    }
    *p = listener->next;
    listener->next = NULL;
    listener->address_space = NULL;
}

/* ---- Address spaces ------------------------------------------------------ */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    assert(root && root->kind != MEMORY_REGION_NONE);
    memset(as, 0, sizeof(*as));
    as->name = g_strdup(name);
    as->root = root;
    root->as_users++;
    as->current_map = flatview_render(root);
    address_space_update_coalesced(as);
    address_space_update_ioeventfds(as);
    as->next = memory_map.address_spaces;
    memory_map.address_spaces = as;
}

void address_space_destroy(AddressSpace *as)
{
    AddressSpace **p;

    assert(!as->dma_maps);
    while (as->listeners) {
        memory_listener_unregister(as->listeners);
    }
    for (p = &memory_map.address_spaces; *p != as; p = &(*p)->next) {
        assert(*p);
    }
    *p = as->next;
    as->root->as_users--;
    flatview_unref(as->current_map);
    g_free(as->coalesced);
    g_free(as->ioeventfds);
    g_free(as->name);
    memset(as, 0, sizeof(*as));
}

const char *address_space_name(const AddressSpace *as)
{
    return as->name;
}

bool address_space_lookup(AddressSpace *as, hwaddr addr,
                          MemoryRegionSection *section)
{
    const FlatRange *fr = flatview_find(as->current_map, addr, NULL);

    if (!fr) {
        return false;
    }
    *section = section_of(fr);
    return true;
}

void address_space_dump(AddressSpace *as, FILE *out)
{
    const FlatView *fv = as->current_map;

    fprintf(out, "%s:\n", as->name);
    for (unsigned i = 0; i < fv->nr; i++) {
        const FlatRange *fr = &fv->ranges[i];

        fprintf(out,
                "  %016" PRIx64 "-%016" PRIx64 " %-3s '%s' @%#" PRIx64 "\n",
                fr->start, fr->last,
                fr->mr->kind == MEMORY_REGION_IO ? "i/o"
                : fr->readonly                   ? "rom"
                                                 : "ram",
                fr->mr->name, fr->offset_in_region);
    }
}

/* ---- Dispatch ------------------------------------------------------------ */

static uint64_t io_read_cb(MemoryRegion *mr, hwaddr addr, unsigned size)
{
    if (!mr->ops || !mr->ops->read) {
        return 0;
    }
    return mr->ops->read(mr->opaque, addr, size) & size_mask(size);
}

static void io_write_cb(MemoryRegion *mr, hwaddr addr, uint64_t data,
                        unsigned size)
{
    if (mr->ops && mr->ops->write) {
        mr->ops->write(mr->opaque, addr, data, size);
    }
}

/*
 * Carry out a valid access of @size bytes at offset @addr of I/O region mr
 * as callbacks of the sizes .impl allows: pieces as wide as possible (and
 * aligned unless impl.unaligned); a piece narrower than impl.min becomes an
 * aligned impl.min access (read-modify-write for writes).
 */
static uint64_t io_access(MemoryRegion *mr, hwaddr addr, uint64_t val,
                          unsigned size, bool is_write)
{
    uint64_t out = 0;
    unsigned done = 0;

    if (size >= mr->impl_min && size <= mr->impl_max &&
        (mr->impl_unaligned || !(addr & (size - 1)))) {
        if (is_write) {
            io_write_cb(mr, addr, val, size);
            return 0;
        }
        return io_read_cb(mr, addr, size);
    }
    while (done < size) {
        hwaddr pos = addr + done;
        unsigned w = access_width(MIN(size - done, mr->impl_max));

        while (!mr->impl_unaligned && (pos & (w - 1))) {
            w >>= 1;
        }
        if (w >= mr->impl_min) {
            if (is_write) {
                io_write_cb(mr, pos, (val >> (done * 8)) & size_mask(w), w);
            } else {
                out |= io_read_cb(mr, pos, w) << (done * 8);
            }
            done += w;
        } else {
            unsigned wide = mr->impl_min;
            hwaddr base = pos & ~(hwaddr)(wide - 1);
            unsigned skip = pos - base;
            unsigned n = MIN(size - done, wide - skip);
            uint64_t old = io_read_cb(mr, base, wide);

            if (is_write) {
                uint64_t m = size_mask(n) << (skip * 8);
                uint64_t bits = ((val >> (done * 8)) & size_mask(n))
                                << (skip * 8);

                io_write_cb(mr, base, (old & ~m) | bits, wide);
            } else {
                out |= ((old >> (skip * 8)) & size_mask(n)) << (done * 8);
            }
            done += n;
        }
    }
    return out;
}

/* One guest access to an I/O region: the .valid check, then io_access. */
static MemTxResult io_dispatch(MemoryRegion *mr, hwaddr addr, uint64_t *val,
                               unsigned size, bool is_write)
{
    const char *why = NULL;

    if (mr->coalesced_nb) {
        /* The guest's earlier writes to this region come first. */
        qemu_flush_coalesced_mmio_buffer();
    }
    if (size < mr->valid_min || size > mr->valid_max) {
        why = "size not allowed";
    } else if (!mr->valid_unaligned && (addr & (size - 1))) {
        why = "unaligned";
    }
    if (why) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "memory: invalid %u-byte %s at offset %#" PRIx64
                      " of '%s' (%s)\n",
                      size, is_write ? "write" : "read", addr, mr->name, why);
        if (!is_write) {
            *val = size_mask(size);
        }
        return MEMTX_DECODE_ERROR;
    }
    if (is_write) {
        io_access(mr, addr, *val & size_mask(size), size, true);
    } else {
        *val = io_access(mr, addr, 0, size, false);
    }
    kemu_log_mask(LOG_TRACE_IO,
                  "io: %s '%s' +%#" PRIx64 " size %u = %#" PRIx64 "\n",
                  is_write ? "write" : "read", mr->name, addr, size,
                  *val & size_mask(size));
    return MEMTX_OK;
}

static void log_rom_write(const MemoryRegion *mr, hwaddr offset, hwaddr len)
{
    kemu_log_mask(LOG_GUEST_ERROR,
                  "memory: %" PRIu64
                  "-byte write to ROM '%s' at offset %#" PRIx64 " ignored\n",
                  len, mr->name, offset);
}

/* One access of size (1..8) to RAM/ROM at offset addr of mr. */
static MemTxResult ram_dispatch(MemoryRegion *mr, hwaddr addr, uint64_t *val,
                                unsigned size, bool is_write, bool readonly)
{
    uint8_t *host = (uint8_t *)mr->ram_ptr + addr;

    if (!is_write) {
        *val = 0;
        memcpy(val, host, size);
    } else if (!readonly) {
        memcpy(host, val, size);
    } else {
        log_rom_write(mr, addr, size);
    }
    return MEMTX_OK;
}

static MemTxResult mr_dispatch(MemoryRegion *mr, hwaddr addr, uint64_t *val,
                               unsigned size, bool is_write)
{
    bool readonly = false;

    if (!access_size_ok(size)) {
        kemu_log_mask(LOG_GUEST_ERROR, "memory: %u-byte access to '%s'\n", size,
                      mr->name);
        goto fail;
    }
    for (;;) {
        if ((Int128)addr + size > mr_size128(mr)) {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "memory: %u-byte access at offset %#" PRIx64
                          " past the end of '%s'\n",
                          size, addr, mr->name);
            goto fail;
        }
        readonly |= mr->readonly;
        if (mr->kind != MEMORY_REGION_ALIAS) {
            break;
        }
        addr += mr->alias_offset;
        mr = mr->alias;
    }
    switch (mr->kind) {
    case MEMORY_REGION_IO:
        return io_dispatch(mr, addr, val, size, is_write);
    case MEMORY_REGION_RAM:
        return ram_dispatch(mr, addr, val, size, is_write, readonly);
    default:
        break;
    }
fail:
    if (!is_write) {
        *val = size_mask(size);
    }
    return MEMTX_DECODE_ERROR;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr,
                                        uint64_t *pval, unsigned size)
{
    return mr_dispatch(mr, addr, pval, size, false);
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr,
                                         uint64_t val, unsigned size)
{
    return mr_dispatch(mr, addr, &val, size, true);
}

static void log_unassigned(const AddressSpace *as, hwaddr addr, hwaddr len,
                           bool is_write)
{
    kemu_log_mask(LOG_GUEST_ERROR,
                  "%s: unassigned %s of %" PRIu64 " byte(s) at %#" PRIx64 "\n",
                  as->name, is_write ? "write" : "read", len, addr);
}

/*
 * The widest access the region's .valid allows at @offset for the @len
 * bytes left, as QEMU's memory_access_size().
 */
static unsigned io_piece_size(const MemoryRegion *mr, hwaddr offset, hwaddr len)
{
    unsigned max = mr->valid_max;

    if (!mr->valid_unaligned && offset) {
        hwaddr align = offset & -offset;

        if (align < max) {
            max = align;
        }
    }
    return access_width(MIN(len, max));
}

/* len bytes at @offset of I/O region mr, in pieces .valid allows. */
static MemTxResult io_rw_buffer(MemoryRegion *mr, hwaddr offset, uint8_t *buf,
                                hwaddr len, bool is_write)
{
    MemTxResult r = MEMTX_OK;

    while (len > 0) {
        unsigned n = io_piece_size(mr, offset, len);
        uint64_t v = 0;

        if (is_write) {
            memcpy(&v, buf, n);
            r |= io_dispatch(mr, offset, &v, n, true);
        } else {
            r |= io_dispatch(mr, offset, &v, n, false);
            memcpy(buf, &v, n);
        }
        offset += n;
        buf += n;
        len -= n;
    }
    return r;
}

MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, void *buf,
                             hwaddr len, bool is_write)
{
    FlatView *fv = flatview_ref(as->current_map);
    uint8_t *p = buf;
    MemTxResult r = MEMTX_OK;
    hwaddr past_end = 0;

    /* Bytes past 2^64 are unassigned; the access does not wrap to 0. */
    if (addr && len > -addr) {
        past_end = len - -addr;
        len = -addr;
    }
    while (len > 0) {
        unsigned idx;
        const FlatRange *fr = flatview_find(fv, addr, &idx);
        hwaddr l = len;

        if (!fr) {
            if (idx < fv->nr && fv->ranges[idx].start - addr < len) {
                l = fv->ranges[idx].start - addr;
            }
            log_unassigned(as, addr, l, is_write);
            if (!is_write) {
                memset(p, 0xff, l);
            }
            r |= MEMTX_DECODE_ERROR;
        } else {
            MemoryRegion *mr = fr->mr;
            hwaddr offset = fr->offset_in_region + (addr - fr->start);

            if (len - 1 > fr->last - addr) {
                l = fr->last - addr + 1;
            }
            if (mr->kind == MEMORY_REGION_IO) {
                r |= io_rw_buffer(mr, offset, p, l, is_write);
            } else if (!is_write) {
                memcpy(p, (uint8_t *)mr->ram_ptr + offset, l);
            } else if (!fr->readonly) {
                memcpy((uint8_t *)mr->ram_ptr + offset, p, l);
            } else {
                log_rom_write(mr, offset, l);
            }
        }
        p += l;
        addr += l;
        len -= l;
    }
    if (past_end) {
        log_unassigned(as, 0, past_end, is_write);
        if (!is_write) {
            memset(p, 0xff, past_end);
        }
        r |= MEMTX_DECODE_ERROR;
    }
    flatview_unref(fv);
    return r;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf,
                               hwaddr len)
{
    return address_space_rw(as, addr, buf, len, false);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf,
                                hwaddr len)
{
    return address_space_rw(as, addr, (void *)buf, len, true);
}

MemTxResult address_space_dispatch_io(AddressSpace *as, hwaddr addr,
                                      uint64_t *val, unsigned size,
                                      bool is_write)
{
    const FlatRange *fr = flatview_find(as->current_map, addr, NULL);
    uint8_t buf[8];
    MemTxResult r;

    assert(size >= 1 && size <= 8);
    if (fr && access_size_ok(size)) {
        /* Copy out of fr: a callback may replace the FlatView. */
        MemoryRegion *mr = fr->mr;
        hwaddr offset = fr->offset_in_region + (addr - fr->start);

        /*
         * A register access goes whole to the I/O region holding its first
         * byte, even where a neighbour covers the following bytes in the
         * FlatView: a dword at 0xCF8 is the PCI address latch although the
         * byte at 0xCF9 is the PIIX reset register (as on real chipsets,
         * and as QEMU decodes it).  RAM is split at range boundaries.
         */
        if (mr->kind == MEMORY_REGION_IO &&
            size - 1 <= memory_region_size(mr) - 1 - offset) {
            return io_dispatch(mr, offset, val, size, is_write);
        }
        if (mr->kind != MEMORY_REGION_IO && size - 1 <= fr->last - addr) {
            return ram_dispatch(mr, offset, val, size, is_write, fr->readonly);
        }
    }
    memcpy(buf, val, sizeof(buf));
    r = address_space_rw(as, addr, buf, size, is_write);
    if (!is_write) {
        *val = 0;
        memcpy(val, buf, size);
    }
    return r;
}

static uint64_t as_load(AddressSpace *as, hwaddr addr, unsigned size,
                        MemTxResult *res)
{
    uint64_t v = 0;
    MemTxResult r = address_space_dispatch_io(as, addr, &v, size, false);

    if (res) {
        *res = r;
    }
    return v;
}

static void as_store(AddressSpace *as, hwaddr addr, uint64_t v, unsigned size,
                     MemTxResult *res)
{
    MemTxResult r = address_space_dispatch_io(as, addr, &v, size, true);

    if (res) {
        *res = r;
    }
}

uint32_t address_space_ldub(AddressSpace *as, hwaddr addr, MemTxResult *res)
{
    return as_load(as, addr, 1, res);
}

uint32_t address_space_lduw_le(AddressSpace *as, hwaddr addr, MemTxResult *res)
{
    return as_load(as, addr, 2, res);
}

uint32_t address_space_ldl_le(AddressSpace *as, hwaddr addr, MemTxResult *res)
{
    return as_load(as, addr, 4, res);
}

uint64_t address_space_ldq_le(AddressSpace *as, hwaddr addr, MemTxResult *res)
{
    return as_load(as, addr, 8, res);
}

void address_space_stb(AddressSpace *as, hwaddr addr, uint32_t val,
                       MemTxResult *res)
{
    as_store(as, addr, val & 0xff, 1, res);
}

void address_space_stw_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res)
{
    as_store(as, addr, val & 0xffff, 2, res);
}

void address_space_stl_le(AddressSpace *as, hwaddr addr, uint32_t val,
                          MemTxResult *res)
{
    as_store(as, addr, val, 4, res);
}

void address_space_stq_le(AddressSpace *as, hwaddr addr, uint64_t val,
                          MemTxResult *res)
{
    as_store(as, addr, val, 8, res);
}

/* ---- DMA ----------------------------------------------------------------- */

/*
 * Whether all of [addr, addr + len) is RAM in fv (writable RAM if
 * @need_write); len is not 0.  No overflow: the last byte must not pass
 * 2^64.
 */
static MemTxResult ram_range_check(const FlatView *fv, hwaddr addr, hwaddr len,
                                   bool need_write)
{
    hwaddr last;

    if (len - 1 > UINT64_MAX - addr) {
        return MEMTX_DECODE_ERROR;
    }
    last = addr + (len - 1);
    for (;;) {
        const FlatRange *fr = flatview_find(fv, addr, NULL);

        if (!fr || fr->mr->kind != MEMORY_REGION_RAM) {
            return MEMTX_DECODE_ERROR;
        }
        if (need_write && fr->readonly) {
            return MEMTX_ERROR;
        }
        if (fr->last >= last) {
            return MEMTX_OK;
        }
        addr = fr->last + 1;
    }
}

/* Copy between buf and [addr, addr + len), which ram_range_check passed. */
static void ram_range_copy(const FlatView *fv, hwaddr addr, uint8_t *buf,
                           hwaddr len, bool is_write)
{
    while (len > 0) {
        const FlatRange *fr = flatview_find(fv, addr, NULL);
        uint8_t *host = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
                        (addr - fr->start);
        hwaddr l = len;

        if (len - 1 > fr->last - addr) {
            l = fr->last - addr + 1;
        }
        if (is_write) {
            memcpy(host, buf, l);
        } else {
            memcpy(buf, host, l);
        }
        buf += l;
        addr += l;
        len -= l;
    }
}

static MemTxResult dma_rw(AddressSpace *as, hwaddr addr, uint8_t *buf,
                          hwaddr len, bool is_write, bool need_write)
{
    MemTxResult r;

    if (len == 0) {
        return MEMTX_OK;
    }
    r = ram_range_check(as->current_map, addr, len, need_write);
    if (r != MEMTX_OK) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: DMA %s of %" PRIu64 " byte(s) at %#" PRIx64
                      " refused: not all %s\n",
                      as->name, is_write ? "write" : "read", len, addr,
                      need_write ? "writable RAM" : "RAM");
        return r;
    }
    ram_range_copy(as->current_map, addr, buf, len, is_write);
    return MEMTX_OK;
}

MemTxResult dma_memory_read(AddressSpace *as, hwaddr addr, void *buf,
                            hwaddr len)
{
    return dma_rw(as, addr, buf, len, false, false);
}

MemTxResult dma_memory_write(AddressSpace *as, hwaddr addr, const void *buf,
                             hwaddr len)
{
    return dma_rw(as, addr, (void *)buf, len, true, true);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr,
                                    const void *buf, hwaddr len)
{
    return dma_rw(as, addr, (void *)buf, len, true, false);
}

void *dma_memory_map(AddressSpace *as, hwaddr addr, hwaddr *plen, bool is_write)
{
    const FlatView *fv = as->current_map;
    hwaddr len = *plen, last;
    const FlatRange *fr;
    uint8_t *host, *next;

    *plen = 0;
    if (len == 0) {
        return NULL;
    }
    if (ram_range_check(fv, addr, len, is_write) != MEMTX_OK) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: DMA map of %" PRIu64 " byte(s) at %#" PRIx64
                      " refused: not all %s\n",
                      as->name, len, addr, is_write ? "writable RAM" : "RAM");
        return NULL;
    }
    /* All RAM: it must also be one run of host memory. */
    last = addr + (len - 1);
    fr = flatview_find(fv, addr, NULL);
    host =
        (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region + (addr - fr->start);
    while (fr->last < last) {
        next = (uint8_t *)fr->mr->ram_ptr + fr->offset_in_region +
               (fr->last - fr->start) + 1;
        fr++;
        if ((uint8_t *)fr->mr->ram_ptr + fr->offset_in_region != next) {
            return NULL;
        }
    }
    as->dma_maps++;
    *plen = len;
    return host;
}

void dma_memory_unmap(AddressSpace *as, void *buffer, hwaddr len, bool is_write,
                      hwaddr access_len)
{
    assert(buffer && access_len <= len);
    assert(as->dma_maps > 0);
    as->dma_maps--;
}
