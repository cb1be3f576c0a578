/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport's fast paths (see virtio-pci-notify.h): queue
 * notifications as ioeventfds through the memory API, and queue
 * interrupts as irqfds on KVM MSI routes that follow the MSI-X vector
 * masks (msix.h's vector notifiers), for the transport itself at
 * DRIVER_OK and for vhost.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-pci-notify.h"
#include <linux/virtio_pci.h>

static VirtIOPCIProxy *to_proxy(void *opaque)
{
    return opaque;
}

static PCIDevice *proxy_pci(VirtIOPCIProxy *proxy)
{
    return &proxy->parent_obj;
}

/* ---- irqfd: guest notifiers bound to KVM MSI routes ---- */

static bool virtio_pci_irqfd_usable(VirtIOPCIProxy *proxy)
{
    return msix_enabled(proxy_pci(proxy)) && machine_has_irqfd(proxy->machine);
}

static bool vector_live(VirtIOPCIProxy *proxy, unsigned vector)
{
    PCIDevice *pci = proxy_pci(proxy);

    return msix_enabled(pci) && !msix_is_masked(pci, vector);
}

static EventNotifier *guest_notifier(VirtIOPCIProxy *proxy, int n)
{
    return virtio_queue_get_guest_notifier(virtio_get_queue(proxy->vdev, n));
}

static EventNotifier *host_notifier(VirtIOPCIProxy *proxy, int n)
{
    return virtio_queue_get_host_notifier(virtio_get_queue(proxy->vdev, n));
}

/* The core makes a queue's eventfds on first use; -1 if it could not. */
static int notifier_ready(EventNotifier *e)
{
    return event_notifier_get_fd(e) >= 0 ? 0 : -EMFILE;
}

/* Attach queue n's irqfd to its route: its vector is live. */
static void irqfd_attach(VirtIOPCIProxy *proxy, int n)
{
    VirtIOPCIQueue *q = &proxy->vqs[n];
    Error *err = NULL;

    if (q->irqfd || q->gsi < 0) {
        return;
    }
    if (!machine_add_irqfd(proxy->machine,
                           event_notifier_get_fd(guest_notifier(proxy, n)), -1,
                           q->gsi, &err)) {
        kemu_log_mask(LOG_INT, "virtio-pci %s: queue %d: %s\n",
                      proxy->vdev->name, n, error_get_pretty(err));
        error_free(err);
        return;
    }
    q->irqfd = true;
    virtio_queue_set_guest_notifier(virtio_get_queue(proxy->vdev, n), true,
                                    true);
}

/*
 * Detach it: the vector is masked.  The core reads the notifier from now
 * on and calls virtio_pci_notify(), which leaves the vector pending.
 */
static void irqfd_detach(VirtIOPCIProxy *proxy, int n)
{
    VirtIOPCIQueue *q = &proxy->vqs[n];

    if (!q->irqfd) {
        return;
    }
    machine_del_irqfd(proxy->machine,
                      event_notifier_get_fd(guest_notifier(proxy, n)), q->gsi);
    q->irqfd = false;
    virtio_queue_set_guest_notifier(virtio_get_queue(proxy->vdev, n), true,
                                    false);
}

static int virtio_pci_vector_use(PCIDevice *pci, unsigned vector,
                                 MSIMessage msg)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);
    int nvqs = virtio_get_num_queues(proxy->vdev);

    for (int n = 0; n < nvqs; n++) {
        VirtIOPCIQueue *q = &proxy->vqs[n];
        Error *err = NULL;

        if (q->gsi < 0 || q->vector != vector) {
            continue;
        }
        if (!machine_update_msi_route(proxy->machine, q->gsi, msg.address,
                                      msg.data, &err)) {
            kemu_log_mask(LOG_INT, "virtio-pci %s: %s\n", proxy->vdev->name,
                          error_get_pretty(err));
            error_free(err);
            irqfd_detach(proxy, n);
            continue;
        }
        irqfd_attach(proxy, n);
    }
    return 0;
}

