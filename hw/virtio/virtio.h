/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio device core (virtio 1.2, sections 2 and 4): a VirtIODevice --
 * features, status, configuration space and its generation counter, reset
 * -- and its VirtQueues over the split ring (2.7) or, when negotiated, the
 * packed ring (2.8).  A device (virtio-net, virtio-blk) embeds a
 * VirtIODevice in its state, fills in a VirtioDeviceOps, and adds queues
 * with handlers; a transport (virtio-pci) embeds the device, exposes its
 * registers to the guest and carries its notifications.
 *
 * The contract with the guest: every index, address and length the guest
 * wrote is checked before it is used.  A loop in a chain, a chain longer
 * than the ring, a descriptor outside RAM, an out-of-range head or index,
 * a bad indirect table: the device is marked broken (DEVICE_NEEDS_RESET is
 * set in the status, the config-change interrupt raised, one line logged
 * under guest-errors), every queue stops, and nothing outside guest RAM is
 * read or written.  The guest's reset clears it.  The scatter-gather lists
 * handed to devices point straight into guest RAM (no bounce copy).
 *
 * Threads: everything here runs on the main thread or a vCPU thread with
 * the machine lock held (docs/devel/threading.md).
 */
#ifndef KEMU_HW_VIRTIO_VIRTIO_H
#define KEMU_HW_VIRTIO_VIRTIO_H

#include "util/osdep.h"
#include "util/error.h"
#include "util/event-notifier.h"
#include "exec/memory.h"
#include <sys/uio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>

typedef struct MainLoop MainLoop;
typedef struct DeviceState DeviceState;
typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* Queues per device, and the largest queue size the core accepts. */
#define VIRTIO_QUEUE_MAX   1024
#define VIRTQUEUE_MAX_SIZE 1024

/* "No MSI-X vector" (virtio 1.2, 4.1.5.1.2). */
#define VIRTIO_NO_VECTOR 0xffff

/* ISR status bits (4.1.4.5). */
#define VIRTIO_ISR_QUEUE  0x1
#define VIRTIO_ISR_CONFIG 0x2

/* Features every device offers unless its properties turn them off. */
#define VIRTIO_COMMON_FEATURES                                                 \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_ANY_LAYOUT) |            \
     (1ull << VIRTIO_RING_F_INDIRECT_DESC) |                                   \
     (1ull << VIRTIO_RING_F_EVENT_IDX) | (1ull << VIRTIO_F_NOTIFY_ON_EMPTY))

/**
 * VirtQueueElement - one request popped from a queue: the device reads
 * @out_sg (driver to device) and writes @in_sg (device to driver).  The
 * iovecs point into guest RAM; @out_addr/@in_addr are their guest
 * addresses.  Allocated by virtqueue_pop() with room for a device's own
 * struct around it (the element first); freed with g_free() after
 * virtqueue_push()/virtqueue_fill().  The element is one allocation (its
 * iovec and address arrays follow it); nothing needs unmapping, and the
 * iovecs stay valid while the guest RAM they point into exists.
 */
typedef struct VirtQueueElement {
    unsigned int index;  /* split: head descriptor; packed: buffer id */
    unsigned int len;    /* bytes written, set by virtqueue_fill */
    unsigned int ndescs; /* packed: descriptors the chain used */
    unsigned int out_num;
    unsigned int in_num;
    hwaddr *in_addr;
    hwaddr *out_addr;
    struct iovec *in_sg;
    struct iovec *out_sg;
} VirtQueueElement;

/* A queue's handler: the driver notified (kicked) the queue. */
typedef void (*VirtIOHandleOutput)(VirtIODevice *vdev, VirtQueue *vq);

/**
 * VirtioDeviceOps - what a kind of virtio device does.
 * @get_features: the device features to offer, given the common ones in
 *                @features (remove what the backend cannot do); may fail.
 * @set_features: the driver accepted @features (FEATURES_OK is coming).
 * @get_config / @set_config: fill / take the config_len bytes of the
 *                device-specific configuration (little-endian fields).
 * @set_status: the status byte changed (start and stop a data path such
 *              as vhost on DRIVER_OK); vdev->status already holds the new
 *              value; optional.
 * @reset: back to the power-on state (the core has already reset the
 *         queues, features and status).
 * @guest_notifier_mask: vhost only: stop or restart sending queue @n's
 *                       interrupts to its call eventfd; optional.
 */
