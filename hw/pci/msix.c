/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI Local Bus Specification 3.0, 6.8.2): the vector table and
 * pending-bit array as MMIO regions, the capability's enable and
 * function-mask bits, and the vector notifiers that tell a device when a
 * vector becomes live (enabled and unmasked) or masked.
 */
#include "util/osdep.h"
#include "util/log.h"
#include "hw/pci/msix.h"

struct MSIXState {
    unsigned nentries;
    uint8_t *table; /* nentries * 16 bytes */
    uint8_t *pba;   /* one bit per vector */
    MemoryRegion table_mr;
    MemoryRegion pba_mr;
    MemoryRegion *owned_bar; /* the BAR msix_init_exclusive_bar made */
    MemoryRegion *table_bar;
    MemoryRegion *pba_bar;
    /*
     * Per vector: whether it was masked at the last check -- MSI-X off,
     * the function or the vector masked -- and whether the use notifier
     * took it (and so must be told of its release).
     */
    bool masked[2048];
    bool used[2048];
    MSIVectorUseNotifier use_notifier;
    MSIVectorReleaseNotifier release_notifier;
    MSIVectorPollNotifier poll_notifier;
};

static uint16_t msix_flags(const PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS);
}

bool msix_enabled(const PCIDevice *dev)
{
    return dev->msix && (msix_flags(dev) & PCI_MSIX_FLAGS_ENABLE);
}

static bool function_masked(const PCIDevice *dev)
{
    return msix_flags(dev) & PCI_MSIX_FLAGS_MASKALL;
}

static bool vector_masked(const PCIDevice *dev, unsigned vector)
{
    const uint8_t *e = dev->msix->table + vector * PCI_MSIX_ENTRY_SIZE;

    return pci_get_long(e + PCI_MSIX_ENTRY_VECTOR_CTRL) &
           PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

bool msix_is_masked(const PCIDevice *dev, unsigned vector)
{
    return function_masked(dev) || vector_masked(dev, vector);
}

bool msix_is_pending(const PCIDevice *dev, unsigned vector)
{
    return dev->msix->pba[vector / 8] & (1u << (vector % 8));
}

static void set_pending(PCIDevice *dev, unsigned vector, bool on)
{
    uint8_t bit = 1u << (vector % 8);

    if (on) {
        dev->msix->pba[vector / 8] |= bit;
    } else {
        dev->msix->pba[vector / 8] &= ~bit;
    }
}

unsigned msix_nr_vectors(const PCIDevice *dev)
{
    return dev->msix ? dev->msix->nentries : 0;
}

MSIMessage msix_get_message(const PCIDevice *dev, unsigned vector)
{
    const uint8_t *e = dev->msix->table + vector * PCI_MSIX_ENTRY_SIZE;
    MSIMessage msg = {
        .address = pci_get_long(e + PCI_MSIX_ENTRY_LOWER_ADDR) |
                   (uint64_t)pci_get_long(e + PCI_MSIX_ENTRY_UPPER_ADDR) << 32,
        .data = pci_get_long(e + PCI_MSIX_ENTRY_DATA),
    };

    return msg;
}

static void msix_send(PCIDevice *dev, unsigned vector)
{
    MSIMessage msg = msix_get_message(dev, vector);

    pci_send_msi(dev, msg.address, msg.data);
}

void msix_notify(PCIDevice *dev, unsigned vector)
{
    if (!msix_enabled(dev) || vector >= dev->msix->nentries) {
        return;
    }
    if (msix_is_masked(dev, vector)) {
        set_pending(dev, vector, true);
        return;
    }
    msix_send(dev, vector);
}

void msix_set_pending(PCIDevice *dev, unsigned vector)
{
    if (dev->msix && vector < dev->msix->nentries) {
        set_pending(dev, vector, true);
    }
}

/* Masked for delivery: MSI-X off, or the function or the vector masked. */
static bool vector_dead(const PCIDevice *dev, unsigned vector)
{
    return !msix_enabled(dev) || msix_is_masked(dev, vector);
}

static void notify_use(PCIDevice *dev, unsigned vector)
{
    MSIXState *m = dev->msix;

    if (m->use_notifier) {
        m->used[vector] =
            m->use_notifier(dev, vector, msix_get_message(dev, vector)) == 0;
    }
}

static void notify_release(PCIDevice *dev, unsigned vector)
{
    MSIXState *m = dev->msix;

    if (m->release_notifier && m->used[vector]) {
        m->release_notifier(dev, vector);
    }
    m->used[vector] = false;
}

/*
 * Bring @vector's notifier up to date after a change of the enable or
 * mask bits, or of the entry (@msg_changed: its address or data).  A
 * vector that became live with its pending bit set fires now, after the
 * use notifier.
 */
static void update_vector(PCIDevice *dev, unsigned vector, bool msg_changed)
{
    MSIXState *m = dev->msix;
    bool masked = vector_dead(dev, vector);
    bool was = m->masked[vector];

    m->masked[vector] = masked;
    if (masked == was) {
        if (!masked && msg_changed) {
            notify_use(dev, vector);
        }
        return;
    }
    if (masked) {
        notify_release(dev, vector);
        return;
    }
    notify_use(dev, vector);
    if (msix_is_pending(dev, vector)) {
        set_pending(dev, vector, false);
        msix_send(dev, vector);
    }
}

int msix_set_vector_notifiers(PCIDevice *dev, MSIVectorUseNotifier use,
                              MSIVectorReleaseNotifier release,
                              MSIVectorPollNotifier poll)
{
    MSIXState *m = dev->msix;

    assert(m && use && release && !m->use_notifier);
    m->use_notifier = use;
    m->release_notifier = release;
    m->poll_notifier = poll;
    for (unsigned v = 0; v < m->nentries; v++) {
        int ret;

        m->used[v] = false;
        if (m->masked[v]) {
            continue;
        }
        ret = use(dev, v, msix_get_message(dev, v));
        if (ret < 0) {
            msix_unset_vector_notifiers(dev);
            return ret;
        }
        m->used[v] = true;
    }
    if (poll) {
        poll(dev, 0, m->nentries);
    }
    return 0;
}

void msix_unset_vector_notifiers(PCIDevice *dev)
{
    MSIXState *m = dev->msix;

    if (!m || !m->use_notifier) {
        return;
    }
    for (unsigned v = 0; v < m->nentries; v++) {
        notify_release(dev, v);
    }
    m->use_notifier = NULL;
    m->release_notifier = NULL;
    m->poll_notifier = NULL;
}

static uint64_t table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;

    return pci_get_long(dev->msix->table + addr);
}

