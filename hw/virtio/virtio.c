/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio device core (virtio 1.2, sections 2 and 4): features, status,
 * configuration space, reset, and virtqueues over the split ring (2.7) and
 * the packed ring (2.8).
 * The contract is at the top of hw/virtio/virtio.h; the guide is
 * docs/devel/virtio.md.
 *
 * Every ring is reached through a VRingPart: its guest address and, when
 * all of it is one run of host RAM, a cached host pointer (re-made after a
 * change of the ring's address or size, or of the memory map).  Rings in
 * RAM that is not contiguous in host memory go through dma_memory_read /
 * dma_memory_write.  Nothing that is not RAM is ever touched: a ring, a
 * descriptor or an indirect table outside RAM breaks the device.
 */
#include "util/osdep.h"
#include "hw/virtio/virtio.h"
#include "hw/core/qdev.h"
#include "util/log.h"
#include "util/main-loop.h"

/* Ring parts of a queue. */
enum { VRING_DESC, VRING_AVAIL, VRING_USED, VRING_NPARTS };

typedef struct VRingPart {
    hwaddr gpa;
    hwaddr len;
    uint8_t *host; /* NULL: not contiguous host RAM, use dma_memory_* */
} VRingPart;

struct VirtQueue {
    VirtIODevice *vdev;
    int index;
    unsigned int num;     /* the driver's queue size */
    unsigned int num_max; /* 0: the queue was not added */
    bool enabled;
    hwaddr desc, avail, used; /* as the driver set them */
    uint16_t vector;
    VirtIOHandleOutput handle_output;

    /* ring state */
    bool mapped; /* ring[] is valid */
    VRingPart ring[VRING_NPARTS];
    /* the RAM section the last buffer was in (size 0: none); dropped with
     * ring[] on every memory map change */
    struct {
        hwaddr start;
        hwaddr size;
        uint8_t *host;
        bool readonly;
    } ram;
    uint16_t last_avail_idx;   /* next to pop */
    uint16_t shadow_avail_idx; /* last avail->idx read */
    uint16_t used_idx;         /* next used slot (not yet published: +fill) */
    uint16_t signalled_used;   /* used_idx at the last interrupt */
    bool signalled_used_valid;
    bool notification;  /* the device wants kicks */
    unsigned int inuse; /* popped and not yet flushed */

    /* packed ring (2.8): slots and wrap counters; signalled_used is then
     * a position in [0, 2 * num) (see packed_pos) */
    bool last_avail_wrap;
    bool used_wrap;
    struct UsedPending *pending; /* num_max: filled, not yet flushed */

    /* notifiers */
    EventNotifier host_notifier;
    EventNotifier guest_notifier;
    guint host_watch;
    guint guest_watch;
    bool guest_notifier_on; /* virtio_notify signals guest_notifier */
};

/* A packed-ring element filled and not yet flushed. */
typedef struct UsedPending {
    uint32_t id;
    uint32_t len;
    uint32_t ndescs;
} UsedPending;

/* The chain being walked by pop or get_avail_bytes. */
typedef struct VqChain {
    bool map; /* build iovecs (pop), or only count bytes */
    unsigned int out_num, in_num;
    uint64_t out_bytes, in_bytes;
    struct iovec iov[VIRTQUEUE_MAX_SIZE]; /* out ones, then in ones */
    hwaddr addr[VIRTQUEUE_MAX_SIZE];
} VqChain;

/* ---- Guest RAM ----------------------------------------------------------- */

/*
 * Whether all of [addr, addr + len) is RAM (writable if @write).  Never
 * logs: the caller reports the guest's mistake once.
 */
static bool ram_range_ok(AddressSpace *as, hwaddr addr, hwaddr len, bool write)
{
    if (len && addr + (len - 1) < addr) {
        return false;
    }
    while (len) {
        MemoryRegionSection s;
        hwaddr left;

        if (!address_space_lookup(as, addr, &s) ||
            !memory_region_is_ram(s.mr) || (write && s.readonly)) {
            return false;
        }
        left = s.size - (addr - s.offset_within_address_space);
        if (left >= len) {
            return true;
        }
        addr += left;
        len -= left;
    }
    return true;
}

/*
 * Host pointer to [addr, addr + len) when it lies in one RAM section
 * (checked with ram_range_ok first); NULL otherwise.
 */
static uint8_t *ram_ptr_contig(AddressSpace *as, hwaddr addr, hwaddr len)
{
    MemoryRegionSection s;

    if (!address_space_lookup(as, addr, &s) || !memory_region_is_ram(s.mr) ||
        s.size - (addr - s.offset_within_address_space) < len) {
        return NULL;
    }
    return (uint8_t *)memory_region_get_ram_ptr(s.mr) + s.offset_within_region +
           (addr - s.offset_within_address_space);
}

/* ---- Ring access (little-endian host) ------------------------------------ */

static inline uint16_t ring_lduw(VirtQueue *vq, const VRingPart *r, hwaddr off)
{
    uint16_t v = 0;

    if (G_LIKELY(r->host)) {
        return __atomic_load_n((uint16_t *)(r->host + off), __ATOMIC_RELAXED);
    }
    dma_memory_read(vq->vdev->dma_as, r->gpa + off, &v, sizeof(v));
    return v;
}

static inline void ring_stw(VirtQueue *vq, const VRingPart *r, hwaddr off,
                            uint16_t v)
{
    if (G_LIKELY(r->host)) {
        __atomic_store_n((uint16_t *)(r->host + off), v, __ATOMIC_RELAXED);
        return;
    }
    dma_memory_write(vq->vdev->dma_as, r->gpa + off, &v, sizeof(v));
}

static inline void ring_read(VirtQueue *vq, const VRingPart *r, hwaddr off,
                             void *buf, hwaddr len)
{
    if (G_LIKELY(r->host)) {
        memcpy(buf, r->host + off, len);
        return;
    }
    if (dma_memory_read(vq->vdev->dma_as, r->gpa + off, buf, len) != MEMTX_OK) {
        memset(buf, 0, len);
    }
}

static inline void ring_write(VirtQueue *vq, const VRingPart *r, hwaddr off,
                              const void *buf, hwaddr len)
{
    if (G_LIKELY(r->host)) {
        memcpy(r->host + off, buf, len);
        return;
    }
    dma_memory_write(vq->vdev->dma_as, r->gpa + off, buf, len);
}

static inline bool vq_packed(const VirtQueue *vq)
{
    return virtio_vdev_has_feature(vq->vdev, VIRTIO_F_RING_PACKED);
}

static inline bool vq_event_idx(const VirtQueue *vq)
{
    return virtio_vdev_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX);
}

