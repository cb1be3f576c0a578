/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of hw/virtio/vhost.c against a fake vhost kernel (the ioctl
 * hook): ownership and features, the memory table the kernel is given
 * (RAM only, sorted, neighbours merged, resent when the map changes and
 * only then), ring address translation, and failures.
 */
#include "util/osdep.h"
#include "util/main-loop.h"
#include "exec/memory.h"
#include "hw/virtio/vhost.h"
#include "hw/net/vhost-net.h"
#include "net/net.h"
#include "tests/unit/unit.h"
#include <linux/virtio_net.h>

/* ---- The fake kernel ----------------------------------------------------- */

typedef struct FakeVhost {
    bool owned;
    uint64_t features; /* offered */
    uint64_t acked;
    unsigned long fail_request; /* this request fails with -fail_errno */
    int fail_errno;
    unsigned mem_tables; /* VHOST_SET_MEM_TABLE calls */
    struct vhost_memory_region regions[16];
    unsigned nregions;
    struct {
        unsigned num, base;
        struct vhost_vring_addr addr;
        int kick, call;
        int backend; /* VHOST_NET_SET_BACKEND */
        unsigned backend_sets;
        unsigned sets;    /* SET_VRING_* calls for this ring */
        unsigned stop_at; /* GET_VRING_BASE answers this */
        bool got_base;
    } vq[VHOST_DEV_MAX_VQS];
} FakeVhost;

static int fake_vring(FakeVhost *k, unsigned long request, void *arg)
{
    unsigned index = *(unsigned *)arg; /* first field of every vring arg */

    if (index >= VHOST_DEV_MAX_VQS) {
        return -ENOBUFS;
    }
    switch (request) {
    case VHOST_SET_VRING_NUM:
        k->vq[index].num = ((struct vhost_vring_state *)arg)->num;
        break;
    case VHOST_SET_VRING_BASE:
        k->vq[index].base = ((struct vhost_vring_state *)arg)->num;
        break;
    case VHOST_GET_VRING_BASE:
        ((struct vhost_vring_state *)arg)->num = k->vq[index].stop_at;
        k->vq[index].got_base = true;
        return 0;
    case VHOST_SET_VRING_ADDR:
        k->vq[index].addr = *(struct vhost_vring_addr *)arg;
        break;
    case VHOST_SET_VRING_KICK:
        k->vq[index].kick = ((struct vhost_vring_file *)arg)->fd;
        break;
    case VHOST_SET_VRING_CALL:
        k->vq[index].call = ((struct vhost_vring_file *)arg)->fd;
        break;
    case VHOST_NET_SET_BACKEND:
        k->vq[index].backend = ((struct vhost_vring_file *)arg)->fd;
        k->vq[index].backend_sets++;
        return 0;
    }
    k->vq[index].sets++;
    return 0;
}

static int fake_ioctl(VhostDev *hdev, unsigned long request, void *arg)
{
    FakeVhost *k = hdev->opaque;

    if (request == k->fail_request) {
        return -k->fail_errno;
    }
    switch (request) {
    case VHOST_SET_OWNER:
        if (k->owned) {
            return -EBUSY;
        }
        k->owned = true;
        return 0;
    case VHOST_GET_FEATURES:
        *(uint64_t *)arg = k->features;
        return 0;
    case VHOST_SET_FEATURES:
        if (*(uint64_t *)arg & ~k->features) {
            return -EOPNOTSUPP;
        }
        k->acked = *(uint64_t *)arg;
        return 0;
    case VHOST_SET_MEM_TABLE: {
        const struct vhost_memory *m = arg;

        if (m->nregions > ARRAY_SIZE(k->regions)) {
            return -E2BIG;
        }
        memcpy(k->regions, m->regions, m->nregions * sizeof(m->regions[0]));
        k->nregions = m->nregions;
        k->mem_tables++;
        return 0;
    }
    case VHOST_SET_VRING_NUM:
    case VHOST_SET_VRING_BASE:
    case VHOST_GET_VRING_BASE:
    case VHOST_SET_VRING_ADDR:
    case VHOST_SET_VRING_KICK:
    case VHOST_SET_VRING_CALL:
    case VHOST_NET_SET_BACKEND:
        return fake_vring(k, request, arg);
    default:
        return -ENOTTY;
    }
}

#define FAKE_FEATURES                                                          \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |        \
     (1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VHOST_NET_F_VIRTIO_NET_HDR))

/* ---- A small machine: RAM with a hole, ROM, I/O ------------------------- */

typedef struct Board {
    AddressSpace as;
    MemoryRegion root, ram, ram2, lo, hi, io, rom, shadow;
    uint8_t *host;  /* ram's host memory */
    uint8_t *host2; /* ram2's */
} Board;

static uint64_t io_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps io_ops = {
    .read = io_read,
    .write = io_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
};

/*
 * 0x00000-0x9ffff RAM (ram 0x00000..), 0xa0000-0xbffff I/O,
 * 0xc0000-0xfffff RAM (ram 0xc0000..), 0x200000-0x20ffff RAM (ram2),
 * 0xfff00000-0xfff0ffff ROM.
 */
