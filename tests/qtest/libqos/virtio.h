/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A virtio driver for tests, after QEMU's libqos (virtio 1.2, sections 2
 * and 3): device status and feature negotiation through a transport's
 * QVirtioBus, and split virtqueues (2.7) laid out in guest memory from the
 * libqos allocator -- buffers added as chains or through an indirect
 * table, kicked, and their used elements waited for while the virtual
 * clock steps.  The one transport is PCI (virtio-pci.h).
 *
 * Everything here is done the way a guest driver does it, through qtest
 * memory and I/O accesses; the functions fail the test (qtest_fail) when
 * the device answers what no correct device would.  The ring functions
 * take QEMU's libqos arguments (a QTestState first), so QEMU's virtio
 * tests read the same here.
 */
#ifndef KEMU_LIBQOS_VIRTIO_H
#define KEMU_LIBQOS_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include "tests/qtest/libqos/malloc.h"
#include "tests/qtest/libqtest.h"

/* How long the wait helpers poll before failing the test (wall clock). */
#define QVIRTIO_TIMEOUT_US (30 * 1000 * 1000)

typedef struct QVirtioDevice QVirtioDevice;
typedef struct QVirtQueue QVirtQueue;

/**
 * QVirtioBus - what a transport provides.
 * @get_queue_isr_status: whether queue @vq interrupted since the last
 *     call (MSI-X: its message landed in guest RAM, consumed; INTx: the
 *     ISR's queue bit, which reading clears).
 * @get_config_isr_status: the same for a configuration change.
 * @virtqueue_setup: read the queue's size, lay it out, give its rings to
 *     the device (legacy PFN, or modern addresses and queue_enable).
 */
typedef struct QVirtioBus {
    uint8_t (*config_readb)(QVirtioDevice *d, uint64_t off);
    uint16_t (*config_readw)(QVirtioDevice *d, uint64_t off);
    uint32_t (*config_readl)(QVirtioDevice *d, uint64_t off);
    uint64_t (*config_readq)(QVirtioDevice *d, uint64_t off);
    void (*config_writeb)(QVirtioDevice *d, uint64_t off, uint8_t v);
    uint64_t (*get_features)(QVirtioDevice *d);
    void (*set_features)(QVirtioDevice *d, uint64_t features);
    uint64_t (*get_guest_features)(QVirtioDevice *d);
    uint8_t (*get_status)(QVirtioDevice *d);
    void (*set_status)(QVirtioDevice *d, uint8_t status);
    bool (*get_queue_isr_status)(QVirtioDevice *d, QVirtQueue *vq);
    bool (*get_config_isr_status)(QVirtioDevice *d);
    void (*queue_select)(QVirtioDevice *d, uint16_t index);
    uint16_t (*get_queue_size)(QVirtioDevice *d);
    QVirtQueue *(*virtqueue_setup)(QVirtioDevice *d, QGuestAllocator *alloc,
                                   uint16_t index);
    void (*virtqueue_cleanup)(QVirtQueue *vq, QGuestAllocator *alloc);
    void (*virtqueue_kick)(QVirtioDevice *d, QVirtQueue *vq);
} QVirtioBus;

struct QVirtioDevice {
    const QVirtioBus *bus;
    QTestState *qts;
    uint16_t device_type;  /* VIRTIO_ID_NET... */
    uint64_t features;     /* what the driver accepted */
    bool features_ok_seen; /* FEATURES_OK stuck after set_features_ok */
};

/**
 * QVirtQueue - a split virtqueue in guest memory: the descriptor table at
 * @desc, the available ring at @avail, the used ring at @used (aligned to
 * @align), @size entries.  Descriptors are handed out in order from
 * @free_head (wrapping); @last_used_idx is the next used element to read.
 */
struct QVirtQueue {
    QVirtioDevice *vdev;
    uint64_t desc;
    uint64_t avail;
    uint64_t used;
    uint64_t ring_mem; /* what the allocator gave */
    uint16_t index;
    uint16_t size;
    uint32_t align;
    uint16_t free_head;
    uint16_t num_free;
    uint16_t last_used_idx;
    bool indirect;  /* VIRTIO_RING_F_INDIRECT_DESC accepted */
    bool event_idx; /* VIRTIO_RING_F_EVENT_IDX accepted */
};

/* An indirect descriptor table being filled (qvring_indirect_desc_*). */
typedef struct QVRingIndirectDesc {
    uint64_t desc;
    uint16_t index;
    uint16_t elem;
} QVRingIndirectDesc;

/* ---- Status and features ---- */

/** qvirtio_reset - write status 0 and check that it reads back 0. */
void qvirtio_reset(QVirtioDevice *d);
/** qvirtio_set_acknowledge / qvirtio_set_driver - add the status bit. */
void qvirtio_set_acknowledge(QVirtioDevice *d);
void qvirtio_set_driver(QVirtioDevice *d);
/**
 * qvirtio_set_features_ok - add FEATURES_OK and return whether the device
 * kept it (it clears it for features it cannot accept).
 */
