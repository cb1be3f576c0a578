/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the virtio core (hw/virtio/virtio.c): a guest RAM address
 * space with an MMIO canary, a driver written here that fills the rings
 * by hand, and a fake transport that records interrupts.  Covers the split
 * and packed rings, notification suppression, the notifiers, and every
 * malformed ring the core must refuse (device broken, one log line, nothing
 * outside RAM touched).
 */
#include "util/osdep.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "exec/memory.h"
#include "hw/virtio/virtio.h"
#include "tests/unit/unit.h"

/*
 * The guest's memory map:
 *   [0, 1 MiB)            RAM "ram"
 *   [1 MiB, 1 MiB+64 KiB) RAM "ram2" (another region: not host-contiguous)
 *   [2 MiB, 2 MiB+4 KiB)  I/O "canary" (counts every access)
 *   elsewhere             nothing
 */
#define RAM_SIZE    0x100000
#define RAM2_BASE   0x100000
#define RAM2_SIZE   0x10000
#define CANARY_BASE 0x200000
#define HOLE_ADDR   0x800000

#define QSIZE      16
#define DESC_ADDR  0x1000
#define AVAIL_ADDR 0x2000
#define USED_ADDR  0x3000
#define DATA_ADDR  0x10000

#define CONFIG_LEN    8
#define CONFIG_VECTOR 7
#define QUEUE_VECTOR  3

typedef struct Guest {
    MemoryRegion sys, ram, ram2, canary;
    AddressSpace as;
    VirtIODevice vdev;
    VirtQueue *vq;
    MainLoop *ml;
    unsigned canary_hits;
    unsigned kicks;
    unsigned irqs[16]; /* transport notify calls per vector */
    uint8_t config[CONFIG_LEN];
    int set_status_calls;
    uint8_t last_status;
    int resets;
    uint16_t avail_idx;   /* the driver's next avail index */
    uint16_t packed_next; /* packed: the driver's next descriptor slot */
    bool packed_wrap;     /* packed: the driver's wrap counter */
    unsigned qsize;       /* packed: the ring size the driver set */
    char *log_path;
} Guest;

/* The one instance the callbacks below see (set up per test). */
static Guest *cur;

static uint64_t canary_read(void *opaque, hwaddr addr, unsigned size)
{
    ((Guest *)opaque)->canary_hits++;
    return 0;
}

static void canary_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ((Guest *)opaque)->canary_hits++;
}

static const MemoryRegionOps canary_ops = {
    .read = canary_read,
    .write = canary_write,
};

static void tr_notify(void *opaque, uint16_t vector)
{
    Guest *g = opaque;

    g->irqs[vector < ARRAY_SIZE(g->irqs) ? vector : 15]++;
}

static const VirtioTransportOps fake_transport = {
    .notify = tr_notify,
};

static void dev_get_config(VirtIODevice *vdev, uint8_t *config)
{
    memcpy(config, cur->config, CONFIG_LEN);
}

static void dev_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    memcpy(cur->config, config, CONFIG_LEN);
}

static uint64_t dev_get_features(VirtIODevice *vdev, uint64_t features,
                                 Error **errp)
{
    return features;
}

static void dev_set_status(VirtIODevice *vdev, uint8_t status)
{
    cur->set_status_calls++;
    cur->last_status = status;
    /* the device reads the new status from vdev too (virtio-net does) */
    CU_ASSERT_EQUAL(vdev->status, status);
}

static void dev_reset(VirtIODevice *vdev)
{
    cur->resets++;
}

static const VirtioDeviceOps dev_ops = {
    .get_features = dev_get_features,
    .set_status = dev_set_status,
    .reset = dev_reset,
    .get_config = dev_get_config,
    .set_config = dev_set_config,
};

static void handle_kick(VirtIODevice *vdev, VirtQueue *vq)
{
    cur->kicks++;
}

/* ---- Guest memory ---------------------------------------------------------
 */

static void gw(hwaddr addr, const void *buf, hwaddr len)
{
    CU_ASSERT_FATAL(dma_memory_write(&cur->as, addr, buf, len) == MEMTX_OK);
}

static void gr(hwaddr addr, void *buf, hwaddr len)
{
    CU_ASSERT_FATAL(dma_memory_read(&cur->as, addr, buf, len) == MEMTX_OK);
}

static void gw16(hwaddr addr, uint16_t v)
{
    gw(addr, &v, 2);
}

static uint16_t gr16(hwaddr addr)
{
    uint16_t v;

    gr(addr, &v, 2);
    return v;
}

static uint32_t gr32(hwaddr addr)
{
    uint32_t v;

    gr(addr, &v, 4);
    return v;
}

/* ---- Setup ----------------------------------------------------------------
 */

#define F(bit) (1ull << (bit))