static void virtio_pci_vector_release(PCIDevice *pci, unsigned vector)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);
    int nvqs = virtio_get_num_queues(proxy->vdev);

    for (int n = 0; n < nvqs; n++) {
        if (proxy->vqs[n].gsi >= 0 && proxy->vqs[n].vector == vector) {
            irqfd_detach(proxy, n);
        }
    }
}

/* The guest reads the PBA: a masked vector's waiting event is pending. */
static void virtio_pci_vector_poll(PCIDevice *pci, unsigned start, unsigned end)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);
    int nvqs = virtio_get_num_queues(proxy->vdev);

    for (int n = 0; n < nvqs; n++) {
        VirtIOPCIQueue *q = &proxy->vqs[n];

        if (q->gsi < 0 || q->irqfd || q->vector < start || q->vector >= end ||
            vector_live(proxy, q->vector)) {
            continue;
        }
        if (event_notifier_test_and_clear(guest_notifier(proxy, n))) {
            msix_set_pending(pci, q->vector);
        }
    }
}

/*
 * Bind queue n's guest notifier: through an MSI route and irqfd when
 * @irqfd and the queue has a vector (attached once the vector is live),
 * else read by the core, which calls virtio_pci_notify().
 */
static int virtio_pci_bind_queue(VirtIOPCIProxy *proxy, int n, bool irqfd)
{
    VirtIOPCIQueue *q = &proxy->vqs[n];
    VirtQueue *vq = virtio_get_queue(proxy->vdev, n);
    uint16_t vector = virtio_queue_vector(proxy->vdev, n);
    int ret;

    if (q->guest_notifier) {
        return 0;
    }
    ret = notifier_ready(guest_notifier(proxy, n));
    if (ret < 0) {
        return ret;
    }
    q->guest_notifier = true;
    q->gsi = -1;
    q->vector = vector;
    if (irqfd && vector < proxy->nvectors) {
        MSIMessage msg = msix_get_message(proxy_pci(proxy), vector);
        Error *err = NULL;

        q->gsi =
            machine_add_msi_route(proxy->machine, msg.address, msg.data, &err);
        if (q->gsi < 0) {
            kemu_log_mask(LOG_INT, "virtio-pci %s: queue %d: %s\n",
                          proxy->vdev->name, n, error_get_pretty(err));
            error_free(err);
        }
    }
    virtio_queue_set_guest_notifier(vq, true, false);
    if (q->gsi >= 0 && vector_live(proxy, vector)) {
        irqfd_attach(proxy, n);
    }
    return 0;
}

static void virtio_pci_unbind_queue(VirtIOPCIProxy *proxy, int n)
{
    VirtIOPCIQueue *q = &proxy->vqs[n];

    if (!q->guest_notifier) {
        return;
    }
    irqfd_detach(proxy, n);
    if (q->gsi >= 0) {
        machine_del_msi_route(proxy->machine, q->gsi);
        q->gsi = -1;
    }
    virtio_queue_set_guest_notifier(virtio_get_queue(proxy->vdev, n), false,
                                    false);
    /* A call that came after the last read must not fire later. */
    event_notifier_test_and_clear(guest_notifier(proxy, n));
    q->guest_notifier = false;
}

static bool any_route(VirtIOPCIProxy *proxy)
{
    for (int n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        if (proxy->vqs[n].guest_notifier && proxy->vqs[n].gsi >= 0) {
            return true;
        }
    }
    return false;
}

/* Follow mask changes while some queue has a route. */
static void virtio_pci_update_vector_notifiers(VirtIOPCIProxy *proxy)
{
    PCIDevice *pci = proxy_pci(proxy);
    bool want = any_route(proxy);

    if (want && !proxy->vector_notifiers && pci->msix) {
        /* use() attaches the irqfds of the vectors live now. */
        proxy->vector_notifiers =
            msix_set_vector_notifiers(pci, virtio_pci_vector_use,
                                      virtio_pci_vector_release,
                                      virtio_pci_vector_poll) == 0;
    } else if (!want && proxy->vector_notifiers) {
        msix_unset_vector_notifiers(pci);
        proxy->vector_notifiers = false;
    }
}

