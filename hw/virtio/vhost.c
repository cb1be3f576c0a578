/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vhost kernel backend (see hw/virtio/vhost.h): ownership, features,
 * the memory table built from the RAM sections of the device's DMA
 * address space, and handing queues to the kernel and back.  The kernel's
 * side is Linux drivers/vhost/vhost.c; the ioctls are <linux/vhost.h>'s.
 */
#include "hw/virtio/vhost.h"
#include "util/log.h"
#include <sys/ioctl.h>

/* ---- The kernel ---------------------------------------------------------- */

int vhost_dev_ioctl(VhostDev *hdev, unsigned long request, void *arg)
{
    int r;

    if (hdev->ioctl_fn) {
        return hdev->ioctl_fn(hdev, request, arg);
    }
    r = ioctl(hdev->fd, request, arg);
    return r < 0 ? -errno : r;
}

/* ---- The memory table ---------------------------------------------------- */

void vhost_mem_table_add(VhostMemTable *t, uint64_t gpa, uint64_t size,
                         uint64_t hva)
{
    if (!size) {
        return;
    }
    if (t->nregions == t->capacity) {
        t->capacity = t->capacity ? t->capacity * 2 : 8;
        t->regions =
            g_renew(struct vhost_memory_region, t->regions, t->capacity);
    }
    t->regions[t->nregions++] = (struct vhost_memory_region){
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = hva,
    };
}

void vhost_mem_table_del(VhostMemTable *t, uint64_t gpa, uint64_t size)
{
    for (unsigned i = 0; i < t->nregions; i++) {
        if (t->regions[i].guest_phys_addr == gpa &&
            t->regions[i].memory_size == size) {
            t->regions[i] = t->regions[--t->nregions];
            return;
        }
    }
}

static int vhost_region_cmp(const void *a, const void *b)
{
    const struct vhost_memory_region *ra = a, *rb = b;

    if (ra->guest_phys_addr != rb->guest_phys_addr) {
        return ra->guest_phys_addr < rb->guest_phys_addr ? -1 : 1;
    }
    return 0;
}

void vhost_mem_table_build(VhostMemTable *out, const VhostMemTable *in)
{
    out->nregions = 0;
    if (!in->nregions) {
        return;
    }
    if (out->capacity < in->nregions) {
        out->capacity = in->nregions;
        out->regions =
            g_renew(struct vhost_memory_region, out->regions, out->capacity);
    }
    memcpy(out->regions, in->regions,
           in->nregions * sizeof(struct vhost_memory_region));
    qsort(out->regions, in->nregions, sizeof(struct vhost_memory_region),
          vhost_region_cmp);
    out->nregions = 1;
    for (unsigned i = 1; i < in->nregions; i++) {
        struct vhost_memory_region *last = &out->regions[out->nregions - 1];
        const struct vhost_memory_region *r = &out->regions[i];

        if (last->guest_phys_addr + last->memory_size == r->guest_phys_addr &&
            last->userspace_addr + last->memory_size == r->userspace_addr) {
            last->memory_size += r->memory_size;
        } else {
            out->regions[out->nregions++] = *r;
        }
    }
}

uint64_t vhost_mem_table_hva(const VhostMemTable *t, uint64_t gpa, uint64_t len)
{
    if (!len || gpa + len < gpa) {
        return 0;
    }
    for (unsigned i = 0; i < t->nregions; i++) {
        const struct vhost_memory_region *r = &t->regions[i];

        if (gpa >= r->guest_phys_addr &&
            gpa - r->guest_phys_addr < r->memory_size &&
            len <= r->memory_size - (gpa - r->guest_phys_addr)) {
            return r->userspace_addr + (gpa - r->guest_phys_addr);
        }
    }
    return 0;
}

void vhost_mem_table_free(VhostMemTable *t)
{
    g_free(t->regions);
    *t = (VhostMemTable){0};
}

static bool vhost_mem_table_equal(const VhostMemTable *a,
                                  const VhostMemTable *b)
{
    return a->nregions == b->nregions &&
           !memcmp(a->regions, b->regions,
                   a->nregions * sizeof(struct vhost_memory_region));
}