static void board_init(Board *b)
{
    memset(b, 0, sizeof(*b));
    memory_region_init(&b->root, NULL, "system", UINT64_MAX);
    CU_ASSERT_FATAL(
        memory_region_init_ram(&b->ram, NULL, "ram", 0x100000, NULL));
    CU_ASSERT_FATAL(
        memory_region_init_ram(&b->ram2, NULL, "ram2", 0x10000, NULL));
    CU_ASSERT_FATAL(
        memory_region_init_rom(&b->rom, NULL, "rom", 0x10000, NULL));
    memory_region_init_alias(&b->lo, NULL, "ram-lo", &b->ram, 0, 0xa0000);
    memory_region_init_alias(&b->hi, NULL, "ram-hi", &b->ram, 0xc0000, 0x40000);
    memory_region_init_io(&b->io, NULL, &io_ops, NULL, "vga", 0x20000);
    memory_region_add_subregion(&b->root, 0, &b->lo);
    memory_region_add_subregion(&b->root, 0xa0000, &b->io);
    memory_region_add_subregion(&b->root, 0xc0000, &b->hi);
    memory_region_add_subregion(&b->root, 0x200000, &b->ram2);
    memory_region_add_subregion(&b->root, 0xfff00000, &b->rom);
    address_space_init(&b->as, &b->root, "memory");
    b->host = memory_region_get_ram_ptr(&b->ram);
    b->host2 = memory_region_get_ram_ptr(&b->ram2);
}

static void board_destroy(Board *b)
{
    address_space_destroy(&b->as);
    memory_region_destroy(&b->root);
    memory_region_destroy(&b->lo);
    memory_region_destroy(&b->hi);
    memory_region_destroy(&b->io);
    memory_region_destroy(&b->shadow);
    memory_region_destroy(&b->rom);
    memory_region_destroy(&b->ram2);
    memory_region_destroy(&b->ram);
}

static void assert_region(const struct vhost_memory_region *r, uint64_t gpa,
                          uint64_t size, const void *host)
{
    CU_ASSERT_EQUAL(r->guest_phys_addr, gpa);
    CU_ASSERT_EQUAL(r->memory_size, size);
    CU_ASSERT_EQUAL(r->userspace_addr, (uintptr_t)host);
}

/* ---- Tests --------------------------------------------------------------- */

static void test_init_owner_features(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Error *err = NULL;
    static const int bits[] = {VIRTIO_F_VERSION_1, VIRTIO_RING_F_INDIRECT_DESC,
                               VIRTIO_F_RING_PACKED, -1};
    uint64_t f;

    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, &err));
    CU_ASSERT_TRUE(k.owned);
    CU_ASSERT_EQUAL(dev.features, FAKE_FEATURES);

    /* Listed bits the kernel lacks go; listed ones it has and unlisted
     * ones (CSUM: the tap's business) stay. */
    f = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
        (1ull << VIRTIO_F_RING_PACKED) | (1ull << VIRTIO_NET_F_CSUM);
    CU_ASSERT_EQUAL(vhost_dev_get_features(&dev, bits, f),
                    (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_NET_F_CSUM));
    vhost_dev_cleanup(&dev);

    /* A second owner is refused, with the kernel's reason. */
    CU_ASSERT_FALSE(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "VHOST_SET_OWNER"));
    error_free(err);
    err = NULL;

    /* A bad fd or queue count never reaches the kernel. */
    k.owned = false;
    CU_ASSERT_FALSE(vhost_dev_init(&dev, -1, 2, fake_ioctl, &k, &err));
    CU_ASSERT_FALSE(k.owned);
    error_free(err);
    err = NULL;
    CU_ASSERT_FALSE(vhost_dev_init(&dev, 42, 3, fake_ioctl, &k, &err));
    error_free(err);
}

static void test_mem_table_ram_only_sorted(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Board b;

    board_init(&b);
    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_TRUE_FATAL(vhost_dev_listen(&dev, &b.as, NULL));

    /* One table for the replay: the two RAM windows of ram (not merged:
     * the I/O hole is between them) and ram2; no I/O, no ROM. */
    CU_ASSERT_EQUAL(k.mem_tables, 1);
    CU_ASSERT_EQUAL_FATAL(k.nregions, 3);
    assert_region(&k.regions[0], 0, 0xa0000, b.host);
    assert_region(&k.regions[1], 0xc0000, 0x40000, b.host + 0xc0000);
    assert_region(&k.regions[2], 0x200000, 0x10000, b.host2);

    vhost_dev_cleanup(&dev);
    /* Unregistering sends no (empty) table. */
    CU_ASSERT_EQUAL(k.mem_tables, 1);
    board_destroy(&b);
}

