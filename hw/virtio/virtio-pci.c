/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtio PCI transport (virtio 1.2, 4.1; the legacy interface of
 * 4.1.4.10): a VirtIODevice behind the legacy registers in an I/O BAR and
 * the modern vendor capabilities in a memory BAR, with MSI-X, INTx and the
 * ioeventfd/irqfd fast paths.  The layout the guest sees is QEMU's (see
 * virtio-pci.h); Linux's virtio_pci_{modern,legacy} drivers are its users.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-pci-notify.h"
#include <linux/virtio_pci.h>

/* A guest must never accept it: QEMU's sign of broken negotiation. */
#define VIRTIO_F_BAD_FEATURE 30
/* Transport bits of the legacy interface only: not offered to 1.x. */
#define VIRTIO_LEGACY_FEATURES                                                 \
    ((1ull << VIRTIO_F_BAD_FEATURE) | (1ull << VIRTIO_F_NOTIFY_ON_EMPTY) |     \
     (1ull << VIRTIO_F_ANY_LAYOUT))

/* The capability that gives config-space access to BAR 4 (4.1.4.9). */
#define CFG_CAP_DATA offsetof(struct virtio_pci_cfg_cap, pci_cfg_data)

static VirtIOPCIProxy *to_proxy(void *opaque)
{
    return opaque;
}

static PCIDevice *proxy_pci(VirtIOPCIProxy *proxy)
{
    return &proxy->parent_obj;
}

/* ---- Interrupts ---- */

/* VirtioTransportOps.notify: MSI-X when enabled, else INTx from the ISR. */
static void virtio_pci_notify(void *opaque, uint16_t vector)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    PCIDevice *pci = proxy_pci(proxy);

    if (msix_enabled(pci)) {
        if (vector < proxy->nvectors) {
            msix_notify(pci, vector);
        }
        return;
    }
    pci_set_irq(pci, proxy->vdev->isr != 0);
}

/* Reading the ISR clears it and lowers INTx (4.1.4.5). */
static uint8_t virtio_pci_isr_take(VirtIOPCIProxy *proxy)
{
    uint8_t isr = __atomic_exchange_n(&proxy->vdev->isr, 0, __ATOMIC_SEQ_CST);

    pci_irq_deassert(proxy_pci(proxy));
    return isr;
}

/* A vector the driver may use: one in the table, or NO_VECTOR. */
static uint16_t virtio_pci_check_vector(VirtIOPCIProxy *proxy, uint32_t val)
{
    if (val < msix_nr_vectors(proxy_pci(proxy))) {
        return val;
    }
    if (val != VIRTIO_NO_VECTOR) {
        kemu_log_mask(
            LOG_GUEST_ERROR, "virtio-pci %s: MSI-X vector %u out of %u\n",
            proxy->vdev->name, val, msix_nr_vectors(proxy_pci(proxy)));
    }
    return VIRTIO_NO_VECTOR;
}

/* ---- Status and reset ---- */

static void virtio_pci_reset_transport(VirtIOPCIProxy *proxy)
{
    virtio_pci_stop_fast_paths(proxy);
    proxy->dfselect = 0;
    proxy->gfselect = 0;
    proxy->guest_features[0] = proxy->guest_features[1] = 0;
    proxy->queue_sel = 0;
    for (int n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        VirtIOPCIQueue *q = &proxy->vqs[n];

        memset(q->desc, 0, sizeof(q->desc));
        memset(q->avail, 0, sizeof(q->avail));
        memset(q->used, 0, sizeof(q->used));
    }
}