/* VirtioTransportOps.set_guest_notifiers (vhost, and our own binding). */
int virtio_pci_set_guest_notifiers(void *opaque, int nvqs, bool assign)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    bool irqfd = virtio_pci_irqfd_usable(proxy);
    int ret = 0;

    nvqs = MIN(nvqs, virtio_get_num_queues(proxy->vdev));
    for (int n = 0; n < nvqs; n++) {
        if (!assign) {
            virtio_pci_unbind_queue(proxy, n);
            continue;
        }
        ret = virtio_pci_bind_queue(proxy, n, irqfd);
        if (ret < 0) {
            while (--n >= 0) {
                virtio_pci_unbind_queue(proxy, n);
            }
            break;
        }
    }
    virtio_pci_update_vector_notifiers(proxy);
    return ret;
}

bool virtio_pci_query_guest_notifiers(void *opaque)
{
    return virtio_pci_irqfd_usable(to_proxy(opaque));
}

/* ---- ioeventfd: queue notifications as host notifiers ---- */

bool virtio_pci_ioeventfd_enabled(void *opaque)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);

    return proxy->ioeventfd && machine_has_ioeventfd(proxy->machine);
}

/*
 * VirtioTransportOps.set_host_notifier: the driver's notifications of
 * queue n go to its host notifier -- an ioeventfd where the accelerator
 * has them, else signalled by our own notify handlers.
 */
int virtio_pci_set_host_notifier(void *opaque, int n, bool assign)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    VirtIOPCIQueue *q;
    EventNotifier *e;
    int ret;

    if (n < 0 || n >= virtio_get_num_queues(proxy->vdev)) {
        return -EINVAL;
    }
    q = &proxy->vqs[n];
    if (q->host_notifier == assign) {
        return 0;
    }
    e = host_notifier(proxy, n);
    if (assign) {
        ret = notifier_ready(e);
        if (ret < 0) {
            return ret;
        }
    }
    memory_region_transaction_begin();
    if (proxy->modern) {
        if (assign) {
            memory_region_add_eventfd(&proxy->notify,
                                      n * VIRTIO_PCI_NOTIFY_MULT, 0, false, n,
                                      event_notifier_get_fd(e));
        } else {
            memory_region_del_eventfd(&proxy->notify,
                                      n * VIRTIO_PCI_NOTIFY_MULT, 0, false, n,
                                      event_notifier_get_fd(e));
        }
    }
    if (proxy->legacy) {
        if (assign) {
            memory_region_add_eventfd(&proxy->legacy_io,
                                      VIRTIO_PCI_QUEUE_NOTIFY, 2, true, n,
                                      event_notifier_get_fd(e));
        } else {
            memory_region_del_eventfd(&proxy->legacy_io,
                                      VIRTIO_PCI_QUEUE_NOTIFY, 2, true, n,
                                      event_notifier_get_fd(e));
        }
    }
    memory_region_transaction_commit();
    q->host_notifier = assign;
    return 0;
}

static void virtio_pci_log_fast_paths(VirtIOPCIProxy *proxy)
{
    g_autofree char *name = NULL;
    g_autofree bool *seen = NULL;
    int queues = 0, vectors = 0;
    const char *why_ioeventfd = !proxy->ioeventfd ? "ioeventfd=off"
                                : !machine_has_ioeventfd(proxy->machine)
                                    ? "the accelerator has none"
                                    : NULL;
    const char *why_irqfd = !msix_enabled(proxy_pci(proxy)) ? "MSI-X off"
                            : !machine_has_irqfd(proxy->machine)
                                ? "the accelerator has none"
                                : NULL;

    if (!kemu_log_enabled(LOG_INT)) {
        return;
    }
    name = pci_device_name(proxy_pci(proxy));
    seen = g_new0(bool, proxy->nvectors + 1);
    for (int n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        VirtIOPCIQueue *q = &proxy->vqs[n];

        queues += q->host_notifier;
        if (q->irqfd && q->vector < proxy->nvectors && !seen[q->vector]) {
            seen[q->vector] = true;
            vectors++;
        }
    }
    if (why_ioeventfd) {
        kemu_log("virtio-pci %s: ioeventfd off (%s), ", name, why_ioeventfd);
    } else {
        kemu_log("virtio-pci %s: ioeventfd on (%d queues), ", name, queues);
    }
    if (why_irqfd) {
        kemu_log("irqfd off (%s)\n", why_irqfd);
    } else {
        kemu_log("irqfd on (%d vectors)\n", vectors);
    }
}