/* A device with one queue of QSIZE, the driver accepting @features. */
static Guest *guest_new(uint64_t features, bool packed)
{
    Guest *g = g_new0(Guest, 1);
    int fd;

    cur = g;
    memory_region_init(&g->sys, NULL, "sys", UINT64_MAX);
    CU_ASSERT_FATAL(
        memory_region_init_ram(&g->ram, NULL, "ram", RAM_SIZE, NULL));
    CU_ASSERT_FATAL(
        memory_region_init_ram(&g->ram2, NULL, "ram2", RAM2_SIZE, NULL));
    memory_region_init_io(&g->canary, NULL, &canary_ops, g, "canary", 0x1000);
    memory_region_add_subregion(&g->sys, 0, &g->ram);
    memory_region_add_subregion(&g->sys, RAM2_BASE, &g->ram2);
    memory_region_add_subregion(&g->sys, CANARY_BASE, &g->canary);
    address_space_init(&g->as, &g->sys, "memory");
    g->ml = main_loop_new();

    g->vdev.ops = &dev_ops;
    g->vdev.name = "virtio-test";
    g->vdev.device_id = VIRTIO_ID_NET;
    g->vdev.config_len = CONFIG_LEN;
    g->vdev.use_packed = packed;
    virtio_init(&g->vdev, NULL, &g->as, g->ml);
    virtio_set_transport(&g->vdev, &fake_transport, g);
    g->vq = virtio_add_queue(&g->vdev, QSIZE, handle_kick);
    CU_ASSERT_FATAL(virtio_finalize_features(&g->vdev, NULL));

    /* the driver's bring-up (3.1.1) */
    virtio_set_status(&g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_set_status(&g->vdev,
                      VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    CU_ASSERT_EQUAL(virtio_set_features(&g->vdev, features), 0);
    virtio_set_status(&g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                                    VIRTIO_CONFIG_S_DRIVER |
                                    VIRTIO_CONFIG_S_FEATURES_OK);
    CU_ASSERT(g->vdev.status & VIRTIO_CONFIG_S_FEATURES_OK);
    g->vdev.config_vector = CONFIG_VECTOR;
    virtio_queue_set_num(&g->vdev, 0, QSIZE);
    virtio_queue_set_rings(&g->vdev, 0, DESC_ADDR, AVAIL_ADDR, USED_ADDR);
    virtio_queue_set_vector(&g->vdev, 0, QUEUE_VECTOR);
    virtio_queue_enable(&g->vdev, 0);
    virtio_set_status(
        &g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                      VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
    g->packed_wrap = true;
    g->qsize = QSIZE;

    /* capture guest-error lines */
    fd = g_file_open_tmp("kemu-test-virtqueue-XXXXXX", &g->log_path, NULL);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    CU_ASSERT_FATAL(kemu_log_set_file(g->log_path, NULL));
    kemu_log_set_mask(LOG_GUEST_ERROR);
    return g;
}

/* The guest-error text logged so far (caller frees). */
static char *guest_log(Guest *g)
{
    char *text = NULL;

    CU_ASSERT(g_file_get_contents(g->log_path, &text, NULL, NULL));
    return text ? text : g_strdup("");
}

static void guest_free(Guest *g)
{
    kemu_log_set_mask(0);
    kemu_log_set_file(NULL, NULL);
    unlink(g->log_path);
    g_free(g->log_path);
    virtio_cleanup(&g->vdev);
    main_loop_free(g->ml);
    address_space_destroy(&g->as);
    memory_region_destroy(&g->canary);
    memory_region_destroy(&g->ram2);
    memory_region_destroy(&g->ram);
    memory_region_destroy(&g->sys);
    g_free(g);
    cur = NULL;
}

/* ---- The driver: split ring -----------------------------------------------
 */

static void put_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                     uint16_t next)
{
    struct vring_desc d = {
        .addr = addr, .len = len, .flags = flags, .next = next};

    gw(DESC_ADDR + 16 * i, &d, sizeof(d));
}

static void put_desc_at(hwaddr table, unsigned i, uint64_t addr, uint32_t len,
                        uint16_t flags, uint16_t next)
{
    struct vring_desc d = {
        .addr = addr, .len = len, .flags = flags, .next = next};

    gw(table + 16 * i, &d, sizeof(d));
}

/* Make @head available. */
static void avail_push(Guest *g, uint16_t head)
{
    gw16(AVAIL_ADDR + 4 + 2 * (g->avail_idx % QSIZE), head);
    g->avail_idx++;
    gw16(AVAIL_ADDR + 2, g->avail_idx);
}

static uint16_t used_idx(void)
{
    return gr16(USED_ADDR + 2);
}

static void used_elem(unsigned slot, uint32_t *id, uint32_t *len)
{
    *id = gr32(USED_ADDR + 4 + 8 * slot);
    *len = gr32(USED_ADDR + 4 + 8 * slot + 4);
}

/* The device uses the next buffer (@len bytes written), then notifies. */
static void use_one(Guest *g, uint32_t len, bool notify)
{
    VirtQueueElement *e = virtqueue_pop(g->vq, sizeof(*e));

    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    virtqueue_push(g->vq, e, len);
    g_free(e);
    if (notify) {
        virtio_notify(&g->vdev, g->vq);
    }
}

#define NEXT  VRING_DESC_F_NEXT
#define WRITE VRING_DESC_F_WRITE
#define INDIR VRING_DESC_F_INDIRECT

#define SPLIT_FEATURES (F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_INDIRECT_DESC))

/* ---- Split ring: the data path --------------------------------------------
 */

static void test_split_chain(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    VirtQueueElement *e;
    uint32_t id, len;

    gw(DATA_ADDR, "hello", 5);
    gw(DATA_ADDR + 0x100, "world", 5);
    put_desc(3, DATA_ADDR, 5, NEXT, 7);
    put_desc(7, DATA_ADDR + 0x100, 5, NEXT, 1);
    put_desc(1, DATA_ADDR + 0x200, 64, WRITE, 0);
    CU_ASSERT(virtio_queue_empty(g->vq));
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(VirtQueueElement)));
    avail_push(g, 3);
    CU_ASSERT_FALSE(virtio_queue_empty(g->vq));

    e = virtqueue_pop(g->vq, sizeof(VirtQueueElement));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 3);
    CU_ASSERT_EQUAL_FATAL(e->out_num, 2);
    CU_ASSERT_EQUAL_FATAL(e->in_num, 1);
    CU_ASSERT_EQUAL(e->out_sg[0].iov_len, 5);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[0].iov_base, "hello", 5);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[1].iov_base, "world", 5);
    CU_ASSERT_EQUAL(e->out_addr[1], DATA_ADDR + 0x100);
    CU_ASSERT_EQUAL(e->in_sg[0].iov_len, 64);
    CU_ASSERT_EQUAL(e->in_addr[0], DATA_ADDR + 0x200);
    CU_ASSERT(virtio_queue_empty(g->vq));
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(VirtQueueElement)));

    /* the device writes into the guest's buffer and returns it */
    memcpy(e->in_sg[0].iov_base, "reply", 5);
    virtqueue_push(g->vq, e, 5);
    g_free(e);
    CU_ASSERT_EQUAL(used_idx(), 1);
    used_elem(0, &id, &len);
    CU_ASSERT_EQUAL(id, 3);
    CU_ASSERT_EQUAL(len, 5);
    {
        char buf[5];

        gr(DATA_ADDR + 0x200, buf, 5);
        CU_ASSERT_NSTRING_EQUAL(buf, "reply", 5);
    }
    virtio_notify(&g->vdev, g->vq);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);
    CU_ASSERT(g->vdev.isr & VIRTIO_ISR_QUEUE);
    CU_ASSERT_FALSE(g->vdev.broken);
    CU_ASSERT_EQUAL(g->canary_hits, 0);
    guest_free(g);
}

/* A device's own struct around the element, fill/flush of several. */
typedef struct MyReq {
    VirtQueueElement elem;
    uint64_t cookie;
} MyReq;

static void test_split_fill_flush(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    MyReq *r[3];
    uint32_t id, len;

    for (unsigned i = 0; i < 3; i++) {
        put_desc(i, DATA_ADDR + i * 0x100, 16, WRITE, 0);
        avail_push(g, i);
    }
    for (unsigned i = 0; i < 3; i++) {
        r[i] = virtqueue_pop(g->vq, sizeof(MyReq));
        CU_ASSERT_PTR_NOT_NULL_FATAL(r[i]);
        CU_ASSERT_EQUAL(r[i]->cookie, 0);
        r[i]->cookie = i;
    }
    /* give the last back: popped again */
    virtqueue_unpop(g->vq, &r[2]->elem, 0);
    g_free(r[2]);
    r[2] = virtqueue_pop(g->vq, sizeof(MyReq));
    CU_ASSERT_PTR_NOT_NULL_FATAL(r[2]);
    CU_ASSERT_EQUAL(r[2]->elem.index, 2);

    /* used out of order, published at once */
    virtqueue_fill(g->vq, &r[2]->elem, 12, 0);
    virtqueue_fill(g->vq, &r[0]->elem, 10, 1);
    CU_ASSERT_EQUAL(used_idx(), 0);
    virtqueue_flush(g->vq, 2);
    CU_ASSERT_EQUAL(used_idx(), 2);
    used_elem(0, &id, &len);
    CU_ASSERT(id == 2 && len == 12);
    used_elem(1, &id, &len);
    CU_ASSERT(id == 0 && len == 10);
    virtqueue_detach_element(g->vq, &r[1]->elem, 0);
    for (unsigned i = 0; i < 3; i++) {
        g_free(r[i]);
    }
    guest_free(g);
}

static void test_split_indirect(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    const hwaddr table = 0x8000;
    VirtQueueElement *e;
    uint32_t id, len;

    put_desc_at(table, 0, DATA_ADDR, 10, NEXT, 2);
    put_desc_at(table, 2, DATA_ADDR + 0x100, 20, NEXT, 1);
    put_desc_at(table, 1, DATA_ADDR + 0x200, 30, WRITE, 0);
    put_desc(5, table, 3 * 16, INDIR, 0);
    avail_push(g, 5);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 5);
    CU_ASSERT_EQUAL(e->out_num, 2);
    CU_ASSERT_EQUAL(e->in_num, 1);
    CU_ASSERT_EQUAL(e->out_sg[1].iov_len, 20);
    CU_ASSERT_EQUAL(e->in_addr[0], DATA_ADDR + 0x200);
    virtqueue_push(g->vq, e, 30);
    g_free(e);
    used_elem(0, &id, &len);
    CU_ASSERT(id == 5 && len == 30);
    CU_ASSERT_FALSE(g->vdev.broken);
    guest_free(g);
}

/* A buffer across two RAM regions: two iovecs, one per region. */
static void test_split_spanning_buffer(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    VirtQueueElement *e;

    gw(RAM2_BASE - 3, "abcdef", 6);
    put_desc(0, RAM2_BASE - 3, 6, 0, 0);
    avail_push(g, 0);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL_FATAL(e->out_num, 2);
    CU_ASSERT_EQUAL(e->out_sg[0].iov_len, 3);
    CU_ASSERT_EQUAL(e->out_sg[1].iov_len, 3);
    CU_ASSERT_EQUAL(e->out_addr[0], RAM2_BASE - 3);
    CU_ASSERT_EQUAL(e->out_addr[1], RAM2_BASE);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[0].iov_base, "abc", 3);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[1].iov_base, "def", 3);
    g_free(e);
    guest_free(g);
}