/* Guest RAM the kernel may write: RAM, not ROM nor a read-only view. */
static bool vhost_section_is_ram(const MemoryRegionSection *s)
{
    return memory_region_is_ram(s->mr) && !memory_region_is_rom(s->mr) &&
           !s->readonly && memory_region_get_ram_ptr(s->mr);
}

static void vhost_region_add(MemoryListener *l, MemoryRegionSection *s)
{
    VhostDev *hdev = container_of(l, VhostDev, listener);

    if (vhost_section_is_ram(s)) {
        uint8_t *host = memory_region_get_ram_ptr(s->mr);

        vhost_mem_table_add(&hdev->sections, s->offset_within_address_space,
                            s->size,
                            (uintptr_t)(host + s->offset_within_region));
    }
}

static void vhost_region_del(MemoryListener *l, MemoryRegionSection *s)
{
    VhostDev *hdev = container_of(l, VhostDev, listener);

    if (vhost_section_is_ram(s)) {
        vhost_mem_table_del(&hdev->sections, s->offset_within_address_space,
                            s->size);
    }
}

/* Send the table built from the current sections if it changed. */
static int vhost_dev_send_mem(VhostDev *hdev)
{
    VhostMemTable t = {0};
    g_autofree struct vhost_memory *mem = NULL;
    int r;

    vhost_mem_table_build(&t, &hdev->sections);
    if (hdev->mem_sent && vhost_mem_table_equal(&t, &hdev->mem)) {
        vhost_mem_table_free(&t);
        return 0;
    }
    mem = g_malloc0(sizeof(*mem) + t.nregions * sizeof(mem->regions[0]));
    mem->nregions = t.nregions;
    if (t.nregions) {
        memcpy(mem->regions, t.regions, t.nregions * sizeof(mem->regions[0]));
    }
    r = vhost_dev_ioctl(hdev, VHOST_SET_MEM_TABLE, mem);
    if (r < 0) {
        vhost_mem_table_free(&t);
        return r;
    }
    vhost_mem_table_free(&hdev->mem);
    hdev->mem = t;
    hdev->mem_sent = true;
    return 0;
}

static void vhost_commit(MemoryListener *l)
{
    VhostDev *hdev = container_of(l, VhostDev, listener);
    int r;

    if (!hdev->listening) {
        return; /* being unregistered: the kernel's table no longer matters */
    }
    r = vhost_dev_send_mem(hdev);
    if (r < 0 && hdev->started) {
        /*
         * The kernel keeps the previous table (RAM is never freed while the
         * machine runs, so its host addresses stay valid); a ring the
         * guest moved out of RAM is caught at the next start.
         */
        error_report("vhost: VHOST_SET_MEM_TABLE (%u regions): %s",
                     hdev->sections.nregions, strerror(-r));
    }
}

bool vhost_dev_listen(VhostDev *hdev, AddressSpace *as, Error **errp)
{
    int r;

    if (hdev->listening) {
        return true;
    }
    /* Registering replays the map: region_add for each section, commit. */
    hdev->mem_sent = false;
    hdev->listening = true;
    memory_listener_register(&hdev->listener, as);
    if (!hdev->mem_sent) { /* the commit failed (or there was none) */
        r = vhost_dev_send_mem(hdev);
        if (r < 0) {
            error_setg_errno(errp, -r, "vhost: VHOST_SET_MEM_TABLE");
            vhost_dev_unlisten(hdev);
            return false;
        }
    }
    return true;
}

void vhost_dev_unlisten(VhostDev *hdev)
{
    if (hdev->listening) {
        /* No table is sent for the region_dels of the unregistration. */
        hdev->listening = false;
        memory_listener_unregister(&hdev->listener);
    }
}

/* ---- Life cycle ---------------------------------------------------------- */