/* The driver wrote the status byte (legacy or modern). */
static void virtio_pci_set_status(VirtIOPCIProxy *proxy, uint8_t val)
{
    VirtIODevice *vdev = proxy->vdev;

    if (!(val & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_pci_stop_fast_paths(proxy);
    }
    if (val == 0) {
        virtio_pci_reset_transport(proxy);
        virtio_reset(vdev);
        pci_irq_deassert(proxy_pci(proxy));
        return;
    }
    /*
     * The fast paths come first, so that a device starting vhost in its
     * set_status finds the ioeventfds and irqfds in place and takes the
     * notifiers over from the core.
     */
    if ((val & VIRTIO_CONFIG_S_DRIVER_OK) &&
        !(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_pci_start_fast_paths(proxy);
    }
    virtio_set_status(vdev, val);
    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_pci_stop_fast_paths(proxy);
    }
}

/* A queue notification that came through dispatch (a vCPU exit). */
static void virtio_pci_queue_notify(VirtIOPCIProxy *proxy, uint64_t n)
{
    VirtIODevice *vdev = proxy->vdev;

    if (n >= VIRTIO_QUEUE_MAX || n >= (uint64_t)virtio_get_num_queues(vdev) ||
        !virtio_queue_get_num(vdev, n)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: notify of queue %" PRIu64
                      " that does not exist\n",
                      vdev->name, n);
        return;
    }
    if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) {
        proxy->notify_exits++;
    }
    if (proxy->vqs[n].host_notifier) {
        /* The accelerator did not take the ioeventfd: signal it here. */
        event_notifier_set(
            virtio_queue_get_host_notifier(virtio_get_queue(vdev, n)));
        return;
    }
    virtio_queue_notify(vdev, n);
}

/* ---- The legacy interface (BAR 0) ---- */

static unsigned legacy_config_off(VirtIOPCIProxy *proxy)
{
    return VIRTIO_PCI_CONFIG_OFF(msix_enabled(proxy_pci(proxy)));
}

static uint64_t legacy_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    VirtIODevice *vdev = proxy->vdev;
    unsigned cfg = legacy_config_off(proxy);

    if (addr >= cfg) {
        return virtio_config_read(vdev, addr - cfg, size);
    }
    switch (addr) {
    case VIRTIO_PCI_HOST_FEATURES:
        return (uint32_t)vdev->host_features;
    case VIRTIO_PCI_GUEST_FEATURES:
        return (uint32_t)vdev->guest_features;
    case VIRTIO_PCI_QUEUE_PFN:
        return virtio_queue_get_addr(vdev, proxy->queue_sel) >>
               VIRTIO_PCI_QUEUE_ADDR_SHIFT;
    case VIRTIO_PCI_QUEUE_NUM:
        return virtio_queue_get_num(vdev, proxy->queue_sel);
    case VIRTIO_PCI_QUEUE_SEL:
        return proxy->queue_sel;
    case VIRTIO_PCI_STATUS:
        return vdev->status;
    case VIRTIO_PCI_ISR:
        return virtio_pci_isr_take(proxy);
    case VIRTIO_MSI_CONFIG_VECTOR:
        return vdev->config_vector;
    case VIRTIO_MSI_QUEUE_VECTOR:
        return virtio_queue_vector(vdev, proxy->queue_sel);
    default:
        return 0;
    }
}

static void legacy_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    VirtIODevice *vdev = proxy->vdev;
    unsigned cfg = legacy_config_off(proxy);

    if (addr >= cfg) {
        virtio_config_write(vdev, addr - cfg, val, size);
        return;
    }
    switch (addr) {
    case VIRTIO_PCI_GUEST_FEATURES:
        virtio_set_features(vdev, (uint32_t)val);
        break;
    case VIRTIO_PCI_QUEUE_PFN:
        virtio_queue_set_addr(vdev, proxy->queue_sel,
                              (hwaddr)(uint32_t)val
                                  << VIRTIO_PCI_QUEUE_ADDR_SHIFT);
        break;
    case VIRTIO_PCI_QUEUE_SEL:
        if (val < VIRTIO_QUEUE_MAX) {
            proxy->queue_sel = val;
        } else {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "virtio-pci %s: queue select %" PRIu64
                          " out of range\n",
                          vdev->name, val);
        }
        break;
    case VIRTIO_PCI_QUEUE_NOTIFY:
        virtio_pci_queue_notify(proxy, (uint16_t)val);
        break;
    case VIRTIO_PCI_STATUS:
        virtio_pci_set_status(proxy, val);
        break;
    case VIRTIO_MSI_CONFIG_VECTOR:
        vdev->config_vector = virtio_pci_check_vector(proxy, (uint16_t)val);
        break;
    case VIRTIO_MSI_QUEUE_VECTOR:
        if (proxy->queue_sel < virtio_get_num_queues(vdev)) {
            virtio_pci_set_queue_vector(
                proxy, proxy->queue_sel,
                virtio_pci_check_vector(proxy, (uint16_t)val));
        }
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: write to read-only legacy register "
                      "0x%" HWADDR_PRIx "\n",
                      vdev->name, addr);
        break;
    }
}