static void test_mem_table_follows_map(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Board b;

    board_init(&b);
    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_TRUE_FATAL(vhost_dev_listen(&dev, &b.as, NULL));
    CU_ASSERT_EQUAL(k.mem_tables, 1);

    /* RAM shadowing the hole: ram 0..1M is now contiguous on both sides
     * and goes to the kernel as one region. */
    memory_region_init_alias(&b.shadow, NULL, "shadow", &b.ram, 0xa0000,
                             0x20000);
    memory_region_add_subregion_overlap(&b.root, 0xa0000, &b.shadow, 1);
    CU_ASSERT_EQUAL(k.mem_tables, 2);
    CU_ASSERT_EQUAL_FATAL(k.nregions, 2);
    assert_region(&k.regions[0], 0, 0x100000, b.host);
    assert_region(&k.regions[1], 0x200000, 0x10000, b.host2);

    /* A change that leaves RAM alone sends nothing. */
    memory_region_set_enabled(&b.io, false);
    memory_region_set_enabled(&b.io, true);
    CU_ASSERT_EQUAL(k.mem_tables, 2);

    /* The shadow goes: back to three regions. */
    memory_region_del_subregion(&b.root, &b.shadow);
    CU_ASSERT_EQUAL(k.mem_tables, 3);
    CU_ASSERT_EQUAL_FATAL(k.nregions, 3);
    assert_region(&k.regions[0], 0, 0xa0000, b.host);
    assert_region(&k.regions[1], 0xc0000, 0x40000, b.host + 0xc0000);

    /* ram2 moves: the kernel sees it at its new address. */
    memory_region_set_address(&b.ram2, 0x300000);
    CU_ASSERT_EQUAL(k.mem_tables, 4);
    CU_ASSERT_EQUAL_FATAL(k.nregions, 3);
    assert_region(&k.regions[2], 0x300000, 0x10000, b.host2);

    /* Not listening: changes reach the kernel no more. */
    vhost_dev_unlisten(&dev);
    memory_region_set_address(&b.ram2, 0x200000);
    CU_ASSERT_EQUAL(k.mem_tables, 4);

    vhost_dev_cleanup(&dev);
    board_destroy(&b);
}

static void test_mem_table_refused(void)
{
    FakeVhost k = {.features = FAKE_FEATURES,
                   .fail_request = VHOST_SET_MEM_TABLE,
                   .fail_errno = EFAULT};
    VhostDev dev;
    Error *err = NULL;
    Board b;

    board_init(&b);
    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_FALSE(vhost_dev_listen(&dev, &b.as, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "SET_MEM_TABLE"));
    error_free(err);
    CU_ASSERT_FALSE(dev.listening);

    /* The next try, with a willing kernel, works. */
    k.fail_request = 0;
    CU_ASSERT_TRUE(vhost_dev_listen(&dev, &b.as, NULL));
    CU_ASSERT_EQUAL(k.nregions, 3);
    vhost_dev_cleanup(&dev);
    board_destroy(&b);
}

static void test_mem_table_translate(void)
{
    VhostMemTable in = {0}, t = {0};

    /* Given out of order; 0x1000+0x1000 joins 0 (contiguous host too). */
    vhost_mem_table_add(&in, 0x1000, 0x1000, 0x7f0000001000);
    vhost_mem_table_add(&in, 0x10000, 0x1000, 0x7f0000100000);
    vhost_mem_table_add(&in, 0, 0x1000, 0x7f0000000000);
    vhost_mem_table_add(&in, 0x2000, 0x1000, 0x7f0000200000);
    vhost_mem_table_add(&in, 0x5000, 0, 0x7f0000300000); /* empty: ignored */
    vhost_mem_table_build(&t, &in);
    CU_ASSERT_EQUAL_FATAL(t.nregions, 3);
    CU_ASSERT_EQUAL(t.regions[0].guest_phys_addr, 0);
    CU_ASSERT_EQUAL(t.regions[0].memory_size, 0x2000);
    CU_ASSERT_EQUAL(t.regions[1].guest_phys_addr, 0x2000);
    CU_ASSERT_EQUAL(t.regions[2].guest_phys_addr, 0x10000);

    /* A ring inside one region maps; one across a host discontinuity, in
     * a hole, past the end or wrapping around does not. */
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x1ff0, 0x10), 0x7f0000001ff0);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x1ff0, 0x20), 0);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x3000, 0x10), 0);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x10ff0, 0x11), 0);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, UINT64_MAX - 4, 0x10), 0);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x10000, 0), 0);

    vhost_mem_table_del(&in, 0x1000, 0x1000);
    vhost_mem_table_del(&in, 0x1000, 0x2000); /* absent: nothing */
    vhost_mem_table_build(&t, &in);
    CU_ASSERT_EQUAL(t.nregions, 3);
    CU_ASSERT_EQUAL(vhost_mem_table_hva(&t, 0x1000, 1), 0);
    vhost_mem_table_free(&in);
    vhost_mem_table_free(&t);
}

/* ---- Handing a device's queues over -------------------------------------- */

#define QSIZE 16

typedef struct Dev {
    Board b;
    MainLoop *ml;
    VirtIODevice vdev;
} Dev;

static uint64_t dev_features(VirtIODevice *vdev, uint64_t f, Error **errp)
{
    return f;
}

static const VirtioDeviceOps dev_ops = {.get_features = dev_features};

static void dev_kick(VirtIODevice *vdev, VirtQueue *vq)
{
}

/* A virtio device on the board with two queues; queue 0's rings at
 * 0x1000/0x2000/0x3000, queue 1's at @q1 (0: not set up). */