bool vhost_dev_init(VhostDev *hdev, int fd, int nvqs, VhostIoctlFn ioctl_fn,
                    void *opaque, Error **errp)
{
    uint64_t features = 0;
    int r;

    *hdev = (VhostDev){
        .fd = fd,
        .ioctl_fn = ioctl_fn,
        .opaque = opaque,
        .nvqs = nvqs,
    };
    if (fd < 0 || nvqs < 1 || nvqs > VHOST_DEV_MAX_VQS) {
        error_setg(errp, "vhost: bad device (fd %d, %d queues)", fd, nvqs);
        return false;
    }
    r = vhost_dev_ioctl(hdev, VHOST_SET_OWNER, NULL);
    if (r < 0) {
        error_setg_errno(errp, -r, "vhost: VHOST_SET_OWNER");
        return false;
    }
    r = vhost_dev_ioctl(hdev, VHOST_GET_FEATURES, &features);
    if (r < 0) {
        error_setg_errno(errp, -r, "vhost: VHOST_GET_FEATURES");
        return false;
    }
    hdev->features = features;
    hdev->listener = (MemoryListener){
        .region_add = vhost_region_add,
        .region_del = vhost_region_del,
        .commit = vhost_commit,
        /* after KVM's memslots (priority 0 is the accelerator's) */
        .priority = 10,
    };
    return true;
}

void vhost_dev_cleanup(VhostDev *hdev)
{
    if (hdev->started) {
        vhost_dev_stop(hdev);
    }
    vhost_dev_unlisten(hdev);
    vhost_mem_table_free(&hdev->sections);
    vhost_mem_table_free(&hdev->mem);
}

uint64_t vhost_dev_get_features(VhostDev *hdev, const int *feature_bits,
                                uint64_t features)
{
    for (const int *bit = feature_bits; *bit >= 0; bit++) {
        if (!virtio_has_feature(hdev->features, *bit)) {
            features &= ~(1ull << *bit);
        }
    }
    return features;
}

bool vhost_dev_vq_live(const VhostDev *hdev, int i)
{
    return hdev->started && i >= 0 && i < hdev->nvqs && hdev->vq_live[i];
}

/* ---- Handing queues over ------------------------------------------------- */

static int vhost_set_vring_fd(VhostDev *hdev, unsigned long request, int i,
                              int fd)
{
    struct vhost_vring_file f = {.index = i, .fd = fd};

    return vhost_dev_ioctl(hdev, request, &f);
}

static bool vhost_vq_start(VhostDev *hdev, int i, Error **errp)
{
    VirtIODevice *vdev = hdev->vdev;
    int n = hdev->vq_index + i;
    VirtQueue *vq = virtio_get_queue(vdev, n);
    hwaddr desc = virtio_queue_get_desc_addr(vdev, n);
    hwaddr avail = virtio_queue_get_avail_addr(vdev, n);
    hwaddr used = virtio_queue_get_used_addr(vdev, n);
    int num = virtio_queue_get_num(vdev, n);
    struct vhost_vring_state state = {.index = i};
    struct vhost_vring_addr addr = {.index = i, .log_guest_addr = used};
    const char *what = NULL;
    int r;

    if (!desc || num <= 0) {
        return true; /* the driver did not set this queue up */
    }
    addr.desc_user_addr = vhost_mem_table_hva(
        &hdev->mem, desc, virtio_queue_get_desc_size(vdev, n));
    addr.avail_user_addr = vhost_mem_table_hva(
        &hdev->mem, avail, virtio_queue_get_avail_size(vdev, n));
    addr.used_user_addr = vhost_mem_table_hva(
        &hdev->mem, used, virtio_queue_get_used_size(vdev, n));
    if (!addr.desc_user_addr || !addr.avail_user_addr || !addr.used_user_addr) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "vhost: %s queue %d: rings (0x%" PRIx64 ", 0x%" PRIx64
                      ", 0x%" PRIx64 ") not in RAM\n",
                      vdev->name, n, (uint64_t)desc, (uint64_t)avail,
                      (uint64_t)used);
        error_setg(errp, "vhost: queue %d: its rings are not in guest RAM", n);
        return false;
    }

    state.num = num;
    r = vhost_dev_ioctl(hdev, VHOST_SET_VRING_NUM, &state);
    if (r < 0) {
        what = "VHOST_SET_VRING_NUM";
        goto fail;
    }
    state.num = virtio_queue_get_last_avail_idx(vdev, n);
    r = vhost_dev_ioctl(hdev, VHOST_SET_VRING_BASE, &state);
    if (r < 0) {
        what = "VHOST_SET_VRING_BASE";
        goto fail;
    }
    r = vhost_dev_ioctl(hdev, VHOST_SET_VRING_ADDR, &addr);
    if (r < 0) {
        what = "VHOST_SET_VRING_ADDR";
        goto fail;
    }
    r = vhost_set_vring_fd(
        hdev, VHOST_SET_VRING_KICK, i,
        event_notifier_get_fd(virtio_queue_get_host_notifier(vq)));
    if (r < 0) {
        what = "VHOST_SET_VRING_KICK";
        goto fail;
    }
    r = vhost_set_vring_fd(
        hdev, VHOST_SET_VRING_CALL, i,
        event_notifier_get_fd(virtio_queue_get_guest_notifier(vq)));
    if (r < 0) {
        vhost_set_vring_fd(hdev, VHOST_SET_VRING_KICK, i, VHOST_FILE_UNBIND);
        what = "VHOST_SET_VRING_CALL";
        goto fail;
    }
    hdev->vq_live[i] = true;
    return true;