/* Split ring offsets (2.7.6, 2.7.8). */
#define AVAIL_IDX            2
#define AVAIL_RING(i)        (4 + 2 * (hwaddr)(i))
#define USED_FLAGS           0
#define USED_IDX             2
#define USED_RING(i)         (4 + 8 * (hwaddr)(i))
#define USED_EVENT_OFF(num)  AVAIL_RING(num) /* in the avail ring */
#define AVAIL_EVENT_OFF(num) USED_RING(num)  /* in the used ring */

static hwaddr vring_part_size(const VirtQueue *vq, int part)
{
    bool packed = vq_packed(vq);

    switch (part) {
    case VRING_DESC:
        return 16 * (hwaddr)vq->num;
    case VRING_AVAIL:
        return packed ? 4 : 6 + 2 * (hwaddr)vq->num;
    default:
        return packed ? 4 : 6 + 8 * (hwaddr)vq->num;
    }
}

/*
 * Make vq->ring[] valid: the queue size and the rings are checked (size,
 * alignment, all in RAM) and host pointers cached.  False (the device is
 * then broken) when the driver's setup is bad.
 */
static bool vq_map_rings_slow(VirtQueue *vq)
{
    static const char *const part_name[] = {"descriptor", "driver", "device"};
    VirtIODevice *vdev = vq->vdev;
    bool packed = vq_packed(vq);
    hwaddr gpa[VRING_NPARTS] = {vq->desc, vq->avail, vq->used};
    hwaddr align[VRING_NPARTS] = {16, packed ? 4 : 2, 4};
    /* what the device writes: the used ring; packed: descriptors too */
    bool write[VRING_NPARTS] = {packed, false, true};

    if (vq->num == 0 || vq->num > vq->num_max ||
        (!packed && (vq->num & (vq->num - 1)))) {
        virtio_error(vdev, "queue %d: size %u is not a %s up to %u", vq->index,
                     vq->num, packed ? "number" : "power of two", vq->num_max);
        return false;
    }
    for (int p = 0; p < VRING_NPARTS; p++) {
        hwaddr len = vring_part_size(vq, p);

        if (gpa[p] & (align[p] - 1)) {
            virtio_error(vdev,
                         "queue %d: %s area at %#" HWADDR_PRIx
                         " is not %" PRIu64 "-byte aligned",
                         vq->index, part_name[p], gpa[p], align[p]);
            return false;
        }
        if (!ram_range_ok(vdev->dma_as, gpa[p], len, write[p])) {
            virtio_error(vdev,
                         "queue %d: %s area at %#" HWADDR_PRIx " (%" PRIu64
                         " bytes) is not in %s",
                         vq->index, part_name[p], gpa[p], len,
                         write[p] ? "writable RAM" : "RAM");
            return false;
        }
        vq->ring[p].gpa = gpa[p];
        vq->ring[p].len = len;
        vq->ring[p].host = ram_ptr_contig(vdev->dma_as, gpa[p], len);
    }
    /* packed positions are slots: the size may not shrink under them */
    if (packed && (vq->last_avail_idx >= vq->num || vq->used_idx >= vq->num)) {
        virtio_error(vdev, "queue %d: size %u changed while in use", vq->index,
                     vq->num);
        return false;
    }
    vq->mapped = true;
    return true;
}

static inline bool vq_map_rings(VirtQueue *vq)
{
    return G_LIKELY(vq->mapped) || vq_map_rings_slow(vq);
}

static void vq_unmap_rings(VirtQueue *vq)
{
    vq->mapped = false;
    memset(vq->ring, 0, sizeof(vq->ring));
    vq->ram.size = 0;
}

static void virtio_memory_commit(MemoryListener *listener)
{
    VirtIODevice *vdev = container_of(listener, VirtIODevice, mem_listener);

    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (vdev->vq[i].mapped) {
            vq_unmap_rings(&vdev->vq[i]);
        }
    }
}

/* The device can use the queue (rings checked separately). */
bool virtio_queue_ready(VirtQueue *vq)
{
    return vq->num_max && vq->enabled && vq->desc &&
           virtio_device_started(vq->vdev);
}

/* ---- Elements ------------------------------------------------------------ */

static void *elem_build(size_t sz, const VqChain *ch)
{
    unsigned int n = ch->out_num + ch->in_num;
    size_t off = ROUND_UP(sz, sizeof(uint64_t));
    VirtQueueElement *e;
    struct iovec *iov;
    hwaddr *addr;

    assert(sz >= sizeof(VirtQueueElement));
    e = g_malloc(off + n * (sizeof(struct iovec) + sizeof(hwaddr)));
    memset(e, 0, sz);
    iov = (struct iovec *)((uint8_t *)e + off);
    addr = (hwaddr *)(iov + n);
    memcpy(iov, ch->iov, n * sizeof(*iov));
    memcpy(addr, ch->addr, n * sizeof(*addr));
    e->out_num = ch->out_num;
    e->in_num = ch->in_num;
    e->out_sg = iov;
    e->in_sg = iov + ch->out_num;
    e->out_addr = addr;
    e->in_addr = addr + ch->out_num;
    return e;
}

/*
 * Add one descriptor's buffer to the chain: device-writable (@write) ones
 * must come after the device-readable ones.  When mapping, it must be RAM
 * (writable RAM for @write); one iovec per RAM section it covers.
 */
static bool chain_add(VirtQueue *vq, VqChain *ch, uint64_t addr, uint32_t len,
                      bool write)
{
    VirtIODevice *vdev = vq->vdev;
    const uint64_t start = addr;
    const uint32_t start_len = len;

    if (write) {
        ch->in_bytes += len;
    } else if (ch->in_num || ch->in_bytes) {
        virtio_error(vdev,
                     "queue %d: device-readable descriptor after a "
                     "device-writable one",
                     vq->index);
        return false;
    } else {
        ch->out_bytes += len;
    }
    if (!ch->map || len == 0) {
        return true;
    }
    if (addr + (len - 1) < addr) {
        goto not_ram;
    }
    while (len) {
        unsigned int n = ch->out_num + ch->in_num;
        MemoryRegionSection s;
        hwaddr piece;

        if (addr - vq->ram.start >= vq->ram.size) {
            if (!address_space_lookup(vdev->dma_as, addr, &s) ||
                !memory_region_is_ram(s.mr)) {
                goto not_ram;
            }
            vq->ram.start = s.offset_within_address_space;
            vq->ram.size = s.size;
            vq->ram.host = (uint8_t *)memory_region_get_ram_ptr(s.mr) +
                           s.offset_within_region;
            vq->ram.readonly = s.readonly;
        }
        if (write && vq->ram.readonly) {
            goto not_ram;
        }
        if (n == VIRTQUEUE_MAX_SIZE) {
            virtio_error(vdev, "queue %d: a chain of more than %u buffers",
                         vq->index, VIRTQUEUE_MAX_SIZE);
            return false;
        }
        piece = MIN((hwaddr)len, vq->ram.size - (addr - vq->ram.start));
        ch->iov[n].iov_base = vq->ram.host + (addr - vq->ram.start);
        ch->iov[n].iov_len = piece;
        ch->addr[n] = addr;
        if (write) {
            ch->in_num++;
        } else {
            ch->out_num++;
        }
        addr += piece;
        len -= piece;
    }
    return true;

not_ram:
    virtio_error(vdev,
                 "queue %d: buffer at %#" PRIx64 " (%u bytes) is not in %s",
                 vq->index, start, start_len, write ? "writable RAM" : "RAM");
    return false;
}