static const MemoryRegionOps legacy_ops = {
    .read = legacy_read,
    .write = legacy_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- The modern interface (BAR 4) ---- */

static uint64_t common_read(void *opaque, hwaddr addr, unsigned size)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    VirtIODevice *vdev = proxy->vdev;
    uint16_t sel = proxy->queue_sel;
    VirtIOPCIQueue *q = &proxy->vqs[sel];

    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        return proxy->dfselect;
    case VIRTIO_PCI_COMMON_DF:
        if (proxy->dfselect > 1) {
            return 0;
        }
        return (uint32_t)((vdev->host_features & ~VIRTIO_LEGACY_FEATURES) >>
                          (32 * proxy->dfselect));
    case VIRTIO_PCI_COMMON_GFSELECT:
        return proxy->gfselect;
    case VIRTIO_PCI_COMMON_GF:
        return proxy->gfselect <= 1 ? proxy->guest_features[proxy->gfselect]
                                    : 0;
    case VIRTIO_PCI_COMMON_MSIX:
        return vdev->config_vector;
    case VIRTIO_PCI_COMMON_NUMQ:
        return virtio_get_num_queues(vdev);
    case VIRTIO_PCI_COMMON_STATUS:
        return vdev->status;
    case VIRTIO_PCI_COMMON_CFGGENERATION:
        return (uint8_t)vdev->generation;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        return sel;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        return virtio_queue_get_num(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_MSIX:
        return virtio_queue_vector(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        return virtio_queue_enabled(vdev, sel);
    case VIRTIO_PCI_COMMON_Q_NOFF:
        return sel; /* the notify address is sel * VIRTIO_PCI_NOTIFY_MULT */
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        return q->desc[0];
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        return q->desc[1];
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        return q->avail[0];
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        return q->avail[1];
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        return q->used[0];
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        return q->used[1];
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: read of common configuration offset "
                      "0x%" HWADDR_PRIx " that does not exist\n",
                      vdev->name, addr);
        return 0;
    }
}

/* queue_enable written 1: hand the queue's size and rings to the core. */
static void common_enable_queue(VirtIOPCIProxy *proxy, uint16_t sel)
{
    VirtIODevice *vdev = proxy->vdev;
    VirtIOPCIQueue *q = &proxy->vqs[sel];

    if (sel >= virtio_get_num_queues(vdev) ||
        !virtio_queue_get_num(vdev, sel)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: enable of queue %u that does not exist\n",
                      vdev->name, sel);
        return;
    }
    virtio_queue_set_rings(vdev, sel, (uint64_t)q->desc[1] << 32 | q->desc[0],
                           (uint64_t)q->avail[1] << 32 | q->avail[0],
                           (uint64_t)q->used[1] << 32 | q->used[0]);
    virtio_queue_enable(vdev, sel);
}

static void common_set_queue_size(VirtIOPCIProxy *proxy, uint16_t sel,
                                  uint16_t val)
{
    VirtIODevice *vdev = proxy->vdev;
    int max = sel < virtio_get_num_queues(vdev)
                  ? virtio_queue_get_max_num(vdev, sel)
                  : 0;

    bool packed = virtio_vdev_has_feature(vdev, VIRTIO_F_RING_PACKED);

    /* A split ring's size is a power of two (2.7); a packed one's any. */
    if (!max || val == 0 || val > max || virtio_queue_enabled(vdev, sel) ||
        (!packed && (val & (val - 1)))) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: queue %u: size %u refused (at most %d, "
                      "a power of two for a split ring, before "
                      "queue_enable)\n",
                      vdev->name, sel, val, max);
        return;
    }
    virtio_queue_set_num(vdev, sel, val);
}

/*
 * FEATURES_OK written through the modern interface: refused (left clear,
 * 3.1.1) when the driver accepted a feature the device did not offer, or
 * did not accept VERSION_1, which the modern interface requires (4.1.2.3).
 */