static void test_split_avail_bytes(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    unsigned in, out;

    virtqueue_get_avail_bytes(g->vq, &in, &out, 1000, 1000);
    CU_ASSERT(in == 0 && out == 0);
    put_desc(0, DATA_ADDR, 100, NEXT, 1);
    put_desc(1, DATA_ADDR + 0x100, 200, WRITE, 0);
    put_desc(2, DATA_ADDR + 0x400, 300, WRITE, 0);
    avail_push(g, 0);
    avail_push(g, 2);
    virtqueue_get_avail_bytes(g->vq, &in, &out, 10000, 10000);
    CU_ASSERT_EQUAL(in, 500);
    CU_ASSERT_EQUAL(out, 100);
    virtqueue_get_avail_bytes(g->vq, &in, &out, 150, 50);
    CU_ASSERT_EQUAL(in, 150);
    CU_ASSERT_EQUAL(out, 50);
    /* nothing was consumed */
    {
        VirtQueueElement *e = virtqueue_pop(g->vq, sizeof(*e));

        CU_ASSERT_PTR_NOT_NULL(e);
        CU_ASSERT_EQUAL(e ? e->index : 99, 0);
        g_free(e);
    }
    /* buffers added after a pop read the index are counted too (the
     * device waits for room, the driver adds more: it must see them) */
    virtqueue_get_avail_bytes(g->vq, &in, &out, 10000, 10000);
    CU_ASSERT_EQUAL(in, 300);
    put_desc(3, DATA_ADDR + 0x800, 400, WRITE, 0);
    avail_push(g, 3);
    virtqueue_get_avail_bytes(g->vq, &in, &out, 10000, 10000);
    CU_ASSERT_EQUAL(in, 700);
    CU_ASSERT_EQUAL(out, 0);
    guest_free(g);
}

/* ---- Split ring: notifications --------------------------------------------
 */

static void test_split_no_interrupt(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    put_desc(0, DATA_ADDR, 16, WRITE, 0);
    put_desc(1, DATA_ADDR, 16, WRITE, 0);
    avail_push(g, 0);
    avail_push(g, 1);
    gw16(AVAIL_ADDR, VRING_AVAIL_F_NO_INTERRUPT);
    use_one(g, 1, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 0);
    gw16(AVAIL_ADDR, 0);
    use_one(g, 1, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);

    /* the device asks for no kicks: used->flags */
    virtio_queue_set_notification(g->vq, 0);
    CU_ASSERT(gr16(USED_ADDR) & VRING_USED_F_NO_NOTIFY);
    virtio_queue_set_notification(g->vq, 1);
    CU_ASSERT_FALSE(gr16(USED_ADDR) & VRING_USED_F_NO_NOTIFY);
    guest_free(g);
}

static void test_split_notify_on_empty(void)
{
    Guest *g = guest_new(F(VIRTIO_F_NOTIFY_ON_EMPTY), false);

    put_desc(0, DATA_ADDR, 16, WRITE, 0);
    put_desc(1, DATA_ADDR, 16, WRITE, 0);
    avail_push(g, 0);
    avail_push(g, 1);
    gw16(AVAIL_ADDR, VRING_AVAIL_F_NO_INTERRUPT);
    use_one(g, 1, true); /* not empty yet: suppressed */
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 0);
    use_one(g, 1, true); /* empty: notified anyway */
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);
    guest_free(g);
}

/* EVENT_IDX, driver to device: used_event suppresses interrupts. */
static void test_split_event_idx_used_event(void)
{
    Guest *g = guest_new(SPLIT_FEATURES | F(VIRTIO_RING_F_EVENT_IDX), false);

    for (unsigned i = 0; i < 4; i++) {
        put_desc(i, DATA_ADDR, 16, WRITE, 0);
        avail_push(g, i);
    }
    /* used_event = 2: interrupt when the used index passes 2 */
    gw16(AVAIL_ADDR + 4 + 2 * QSIZE, 2);
    for (unsigned i = 0; i < 4; i++) {
        use_one(g, 1, true);
        /* the first is always signalled; then only crossing used_event */
        CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], i == 0 ? 1 : i < 2 ? 1 : 2);
    }
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 2);
    guest_free(g);
}

/* EVENT_IDX, device to driver: avail_event asks for kicks. */
static void test_split_event_idx_avail_event(void)
{
    Guest *g = guest_new(SPLIT_FEATURES | F(VIRTIO_RING_F_EVENT_IDX), false);
    const hwaddr avail_event = USED_ADDR + 4 + 8 * QSIZE;
    VirtQueueElement *e;

    put_desc(0, DATA_ADDR, 16, WRITE, 0);
    put_desc(1, DATA_ADDR, 16, WRITE, 0);
    avail_push(g, 0);
    avail_push(g, 1);
    e = virtqueue_pop(g->vq, sizeof(*e));
    g_free(e);
    CU_ASSERT_EQUAL(gr16(avail_event), 1); /* kick me at the next one */
    /* polling: no more updates, so the driver's kicks stop */
    virtio_queue_set_notification(g->vq, 0);
    e = virtqueue_pop(g->vq, sizeof(*e));
    g_free(e);
    CU_ASSERT_EQUAL(gr16(avail_event), 1);
    CU_ASSERT_FALSE(gr16(USED_ADDR) & VRING_USED_F_NO_NOTIFY);
    avail_push(g, 0);
    avail_push(g, 1);
    /* back to kicks: avail_event is the driver's current index */
    virtio_queue_set_notification(g->vq, 1);
    CU_ASSERT_EQUAL(gr16(avail_event), 4);
    guest_free(g);
}

/* ---- Device: features, status, config, reset ----------------------------- */

static void test_features_status(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    CU_ASSERT(virtio_has_feature(g->vdev.host_features, VIRTIO_F_VERSION_1));
    CU_ASSERT(
        virtio_has_feature(g->vdev.host_features, VIRTIO_RING_F_EVENT_IDX));
    CU_ASSERT_FALSE(
        virtio_has_feature(g->vdev.host_features, VIRTIO_F_RING_PACKED));
    /* after FEATURES_OK: refused */
    CU_ASSERT_EQUAL(virtio_set_features(&g->vdev, 0), -EINVAL);
    CU_ASSERT_EQUAL(g->vdev.guest_features, SPLIT_FEATURES);

    /* status 0 resets */
    virtio_set_status(&g->vdev, 0);
    CU_ASSERT_EQUAL(g->vdev.status, 0);
    CU_ASSERT_EQUAL(g->vdev.guest_features, 0);
    CU_ASSERT_EQUAL(virtio_queue_get_desc_addr(&g->vdev, 0), 0);
    CU_ASSERT_EQUAL(virtio_queue_get_num(&g->vdev, 0), QSIZE);
    CU_ASSERT_EQUAL(virtio_queue_vector(&g->vdev, 0), VIRTIO_NO_VECTOR);
    CU_ASSERT_FALSE(virtio_queue_enabled(&g->vdev, 0));

    /* features not offered are dropped */
    CU_ASSERT_EQUAL(virtio_set_features(&g->vdev, F(VIRTIO_F_VERSION_1) |
                                                      F(VIRTIO_F_RING_PACKED) |
                                                      F(50)),
                    0);
    CU_ASSERT_EQUAL(g->vdev.guest_features, F(VIRTIO_F_VERSION_1));
    {
        char *log = guest_log(g);

        CU_ASSERT_PTR_NOT_NULL(strstr(log, "not offered"));
        g_free(log);
    }
    guest_free(g);

    /* packed=on offers the packed ring */
    g = guest_new(F(VIRTIO_F_VERSION_1), true);
    CU_ASSERT(virtio_has_feature(g->vdev.host_features, VIRTIO_F_RING_PACKED));
    guest_free(g);
}

