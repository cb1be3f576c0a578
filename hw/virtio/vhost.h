/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vhost kernel backend (Linux drivers/vhost/vhost.c, <linux/vhost.h>):
 * one VhostDev drives one vhost character device (/dev/vhost-net) that
 * serves @nvqs consecutive queues of a VirtIODevice.  It takes ownership
 * of the fd's vhost state (VHOST_SET_OWNER), learns the kernel's features,
 * keeps the kernel's memory table in step with the RAM of the device's DMA
 * address space (a MemoryListener; ROM and I/O are left out), and hands the
 * rings over (VHOST_SET_VRING_*) and takes them back (GET_VRING_BASE).
 * What the backend itself is (a tap for vhost-net) is the caller's
 * business: hw/net/vhost-net.c.
 *
 * Threads: main thread or a vCPU thread, machine lock held.
 */
#ifndef KEMU_HW_VIRTIO_VHOST_H
#define KEMU_HW_VIRTIO_VHOST_H

#include "util/osdep.h"
#include "util/error.h"
#include "exec/memory.h"
#include "hw/virtio/virtio.h"
#include <linux/vhost.h>

/* Queues one VhostDev serves at most (vhost-net: RX and TX). */
#define VHOST_DEV_MAX_VQS 2

typedef struct VhostDev VhostDev;

/*
 * The kernel call: ioctl(2) on hdev->fd.  Unit tests put a fake kernel
 * here; returns 0 (or a value >= 0) or -errno.
 */
typedef int (*VhostIoctlFn)(VhostDev *hdev, unsigned long request, void *arg);

/**
 * VhostMemTable - the guest RAM the kernel may touch: regions sorted by
 * guest address, adjacent ones with adjacent host memory merged.
 */
typedef struct VhostMemTable {
    struct vhost_memory_region *regions;
    unsigned nregions;
    unsigned capacity;
} VhostMemTable;

struct VhostDev {
    int fd;                  /* the vhost device; owned by the caller */
    VhostIoctlFn ioctl_fn;   /* NULL: ioctl(2) */
    void *opaque;            /* for a fake ioctl_fn */
    int nvqs;                /* queues served */
    uint64_t features;       /* VHOST_GET_FEATURES */
    uint64_t acked_features; /* last VHOST_SET_FEATURES */

    /* while started */
    VirtIODevice *vdev;
    int vq_index; /* the device's first queue served */
    bool started;
    bool vq_live[VHOST_DEV_MAX_VQS]; /* rings given to the kernel */

    /* the memory table */
    MemoryListener listener;
    bool listening;
    VhostMemTable sections; /* RAM sections as the listener reports them */
    VhostMemTable mem;      /* the last table sent to the kernel */
    bool mem_sent;
};

/**
 * vhost_dev_init - take over vhost device @fd (VHOST_SET_OWNER) for
 * @nvqs queues and read its features.  @ioctl_fn NULL: the real kernel.
 * Return: false with errp set on failure (hdev needs no cleanup then).
 */
bool vhost_dev_init(VhostDev *hdev, int fd, int nvqs, VhostIoctlFn ioctl_fn,
                    void *opaque, Error **errp);

/** vhost_dev_cleanup - stop (if started) and free; never closes the fd. */
void vhost_dev_cleanup(VhostDev *hdev);

/**
 * vhost_dev_get_features - @features without the bits of @feature_bits
 * (terminated by -1) that the kernel does not offer.  Bits not listed
 * pass through.
 */
uint64_t vhost_dev_get_features(VhostDev *hdev, const int *feature_bits,
                                uint64_t features);

/**
 * vhost_dev_start - hand queues @vq_index..@vq_index+nvqs-1 of @vdev to
 * the kernel: VHOST_SET_FEATURES (@features), the memory table of
 * vdev->dma_as (kept up to date from now on), and for each queue whose
 * rings are set up: num, base (the core's next available index), ring
 * addresses (guest addresses mapped to host ones; each ring must lie in
 * one RAM region), kick (the queue's host notifier) and call (its guest
 * notifier).  The caller has bound the notifiers and attaches the backend
 * afterwards.  On failure nothing stays handed over.
 */
bool vhost_dev_start(VhostDev *hdev, VirtIODevice *vdev, int vq_index,
                     uint64_t features, Error **errp);

/**
 * vhost_dev_stop - take the queues back: the kernel's next available
 * index becomes the core's (VHOST_GET_VRING_BASE), the used index is
 * re-read from guest RAM, and the memory listener is detached.  The
 * backend must already be detached.
 */
void vhost_dev_stop(VhostDev *hdev);

/**
 * vhost_dev_vq_live - whether queue @i (0..nvqs-1) of a started @hdev has
 * its rings in the kernel (a queue the driver never set up has not).
 */
bool vhost_dev_vq_live(const VhostDev *hdev, int i);

/**
 * vhost_dev_ioctl - @request on the device through hdev->ioctl_fn.
 * Return: >= 0, or -errno.
 */
int vhost_dev_ioctl(VhostDev *hdev, unsigned long request, void *arg);

/* ---- The memory table (exposed for unit tests) ---- */

/**
 * vhost_dev_listen - send the kernel the RAM of @as (VHOST_SET_MEM_TABLE)
 * and follow its changes until vhost_dev_unlisten().  vhost_dev_start()
 * does it with the device's DMA address space.
 */
bool vhost_dev_listen(VhostDev *hdev, AddressSpace *as, Error **errp);
void vhost_dev_unlisten(VhostDev *hdev);

/**
 * vhost_mem_table_add - add RAM @size bytes at guest @gpa, host @hva.
 * vhost_mem_table_del - remove the region added with @gpa and @size
 * (no-op if absent).
 */
void vhost_mem_table_add(VhostMemTable *t, uint64_t gpa, uint64_t size,
                         uint64_t hva);
void vhost_mem_table_del(VhostMemTable *t, uint64_t gpa, uint64_t size);

/**
 * vhost_mem_table_build - @out := @in sorted by guest address, with
 * neighbours that are contiguous in guest and host memory merged.
 */
void vhost_mem_table_build(VhostMemTable *out, const VhostMemTable *in);

/**
 * vhost_mem_table_hva - the host address of guest range @gpa..@gpa+@len-1
 * if it lies within one region of @t, else 0.
 */
uint64_t vhost_mem_table_hva(const VhostMemTable *t, uint64_t gpa,
                             uint64_t len);

void vhost_mem_table_free(VhostMemTable *t);

#endif