typedef struct VirtioDeviceOps {
    uint64_t (*get_features)(VirtIODevice *vdev, uint64_t features,
                             Error **errp);
    void (*set_features)(VirtIODevice *vdev, uint64_t features);
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
    void (*reset)(VirtIODevice *vdev);
    void (*guest_notifier_mask)(VirtIODevice *vdev, int n, bool mask);
} VirtioDeviceOps;

/**
 * VirtioTransportOps - what the transport does for the core.
 * @notify: raise @vector (MSI-X), or the INTx line with the ISR bits the
 *          core has set when the transport has no vectors enabled.
 * @ioeventfd_enabled: the accelerator delivers queue notifications through
 *          each queue's host notifier (KVM ioeventfd); false under qtest.
 * @set_host_notifier: start (@assign) or stop delivering the driver's
 *          notifications of queue @n to its host notifier; 0 or -errno.
 * @set_guest_notifiers: bind (@assign) or unbind the guest notifiers of
 *          queues 0..@nvqs-1 to their vectors through irqfd; 0 or -errno.
 * @query_guest_notifiers: whether set_guest_notifiers can work now (MSI-X
 *          enabled and the accelerator has irqfd).
 */
typedef struct VirtioTransportOps {
    void (*notify)(void *opaque, uint16_t vector);
    bool (*ioeventfd_enabled)(void *opaque);
    int (*set_host_notifier)(void *opaque, int n, bool assign);
    int (*set_guest_notifiers)(void *opaque, int nvqs, bool assign);
    bool (*query_guest_notifiers)(void *opaque);
} VirtioTransportOps;

/**
 * VirtIODevice - the state common to every virtio device.  Set @ops,
 * @name, @device_id, @config_len and @host_features (the device's own
 * feature bits, ORed with what virtio_init adds) before virtio_init().
 * The transport reads and writes the fields below through the functions
 * of this header only.
 */
struct VirtIODevice {
    const VirtioDeviceOps *ops;
    const char *name;   /* "virtio-net": log lines */
    uint16_t device_id; /* VIRTIO_ID_NET, ... */
    DeviceState *owner; /* the transport's device: QOM path in logs */
    size_t config_len;
    uint64_t host_features;  /* offered: device bits | common bits */
    uint64_t guest_features; /* accepted by the driver */
    uint8_t status;
    uint8_t isr;
    uint16_t config_vector;
    uint32_t generation; /* config generation: bumps on every change */
    uint8_t *config;     /* config_len bytes, refreshed by get_config */
    bool broken;         /* NEEDS_RESET: queues stopped */
    bool use_packed;     /* the packed ring property (packed=on) */
    AddressSpace *dma_as;
    MainLoop *main_loop;
    const VirtioTransportOps *transport;
    void *transport_opaque;
    VirtQueue *vq; /* VIRTIO_QUEUE_MAX of them */
    /* private: drops the queues' cached ring mappings on map changes */
    MemoryListener mem_listener;
};

/* ---- Device life cycle ---- */

/**
 * virtio_init - set up @vdev (queues all unused, config buffer of
 * config_len bytes) for DMA through @dma_as and deferred work on @ml.
 */
void virtio_init(VirtIODevice *vdev, DeviceState *owner, AddressSpace *dma_as,
                 MainLoop *ml);
/** virtio_cleanup - free what virtio_init and virtio_add_queue took. */
void virtio_cleanup(VirtIODevice *vdev);
/**
 * virtio_reset - the driver wrote 0 to the status (or the machine reset):
 * ops->set_status(vdev, 0) if the status was not 0 (a data path such as
 * vhost stops), then queues, features, status, ISR, vectors and broken
 * flag cleared, then ops->reset.  Host and guest notifiers and their
 * main-loop watches stay as the transport set them.
 */
void virtio_reset(VirtIODevice *vdev);
/** virtio_set_transport - the transport's ops, before the guest runs. */
void virtio_set_transport(VirtIODevice *vdev, const VirtioTransportOps *ops,
                          void *opaque);

/**
 * virtio_add_queue - queue number n (the next free one) of at most
 * @queue_size entries (a power of two <= VIRTQUEUE_MAX_SIZE), kicked into
 * @handle_output.
 */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, int queue_size,
                            VirtIOHandleOutput handle_output);
/** virtio_del_queue - remove queue @n (multiqueue resizing). */
void virtio_del_queue(VirtIODevice *vdev, int n);
/** virtio_get_num_queues - the number of queues added. */
int virtio_get_num_queues(VirtIODevice *vdev);
VirtQueue *virtio_get_queue(VirtIODevice *vdev, int n);
VirtIODevice *virtio_queue_get_vdev(VirtQueue *vq);
int virtio_queue_get_index(VirtQueue *vq);