/* DRIVER_OK: the fast paths for every queue the driver set up. */
void virtio_pci_start_fast_paths(VirtIOPCIProxy *proxy)
{
    VirtIODevice *vdev = proxy->vdev;
    int nvqs = virtio_get_num_queues(vdev);

    if (!proxy->ioeventfd_started && virtio_pci_ioeventfd_enabled(proxy)) {
        for (int n = 0; n < nvqs; n++) {
            /* One already assigned is vhost's: the kernel reads it. */
            if (!virtio_queue_get_num(vdev, n) || proxy->vqs[n].host_notifier ||
                virtio_pci_set_host_notifier(proxy, n, true) < 0) {
                continue;
            }
            virtio_queue_host_notifier_read_enable(virtio_get_queue(vdev, n),
                                                   true);
        }
        proxy->ioeventfd_started = true;
    }
    if (!proxy->guest_notifiers_bound && virtio_pci_irqfd_usable(proxy)) {
        proxy->guest_notifiers_bound =
            virtio_pci_set_guest_notifiers(proxy, nvqs, true) == 0;
    }
    virtio_pci_log_fast_paths(proxy);
}

/* Reset, status 0, DRIVER_OK cleared, unplug: back to plain dispatch. */
void virtio_pci_stop_fast_paths(VirtIOPCIProxy *proxy)
{
    VirtIODevice *vdev = proxy->vdev;
    int nvqs = virtio_get_num_queues(vdev);

    if (proxy->ioeventfd_started) {
        for (int n = 0; n < nvqs; n++) {
            if (!proxy->vqs[n].host_notifier) {
                continue;
            }
            virtio_queue_host_notifier_read_enable(virtio_get_queue(vdev, n),
                                                   false);
            virtio_pci_set_host_notifier(proxy, n, false);
        }
        proxy->ioeventfd_started = false;
    }
    if (proxy->guest_notifiers_bound) {
        virtio_pci_set_guest_notifiers(proxy, nvqs, false);
        proxy->guest_notifiers_bound = false;
    }
}

/* ---- Vectors and teardown ---- */

void virtio_pci_set_queue_vector(VirtIOPCIProxy *proxy, int n, uint16_t vector)
{
    bool bound = proxy->vqs[n].guest_notifier;

    /* A bound queue follows its new vector's route. */
    if (bound) {
        virtio_pci_unbind_queue(proxy, n);
    }
    virtio_queue_set_vector(proxy->vdev, n, vector);
    if (bound) {
        virtio_pci_bind_queue(proxy, n, virtio_pci_irqfd_usable(proxy));
        virtio_pci_update_vector_notifiers(proxy);
    }
}

void virtio_pci_release_notifiers(VirtIOPCIProxy *proxy)
{
    virtio_pci_stop_fast_paths(proxy);
    virtio_pci_set_guest_notifiers(proxy, VIRTIO_QUEUE_MAX, false);
    for (int n = 0; n < virtio_get_num_queues(proxy->vdev); n++) {
        virtio_pci_set_host_notifier(proxy, n, false);
    }
    if (proxy->vector_notifiers) {
        msix_unset_vector_notifiers(proxy_pci(proxy));
        proxy->vector_notifiers = false;
    }
}