static void dev_init(Dev *d, hwaddr q1)
{
    uint64_t features = (1ull << VIRTIO_F_VERSION_1) |
                        (1ull << VIRTIO_RING_F_EVENT_IDX) |
                        (1ull << VIRTIO_RING_F_INDIRECT_DESC);

    board_init(&d->b);
    d->ml = main_loop_new();
    memset(&d->vdev, 0, sizeof(d->vdev));
    d->vdev.ops = &dev_ops;
    d->vdev.name = "virtio-test";
    d->vdev.device_id = VIRTIO_ID_NET;
    virtio_init(&d->vdev, NULL, &d->b.as, d->ml);
    virtio_add_queue(&d->vdev, QSIZE, dev_kick);
    virtio_add_queue(&d->vdev, QSIZE, dev_kick);
    CU_ASSERT_FATAL(virtio_finalize_features(&d->vdev, NULL));
    virtio_set_status(&d->vdev,
                      VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    CU_ASSERT_EQUAL(virtio_set_features(&d->vdev, features), 0);
    virtio_set_status(&d->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE |
                                    VIRTIO_CONFIG_S_DRIVER |
                                    VIRTIO_CONFIG_S_FEATURES_OK);
    virtio_queue_set_num(&d->vdev, 0, QSIZE);
    virtio_queue_set_rings(&d->vdev, 0, 0x1000, 0x2000, 0x3000);
    virtio_queue_enable(&d->vdev, 0);
    if (q1) {
        virtio_queue_set_num(&d->vdev, 1, QSIZE);
        virtio_queue_set_rings(&d->vdev, 1, q1, q1 + 0x1000, q1 + 0x2000);
        virtio_queue_enable(&d->vdev, 1);
    }
    virtio_set_status(
        &d->vdev, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                      VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void dev_destroy(Dev *d)
{
    virtio_cleanup(&d->vdev);
    main_loop_free(d->ml);
    board_destroy(&d->b);
}

static void test_start_stop(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Dev d;
    VirtQueue *vq0;

    dev_init(&d, 0xc4000);
    vq0 = virtio_get_queue(&d.vdev, 0);
    /* Userspace got as far as avail index 5 before the hand-over. */
    virtio_queue_set_last_avail_idx(&d.vdev, 0, 5);
    virtio_queue_set_last_avail_idx(&d.vdev, 1, 65535);

    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_TRUE_FATAL(vhost_dev_start(
        &dev, &d.vdev, 0, d.vdev.guest_features | (1ull << VIRTIO_NET_F_CSUM),
        NULL));
    /* Only what both the kernel and the driver have is acked. */
    CU_ASSERT_EQUAL(k.acked, (1ull << VIRTIO_F_VERSION_1) |
                                 (1ull << VIRTIO_RING_F_EVENT_IDX));
    CU_ASSERT_EQUAL(k.mem_tables, 1);

    CU_ASSERT_EQUAL(k.vq[0].num, QSIZE);
    CU_ASSERT_EQUAL(k.vq[0].base, 5);
    CU_ASSERT_EQUAL(k.vq[0].addr.desc_user_addr, (uintptr_t)d.b.host + 0x1000);
    CU_ASSERT_EQUAL(k.vq[0].addr.avail_user_addr, (uintptr_t)d.b.host + 0x2000);
    CU_ASSERT_EQUAL(k.vq[0].addr.used_user_addr, (uintptr_t)d.b.host + 0x3000);
    CU_ASSERT_EQUAL(k.vq[0].addr.log_guest_addr, 0x3000);
    CU_ASSERT_EQUAL(k.vq[0].kick,
                    event_notifier_get_fd(virtio_queue_get_host_notifier(vq0)));
    CU_ASSERT_EQUAL(k.vq[0].call, event_notifier_get_fd(
                                      virtio_queue_get_guest_notifier(vq0)));
    CU_ASSERT(k.vq[0].kick >= 0 && k.vq[0].call >= 0);
    /* Queue 1 lives in the upper RAM window (ram at offset 0xc4000). */
    CU_ASSERT_EQUAL(k.vq[1].base, 65535);
    CU_ASSERT_EQUAL(k.vq[1].addr.desc_user_addr, (uintptr_t)d.b.host + 0xc4000);
    CU_ASSERT_TRUE(vhost_dev_vq_live(&dev, 0));
    CU_ASSERT_TRUE(vhost_dev_vq_live(&dev, 1));

    /* The map changes while the kernel runs the rings: it is told. */
    memory_region_set_address(&d.b.ram2, 0x300000);
    CU_ASSERT_EQUAL(k.mem_tables, 2);

    /* The kernel went on to 9 and 3: userspace resumes there. */
    k.vq[0].stop_at = 9;
    k.vq[1].stop_at = 3;
    vhost_dev_stop(&dev);
    CU_ASSERT_TRUE(k.vq[0].got_base);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 0), 9);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 1), 3);
    CU_ASSERT_EQUAL(k.vq[0].kick, -1);
    CU_ASSERT_EQUAL(k.vq[0].call, -1);
    CU_ASSERT_FALSE(vhost_dev_vq_live(&dev, 0));
    CU_ASSERT_FALSE(dev.listening);
    memory_region_set_address(&d.b.ram2, 0x200000);
    CU_ASSERT_EQUAL(k.mem_tables, 2);

    /* Started again: the same indices go back. */
    CU_ASSERT_TRUE(
        vhost_dev_start(&dev, &d.vdev, 0, d.vdev.guest_features, NULL));
    CU_ASSERT_EQUAL(k.vq[0].base, 9);
    CU_ASSERT_EQUAL(k.mem_tables, 3);
    vhost_dev_cleanup(&dev); /* stops */
    CU_ASSERT_FALSE(dev.started);
    dev_destroy(&d);
}

