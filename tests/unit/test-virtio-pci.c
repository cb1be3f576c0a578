/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The KVM fast paths of the virtio PCI transport without KVM: a fake
 * accelerator that records irqfds and MSI routes, and a memory listener
 * that records ioeventfds, under a two-queue virtio device driven through
 * config space and BAR 4 as Linux's virtio_pci_modern driver drives it.
 * Checked: at DRIVER_OK one ioeventfd per queue at its notify address and
 * one route + irqfd per queue vector; a kick through the eventfd runs the
 * queue; an interrupt goes to the irqfd, not through send_msi; a masked
 * vector detaches its irqfd and leaves its interrupt pending, the unmask
 * reattaches it with the current message and sends the pending one;
 * MSI-X disabled falls back to INTx; status 0 and unplug remove all.
 */
#include "util/osdep.h"
#include "util/main-loop.h"
#include "hw/core/machine.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "tests/unit/unit.h"
#include <linux/virtio_pci.h>

#define TYPE_TEST_VIRTIO_PCI "test-virtio-pci"
OBJECT_DECLARE_SIMPLE_TYPE(TestVirtioPCI, TEST_VIRTIO_PCI)

#define DEVFN     PCI_DEVFN(5, 0)
#define RAM_SIZE  0x10000
#define BAR4_ADDR 0xe0000000ull
#define BAR1_ADDR 0xe1000000ull
#define MSI_ADDR  0xfee00000ull
#define NQUEUES   2
#define FIRST_GSI 100

struct TestVirtioPCI {
    VirtIOPCIProxy parent_obj;
    VirtIODevice vdev;
    int kicks[NQUEUES];
};

typedef struct Fixture {
    MachineState ms;
    AccelOps accel;
    MainLoop *ml;
    MemoryRegion mem, io, ram;
    AddressSpace as_mem, as_io;
    MemoryListener listener;
    PCIBus *bus;
    TestVirtioPCI *dev;
    /* what the fakes saw */
    MemoryRegionIoeventfd ioeventfds[8];
    int nioeventfds;
    int irqfd_fd[8]; /* by GSI - FIRST_GSI; -1: none */
    uint64_t route_addr[8];
    uint32_t route_data[8];
    bool route_used[8];
    int irqfd_adds, irqfd_dels, route_updates;
    uint64_t msi_addr;
    uint32_t msi_data;
    int msis;
} Fixture;

static Fixture *fx;

/* ---- The device ---- */

static void test_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    TestVirtioPCI *s = container_of(vdev, TestVirtioPCI, vdev);

    s->kicks[virtio_queue_get_index(vq)]++;
}

static void test_virtio_realize(VirtIOPCIProxy *proxy, Error **errp)
{
    TestVirtioPCI *s = TEST_VIRTIO_PCI(proxy);

    s->vdev.name = "test-virtio";
    s->vdev.device_id = VIRTIO_ID_RNG;
    virtio_init(&s->vdev, DEVICE(proxy), pci_dma_as(PCI_DEVICE(proxy)), fx->ml);
    for (int i = 0; i < NQUEUES; i++) {
        virtio_add_queue(&s->vdev, 64, test_handle);
    }
}

static void test_virtio_unrealize(VirtIOPCIProxy *proxy)
{
    virtio_cleanup(&TEST_VIRTIO_PCI(proxy)->vdev);
}

static void test_virtio_instance_init(Object *obj)
{
    VIRTIO_PCI(obj)->vdev = &TEST_VIRTIO_PCI(obj)->vdev;
}

static void test_virtio_class_init(ObjectClass *oc, void *data)
{
    VirtioPCIClass *vc = VIRTIO_PCI_CLASS(oc);

    vc->realize = test_virtio_realize;
    vc->unrealize = test_virtio_unrealize;
    PCI_DEVICE_CLASS(oc)->class_id = PCI_CLASS_OTHERS;
}