static uint8_t modern_check_features_ok(VirtIOPCIProxy *proxy, uint8_t val)
{
    VirtIODevice *vdev = proxy->vdev;
    uint64_t want =
        (uint64_t)proxy->guest_features[1] << 32 | proxy->guest_features[0];
    uint64_t offered = vdev->host_features & ~VIRTIO_LEGACY_FEATURES;

    if (!(val & VIRTIO_CONFIG_S_FEATURES_OK) ||
        (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        return val;
    }
    if (want & ~offered) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: FEATURES_OK refused: features 0x%" PRIx64
                      " were not offered\n",
                      vdev->name, want & ~offered);
        return val & ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    if (!(want & (1ull << VIRTIO_F_VERSION_1))) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: FEATURES_OK refused: the modern "
                      "interface needs VERSION_1\n",
                      vdev->name);
        return val & ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    return val;
}

static void common_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    VirtIOPCIProxy *proxy = to_proxy(opaque);
    VirtIODevice *vdev = proxy->vdev;
    uint16_t sel = proxy->queue_sel;
    VirtIOPCIQueue *q = &proxy->vqs[sel];

    switch (addr) {
    case VIRTIO_PCI_COMMON_DFSELECT:
        proxy->dfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GFSELECT:
        proxy->gfselect = val;
        break;
    case VIRTIO_PCI_COMMON_GF:
        if (proxy->gfselect <= 1) {
            proxy->guest_features[proxy->gfselect] = val;
            virtio_set_features(vdev, (uint64_t)proxy->guest_features[1] << 32 |
                                          proxy->guest_features[0]);
        }
        break;
    case VIRTIO_PCI_COMMON_MSIX:
        vdev->config_vector = virtio_pci_check_vector(proxy, (uint16_t)val);
        break;
    case VIRTIO_PCI_COMMON_STATUS:
        virtio_pci_set_status(proxy, modern_check_features_ok(proxy, val));
        break;
    case VIRTIO_PCI_COMMON_Q_SELECT:
        if (val < VIRTIO_QUEUE_MAX) {
            proxy->queue_sel = val;
        } else {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "virtio-pci %s: queue_select %" PRIu64
                          " out of range\n",
                          vdev->name, val);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_SIZE:
        common_set_queue_size(proxy, sel, val);
        break;
    case VIRTIO_PCI_COMMON_Q_MSIX:
        if (sel < virtio_get_num_queues(vdev)) {
            virtio_pci_set_queue_vector(
                proxy, sel, virtio_pci_check_vector(proxy, (uint16_t)val));
        }
        break;
    case VIRTIO_PCI_COMMON_Q_ENABLE:
        if (val == 1) {
            common_enable_queue(proxy, sel);
        } else {
            kemu_log_mask(LOG_GUEST_ERROR,
                          "virtio-pci %s: queue_enable %" PRIu64
                          " (only 1 is allowed)\n",
                          vdev->name, val);
        }
        break;
    case VIRTIO_PCI_COMMON_Q_DESCLO:
        q->desc[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_DESCHI:
        q->desc[1] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILLO:
        q->avail[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_AVAILHI:
        q->avail[1] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDLO:
        q->used[0] = val;
        break;
    case VIRTIO_PCI_COMMON_Q_USEDHI:
        q->used[1] = val;
        break;
    default:
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: write of common configuration offset "
                      "0x%" HWADDR_PRIx " (read-only or absent)\n",
                      vdev->name, addr);
        break;
    }
}

static const MemoryRegionOps common_ops = {
    .read = common_read,
    .write = common_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t isr_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 0 ? virtio_pci_isr_take(to_proxy(opaque)) : 0;
}

static void isr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    kemu_log_mask(LOG_GUEST_ERROR, "virtio-pci %s: write to the ISR\n",
                  to_proxy(opaque)->vdev->name);
}

static const MemoryRegionOps isr_ops = {
    .read = isr_read,
    .write = isr_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t device_read(void *opaque, hwaddr addr, unsigned size)
{
    return virtio_config_read(to_proxy(opaque)->vdev, addr, size);
}

static void device_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    virtio_config_write(to_proxy(opaque)->vdev, addr, val, size);
}

static const MemoryRegionOps device_ops = {
    .read = device_read,
    .write = device_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static uint64_t notify_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void notify_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    virtio_pci_queue_notify(to_proxy(opaque), addr / VIRTIO_PCI_NOTIFY_MULT);
}