/* The device is reset while the kernel has its rings: the kernel's index
 * must not leak into the fresh queues. */
static void test_stop_after_reset(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Dev d;

    dev_init(&d, 0xc4000);
    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_TRUE_FATAL(
        vhost_dev_start(&dev, &d.vdev, 0, d.vdev.guest_features, NULL));
    k.vq[0].stop_at = 40;
    k.vq[1].stop_at = 41;
    virtio_reset(&d.vdev);
    vhost_dev_stop(&dev);
    CU_ASSERT_TRUE(k.vq[0].got_base); /* the kernel let go all the same */
    CU_ASSERT_EQUAL(k.vq[0].kick, -1);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 0), 0);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 1), 0);
    vhost_dev_cleanup(&dev);
    dev_destroy(&d);
}

static void test_queue_not_set_up(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    VhostDev dev;
    Dev d;

    dev_init(&d, 0);
    CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
    CU_ASSERT_TRUE_FATAL(
        vhost_dev_start(&dev, &d.vdev, 0, d.vdev.guest_features, NULL));
    CU_ASSERT_TRUE(vhost_dev_vq_live(&dev, 0));
    CU_ASSERT_FALSE(vhost_dev_vq_live(&dev, 1));
    CU_ASSERT_EQUAL(k.vq[1].sets, 0);
    vhost_dev_stop(&dev);
    CU_ASSERT_FALSE(k.vq[1].got_base);
    vhost_dev_cleanup(&dev);
    dev_destroy(&d);
}

/* Rings outside RAM (the I/O hole, ROM, across two regions): refused
 * before the kernel sees them, and what was handed over is taken back. */
static void test_ring_not_in_ram(void)
{
    static const hwaddr bad[] = {
        0xa0000,    /* I/O */
        0xfff00000, /* ROM */
        0x9f000,    /* desc in RAM, avail/used in the hole */
        0x20ff80,   /* desc across ram2's end */
    };

    for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
        FakeVhost k = {.features = FAKE_FEATURES};
        VhostDev dev;
        Error *err = NULL;
        Dev d;

        dev_init(&d, bad[i]);
        if (bad[i] == 0x20ff80) {
            virtio_queue_set_rings(&d.vdev, 1, 0x20ff80, 0x1000, 0x2000);
        }
        CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
        CU_ASSERT_FALSE(
            vhost_dev_start(&dev, &d.vdev, 0, d.vdev.guest_features, &err));
        CU_ASSERT_PTR_NOT_NULL_FATAL(err);
        CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "queue 1"));
        error_free(err);
        CU_ASSERT_EQUAL(k.vq[1].sets, 0);
        CU_ASSERT_TRUE(k.vq[0].got_base); /* queue 0 was taken back */
        CU_ASSERT_EQUAL(k.vq[0].kick, -1);
        CU_ASSERT_FALSE(dev.started);
        CU_ASSERT_FALSE(dev.listening);
        vhost_dev_cleanup(&dev);
        dev_destroy(&d);
    }
}

static void test_start_refused(void)
{
    static const unsigned long requests[] = {
        VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE, VHOST_SET_VRING_ADDR,
        VHOST_SET_VRING_CALL};

    for (unsigned i = 0; i < ARRAY_SIZE(requests); i++) {
        FakeVhost k = {.features = FAKE_FEATURES};
        VhostDev dev;
        Error *err = NULL;
        Dev d;

        dev_init(&d, 0xc4000);
        CU_ASSERT_TRUE_FATAL(vhost_dev_init(&dev, 42, 2, fake_ioctl, &k, NULL));
        k.fail_request = requests[i];
        k.fail_errno = EINVAL;
        CU_ASSERT_FALSE(
            vhost_dev_start(&dev, &d.vdev, 0, d.vdev.guest_features, &err));
        CU_ASSERT_PTR_NOT_NULL(err);
        error_free(err);
        CU_ASSERT_FALSE(dev.started);
        CU_ASSERT_FALSE(dev.listening);
        CU_ASSERT_FALSE(vhost_dev_vq_live(&dev, 0));
        vhost_dev_cleanup(&dev);
        dev_destroy(&d);
    }
}

UNIT_SUITE(vhost, NULL, NULL, UNIT_TEST(test_init_owner_features),
           UNIT_TEST(test_mem_table_ram_only_sorted),
           UNIT_TEST(test_mem_table_follows_map),
           UNIT_TEST(test_mem_table_refused),
           UNIT_TEST(test_mem_table_translate), UNIT_TEST(test_start_stop),
           UNIT_TEST(test_stop_after_reset), UNIT_TEST(test_queue_not_set_up),
           UNIT_TEST(test_ring_not_in_ram), UNIT_TEST(test_start_refused));