static const TypeInfo test_virtio_types[] = {
    {
        .name = TYPE_TEST_VIRTIO_PCI,
        .parent = TYPE_VIRTIO_PCI,
        .instance_size = sizeof(TestVirtioPCI),
        .instance_init = test_virtio_instance_init,
        .class_init = test_virtio_class_init,
    },
};

DEFINE_TYPES(test_virtio_types)

/* ---- The fake accelerator and listener ---- */

static bool fake_yes(MachineState *ms)
{
    return true;
}

static bool fake_add_irqfd(MachineState *ms, int fd, int resample_fd, int gsi,
                           Error **errp)
{
    CU_ASSERT_EQUAL(resample_fd, -1);
    CU_ASSERT_TRUE_FATAL(gsi >= FIRST_GSI && gsi < FIRST_GSI + 8);
    CU_ASSERT_TRUE(fx->route_used[gsi - FIRST_GSI]);
    CU_ASSERT_EQUAL(fx->irqfd_fd[gsi - FIRST_GSI], -1);
    fx->irqfd_fd[gsi - FIRST_GSI] = fd;
    fx->irqfd_adds++;
    return true;
}

static void fake_del_irqfd(MachineState *ms, int fd, int gsi)
{
    CU_ASSERT_TRUE_FATAL(gsi >= FIRST_GSI && gsi < FIRST_GSI + 8);
    CU_ASSERT_EQUAL(fx->irqfd_fd[gsi - FIRST_GSI], fd);
    fx->irqfd_fd[gsi - FIRST_GSI] = -1;
    fx->irqfd_dels++;
}

static int fake_add_msi_route(MachineState *ms, uint64_t addr, uint32_t data,
                              Error **errp)
{
    for (int i = 0; i < 8; i++) {
        if (!fx->route_used[i]) {
            fx->route_used[i] = true;
            fx->route_addr[i] = addr;
            fx->route_data[i] = data;
            return FIRST_GSI + i;
        }
    }
    error_setg(errp, "no GSI left");
    return -1;
}

static bool fake_update_msi_route(MachineState *ms, int gsi, uint64_t addr,
                                  uint32_t data, Error **errp)
{
    CU_ASSERT_TRUE_FATAL(fx->route_used[gsi - FIRST_GSI]);
    fx->route_addr[gsi - FIRST_GSI] = addr;
    fx->route_data[gsi - FIRST_GSI] = data;
    fx->route_updates++;
    return true;
}

static void fake_del_msi_route(MachineState *ms, int gsi)
{
    CU_ASSERT_TRUE(fx->route_used[gsi - FIRST_GSI]);
    CU_ASSERT_EQUAL(fx->irqfd_fd[gsi - FIRST_GSI], -1); /* irqfd gone first */
    fx->route_used[gsi - FIRST_GSI] = false;
}

static void fake_send_msi(MachineState *ms, uint64_t addr, uint32_t data)
{
    fx->msi_addr = addr;
    fx->msi_data = data;
    fx->msis++;
}

static void rec_eventfd_add(MemoryListener *l, const MemoryRegionIoeventfd *e)
{
    CU_ASSERT_FATAL(fx->nioeventfds < 8);
    fx->ioeventfds[fx->nioeventfds++] = *e;
}

static void rec_eventfd_del(MemoryListener *l, const MemoryRegionIoeventfd *e)
{
    for (int i = 0; i < fx->nioeventfds; i++) {
        if (fx->ioeventfds[i].addr == e->addr &&
            fx->ioeventfds[i].fd == e->fd) {
            fx->ioeventfds[i] = fx->ioeventfds[--fx->nioeventfds];
            return;
        }
    }
    CU_FAIL("eventfd_del of an ioeventfd never added");
}

/* ---- A driver ---- */

static PCIDevice *pci(void)
{
    return PCI_DEVICE(fx->dev);
}

static void cfg_write(uint32_t addr, uint32_t val, int len)
{
    pci_bus_config_write(fx->bus, DEVFN, addr, val, len);
}