static const MemoryRegionOps notify_ops = {
    .read = notify_read,
    .write = notify_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- The PCI configuration access capability (4.1.4.9) ---- */

/*
 * An access of @len bytes at offset @off of BAR 4 through the window, as
 * if the driver had made it on the BAR; false if it is not one the BAR
 * takes.
 */
static bool cfg_window_access(VirtIOPCIProxy *proxy, uint32_t off, unsigned len,
                              uint32_t *val, bool write)
{
    static const MemoryRegionOps *const ops[] = {&common_ops, &isr_ops,
                                                 &device_ops, &notify_ops};
    unsigned region = off / VIRTIO_PCI_REGION_SIZE;
    hwaddr addr = off % VIRTIO_PCI_REGION_SIZE;

    if ((len != 1 && len != 2 && len != 4) || off % len ||
        off >= VIRTIO_PCI_MODERN_BAR_SIZE) {
        return false;
    }
    if (write) {
        ops[region]->write(proxy, addr, *val, len);
    } else {
        *val = ops[region]->read(proxy, addr, len);
    }
    return true;
}

static void cfg_window(VirtIOPCIProxy *proxy, bool write)
{
    uint8_t *cap = proxy_pci(proxy)->config + proxy->cfg_cap;
    uint8_t bar = cap[offsetof(struct virtio_pci_cap, bar)];
    uint32_t off = pci_get_long(cap + offsetof(struct virtio_pci_cap, offset));
    uint32_t len = pci_get_long(cap + offsetof(struct virtio_pci_cap, length));
    uint32_t val = pci_get_long(cap + CFG_CAP_DATA);

    if (bar != VIRTIO_PCI_MODERN_BAR ||
        !cfg_window_access(proxy, off, len, &val, write)) {
        kemu_log_mask(LOG_GUEST_ERROR,
                      "virtio-pci %s: PCI_CFG window access to BAR %u "
                      "offset 0x%x length %u refused\n",
                      proxy->vdev->name, bar, off, len);
        return;
    }
    if (!write) {
        pci_set_long(cap + CFG_CAP_DATA, val);
    }
}

static bool cfg_data_touched(VirtIOPCIProxy *proxy, uint32_t addr, int len)
{
    uint32_t data = proxy->cfg_cap + CFG_CAP_DATA;

    return proxy->cfg_cap && addr < data + 4 && addr + len > data;
}

static uint32_t virtio_pci_read_config(PCIDevice *pci, uint32_t addr, int len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);

    if (cfg_data_touched(proxy, addr, len)) {
        cfg_window(proxy, false);
    }
    return pci_default_read_config(pci, addr, len);
}

static void virtio_pci_write_config(PCIDevice *pci, uint32_t addr, uint32_t val,
                                    int len)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);

    pci_default_write_config(pci, addr, val, len);
    if (cfg_data_touched(proxy, addr, len)) {
        cfg_window(proxy, true);
    }
    /* Bus mastering off: the device can reach no ring (QEMU does this). */
    if (addr <= PCI_COMMAND && addr + len > PCI_COMMAND &&
        !(pci->config[PCI_COMMAND] & PCI_COMMAND_MASTER) &&
        (proxy->vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        virtio_pci_stop_fast_paths(proxy);
        virtio_set_status(proxy->vdev,
                          proxy->vdev->status & ~VIRTIO_CONFIG_S_DRIVER_OK);
    }
}

/* ---- realize, unrealize, reset ---- */

static uint64_t pow2ceil(uint64_t v)
{
    uint64_t p = 1;

    while (p < v) {
        p <<= 1;
    }
    return p;
}

/* A vendor capability pointing at @length bytes at @offset of BAR 4. */
static int add_virtio_cap(VirtIOPCIProxy *proxy, uint8_t cfg_type,
                          uint32_t offset, uint32_t length, uint8_t cap_len,
                          Error **errp)
{
    PCIDevice *pci = proxy_pci(proxy);
    int pos = pci_add_capability(pci, PCI_CAP_ID_VNDR, 0, cap_len, errp);
    uint8_t *c;

    if (pos < 0) {
        return pos;
    }
    c = pci->config + pos;
    c[offsetof(struct virtio_pci_cap, cap_len)] = cap_len;
    c[offsetof(struct virtio_pci_cap, cfg_type)] = cfg_type;
    c[offsetof(struct virtio_pci_cap, bar)] = VIRTIO_PCI_MODERN_BAR;
    pci_set_long(c + offsetof(struct virtio_pci_cap, offset), offset);
    pci_set_long(c + offsetof(struct virtio_pci_cap, length), length);
    return pos;
}