fail:
    error_setg_errno(errp, -r, "vhost: queue %d: %s", n, what);
    return false;
}

static void vhost_vq_stop(VhostDev *hdev, int i)
{
    VirtIODevice *vdev = hdev->vdev;
    int n = hdev->vq_index + i;
    struct vhost_vring_state state = {.index = i};
    int r;

    if (!hdev->vq_live[i]) {
        return;
    }
    r = vhost_dev_ioctl(hdev, VHOST_GET_VRING_BASE, &state);
    if (r < 0) {
        /* Resume from the core's own index: at worst a few buffers are
         * seen twice or not at all; the kernel has stopped either way. */
        error_report("vhost: %s queue %d: VHOST_GET_VRING_BASE: %s", vdev->name,
                     n, strerror(-r));
    } else if (virtio_queue_get_desc_addr(vdev, n)) {
        /* (A queue reset under us starts afresh: nothing to carry.) */
        virtio_queue_set_last_avail_idx(vdev, n, state.num);
        virtio_queue_update_used_idx(vdev, n);
    }
    vhost_set_vring_fd(hdev, VHOST_SET_VRING_KICK, i, VHOST_FILE_UNBIND);
    vhost_set_vring_fd(hdev, VHOST_SET_VRING_CALL, i, VHOST_FILE_UNBIND);
    hdev->vq_live[i] = false;
}

bool vhost_dev_start(VhostDev *hdev, VirtIODevice *vdev, int vq_index,
                     uint64_t features, Error **errp)
{
    int r;

    if (hdev->started) {
        return true;
    }
    if (vq_index < 0 || vq_index + hdev->nvqs > virtio_get_num_queues(vdev)) {
        error_setg(errp, "vhost: queues %d..%d: the device has %d", vq_index,
                   vq_index + hdev->nvqs - 1, virtio_get_num_queues(vdev));
        return false;
    }
    features &= hdev->features;
    r = vhost_dev_ioctl(hdev, VHOST_SET_FEATURES, &features);
    if (r < 0) {
        error_setg_errno(errp, -r, "vhost: VHOST_SET_FEATURES 0x%" PRIx64,
                         features);
        return false;
    }
    hdev->acked_features = features;

    if (!vhost_dev_listen(hdev, vdev->dma_as, errp)) {
        return false;
    }
    hdev->vdev = vdev;
    hdev->vq_index = vq_index;
    hdev->started = true;
    for (int i = 0; i < hdev->nvqs; i++) {
        if (!vhost_vq_start(hdev, i, errp)) {
            vhost_dev_stop(hdev);
            return false;
        }
    }
    return true;
}

void vhost_dev_stop(VhostDev *hdev)
{
    if (!hdev->started) {
        return;
    }
    for (int i = 0; i < hdev->nvqs; i++) {
        vhost_vq_stop(hdev, i);
    }
    vhost_dev_unlisten(hdev);
    hdev->started = false;
    hdev->vdev = NULL;
}