static void table_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIDevice *dev = opaque;
    unsigned vector = addr / PCI_MSIX_ENTRY_SIZE;
    bool ctrl = (addr % PCI_MSIX_ENTRY_SIZE) == PCI_MSIX_ENTRY_VECTOR_CTRL;
    uint32_t old = pci_get_long(dev->msix->table + addr);

    pci_set_long(dev->msix->table + addr, val);
    if (ctrl || old != (uint32_t)val) {
        update_vector(dev, vector, !ctrl);
    }
}

static const MemoryRegionOps table_ops = {
    .read = table_read,
    .write = table_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static uint64_t pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;
    uint32_t val = 0;
    unsigned bytes = DIV_ROUND_UP(dev->msix->nentries, 8);

    if (dev->msix->poll_notifier) {
        unsigned start = MIN(addr * 8, dev->msix->nentries);

        dev->msix->poll_notifier(dev, start,
                                 MIN(start + 32, dev->msix->nentries));
    }
    for (unsigned i = 0; i < 4 && addr + i < bytes; i++) {
        val |= (uint32_t)dev->msix->pba[addr + i] << (8 * i);
    }
    return val;
}

static void pba_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    kemu_log_mask(LOG_GUEST_ERROR, "msix: write to the read-only PBA\n");
}

static const MemoryRegionOps pba_ops = {
    .read = pba_read,
    .write = pba_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

int msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *table_bar,
              uint8_t table_bar_nr, unsigned table_offset,
              MemoryRegion *pba_bar, uint8_t pba_bar_nr, unsigned pba_offset,
              uint8_t cap_pos, Error **errp)
{
    MSIXState *m;
    int cap;
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    unsigned pba_size = ROUND_UP(DIV_ROUND_UP(nentries, 8), 8);

    if (nentries < 1 || nentries > 2048) {
        error_setg(errp, "%s: MSI-X takes 1 to 2048 vectors, not %u",
                   object_get_typename(OBJECT(dev)), nentries);
        return -EINVAL;
    }
    cap = pci_add_capability(dev, PCI_CAP_ID_MSIX, cap_pos, PCI_CAP_MSIX_SIZEOF,
                             errp);
    if (cap < 0) {
        return cap;
    }
    m = g_new0(MSIXState, 1);
    m->nentries = nentries;
    m->table = g_malloc0(table_size);
    m->pba = g_malloc0(pba_size);
    m->table_bar = table_bar;
    m->pba_bar = pba_bar;
    dev->msix = m;
    dev->msix_cap = cap;
    pci_set_word(dev->config + cap + PCI_MSIX_FLAGS, nentries - 1);
    pci_set_word(dev->wmask + cap + PCI_MSIX_FLAGS,
                 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    pci_set_long(dev->config + cap + PCI_MSIX_TABLE,
                 table_offset | table_bar_nr);
    pci_set_long(dev->config + cap + PCI_MSIX_PBA, pba_offset | pba_bar_nr);
    memory_region_init_io(&m->table_mr, dev, &table_ops, dev, "msix-table",
                          table_size);
    memory_region_add_subregion(table_bar, table_offset, &m->table_mr);
    memory_region_init_io(&m->pba_mr, dev, &pba_ops, dev, "msix-pba", pba_size);
    memory_region_add_subregion(pba_bar, pba_offset, &m->pba_mr);
    msix_reset(dev);
    return 0;
}

int msix_init_exclusive_bar(PCIDevice *dev, unsigned nentries, uint8_t bar_nr,
                            Error **errp)
{
    /*
     * QEMU's layout: one 4 KiB page, the table in the lower half and the
     * PBA in the upper, until the table needs more; then the PBA right
     * after the table, the BAR rounded up to a power of two.
     */
    unsigned table_size = nentries * PCI_MSIX_ENTRY_SIZE;
    unsigned pba_offset = MAX(table_size, 4096 / 2);
    unsigned pba_size = ROUND_UP(DIV_ROUND_UP(nentries, 8), 8);
    uint64_t bar_size = 4096;
    MemoryRegion *bar = g_new0(MemoryRegion, 1);
    int ret;

    while (bar_size < pba_offset + pba_size) {
        bar_size <<= 1;
    }
    memory_region_init(bar, dev, "msix", bar_size);
    ret = msix_init(dev, nentries, bar, bar_nr, 0, bar, bar_nr, pba_offset, 0,
                    errp);
    if (ret < 0) {
        memory_region_destroy(bar);
        g_free(bar);
        return ret;
    }
    dev->msix->owned_bar = bar; /* freed by msix_uninit */
    pci_register_bar(dev, bar_nr, PCI_BASE_ADDRESS_SPACE_MEMORY, bar);
    return 0;
}

void msix_uninit(PCIDevice *dev)
{
    MSIXState *m = dev->msix;

    if (!m) {
        return;
    }
    msix_unset_vector_notifiers(dev);
    memory_region_del_subregion(m->table_bar, &m->table_mr);
    memory_region_del_subregion(m->pba_bar, &m->pba_mr);
    memory_region_destroy(&m->table_mr);
    memory_region_destroy(&m->pba_mr);
    if (m->owned_bar) {
        memory_region_destroy(m->owned_bar);
        g_free(m->owned_bar);
    }
    g_free(m->table);
    g_free(m->pba);
    g_free(m);
    dev->msix = NULL;
}

void msix_write_config(PCIDevice *dev, uint32_t addr, int len)
{
    unsigned flags_off = dev->msix_cap + PCI_MSIX_FLAGS;

    if (addr + len <= flags_off || addr > flags_off + 1) {
        return;
    }
    for (unsigned v = 0; v < dev->msix->nentries; v++) {
        update_vector(dev, v, false);
    }
}

void msix_reset(PCIDevice *dev)
{
    MSIXState *m = dev->msix;

    if (!m) {
        return;
    }
    for (unsigned v = 0; v < m->nentries; v++) {
        notify_release(dev, v);
    }
    pci_set_word(dev->config + dev->msix_cap + PCI_MSIX_FLAGS, m->nentries - 1);
    memset(m->table, 0, m->nentries * PCI_MSIX_ENTRY_SIZE);
    memset(m->pba, 0, ROUND_UP(DIV_ROUND_UP(m->nentries, 8), 8));
    for (unsigned v = 0; v < m->nentries; v++) {
        /* Vectors come out of reset masked (6.8.2.9). */
        pci_set_long(m->table + v * PCI_MSIX_ENTRY_SIZE +
                         PCI_MSIX_ENTRY_VECTOR_CTRL,
                     PCI_MSIX_ENTRY_CTRL_MASKBIT);
        m->masked[v] = true;
    }
}