static bool virtio_pci_modern_init(VirtIOPCIProxy *proxy, Error **errp)
{
    PCIDevice *pci = proxy_pci(proxy);
    const struct {
        MemoryRegion *mr;
        const MemoryRegionOps *ops;
        const char *name;
        uint8_t type;
        uint32_t offset;
    } regions[] = {
        {&proxy->common, &common_ops, "virtio-pci-common",
         VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFFSET},
        {&proxy->isr, &isr_ops, "virtio-pci-isr", VIRTIO_PCI_CAP_ISR_CFG,
         VIRTIO_PCI_ISR_OFFSET},
        {&proxy->device, &device_ops, "virtio-pci-device",
         VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFFSET},
        {&proxy->notify, &notify_ops, "virtio-pci-notify",
         VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFFSET},
    };
    int pos;

    memory_region_init(&proxy->modern_bar, proxy, "virtio-pci",
                       VIRTIO_PCI_MODERN_BAR_SIZE);
    for (size_t i = 0; i < ARRAY_SIZE(regions); i++) {
        bool notify = regions[i].type == VIRTIO_PCI_CAP_NOTIFY_CFG;

        memory_region_init_io(regions[i].mr, proxy, regions[i].ops, proxy,
                              regions[i].name, VIRTIO_PCI_REGION_SIZE);
        memory_region_add_subregion(&proxy->modern_bar, regions[i].offset,
                                    regions[i].mr);
        pos = add_virtio_cap(proxy, regions[i].type, regions[i].offset,
                             VIRTIO_PCI_REGION_SIZE,
                             notify ? sizeof(struct virtio_pci_notify_cap)
                                    : sizeof(struct virtio_pci_cap),
                             errp);
        if (pos < 0) {
            return false;
        }
        if (notify) {
            pci_set_long(pci->config + pos +
                             offsetof(struct virtio_pci_notify_cap,
                                      notify_off_multiplier),
                         VIRTIO_PCI_NOTIFY_MULT);
        }
    }
    /* The access window: bar, offset, length and data are the driver's. */
    pos = add_virtio_cap(proxy, VIRTIO_PCI_CAP_PCI_CFG, 0, 0,
                         sizeof(struct virtio_pci_cfg_cap), errp);
    if (pos < 0) {
        return false;
    }
    proxy->cfg_cap = pos;
    pci->config[pos + offsetof(struct virtio_pci_cap, bar)] = 0;
    pci->wmask[pos + offsetof(struct virtio_pci_cap, bar)] = 0xff;
    pci_set_long(pci->wmask + pos + offsetof(struct virtio_pci_cap, offset),
                 0xffffffff);
    pci_set_long(pci->wmask + pos + offsetof(struct virtio_pci_cap, length),
                 0xffffffff);
    pci_set_long(pci->wmask + pos + CFG_CAP_DATA, 0xffffffff);
    pci_register_bar(pci, VIRTIO_PCI_MODERN_BAR,
                     PCI_BASE_ADDRESS_SPACE_MEMORY |
                         PCI_BASE_ADDRESS_MEM_TYPE_64 |
                         PCI_BASE_ADDRESS_MEM_PREFETCH,
                     &proxy->modern_bar);
    return true;
}

/* The legacy PCI device ID of a virtio device (0x1000 + n). */
static uint16_t legacy_device_id(VirtIOPCIProxy *proxy)
{
    static const uint16_t ids[] = {
        [VIRTIO_ID_NET] = 0x1000,     [VIRTIO_ID_BLOCK] = 0x1001,
        [VIRTIO_ID_BALLOON] = 0x1002, [VIRTIO_ID_CONSOLE] = 0x1003,
        [VIRTIO_ID_SCSI] = 0x1004,    [VIRTIO_ID_RNG] = 0x1005,
        [VIRTIO_ID_9P] = 0x1009,
    };
    uint16_t id = PCI_DEVICE_GET_CLASS(proxy_pci(proxy))->device_id;

    if (id >= VIRTIO_PCI_DEVICE_ID_LEGACY_BASE &&
        id < VIRTIO_PCI_DEVICE_ID_MODERN_BASE) {
        return id;
    }
    if (proxy->vdev->device_id < ARRAY_SIZE(ids) &&
        ids[proxy->vdev->device_id]) {
        return ids[proxy->vdev->device_id];
    }
    return VIRTIO_PCI_DEVICE_ID_MODERN_BASE + proxy->vdev->device_id;
}