static void test_config(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    uint32_t gen = g->vdev.generation;

    memcpy(g->config, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    CU_ASSERT_EQUAL(virtio_config_read(&g->vdev, 0, 1), 0x01);
    CU_ASSERT_EQUAL(virtio_config_read(&g->vdev, 2, 2), 0x0403);
    CU_ASSERT_EQUAL(virtio_config_read(&g->vdev, 4, 4), 0x08070605);
    CU_ASSERT_EQUAL(virtio_config_read(&g->vdev, 6, 4), 0xffffffff);
    CU_ASSERT_EQUAL(virtio_config_read(&g->vdev, 8, 1), 0xff);
    virtio_config_write(&g->vdev, 1, 0xaabb, 2);
    CU_ASSERT_EQUAL(g->config[1], 0xbb);
    CU_ASSERT_EQUAL(g->config[2], 0xaa);
    virtio_config_write(&g->vdev, 7, 0xaabb, 2); /* ignored */
    CU_ASSERT_EQUAL(g->config[7], 0x08);

    virtio_notify_config(&g->vdev);
    CU_ASSERT_NOT_EQUAL(g->vdev.generation, gen);
    CU_ASSERT_EQUAL(g->irqs[CONFIG_VECTOR], 1);
    CU_ASSERT(g->vdev.isr & VIRTIO_ISR_CONFIG);

    /* before DRIVER_OK: the generation moves, no interrupt */
    virtio_set_status(&g->vdev, 0);
    gen = g->vdev.generation;
    virtio_set_status(&g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_notify_config(&g->vdev);
    CU_ASSERT_NOT_EQUAL(g->vdev.generation, gen);
    CU_ASSERT_EQUAL(g->irqs[CONFIG_VECTOR], 1);
    guest_free(g);
}

static void test_reset_queue(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    VirtQueueElement *e;

    put_desc(0, DATA_ADDR, 16, WRITE, 0);
    avail_push(g, 0);
    use_one(g, 1, false);
    CU_ASSERT_EQUAL(g->last_status & VIRTIO_CONFIG_S_DRIVER_OK,
                    VIRTIO_CONFIG_S_DRIVER_OK);
    virtio_set_status(&g->vdev, 0);
    /* the device was told (its data path stops), then reset */
    CU_ASSERT_EQUAL(g->last_status, 0);
    CU_ASSERT_EQUAL(g->resets, 1);
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(*e)));
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&g->vdev, 0), 0);
    /* a machine reset (the transport calls virtio_reset) tells it too */
    virtio_set_status(&g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_reset(&g->vdev);
    CU_ASSERT_EQUAL(g->last_status, 0);
    CU_ASSERT_EQUAL(g->resets, 2);

    /* bring it up again on fresh rings */
    memset(memory_region_get_ram_ptr(&g->ram), 0, 0x4000);
    g->avail_idx = 0;
    CU_ASSERT_EQUAL(virtio_set_features(&g->vdev, SPLIT_FEATURES), 0);
    virtio_queue_set_rings(&g->vdev, 0, DESC_ADDR, AVAIL_ADDR, USED_ADDR);
    virtio_queue_enable(&g->vdev, 0);
    virtio_set_status(
        &g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                      VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
    put_desc(4, DATA_ADDR, 16, WRITE, 0);
    avail_push(g, 4);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 4);
    virtqueue_push(g->vq, e, 1);
    g_free(e);
    CU_ASSERT_EQUAL(used_idx(), 1);
    guest_free(g);
}

/* The legacy layout: avail after the table, used at the next 4 KiB. */
static void test_legacy_addr(void)
{
    Guest *g = guest_new(0, false);

    virtio_queue_set_addr(&g->vdev, 0, 0x20000);
    CU_ASSERT_EQUAL(virtio_queue_get_addr(&g->vdev, 0), 0x20000);
    CU_ASSERT_EQUAL(virtio_queue_get_avail_addr(&g->vdev, 0),
                    0x20000 + 16 * QSIZE);
    CU_ASSERT_EQUAL(virtio_queue_get_used_addr(&g->vdev, 0), 0x21000);
    CU_ASSERT(virtio_queue_enabled(&g->vdev, 0));
    {
        struct vring_desc d = {.addr = DATA_ADDR, .len = 8, .flags = 0};

        gw(0x20000, &d, sizeof(d));
        gw16(0x20000 + 16 * QSIZE + 4, 0);
        gw16(0x20000 + 16 * QSIZE + 2, 1);
    }
    use_one(g, 0, false);
    CU_ASSERT_EQUAL(gr16(0x21000 + 2), 1);
    virtio_queue_set_addr(&g->vdev, 0, 0);
    CU_ASSERT_FALSE(virtio_queue_enabled(&g->vdev, 0));
    guest_free(g);
}

/* ---- Notifiers ------------------------------------------------------------
 */

static void test_host_notifier(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    EventNotifier *e = virtio_queue_get_host_notifier(g->vq);

    CU_ASSERT_FATAL(event_notifier_get_fd(e) >= 0);
    virtio_queue_host_notifier_read_enable(g->vq, true);
    event_notifier_set(e);
    main_loop_wait(g->ml, true);
    CU_ASSERT_EQUAL(g->kicks, 1);
    virtio_queue_host_notifier_read_enable(g->vq, false);
    event_notifier_set(e);
    main_loop_wait(g->ml, true);
    CU_ASSERT_EQUAL(g->kicks, 1);
    CU_ASSERT(event_notifier_test_and_clear(e));

    /* a kick through the transport's register path */
    virtio_queue_notify(&g->vdev, 0);
    CU_ASSERT_EQUAL(g->kicks, 2);
    virtio_queue_notify(&g->vdev, 5); /* no such queue: logged */
    CU_ASSERT_EQUAL(g->kicks, 2);
    guest_free(g);
}

static void test_guest_notifier(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    EventNotifier *e = virtio_queue_get_guest_notifier(g->vq);

    CU_ASSERT_FATAL(event_notifier_get_fd(e) >= 0);
    for (unsigned i = 0; i < 3; i++) {
        put_desc(i, DATA_ADDR, 16, WRITE, 0);
        avail_push(g, i);
    }
    /* irqfd: the eventfd is signalled, the transport not called */
    virtio_queue_set_guest_notifier(g->vq, true, true);
    use_one(g, 1, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 0);
    CU_ASSERT(event_notifier_test_and_clear(e));

    /* without irqfd: the core reads it and calls the transport */
    virtio_queue_set_guest_notifier(g->vq, true, false);
    use_one(g, 1, true);
    main_loop_wait(g->ml, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);

    /* unassigned: straight to the transport */
    virtio_queue_set_guest_notifier(g->vq, false, false);
    use_one(g, 1, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 2);
    CU_ASSERT_FALSE(event_notifier_test_and_clear(e));
    guest_free(g);
}

static void test_vhost_state(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    CU_ASSERT_EQUAL(virtio_queue_get_desc_size(&g->vdev, 0), 16 * QSIZE);
    CU_ASSERT_EQUAL(virtio_queue_get_avail_size(&g->vdev, 0), 6 + 2 * QSIZE);
    CU_ASSERT_EQUAL(virtio_queue_get_used_size(&g->vdev, 0), 6 + 8 * QSIZE);
    /* vhost ran: three buffers used */
    put_desc(0, DATA_ADDR, 16, WRITE, 0);
    for (unsigned i = 0; i < 4; i++) {
        avail_push(g, 0);
    }
    gw16(USED_ADDR + 2, 3);
    virtio_queue_set_last_avail_idx(&g->vdev, 0, 3);
    virtio_queue_update_used_idx(&g->vdev, 0);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&g->vdev, 0), 3);
    {
        VirtQueueElement *e = virtqueue_pop(g->vq, sizeof(*e));

        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        virtqueue_push(g->vq, e, 0);
        g_free(e);
    }
    CU_ASSERT_EQUAL(used_idx(), 4);
    guest_free(g);
}

/* ---- Split ring: malformed ------------------------------------------------
 */

/*
 * The device is broken: NEEDS_RESET, the config interrupt, one log line
 * with the device's name and @what, queues stopped, nothing outside RAM.
 */
static void assert_broken(Guest *g, const char *what)
{
    char *log = guest_log(g);

    CU_ASSERT(g->vdev.broken);
    CU_ASSERT(g->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    CU_ASSERT_EQUAL(g->irqs[CONFIG_VECTOR], 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "virtio-test"));
    if (!strstr(log, what)) {
        fprintf(stderr, "\nexpected '%s' in log:\n%s", what, log);
        CU_FAIL("log line");
    }
    CU_ASSERT_EQUAL(g->canary_hits, 0);
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(VirtQueueElement)));
    CU_ASSERT_FALSE(virtio_device_started(&g->vdev));
    g_free(log);

    /* the status write keeps NEEDS_RESET until a reset */
    virtio_set_status(&g->vdev, g->vdev.status);
    CU_ASSERT(g->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    virtio_set_status(&g->vdev, 0);
    CU_ASSERT_FALSE(g->vdev.broken);
    CU_ASSERT_EQUAL(g->vdev.status, 0);
}

static void pop_broken(Guest *g, const char *what)
{
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(VirtQueueElement)));
    assert_broken(g, what);
}

/* A descriptor a malformed case puts in the ring, and the log it expects. */
typedef struct BadDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    const char *what;
} BadDesc;

