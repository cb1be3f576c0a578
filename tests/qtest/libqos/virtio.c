/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The transport-independent half of the libqos virtio driver: status,
 * features and split virtqueues in guest memory (see virtio.h).
 */
#include "tests/qtest/libqos/virtio.h"

/* Split ring offsets (virtio 1.2, 2.7). */
#define DESC_SIZE      16
#define DESC_ADDR      0
#define DESC_LEN       8
#define DESC_FLAGS     12
#define DESC_NEXT      14
#define AVAIL_FLAGS    0
#define AVAIL_IDX      2
#define AVAIL_RING     4
#define USED_FLAGS     0
#define USED_IDX       2
#define USED_RING      4
#define USED_ELEM_SIZE 8

/* ---- Status and features ---- */

uint8_t qvirtio_get_status(QVirtioDevice *d)
{
    return d->bus->get_status(d);
}

void qvirtio_set_status(QVirtioDevice *d, uint8_t status)
{
    d->bus->set_status(d, status);
}

void qvirtio_reset(QVirtioDevice *d)
{
    d->bus->set_status(d, 0);
    QTEST_ASSERT(d->bus->get_status(d) == 0);
    d->features = 0;
    d->features_ok_seen = false;
}

void qvirtio_set_acknowledge(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) | VIRTIO_CONFIG_S_ACKNOWLEDGE);
    QTEST_ASSERT(d->bus->get_status(d) == VIRTIO_CONFIG_S_ACKNOWLEDGE);
}

void qvirtio_set_driver(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) | VIRTIO_CONFIG_S_DRIVER);
    QTEST_ASSERT(d->bus->get_status(d) ==
                 (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER));
}

bool qvirtio_set_features_ok(QVirtioDevice *d)
{
    d->bus->set_status(d, d->bus->get_status(d) | VIRTIO_CONFIG_S_FEATURES_OK);
    d->features_ok_seen = d->bus->get_status(d) & VIRTIO_CONFIG_S_FEATURES_OK;
    return d->features_ok_seen;
}

void qvirtio_set_driver_ok(QVirtioDevice *d)
{
    uint8_t want = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                   VIRTIO_CONFIG_S_DRIVER_OK;

    if (d->features_ok_seen) {
        want |= VIRTIO_CONFIG_S_FEATURES_OK;
    }
    d->bus->set_status(d, d->bus->get_status(d) | VIRTIO_CONFIG_S_DRIVER_OK);
    if (d->bus->get_status(d) != want) {
        qtest_fail("virtio: status 0x%x after DRIVER_OK, expected 0x%x",
                   d->bus->get_status(d), want);
    }
}

uint64_t qvirtio_get_features(QVirtioDevice *d)
{
    return d->bus->get_features(d);
}

void qvirtio_set_features(QVirtioDevice *d, uint64_t features)
{
    d->features = features;
    d->bus->set_features(d, features);
}

void qvirtio_start_device(QVirtioDevice *d, uint64_t features)
{
    qvirtio_reset(d);
    qvirtio_set_acknowledge(d);
    qvirtio_set_driver(d);
    qvirtio_set_features(d, features);
    if (features & (1ull << VIRTIO_F_VERSION_1)) {
        QTEST_ASSERT(qvirtio_set_features_ok(d));
    }
}

uint8_t qvirtio_config_readb(QVirtioDevice *d, uint64_t off)
{
    return d->bus->config_readb(d, off);
}

uint16_t qvirtio_config_readw(QVirtioDevice *d, uint64_t off)
{
    return d->bus->config_readw(d, off);
}

uint32_t qvirtio_config_readl(QVirtioDevice *d, uint64_t off)
{
    return d->bus->config_readl(d, off);
}

uint64_t qvirtio_config_readq(QVirtioDevice *d, uint64_t off)
{
    return d->bus->config_readq(d, off);
}

/* ---- Split rings ---- */

QVirtQueue *qvirtqueue_setup(QVirtioDevice *d, QGuestAllocator *alloc,
                             uint16_t index)
{
    return d->bus->virtqueue_setup(d, alloc, index);
}