/* ---- Features, status, configuration ---- */

static inline bool virtio_has_feature(uint64_t features, unsigned fbit)
{
    return fbit < 64 && (features & (1ull << fbit));
}

/** virtio_vdev_has_feature - whether the driver accepted @fbit. */
static inline bool virtio_vdev_has_feature(const VirtIODevice *vdev,
                                           unsigned fbit)
{
    return virtio_has_feature(vdev->guest_features, fbit);
}

/**
 * virtio_finalize_features - fix what the device offers: its own bits and
 * the common ones, filtered by ops->get_features (called once at realize by
 * the transport; errp on failure).
 */
bool virtio_finalize_features(VirtIODevice *vdev, Error **errp);

/**
 * virtio_set_features - the driver's accepted features (only bits offered
 * are kept; the rest is logged under guest-errors).  Refused (-EINVAL)
 * after FEATURES_OK or DRIVER_OK.
 */
int virtio_set_features(VirtIODevice *vdev, uint64_t features);

/**
 * virtio_set_status - the driver wrote @status: 0 resets; FEATURES_OK is
 * kept only if the accepted features are consistent (else cleared, so the
 * driver sees the failure); ops->set_status is told.
 */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);

/**
 * virtio_config_readb/w/l, virtio_config_writeb/w/l - the device-specific
 * configuration at @addr (little-endian; the legacy and modern layouts
 * are both little-endian on x86).  Out of range: reads 0xff.., writes
 * ignored and logged.
 */
uint32_t virtio_config_read(VirtIODevice *vdev, uint32_t addr, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint32_t addr, uint32_t val,
                         unsigned size);

/**
 * virtio_notify_config - the device changed its configuration: bump the
 * generation, set VIRTIO_ISR_CONFIG and raise the config vector (only once
 * DRIVER_OK is set).
 */
void virtio_notify_config(VirtIODevice *vdev);

/**
 * virtio_error - the guest broke the rules: log @fmt under guest-errors
 * with the device's name, mark it broken (NEEDS_RESET in the status, the
 * config interrupt once DRIVER_OK), and stop all its queues.
 */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...) KEMU_PRINTF(2, 3);

/* ---- Queue registers (the transport's view) ---- */

void virtio_queue_set_num(VirtIODevice *vdev, int n, int num);
int virtio_queue_get_num(VirtIODevice *vdev, int n);
int virtio_queue_get_max_num(VirtIODevice *vdev, int n);
/** virtio_queue_set_rings - the modern layout's three ring addresses. */
void virtio_queue_set_rings(VirtIODevice *vdev, int n, hwaddr desc,
                            hwaddr avail, hwaddr used);