/* An indirect table (2.7.5.3): checked and reached as a ring part. */
static bool indirect_table(VirtQueue *vq, uint64_t addr, uint32_t len,
                           bool has_next, VRingPart *table, unsigned int *max)
{
    VirtIODevice *vdev = vq->vdev;

    if (!virtio_vdev_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
        virtio_error(vdev, "queue %d: indirect descriptor not negotiated",
                     vq->index);
        return false;
    }
    if (has_next) {
        virtio_error(vdev, "queue %d: indirect descriptor with NEXT set",
                     vq->index);
        return false;
    }
    if (len == 0 || len % 16 || len / 16 > VIRTQUEUE_MAX_SIZE) {
        virtio_error(vdev, "queue %d: indirect table of %u bytes", vq->index,
                     len);
        return false;
    }
    if (!ram_range_ok(vdev->dma_as, addr, len, false)) {
        virtio_error(vdev,
                     "queue %d: indirect table at %#" PRIx64
                     " (%u bytes) is not in RAM",
                     vq->index, addr, len);
        return false;
    }
    table->gpa = addr;
    table->len = len;
    table->host = ram_ptr_contig(vdev->dma_as, addr, len);
    *max = len / 16;
    return true;
}

/* Walk the split-ring chain at @head into @ch. */
static bool split_walk(VirtQueue *vq, unsigned int head, VqChain *ch)
{
    VirtIODevice *vdev = vq->vdev;
    VRingPart indirect;
    const VRingPart *table = &vq->ring[VRING_DESC];
    unsigned int max = vq->num, i = head, count = 0;
    bool in_indirect = false;
    struct vring_desc d;

    ring_read(vq, table, 16 * (hwaddr)i, &d, sizeof(d));
    if (d.flags & VRING_DESC_F_INDIRECT) {
        if (!indirect_table(vq, d.addr, d.len, d.flags & VRING_DESC_F_NEXT,
                            &indirect, &max)) {
            return false;
        }
        table = &indirect;
        in_indirect = true;
        i = 0;
        ring_read(vq, table, 0, &d, sizeof(d));
    }
    for (;;) {
        if (++count > max) {
            virtio_error(vdev,
                         "queue %d: chain at head %u loops or is longer "
                         "than its %s (%u)",
                         vq->index, head, in_indirect ? "table" : "ring", max);
            return false;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vdev, "queue %d: %s at head %u", vq->index,
                         in_indirect ? "nested indirect table"
                                     : "indirect descriptor inside a chain",
                         head);
            return false;
        }
        if (!chain_add(vq, ch, d.addr, d.len, d.flags & VRING_DESC_F_WRITE)) {
            return false;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return true;
        }
        i = d.next;
        if (i >= max) {
            virtio_error(vdev, "queue %d: next descriptor %u out of range %u",
                         vq->index, i, max);
            return false;
        }
        ring_read(vq, table, 16 * (hwaddr)i, &d, sizeof(d));
    }
}

/*
 * Whether the split ring has a buffer at last_avail_idx: reads avail->idx
 * only when the shadow copy is used up.
 */
static bool split_avail_pending(VirtQueue *vq)
{
    uint16_t idx;

    if (vq->shadow_avail_idx != vq->last_avail_idx) {
        return true;
    }
    idx = ring_lduw(vq, &vq->ring[VRING_AVAIL], AVAIL_IDX);
    if ((uint16_t)(idx - vq->last_avail_idx) > vq->num) {
        virtio_error(vq->vdev,
                     "queue %d: available index %u is more than %u past %u",
                     vq->index, idx, vq->num, vq->last_avail_idx);
        return false;
    }
    vq->shadow_avail_idx = idx;
    if (idx == vq->last_avail_idx) {
        return false;
    }
    /* read the ring entries only after the index (2.7.13.3) */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return true;
}

static bool split_head(VirtQueue *vq, uint16_t idx, unsigned int *head)
{
    *head = ring_lduw(vq, &vq->ring[VRING_AVAIL], AVAIL_RING(idx % vq->num));
    if (*head >= vq->num) {
        virtio_error(vq->vdev, "queue %d: head %u out of range %u", vq->index,
                     *head, vq->num);
        return false;
    }
    return true;
}

static void *split_pop(VirtQueue *vq, size_t sz)
{
    VqChain chain, *ch = &chain;
    unsigned int head;
    VirtQueueElement *elem;

    if (!split_avail_pending(vq) ||
        !split_head(vq, vq->last_avail_idx, &head)) {
        return NULL;
    }
    ch->map = true;
    ch->out_num = ch->in_num = 0;
    ch->out_bytes = ch->in_bytes = 0;
    if (!split_walk(vq, head, ch)) {
        return NULL;
    }
    vq->last_avail_idx++;
    if (vq->notification && vq_event_idx(vq)) {
        ring_stw(vq, &vq->ring[VRING_USED], AVAIL_EVENT_OFF(vq->num),
                 vq->last_avail_idx);
    }
    elem = elem_build(sz, ch);
    elem->index = head;
    elem->ndescs = 1;
    vq->inuse++;
    return elem;
}

/* ---- Packed ring (2.8) --------------------------------------------------- */

#define PACKED_F_AVAIL        (1u << VRING_PACKED_DESC_F_AVAIL)
#define PACKED_F_USED         (1u << VRING_PACKED_DESC_F_USED)
#define PACKED_DESC_LEN       8 /* offsets in struct vring_packed_desc */
#define PACKED_DESC_ID        12
#define PACKED_DESC_FLAGS     14
#define PACKED_EVENT_OFF_WRAP 0 /* in struct vring_packed_desc_event */
#define PACKED_EVENT_FLAGS    2

/* Descriptor flags say "available" for the driver's wrap counter @wrap. */
static inline bool packed_avail(uint16_t flags, bool wrap)
{
    return !!(flags & PACKED_F_AVAIL) == wrap &&
           !!(flags & PACKED_F_USED) != wrap;
}

