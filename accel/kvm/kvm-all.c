/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM accelerator, VM side: /dev/kvm and the VM, the in-kernel irqchip
 * (PIC, IOAPIC, LAPICs) and PIT, GSI routing, memslots that follow the
 * memory address space's FlatView, interrupt lines, MSIs, and the
 * ioeventfd/irqfd fast paths for virtio.  The vCPUs are in kvm-cpu.c.
 * Reference: Documentation/virt/kvm/api.rst in Linux.
 */
#include "util/osdep.h"
#include "accel/accel.h"
#include "accel/kvm/kvm-internal.h"
#include "util/log.h"
#include <fcntl.h>
#include <sys/ioctl.h>

#define KVM_DEVICE            "/dev/kvm"
#define KVM_PAGE_SIZE         4096ULL
#define KVM_CPUID_MAX_ENTRIES 4096
#define KVM_MSR_LIST_MAX      4096
#define KVM_DEFAULT_MAX_VCPUS 4

/* In-kernel irqchip ids for KVM_GET/SET_IRQCHIP and routing. */
#define KVM_CHIP_PIC_MASTER 0
#define KVM_CHIP_PIC_SLAVE  1
#define KVM_CHIP_IOAPIC     2
#define ISA_IRQS            16
#define PIC_IRQS            8
#define PIC_CASCADE_IRQ     2
#define PIT_ISA_IRQ         0
#define PIT_IOAPIC_PIN      2

/* The 8254's state at power-on, as QEMU's pit_reset_common() sets it. */
#define PIT_CHANNELS        3
#define PIT_RESET_MODE      3
#define PIT_SPEAKER_CHANNEL 2

int kvm_ioctl_retry(int fd, unsigned long request, void *arg)
{
    int ret;

    do {
        ret = ioctl(fd, request, arg);
    } while (ret < 0 && (errno == EINTR || errno == EAGAIN));
    return ret;
}

int kvm_check_extension(KVMState *s, unsigned cap)
{
    int ret = ioctl(s->fd, KVM_CHECK_EXTENSION, (unsigned long)cap);

    return ret < 0 ? 0 : ret;
}

/* ---- Memslots ---- */

/*
 * The page-aligned part of a RAM/ROM section.  What is left over at either
 * end is not mapped: the guest's accesses there exit and are dispatched
 * through the address space like MMIO.  False when nothing can be mapped.
 */
static bool kvm_section_slot(MemoryRegionSection *sec, KVMSlot *slot)
{
    uint64_t start = sec->offset_within_address_space;
    uint64_t end = start + sec->size;
    uint64_t astart = ROUND_UP(start, KVM_PAGE_SIZE);
    uint64_t aend = end & ~(KVM_PAGE_SIZE - 1);
    uint8_t *host;

    if (!memory_region_is_ram(sec->mr) || end < start || aend <= astart) {
        return false;
    }
    host = (uint8_t *)memory_region_get_ram_ptr(sec->mr) +
           sec->offset_within_region + (astart - start);
    if ((uintptr_t)host & (KVM_PAGE_SIZE - 1)) {
        kemu_log_mask(LOG_KVM,
                      "kvm: %s at 0x%" PRIx64 " is not page "
                      "aligned in host memory; not mapped\n",
                      memory_region_name(sec->mr), start);
        return false;
    }
    slot->used = true;
    slot->gpa = astart;
    slot->size = aend - astart;
    slot->host = host;
    slot->flags = sec->readonly ? KVM_MEM_READONLY : 0;
    return true;
}

static void kvm_set_slot(KVMState *s, unsigned id, const KVMSlot *slot,
                         uint64_t size)
{
    struct kvm_userspace_memory_region mem = {
        .slot = id,
        .flags = slot->flags,
        .guest_phys_addr = slot->gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)slot->host,
    };

    kemu_log_mask(LOG_KVM, "kvm: slot %u: 0x%" PRIx64 "+0x%" PRIx64 "%s\n", id,
                  slot->gpa, size,
                  slot->flags & KVM_MEM_READONLY ? " read-only" : "");
    if (kvm_ioctl_retry(s->vmfd, KVM_SET_USER_MEMORY_REGION, &mem) < 0) {
        /* The memory map and KVM disagree: nothing sane can follow. */
        error_report("kvm: KVM_SET_USER_MEMORY_REGION slot %u at 0x%" PRIx64
                     " size 0x%" PRIx64 ": %s",
                     id, slot->gpa, size, strerror(errno));
        abort();
    }
}