static void test_bad_loop(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    put_desc(0, DATA_ADDR, 8, NEXT, 1);
    put_desc(1, DATA_ADDR, 8, NEXT, 0);
    avail_push(g, 0);
    pop_broken(g, "loops");
    guest_free(g);

    g = guest_new(SPLIT_FEATURES, false);
    put_desc(2, DATA_ADDR, 8, NEXT, 2);
    avail_push(g, 2);
    pop_broken(g, "loops");
    guest_free(g);
}

/* A chain through every descriptor and then one more. */
static void test_bad_chain_too_long(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    for (unsigned i = 0; i < QSIZE; i++) {
        put_desc(i, DATA_ADDR, 8, NEXT, (i + 1) % QSIZE);
    }
    avail_push(g, 0);
    pop_broken(g, "longer than its ring");
    guest_free(g);
}

static void test_bad_desc_outside_ram(void)
{
    static const BadDesc cases[] = {
        {HOLE_ADDR, 8, 0},
        {CANARY_BASE, 8, 0},
        {CANARY_BASE + 0x10, 8, WRITE},
        {RAM2_BASE + RAM2_SIZE - 4, 8, 0}, /* RAM then a hole */
        {RAM_SIZE - 4, 8, 0},              /* RAM, RAM2: fine */
        {UINT64_MAX - 3, 8, 0},            /* wraps */
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        Guest *g = guest_new(SPLIT_FEATURES, false);
        VirtQueueElement *e;

        put_desc(0, DATA_ADDR, 8, NEXT, 1);
        put_desc(1, cases[i].addr, cases[i].len, cases[i].flags, 0);
        avail_push(g, 0);
        e = virtqueue_pop(g->vq, sizeof(*e));
        if (cases[i].addr == RAM_SIZE - 4) {
            CU_ASSERT_PTR_NOT_NULL(e);
            g_free(e);
        } else {
            CU_ASSERT_PTR_NULL(e);
            assert_broken(g, "is not in");
        }
        guest_free(g);
    }
}

static void test_bad_head(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    avail_push(g, QSIZE);
    pop_broken(g, "head 16 out of range");
    guest_free(g);
}

static void test_bad_next(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    put_desc(0, DATA_ADDR, 8, NEXT, QSIZE + 3);
    avail_push(g, 0);
    pop_broken(g, "out of range");
    guest_free(g);
}

static void test_bad_avail_idx(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    gw16(AVAIL_ADDR + 2, QSIZE + 1);
    pop_broken(g, "available index 17");
    guest_free(g);
}

static void test_bad_order(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    put_desc(0, DATA_ADDR, 8, WRITE | NEXT, 1);
    put_desc(1, DATA_ADDR, 8, 0, 0);
    avail_push(g, 0);
    pop_broken(g, "device-readable descriptor after");
    guest_free(g);
}

static void test_bad_indirect(void)
{
    static const BadDesc cases[] = {
        {0x8000, 17, INDIR, "indirect table of 17 bytes"},
        {0x8000, 0, INDIR, "indirect table of 0 bytes"},
        {0x8000, 32, INDIR | NEXT, "indirect descriptor with NEXT"},
        {CANARY_BASE, 32, INDIR, "indirect table at"},
        {HOLE_ADDR, 32, INDIR, "indirect table at"},
        {0x8000, 16 * (VIRTQUEUE_MAX_SIZE + 1), INDIR, "indirect table of"},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        Guest *g = guest_new(SPLIT_FEATURES, false);

        put_desc_at(0x8000, 0, DATA_ADDR, 8, 0, 0);
        put_desc(0, cases[i].addr, cases[i].len, cases[i].flags, 1);
        put_desc(1, DATA_ADDR, 8, 0, 0);
        avail_push(g, 0);
        pop_broken(g, cases[i].what);
        guest_free(g);
    }
}

static void test_bad_indirect_nested(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    put_desc_at(0x8000, 0, DATA_ADDR, 8, NEXT, 1);
    put_desc_at(0x8000, 1, 0x9000, 16, INDIR, 0);
    put_desc_at(0x9000, 0, DATA_ADDR, 8, 0, 0);
    put_desc(0, 0x8000, 32, INDIR, 0);
    avail_push(g, 0);
    pop_broken(g, "nested indirect");
    guest_free(g);

    /* an indirect descriptor in the middle of a chain */
    g = guest_new(SPLIT_FEATURES, false);
    put_desc_at(0x9000, 0, DATA_ADDR, 8, 0, 0);
    put_desc(0, DATA_ADDR, 8, NEXT, 1);
    put_desc(1, 0x9000, 16, INDIR, 0);
    avail_push(g, 0);
    pop_broken(g, "indirect descriptor inside a chain");
    guest_free(g);

    /* indirect without the feature */
    g = guest_new(F(VIRTIO_F_VERSION_1), false);
    put_desc_at(0x9000, 0, DATA_ADDR, 8, 0, 0);
    put_desc(0, 0x9000, 16, INDIR, 0);
    avail_push(g, 0);
    pop_broken(g, "not negotiated");
    guest_free(g);
}

static void test_bad_rings(void)
{
    static const struct {
        hwaddr desc, avail, used;
        const char *what;
    } cases[] = {
        {HOLE_ADDR, AVAIL_ADDR, USED_ADDR, "descriptor area"},
        {DESC_ADDR, CANARY_BASE, USED_ADDR, "driver area"},
        {DESC_ADDR, AVAIL_ADDR, CANARY_BASE, "device area"},
        {DESC_ADDR, AVAIL_ADDR, RAM2_BASE + RAM2_SIZE - 8, "device area"},
        {DESC_ADDR + 8, AVAIL_ADDR, USED_ADDR, "aligned"},
    };

    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        Guest *g = guest_new(SPLIT_FEATURES, false);

        virtio_queue_set_rings(&g->vdev, 0, cases[i].desc, cases[i].avail,
                               cases[i].used);
        pop_broken(g, cases[i].what);
        guest_free(g);
    }
}

static void test_bad_queue_size(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    virtio_queue_set_num(&g->vdev, 0, 12);
    pop_broken(g, "size 12 is not a power of two");
    guest_free(g);

    g = guest_new(SPLIT_FEATURES, false);
    virtio_queue_set_num(&g->vdev, 0, 2 * QSIZE);
    pop_broken(g, "size 32");
    guest_free(g);

    g = guest_new(SPLIT_FEATURES, false);
    virtio_queue_set_num(&g->vdev, 0, 0);
    pop_broken(g, "size 0");
    guest_free(g);
}

/* A broken device raises the config interrupt only once DRIVER_OK. */
static void test_error_before_driver_ok(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);

    virtio_set_status(&g->vdev, 0);
    virtio_set_status(&g->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    virtio_error(&g->vdev, "test error %d", 42);
    CU_ASSERT(g->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
    CU_ASSERT_EQUAL(g->irqs[CONFIG_VECTOR], 0);
    {
        char *log = guest_log(g);

        CU_ASSERT_PTR_NOT_NULL(strstr(log, "virtio-test: test error 42"));
        g_free(log);
    }
    guest_free(g);
}

/* Rings cached in RAM that goes away: re-checked, the device breaks. */
static void test_memory_map_change(void)
{
    Guest *g = guest_new(SPLIT_FEATURES, false);
    const hwaddr desc = RAM2_BASE, avail = RAM2_BASE + 0x1000,
                 used = RAM2_BASE + 0x2000;
    VirtQueueElement *e;

    virtio_queue_set_rings(&g->vdev, 0, desc, avail, used);
    put_desc_at(desc, 0, DATA_ADDR, 8, 0, 0);
    gw16(avail + 4, 0);
    gw16(avail + 2, 1);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    memory_region_set_enabled(&g->ram2, false);
    virtqueue_push(g->vq, e, 0); /* the rings are gone */
    g_free(e);
    assert_broken(g, "descriptor area at 0x100000 (256 bytes) is not in RAM");
    memory_region_set_enabled(&g->ram2, true);
    guest_free(g);
}

/* ---- Packed ring ----------------------------------------------------------
 */

#define PACKED_FEATURES                                                        \
    (F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_RING_PACKED) |                         \
     F(VIRTIO_RING_F_INDIRECT_DESC))
#define PK_AVAIL (1u << VRING_PACKED_DESC_F_AVAIL)
#define PK_USED  (1u << VRING_PACKED_DESC_F_USED)
/* the event suppression areas: driver (avail) and device (used) */
#define DRIVER_EVENT AVAIL_ADDR
#define DEVICE_EVENT USED_ADDR