bool qvirtio_set_features_ok(QVirtioDevice *d);
/** qvirtio_set_driver_ok - add DRIVER_OK; the status must then be exactly
 *  ACKNOWLEDGE|DRIVER|FEATURES_OK (modern)|DRIVER_OK. */
void qvirtio_set_driver_ok(QVirtioDevice *d);
uint8_t qvirtio_get_status(QVirtioDevice *d);
void qvirtio_set_status(QVirtioDevice *d, uint8_t status);
uint64_t qvirtio_get_features(QVirtioDevice *d);
/** qvirtio_set_features - write the driver's features (remembered in d). */
void qvirtio_set_features(QVirtioDevice *d, uint64_t features);

/**
 * qvirtio_start_device - reset, ACKNOWLEDGE, DRIVER, accept @features
 * (FEATURES_OK must stick on a modern device): what every driver does
 * before setting up its queues.  DRIVER_OK is left to the caller.
 */
void qvirtio_start_device(QVirtioDevice *d, uint64_t features);

/* Device-specific configuration, little-endian fields at @off. */
uint8_t qvirtio_config_readb(QVirtioDevice *d, uint64_t off);
uint16_t qvirtio_config_readw(QVirtioDevice *d, uint64_t off);
uint32_t qvirtio_config_readl(QVirtioDevice *d, uint64_t off);
uint64_t qvirtio_config_readq(QVirtioDevice *d, uint64_t off);

/* ---- Queues ---- */

/**
 * qvirtqueue_setup - set up queue @index at the device's maximum size (the
 * transport's virtqueue_setup); free it with qvirtqueue_cleanup.
 */
QVirtQueue *qvirtqueue_setup(QVirtioDevice *d, QGuestAllocator *alloc,
                             uint16_t index);
void qvirtqueue_cleanup(const QVirtioBus *bus, QVirtQueue *vq,
                        QGuestAllocator *alloc);

/**
 * qvring_size - bytes a split ring of @num entries takes with its used
 * ring aligned to @align.
 */
uint64_t qvring_size(uint16_t num, uint32_t align);
/**
 * qvring_init - lay out @vq (index, size, align set) in @ring_mem and
 * write the empty rings: descriptors chained i -> i+1, indexes 0.
 */
void qvring_init(QTestState *qts, QVirtQueue *vq, uint64_t ring_mem);

/**
 * qvirtqueue_add - fill the next free descriptor with (@data, @len),
 * device-writable if @write, chained to the next one if @next.  Returns
 * its index: the first call's is the chain's head.
 */
uint32_t qvirtqueue_add(QTestState *qts, QVirtQueue *vq, uint64_t data,
                        uint32_t len, bool write, bool next);
/**
 * qvring_indirect_desc_setup - an indirect table of @elem descriptors
 * from @alloc (free it with guest_free(alloc, t->desc) and g_free(t)).
 */
QVRingIndirectDesc *qvring_indirect_desc_setup(QTestState *qts,
                                               QVirtioDevice *d,
                                               QGuestAllocator *alloc,
                                               uint16_t elem);
/** qvring_indirect_desc_add - the table's next descriptor. */
void qvring_indirect_desc_add(QVirtioDevice *d, QTestState *qts,
                              QVRingIndirectDesc *indirect, uint64_t data,
                              uint32_t len, bool write);
/** qvirtqueue_add_indirect - one ring descriptor pointing at the table. */
uint32_t qvirtqueue_add_indirect(QTestState *qts, QVirtQueue *vq,
                                 QVRingIndirectDesc *indirect);

/**
 * qvirtqueue_kick - make the chain at @head available and notify the
 * device, unless it asked not to be (VRING_USED_F_NO_NOTIFY, or the avail
 * event index under EVENT_IDX).
 */
void qvirtqueue_kick(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                     uint32_t head);
/** qvirtqueue_notify - notify the device of @vq now, unconditionally. */
void qvirtqueue_notify(QVirtQueue *vq);

/**
 * qvirtqueue_get_buf - the next used element, if the device published
 * one: its head in *@desc_idx and written length in *@len (each may be
 * NULL).  Under EVENT_IDX the used event index follows.
 */
bool qvirtqueue_get_buf(QTestState *qts, QVirtQueue *vq, uint32_t *desc_idx,
                        uint32_t *len);

/**
 * qvirtio_wait_used_elem - step the virtual clock (100 ns at a time) until
 * @vq has a used element, which must be the chain at @desc_idx; its length
 * in *@len (may be NULL).  Fails the test after @timeout_us of wall time.
 */
void qvirtio_wait_used_elem(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                            uint32_t desc_idx, uint32_t *len,
                            gint64 timeout_us);
/**
 * qvirtio_wait_queue_isr - step the clock until @vq interrupts
 * (QVirtioBus.get_queue_isr_status); fails the test after @timeout_us.
 */
void qvirtio_wait_queue_isr(QTestState *qts, QVirtioDevice *d, QVirtQueue *vq,
                            gint64 timeout_us);
/** qvirtio_wait_config_isr - the same for a configuration interrupt. */
void qvirtio_wait_config_isr(QVirtioDevice *d, gint64 timeout_us);

#endif