/* ---- vhost-net: a fake tap and a fake transport -------------------------- */

typedef struct FakeTap {
    NetClientState nc;
    int vhost_fd;
    bool force;
    bool polling;
    int polling_changes;
    int hdr_len;
    bool no_vnet_hdr; /* vnet_hdr=off */
} FakeTap;

static ssize_t tap_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    return size;
}

static bool tap_has_vnet_hdr(NetClientState *nc)
{
    return !container_of(nc, FakeTap, nc)->no_vnet_hdr;
}

static bool tap_hdr_len_ok(NetClientState *nc, int len)
{
    return tap_has_vnet_hdr(nc);
}

static int tap_set_hdr_len(NetClientState *nc, int len)
{
    container_of(nc, FakeTap, nc)->hdr_len = len;
    return 0;
}

static int tap_vhost_fd(NetClientState *nc)
{
    return container_of(nc, FakeTap, nc)->vhost_fd;
}

static int tap_backend_fd(NetClientState *nc)
{
    return 77;
}

static bool tap_force(NetClientState *nc)
{
    return container_of(nc, FakeTap, nc)->force;
}

static void tap_polling(NetClientState *nc, bool enable)
{
    FakeTap *t = container_of(nc, FakeTap, nc);

    t->polling = enable;
    t->polling_changes++;
}

static const NetClientInfo fake_tap_info = {
    .type = NET_CLIENT_DRIVER_TAP,
    .size = sizeof(FakeTap),
    .receive = tap_receive,
    .has_vnet_hdr = tap_has_vnet_hdr,
    .has_vnet_hdr_len = tap_hdr_len_ok,
    .set_vnet_hdr_len = tap_set_hdr_len,
    .get_vhost_fd = tap_vhost_fd,
    .get_backend_fd = tap_backend_fd,
    .get_vhost_force = tap_force,
    .set_backend_polling = tap_polling,
};

static FakeTap *fake_tap_new(int vhost_fd, bool force)
{
    FakeTap *t = container_of(
        qemu_new_net_client(&fake_tap_info, NULL, "tap", "t0", NULL), FakeTap,
        nc);

    t->vhost_fd = vhost_fd;
    t->force = force;
    t->polling = true;
    qemu_set_info_str(&t->nc, "ifname=ktap0");
    return t;
}

typedef struct FakeTransport {
    bool ioeventfd;
    bool irqfd;     /* query_guest_notifiers */
    bool host[4];   /* host notifier assigned */
    int guest_nvqs; /* queues bound by set_guest_notifiers, 0 when unbound */
    int guest_calls;
} FakeTransport;

static FakeTransport *cur_tr;

static void tr_notify(void *opaque, uint16_t vector)
{
}

static bool tr_ioeventfd(void *opaque)
{
    return cur_tr->ioeventfd;
}

static int tr_host(void *opaque, int n, bool assign)
{
    CU_ASSERT_FATAL(n >= 0 && n < 4);
    cur_tr->host[n] = assign;
    return 0;
}

static int tr_guest(void *opaque, int nvqs, bool assign)
{
    cur_tr->guest_nvqs = assign ? nvqs : 0;
    cur_tr->guest_calls++;
    return 0;
}

static bool tr_query(void *opaque)
{
    return cur_tr->irqfd;
}

static const VirtioTransportOps fake_tr_ops = {
    .notify = tr_notify,
    .ioeventfd_enabled = tr_ioeventfd,
    .set_host_notifier = tr_host,
    .set_guest_notifiers = tr_guest,
    .query_guest_notifiers = tr_query,
};

static void test_net_init_policy(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    FakeTap *t;
    Error *err = NULL;
    VHostNetState *net;

    /* No vhost fd (vhost=off, or the tap already warned): silent. */
    t = fake_tap_new(-1, false);
    CU_ASSERT_PTR_NULL(vhost_net_init_with(&t->nc, fake_ioctl, &k, &err));
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_FALSE(k.owned);
    qemu_del_net_client(&t->nc);

    /* The kernel refuses: a warning, no error, userspace. */
    t = fake_tap_new(42, false);
    k.fail_request = VHOST_SET_OWNER;
    k.fail_errno = EBUSY;
    CU_ASSERT_PTR_NULL(vhost_net_init_with(&t->nc, fake_ioctl, &k, &err));
    CU_ASSERT_PTR_NULL(err);
    qemu_del_net_client(&t->nc);

    /* The same with vhostforce=on: the error, with QEMU's words. */
    t = fake_tap_new(42, true);
    CU_ASSERT_PTR_NULL(vhost_net_init_with(&t->nc, fake_ioctl, &k, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err),
                                  "vhost-net requested but could not be "
                                  "initialized"));
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "VHOST_SET_OWNER"));
    error_free(err);
    err = NULL;

    /* A willing kernel. */
    k.fail_request = 0;
    net = vhost_net_init_with(&t->nc, fake_ioctl, &k, &err);
    CU_ASSERT_PTR_NOT_NULL(net);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_TRUE(k.owned);
    vhost_net_cleanup(net);
    vhost_net_cleanup(NULL);
    qemu_del_net_client(&t->nc);
}