static Guest *packed_guest(uint64_t features)
{
    return guest_new(PACKED_FEATURES | features, true);
}

/* Write a descriptor in @slot, available for the driver's wrap counter. */
static void pk_put(Guest *g, unsigned slot, uint64_t addr, uint32_t len,
                   uint16_t flags, uint16_t id, bool wrap)
{
    struct vring_packed_desc d = {.addr = addr, .len = len, .id = id};

    d.flags = flags | (wrap ? PK_AVAIL : PK_USED);
    gw(DESC_ADDR + 16 * slot, &d, sizeof(d));
}

typedef struct PkDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
} PkDesc;

/* Make a chain of @n descriptors with buffer ID @id available. */
static void pk_add(Guest *g, const PkDesc *descs, unsigned n, uint16_t id)
{
    for (unsigned i = 0; i < n; i++) {
        pk_put(g, g->packed_next, descs[i].addr, descs[i].len,
               descs[i].flags | (i + 1 < n ? NEXT : 0), id, g->packed_wrap);
        if (++g->packed_next == g->qsize) {
            g->packed_next = 0;
            g->packed_wrap = !g->packed_wrap;
        }
    }
}

static void pk_add1(Guest *g, uint32_t len, uint16_t flags, uint16_t id)
{
    PkDesc d = {DATA_ADDR, len, flags};

    pk_add(g, &d, 1, id);
}

/* The used descriptor in @slot: whether it is used for @wrap, id, len. */
static bool pk_used(unsigned slot, bool wrap, uint16_t *id, uint32_t *len)
{
    struct vring_packed_desc d;

    gr(DESC_ADDR + 16 * slot, &d, sizeof(d));
    *id = d.id;
    *len = d.len;
    return !!(d.flags & PK_AVAIL) == wrap && !!(d.flags & PK_USED) == wrap;
}

static void test_packed_chain(void)
{
    Guest *g = packed_guest(0);
    PkDesc c[] = {{DATA_ADDR, 5, 0},
                  {DATA_ADDR + 0x100, 5, 0},
                  {DATA_ADDR + 0x200, 64, WRITE}};
    VirtQueueElement *e;
    uint16_t id;
    uint32_t len;

    gw(DATA_ADDR, "hello", 5);
    gw(DATA_ADDR + 0x100, "world", 5);
    CU_ASSERT(virtio_queue_empty(g->vq));
    pk_add(g, c, 3, 9);
    CU_ASSERT_FALSE(virtio_queue_empty(g->vq));
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 9);
    CU_ASSERT_EQUAL(e->ndescs, 3);
    CU_ASSERT_EQUAL_FATAL(e->out_num, 2);
    CU_ASSERT_EQUAL_FATAL(e->in_num, 1);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[0].iov_base, "hello", 5);
    CU_ASSERT_NSTRING_EQUAL(e->out_sg[1].iov_base, "world", 5);
    CU_ASSERT_EQUAL(e->in_addr[0], DATA_ADDR + 0x200);
    CU_ASSERT(virtio_queue_empty(g->vq));
    CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(*e)));
    memcpy(e->in_sg[0].iov_base, "reply", 5);
    virtqueue_push(g->vq, e, 5);
    g_free(e);
    /* one used descriptor, in the head's slot */
    CU_ASSERT(pk_used(0, true, &id, &len));
    CU_ASSERT_EQUAL(id, 9);
    CU_ASSERT_EQUAL(len, 5);
    virtio_notify(&g->vdev, g->vq);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);
    CU_ASSERT_FALSE(g->vdev.broken);
    guest_free(g);
}

/* Several laps of the ring: the wrap counters flip on both sides. */
static void test_packed_wrap(void)
{
    Guest *g = packed_guest(0);
    unsigned used_slot = 0;
    bool used_wrap = true;

    for (unsigned n = 0; n < 3 * QSIZE + 5; n++) {
        unsigned ndescs = 1 + n % 3;
        PkDesc c[3] = {{DATA_ADDR, 8, 0}, {DATA_ADDR, 8, 0}, {DATA_ADDR, 8, 0}};
        VirtQueueElement *e;
        uint16_t id;
        uint32_t len;

        c[ndescs - 1].flags = WRITE;
        pk_add(g, c, ndescs, n & 0x7fff);
        e = virtqueue_pop(g->vq, sizeof(*e));
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_EQUAL(e->index, n & 0x7fff);
        CU_ASSERT_EQUAL(e->ndescs, ndescs);
        virtqueue_push(g->vq, e, n);
        g_free(e);
        CU_ASSERT(pk_used(used_slot, used_wrap, &id, &len));
        CU_ASSERT_EQUAL(id, n & 0x7fff);
        CU_ASSERT_EQUAL(len, n);
        used_slot += ndescs;
        if (used_slot >= QSIZE) {
            used_slot -= QSIZE;
            used_wrap = !used_wrap;
        }
        CU_ASSERT_PTR_NULL(virtqueue_pop(g->vq, sizeof(*e)));
    }
    CU_ASSERT_FALSE(g->vdev.broken);
    guest_free(g);
}

/* Buffers used out of order, several published at once. */
static void test_packed_out_of_order(void)
{
    Guest *g = packed_guest(0);
    PkDesc two[] = {{DATA_ADDR, 8, 0}, {DATA_ADDR + 8, 8, WRITE}};
    VirtQueueElement *e[3];
    uint16_t id;
    uint32_t len;

    pk_add(g, two, 2, 100);
    pk_add1(g, 8, WRITE, 200);
    pk_add1(g, 8, WRITE, 300);
    for (unsigned i = 0; i < 3; i++) {
        e[i] = virtqueue_pop(g->vq, sizeof(VirtQueueElement));
        CU_ASSERT_PTR_NOT_NULL_FATAL(e[i]);
    }
    /* give the last back and pop it again */
    virtqueue_unpop(g->vq, e[2], 0);
    g_free(e[2]);
    e[2] = virtqueue_pop(g->vq, sizeof(VirtQueueElement));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e[2]);
    CU_ASSERT_EQUAL(e[2]->index, 300);

    virtqueue_push(g->vq, e[1], 1); /* id 200 first, in slot 0 */
    CU_ASSERT(pk_used(0, true, &id, &len));
    CU_ASSERT(id == 200 && len == 1);
    virtqueue_fill(g->vq, e[2], 3, 0);
    virtqueue_fill(g->vq, e[0], 2, 1);
    /* nothing visible before the flush */
    CU_ASSERT_FALSE(pk_used(1, true, &id, &len));
    virtqueue_flush(g->vq, 2);
    CU_ASSERT(pk_used(1, true, &id, &len));
    CU_ASSERT(id == 300 && len == 3);
    CU_ASSERT(pk_used(2, true, &id, &len));
    CU_ASSERT(id == 100 && len == 2);
    for (unsigned i = 0; i < 3; i++) {
        g_free(e[i]);
    }
    guest_free(g);
}

static void test_packed_indirect(void)
{
    Guest *g = packed_guest(0);
    const hwaddr table = 0x8000;
    struct vring_packed_desc t[3] = {
        {.addr = DATA_ADDR, .len = 10},
        {.addr = DATA_ADDR + 0x100, .len = 20},
        {.addr = DATA_ADDR + 0x200, .len = 30, .flags = WRITE},
    };
    VirtQueueElement *e;
    uint16_t id;
    uint32_t len;

    gw(table, t, sizeof(t));
    {
        PkDesc d = {table, sizeof(t), INDIR};

        pk_add(g, &d, 1, 42);
    }
    pk_add1(g, 8, WRITE, 43);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 42);
    CU_ASSERT_EQUAL(e->ndescs, 1);
    CU_ASSERT_EQUAL(e->out_num, 2);
    CU_ASSERT_EQUAL(e->in_num, 1);
    CU_ASSERT_EQUAL(e->out_sg[1].iov_len, 20);
    virtqueue_push(g->vq, e, 30);
    g_free(e);
    CU_ASSERT(pk_used(0, true, &id, &len));
    CU_ASSERT(id == 42 && len == 30);
    e = virtqueue_pop(g->vq, sizeof(*e));
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->index, 43);
    g_free(e);
    guest_free(g);
}