static void kvm_region_add(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, listener);
    KVMSlot slot;
    unsigned id;

    if (!kvm_section_slot(sec, &slot)) {
        return;
    }
    for (id = 0; id < s->slots->len; id++) {
        if (!g_array_index(s->slots, KVMSlot, id).used) {
            break;
        }
    }
    if (id == s->slots->len) {
        if (id >= s->max_slots) {
            error_report("kvm: out of memslots (%u)", s->max_slots);
            abort();
        }
        g_array_set_size(s->slots, id + 1);
    }
    g_array_index(s->slots, KVMSlot, id) = slot;
    kvm_set_slot(s, id, &slot, slot.size);
}

static void kvm_region_del(MemoryListener *l, MemoryRegionSection *sec)
{
    KVMState *s = container_of(l, KVMState, listener);
    KVMSlot slot;

    if (!kvm_section_slot(sec, &slot)) {
        return;
    }
    for (unsigned id = 0; id < s->slots->len; id++) {
        KVMSlot *old = &g_array_index(s->slots, KVMSlot, id);

        if (old->used && old->gpa == slot.gpa && old->size == slot.size) {
            kvm_set_slot(s, id, old, 0);
            old->used = false;
            return;
        }
    }
}

/* ---- GSI routing ---- */

static void kvm_route_add(KVMState *s, const struct kvm_irq_routing_entry *e)
{
    s->routes =
        g_renew(struct kvm_irq_routing_entry, s->routes, s->nr_routes + 1);
    s->routes[s->nr_routes++] = *e;
}

static void kvm_route_irqchip(KVMState *s, unsigned gsi, unsigned chip,
                              unsigned pin)
{
    struct kvm_irq_routing_entry e = {
        .gsi = gsi,
        .type = KVM_IRQ_ROUTING_IRQCHIP,
        .u.irqchip = {.irqchip = chip, .pin = pin},
    };

    kvm_route_add(s, &e);
}

static bool kvm_commit_routes(KVMState *s, Error **errp)
{
    g_autofree struct kvm_irq_routing *table =
        g_malloc0(sizeof(*table) + s->nr_routes * sizeof(s->routes[0]));

    table->nr = s->nr_routes;
    memcpy(table->entries, s->routes, s->nr_routes * sizeof(s->routes[0]));
    if (kvm_ioctl_retry(s->vmfd, KVM_SET_GSI_ROUTING, table) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_GSI_ROUTING");
        return false;
    }
    return true;
}

/*
 * QEMU's pc routing (kvm_pc_setup_irq_routing): GSI n drives PIC pin n and
 * IOAPIC pin n, except that ISA IRQ 0 (the PIT) goes to IOAPIC pin 2 and
 * GSI 2 (the PIC cascade) goes nowhere -- what the MP table and ACPI's
 * interrupt source override tell the guest.  KVM's default routing would
 * put the PIT on IOAPIC pin 0.
 */
static bool kvm_setup_pc_routing(KVMState *s, Error **errp)
{
    for (unsigned gsi = 0; gsi < ISA_IRQS; gsi++) {
        if (gsi == PIC_CASCADE_IRQ) {
            continue;
        }
        if (gsi < PIC_IRQS) {
            kvm_route_irqchip(s, gsi, KVM_CHIP_PIC_MASTER, gsi);
        } else {
            kvm_route_irqchip(s, gsi, KVM_CHIP_PIC_SLAVE, gsi - PIC_IRQS);
        }
    }
    for (unsigned gsi = 0; gsi < KVM_IOAPIC_PINS; gsi++) {
        if (gsi == PIT_ISA_IRQ) {
            kvm_route_irqchip(s, gsi, KVM_CHIP_IOAPIC, PIT_IOAPIC_PIN);
        } else if (gsi != PIC_CASCADE_IRQ) {
            kvm_route_irqchip(s, gsi, KVM_CHIP_IOAPIC, gsi);
        }
    }
    return kvm_commit_routes(s, errp);
}