static void test_net_features(void)
{
    /* A kernel without mergeable buffers and event index. */
    FakeVhost k = {.features = (1ull << VIRTIO_F_VERSION_1) |
                               (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
                               (1ull << VIRTIO_F_ANY_LAYOUT) |
                               (1ull << VIRTIO_F_NOTIFY_ON_EMPTY)};
    FakeTap *t = fake_tap_new(42, false);
    VHostNetState *net = vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL);
    uint64_t offered =
        (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
        (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
        (1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_F_RING_PACKED) |
        (1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_TSO4) |
        (1ull << VIRTIO_NET_F_MTU) | (1ull << VIRTIO_NET_F_CTRL_VQ) |
        (1ull << VIRTIO_NET_F_MQ);

    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    CU_ASSERT_EQUAL(vhost_net_get_features(net, offered),
                    offered & ~((1ull << VIRTIO_RING_F_EVENT_IDX) |
                                (1ull << VIRTIO_NET_F_MRG_RXBUF) |
                                (1ull << VIRTIO_F_RING_PACKED)));
    CU_ASSERT_EQUAL(vhost_net_get_features(NULL, offered), offered);
    vhost_net_cleanup(net);
    qemu_del_net_client(&t->nc);
}

/* A net-like device (rx, tx, ctrl) on the fake transport, DRIVER_OK. */
static void net_dev_init(Dev *d, FakeTransport *tr)
{
    dev_init(d, 0xc4000);
    cur_tr = tr;
    virtio_set_transport(&d->vdev, &fake_tr_ops, tr);
}

static void test_net_start_stop(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    FakeTransport tr = {.ioeventfd = true};
    FakeTap *t = fake_tap_new(42, false);
    VHostNetState *net;
    Error *err = NULL;
    Dev d;

    net_dev_init(&d, &tr);
    net = vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    virtio_queue_set_last_avail_idx(&d.vdev, 0, 3);

    CU_ASSERT_TRUE_FATAL(vhost_net_start(&d.vdev, &net, 1, &err));
    CU_ASSERT_PTR_NULL(err);
    /* The notifiers are bound, the tap polls no more and the kernel has
     * the rings and the tap: VERSION_1 means a 12-byte header. */
    CU_ASSERT_TRUE(tr.host[0] && tr.host[1]);
    CU_ASSERT_EQUAL(tr.guest_nvqs, 2);
    CU_ASSERT_FALSE(t->polling);
    CU_ASSERT_EQUAL(t->hdr_len, 12);
    CU_ASSERT_EQUAL(k.vq[0].base, 3);
    CU_ASSERT_EQUAL(k.vq[0].backend, 77);
    CU_ASSERT_EQUAL(k.vq[1].backend, 77);
    /* The tap supplies the header: VHOST_NET_F_VIRTIO_NET_HDR not acked. */
    CU_ASSERT_EQUAL(k.acked & (1ull << VHOST_NET_F_VIRTIO_NET_HDR), 0);
    CU_ASSERT_TRUE((k.acked & (1ull << VIRTIO_F_VERSION_1)) != 0);
    CU_ASSERT_STRING_EQUAL(t->nc.info_str, "ifname=ktap0,vhost=started");
    /* Each queue was kicked once for what was already available. */
    CU_ASSERT_TRUE(event_notifier_test_and_clear(
        virtio_queue_get_host_notifier(virtio_get_queue(&d.vdev, 0))));
    CU_ASSERT_TRUE(event_notifier_test_and_clear(
        virtio_queue_get_host_notifier(virtio_get_queue(&d.vdev, 1))));

    k.vq[0].stop_at = 11;
    k.vq[1].stop_at = 12;
    vhost_net_stop(&d.vdev, &net, 1);
    CU_ASSERT_EQUAL(k.vq[0].backend, -1);
    CU_ASSERT_EQUAL(k.vq[1].backend, -1);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 0), 11);
    CU_ASSERT_EQUAL(virtio_queue_get_last_avail_idx(&d.vdev, 1), 12);
    CU_ASSERT_TRUE(t->polling);
    CU_ASSERT_STRING_EQUAL(t->nc.info_str, "ifname=ktap0");
    /* Under ioeventfd the transport keeps its host notifiers; without
     * irqfd the guest notifiers we bound are unbound. */
    CU_ASSERT_TRUE(tr.host[0] && tr.host[1]);
    CU_ASSERT_EQUAL(tr.guest_nvqs, 0);

    /* With irqfd the transport owns the guest notifiers: left bound. */
    tr.irqfd = true;
    CU_ASSERT_TRUE_FATAL(vhost_net_start(&d.vdev, &net, 1, NULL));
    CU_ASSERT_EQUAL(k.vq[0].base, 11);
    vhost_net_stop(&d.vdev, &net, 1);
    CU_ASSERT_EQUAL(tr.guest_nvqs, 2);
    /* A second stop does nothing. */
    vhost_net_stop(&d.vdev, &net, 1);
    CU_ASSERT_EQUAL(k.vq[0].backend_sets, 4);

    vhost_net_cleanup(net);
    qemu_del_net_client(&t->nc);
    dev_destroy(&d);
}