/* The packed ring has no power-of-two rule. */
static void test_packed_odd_size(void)
{
    Guest *g = packed_guest(0);

    virtio_queue_set_num(&g->vdev, 0, 12);
    g->qsize = 12;
    for (unsigned n = 0; n < 30; n++) {
        VirtQueueElement *e;

        pk_add1(g, 8, WRITE, n);
        e = virtqueue_pop(g->vq, sizeof(*e));
        CU_ASSERT_PTR_NOT_NULL_FATAL(e);
        CU_ASSERT_EQUAL(e->index, n);
        virtqueue_push(g->vq, e, 1);
        g_free(e);
    }
    CU_ASSERT_FALSE(g->vdev.broken);
    CU_ASSERT_EQUAL(virtio_queue_get_avail_size(&g->vdev, 0), 4);
    CU_ASSERT_EQUAL(virtio_queue_get_desc_size(&g->vdev, 0), 16 * 12);
    guest_free(g);
}

static void test_packed_avail_bytes(void)
{
    Guest *g = packed_guest(0);
    PkDesc c[] = {{DATA_ADDR, 100, 0}, {DATA_ADDR, 200, WRITE}};
    unsigned in, out;

    pk_add(g, c, 2, 1);
    pk_add1(g, 300, WRITE, 2);
    virtqueue_get_avail_bytes(g->vq, &in, &out, 10000, 10000);
    CU_ASSERT_EQUAL(in, 500);
    CU_ASSERT_EQUAL(out, 100);
    virtqueue_get_avail_bytes(g->vq, &in, &out, 150, 50);
    CU_ASSERT(in == 150 && out == 50);
    guest_free(g);
}

/* Event suppression (2.8.10): both areas, with and without EVENT_IDX. */
static void test_packed_events(void)
{
    Guest *g = packed_guest(0);

    for (unsigned i = 0; i < 3; i++) {
        pk_add1(g, 8, WRITE, i);
    }
    gw16(DRIVER_EVENT + 2, VRING_PACKED_EVENT_FLAG_DISABLE);
    use_one(g, 1, true);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 0);
    gw16(DRIVER_EVENT + 2, VRING_PACKED_EVENT_FLAG_ENABLE);
    virtio_notify(&g->vdev, g->vq);
    CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], 1);

    virtio_queue_set_notification(g->vq, 0);
    CU_ASSERT_EQUAL(gr16(DEVICE_EVENT + 2), VRING_PACKED_EVENT_FLAG_DISABLE);
    virtio_queue_set_notification(g->vq, 1);
    CU_ASSERT_EQUAL(gr16(DEVICE_EVENT + 2), VRING_PACKED_EVENT_FLAG_ENABLE);
    guest_free(g);

    /* EVENT_IDX: the driver asks for an interrupt at used slot 2 */
    g = packed_guest(F(VIRTIO_RING_F_EVENT_IDX));
    for (unsigned i = 0; i < 5; i++) {
        pk_add1(g, 8, WRITE, i);
    }
    gw16(DRIVER_EVENT, 2 | 1u << 15);
    gw16(DRIVER_EVENT + 2, VRING_PACKED_EVENT_FLAG_DESC);
    for (unsigned i = 0; i < 5; i++) {
        use_one(g, 1, true);
        /* the first always; then only writing slot 2 */
        CU_ASSERT_EQUAL(g->irqs[QUEUE_VECTOR], i < 2 ? 1 : 2);
    }
    /* the device asks for a kick at its next position */
    virtio_queue_set_notification(g->vq, 1);
    CU_ASSERT_EQUAL(gr16(DEVICE_EVENT + 2), VRING_PACKED_EVENT_FLAG_DESC);
    CU_ASSERT_EQUAL(gr16(DEVICE_EVENT), 5 | 1u << 15);
    guest_free(g);
}

static void test_packed_vhost_state(void)
{
    Guest *g = packed_guest(0);

    for (unsigned i = 0; i < QSIZE + 3; i++) {
        pk_add1(g, 8, WRITE, i);
        use_one(g, 0, false);
    }
    /* slot 3, wrap counter 0 */
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&g->vdev, 0), 3);
    virtio_queue_set_last_avail_idx(&g->vdev, 0, 5 | 1u << 15);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&g->vdev, 0), 5 | 1u << 15);
    guest_free(g);
}

static void test_packed_bad(void)
{
    Guest *g;

    /* every descriptor chained: longer than the ring */
    g = packed_guest(0);
    for (unsigned i = 0; i < QSIZE; i++) {
        pk_put(g, i, DATA_ADDR, 8, NEXT, 0, true);
    }
    pop_broken(g, "longer than its ring");
    guest_free(g);

    /* buffers outside RAM */
    g = packed_guest(0);
    pk_add1(g, 8, 0, 0);
    pk_put(g, 0, CANARY_BASE, 8, 0, 0, true);
    pop_broken(g, "is not in RAM");
    guest_free(g);

    g = packed_guest(0);
    pk_put(g, 0, HOLE_ADDR, 8, WRITE, 0, true);
    pop_broken(g, "is not in writable RAM");
    guest_free(g);

    /* indirect tables: bad lengths, NEXT, nesting, in a chain, outside */
    {
        static const BadDesc cases[] = {
            {0x8000, 24, INDIR, "indirect table of 24 bytes"},
            {0x8000, 0, INDIR, "indirect table of 0 bytes"},
            {0x8000, 32, INDIR | NEXT, "indirect descriptor with NEXT"},
            {0x9000, 32, INDIR, "nested indirect"},
            {CANARY_BASE, 32, INDIR, "indirect table at"},
        };

        for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
            struct vring_packed_desc nested[2] = {
                {.addr = DATA_ADDR, .len = 8},
                {.addr = 0x8000, .len = 16, .flags = INDIR},
            };

            g = packed_guest(0);
            gw(0x9000, nested, sizeof(nested));
            pk_put(g, 0, cases[i].addr, cases[i].len, cases[i].flags, 0, true);
            pk_put(g, 1, DATA_ADDR, 8, 0, 0, true);
            pop_broken(g, cases[i].what);
            guest_free(g);
        }
    }

    g = packed_guest(0);
    pk_put(g, 0, DATA_ADDR, 8, NEXT, 0, true);
    pk_put(g, 1, 0x8000, 16, INDIR, 0, true);
    pop_broken(g, "indirect descriptor inside a chain");
    guest_free(g);

    /* indirect without the feature */
    g = guest_new(F(VIRTIO_F_VERSION_1) | F(VIRTIO_F_RING_PACKED), true);
    pk_put(g, 0, 0x8000, 16, INDIR, 0, true);
    pop_broken(g, "not negotiated");
    guest_free(g);

    /* rings outside RAM, misaligned, too big */
    g = packed_guest(0);
    virtio_queue_set_rings(&g->vdev, 0, DESC_ADDR, CANARY_BASE, USED_ADDR);
    pop_broken(g, "driver area");
    guest_free(g);

    g = packed_guest(0);
    virtio_queue_set_rings(&g->vdev, 0, RAM2_BASE + RAM2_SIZE - 64, AVAIL_ADDR,
                           USED_ADDR);
    pop_broken(g, "descriptor area");
    guest_free(g);

    g = packed_guest(0);
    virtio_queue_set_rings(&g->vdev, 0, DESC_ADDR, AVAIL_ADDR, USED_ADDR + 2);
    pop_broken(g, "aligned");
    guest_free(g);

    g = packed_guest(0);
    virtio_queue_set_num(&g->vdev, 0, QSIZE + 1);
    pop_broken(g, "size 17");
    guest_free(g);

    /* the size shrinks under the device's position */
    g = packed_guest(0);
    for (unsigned i = 0; i < 6; i++) {
        pk_add1(g, 8, WRITE, i);
        use_one(g, 0, false);
    }
    virtio_queue_set_num(&g->vdev, 0, 4);
    pop_broken(g, "size 4 changed while in use");
    guest_free(g);
}

/* ---- Random rings ----------------------------------------------------------
 */

/* Whether [p, p + len) lies inside the host memory of one of the RAMs. */
static bool iov_in_ram(Guest *g, const struct iovec *iov)
{
    const uint8_t *p = iov->iov_base;
    const uint8_t *ram = memory_region_get_ram_ptr(&g->ram);
    const uint8_t *ram2 = memory_region_get_ram_ptr(&g->ram2);

    return (p >= ram && p + iov->iov_len <= ram + RAM_SIZE) ||
           (p >= ram2 && p + iov->iov_len <= ram2 + RAM2_SIZE);
}