hwaddr virtio_queue_get_desc_addr(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_avail_addr(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_used_addr(VirtIODevice *vdev, int n);
/**
 * virtio_queue_set_addr - the legacy layout: the descriptor table at
 * @addr, the available ring after it, the used ring at the next 4096
 * boundary (virtio 1.2, 4.1.5.1.3 / the legacy interface), and enables
 * the queue; 0 disables it.
 */
void virtio_queue_set_addr(VirtIODevice *vdev, int n, hwaddr addr);
hwaddr virtio_queue_get_addr(VirtIODevice *vdev, int n);
void virtio_queue_set_vector(VirtIODevice *vdev, int n, uint16_t vector);
uint16_t virtio_queue_vector(VirtIODevice *vdev, int n);
/** virtio_queue_enable - queue_enable written 1 (modern): it is live. */
void virtio_queue_enable(VirtIODevice *vdev, int n);
bool virtio_queue_enabled(VirtIODevice *vdev, int n);
/** virtio_queue_notify - the driver notified queue @n: run its handler. */
void virtio_queue_notify(VirtIODevice *vdev, int n);

/* ---- The device's view of a queue ---- */

/**
 * virtio_queue_ready - the queue has rings, is enabled, and the driver is
 * running (DRIVER_OK, not broken).  The rings themselves are checked (size,
 * alignment, all in RAM) at their first use, which breaks the device if
 * they are bad.
 */
bool virtio_queue_ready(VirtQueue *vq);
/** virtio_queue_empty - no buffer is available. */
bool virtio_queue_empty(VirtQueue *vq);
/**
 * virtqueue_pop - the next available chain as an element of @sz bytes
 * (>= sizeof(VirtQueueElement)), or NULL when the queue is empty, not
 * ready, or the device is (now) broken.
 */
void *virtqueue_pop(VirtQueue *vq, size_t sz);
/**
 * virtqueue_fill - put @elem in the used ring at offset @idx from the
 * current used index, with @len bytes written (not yet visible).
 */
void virtqueue_fill(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len, unsigned int idx);
/** virtqueue_flush - publish @count filled elements (the used index). */
void virtqueue_flush(VirtQueue *vq, unsigned int count);
/** virtqueue_push - fill + flush of one element. */
void virtqueue_push(VirtQueue *vq, const VirtQueueElement *elem,
                    unsigned int len);
/**
 * virtqueue_unpop - give back the last @elem popped and not yet filled
 * (the device could not use it: no room downstream).
 */
void virtqueue_unpop(VirtQueue *vq, const VirtQueueElement *elem,
                     unsigned int len);
/** virtqueue_detach_element - drop @elem without using it. */
void virtqueue_detach_element(VirtQueue *vq, const VirtQueueElement *elem,
                              unsigned int len);
/**
 * virtqueue_get_avail_bytes - how many device-writable (@in_bytes) and
 * device-readable (@out_bytes) bytes the available chains hold, counting
 * no further than @max_in_bytes / @max_out_bytes.
 */
void virtqueue_get_avail_bytes(VirtQueue *vq, unsigned int *in_bytes,
                               unsigned int *out_bytes, unsigned max_in_bytes,
                               unsigned max_out_bytes);
/**
 * virtio_queue_set_notification - ask the driver to kick (@enable) or not
 * to (the device is polling the ring): VRING_USED_F_NO_NOTIFY, or the
 * avail event index under EVENT_IDX, or the packed ring's event flags.
 */
void virtio_queue_set_notification(VirtQueue *vq, int enable);
/**
 * virtio_notify - interrupt the driver for @vq's used buffers, unless it
 * suppressed it (VRING_AVAIL_F_NO_INTERRUPT, used_event under EVENT_IDX,
 * packed event flags); NOTIFY_ON_EMPTY is honoured.
 */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);

/* ---- Notifiers: ioeventfd, irqfd, vhost ---- */

/**
 * The kick eventfd of @vq (KVM ioeventfd, vhost's kick), created on the
 * first call (its fd is -1 if eventfd(2) failed); closed by
 * virtio_del_queue / virtio_cleanup.
 */
EventNotifier *virtio_queue_get_host_notifier(VirtQueue *vq);
/**
 * virtio_queue_host_notifier_read_enable - read @vq's host notifier on the
 * main loop and run the queue's handler on each kick (@on), or stop
 * reading it (vhost takes it over).
 */
void virtio_queue_host_notifier_read_enable(VirtQueue *vq, bool on);
/** The call eventfd of @vq (KVM irqfd, vhost's call), created likewise. */
EventNotifier *virtio_queue_get_guest_notifier(VirtQueue *vq);
/**
 * virtio_queue_set_guest_notifier - @assign: virtio_notify() signals @vq's
 * guest notifier instead of calling the transport (an irqfd delivers it);
 * with @with_irqfd false the core itself reads the notifier on the main
 * loop and calls the transport (the vector is masked, or a vhost call
 * arrives without irqfd).  !@assign: back to the transport's notify.
 */
void virtio_queue_set_guest_notifier(VirtQueue *vq, bool assign,
                                     bool with_irqfd);

/* ---- vhost: ring state handed to and taken back from the kernel ---- */

/** virtio_queue_get_last_avail_idx - the next available index to pop. */
uint16_t virtio_queue_get_last_avail_idx(VirtIODevice *vdev, int n);
void virtio_queue_set_last_avail_idx(VirtIODevice *vdev, int n, uint16_t idx);
/** virtio_queue_update_used_idx - resync the shadow used index from RAM. */
void virtio_queue_update_used_idx(VirtIODevice *vdev, int n);
/** Sizes in bytes of the rings of queue @n as the driver set them up. */
hwaddr virtio_queue_get_desc_size(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_avail_size(VirtIODevice *vdev, int n);
hwaddr virtio_queue_get_used_size(VirtIODevice *vdev, int n);

/** virtio_device_started - DRIVER_OK is set and the device not broken. */
bool virtio_device_started(const VirtIODevice *vdev);

#endif