static uint32_t cfg_read(uint32_t addr, int len)
{
    return pci_bus_config_read(fx->bus, DEVFN, addr, len);
}

static void common_write(hwaddr off, uint32_t val, unsigned size)
{
    uint64_t v = val;

    address_space_dispatch_io(&fx->as_mem, BAR4_ADDR + off, &v, size, true);
}

static uint32_t common_read(hwaddr off, unsigned size)
{
    uint64_t v = 0;

    address_space_dispatch_io(&fx->as_mem, BAR4_ADDR + off, &v, size, false);
    return v;
}

static void msix_entry(unsigned v, uint32_t data, bool masked)
{
    hwaddr e = BAR1_ADDR + v * PCI_MSIX_ENTRY_SIZE;

    address_space_stl_le(&fx->as_mem, e + PCI_MSIX_ENTRY_LOWER_ADDR,
                         (uint32_t)MSI_ADDR, NULL);
    address_space_stl_le(&fx->as_mem, e + PCI_MSIX_ENTRY_UPPER_ADDR, 0, NULL);
    address_space_stl_le(&fx->as_mem, e + PCI_MSIX_ENTRY_DATA, data, NULL);
    address_space_stl_le(&fx->as_mem, e + PCI_MSIX_ENTRY_VECTOR_CTRL,
                         masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0, NULL);
}

static void msix_mask(unsigned v, bool masked)
{
    address_space_stl_le(&fx->as_mem,
                         BAR1_ADDR + v * PCI_MSIX_ENTRY_SIZE +
                             PCI_MSIX_ENTRY_VECTOR_CTRL,
                         masked ? PCI_MSIX_ENTRY_CTRL_MASKBIT : 0, NULL);
}

static void msix_set_enable(bool on)
{
    uint32_t flags = pci()->msix_cap + PCI_MSIX_FLAGS;

    cfg_write(flags,
              on ? cfg_read(flags, 2) | PCI_MSIX_FLAGS_ENABLE
                 : cfg_read(flags, 2) & ~PCI_MSIX_FLAGS_ENABLE,
              2);
}

static void fixture_setup(void)
{
    Error *err = NULL;

    fx = g_new0(Fixture, 1);
    for (int i = 0; i < 8; i++) {
        fx->irqfd_fd[i] = -1;
    }
    fx->ml = main_loop_new();
    fx->accel.has_ioeventfd = fake_yes;
    fx->accel.has_irqfd = fake_yes;
    fx->accel.add_irqfd = fake_add_irqfd;
    fx->accel.del_irqfd = fake_del_irqfd;
    fx->accel.add_msi_route = fake_add_msi_route;
    fx->accel.update_msi_route = fake_update_msi_route;
    fx->accel.del_msi_route = fake_del_msi_route;
    fx->accel.send_msi = fake_send_msi;
    fx->ms.accel = &fx->accel;
    memory_region_init(&fx->mem, NULL, "mem", UINT64_MAX);
    memory_region_init(&fx->io, NULL, "io", 0x10000);
    memory_region_init_ram(&fx->ram, NULL, "ram", RAM_SIZE, &error_abort);
    memory_region_add_subregion(&fx->mem, 0, &fx->ram);
    address_space_init(&fx->as_mem, &fx->mem, "mem");
    address_space_init(&fx->as_io, &fx->io, "io");
    fx->listener.eventfd_add = rec_eventfd_add;
    fx->listener.eventfd_del = rec_eventfd_del;
    memory_listener_register(&fx->listener, &fx->as_mem);
    fx->bus = pci_root_bus_new(&fx->ms, NULL, "pci.0", &fx->mem, &fx->io,
                               &fx->as_mem);
    fx->dev = TEST_VIRTIO_PCI(object_new(TYPE_TEST_VIRTIO_PCI));
    PCI_DEVICE(fx->dev)->devfn = DEVFN;
    CU_ASSERT_TRUE_FATAL(qdev_realize(DEVICE(fx->dev), BUS(fx->bus), &err));
    /* Linux's probe: BARs, decoding, bus mastering, MSI-X. */
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_MODERN_BAR,
              (uint32_t)BAR4_ADDR, 4);
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_MSIX_BAR, (uint32_t)BAR1_ADDR,
              4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    msix_set_enable(true);
    for (unsigned v = 0; v <= NQUEUES; v++) {
        msix_entry(v, 0x40 + v, false);
    }
}