static void virtio_pci_set_ids(VirtIOPCIProxy *proxy)
{
    uint8_t *c = proxy_pci(proxy)->config;
    uint16_t id = proxy->vdev->device_id;

    pci_set_word(c + PCI_VENDOR_ID, PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBVENDOR_ID_REDHAT_QUMRANET);
    if (proxy->legacy) {
        pci_set_word(c + PCI_DEVICE_ID, legacy_device_id(proxy));
        pci_set_word(c + PCI_SUBSYSTEM_ID, id);
        c[PCI_REVISION_ID] = VIRTIO_PCI_ABI_VERSION;
    } else {
        pci_set_word(c + PCI_DEVICE_ID, VIRTIO_PCI_DEVICE_ID_MODERN_BASE + id);
        pci_set_word(c + PCI_SUBSYSTEM_ID, VIRTIO_PCI_SUBSYSTEM_ID_MODERN);
        c[PCI_REVISION_ID] = 1;
    }
}

static const VirtioTransportOps virtio_pci_transport_ops = {
    .notify = virtio_pci_notify,
    .ioeventfd_enabled = virtio_pci_ioeventfd_enabled,
    .set_host_notifier = virtio_pci_set_host_notifier,
    .set_guest_notifiers = virtio_pci_set_guest_notifiers,
    .query_guest_notifiers = virtio_pci_query_guest_notifiers,
};

static void virtio_pci_realize(PCIDevice *pci, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);
    VirtioPCIClass *k = VIRTIO_PCI_GET_CLASS(proxy);
    VirtIODevice *vdev = proxy->vdev;
    Error *err = NULL;
    uint64_t legacy_size;

    proxy->machine = pci->bus->machine;
    proxy->legacy = proxy->disable_legacy != ON_OFF_AUTO_ON;
    proxy->modern = !proxy->disable_modern;
    for (int n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        proxy->vqs[n].gsi = -1;
    }
    if (!proxy->legacy && !proxy->modern) {
        error_setg(errp,
                   "%s: disable-legacy=on and disable-modern=on leave "
                   "the device no interface; drop one of them",
                   object_get_typename(OBJECT(pci)));
        return;
    }
    assert(vdev && k->realize);
    k->realize(proxy, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    virtio_set_transport(vdev, &virtio_pci_transport_ops, proxy);
    if (proxy->modern) {
        vdev->host_features |= 1ull << VIRTIO_F_VERSION_1;
    } else {
        vdev->host_features &= ~(1ull << VIRTIO_F_VERSION_1);
    }
    if (!virtio_finalize_features(vdev, errp)) {
        goto fail;
    }
    if (proxy->nvectors == DEV_NVECTORS_UNSPECIFIED) {
        proxy->nvectors = virtio_get_num_queues(vdev) + 1;
    }
    virtio_pci_set_ids(proxy);
    pci->config[PCI_INTERRUPT_PIN] = 1;
    if (proxy->modern && !virtio_pci_modern_init(proxy, errp)) {
        goto fail;
    }
    if (proxy->nvectors &&
        msix_init_exclusive_bar(pci, proxy->nvectors, VIRTIO_PCI_MSIX_BAR,
                                errp) < 0) {
        goto fail;
    }
    if (proxy->legacy) {
        legacy_size =
            VIRTIO_PCI_CONFIG_OFF(proxy->nvectors > 0) + vdev->config_len;
        legacy_size = MAX(pow2ceil(legacy_size), 32);
        memory_region_init_io(&proxy->legacy_io, proxy, &legacy_ops, proxy,
                              "virtio-pci-legacy", legacy_size);
        pci_register_bar(pci, VIRTIO_PCI_LEGACY_BAR, PCI_BASE_ADDRESS_SPACE_IO,
                         &proxy->legacy_io);
    }
    return;

fail:
    if (proxy->modern) {
        memory_region_destroy(&proxy->common);
        memory_region_destroy(&proxy->isr);
        memory_region_destroy(&proxy->device);
        memory_region_destroy(&proxy->notify);
        memory_region_destroy(&proxy->modern_bar);
    }
    msix_uninit(pci);
    if (k->unrealize) {
        k->unrealize(proxy);
    }
}