/*
 * A ring position as one number modulo 2 * num: the slot, plus num in the
 * laps where the wrap counter is 0.  Distances between positions then
 * work as the split ring's 16-bit indexes do.
 */
static inline uint16_t packed_pos(const VirtQueue *vq, uint16_t slot, bool wrap)
{
    return slot + (wrap ? 0 : vq->num);
}

static inline uint16_t packed_dist(const VirtQueue *vq, uint16_t from,
                                   uint16_t to)
{
    unsigned int span = 2 * vq->num;

    return (to + span - from) % span;
}

static inline void packed_advance(const VirtQueue *vq, uint16_t *slot,
                                  bool *wrap, unsigned int n)
{
    unsigned int s = *slot + n;

    if (s >= vq->num) {
        s -= vq->num;
        *wrap = !*wrap;
    }
    *slot = s;
}

/* The flags of the descriptor in @slot, then (after them) all of it. */
static bool packed_read_avail(VirtQueue *vq, uint16_t slot, bool wrap,
                              struct vring_packed_desc *d)
{
    const VRingPart *r = &vq->ring[VRING_DESC];
    uint16_t flags = ring_lduw(vq, r, 16 * (hwaddr)slot + PACKED_DESC_FLAGS);

    if (!packed_avail(flags, wrap)) {
        return false;
    }
    /* the rest of the descriptor only after its flags (2.8.21.3) */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    ring_read(vq, r, 16 * (hwaddr)slot, d, sizeof(*d));
    d->flags = flags;
    return true;
}

/*
 * Walk the packed-ring chain whose head is at the device's last_avail
 * position (@d already read): its buffers into @ch, its buffer ID and the
 * number of ring slots it takes.
 */
static bool packed_walk(VirtQueue *vq, uint16_t slot, bool wrap,
                        struct vring_packed_desc *d, VqChain *ch,
                        unsigned int *id, unsigned int *ndescs)
{
    VirtIODevice *vdev = vq->vdev;
    unsigned int count = 0;

    if (d->flags & VRING_DESC_F_INDIRECT) {
        VRingPart table;
        unsigned int max;

        if (!indirect_table(vq, d->addr, d->len, d->flags & VRING_DESC_F_NEXT,
                            &table, &max)) {
            return false;
        }
        /* the whole table is the chain, in order (2.8.19) */
        for (unsigned int i = 0; i < max; i++) {
            struct vring_packed_desc t;

            ring_read(vq, &table, 16 * (hwaddr)i, &t, sizeof(t));
            if (t.flags & VRING_DESC_F_INDIRECT) {
                virtio_error(vdev, "queue %d: nested indirect table at %u",
                             vq->index, slot);
                return false;
            }
            if (!chain_add(vq, ch, t.addr, t.len,
                           t.flags & VRING_DESC_F_WRITE)) {
                return false;
            }
        }
        *id = d->id;
        *ndescs = 1;
        return true;
    }
    for (;;) {
        if (++count > vq->num) {
            virtio_error(vdev,
                         "queue %d: chain at %u is longer than its ring (%u)",
                         vq->index, vq->last_avail_idx, vq->num);
            return false;
        }
        if (d->flags & VRING_DESC_F_INDIRECT) {
            virtio_error(vdev,
                         "queue %d: indirect descriptor inside a chain at %u",
                         vq->index, slot);
            return false;
        }
        if (!chain_add(vq, ch, d->addr, d->len,
                       d->flags & VRING_DESC_F_WRITE)) {
            return false;
        }
        if (!(d->flags & VRING_DESC_F_NEXT)) {
            break;
        }
        packed_advance(vq, &slot, &wrap, 1);
        ring_read(vq, &vq->ring[VRING_DESC], 16 * (hwaddr)slot, d, sizeof(*d));
    }
    /* the buffer ID is in the last descriptor (2.8.6) */
    *id = d->id;
    *ndescs = count;
    return true;
}

static void *packed_pop(VirtQueue *vq, size_t sz)
{
    VqChain chain, *ch = &chain;
    struct vring_packed_desc d;
    unsigned int id, ndescs;
    VirtQueueElement *elem;

    if (!packed_read_avail(vq, vq->last_avail_idx, vq->last_avail_wrap, &d)) {
        return NULL;
    }
    ch->map = true;
    ch->out_num = ch->in_num = 0;
    ch->out_bytes = ch->in_bytes = 0;
    if (!packed_walk(vq, vq->last_avail_idx, vq->last_avail_wrap, &d, ch, &id,
                     &ndescs)) {
        return NULL;
    }
    packed_advance(vq, &vq->last_avail_idx, &vq->last_avail_wrap, ndescs);
    vq->shadow_avail_idx = vq->last_avail_idx;
    if (vq->notification && vq_event_idx(vq)) {
        /* kick me when the next one is made available */
        ring_stw(vq, &vq->ring[VRING_USED], PACKED_EVENT_OFF_WRAP,
                 vq->last_avail_idx | (uint16_t)vq->last_avail_wrap << 15);
    }
    elem = elem_build(sz, ch);
    elem->index = id;
    elem->ndescs = ndescs;
    vq->inuse++;
    return elem;
}

static void packed_fill(VirtQueue *vq, const VirtQueueElement *elem,
                        unsigned int len, unsigned int idx)
{
    if (idx >= vq->num_max) {
        return;
    }
    vq->pending[idx].id = elem->index;
    vq->pending[idx].len = len;
    vq->pending[idx].ndescs = elem->ndescs ? elem->ndescs : 1;
}

/*
 * Write @count filled elements as used descriptors; the first one's flags
 * last, so that the driver sees them all at once (2.8.21.2).
 */