/* vnet_hdr=off: the kernel builds the header (VHOST_NET_F_VIRTIO_NET_HDR
 * acked), mergeable buffers go, and a kernel that cannot is refused. */
static void test_net_no_vnet_hdr(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    FakeTransport tr = {.ioeventfd = true, .irqfd = true};
    FakeTap *t = fake_tap_new(42, false);
    VHostNetState *net;
    Dev d;

    t->no_vnet_hdr = true;
    net_dev_init(&d, &tr);
    net = vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);
    CU_ASSERT_EQUAL(
        vhost_net_get_features(net, (1ull << VIRTIO_NET_F_MRG_RXBUF) |
                                        (1ull << VIRTIO_F_VERSION_1)),
        1ull << VIRTIO_F_VERSION_1);
    CU_ASSERT_TRUE_FATAL(vhost_net_start(&d.vdev, &net, 1, NULL));
    CU_ASSERT_TRUE((k.acked & (1ull << VHOST_NET_F_VIRTIO_NET_HDR)) != 0);
    CU_ASSERT_EQUAL(t->hdr_len, 0); /* the tap has none to set */
    vhost_net_stop(&d.vdev, &net, 1);
    vhost_net_cleanup(net);

    k = (FakeVhost){.features =
                        FAKE_FEATURES & ~(1ull << VHOST_NET_F_VIRTIO_NET_HDR)};
    CU_ASSERT_PTR_NULL(vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL));
    qemu_del_net_client(&t->nc);
    dev_destroy(&d);
}

static void test_net_link(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    FakeTransport tr = {.ioeventfd = true, .irqfd = true};
    FakeTap *t = fake_tap_new(42, false);
    VHostNetState *net;
    Dev d;

    net_dev_init(&d, &tr);
    net = vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);

    /* Started with the link down: the rings go over, the tap does not. */
    t->nc.link_down = true;
    CU_ASSERT_TRUE_FATAL(vhost_net_start(&d.vdev, &net, 1, NULL));
    CU_ASSERT_EQUAL(k.vq[0].backend_sets, 0);
    vhost_net_set_link(net, true);
    CU_ASSERT_EQUAL(k.vq[0].backend, 77);
    CU_ASSERT_EQUAL(k.vq[1].backend, 77);
    vhost_net_set_link(net, true); /* no change: nothing sent */
    CU_ASSERT_EQUAL(k.vq[0].backend_sets, 1);
    vhost_net_set_link(net, false);
    CU_ASSERT_EQUAL(k.vq[0].backend, -1);
    CU_ASSERT_EQUAL(k.vq[1].backend, -1);
    vhost_net_set_link(net, true);
    CU_ASSERT_EQUAL(k.vq[0].backend, 77);
    vhost_net_stop(&d.vdev, &net, 1);
    CU_ASSERT_EQUAL(k.vq[0].backend, -1);
    vhost_net_set_link(net, true); /* stopped: ignored */
    CU_ASSERT_EQUAL(k.vq[0].backend, -1);

    vhost_net_cleanup(net);
    qemu_del_net_client(&t->nc);
    dev_destroy(&d);
}

static void test_net_start_refused(void)
{
    FakeVhost k = {.features = FAKE_FEATURES};
    FakeTransport tr = {.ioeventfd = false};
    FakeTap *t = fake_tap_new(42, false);
    VHostNetState *net;
    Error *err = NULL;
    Dev d;

    net_dev_init(&d, &tr);
    net = vhost_net_init_with(&t->nc, fake_ioctl, &k, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(net);

    /* No ioeventfd (qtest): refused before anything is touched. */
    CU_ASSERT_FALSE(vhost_net_start(&d.vdev, &net, 1, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "ioeventfd"));
    error_free(err);
    err = NULL;
    CU_ASSERT_EQUAL(tr.guest_calls, 0);
    CU_ASSERT_EQUAL(t->polling_changes, 0);

    /* The kernel refuses the tap: everything is undone. */
    tr.ioeventfd = true;
    k.fail_request = VHOST_NET_SET_BACKEND;
    k.fail_errno = ENOTSOCK;
    CU_ASSERT_FALSE(vhost_net_start(&d.vdev, &net, 1, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(error_get_pretty(err), "SET_BACKEND"));
    error_free(err);
    err = NULL;
    CU_ASSERT_TRUE(t->polling);
    CU_ASSERT_EQUAL(tr.guest_nvqs, 0);
    CU_ASSERT_STRING_EQUAL(t->nc.info_str, "ifname=ktap0");
    CU_ASSERT_TRUE(k.vq[0].got_base);

    /* Too many pairs for the device. */
    CU_ASSERT_FALSE(vhost_net_start(&d.vdev, &net, 2, &err));
    error_free(err);

    vhost_net_cleanup(net);
    qemu_del_net_client(&t->nc);
    dev_destroy(&d);
}

UNIT_SUITE(vhost_net, NULL, NULL, UNIT_TEST(test_net_init_policy),
           UNIT_TEST(test_net_features), UNIT_TEST(test_net_start_stop),
           UNIT_TEST(test_net_no_vnet_hdr), UNIT_TEST(test_net_link),
           UNIT_TEST(test_net_start_refused));