/* An address a hostile driver might write: RAM, edges, MMIO, holes. */
static uint64_t random_addr(GRand *r)
{
    static const uint64_t picks[] = {
        DATA_ADDR,
        0x8000,
        RAM_SIZE - 8,
        RAM2_BASE,
        RAM2_BASE + RAM2_SIZE - 8,
        CANARY_BASE,
        HOLE_ADDR,
        UINT64_MAX - 7,
    };

    return picks[g_rand_int_range(r, 0, ARRAY_SIZE(picks))] +
           g_rand_int_range(r, 0, 16);
}

/* Mostly true, now and then not: one in @n. */
static bool rarely(GRand *r, int n)
{
    return g_rand_int_range(r, 0, n) == 0;
}

/*
 * Descriptor @i of a mostly sane driver: chains of four in slot order
 * (two device-readable, two device-writable buffers in RAM), each field
 * now and then replaced by something hostile.
 */
static void random_desc(GRand *r, unsigned i, void *out, bool packed, bool wrap)
{
    uint64_t addr = DATA_ADDR + g_rand_int_range(r, 0, 0x8000);
    uint32_t len = g_rand_int_range(r, 0, 0x200);
    uint16_t flags = (i % 4 != 3 ? NEXT : 0) | (i % 4 >= 2 ? WRITE : 0);
    uint16_t next = (i + 1) % QSIZE;

    if (rarely(r, 16)) {
        addr = random_addr(r);
    }
    if (rarely(r, 32)) {
        len = g_rand_int(r);
    }
    if (rarely(r, 16)) {
        flags ^= 1u << g_rand_int_range(r, 0, 16);
    }
    if (rarely(r, 16)) {
        flags |= INDIR;
        addr = rarely(r, 4) ? random_addr(r) : 0x8000;
        len = rarely(r, 4) ? g_rand_int_range(r, 0, 200)
                           : 16 * g_rand_int_range(r, 1, 8);
    }
    if (rarely(r, 16)) {
        next = g_rand_int_range(r, 0, QSIZE + 2);
    }
    if (packed) {
        struct vring_packed_desc d = {
            .addr = addr,
            .len = len,
            .id = rarely(r, 8) ? g_rand_int(r) : i,
            .flags = flags & ~(PK_AVAIL | PK_USED),
        };

        d.flags |= wrap ? PK_AVAIL : PK_USED;
        if (rarely(r, 32)) {
            d.flags ^= rarely(r, 2) ? PK_AVAIL : PK_USED;
        }
        memcpy(out, &d, sizeof(d));
    } else {
        struct vring_desc d = {
            .addr = addr, .len = len, .flags = flags, .next = next};

        memcpy(out, &d, sizeof(d));
    }
}

/*
 * Random descriptors, indirect tables and indexes, then everything a
 * device does with a queue: nothing outside RAM is touched, every iovec
 * lies in RAM, and a device that refused something is marked broken.
 */
static void random_rings(bool packed)
{
    GRand *r = g_rand_new_with_seed(packed ? 0x5eed : 0xfeed);

    for (unsigned iter = 0; iter < 400; iter++) {
        uint64_t features = F(VIRTIO_F_VERSION_1);
        Guest *g;
        uint8_t d[16];

        if (g_rand_boolean(r)) {
            features |= F(VIRTIO_RING_F_INDIRECT_DESC);
        }
        if (g_rand_boolean(r)) {
            features |= F(VIRTIO_RING_F_EVENT_IDX);
        }
        if (packed) {
            features |= F(VIRTIO_F_RING_PACKED);
        }
        g = guest_new(features, packed);
        for (unsigned i = 0; i < QSIZE; i++) {
            random_desc(r, i, d, packed, true);
            gw(DESC_ADDR + 16 * i, d, 16);
        }
        for (unsigned i = 0; i < 8; i++) {
            random_desc(r, i, d, packed, true);
            gw(0x8000 + 16 * i, d, 16);
        }
        if (!packed) {
            for (unsigned i = 0; i < QSIZE + 1; i++) {
                gw16(AVAIL_ADDR + 4 + 2 * i,
                     rarely(r, 32) ? g_rand_int_range(r, 0, QSIZE + 2)
                                   : 4 * g_rand_int_range(r, 0, QSIZE / 4));
            }
            gw16(AVAIL_ADDR, g_rand_int_range(r, 0, 2));
            gw16(AVAIL_ADDR + 2, rarely(r, 16)
                                     ? g_rand_int(r)
                                     : g_rand_int_range(r, 0, QSIZE + 1));
        } else {
            gw16(DRIVER_EVENT, g_rand_int(r));
            gw16(DRIVER_EVENT + 2, g_rand_int_range(r, 0, 4));
        }
        if (rarely(r, 16)) {
            virtio_queue_set_num(&g->vdev, 0, g_rand_int_range(r, 0, 40));
        }
        for (unsigned n = 0; n < 2 * QSIZE; n++) {
            VirtQueueElement *e;
            unsigned in, out;

            virtqueue_get_avail_bytes(g->vq, &in, &out, 4096, 4096);
            e = virtqueue_pop(g->vq, sizeof(*e));
            if (!e) {
                break;
            }
            for (unsigned i = 0; i < e->out_num + e->in_num; i++) {
                CU_ASSERT(iov_in_ram(g, i < e->out_num
                                            ? &e->out_sg[i]
                                            : &e->in_sg[i - e->out_num]));
            }
            for (unsigned i = 0; i < e->in_num; i++) {
                memset(e->in_sg[i].iov_base, 0xa5, e->in_sg[i].iov_len);
            }
            if (n % 3 == 2) {
                virtqueue_detach_element(g->vq, e, 0);
            } else {
                virtqueue_push(g->vq, e, g_rand_int(r));
            }
            g_free(e);
            virtio_queue_set_notification(g->vq, n & 1);
            virtio_notify(&g->vdev, g->vq);
        }
        CU_ASSERT_EQUAL(g->canary_hits, 0);
        if (g->vdev.broken) {
            char *log = guest_log(g);

            CU_ASSERT(g->vdev.status & VIRTIO_CONFIG_S_NEEDS_RESET);
            CU_ASSERT_PTR_NOT_NULL(strstr(log, "(device broken)"));
            g_free(log);
        }
        guest_free(g);
    }
    g_rand_free(r);
}

static void test_random_split(void)
{
    random_rings(false);
}

static void test_random_packed(void)
{
    random_rings(true);
}

UNIT_SUITE(virtqueue, NULL, NULL, UNIT_TEST(test_split_chain),
           UNIT_TEST(test_split_fill_flush), UNIT_TEST(test_split_indirect),
           UNIT_TEST(test_split_spanning_buffer),
           UNIT_TEST(test_split_avail_bytes),
           UNIT_TEST(test_split_no_interrupt),
           UNIT_TEST(test_split_notify_on_empty),
           UNIT_TEST(test_split_event_idx_used_event),
           UNIT_TEST(test_split_event_idx_avail_event),
           UNIT_TEST(test_features_status), UNIT_TEST(test_config),
           UNIT_TEST(test_reset_queue), UNIT_TEST(test_legacy_addr),
           UNIT_TEST(test_memory_map_change), UNIT_TEST(test_host_notifier),
           UNIT_TEST(test_guest_notifier), UNIT_TEST(test_vhost_state),
           UNIT_TEST(test_bad_loop), UNIT_TEST(test_bad_chain_too_long),
           UNIT_TEST(test_bad_desc_outside_ram), UNIT_TEST(test_bad_head),
           UNIT_TEST(test_bad_next), UNIT_TEST(test_bad_avail_idx),
           UNIT_TEST(test_bad_order), UNIT_TEST(test_bad_indirect),
           UNIT_TEST(test_bad_indirect_nested), UNIT_TEST(test_bad_rings),
           UNIT_TEST(test_bad_queue_size),
           UNIT_TEST(test_error_before_driver_ok), UNIT_TEST(test_packed_chain),
           UNIT_TEST(test_packed_wrap), UNIT_TEST(test_packed_out_of_order),
           UNIT_TEST(test_packed_indirect), UNIT_TEST(test_packed_odd_size),
           UNIT_TEST(test_packed_avail_bytes), UNIT_TEST(test_packed_events),
           UNIT_TEST(test_packed_vhost_state), UNIT_TEST(test_packed_bad),
           UNIT_TEST(test_random_split), UNIT_TEST(test_random_packed));