static int kvm_add_msi_route(MachineState *ms, uint64_t addr, uint32_t data,
                             Error **errp)
{
    KVMState *s = kvm_state(ms);
    struct kvm_irq_routing_entry e = {
        .type = KVM_IRQ_ROUTING_MSI,
        .u.msi = {.address_lo = (uint32_t)addr,
                  .address_hi = addr >> 32,
                  .data = data},
    };
    unsigned gsi = KVM_IOAPIC_PINS;

    while (gsi < s->max_gsi &&
           g_hash_table_contains(s->msi_gsis, GUINT_TO_POINTER(gsi))) {
        gsi++;
    }
    if (gsi >= s->max_gsi) {
        error_setg(errp, "kvm: all %u GSIs are in use", s->max_gsi);
        return -1;
    }
    e.gsi = gsi;
    kvm_route_add(s, &e);
    if (!kvm_commit_routes(s, errp)) {
        s->nr_routes--;
        return -1;
    }
    g_hash_table_add(s->msi_gsis, GUINT_TO_POINTER(gsi));
    return gsi;
}

static struct kvm_irq_routing_entry *kvm_msi_route(KVMState *s, int gsi)
{
    for (unsigned i = 0; i < s->nr_routes; i++) {
        if (s->routes[i].gsi == (uint32_t)gsi &&
            s->routes[i].type == KVM_IRQ_ROUTING_MSI) {
            return &s->routes[i];
        }
    }
    return NULL;
}

static bool kvm_update_msi_route(MachineState *ms, int gsi, uint64_t addr,
                                 uint32_t data, Error **errp)
{
    KVMState *s = kvm_state(ms);
    struct kvm_irq_routing_entry *e = kvm_msi_route(s, gsi);

    if (!e) {
        error_setg(errp, "kvm: GSI %d is not an MSI route", gsi);
        return false;
    }
    e->u.msi.address_lo = (uint32_t)addr;
    e->u.msi.address_hi = addr >> 32;
    e->u.msi.data = data;
    return kvm_commit_routes(s, errp);
}

static void kvm_del_msi_route(MachineState *ms, int gsi)
{
    KVMState *s = kvm_state(ms);
    struct kvm_irq_routing_entry *e = kvm_msi_route(s, gsi);
    Error *err = NULL;

    if (!e) {
        return;
    }
    *e = s->routes[--s->nr_routes];
    g_hash_table_remove(s->msi_gsis, GUINT_TO_POINTER(gsi));
    if (!kvm_commit_routes(s, &err)) {
        error_report_err(err);
    }
}

/* ---- Interrupts ---- */

static void kvm_set_gsi(MachineState *ms, int gsi, int level)
{
    struct kvm_irq_level irq = {.irq = gsi, .level = level};

    kemu_log_mask(LOG_INT, "kvm: GSI %d %s\n", gsi, level ? "high" : "low");
    if (kvm_ioctl_retry(kvm_state(ms)->vmfd, KVM_IRQ_LINE, &irq) < 0) {
        kemu_log_mask(LOG_KVM, "kvm: KVM_IRQ_LINE %d: %s\n", gsi,
                      strerror(errno));
    }
}

static void kvm_send_msi(MachineState *ms, uint64_t addr, uint32_t data)
{
    struct kvm_msi msi = {
        .address_lo = (uint32_t)addr,
        .address_hi = addr >> 32,
        .data = data,
    };

    kemu_log_mask(LOG_INT, "kvm: MSI 0x%" PRIx64 " <- 0x%x\n", addr, data);
    if (kvm_ioctl_retry(kvm_state(ms)->vmfd, KVM_SIGNAL_MSI, &msi) < 0) {
        kemu_log_mask(LOG_KVM, "kvm: KVM_SIGNAL_MSI: %s\n", strerror(errno));
    }
}

/* ---- ioeventfd and irqfd ---- */

/*
 * The memory API's ioeventfds (memory_region_add_eventfd): KVM signals the
 * eventfd for a matching write instead of exiting.  If it refuses one, the
 * writes keep exiting and reach the device's ops, which handle them too.
 */