static void packed_flush(VirtQueue *vq, unsigned int count)
{
    const VRingPart *r = &vq->ring[VRING_DESC];
    uint16_t slot = vq->used_idx, first_slot = slot, first_flags = 0;
    uint16_t old, new;
    bool wrap = vq->used_wrap;

    if (!count) {
        return;
    }
    count = MIN(count, vq->num_max);
    old = packed_pos(vq, vq->used_idx, vq->used_wrap);
    for (unsigned int i = 0; i < count; i++) {
        const UsedPending *p = &vq->pending[i];
        uint16_t flags = wrap ? PACKED_F_AVAIL | PACKED_F_USED : 0;
        struct {
            uint32_t len;
            uint16_t id;
        } __attribute__((packed)) body = {p->len, p->id};

        if (p->len) {
            flags |= VRING_DESC_F_WRITE;
        }
        ring_write(vq, r, 16 * (hwaddr)slot + PACKED_DESC_LEN, &body,
                   sizeof(body));
        if (i == 0) {
            first_flags = flags;
        } else {
            __atomic_thread_fence(__ATOMIC_RELEASE);
            ring_stw(vq, r, 16 * (hwaddr)slot + PACKED_DESC_FLAGS, flags);
        }
        packed_advance(vq, &slot, &wrap, MIN(p->ndescs, vq->num));
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    ring_stw(vq, r, 16 * (hwaddr)first_slot + PACKED_DESC_FLAGS, first_flags);
    vq->used_idx = slot;
    vq->used_wrap = wrap;
    new = packed_pos(vq, slot, wrap);
    if (packed_dist(vq, vq->signalled_used, new) < packed_dist(vq, old, new)) {
        vq->signalled_used_valid = false;
    }
}

static void packed_set_notification(VirtQueue *vq, bool enable)
{
    const VRingPart *r = &vq->ring[VRING_USED];

    if (!enable) {
        ring_stw(vq, r, PACKED_EVENT_FLAGS, VRING_PACKED_EVENT_FLAG_DISABLE);
    } else if (vq_event_idx(vq)) {
        ring_stw(vq, r, PACKED_EVENT_OFF_WRAP,
                 vq->shadow_avail_idx | (uint16_t)vq->last_avail_wrap << 15);
        ring_stw(vq, r, PACKED_EVENT_FLAGS, VRING_PACKED_EVENT_FLAG_DESC);
    } else {
        ring_stw(vq, r, PACKED_EVENT_FLAGS, VRING_PACKED_EVENT_FLAG_ENABLE);
    }
}

static bool packed_should_notify(VirtQueue *vq)
{
    const VRingPart *r = &vq->ring[VRING_AVAIL];
    uint16_t flags, off_wrap, old, new, event;
    bool valid;

    /* the used descriptors are visible before the driver's flags are read */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    flags = ring_lduw(vq, r, PACKED_EVENT_FLAGS);
    if (flags == VRING_PACKED_EVENT_FLAG_DISABLE) {
        return false;
    }
    if (flags != VRING_PACKED_EVENT_FLAG_DESC || !vq_event_idx(vq)) {
        return true;
    }
    old = vq->signalled_used;
    valid = vq->signalled_used_valid;
    new = vq->signalled_used = packed_pos(vq, vq->used_idx, vq->used_wrap);
    vq->signalled_used_valid = true;
    if (!valid) {
        return true;
    }
    off_wrap = ring_lduw(vq, r, PACKED_EVENT_OFF_WRAP);
    if ((off_wrap & 0x7fff) >= vq->num) {
        return true; /* nonsense: rather one interrupt too many */
    }
    event = packed_pos(vq, off_wrap & 0x7fff, off_wrap >> 15);
    /* did the used position move past the event (old, new]? */
    return packed_dist(vq, event, new) - 1u < packed_dist(vq, old, new);
}

/* Bytes in the available packed chains, as virtqueue_get_avail_bytes. */
static void packed_avail_bytes(VirtQueue *vq, uint64_t *in, uint64_t *out,
                               unsigned max_in, unsigned max_out)
{
    uint16_t slot = vq->last_avail_idx;
    bool wrap = vq->last_avail_wrap;
    unsigned int seen = 0;
    VqChain chain, *ch = &chain;
    struct vring_packed_desc d;

    while (seen < vq->num && packed_read_avail(vq, slot, wrap, &d)) {
        unsigned int id, ndescs;

        ch->map = false;
        ch->out_num = ch->in_num = 0;
        ch->out_bytes = ch->in_bytes = 0;
        if (!packed_walk(vq, slot, wrap, &d, ch, &id, &ndescs)) {
            *in = *out = 0;
            return;
        }
        *in += ch->in_bytes;
        *out += ch->out_bytes;
        if (*in >= max_in && *out >= max_out) {
            return;
        }
        seen += ndescs;
        packed_advance(vq, &slot, &wrap, ndescs);
    }
}

/* ---- The device's view of a queue ---------------------------------------- */

static bool vq_usable(VirtQueue *vq)
{
    return virtio_queue_ready(vq) && vq_map_rings(vq);
}

void *virtqueue_pop(VirtQueue *vq, size_t sz)
{
    if (!vq_usable(vq)) {
        return NULL;
    }
    return vq_packed(vq) ? packed_pop(vq, sz) : split_pop(vq, sz);
}

bool virtio_queue_empty(VirtQueue *vq)
{
    struct vring_packed_desc d;

    if (!vq_usable(vq)) {
        return true;
    }
    if (vq_packed(vq)) {
        return !packed_read_avail(vq, vq->last_avail_idx, vq->last_avail_wrap,
                                  &d);
    }
    if (vq->shadow_avail_idx != vq->last_avail_idx) {
        return false;
    }
    return ring_lduw(vq, &vq->ring[VRING_AVAIL], AVAIL_IDX) ==
           vq->last_avail_idx;
}

void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx)
{
    struct vring_used_elem u;

    if (!vq_usable(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        packed_fill(vq, elem, len, idx);
        return;
    }
    u.id = elem->index;
    u.len = len;
    ring_write(vq, &vq->ring[VRING_USED],
               USED_RING((uint16_t)(vq->used_idx + idx) % vq->num), &u,
               sizeof(u));
}

void virtqueue_flush(VirtQueue *vq, unsigned int count)
{
    uint16_t old, new;

    vq->inuse -= MIN(count, vq->inuse);
    if (!vq_usable(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        packed_flush(vq, count);
        return;
    }
    /* the used elements before the index that publishes them */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    old = vq->used_idx;
    new = old + count;
    ring_stw(vq, &vq->ring[VRING_USED], USED_IDX, new);
    vq->used_idx = new;
    if ((uint16_t)(new - vq->signalled_used) < (uint16_t)(new - old)) {
        vq->signalled_used_valid = false;
    }
}

void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len)
{
    virtqueue_fill(vq, elem, len, 0);
    virtqueue_flush(vq, 1);
}

void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len)
{
    if (vq_packed(vq)) {
        unsigned int n = MIN(elem->ndescs ? elem->ndescs : 1, vq->num);

        if (vq->last_avail_idx < n) {
            vq->last_avail_idx += vq->num;
            vq->last_avail_wrap = !vq->last_avail_wrap;
        }
        vq->last_avail_idx -= n;
        vq->shadow_avail_idx = vq->last_avail_idx;
    } else {
        vq->last_avail_idx--;
    }
    if (vq->inuse) {
        vq->inuse--;
    }
}

void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem,
                              unsigned int len)
{
    if (vq->inuse) {
        vq->inuse--;
    }
}