void qvirtqueue_cleanup(const QVirtioBus *bus, QVirtQueue *vq,
                        QGuestAllocator *alloc)
{
    bus->virtqueue_cleanup(vq, alloc);
}

uint64_t qvring_size(uint16_t num, uint32_t align)
{
    uint64_t avail_end = (uint64_t)DESC_SIZE * num + AVAIL_RING + 2 * num + 2;

    return ((avail_end + align - 1) & ~(uint64_t)(align - 1)) + USED_RING +
           (uint64_t)USED_ELEM_SIZE * num + 2;
}

void qvring_init(QTestState *qts, QVirtQueue *vq, uint64_t ring_mem)
{
    uint64_t avail_end;

    vq->ring_mem = ring_mem;
    vq->desc = ring_mem;
    vq->avail = vq->desc + (uint64_t)DESC_SIZE * vq->size;
    avail_end = vq->avail + AVAIL_RING + 2 * vq->size + 2;
    vq->used = (avail_end + vq->align - 1) & ~(uint64_t)(vq->align - 1);
    vq->free_head = 0;
    vq->num_free = vq->size;
    vq->last_used_idx = 0;
    qtest_memset(qts, ring_mem, 0, qvring_size(vq->size, vq->align));
    for (uint16_t i = 0; i < vq->size; i++) {
        qtest_writew(qts, vq->desc + DESC_SIZE * i + DESC_NEXT,
                     (i + 1) % vq->size);
    }
}

uint32_t qvirtqueue_add(QTestState *qts, QVirtQueue *vq, uint64_t data,
                        uint32_t len, bool write, bool next)
{
    uint16_t i = vq->free_head;
    uint64_t desc = vq->desc + (uint64_t)DESC_SIZE * i;
    uint16_t flags =
        (write ? VRING_DESC_F_WRITE : 0) | (next ? VRING_DESC_F_NEXT : 0);

    QTEST_ASSERT(vq->num_free > 0);
    qtest_writeq(qts, desc + DESC_ADDR, data);
    qtest_writel(qts, desc + DESC_LEN, len);
    qtest_writew(qts, desc + DESC_FLAGS, flags);
    qtest_writew(qts, desc + DESC_NEXT, (i + 1) % vq->size);
    vq->free_head = (i + 1) % vq->size;
    vq->num_free--;
    return i;
}

QVRingIndirectDesc *qvring_indirect_desc_setup(QTestState *qts,
                                               QVirtioDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t elem)
{
    QVRingIndirectDesc *t = g_new0(QVRingIndirectDesc, 1);

    t->elem = elem;
    t->desc = guest_alloc(alloc, (size_t)DESC_SIZE * elem);
    for (uint16_t i = 0; i < elem; i++) {
        uint64_t desc = t->desc + (uint64_t)DESC_SIZE * i;

        qtest_writeq(qts, desc + DESC_ADDR, 0);
        qtest_writel(qts, desc + DESC_LEN, 0);
        qtest_writew(qts, desc + DESC_FLAGS, VRING_DESC_F_NEXT);
        qtest_writew(qts, desc + DESC_NEXT, i + 1);
    }
    return t;
}

void qvring_indirect_desc_add(QVirtioDevice *d, QTestState *qts,
                              QVRingIndirectDesc *indirect, uint64_t data,
                              uint32_t len, bool write)
{
    uint64_t desc;
    uint16_t flags;

    QTEST_ASSERT(indirect->index < indirect->elem);
    desc = indirect->desc + (uint64_t)DESC_SIZE * indirect->index;
    flags = qtest_readw(qts, desc + DESC_FLAGS);
    if (write) {
        flags |= VRING_DESC_F_WRITE;
    }
    if (indirect->index == indirect->elem - 1) {
        flags &= ~VRING_DESC_F_NEXT;
    }
    qtest_writeq(qts, desc + DESC_ADDR, data);
    qtest_writel(qts, desc + DESC_LEN, len);
    qtest_writew(qts, desc + DESC_FLAGS, flags);
    indirect->index++;
}