static void virtio_pci_exit(PCIDevice *pci)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(pci);
    VirtioPCIClass *k = VIRTIO_PCI_GET_CLASS(proxy);

    /* Every ioeventfd, irqfd and route goes before the regions do. */
    virtio_pci_release_notifiers(proxy);
    if (k->unrealize) {
        k->unrealize(proxy);
    }
    if (proxy->modern) {
        memory_region_del_subregion(&proxy->modern_bar, &proxy->common);
        memory_region_del_subregion(&proxy->modern_bar, &proxy->isr);
        memory_region_del_subregion(&proxy->modern_bar, &proxy->device);
        memory_region_del_subregion(&proxy->modern_bar, &proxy->notify);
        memory_region_destroy(&proxy->common);
        memory_region_destroy(&proxy->isr);
        memory_region_destroy(&proxy->device);
        memory_region_destroy(&proxy->notify);
        memory_region_destroy(&proxy->modern_bar);
    }
    if (proxy->legacy) {
        memory_region_destroy(&proxy->legacy_io);
    }
}

/* DeviceClass.reset: the device's part; the PCI bus resets the rest. */
static void virtio_pci_reset(DeviceState *dev)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(dev);

    virtio_pci_reset_transport(proxy);
    virtio_reset(proxy->vdev);
}

/* ---- Properties ---- */

static const Property virtio_pci_props[] = {
    DEFINE_PROP_UINT32("vectors", VirtIOPCIProxy, nvectors,
                       DEV_NVECTORS_UNSPECIFIED),
    DEFINE_PROP_ON_OFF_AUTO("disable-legacy", VirtIOPCIProxy, disable_legacy,
                            ON_OFF_AUTO_AUTO),
    DEFINE_PROP_BOOL("disable-modern", VirtIOPCIProxy, disable_modern, false),
    DEFINE_PROP_BOOL("ioeventfd", VirtIOPCIProxy, ioeventfd, true),
    DEFINE_PROP_END_OF_LIST(),
};

/* x-ioeventfd-active, x-irqfd-active, x-notify-exits: the fast paths. */
static char *prop_ioeventfd_active(Object *obj, ObjectProperty *prop,
                                   Error **errp)
{
    return g_strdup(VIRTIO_PCI(obj)->ioeventfd_started &&
                            machine_has_ioeventfd(VIRTIO_PCI(obj)->machine)
                        ? "true"
                        : "false");
}

static char *prop_irqfd_active(Object *obj, ObjectProperty *prop, Error **errp)
{
    VirtIOPCIProxy *proxy = VIRTIO_PCI(obj);

    for (int n = 0; n < VIRTIO_QUEUE_MAX; n++) {
        if (proxy->vqs[n].irqfd) {
            return g_strdup("true");
        }
    }
    return g_strdup("false");
}

static char *prop_notify_exits(Object *obj, ObjectProperty *prop, Error **errp)
{
    return g_strdup_printf("%" PRIu64, VIRTIO_PCI(obj)->notify_exits);
}

static void virtio_pci_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    pc->realize = virtio_pci_realize;
    pc->exit = virtio_pci_exit;
    pc->config_read = virtio_pci_read_config;
    pc->config_write = virtio_pci_write_config;
    pc->vendor_id = PCI_VENDOR_ID_REDHAT_QUMRANET;
    pc->subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET;
    dc->reset = virtio_pci_reset;
    device_class_set_props(dc, virtio_pci_props);
    object_class_property_add(oc, "x-ioeventfd-active", "bool",
                              prop_ioeventfd_active, NULL, NULL);
    object_class_property_add(oc, "x-irqfd-active", "bool", prop_irqfd_active,
                              NULL, NULL);
    object_class_property_add(oc, "x-notify-exits", "uint64", prop_notify_exits,
                              NULL, NULL);
}

static const TypeInfo virtio_pci_types[] = {
    {
        .name = TYPE_VIRTIO_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(VirtIOPCIProxy),
        .class_size = sizeof(VirtioPCIClass),
        .class_init = virtio_pci_class_init,
        .abstract = true,
    },
};

DEFINE_TYPES(virtio_pci_types)