void virtqueue_get_avail_bytes(VirtQueue *vq, unsigned int *in_bytes,
                               unsigned int *out_bytes, unsigned max_in_bytes,
                               unsigned max_out_bytes)
{
    uint64_t in = 0, out = 0;
    uint16_t idx;
    VqChain chain, *ch = &chain;

    if (!vq_usable(vq)) {
        goto done;
    }
    if (vq_packed(vq)) {
        packed_avail_bytes(vq, &in, &out, max_in_bytes, max_out_bytes);
        goto done;
    }
    /* count up to the driver's index now, not as last read */
    vq->shadow_avail_idx = vq->last_avail_idx;
    if (!split_avail_pending(vq)) {
        goto done;
    }
    for (idx = vq->last_avail_idx; idx != vq->shadow_avail_idx; idx++) {
        unsigned int head;

        ch->map = false;
        ch->out_num = ch->in_num = 0;
        ch->out_bytes = ch->in_bytes = 0;
        if (!split_head(vq, idx, &head) || !split_walk(vq, head, ch)) {
            in = out = 0;
            goto done;
        }
        in += ch->in_bytes;
        out += ch->out_bytes;
        if (in >= max_in_bytes && out >= max_out_bytes) {
            break;
        }
    }
done:
    if (in_bytes) {
        *in_bytes = MIN(in, (uint64_t)max_in_bytes);
    }
    if (out_bytes) {
        *out_bytes = MIN(out, (uint64_t)max_out_bytes);
    }
}

void virtio_queue_set_notification(VirtQueue *vq, int enable)
{
    vq->notification = enable;
    if (!vq_usable(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        packed_set_notification(vq, enable);
    } else if (vq_event_idx(vq)) {
        if (enable) {
            uint16_t idx = ring_lduw(vq, &vq->ring[VRING_AVAIL], AVAIL_IDX);

            ring_stw(vq, &vq->ring[VRING_USED], AVAIL_EVENT_OFF(vq->num), idx);
        }
    } else {
        uint16_t flags = ring_lduw(vq, &vq->ring[VRING_USED], USED_FLAGS);

        if (enable) {
            flags &= ~VRING_USED_F_NO_NOTIFY;
        } else {
            flags |= VRING_USED_F_NO_NOTIFY;
        }
        ring_stw(vq, &vq->ring[VRING_USED], USED_FLAGS, flags);
    }
    if (enable) {
        /* the flag is visible before the caller re-checks the ring */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}

static bool split_should_notify(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t old, new, event;
    bool valid;

    /* the used index is visible before the driver's flags are read */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (virtio_vdev_has_feature(vdev, VIRTIO_F_NOTIFY_ON_EMPTY) &&
        vq->inuse == 0 &&
        ring_lduw(vq, &vq->ring[VRING_AVAIL], AVAIL_IDX) ==
            vq->last_avail_idx) {
        return true;
    }
    if (!vq_event_idx(vq)) {
        return !(ring_lduw(vq, &vq->ring[VRING_AVAIL], 0) &
                 VRING_AVAIL_F_NO_INTERRUPT);
    }
    old = vq->signalled_used;
    valid = vq->signalled_used_valid;
    new = vq->signalled_used = vq->used_idx;
    vq->signalled_used_valid = true;
    event = ring_lduw(vq, &vq->ring[VRING_AVAIL], USED_EVENT_OFF(vq->num));
    return !valid || vring_need_event(event, new, old);
}

static void virtio_irq(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    __atomic_fetch_or(&vdev->isr, VIRTIO_ISR_QUEUE, __ATOMIC_SEQ_CST);
    if (vq->guest_notifier_on) {
        event_notifier_set(&vq->guest_notifier);
    } else if (vdev->transport && vdev->transport->notify) {
        vdev->transport->notify(vdev->transport_opaque, vq->vector);
    }
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (!vq_usable(vq)) {
        return;
    }
    if (vq_packed(vq) ? packed_should_notify(vq) : split_should_notify(vq)) {
        virtio_irq(vq);
    }
}

/* ---- Device life cycle --------------------------------------------------- */

static void vq_reset(VirtQueue *vq)
{
    vq->num = vq->num_max;
    vq->enabled = false;
    vq->desc = vq->avail = vq->used = 0;
    vq->vector = VIRTIO_NO_VECTOR;
    vq_unmap_rings(vq);
    vq->last_avail_idx = vq->shadow_avail_idx = 0;
    vq->used_idx = vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
    vq->last_avail_wrap = vq->used_wrap = true;
}

void virtio_init(VirtIODevice *vdev, DeviceState *owner, AddressSpace *dma_as,
                 MainLoop *ml)
{
    vdev->owner = owner;
    vdev->dma_as = dma_as;
    vdev->main_loop = ml;
    vdev->status = 0;
    vdev->isr = 0;
    vdev->guest_features = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->generation = 0;
    vdev->broken = false;
    vdev->config = vdev->config_len ? g_malloc0(vdev->config_len) : NULL;
    vdev->vq = g_new0(VirtQueue, VIRTIO_QUEUE_MAX);
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        VirtQueue *vq = &vdev->vq[i];

        vq->vdev = vdev;
        vq->index = i;
        vq->host_notifier.fd = -1;
        vq->guest_notifier.fd = -1;
        vq_reset(vq);
    }
    memset(&vdev->mem_listener, 0, sizeof(vdev->mem_listener));
    vdev->mem_listener.commit = virtio_memory_commit;
    if (dma_as) {
        memory_listener_register(&vdev->mem_listener, dma_as);
    }
}

static void vq_release_notifiers(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    if (vq->host_watch) {
        main_loop_remove_fd(vdev->main_loop, vq->host_watch);
        vq->host_watch = 0;
    }
    if (vq->guest_watch) {
        main_loop_remove_fd(vdev->main_loop, vq->guest_watch);
        vq->guest_watch = 0;
    }
    vq->guest_notifier_on = false;
    event_notifier_cleanup(&vq->host_notifier);
    event_notifier_cleanup(&vq->guest_notifier);
    vq->host_notifier.fd = -1;
    vq->guest_notifier.fd = -1;
}

void virtio_cleanup(VirtIODevice *vdev)
{
    if (!vdev->vq) {
        return;
    }
    memory_listener_unregister(&vdev->mem_listener);
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vq_release_notifiers(&vdev->vq[i]);
        g_free(vdev->vq[i].pending);
    }
    g_free(vdev->vq);
    vdev->vq = NULL;
    g_free(vdev->config);
    vdev->config = NULL;
}

void virtio_reset(VirtIODevice *vdev)
{
    /*
     * The device stops its data path (vhost) first, with the rings still
     * set up; as for virtio_set_status, vdev->status already holds the new
     * value when ops->set_status runs.
     */
    if (vdev->status && vdev->ops && vdev->ops->set_status) {
        vdev->status = 0;
        vdev->ops->set_status(vdev, 0);
    }
    vdev->status = 0;
    vdev->isr = 0;
    vdev->guest_features = 0;
    vdev->config_vector = VIRTIO_NO_VECTOR;
    vdev->broken = false;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vq_reset(&vdev->vq[i]);
    }
    if (vdev->ops && vdev->ops->reset) {
        vdev->ops->reset(vdev);
    }
}