uint32_t qvirtqueue_add_indirect(QTestState *qts, QVirtQueue *vq,
                                 QVRingIndirectDesc *indirect)
{
    uint16_t i = vq->free_head;
    uint64_t desc = vq->desc + (uint64_t)DESC_SIZE * i;

    QTEST_ASSERT(vq->num_free > 0);
    qtest_writeq(qts, desc + DESC_ADDR, indirect->desc);
    qtest_writel(qts, desc + DESC_LEN, DESC_SIZE * indirect->elem);
    qtest_writew(qts, desc + DESC_FLAGS, VRING_DESC_F_INDIRECT);
    vq->free_head = (i + 1) % vq->size;
    vq->num_free--;
    return i;
}

void qvirtqueue_notify(QVirtQueue *vq)
{
    vq->vdev->bus->virtqueue_kick(vq->vdev, vq);
}

void qvirtqueue_kick(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                     uint32_t head)
{
    uint16_t idx = qtest_readw(qts, vq->avail + AVAIL_IDX);
    uint16_t flags, avail_event;

    qtest_writew(qts, vq->avail + AVAIL_RING + 2 * (idx % vq->size), head);
    qtest_writew(qts, vq->avail + AVAIL_IDX, idx + 1);
    flags = qtest_readw(qts, vq->used + USED_FLAGS);
    avail_event =
        qtest_readw(qts, vq->used + USED_RING + USED_ELEM_SIZE * vq->size);
    if (vq->event_idx ? vring_need_event(avail_event, idx + 1, idx)
                      : !(flags & VRING_USED_F_NO_NOTIFY)) {
        d->bus->virtqueue_kick(d, vq);
    }
}

bool qvirtqueue_get_buf(QTestState *qts, QVirtQueue *vq, uint32_t *desc_idx,
                        uint32_t *len)
{
    uint16_t idx = qtest_readw(qts, vq->used + USED_IDX);
    uint64_t elem;

    if (idx == vq->last_used_idx) {
        return false;
    }
    elem = vq->used + USED_RING +
           (uint64_t)USED_ELEM_SIZE * (vq->last_used_idx % vq->size);
    if (desc_idx) {
        *desc_idx = qtest_readl(qts, elem);
    }
    if (len) {
        *len = qtest_readl(qts, elem + 4);
    }
    vq->last_used_idx++;
    if (vq->event_idx) {
        qtest_writew(qts, vq->avail + AVAIL_RING + 2 * vq->size,
                     vq->last_used_idx);
    }
    return true;
}

void qvirtio_wait_used_elem(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                            uint32_t desc_idx, uint32_t *len, gint64 timeout_us)
{
    gint64 end = g_get_monotonic_time() + timeout_us;
    uint32_t got;

    for (;;) {
        qtest_clock_step(qts, 100);
        if (qvirtqueue_get_buf(qts, vq, &got, len)) {
            if (got != desc_idx) {
                qtest_fail("virtio: queue %u used chain %u, expected %u",
                           vq->index, got, desc_idx);
            }
            return;
        }
        if (g_get_monotonic_time() > end) {
            qtest_fail("virtio: queue %u: no used element for chain %u",
                       vq->index, desc_idx);
        }
    }
}

void qvirtio_wait_queue_isr(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                            gint64 timeout_us)
{
    gint64 end = g_get_monotonic_time() + timeout_us;

    for (;;) {
        qtest_clock_step(qts, 100);
        if (d->bus->get_queue_isr_status(d, vq)) {
            return;
        }
        if (g_get_monotonic_time() > end) {
            qtest_fail("virtio: queue %u never interrupted", vq->index);
        }
    }
}

void qvirtio_wait_config_isr(QVirtioDevice *d, gint64 timeout_us)
{
    gint64 end = g_get_monotonic_time() + timeout_us;

    for (;;) {
        qtest_clock_step(d->qts, 100);
        if (d->bus->get_config_isr_status(d)) {
            return;
        }
        if (g_get_monotonic_time() > end) {
            qtest_fail("virtio: no configuration interrupt");
        }
    }
}