static void kvm_eventfd_assign(KVMState *s, const MemoryRegionIoeventfd *ev,
                               bool pio, bool assign)
{
    struct kvm_ioeventfd k = {
        .datamatch = ev->match_data ? ev->data : 0,
        .addr = ev->addr,
        .len = ev->size,
        .fd = ev->fd,
        .flags = (pio ? KVM_IOEVENTFD_FLAG_PIO : 0) |
                 (ev->match_data ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
                 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
    };

    kemu_log_mask(LOG_KVM, "kvm: ioeventfd %s %s 0x%" PRIx64 " size %u fd %d\n",
                  assign ? "on" : "off", pio ? "port" : "address", ev->addr,
                  ev->size, ev->fd);
    if (kvm_ioctl_retry(s->vmfd, KVM_IOEVENTFD, &k) < 0) {
        error_report("kvm: KVM_IOEVENTFD %s %s 0x%" PRIx64 ": %s",
                     assign ? "assign" : "deassign", pio ? "port" : "address",
                     ev->addr, strerror(errno));
    }
}

static bool kvm_has_ioeventfd(MachineState *ms)
{
    return kvm_check_extension(kvm_state(ms), KVM_CAP_IOEVENTFD);
}

static bool kvm_has_irqfd(MachineState *ms)
{
    KVMState *s = kvm_state(ms);

    /* MSI routes need GSI routing; the irqchip is always in the kernel. */
    return kvm_check_extension(s, KVM_CAP_IRQFD) && s->max_gsi > 0;
}

static void kvm_mem_eventfd_add(MemoryListener *l,
                                const MemoryRegionIoeventfd *ev)
{
    kvm_eventfd_assign(container_of(l, KVMState, listener), ev, false, true);
}

static void kvm_mem_eventfd_del(MemoryListener *l,
                                const MemoryRegionIoeventfd *ev)
{
    kvm_eventfd_assign(container_of(l, KVMState, listener), ev, false, false);
}

static void kvm_io_eventfd_add(MemoryListener *l,
                               const MemoryRegionIoeventfd *ev)
{
    kvm_eventfd_assign(container_of(l, KVMState, io_listener), ev, true, true);
}

static void kvm_io_eventfd_del(MemoryListener *l,
                               const MemoryRegionIoeventfd *ev)
{
    kvm_eventfd_assign(container_of(l, KVMState, io_listener), ev, true, false);
}

static bool kvm_add_irqfd(MachineState *ms, int fd, int resample_fd, int gsi,
                          Error **errp)
{
    KVMState *s = kvm_state(ms);
    struct kvm_irqfd k = {
        .fd = fd,
        .gsi = gsi,
        .flags = resample_fd >= 0 ? KVM_IRQFD_FLAG_RESAMPLE : 0,
        .resamplefd = resample_fd >= 0 ? resample_fd : 0,
    };

    if (!kvm_check_extension(s, KVM_CAP_IRQFD)) {
        error_setg(errp, "kvm: this KVM has no irqfd");
        return false;
    }
    if (kvm_ioctl_retry(s->vmfd, KVM_IRQFD, &k) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_IRQFD for GSI %d", gsi);
        return false;
    }
    return true;
}

static void kvm_del_irqfd(MachineState *ms, int fd, int gsi)
{
    struct kvm_irqfd k = {
        .fd = fd,
        .gsi = gsi,
        .flags = KVM_IRQFD_FLAG_DEASSIGN,
    };

    if (kvm_ioctl_retry(kvm_state(ms)->vmfd, KVM_IRQFD, &k) < 0) {
        error_report("kvm: KVM_IRQFD deassign GSI %d: %s", gsi,
                     strerror(errno));
    }
}

/* ---- Coalesced MMIO ---- */

/*
 * The memory API's coalesced ranges (memory_region_add_coalescing) become
 * KVM zones: KVM appends the guest's writes there to a ring shared with
 * kemu instead of exiting, and kemu delivers them later, in order.  The
 * ring is one page of the vCPU mmap (KVM_CAP_COALESCED_MMIO gives which),
 * the same for every vCPU of the VM.  Reads in a zone still exit.
 */
static void kvm_coalesce_zone(KVMState *s, hwaddr addr, hwaddr len, bool pio,
                              bool add)
{
    struct kvm_coalesced_mmio_zone zone = {
        .addr = addr,
        .size = len,
        .pio = pio,
    };
    unsigned long req =
        add ? KVM_REGISTER_COALESCED_MMIO : KVM_UNREGISTER_COALESCED_MMIO;

    kemu_log_mask(LOG_KVM, "kvm: coalesced %s %s 0x%" PRIx64 "+0x%" PRIx64 "\n",
                  pio ? "port" : "MMIO", add ? "on" : "off", addr, len);
    if (len > UINT32_MAX || kvm_ioctl_retry(s->vmfd, req, &zone) < 0) {
        /* Not buffered then: the writes exit as before, which is correct. */
        kemu_log_mask(LOG_KVM,
                      "kvm: %s of a coalesced zone at 0x%" PRIx64
                      " failed: %s\n",
                      add ? "registration" : "removal", addr,
                      len > UINT32_MAX ? "too large" : strerror(errno));
    }
}

static void kvm_coalesce_mmio_add(MemoryListener *l, MemoryRegionSection *sec,
                                  hwaddr addr, hwaddr len)
{
    kvm_coalesce_zone(container_of(l, KVMState, listener), addr, len, false,
                      true);
}

static void kvm_coalesce_mmio_del(MemoryListener *l, MemoryRegionSection *sec,
                                  hwaddr addr, hwaddr len)
{
    kvm_coalesce_zone(container_of(l, KVMState, listener), addr, len, false,
                      false);
}

static void kvm_coalesce_pio_add(MemoryListener *l, MemoryRegionSection *sec,
                                 hwaddr addr, hwaddr len)
{
    kvm_coalesce_zone(container_of(l, KVMState, io_listener), addr, len, true,
                      true);
}

static void kvm_coalesce_pio_del(MemoryListener *l, MemoryRegionSection *sec,
                                 hwaddr addr, hwaddr len)
{
    kvm_coalesce_zone(container_of(l, KVMState, io_listener), addr, len, true,
                      false);
}

void kvm_flush_coalesced_mmio(KVMState *s)
{
    struct kvm_coalesced_mmio_ring *ring = s->coalesced_ring;
    MachineState *ms = s->ms;

    /* A delivered write may flush again (a BAR moved): it finds us here. */
    if (!ring || s->coalesced_flushing) {
        return;
    }
    s->coalesced_flushing = true;
    for (;;) {
        uint32_t first = ring->first;
        /* KVM fills an entry, then moves last: acquire orders the two. */
        uint32_t last = __atomic_load_n(&ring->last, __ATOMIC_ACQUIRE);
        struct kvm_coalesced_mmio *ent;
        AddressSpace *as;
        uint64_t val = 0;
        unsigned len;

        if (first == last) {
            break;
        }
        if (first >= s->coalesced_max || last >= s->coalesced_max) {
            error_report("kvm: coalesced MMIO ring indexes %u and %u past "
                         "its %u entries; ignored",
                         first, last, s->coalesced_max);
            break;
        }
        ent = &ring->coalesced_mmio[first];
        as = ent->pio == 1 ? ms->as_io : ms->as_memory;
        len = ent->len;
        if (len == 0 || len > sizeof(ent->data)) {
            kemu_log_mask(LOG_KVM,
                          "kvm: coalesced write of %u bytes at 0x%llx "
                          "dropped\n",
                          len, ent->phys_addr);
        } else if (len & (len - 1)) {
            address_space_rw(as, ent->phys_addr, ent->data, len, true);
        } else {
            memcpy(&val, ent->data, len);
            address_space_dispatch_io(as, ent->phys_addr, &val, len, true);
        }
        /* The entry is KVM's again once first has passed it. */
        __atomic_store_n(&ring->first, (first + 1) % s->coalesced_max,
                         __ATOMIC_RELEASE);
    }
    s->coalesced_flushing = false;
}

static void kvm_coalesce_flush(MemoryListener *l)
{
    kvm_flush_coalesced_mmio(container_of(l, KVMState, listener));
}

/*
 * Whether KVM has the ring, and where: the page after the kvm_run page(s)
 * that KVM_CAP_COALESCED_MMIO names, inside the vCPU mmap.
 */
static void kvm_coalesced_init(KVMState *s)
{
    long page = sysconf(_SC_PAGESIZE);
    int offset = kvm_check_extension(s, KVM_CAP_COALESCED_MMIO);

    if (offset <= 0 || page <= 0 || (long)(offset + 1) * page > s->run_size) {
        return;
    }
    s->coalesced_page = offset;
    s->coalesced_max = (page - sizeof(struct kvm_coalesced_mmio_ring)) /
                       sizeof(struct kvm_coalesced_mmio);
    s->listener.coalesced_io_add = kvm_coalesce_mmio_add;
    s->listener.coalesced_io_del = kvm_coalesce_mmio_del;
    s->listener.coalesced_io_flush = kvm_coalesce_flush;
    if (kvm_check_extension(s, KVM_CAP_COALESCED_PIO)) {
        s->io_listener.coalesced_io_add = kvm_coalesce_pio_add;
        s->io_listener.coalesced_io_del = kvm_coalesce_pio_del;
    }
}

/* ---- The in-kernel irqchip and PIT ---- */

static bool kvm_create_irqchip(KVMState *s, Error **errp)
{
    if (kvm_ioctl_retry(s->vmfd, KVM_CREATE_IRQCHIP, NULL) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_IRQCHIP");
        return false;
    }
    if (!kvm_setup_pc_routing(s, errp)) {
        return false;
    }
    for (unsigned chip = 0; chip < ARRAY_SIZE(s->init_chips); chip++) {
        s->init_chips[chip].chip_id = chip;
        if (kvm_ioctl_retry(s->vmfd, KVM_GET_IRQCHIP, &s->init_chips[chip]) <
            0) {
            error_setg_errno(errp, errno, "kvm: KVM_GET_IRQCHIP %u", chip);
            return false;
        }
    }
    return true;
}

/*
 * The board's kvm-pit device asks for the PIT (-machine pit=off: never).
 * The speaker port 0x61 (channel 2's gate and OUT2) is in-kernel too.
 */
static bool kvm_create_pit(MachineState *ms, bool reinject, Error **errp)
{
    KVMState *s = kvm_state(ms);
    struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
    struct kvm_reinject_control rc = {.pit_reinject = reinject};

    if (s->has_pit) {
        error_setg(errp, "kvm: the in-kernel PIT exists already");
        return false;
    }
    if (!reinject && !kvm_check_extension(s, KVM_CAP_REINJECT_CONTROL)) {
        error_setg(errp, "kvm: this KVM always reinjects missed PIT ticks "
                         "(lost_tick_policy=discard needs "
                         "KVM_CAP_REINJECT_CONTROL)");
        return false;
    }
    if (kvm_ioctl_retry(s->vmfd, KVM_CREATE_PIT2, &pit) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_PIT2");
        return false;
    }
    if (kvm_check_extension(s, KVM_CAP_REINJECT_CONTROL) &&
        kvm_ioctl_retry(s->vmfd, KVM_REINJECT_CONTROL, &rc) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_REINJECT_CONTROL");
        return false;
    }
    kemu_log_mask(LOG_KVM, "kvm: in-kernel PIT, missed ticks %s\n",
                  reinject ? "reinjected" : "dropped");
    if (kvm_ioctl_retry(s->vmfd, KVM_GET_PIT2, &s->init_pit) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_PIT2");
        return false;
    }
    for (unsigned i = 0; i < PIT_CHANNELS; i++) {
        s->init_pit.channels[i].mode = PIT_RESET_MODE;
        s->init_pit.channels[i].gate = i != PIT_SPEAKER_CHANNEL;
        s->init_pit.channels[i].count = 0; /* 65536 */
    }
    s->has_pit = true;
    return true;
}

/* Put the in-kernel PIC, IOAPIC and PIT back to their power-on state. */
static bool kvm_reset_irqchip(KVMState *s, Error **errp)
{
    for (unsigned chip = 0; chip < ARRAY_SIZE(s->init_chips); chip++) {
        if (kvm_ioctl_retry(s->vmfd, KVM_SET_IRQCHIP, &s->init_chips[chip]) <
            0) {
            error_setg_errno(errp, errno, "kvm: KVM_SET_IRQCHIP %u", chip);
            return false;
        }
    }
    if (s->has_pit &&
        kvm_ioctl_retry(s->vmfd, KVM_SET_PIT2, &s->init_pit) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_PIT2");
        return false;
    }
    return true;
}

/* ---- VM creation ---- */

static bool kvm_read_cpuid(KVMState *s, Error **errp)
{
    for (unsigned n = 128; n <= KVM_CPUID_MAX_ENTRIES; n *= 2) {
        struct kvm_cpuid2 *cpuid =
            g_malloc0(sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));

        cpuid->nent = n;
        if (ioctl(s->fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
            s->supported_cpuid = cpuid;
            return true;
        }
        g_free(cpuid);
        if (errno != E2BIG) {
            break;
        }
    }
    error_setg_errno(errp, errno, "kvm: KVM_GET_SUPPORTED_CPUID");
    return false;
}

static bool kvm_read_msr_list(KVMState *s, Error **errp)
{
    g_autofree struct kvm_msr_list *list =
        g_malloc0(sizeof(*list) + KVM_MSR_LIST_MAX * sizeof(uint32_t));

    list->nmsrs = KVM_MSR_LIST_MAX;
    if (ioctl(s->fd, KVM_GET_MSR_INDEX_LIST, list) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_MSR_INDEX_LIST");
        return false;
    }
    s->msrs = g_hash_table_new(NULL, NULL);
    for (unsigned i = 0; i < list->nmsrs; i++) {
        g_hash_table_add(s->msrs, GUINT_TO_POINTER(list->indices[i]));
    }
    return true;
}

/* What kemu cannot run without, each with the name users may search for. */
static const struct {
    unsigned cap;
    const char *name;
} kvm_required_caps[] = {
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
    {KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING"},
    {KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
    {KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM"},
};

static bool kvm_open(KVMState *s, Error **errp)
{
    int version;

    s->fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg(errp,
                   "kvm: cannot open " KVM_DEVICE ": %s (use -accel qtest "
                   "to run without KVM)",
                   strerror(errno));
        return false;
    }
    version = ioctl(s->fd, KVM_GET_API_VERSION, 0);
    if (version < 0) {
        error_setg(errp,
                   "kvm: " KVM_DEVICE " is not a KVM device: %s (use "
                   "-accel qtest to run without KVM)",
                   strerror(errno));
        return false;
    }
    if (version != KVM_API_VERSION) {
        error_setg(errp,
                   "kvm: " KVM_DEVICE " speaks API version %d, kemu needs "
                   "%d (use -accel qtest to run without KVM)",
                   version, KVM_API_VERSION);
        return false;
    }
    for (size_t i = 0; i < ARRAY_SIZE(kvm_required_caps); i++) {
        if (!kvm_check_extension(s, kvm_required_caps[i].cap)) {
            error_setg(errp,
                       "kvm: this KVM lacks %s, which kemu needs (use "
                       "-accel qtest to run without KVM)",
                       kvm_required_caps[i].name);
            return false;
        }
    }
    s->run_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (s->run_size < (int)sizeof(struct kvm_run)) {
        error_setg_errno(errp, errno, "kvm: KVM_GET_VCPU_MMAP_SIZE");
        return false;
    }
    return true;
}

static bool kvm_create_vm(KVMState *s, Error **errp)
{
    uint64_t identity = KVM_IDENTITY_MAP_ADDR;
    int max_vcpus = kvm_check_extension(s, KVM_CAP_MAX_VCPUS);

    if (!max_vcpus) {
        max_vcpus = kvm_check_extension(s, KVM_CAP_NR_VCPUS);
    }
    if (!max_vcpus) {
        max_vcpus = KVM_DEFAULT_MAX_VCPUS;
    }
    if (s->ms->smp_cpus > max_vcpus) {
        error_setg(errp, "kvm: -smp %d: this KVM runs at most %d vCPUs",
                   s->ms->smp_cpus, max_vcpus);
        return false;
    }
    s->vmfd = kvm_ioctl_retry(s->fd, KVM_CREATE_VM, 0);
    if (s->vmfd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VM");
        return false;
    }
    if (kvm_ioctl_retry(s->vmfd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_IDENTITY_MAP_ADDR");
        return false;
    }
    if (ioctl(s->vmfd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_SET_TSS_ADDR");
        return false;
    }
    s->max_slots = kvm_check_extension(s, KVM_CAP_NR_MEMSLOTS);
    if (!s->max_slots) {
        s->max_slots = 32;
    }
    s->max_gsi = kvm_check_extension(s, KVM_CAP_IRQ_ROUTING);
    return true;
}

static void kvm_free(KVMState *s)
{
    if (s->io_listener.address_space) {
        memory_listener_unregister(&s->io_listener);
    }
    if (s->listener.address_space) {
        memory_listener_unregister(&s->listener);
    }
    if (s->vmfd >= 0) {
        close(s->vmfd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->slots) {
        g_array_free(s->slots, true);
    }
    if (s->msrs) {
        g_hash_table_destroy(s->msrs);
    }
    if (s->msi_gsis) {
        g_hash_table_destroy(s->msi_gsis);
    }
    g_mutex_clear(&s->cpu_mutex);
    g_cond_clear(&s->cpu_cond);
    g_free(s->routes);
    g_free(s->supported_cpuid);
    g_free(s);
}

static bool kvm_init(MachineState *ms, Error **errp)
{
    KVMState *s = g_new0(KVMState, 1);

    s->ms = ms;
    s->fd = s->vmfd = -1;
    s->stop = true; /* vCPU threads start parked */
    g_mutex_init(&s->cpu_mutex);
    g_cond_init(&s->cpu_cond);
    s->slots = g_array_new(false, true, sizeof(KVMSlot));
    s->msi_gsis = g_hash_table_new(NULL, NULL);
    if (!kvm_open(s, errp) || !kvm_create_vm(s, errp) ||
        !kvm_create_irqchip(s, errp) || !kvm_read_cpuid(s, errp) ||
        !kvm_read_msr_list(s, errp) || !kvm_install_kick_handler(errp)) {
        kvm_free(s);
        return false;
    }
    s->has_xcrs = kvm_check_extension(s, KVM_CAP_XCRS);
    s->has_debugregs = kvm_check_extension(s, KVM_CAP_DEBUGREGS);
    s->listener.region_add = kvm_region_add;
    s->listener.region_del = kvm_region_del;
    if (kvm_check_extension(s, KVM_CAP_IOEVENTFD)) {
        s->listener.eventfd_add = kvm_mem_eventfd_add;
        s->listener.eventfd_del = kvm_mem_eventfd_del;
        s->io_listener.eventfd_add = kvm_io_eventfd_add;
        s->io_listener.eventfd_del = kvm_io_eventfd_del;
    }
    kvm_coalesced_init(s);
    ms->accel_state = s;
    memory_listener_register(&s->listener, ms->as_memory);
    memory_listener_register(&s->io_listener, ms->as_io);
    return true;
}

static bool kvm_start(MachineState *ms, Error **errp)
{
    KVMState *s = kvm_state(ms);

    return kvm_vcpus_create(s, errp) && kvm_vcpus_reset(s, errp);
}

static void kvm_pause(MachineState *ms)
{
    kvm_vcpus_pause(kvm_state(ms));
    /* Paused means every write the guest made has reached its device. */
    kvm_flush_coalesced_mmio(kvm_state(ms));
}

static void kvm_resume(MachineState *ms)
{
    kvm_vcpus_resume(kvm_state(ms));
}

static void kvm_reset(MachineState *ms)
{
    KVMState *s = kvm_state(ms);
    Error *err = NULL;

    if (!kvm_reset_irqchip(s, &err) || !kvm_vcpus_reset(s, &err)) {
        error_report_err(err);
        machine_request_shutdown(ms, 1, "host-error", false);
    }
}

static void kvm_shutdown(MachineState *ms)
{
    KVMState *s = kvm_state(ms);

    if (!s) {
        return;
    }
    kvm_vcpus_destroy(s);
    ms->accel_state = NULL;
    kvm_free(s);
}

const AccelOps kvm_accel_ops = {
    .name = "kvm",
    .init = kvm_init,
    .start = kvm_start,
    .set_gsi = kvm_set_gsi,
    .send_msi = kvm_send_msi,
    .pause = kvm_pause,
    .resume = kvm_resume,
    .reset_vcpus = kvm_reset,
    .shutdown = kvm_shutdown,
    .has_ioeventfd = kvm_has_ioeventfd,
    .has_irqfd = kvm_has_irqfd,
    .add_irqfd = kvm_add_irqfd,
    .del_irqfd = kvm_del_irqfd,
    .add_msi_route = kvm_add_msi_route,
    .update_msi_route = kvm_update_msi_route,
    .del_msi_route = kvm_del_msi_route,
    .create_pit = kvm_create_pit,
    .runs_guest_code = true,
};