void virtio_set_transport(VirtIODevice *vdev, const VirtioTransportOps *ops,
                          void *opaque)
{
    vdev->transport = ops;
    vdev->transport_opaque = opaque;
}

VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output)
{
    int i;

    assert(queue_size > 0 && queue_size <= VIRTQUEUE_MAX_SIZE &&
           !(queue_size & (queue_size - 1)));
    for (i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        if (!vdev->vq[i].num_max) {
            break;
        }
    }
    assert(i < VIRTIO_QUEUE_MAX);
    vdev->vq[i].num_max = queue_size;
    vdev->vq[i].handle_output = handle_output;
    vdev->vq[i].pending = g_new0(UsedPending, queue_size);
    vq_reset(&vdev->vq[i]);
    return &vdev->vq[i];
}

void virtio_del_queue(VirtIODevice *vdev, int n)
{
    VirtQueue *vq;

    assert(n >= 0 && n < VIRTIO_QUEUE_MAX);
    vq = &vdev->vq[n];
    vq_release_notifiers(vq);
    g_free(vq->pending);
    vq->pending = NULL;
    vq->num_max = 0;
    vq->handle_output = NULL;
    vq_reset(vq);
}

int virtio_get_num_queues(VirtIODevice *vdev)
{
    int n = 0;

    while (n < VIRTIO_QUEUE_MAX && vdev->vq[n].num_max) {
        n++;
    }
    return n;
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n)
{
    assert(n >= 0 && n < VIRTIO_QUEUE_MAX);
    return &vdev->vq[n];
}

VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq)
{
    return vq->vdev;
}

int virtio_queue_get_index(VirtQueue *vq)
{
    return vq->index;
}

/* ---- Features, status, configuration ------------------------------------- */

bool virtio_finalize_features(VirtIODevice *vdev, Error **errp)
{
    uint64_t features = vdev->host_features | VIRTIO_COMMON_FEATURES;
    Error *err = NULL;

    if (vdev->use_packed) {
        features |= 1ull << VIRTIO_F_RING_PACKED;
    } else {
        features &= ~(1ull << VIRTIO_F_RING_PACKED);
    }
    if (vdev->ops && vdev->ops->get_features) {
        features = vdev->ops->get_features(vdev, features, &err);
        if (err) {
            error_propagate(errp, err);
            return false;
        }
    }
    vdev->host_features = features;
    return true;
}

int virtio_set_features(VirtIODevice *vdev, uint64_t features)
{
    if (vdev->status &
        (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: features written after FEATURES_OK/DRIVER_OK\n",
                      vdev->name);
        return -EINVAL;
    }
    if (features & ~vdev->host_features) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: driver accepted features %#" PRIx64
                      " that were not offered\n",
                      vdev->name, features & ~vdev->host_features);
        features &= vdev->host_features;
    }
    vdev->guest_features = features;
    for (int i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vq_unmap_rings(&vdev->vq[i]); /* the ring format may change */
    }
    if (vdev->ops && vdev->ops->set_features) {
        vdev->ops->set_features(vdev, features);
    }
    return 0;
}

/* What FEATURES_OK requires of the accepted features. */
static bool features_consistent(const VirtIODevice *vdev)
{
    uint64_t f = vdev->guest_features;

    if (f & ~vdev->host_features) {
        return false;
    }
    /* the packed ring is a virtio 1 format */
    if (virtio_has_feature(f, VIRTIO_F_RING_PACKED) &&
        !virtio_has_feature(f, VIRTIO_F_VERSION_1)) {
        return false;
    }
    return true;
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    status &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !features_consistent(vdev)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: FEATURES_OK refused for features %#" PRIx64 "\n",
                      vdev->name, vdev->guest_features);
        status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    if (vdev->broken) {
        status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    }
    vdev->status = status;
    if (vdev->ops && vdev->ops->set_status) {
        vdev->ops->set_status(vdev, status);
    }
}

static bool config_range_ok(VirtIODevice *vdev, uint32_t addr, unsigned size,
                            bool write)
{
    if ((size != 1 && size != 2 && size != 4) || addr >= vdev->config_len ||
        size > vdev->config_len - addr) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: config %s of %u byte(s) at %#x outside its %zu "
                      "bytes\n",
                      vdev->name, write ? "write" : "read", size, addr,
                      vdev->config_len);
        return false;
    }
    return true;
}

uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size)
{
    uint32_t val = 0;

    if (!config_range_ok(vdev, addr, size, false)) {
        return size >= 4 ? UINT32_MAX : (1u << (8 * size)) - 1;
    }
    if (vdev->ops && vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    memcpy(&val, vdev->config + addr, size);
    return val;
}

void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size)
{
    if (!config_range_ok(vdev, addr, size, true)) {
        return;
    }
    if (vdev->ops && vdev->ops->get_config) {
        vdev->ops->get_config(vdev, vdev->config);
    }
    memcpy(vdev->config + addr, &val, size);
    if (vdev->ops && vdev->ops->set_config) {
        vdev->ops->set_config(vdev, vdev->config);
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->generation++;
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return;
    }
    __atomic_fetch_or(&vdev->isr, VIRTIO_ISR_CONFIG, __ATOMIC_SEQ_CST);
    if (vdev->transport && vdev->transport->notify) {
        vdev->transport->notify(vdev->transport_opaque, vdev->config_vector);
    }
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    char *msg, *path = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (vdev->owner) {
        path = object_get_canonical_path(OBJECT(vdev->owner));
    }
    kemu_log_mask(LOG_GUEST_ERROR, "%s%s%s%s: %s (device broken)\n",
                  vdev->name ? vdev->name : "virtio", path ? " (" : "",
                  path ? path : "", path ? ")" : "", msg);
    g_free(path);
    g_free(msg);
    vdev->broken = true;
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    virtio_notify_config(vdev);
}

bool virtio_device_started(const VirtIODevice *vdev)
{
    return (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) && !vdev->broken;
}

/* ---- Queue registers ----------------------------------------------------- */

/* Queue @n as the transport names it, or NULL (logged) if it was not added. */
static VirtQueue *vq_of(VirtIODevice *vdev, int n)
{
    if (n < 0 || n >= VIRTIO_QUEUE_MAX || !vdev->vq[n].num_max) {
        return NULL;
    }
    return &vdev->vq[n];
}

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        return;
    }
    vq->num = num < 0 ? 0 : (unsigned int)MIN(num, 0x10000);
    vq_unmap_rings(vq);
}

int virtio_queue_get_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? (int)vq->num : 0;
}