static void fixture_teardown(void)
{
    if (fx->dev) {
        qdev_unrealize(DEVICE(fx->dev));
        object_unref(fx->dev);
    }
    object_unref(fx->bus);
    memory_listener_unregister(&fx->listener);
    address_space_destroy(&fx->as_mem);
    address_space_destroy(&fx->as_io);
    memory_region_destroy(&fx->ram);
    memory_region_destroy(&fx->mem);
    memory_region_destroy(&fx->io);
    main_loop_free(fx->ml);
    g_free(fx);
}

/* Features, two queues (queue n on vector n + 1), DRIVER_OK. */
static void driver_start(void)
{
    common_write(VIRTIO_PCI_COMMON_STATUS,
                 VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    common_write(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
    common_write(VIRTIO_PCI_COMMON_GF, 1, 4); /* VERSION_1 */
    common_write(VIRTIO_PCI_COMMON_STATUS,
                 VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                     VIRTIO_CONFIG_S_FEATURES_OK,
                 1);
    CU_ASSERT_TRUE(common_read(VIRTIO_PCI_COMMON_STATUS, 1) &
                   VIRTIO_CONFIG_S_FEATURES_OK);
    common_write(VIRTIO_PCI_COMMON_MSIX, 0, 2);
    for (int n = 0; n < NQUEUES; n++) {
        uint32_t base = 0x1000 + n * 0x2000;

        common_write(VIRTIO_PCI_COMMON_Q_SELECT, n, 2);
        common_write(VIRTIO_PCI_COMMON_Q_MSIX, n + 1, 2);
        CU_ASSERT_EQUAL(common_read(VIRTIO_PCI_COMMON_Q_MSIX, 2), n + 1);
        common_write(VIRTIO_PCI_COMMON_Q_DESCLO, base, 4);
        common_write(VIRTIO_PCI_COMMON_Q_AVAILLO, base + 0x400, 4);
        common_write(VIRTIO_PCI_COMMON_Q_USEDLO, base + 0x1000, 4);
        common_write(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
    }
    common_write(VIRTIO_PCI_COMMON_STATUS,
                 VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK,
                 1);
}

static int irqfds_attached(void)
{
    int n = 0;

    for (int i = 0; i < 8; i++) {
        n += fx->irqfd_fd[i] >= 0;
    }
    return n;
}

static int routes(void)
{
    int n = 0;

    for (int i = 0; i < 8; i++) {
        n += fx->route_used[i];
    }
    return n;
}

static VirtQueue *queue(int n)
{
    return virtio_get_queue(&fx->dev->vdev, n);
}

static char *prop(const char *name)
{
    return object_property_print(OBJECT(fx->dev), name, &error_abort);
}

/* The gsi whose irqfd is queue n's guest notifier, or -1. */
static int gsi_of_queue(int n)
{
    int fd = event_notifier_get_fd(virtio_queue_get_guest_notifier(queue(n)));

    for (int i = 0; i < 8; i++) {
        if (fx->irqfd_fd[i] == fd) {
            return FIRST_GSI + i;
        }
    }
    return -1;
}

/* ---- Tests ---- */

static void test_driver_ok_assigns(void)
{
    g_autofree char *ioeventfd = NULL, *irqfd = NULL;

    fixture_setup();
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    driver_start();
    /* One ioeventfd per queue at its notify address, any size. */
    CU_ASSERT_EQUAL(fx->nioeventfds, NQUEUES);
    for (int i = 0; i < fx->nioeventfds; i++) {
        int n =
            (fx->ioeventfds[i].addr - BAR4_ADDR - VIRTIO_PCI_NOTIFY_OFFSET) /
            VIRTIO_PCI_NOTIFY_MULT;

        CU_ASSERT_TRUE_FATAL(n >= 0 && n < NQUEUES);
        CU_ASSERT_EQUAL(fx->ioeventfds[i].size, 0);
        CU_ASSERT_FALSE(fx->ioeventfds[i].match_data);
        CU_ASSERT_EQUAL(
            fx->ioeventfds[i].fd,
            event_notifier_get_fd(virtio_queue_get_host_notifier(queue(n))));
    }
    /* One route and one irqfd per queue, with its vector's message. */
    CU_ASSERT_EQUAL(routes(), NQUEUES);
    CU_ASSERT_EQUAL(irqfds_attached(), NQUEUES);
    for (int n = 0; n < NQUEUES; n++) {
        int gsi = gsi_of_queue(n);

        CU_ASSERT_TRUE_FATAL(gsi >= FIRST_GSI);
        CU_ASSERT_EQUAL(fx->route_addr[gsi - FIRST_GSI], MSI_ADDR);
        CU_ASSERT_EQUAL(fx->route_data[gsi - FIRST_GSI], 0x40 + n + 1);
    }
    ioeventfd = prop("x-ioeventfd-active");
    irqfd = prop("x-irqfd-active");
    CU_ASSERT_STRING_EQUAL(ioeventfd, "true");
    CU_ASSERT_STRING_EQUAL(irqfd, "true");
    /* Status 0 takes everything away. */
    common_write(VIRTIO_PCI_COMMON_STATUS, 0, 1);
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    CU_ASSERT_EQUAL(irqfds_attached(), 0);
    CU_ASSERT_EQUAL(routes(), 0);
    fixture_teardown();
}

/* A kick is an eventfd signal the main loop turns into the handler. */
static void test_kick_through_eventfd(void)
{
    g_autofree char *exits = NULL;

    fixture_setup();
    driver_start();
    event_notifier_set(virtio_queue_get_host_notifier(queue(1)));
    main_loop_wait(fx->ml, true);
    CU_ASSERT_EQUAL(fx->dev->kicks[1], 1);
    CU_ASSERT_EQUAL(fx->dev->kicks[0], 0);
    exits = prop("x-notify-exits");
    CU_ASSERT_STRING_EQUAL(exits, "0");
    fixture_teardown();
}

/* An interrupt is the guest notifier's signal, never send_msi. */
static void test_interrupt_through_irqfd(void)
{
    EventNotifier *call;

    fixture_setup();
    driver_start();
    call = virtio_queue_get_guest_notifier(queue(0));
    virtio_notify(&fx->dev->vdev, queue(0));
    CU_ASSERT_TRUE(event_notifier_test_and_clear(call));
    CU_ASSERT_EQUAL(fx->msis, 0);
    fixture_teardown();
}

/* Masked: irqfd off, the event pending; unmasked: back on, sent. */
static void test_mask_unmask(void)
{
    int gsi;

    fixture_setup();
    driver_start();
    gsi = gsi_of_queue(0);
    msix_mask(1, true);
    CU_ASSERT_EQUAL(gsi_of_queue(0), -1);
    CU_ASSERT_EQUAL(gsi_of_queue(1), FIRST_GSI + 1); /* vector 2 untouched */
    virtio_notify(&fx->dev->vdev, queue(0));
    main_loop_wait(fx->ml, true); /* the core reads the notifier */
    CU_ASSERT_EQUAL(fx->msis, 0);
    CU_ASSERT_TRUE(msix_is_pending(pci(), 1));
    /* The driver changes the message while masked, then unmasks. */
    msix_entry(1, 0x77, true);
    msix_mask(1, false);
    CU_ASSERT_EQUAL(gsi_of_queue(0), gsi);
    CU_ASSERT_EQUAL(fx->route_data[gsi - FIRST_GSI], 0x77);
    CU_ASSERT_EQUAL(fx->msis, 1);
    CU_ASSERT_EQUAL(fx->msi_data, 0x77);
    CU_ASSERT_FALSE(msix_is_pending(pci(), 1));
    /* A live vector's new message follows at once. */
    address_space_stl_le(&fx->as_mem,
                         BAR1_ADDR + PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA,
                         0x78, NULL);
    CU_ASSERT_EQUAL(fx->route_data[gsi - FIRST_GSI], 0x78);
    fixture_teardown();
}

/* MSI-X off: irqfds detached, the interrupt becomes ISR + INTx. */
static void test_msix_disabled(void)
{
    fixture_setup();
    driver_start();
    msix_set_enable(false);
    CU_ASSERT_EQUAL(irqfds_attached(), 0);
    virtio_notify(&fx->dev->vdev, queue(1));
    main_loop_wait(fx->ml, true);
    CU_ASSERT_EQUAL(fx->msis, 0);
    CU_ASSERT_TRUE(fx->dev->vdev.isr & VIRTIO_ISR_QUEUE);
    CU_ASSERT_EQUAL(pci()->irq_state, 1);
    CU_ASSERT_EQUAL(common_read(VIRTIO_PCI_ISR_OFFSET, 1), VIRTIO_ISR_QUEUE);
    CU_ASSERT_EQUAL(pci()->irq_state, 0);
    /* Back on: reattached. */
    msix_set_enable(true);
    CU_ASSERT_EQUAL(irqfds_attached(), NQUEUES);
    fixture_teardown();
}

/* Unplug with everything live: nothing left in the fakes. */
static void test_unplug(void)
{
    fixture_setup();
    driver_start();
    qdev_unrealize(DEVICE(fx->dev));
    object_unref(fx->dev);
    fx->dev = NULL;
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    CU_ASSERT_EQUAL(irqfds_attached(), 0);
    CU_ASSERT_EQUAL(routes(), 0);
    fixture_teardown();
}

/* ioeventfd=off: no ioeventfd, and the kicks are counted as exits. */
static void test_ioeventfd_off(void)
{
    g_autofree char *exits = NULL;
    Error *err = NULL;

    fixture_setup();
    qdev_unrealize(DEVICE(fx->dev));
    object_unref(fx->dev);
    fx->dev = TEST_VIRTIO_PCI(object_new(TYPE_TEST_VIRTIO_PCI));
    PCI_DEVICE(fx->dev)->devfn = DEVFN;
    CU_ASSERT_TRUE_FATAL(
        object_property_parse(OBJECT(fx->dev), "ioeventfd", "off", &err));
    CU_ASSERT_TRUE_FATAL(qdev_realize(DEVICE(fx->dev), BUS(fx->bus), &err));
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_MODERN_BAR,
              (uint32_t)BAR4_ADDR, 4);
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    driver_start();
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    CU_ASSERT_EQUAL(irqfds_attached(), 0); /* MSI-X never enabled */
    common_write(VIRTIO_PCI_NOTIFY_OFFSET + 4, 1, 2);
    CU_ASSERT_EQUAL(fx->dev->kicks[1], 1);
    exits = prop("x-notify-exits");
    CU_ASSERT_STRING_EQUAL(exits, "1");
    fixture_teardown();
}

/*
 * A hostile driver: random accesses of every size to config space, the
 * legacy registers, BAR 4 and the MSI-X table, with a fixed seed.  Nothing
 * may crash or touch memory it should not (the sanitizer build checks),
 * the fakes' invariants hold throughout (an irqfd only on a live route,
 * routes freed after their irqfd), and a status of 0 or an unplug still
 * leaves nothing behind.
 */
static void test_random_accesses(void)
{
    GRand *rand = g_rand_new_with_seed(0x5eed);

    fixture_setup();
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_LEGACY_BAR, 0xc000, 4);
    cfg_write(PCI_COMMAND,
              PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    for (int i = 0; i < 20000; i++) {
        unsigned size = 1u << g_rand_int_range(rand, 0, 3);
        uint64_t val = g_rand_int(rand);
        bool write = g_rand_boolean(rand);
        hwaddr off;

        if (i % 997 == 0) {
            driver_start(); /* now and then, a working device again */
        }
        switch (g_rand_int_range(rand, 0, 6)) {
        case 0: /* common configuration, mostly */
            off = g_rand_int_range(rand, 0, 0x40) & ~(size - 1);
            if (off == VIRTIO_PCI_COMMON_Q_SELECT && write) {
                val %= NQUEUES + 1;
            }
            address_space_dispatch_io(&fx->as_mem, BAR4_ADDR + off, &val, size,
                                      write);
            break;
        case 1: /* anywhere in BAR 4 */
            off = g_rand_int_range(rand, 0, VIRTIO_PCI_MODERN_BAR_SIZE) &
                  ~(size - 1);
            address_space_dispatch_io(&fx->as_mem, BAR4_ADDR + off, &val, size,
                                      write);
            break;
        case 2: /* the legacy registers */
            off = g_rand_int_range(rand, 0, 32) & ~(size - 1);
            address_space_dispatch_io(&fx->as_io, 0xc000 + off, &val, size,
                                      write);
            break;
        case 3: /* the MSI-X table and PBA */
            off = g_rand_int_range(rand, 0, 0x1000) & ~3u;
            address_space_dispatch_io(&fx->as_mem, BAR1_ADDR + off, &val, 4,
                                      write);
            break;
        case 4: /* a vector masked or unmasked */
            msix_mask(g_rand_int_range(rand, 0, NQUEUES + 1), val & 1);
            break;
        default: /* capabilities, the PCI_CFG window, MSI-X flags */
            off = g_rand_int_range(rand, 0x40, 0x100 - 4) & ~(size - 1);
            if (write) {
                cfg_write(off, val, size);
            } else {
                cfg_read(off, size);
            }
            break;
        }
        main_loop_wait(fx->ml, true);
    }
    /* It did reach the fast paths, more than once. */
    CU_ASSERT_TRUE(fx->irqfd_adds > 20);
    CU_ASSERT_TRUE(fx->irqfd_dels > 20);
    /* The PCI part may have been turned off: decoding on again. */
    cfg_write(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_MODERN_BAR,
              (uint32_t)BAR4_ADDR, 4);
    cfg_write(PCI_BASE_ADDRESS_0 + 4 * VIRTIO_PCI_MODERN_BAR + 4, 0, 4);
    common_write(VIRTIO_PCI_COMMON_STATUS, 0, 1);
    CU_ASSERT_EQUAL(common_read(VIRTIO_PCI_COMMON_STATUS, 1), 0);
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    CU_ASSERT_EQUAL(irqfds_attached(), 0);
    CU_ASSERT_EQUAL(routes(), 0);
    driver_start();
    qdev_unrealize(DEVICE(fx->dev));
    object_unref(fx->dev);
    fx->dev = NULL;
    CU_ASSERT_EQUAL(fx->nioeventfds, 0);
    CU_ASSERT_EQUAL(irqfds_attached(), 0);
    CU_ASSERT_EQUAL(routes(), 0);
    g_rand_free(rand);
    fixture_teardown();
}

UNIT_SUITE(virtio_pci, NULL, NULL, UNIT_TEST(test_driver_ok_assigns),
           UNIT_TEST(test_kick_through_eventfd),
           UNIT_TEST(test_interrupt_through_irqfd), UNIT_TEST(test_mask_unmask),
           UNIT_TEST(test_msix_disabled), UNIT_TEST(test_unplug),
           UNIT_TEST(test_ioeventfd_off), UNIT_TEST(test_random_accesses))