int virtio_queue_get_max_num(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? (int)vq->num_max : 0;
}

void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        return;
    }
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    vq_unmap_rings(vq);
}

hwaddr virtio_queue_get_desc_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->desc : 0;
}

hwaddr virtio_queue_get_avail_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->avail : 0;
}

hwaddr virtio_queue_get_used_addr(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->used : 0;
}

void virtio_queue_set_addr(VirtIODevice *vdev, int n, hwaddr addr)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        return;
    }
    if (!addr) {
        vq->desc = vq->avail = vq->used = 0;
        vq->enabled = false;
    } else {
        vq->desc = addr;
        vq->avail = addr + 16 * (hwaddr)vq->num;
        vq->used = ROUND_UP(vq->avail + 6 + 2 * (hwaddr)vq->num, (hwaddr)4096);
        vq->enabled = true;
    }
    vq_unmap_rings(vq);
}

hwaddr virtio_queue_get_addr(VirtIODevice *vdev, int n)
{
    return virtio_queue_get_desc_addr(vdev, n);
}

void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (vq) {
        vq->vector = vector;
    }
}

uint16_t virtio_queue_vector(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vq->vector : VIRTIO_NO_VECTOR;
}

void virtio_queue_enable(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (vq) {
        vq->enabled = true;
        vq_unmap_rings(vq);
    }
}

bool virtio_queue_enabled(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq && vq->enabled;
}

void virtio_queue_notify(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "%s: notify of queue %d, which does not exist\n",
                      vdev->name, n);
        return;
    }
    if (vdev->broken || !vq->desc || !vq->handle_output) {
        return;
    }
    vq->handle_output(vdev, vq);
}

/* ---- Notifiers ----------------------------------------------------------- */

EventNotifier *virtio_queue_get_host_notifier(VirtQueue *vq)
{
    if (vq->host_notifier.fd < 0) {
        event_notifier_init(&vq->host_notifier, false);
    }
    return &vq->host_notifier;
}

static gboolean host_notifier_read(int fd, GIOCondition cond, void *opaque)
{
    VirtQueue *vq = opaque;

    (void)fd;
    (void)cond;
    if (event_notifier_test_and_clear(&vq->host_notifier)) {
        virtio_queue_notify(vq->vdev, vq->index);
    }
    return G_SOURCE_CONTINUE;
}

void virtio_queue_host_notifier_read_enable(VirtQueue *vq, bool on)
{
    VirtIODevice *vdev = vq->vdev;

    if (on && !vq->host_watch) {
        EventNotifier *e = virtio_queue_get_host_notifier(vq);

        if (e->fd >= 0 && vdev->main_loop) {
            vq->host_watch = main_loop_add_fd(vdev->main_loop, e->fd, G_IO_IN,
                                              host_notifier_read, vq);
        }
    } else if (!on && vq->host_watch) {
        main_loop_remove_fd(vdev->main_loop, vq->host_watch);
        vq->host_watch = 0;
    }
}

EventNotifier *virtio_queue_get_guest_notifier(VirtQueue *vq)
{
    if (vq->guest_notifier.fd < 0) {
        event_notifier_init(&vq->guest_notifier, false);
    }
    return &vq->guest_notifier;
}

/* The guest notifier fired without irqfd: deliver through the transport. */
static void guest_notifier_deliver(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;

    if (event_notifier_test_and_clear(&vq->guest_notifier)) {
        __atomic_fetch_or(&vdev->isr, VIRTIO_ISR_QUEUE, __ATOMIC_SEQ_CST);
        if (vdev->transport && vdev->transport->notify) {
            vdev->transport->notify(vdev->transport_opaque, vq->vector);
        }
    }
}

static gboolean guest_notifier_read(int fd, GIOCondition cond, void *opaque)
{
    (void)fd;
    (void)cond;
    guest_notifier_deliver(opaque);
    return G_SOURCE_CONTINUE;
}

void virtio_queue_set_guest_notifier(VirtQueue *vq, bool assign,
                                     bool with_irqfd)
{
    VirtIODevice *vdev = vq->vdev;

    if (assign) {
        EventNotifier *e = virtio_queue_get_guest_notifier(vq);

        if (e->fd < 0) {
            return;
        }
        vq->guest_notifier_on = true;
        if (!with_irqfd && !vq->guest_watch && vdev->main_loop) {
            vq->guest_watch = main_loop_add_fd(vdev->main_loop, e->fd, G_IO_IN,
                                               guest_notifier_read, vq);
        } else if (with_irqfd && vq->guest_watch) {
            main_loop_remove_fd(vdev->main_loop, vq->guest_watch);
            vq->guest_watch = 0;
        }
    } else {
        if (vq->guest_watch) {
            main_loop_remove_fd(vdev->main_loop, vq->guest_watch);
            vq->guest_watch = 0;
        }
        vq->guest_notifier_on = false;
        if (vq->guest_notifier.fd >= 0) {
            guest_notifier_deliver(vq); /* one that was still pending */
        }
    }
}

/* ---- vhost --------------------------------------------------------------- */

uint16_t virtio_queue_get_last_avail_idx(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        return 0;
    }
    if (vq_packed(vq)) {
        return (vq->last_avail_idx & 0x7fff) |
               ((uint16_t)vq->last_avail_wrap << 15);
    }
    return vq->last_avail_idx;
}

void virtio_queue_set_last_avail_idx(VirtIODevice *vdev, int n, uint16_t idx)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq) {
        return;
    }
    if (vq_packed(vq)) {
        vq->last_avail_idx = vq->shadow_avail_idx = idx & 0x7fff;
        vq->last_avail_wrap = idx >> 15;
        vq_unmap_rings(vq); /* checked against the size again */
        return;
    }
    vq->last_avail_idx = vq->shadow_avail_idx = idx;
}

void virtio_queue_update_used_idx(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    if (!vq || !vq->desc) {
        return;
    }
    /* vhost signalled what it used: the next interrupt is not suppressed */
    vq->signalled_used_valid = false;
    if (!vq_map_rings(vq)) {
        return;
    }
    if (vq_packed(vq)) {
        vq->used_idx = vq->last_avail_idx;
        vq->used_wrap = vq->last_avail_wrap;
        return;
    }
    vq->used_idx = ring_lduw(vq, &vq->ring[VRING_USED], USED_IDX);
}

hwaddr virtio_queue_get_desc_size(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vring_part_size(vq, VRING_DESC) : 0;
}

hwaddr virtio_queue_get_avail_size(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vring_part_size(vq, VRING_AVAIL) : 0;
}

hwaddr virtio_queue_get_used_size(VirtIODevice *vdev, int n)
{
    VirtQueue *vq = vq_of(vdev, n);

    return vq ? vring_part_size(vq, VRING_USED) : 0;
}
